"""Predicted classes and the accuracy of every training iteration, exactly as the article's code computes them.

The article's code measures accuracy after each update on all points: class = argmax softmax(act(X W1) W2).
Done in full, that costs more than the iteration itself. `AccuracyMeter` gives exactly the same classes while
recomputing only the points whose class a bound on the weights' drift cannot vouch for (see its docstring);
`grid_classes` colours the decision-boundary grid the same way. tests/test_train.py checks both against `predict`.
"""
import math

import numpy as np

from mlp_core.activations import ACTIVATIONS
from mlp_core.network import linear, softmax_argmax
from mlp_core.network import predict as network_predict


def predict(X, W1, W2, act=ACTIVATIONS["sigmoid"].function):
    """The class of each row of X for the article's network (one hidden layer, no biases): argmax of
    softmax(act(X W1) W2), as the article's code computes it (mlp_core.network.predict)."""
    return network_predict(X, [W1, W2], [None, None], [act, None])


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
    z_error = 5 * math.sqrt(np.einsum("ij,ij->i", X, X).max() * np.square(W1).sum(axis=0).max())  # in u
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

    A full computation at reference weights (W1r, W2r) gives each point its logit gap g = h vr, whose sign is
    its class (v = W2[:, 1] - W2[:, 0], z = x W1r, h = act(z)). At later weights W1 = W1r + D, v' = vr + e,
        g' - g = sum_j (act(z_j + x D_j) - act(z_j)) v'_j + h_j e_j,
    at most G ||x|| sum_j act'(z_j) ||D_j|| |v'_j| + sum_j h_j |e_j| while each ||x|| ||D_j|| <= RHO (mean value
    theorem; act' grows by at most G = exp(slope_growth RHO) within RHO of z_j).

    Weights are buffered and measured a window of iterations at a time. With the window's largest drift, that
    bound is two matrix-vector products for all points, and vouches for the class of most of them ("safe"),
    the window shortened until at most UNSAFE points are left. Those get, iteration by iteration, the
    first-order estimate g + sum_j act'(z_j) vr_j x D_j + h e (one matrix product), which Taylor's theorem
    puts within ||x|| sum_j act'(z_j) ||D_j|| |e_j| + ||x||^2 / 2 sum_j c_j ||D_j||^2 |v'_j| of the gap (c_j:
    the largest curvature within RHO of z_j). Both bounds add rounding (`tie_tolerance`, for the reference and
    for the code's own gap). Where the estimate leaves the sign open, the gap is computed in float64
    (`exact_gaps`); a near tie (a class decided by rounding) hands the iteration to the full computation, as
    `predict` does it. A reference whose window had to be shortened settles it and then makes way for the next
    full computation (at once if even SHORT iterations leave more than UNSAFE points, unless it is new); so does
    one once OPEN gaps have been computed in float64, or where logits could reach LIMIT. With other than two
    classes, every iteration goes to `predict`.
    """
    UNSAFE, SHORT, OPEN, BLOCK, RHO = 48, 16, 64, 256, 0.5

    def __init__(self, X, y, activation, W1, W2, out):
        self.X, self.labels, self.out = X, y.argmax(axis=1), out
        self.is_1 = self.labels == 1  # with two classes: class 1 where the gap is > 0, class 0 elsewhere
        self.activation, self.act = activation, activation.function
        self.x_norm = np.sqrt(np.square(X).sum(axis=1))
        growth = math.exp(activation.slope_growth * self.RHO)  # act' grows at most this much within RHO
        self.growth_x, self.curvature_per_slope = growth * self.x_norm, activation.curvature_per_slope * growth
        self.h_max = math.sqrt(W1.shape[1])  # ||h|| <= sqrt(hidden) for sigmoid and tanh
        self.two_classes = y.shape[1] == 2
        self.params = np.empty((self.BLOCK, W1.size + W2.size))  # row k: the k-th buffered W1 and W2, flattened
        self.W1s = self.params[:, :W1.size].reshape(self.BLOCK, *W1.shape)  # W1s[k]: the k-th buffered W1
        self.W2s = self.params[:, W1.size:].reshape(self.BLOCK, *W2.shape)
        self.first, self.count, self.W1r = 0, 0, None
        self.age, self.lasted = 0, self.BLOCK  # iterations under the reference, and under the one before

    def record(self, k, W1, W2):
        """Keep iteration k's weights (0-based); measured when the block is full or at `flush`."""
        self.record_params(k, np.concatenate([W1.ravel(), W2.ravel()]))

    def record_params(self, k, params):
        """`record` for W1 and W2 given flattened one after the other in one array (training's parameters): one
        copy per iteration."""
        i = self.count
        if not i:
            self.first = k
        self.params[i] = params
        self.count = i = i + 1
        if i == self.BLOCK:
            self.flush()

    def flush(self):
        """Write the accuracy of every buffered iteration into out."""
        j = 0
        while j < self.count:  # windows at most twice as long as the last reference lasted
            good, accuracy = self.vouched(j, min(self.count, j + max(2 * self.lasted, self.SHORT)))
            self.out[self.first + j:self.first + j + good] = accuracy
            j += good
            if j < self.count and (good == 0 or self.W1r is None):  # a full computation settles iteration j
                self.out[self.first + j] = self.refresh(self.W1s[j], self.W2s[j])
                j += 1
        self.count = 0

    def vouched(self, j, stop):
        """How many of the buffered weights j .. stop - 1 the reference settles, from j on, and their accuracy;
        drops the reference where it no longer pays."""
        if self.W1r is None:
            return 0, []
        W1s, W2s = self.W1s[j:stop], self.W2s[j:stop]
        w2 = np.sqrt(np.einsum("kij,kij->k", W2s, W2s))
        last = len(w2) if self.h_max * w2.max() < LIMIT else int(np.argmax(self.h_max * w2 >= LIMIT))
        if last == 0:
            return 0, []
        D = W1s[:last] - self.W1r  # (iteration, input, hidden unit)
        v = W2s[:last, :, 1] - W2s[:last, :, 0]
        e = v - self.vr
        moved2 = np.einsum("kij,kij->kj", D, D)  # ||D_j||^2
        moved, abs_v, abs_e = np.sqrt(moved2), np.abs(v), np.abs(e)
        moved_max, drift_v = moved.max(axis=1), moved * abs_v
        rounding = self.rounding_r + tie_tolerance(math.sqrt(2) * self.h_max * w2[:last])  # reference's, code's

        def unsafe(n):  # the points the window bound cannot vouch for over iterations 0 .. n - 1
            bound = (self.growth_x * (self.slopes @ drift_v[:n].max(axis=0)) + self.abs_h @ abs_e[:n].max(axis=0)
                     + rounding[:n].max())
            return np.flatnonzero((bound >= self.abs_gap) | (moved_max[:n].max() * self.x_norm > self.RHO))

        S, aging = unsafe(last), False
        while len(S) > self.UNSAFE and last > self.SHORT:  # halve the window until few points are left
            last, S, aging = last // 2, unsafe(last // 2), True
        if len(S) > self.UNSAFE and self.age:  # a new reference pays
            self.W1r = None
            return 0, []
        correct = np.full(last, float(self.correct - np.count_nonzero(self.correct_at[S])))  # of the safe points
        if len(S):
            last, gaps = self.followed(S, W1s, W2s, D, e, moved, moved2, moved_max, abs_v, abs_e, rounding, last)
            is_1 = self.is_1[S]  # a point with label 0 is right where gap <= 0, with label 1 where gap > 0
            correct = correct[:last] + np.count_nonzero(~is_1) + (gaps > 0) @ np.where(is_1, 1.0, -1.0)
        self.age += last
        if aging:  # the window had to be shortened: a new reference pays for the next one
            self.W1r = None
        return last, correct / len(self.X)

    def followed(self, S, W1s, W2s, D, e, moved, moved2, moved_max, abs_v, abs_e, rounding, last):
        """The gaps of points S over iterations 0 .. last - 1, as (iterations settled, gaps), first-order
        estimates where their error bound settles the sign, float64 elsewhere."""
        slopes, act = self.slopes[S], self.activation
        coefficients = (self.X[S, :, None] * (slopes * self.vr)[:, None, :]).reshape(len(S), -1)  # of D
        gaps = self.gap_r[S] + D[:last].reshape(last, -1) @ coefficients.T + e[:last] @ self.h[S].T
        # the error bound with the largest slope, curvature and ||x|| first, each point's own where it fails
        first = act.slope_max * np.einsum("kj,kj->k", moved[:last], abs_e[:last])
        second = 0.5 * act.curvature_max * np.einsum("kj,kj->k", moved2[:last], abs_v[:last])
        x_max = self.x_norm[S].max()
        unsure = np.abs(gaps) <= (first * x_max + second * x_max ** 2 + rounding[:last])[:, None]
        if unsure.any():
            cols = np.flatnonzero(unsure.any(axis=0))
            slopes, x = slopes[cols], self.x_norm[S[cols]]
            curvatures = np.minimum(act.curvature_max, self.curvature_per_slope * slopes)
            error = (x * ((moved[:last] * abs_e[:last]) @ slopes.T
                          + 0.5 * x * ((moved2[:last] * abs_v[:last]) @ curvatures.T)) + rounding[:last, None])
            error[moved_max[:last] * x.max() > self.RHO] = np.inf  # beyond RHO of some z
            is_open = np.abs(gaps[:, cols]) <= error
            opened = self.opened + np.cumsum(np.count_nonzero(is_open, axis=1))
            if opened[-1] > self.OPEN:  # a new reference costs less than computing more gaps
                last = int(np.argmax(opened > self.OPEN))
            self.opened = int(opened[last - 1]) if last else self.opened
            k, p = np.nonzero(is_open[:last])
            p = cols[p]
            if len(k):  # where the estimate cannot tell: float64, point by point
                gaps[k, p], tol = exact_gaps(self.X[S[p]], W1s[k], W2s[k], self.act)
                ties = k[np.abs(gaps[k, p]) <= tol]
                if len(ties):  # the full computation decides from the first one on
                    last = int(ties.min())
        return last, gaps[:last]

    def refresh(self, W1, W2):
        """The accuracy at (W1, W2) from all points as `predict` computes it; they become the reference unless
        there is a near tie."""
        self.W1r, self.lasted, self.age = None, self.age, 0
        h = self.activation.in_place(linear(self.X, W1))  # as `predict` computes it (in place: the same bits)
        z2 = linear(h, W2)
        if self.two_classes:
            gap = z2[:, 1] - z2[:, 0]
            w2 = math.sqrt(np.vdot(W2, W2))
            abs_h = h if self.activation.name == "sigmoid" else np.abs(h)  # sigmoid's h is >= 0 (or NaN)
            if self.h_max * w2 < LIMIT and np.all(np.abs(gap) > tie_tolerance(abs_h @ np.abs(W2).sum(axis=1))):
                self.correct_at = (gap > 0) == self.is_1  # softmax's argmax, far from ties and overflow
                self.correct = int(np.count_nonzero(self.correct_at))
                self.W1r, self.vr, self.h, self.abs_h = W1.copy(), W2[:, 1] - W2[:, 0], h, abs_h
                self.gap_r, self.abs_gap, self.slopes = gap, np.abs(gap), self.activation.derivative(h)
                self.rounding_r, self.opened = tie_tolerance(math.sqrt(2) * self.h_max * w2), 0
                return float(self.correct) / len(self.X)
        # more classes, NaN, overflow or a near tie: softmax's argmax itself
        return float(np.count_nonzero(softmax_argmax(z2) == self.labels)) / len(self.X)


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
