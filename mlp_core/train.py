"""Training runs: the article's iteration repeated, its three runs (figures 20-22) as presets, and its remedies.

`train(config, options)` repeats the trace's iteration on one fixed batch (rows sample .. sample + batch - 1 of the
data, the same rows every iteration) and returns a Run: the loss and accuracy of every iteration, and every
`options.every` iterations a Snapshot of the weights with the predicted class over a grid (the decision boundary).

Conventions (config.convention), as in the trace:
- seed: the article's code (figure 19) operation for operation, so the weights are bit for bit those of that code.
  Gradients are summed over the batch (no 1/N) and the penalty gradient is the code's scalar lambda * sum W^2
  added to every entry (options.reg_gradient "code"), or the correct lambda * W (reg_gradient "correct": the
  gradient of N times the stated loss).
- exact: the true gradient of the stated loss, 1/(2N) sum (y - h2)^2 + lambda/(2N) sum W^2 (or sum |W|).

Remedies for exploding gradients (the article's list), for either convention: learning-rate decay
(options.decay), gradient clipping (options.clip), the L1 penalty (config.penalty = "l1"); see TrainOptions.

The accuracy of every iteration is the share of all data points whose class, argmax of
softmax(act(X W1) W2), is the label's. Computing it in full each iteration would cost more than the iteration
itself; `AccuracyMeter` recomputes only the points whose class a bound on the weights' drift cannot vouch for,
and gives exactly the classes of the full computation (see its docstring).
"""
import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from mlp_core.activations import ACTIVATIONS
from mlp_core.config import Config, ConfigError, resolve_inputs, validate
from mlp_core.data import xor_data
from mlp_core.trace import penalty_terms

PRESETS = {
    "fig20": dict(hidden=3, reg=0.0, text="figure 20: 3 hidden units, small capacity, the loss goes down"),
    "fig21": dict(hidden=50, reg=0.0001, text="figure 21: 50 hidden units, the loss explodes in the last steps"),
    "fig22": dict(hidden=50, reg=0.000001, text="figure 22: 50 hidden units, the explosion avoided"),
}
ON_DIVERGENCE = ("stop", "continue")
REG_GRADIENTS = ("code", "correct")
DECAYS = ("none", "inverse", "exponential", "step")
CLIPS = ("none", "norm", "value")


@dataclass
class TrainOptions:
    """How long to train, what to keep, and the remedies. Iterations k are counted from 1.

    Learning rate at iteration k (decay):     none: alpha;  inverse: alpha / (1 + decay_rate (k - 1));
      exponential: alpha exp(-decay_rate (k - 1));  step: alpha decay_rate^floor((k - 1) / decay_every).
    Clipping the gradients g = (dL_dW1, dL_dW2) before the update (clip):
      norm: g * min(1, clip_at / ||g||), ||g|| over both matrices together;  value: each entry into [-clip_at, clip_at].
    """
    iterations: int = 100_000
    every: int = 1000  # a snapshot after iterations every, 2 every, ...
    on_divergence: str = "stop"  # at the first non-finite loss: stop after that iteration, or continue
    reg_gradient: str = "code"  # seed convention only: "code" lambda * sum W^2 on every entry, "correct" lambda * W
    decay: str = "none"
    decay_rate: float = 0.0
    decay_every: int = 1000
    clip: str = "none"
    clip_at: float = 1.0
    grid: int = 100  # grid points per side for the predicted classes
    bounds: tuple = None  # (x_min, x_max, y_min, y_max) of the grid; default: the data's range plus 5% each side

    def to_dict(self):
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple) else v) for f in fields(self)}

    @classmethod
    def from_dict(cls, data, source="options"):
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: training options must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"{source}: unknown training option {sorted(unknown)[0]!r}; "
                              f"allowed: {', '.join(sorted(known))}")
        data = dict(data)
        if data.get("bounds") is not None:
            data["bounds"] = tuple(data["bounds"]) if isinstance(data["bounds"], list) else data["bounds"]
        return cls(**data)


@dataclass
class Snapshot:
    iteration: int
    loss: float
    accuracy: float
    W1: np.ndarray
    W2: np.ndarray
    classes: np.ndarray  # classes[i, j]: predicted class at (grid_x[j], grid_y[i])


@dataclass
class Run:
    config: Config
    options: TrainOptions
    loss: np.ndarray  # loss[k - 1]: the loss of iteration k's forward pass
    accuracy: np.ndarray  # accuracy[k - 1]: the accuracy after iteration k's update
    snapshots: list
    grid_x: np.ndarray
    grid_y: np.ndarray
    W1: np.ndarray  # final weights
    W2: np.ndarray
    diverged_at: int = None  # first iteration whose loss is not finite
    lowest_loss_at: int = None
    last_finite_loss: float = None
    X: np.ndarray = field(default=None, repr=False)  # all data points and their one-hot labels
    y: np.ndarray = field(default=None, repr=False)

    @property
    def iterations(self):
        return len(self.loss)


