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


def approximate_gaps(X, W1, v, activation):
    """Logit gaps (logit 1 - logit 0) of the points X at weights W1, v = W2[:, 1] - W2[:, 0], in float32 (fast),
    and a bound on their errors.

    The bound adds up float32's rounding u = 2^-24 (taken as 2e-7, about 3u), with S = sum_j |h_j| |v_j|:
    the sum over the hidden units and v's rounding ((hidden + 1)u S), the activation's own rounding (6u |h_j|)
    and the error on z = x W1[:, j] (4u ||x|| ||W1[:, j]||), which moves a sigmoid by at most h_j times that
    (so u S again: saturated units, h near 0, keep the bound small) and tanh by at most that.
    """
    hidden = len(v)
    H = np.matmul(X.astype(np.float32), W1.astype(np.float32))
    sigmoid = activation.name == "sigmoid"
    if sigmoid:  # 1 / (1 + exp(-z)), in place
        np.negative(H, out=H)
        np.exp(H, out=H)
        np.add(1.0, H, out=H)
        np.divide(1.0, H, out=H)
    else:
        np.tanh(H, out=H)
    v32 = v.astype(np.float32)
    gaps = np.matmul(H, v32).astype(float)
    S = np.matmul(H if sigmoid else np.abs(H, out=H), np.abs(v32)).astype(float)
    z_error = 5 * math.sqrt(np.square(X).sum(axis=1).max()) * math.sqrt(np.square(W1).sum(axis=0).max())  # in u
    if sigmoid:
        return gaps, 2e-7 * S * (hidden + 8 + z_error)
    return gaps, 2e-7 * (S * (hidden + 8) + z_error * np.abs(v).sum())


def exact_gaps(X, W1s, W2s, act):
    """Float64 logit gaps of point X[n] at weights W1s[n], W2s[n], and their tie tolerances."""
    h = act(np.einsum("ni,nij->nj", X, W1s))
    z2 = np.einsum("nj,njc->nc", h, W2s)
    return z2[:, 1] - z2[:, 0], tie_tolerance(np.einsum("nj,nj->n", np.abs(h), np.abs(W2s).sum(axis=2)))


