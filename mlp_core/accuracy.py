"""Predicted classes and the accuracy of every training iteration, exactly as the article's code computes them.

The article's code measures accuracy after each update on all points: class = argmax softmax(act(X W1) W2).
Done in full, that costs more than the iteration itself. `AccuracyMeter` gives exactly the same classes while
recomputing only the points whose class a bound on the weights' drift cannot vouch for (see its docstring);
`grid_classes` colours the decision-boundary grid the same way. tests/test_train.py checks both against `predict`.
"""
import math

import numpy as np

from mlp_core.activations import ACTIVATIONS

def predict(X, W1, W2, act=ACTIVATIONS["sigmoid"].function):
    """The class of each row of X: argmax of softmax(act(X W1) W2), as the article's code computes it.

    Where exp overflows, softmax holds NaN and argmax takes the first NaN: kept, to match that code.
    """
    return softmax_argmax(np.matmul(act(np.matmul(X, W1)), W2))


def softmax_argmax(z2):
    probs = np.exp(z2) / np.sum(np.exp(z2), axis=1, keepdims=True)
    return np.argmax(probs, axis=1)


LIMIT = 600.0  # logits below this in size: softmax cannot overflow, and argmax softmax = argmax logits


def tie_tolerance(scale):
    """Logit gaps this small are near ties, decided by rounding. Far above float64's rounding in act(x W1) W2,
    about (hidden + 4) 2^-53 scale with scale = sum_j |h_j| (|W2[j, 0]| + |W2[j, 1]|), and in softmax."""
    return 1e-12 + 1e-10 * scale


def approximate_gaps(X, W1s, v, activation, scratch=None):
    """Logit gaps (logit 1 - logit 0) of the points X at weights W1s[:, k], v[k] = W2[:, 1] - W2[:, 0], in
    float32 (fast), and a bound on their error: (gaps (k, point), bound (k, point)). A float32 `scratch` array
    of at least len(X) * W1s[0].size entries saves allocating that much memory anew each call.

    The bound adds up float32's rounding u = 2^-24 (taken as 2e-7, about 3u), with S = sum_j |h_j| |v_j|:
    the sum over the hidden units and v's rounding ((hidden + 1)u S), the activation's own rounding (6u |h_j|)
    and the error on z = x W1[:, j] (4u ||x|| ||W1[:, j]||), which moves a sigmoid by at most h_j times that
    (so u S again: saturated units, h near 0, keep the bound small) and tanh by at most that.
    """
    m, hidden = v.shape
    out = None if scratch is None else scratch[:len(X) * m * hidden].reshape(len(X), m * hidden)
    Z = np.matmul(X.astype(np.float32), W1s.reshape(len(W1s), -1).astype(np.float32), out=out)
    sigmoid = activation.name == "sigmoid"
    if sigmoid:  # 1 / (1 + exp(-z)), in place
        np.negative(Z, out=Z)
        np.exp(Z, out=Z)
        np.add(1.0, Z, out=Z)
        H = np.divide(1.0, Z, out=Z)
    else:
        H = np.tanh(Z, out=Z)
    H = H.reshape(len(X), m, hidden).transpose(1, 0, 2)  # H[k, point, j]
    v32 = v.astype(np.float32)[:, :, None]
    gaps = np.matmul(H, v32)[:, :, 0].astype(float)
    S = np.matmul(H if sigmoid else np.abs(H), np.abs(v32))[:, :, 0].astype(float)
    x_norm = math.sqrt(np.square(X).sum(axis=1).max())
    z_error = 5 * x_norm * np.sqrt(np.square(W1s).sum(axis=0).max(axis=1))[:, None]  # in u, per k
    if sigmoid:
        return gaps, 2e-7 * S * (hidden + 8 + z_error)
    return gaps, 2e-7 * (S * (hidden + 8) + z_error * np.abs(v).sum(axis=1)[:, None])


def exact_gaps(X, W1s, W2s, act):
    """Float64 logit gaps of point X[n] at weights W1s[:, n], W2s[n], and their tie tolerances."""
    h = act(np.einsum("ni,inj->nj", X, W1s))
    z2 = np.einsum("nj,njc->nc", h, W2s)
    return z2[:, 1] - z2[:, 0], tie_tolerance(np.einsum("nj,nj->n", np.abs(h), np.abs(W2s).sum(axis=2)))


