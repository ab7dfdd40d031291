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
itself; `AccuracyMeter` (mlp_core/accuracy.py) recomputes only the points whose class a bound on the weights' drift cannot vouch for,
and gives exactly the classes of the full computation (see its docstring).
"""
import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from mlp_core.accuracy import AccuracyMeter, grid_classes
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
    XT = X.T  # dz1_dW1 transposed, once
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
        for k in range(total):  # ndarray.dot: the product @ computes, with less overhead per call
            # Forward
            h1 = act(X.dot(W1))
            h2 = act(h1.dot(W2))
            # Loss
            error = h2 - y  # = -(y - h2), exactly
            size_W1, size_W2 = size(W1), size(W2)
            loss[k] = np.square(error).sum() / (2 * N) + lam * (size_W1 + size_W2) / (2 * N)
            # Backward
            dL_dh2 = error / n if n > 1 else error  # the code sums over the batch (n = 1); exact convention: n = N
            dh2_dz2 = derivative(h2)
            dL_dz2 = dL_dh2 * dh2_dz2
            dL_dW2 = h1.T.dot(dL_dz2) + penalty(W2, size_W2)
            dL_dh1 = dL_dz2.dot(W2.T)
            dh1_dz1 = derivative(h1)
            dL_dW1 = XT.dot(dL_dh1 * dh1_dz1) + penalty(W1, size_W1)
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