class AccuracyMeter:
    """The accuracy after each update (`record`), exactly as `predict` on all points gives it, but cheaply.

    A full computation at reference weights (W1r, W2r) gives each point its logit gap g = h vr, whose sign is its
    class (v = W2[:, 1] - W2[:, 0], z = x W1r, h = act(z)). At later weights W1 = W1r + D, v = vr + e:
    - a "far" point keeps its class while L ||x|| a + ||h|| ||e|| < |g| minus the tie tolerance, with
      a = sum_j ||D_j|| |v_j| and L the steepest slope of the point's units while each ||D_j|| <= reach: a bound
      linear in the drift, checked for all far points at once without touching them;
    - a "near" point gets the first-order estimate g + sum_j act'(z_j) vr_j (x D_j) + h e: one matrix product
      per block of iterations, no activation computed. Taylor's theorem bounds its error by
      ||x|| sum_j act'(z_j) ||D_j|| |e_j| + ||x||^2 / 2 sum_j c_j ||D_j||^2 |v_j|, c_j the largest curvature
      within RHO of z_j (or anywhere, with the activation's largest slope, beyond RHO), plus rounding
      (`tie_tolerance`, for the reference and for the code's own gap). Where that leaves the sign open, the
      point's gap is computed in float64.
    Near points are the NEAR ones with the least room, those whose far bound would fail within HORIZON
    iterations at the drift seen from the last reference, and far points whose bound fails (PROMOTE more, at
    most). A near tie (a class decided by rounding) hands the iteration to the full computation, as `predict`
    does it. When a far bound fails with no promotion left, or OPEN gaps have been computed in float64 since the
    reference, or the weights leave reach, or logits could reach LIMIT, a full computation becomes the new
    reference. Weights are buffered and measured BLOCK iterations at a time (`flush`), which saves most of
    NumPy's per-call cost. With other than two classes, every iteration goes to `predict`.
    """
    NEAR, PROMOTE, OPEN, BLOCK, RHO, HORIZON = 32, 32, 64, 256, 0.5, 256

    def __init__(self, X, y, activation, W1, W2, out):
        self.X, self.labels, self.out = X, y.argmax(axis=1), out
        self.activation, self.act = activation, activation.function
        self.x_norm = np.sqrt(np.square(X).sum(axis=1))
        self.reach = 2.0 / self.x_norm.max()  # hidden pre-activations then move by at most 2
        self.h_max = math.sqrt(W1.shape[1])  # ||h|| <= sqrt(hidden) for sigmoid and tanh
        self.two_classes = y.shape[1] == 2
        self.W1s = np.empty((self.BLOCK, *W1.shape))  # W1s[k]: the k-th buffered W1
        self.W2s = np.empty((self.BLOCK, *W2.shape))
        self.first, self.count, self.W1r = 0, 0, None
        self.age, self.drift = 0, (0.0, 0.0)  # iterations since the reference; drift per iteration
        self.lasted = self.BLOCK  # how long the last reference lasted

    def record(self, k, W1, W2):
        """Keep iteration k's weights (0-based); measured when the block is full or at `flush`."""
        if self.count == 0:
            self.first = k
        self.W1s[self.count] = W1
        self.W2s[self.count] = W2
        self.count += 1
        if self.count == self.BLOCK:
            self.flush()

    def flush(self):
        """Write the accuracy of every buffered iteration into out."""
        j = 0
        while j < self.count:  # in windows twice as long as the last reference lasted, at least 16 iterations
            good, accuracy = self.vouched(j, min(self.count, j + max(16, 2 * self.lasted)))
            self.out[self.first + j:self.first + j + good] = accuracy
            j += good
            if j < self.count:
                self.out[self.first + j] = self.refresh(self.W1s[j], self.W2s[j])
                j += 1
        self.count = 0

    def full(self, W1, W2):
        """The accuracy at (W1, W2) computed on all points, as `predict` does."""
        return float(np.count_nonzero(predict(self.X, W1, W2, self.act) == self.labels)) / len(self.X)

    def vouched(self, j, stop):
        """How many of the buffered weights j .. stop - 1 the reference settles, from j on, and their accuracy."""
        if self.W1r is None:
            return 0, []
        W1s, W2s = self.W1s[j:stop], self.W2s[j:stop]
        D = W1s - self.W1r  # (iteration, input, hidden unit)
        v = W2s[:, :, 1] - W2s[:, :, 0]
        e = v - self.vr
        moved2 = np.einsum("kij,kij->kj", D, D)  # ||D_j||^2
        moved = np.sqrt(moved2)
        w2 = np.sqrt(np.einsum("kij,kij->k", W2s, W2s))
        ok = self.h_max * w2 < LIMIT
        if len(self.far):  # the far bound's slopes hold within reach, its tolerance up to ||W2|| = 2 ||W2r||
            ok &= (moved.max(axis=1) <= self.reach) & (w2 <= 2 * self.w2r)
        last = len(ok) if ok.all() else int(ok.argmin())  # iterations 0 .. last - 1 can go on from here
        abs_v = np.abs(v)
        a = np.einsum("kj,kj->k", moved[:last], abs_v[:last])  # the drift in the far points' bound
        d = np.sqrt(np.einsum("kj,kj->k", e[:last], e[:last]))
        if len(self.far) and last:
            a_max, d_max = a.max(), d.max()
            if a_max * self.P + d_max * self.Q >= 1.0:
                failing = np.flatnonzero(a_max * self.spread_x + d_max * self.spread_h >= 1.0)
                room = self.most - len(self.near)
                if len(failing) > room:  # up to the iteration where one too many would be near
                    fails = np.outer(a, self.spread_x[failing]) + np.outer(d, self.spread_h[failing]) >= 1.0
                    first_fail = np.where(fails.any(axis=0), fails.argmax(axis=0), last)
                    last = int(np.sort(first_fail)[max(room, 0)])
                    failing = failing[first_fail < last]
                if len(failing):
                    self.promote(failing)
        if last == 0:
            return 0, []
        D, e, moved2, moved, w2, abs_v = D[:last], e[:last], moved2[:last], moved[:last], w2[:last], abs_v[:last]
        inputs_hidden = D[0].size
        gaps = self.near_gap + D.reshape(last, -1) @ self.U[:inputs_hidden] + e @ self.U[inputs_hidden:]
        first = self.activation.slope_max * np.einsum("kj,kj->k", moved, np.abs(e))
        second = 0.5 * self.activation.curvature_max * np.einsum("kj,kj->k", moved2, abs_v)
        rounding = 2 * tie_tolerance(math.sqrt(2) * self.h_max * w2)
        x = self.x_norm[self.near]
        x_max = x.max()
        unsure = np.abs(gaps) <= (first * x_max + second * x_max ** 2 + rounding)[:, None]
        if unsure.any():  # Taylor's remainder with each unit's own slope and curvature (within RHO of its z)
            cols = np.flatnonzero(unsure.any(axis=0))
            x = x[cols]
            local = (x * ((moved * np.abs(e)) @ self.slopes[cols].T)
                     + 0.5 * np.square(x) * ((moved2 * abs_v) @ self.curvatures[cols].T))
            anywhere = np.outer(first, x) + np.outer(second, np.square(x))
            error = np.where(np.outer(moved.max(axis=1), x) <= self.RHO, local, anywhere) + rounding[:, None]
            is_open = np.abs(gaps[:, cols]) <= error
            opened = self.opened + np.cumsum(np.count_nonzero(is_open, axis=1))
            if opened[-1] > self.OPEN:  # a new reference costs less than computing more gaps
                last = int(np.argmax(opened > self.OPEN))
            self.opened = int(opened[last - 1]) if last else self.opened
            k, p = np.nonzero(is_open[:last])
            p = cols[p]
            if len(k):
                gaps[k, p], tol = exact_gaps(self.X[self.near[p]], W1s[k], W2s[k], self.act)
                ties = k[np.abs(gaps[k, p]) <= tol]
                last = int(ties.min()) if len(ties) else last  # the full computation decides from there
        if last:  # how fast the weights drift, for the next reference's choice of near points
            self.age += last
            self.drift = (a[last - 1] / self.age, d[last - 1] / self.age)
        near_correct = self.near_0 + (gaps[:last] > 0) @ self.near_sign  # near points with their label's class
        return last, (self.far_correct + near_correct) / len(self.X)

    def promote(self, which):
        """Far points far[which] become near points."""
        self.near = np.concatenate([self.near, self.far[which]])
        self.near_labels()
        U, slopes, curvatures = self.coefficients(self.far[which])
        self.U = np.concatenate([self.U, U.T], axis=1)
        self.slopes, self.curvatures = np.concatenate([self.slopes, slopes]), np.concatenate([self.curvatures, curvatures])
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
        gap = z2[:, 1] - z2[:, 0]
        w2 = math.sqrt(np.vdot(W2, W2))
        h_norm = np.sqrt(np.einsum("pj,pj->p", h, h))
        if not (self.h_max * w2 < LIMIT and np.all(np.abs(gap) > tie_tolerance(math.sqrt(2) * w2 * h_norm))):
            return float(np.count_nonzero(softmax_argmax(z2) == self.labels)) / len(self.X)  # NaN, overflow, tie
        correct = (gap > 0) == (self.labels == 1)  # softmax's argmax, far from ties and overflow
        room = np.abs(gap) - tie_tolerance(2 * math.sqrt(2) * self.h_max * w2)
        safe = np.where(room > 0, room, 1.0)
        # the steepest slope of each point's units while every ||W1[:, j] - W1r[:, j]|| <= reach: at its z nearest 0
        nearest = np.maximum(np.abs(z1).min(axis=1) - self.reach * self.x_norm, 0.0)
        slope = self.activation.derivative(self.act(nearest))
        spread_x, spread_h = slope * self.x_norm / safe, h_norm / safe
        # near: the points whose far bound would fail within HORIZON iterations if the weights went on drifting
        # as fast as from the last reference (a_rate, d_rate per iteration), at least NEAR of them
        a_rate, d_rate = self.drift
        pace = spread_x * a_rate + spread_h * d_rate if a_rate or d_rate else np.maximum(spread_x, spread_h)
        pace[room <= 0] = np.inf  # always near
        order = np.argsort(pace)
        split = len(self.X) - max(self.NEAR, int(np.count_nonzero(pace * self.HORIZON >= 1.0)))
        self.lasted, self.age = self.age, 0
        self.far = order[:split]
        self.far_correct_at = correct[self.far]
        self.far_correct = int(np.count_nonzero(self.far_correct_at))
        self.spread_x, self.spread_h = spread_x[self.far], spread_h[self.far]
        self.P = float(self.spread_x.max()) if len(self.far) else 0.0
        self.Q = float(self.spread_h.max()) if len(self.far) else 0.0
        self.vr, self.w2r, self.W1r, self.gap_r, self.opened = W2[:, 1] - W2[:, 0], w2, W1.copy(), gap, 0
        self.h, self.z, self.near = h, z1, order[split:]
        self.most = len(self.near) + self.PROMOTE
        U, self.slopes, self.curvatures = self.coefficients(self.near)
        self.U = U.T
        self.near_labels()
        return float(np.count_nonzero(correct)) / len(self.X)

    def near_labels(self):
        """The near points' reference gaps, and what counts their correct classes: near_0 + (gap > 0) @ near_sign."""
        is_1 = self.labels[self.near] == 1
        self.near_gap, self.near_0, self.near_sign = self.gap_r[self.near], np.count_nonzero(~is_1), np.where(is_1, 1.0, -1.0)

    def coefficients(self, points):
        """For points at the reference, a row each: the first-order estimate's coefficients of (D, e), that is
        x_i act'(z_j) vr_j for each input i, then h_j; the slopes act'(z_j); and the largest curvatures within
        RHO of each z_j."""
        h, z = self.h[points], self.z[points]
        slopes = self.activation.derivative(h)
        nearest = np.maximum(np.abs(z) - self.RHO, 0.0)
        curvatures = np.minimum(self.activation.curvature_max,
                                self.activation.curvature_per_slope * self.activation.derivative(self.act(nearest)))
        U = np.concatenate([(self.X[points, :, None] * (slopes * self.vr)[:, None, :]).reshape(len(points), -1), h], axis=1)
        return U, slopes, curvatures


def grid_classes(grid_x, grid_y, W1, W2, activation, rows=2048):
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
        gaps, error = approximate_gaps(block, W1, v, activation)
        unsure = np.abs(gaps) <= error + tol
        classes[i:i + rows] = gaps > 0
        classes[i:i + rows][unsure] = predict(block[unsure], W1, W2, activation.function)
    return classes.reshape(gy.shape)