class AccuracyMeter:
    """The accuracy after each update (`record`), exactly as `predict` on all points gives it, but cheaply.

    A full computation at weights (W1r, W2r) gives each point its logit gap g_i = h_i vr (v = W2[:, 1] - W2[:, 0],
    h_i = act(x_i W1r)), whose sign is its class. At weights (W1, W2) the gap has moved by at most
    L_i ||x_i|| a + ||h_i|| d, where a = sum_j ||W1[:, j] - W1r[:, j]|| |v_j|, d = ||v - vr|| and L_i is the
    activation's steepest slope on point i's hidden units while each ||W1[:, j] - W1r[:, j]|| <= reach (small for
    saturated units), so its class stands while that stays below |g_i| minus the tie tolerance ("far" points).
    The other ("near") points are recomputed for every iteration, in float32 and, where float32 cannot tell, in
    float64. A far point whose bound fails becomes near; when more than MOST points are near, or the weights
    leave reach, all points are recomputed and become the new reference. Logits stay below LIMIT; a near tie
    hands the iteration to the full computation, as `predict` does it. After three references in a row that
    lasted less than 4 iterations each (the weights move too fast for the bound), every point is near for the
    next DIRECT iterations. Weights are buffered and measured BLOCK iterations at a time (`flush`), which saves
    most of NumPy's per-call cost. With other than two classes, every iteration goes to `predict`.
    """
    NEAR, MOST, BLOCK, DIRECT = 16, 32, 64, 256  # near points after a refresh, at most; block; see flush

    def __init__(self, X, y, activation, W1, W2, out):
        self.X, self.labels, self.out = X, y.argmax(axis=1), out
        self.activation, self.act = activation, activation.function
        self.x_norm = np.sqrt(np.square(X).sum(axis=1))
        self.reach = 2.0 / self.x_norm.max()  # hidden pre-activations then move by at most 2
        self.h_max = math.sqrt(W1.shape[1])  # ||h|| <= sqrt(hidden) for sigmoid and tanh
        self.two_classes = y.shape[1] == 2
        self.W1s = np.empty((W1.shape[0], self.BLOCK, W1.shape[1]))  # W1s[:, k]: the k-th buffered W1
        self.W2s = np.empty((self.BLOCK, *W2.shape))
        self.scratch = np.empty(len(X) * self.W1s[0].size, dtype=np.float32)  # for approximate_gaps
        self.first, self.count, self.W1r = 0, 0, None
        self.short = self.every_point = 0  # short-lived references in a row; iterations left with all points near

    def record(self, k, W1, W2):
        """Keep iteration k's weights (0-based); measured when the block is full or at `flush`."""
        if self.count == 0:
            self.first = k
        self.W1s[:, self.count] = W1
        self.W2s[self.count] = W2
        self.count += 1
        if self.count == self.BLOCK:
            self.flush()

    def flush(self):
        """Write the accuracy of every buffered iteration into out."""
        j, end, window = 0, self.count, self.count
        while j < end:
            if self.every_point:  # every point near: steps small enough to stay in cache
                window = min(window, self.every_point, 8)
            ok, accuracy = self.vouched(j, min(end, j + window))
            good = len(ok) if ok.all() else int(ok.argmin())
            self.out[self.first + j:self.first + j + good] = accuracy[:good]
            j += good
            if self.every_point:
                self.every_point = max(self.every_point - len(ok), 0)
                if not self.every_point:
                    self.W1r = None  # back to near and far points
            if good == len(ok):
                window *= 2
            else:  # a new reference, and shorter steps while the weights move fast
                self.short = self.short + 1 if good < 4 else 0
                if self.short == 3:
                    self.every_point, self.short = self.DIRECT, 0
                self.out[self.first + j] = self.refresh(self.W1s[:, j], self.W2s[j])
                j += 1
                window = max(4, 2 * good)
        self.count = 0

    def full(self, W1, W2):
        """The accuracy at (W1, W2) computed on all points, as `predict` does."""
        return float(np.count_nonzero(predict(self.X, W1, W2, self.act) == self.labels)) / len(self.X)

    def vouched(self, j, stop):
        """For the buffered weights j .. stop - 1: whether the reference still settles the classes, and the
        accuracy it gives."""
        if self.W1r is None:
            return np.zeros(stop - j, dtype=bool), np.zeros(stop - j)
        W1s, W2s = self.W1s[:, j:stop], self.W2s[j:stop]
        D1 = W1s - self.W1r[:, None, :]
        v = W2s[:, :, 1] - W2s[:, :, 0]
        Dv = v - self.vr
        d = np.sqrt(np.einsum("kj,kj->k", Dv, Dv))
        w2 = np.sqrt(np.einsum("kij,kij->k", W2s, W2s))
        moved = np.sqrt(np.einsum("ikj,ikj->kj", D1, D1))  # ||W1[:, j] - W1r[:, j]||
        a = np.einsum("kj,kj->k", moved, np.abs(v))
        ok = self.h_max * w2 < LIMIT
        if len(self.far):  # the bound's slopes hold within reach; far points' tolerance up to ||W2|| = 2 ||W2r||
            ok &= (moved.max(axis=1) <= self.reach) & (w2 <= 2 * self.w2r)
        last = len(ok) if ok.all() else int(ok.argmin())  # iterations 0 .. last - 1 can go on from here
        failing = []
        if last and len(self.far) and a[:last].max() * self.P + d[:last].max() * self.Q >= 1.0:
            fails = np.outer(a[:last], self.spread_x) + np.outer(d[:last], self.spread_h) >= 1.0
            failing = np.flatnonzero(fails.any(axis=0))
        if len(failing) and len(failing) > self.MOST - len(self.near):  # up to where one too many would be near
            first_fail = fails[:, failing].argmax(axis=0)
            last = int(np.sort(first_fail)[max(self.MOST - len(self.near), 0)])
            failing = failing[first_fail < last]
        if len(failing):
            self.promote(failing)
        ok[last:] = False
        accuracy = np.zeros(len(ok))
        if last == 0:
            return ok, accuracy
        W1s, W2s, v, w2 = W1s[:, :last], W2s[:last], v[:last], w2[:last]
        gaps, error = approximate_gaps(self.X[self.near], W1s, v, self.activation, self.scratch)
        k, p = np.nonzero(np.abs(gaps) <= error + tie_tolerance(math.sqrt(2) * self.h_max * w2)[:, None])
        if len(k):  # where float32 cannot tell: float64, point by point
            gaps[k, p], tol = exact_gaps(self.X[self.near[p]], W1s[:, k], W2s[k], self.act)
            ok[k[np.abs(gaps[k, p]) <= tol]] = False
        accuracy[:last] = (self.far_correct + np.count_nonzero((gaps > 0) == self.near_is_1, axis=1)) / len(self.X)
        return ok, accuracy

    def promote(self, which):
        """Far points far[which] become near points."""
        self.near = np.concatenate([self.near, self.far[which]])
        self.near_is_1 = self.labels[self.near] == 1
        self.far_correct -= int(np.count_nonzero(self.far_correct_at[which]))
        keep = np.ones(len(self.far), dtype=bool)
        keep[which] = False
        self.far, self.far_correct_at = self.far[keep], self.far_correct_at[keep]
        self.spread_x, self.spread_h = self.spread_x[keep], self.spread_h[keep]
        self.P = float(self.spread_x.max()) if len(self.far) else 0.0
        self.Q = float(self.spread_h.max()) if len(self.far) else 0.0

    def refresh(self, W1, W2):
        """The accuracy at (W1, W2) from all points as `predict` computes it; they become the reference unless
        there is a near tie."""
        self.W1r = None
        if not self.two_classes:
            return self.full(W1, W2)
        z1 = np.matmul(self.X, W1)
        h = self.act(z1)
        z2 = np.matmul(h, W2)
        correct = softmax_argmax(z2) == self.labels
        gap = z2[:, 1] - z2[:, 0]
        w2 = math.sqrt(np.vdot(W2, W2))
        tol = tie_tolerance(np.abs(h) @ np.abs(W2).sum(axis=1))
        if not (self.h_max * w2 < LIMIT and np.all(np.abs(gap) > tol)):  # NaN, overflow or a near tie
            return float(np.count_nonzero(correct)) / len(self.X)
        room = np.abs(gap) - tie_tolerance(2 * math.sqrt(2) * self.h_max * w2)
        safe = np.where(room > 0, room, 1.0)
        # the steepest slope of each point's hidden units while every ||W1[:, j] - W1r[:, j]|| <= reach
        nearest = np.maximum(np.abs(z1) - self.reach * self.x_norm[:, None], 0.0)
        slope = self.activation.derivative(self.act(nearest)).max(axis=1)
        spread_x = np.where(room > 0, slope * self.x_norm / safe, np.inf)
        spread_h = np.where(room > 0, np.sqrt(np.square(h).sum(axis=1)) / safe, np.inf)
        order = np.argsort(np.maximum(spread_x, spread_h))
        split = 0 if self.every_point else len(self.X) - max(self.NEAR, int(np.count_nonzero(room <= 0)))
        self.near, self.far = order[split:], order[:split]
        self.near_is_1 = self.labels[self.near] == 1
        self.far_correct_at = correct[self.far]
        self.far_correct = int(np.count_nonzero(self.far_correct_at))
        self.spread_x, self.spread_h = spread_x[self.far], spread_h[self.far]
        self.P = float(self.spread_x.max()) if len(self.far) else 0.0
        self.Q = float(self.spread_h.max()) if len(self.far) else 0.0
        self.vr, self.w2r, self.W1r = W2[:, 1] - W2[:, 0], w2, W1.copy()
        return float(np.count_nonzero(correct)) / len(self.X)


def grid_classes(grid_x, grid_y, W1, W2, activation, rows=512):
    """Predicted class over the grid, classes[i, j] at (grid_x[j], grid_y[i]): `predict`'s classes, from float32
    gaps where their error bound settles the sign (two classes), `predict` itself elsewhere; in cache-sized blocks."""
    gx, gy = np.meshgrid(grid_x, grid_y)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    classes = np.empty(len(points), dtype=int)
    fast = W2.shape[1] == 2 and math.sqrt(W2.shape[0] * np.vdot(W2, W2)) < LIMIT
    v, tol = W2[:, 1] - W2[:, 0], tie_tolerance(math.sqrt(2 * W2.shape[0] * np.vdot(W2, W2)))
    for i in range(0, len(points), rows):
        block = points[i:i + rows]
        if not fast:
            classes[i:i + rows] = predict(block, W1, W2, activation.function)
            continue
        gaps, error = approximate_gaps(block, W1[:, None, :], v[None, :], activation)
        unsure = np.abs(gaps[0]) <= error[0] + tol
        classes[i:i + rows] = gaps[0] > 0
        classes[i:i + rows][unsure] = predict(block[unsure], W1, W2, activation.function)
    return classes.reshape(gy.shape)