def preset(name):
    """(Config, TrainOptions) of the article's run `name` (fig20, fig21, fig22)."""
    if name not in PRESETS:
        raise ConfigError(f"unknown preset {name!r}; allowed: {', '.join(PRESETS)}")
    settings = PRESETS[name]
    config = Config(hidden=settings["hidden"], batch=50, lr=0.003, reg=settings["reg"], convention="seed")
    return config, TrainOptions(iterations=100_000, every=1000)


def _flag(name):
    return f"{name} (--{name.replace('_', '-')})"


def _check(condition, message):
    if not condition:
        raise ConfigError(message)


def _is_number(value):
    number = not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))
    return number and math.isfinite(value)


def validate_options(options):
    """Raise ConfigError for the first training option that cannot be used."""
    for name, minimum in (("iterations", 1), ("every", 1), ("decay_every", 1), ("grid", 2)):
        value = getattr(options, name)
        _check(not isinstance(value, bool) and isinstance(value, (int, np.integer)) and value >= minimum,
               f"{_flag(name)} must be an integer >= {minimum}, got {value!r}")
    _check(options.grid <= 2000, f"{_flag('grid')} must be at most 2000 points per side, got {options.grid}")
    for name, allowed in (("on_divergence", ON_DIVERGENCE), ("reg_gradient", REG_GRADIENTS),
                          ("decay", DECAYS), ("clip", CLIPS)):
        _check(getattr(options, name) in allowed,
               f"{_flag(name)} must be one of {', '.join(allowed)}, got {getattr(options, name)!r}")
    _check(_is_number(options.decay_rate) and options.decay_rate >= 0,
           f"{_flag('decay_rate')} must be a finite number >= 0, got {options.decay_rate!r}")
    _check(options.decay != "step" or options.decay_rate > 0,
           "--decay step needs a --decay-rate > 0 (the factor applied every --decay-every iterations)")
    _check(_is_number(options.clip_at) and options.clip_at > 0,
           f"{_flag('clip_at')} must be a finite number > 0, got {options.clip_at!r}")
    if options.bounds is not None:
        b = options.bounds
        _check(isinstance(b, (tuple, list)) and len(b) == 4 and all(_is_number(v) for v in b)
               and b[0] < b[1] and b[2] < b[3],
               f"{_flag('bounds')} must be four finite numbers x_min < x_max, y_min < y_max, got {b!r}")


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


def learning_rates(config, options, first, last):
    """The learning rate of iterations first .. last (1-based), per options.decay."""
    k = np.arange(first, last + 1, dtype=float)
    if options.decay == "inverse":
        return config.lr / (1.0 + options.decay_rate * (k - 1))
    if options.decay == "exponential":
        return config.lr * np.exp(-options.decay_rate * (k - 1))
    if options.decay == "step":
        return config.lr * options.decay_rate ** np.floor((k - 1) / options.decay_every)
    return np.full(len(k), float(config.lr))


def clipper(options):
    """The function applied to (dL_dW1, dL_dW2) before the update, per options.clip."""
    c = options.clip_at
    if options.clip == "norm":
        def clip(dL_dW1, dL_dW2):
            norm = math.sqrt(np.vdot(dL_dW1, dL_dW1) + np.vdot(dL_dW2, dL_dW2))
            return (dL_dW1, dL_dW2) if not norm > c else (dL_dW1 * (c / norm), dL_dW2 * (c / norm))
        return clip
    if options.clip == "value":
        return lambda dL_dW1, dL_dW2: (np.clip(dL_dW1, -c, c), np.clip(dL_dW2, -c, c))
    return None


def in_place(activation):
    """activation.function computed in place, on a fresh array such as X @ W1 (the same numbers, bit for bit,
    without three temporary arrays per call)."""
    if activation.name == "sigmoid":  # 1.0 / (1.0 + np.exp(-z))
        def sigmoid(z):
            np.negative(z, out=z)
            np.exp(z, out=z)
            np.add(1.0, z, out=z)
            return np.divide(1.0, z, out=z)
        return sigmoid
    return lambda z: np.tanh(z, out=z)


def penalty_gradient(config, options, N):
    """(penalty size of W, its gradient given W and that size) for the run's convention."""
    size, gradient, _ = penalty_terms(config, N)
    if config.convention == "seed" and options.reg_gradient == "code":
        lam = config.reg
        return size, lambda W, size_W: lam * size_W  # the code's scalar, from the size the loss already took
    if config.convention == "seed":  # correct: the gradient of N times the stated loss
        size, gradient, _ = penalty_terms(replace(config, convention="exact"), 1)
    return size, lambda W, size_W: gradient(W)


def grid_points(X, options):
    """grid_x, grid_y (ascending) over options.bounds, or the data's range plus 5% each side."""
    if options.bounds is not None:
        x_min, x_max, y_min, y_max = map(float, options.bounds)
    else:
        (x_min, y_min), (x_max, y_max) = X.min(axis=0), X.max(axis=0)
        pad_x, pad_y = 0.05 * (x_max - x_min), 0.05 * (y_max - y_min)
        x_min, x_max, y_min, y_max = x_min - pad_x, x_max + pad_x, y_min - pad_y, y_max + pad_y
    return np.linspace(x_min, x_max, options.grid), np.linspace(y_min, y_max, options.grid)


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


def train(config, options=None, progress=None):
    """Train per config and options; progress(done, total) is called now and then. Returns a Run."""
    options = options or TrainOptions()
    validate(config)
    validate_options(options)
    if config.bias or "b1" in config.values or "b2" in config.values:
        raise ConfigError("training runs have no biases (the article's network): drop --bias, b1 and b2")
    start = resolve_inputs(config)
    X, y, W1, W2 = start["X"], start["y"], start["W1"].copy(), start["W2"].copy()
    if "X" in config.values:
        X_all, y_all = X, y
    else:
        X_all, y_all = xor_data(config.points, config.data_seed)
    activation = ACTIVATIONS[config.activation]
    act, derivative = in_place(activation), activation.derivative
    N, lam = X.shape[0], config.reg
    n = N if config.convention == "exact" else 1  # the code sums the data gradient over the batch
    size, penalty = penalty_gradient(config, options, N)
    clip = clipper(options)
    grid_x, grid_y = grid_points(X_all, options)

    total = options.iterations
    loss, accuracy = np.empty(total), np.empty(total)
    snapshots, diverged_at = [], None
    alpha = learning_rates(config, options, 1, total)
    accuracy_after = AccuracyMeter(X_all, y_all, activation, W1, W2, out=accuracy)
    report_every = max(1, min(options.every, 10_000))
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for k in range(total):
            # Forward
            h1 = act(X @ W1)
            h2 = act(h1 @ W2)
            # Loss
            error = y - h2
            size_W1, size_W2 = size(W1), size(W2)
            loss[k] = np.square(error).sum() / (2 * N) + lam * (size_W1 + size_W2) / (2 * N)
            # Backward
            dL_dh2 = -error / n  # n = 1: the code sums over the batch; exact convention: n = N
            dh2_dz2 = derivative(h2)
            dL_dz2 = dL_dh2 * dh2_dz2
            dL_dW2 = h1.T @ dL_dz2 + penalty(W2, size_W2)
            dL_dh1 = dL_dz2 @ W2.T
            dh1_dz1 = derivative(h1)
            dL_dW1 = X.T @ (dL_dh1 * dh1_dz1) + penalty(W1, size_W1)
            if clip:  # a remedy, off in the article's runs
                dL_dW1, dL_dW2 = clip(dL_dW1, dL_dW2)
            # Weight updates
            W2 += -alpha[k] * dL_dW2
            W1 += -alpha[k] * dL_dW1

            accuracy_after.record(k, W1, W2)
            done = k + 1
            if done % options.every == 0:
                accuracy_after.flush()
                snapshots.append(Snapshot(done, float(loss[k]), float(accuracy[k]), W1.copy(), W2.copy(),
                                          grid_classes(grid_x, grid_y, W1, W2, activation)))
            if progress and done % report_every == 0:
                progress(done, total)
            if diverged_at is None and not math.isfinite(loss[k]):
                diverged_at = done
                if options.on_divergence == "stop":
                    break
        accuracy_after.flush()
    loss, accuracy = loss[:done].copy(), accuracy[:done].copy()
    finite = np.flatnonzero(np.isfinite(loss))
    return Run(config=config, options=options, loss=loss, accuracy=accuracy, snapshots=snapshots,
               grid_x=grid_x, grid_y=grid_y, W1=W1, W2=W2, diverged_at=diverged_at,
               lowest_loss_at=int(finite[np.argmin(loss[finite])]) + 1 if len(finite) else None,
               last_finite_loss=float(loss[finite[-1]]) if len(finite) else None, X=X_all, y=y_all)


def describe(run):
    """A few lines on the run: settings, final loss and accuracy, and divergence in plain words."""
    c, o = run.config, run.options
    rules = [f"{c.convention} convention"]
    if c.convention == "seed" and c.reg:
        rules.append("the code's penalty gradient" if o.reg_gradient == "code" else "the correct penalty gradient")
    if o.decay != "none":
        rules.append(f"{o.decay} learning-rate decay (rate {o.decay_rate})")
    if o.clip != "none":
        rules.append(f"gradients clipped by {o.clip} at {o.clip_at}")
    lines = [f"{run.iterations} iterations, {c.hidden} hidden units, lr {c.lr}, lambda {c.reg} ({c.penalty}), "
             + ", ".join(rules),
             f"final loss {run.loss[-1]:.8g}, accuracy {run.accuracy[-1]:.4f}"]
    if run.lowest_loss_at:
        lines.append(f"lowest loss {run.loss[run.lowest_loss_at - 1]:.8g} at iteration {run.lowest_loss_at}")
    if run.diverged_at:
        then = ("stopped there" if run.iterations == run.diverged_at
                else f"went on to iteration {run.iterations} as asked")
        last = "" if run.last_finite_loss is None else f"; the last finite loss was {run.last_finite_loss:.8g}"
        lines.append(f"diverged: the loss stopped being a finite number at iteration {run.diverged_at}{last}; {then}")
    lines.append(f"{len(run.snapshots)} snapshots, one every {o.every} iterations")
    return "\n".join(lines) + "\n"
