"""Training runs: the article's iteration repeated, its three runs (figures 20-22) as presets, and its remedies.

`train(config, options)` repeats the trace's iteration on one fixed batch (rows sample .. sample + batch - 1 of the
data, the same rows every iteration) and returns a Run: the loss and accuracy of every iteration, and every
`options.every` iterations a Snapshot of the weights with the predicted class over a grid (the decision boundary).

Conventions (config.convention), as in the trace:
- seed: the article's code (figure 19) operation for operation, so the weights are bit for bit those of that code
  (with lambda 0 its penalty, 0 * sum W^2, is left out: it adds nothing while the squares are finite).
  Gradients are summed over the batch (no 1/N) and the penalty gradient is the code's scalar lambda * sum W^2
  added to every entry (options.reg_gradient "code"), or the correct lambda * W (reg_gradient "correct": the
  gradient of N times the stated loss).
- exact: the true gradient of the stated loss, 1/(2N) sum (y - h2)^2 + lambda/(2N) sum W^2 (or sum |W|), or
  cross-entropy.
Any network the trace computes trains (mlp_core/network.py does the math for both): any depth, activation,
loss, data set, with or without biases.

Remedies for exploding gradients (the article's list), for either convention: learning-rate decay
(options.decay), gradient clipping (options.clip), the L1 penalty (config.penalty = "l1"); see TrainOptions.

The accuracy of every iteration is the share of all data points whose class, argmax of softmax(zL), is the
label's. Computing it in full each iteration would cost more than the iteration itself; for the article's kind of
network `AccuracyMeter` (mlp_core/accuracy.py) recomputes only the points whose class a bound on the weights'
drift cannot vouch for, and gives exactly the classes of the full computation (see its docstring). Other
networks get the full computation.
"""
import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from threadpoolctl import threadpool_limits

from mlp_core import network
from mlp_core.accuracy import AccuracyMeter, grid_classes
from mlp_core.config import Config, ConfigError, output_activation, resolve_inputs, validate
from mlp_core.data import load_data
from mlp_core.trace import layer_activations

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


class Named:
    """Parameters by their trace names: run.W1, snapshot.b2 read params["W1"], params["b2"]."""

    def __getattr__(self, name):
        params = self.__dict__.get("params", {})
        if name in params:
            return params[name]
        raise AttributeError(name)


@dataclass
class Snapshot(Named):
    iteration: int
    loss: float
    accuracy: float
    params: dict  # W1 .. WL (b1 .. bL) after that iteration
    classes: np.ndarray  # classes[i, j]: predicted class at (grid_x[j], grid_y[i])


@dataclass
class Run(Named):
    config: Config
    options: TrainOptions
    loss: np.ndarray  # loss[k - 1]: the loss of iteration k's forward pass
    accuracy: np.ndarray  # accuracy[k - 1]: the accuracy after iteration k's update
    snapshots: list
    grid_x: np.ndarray
    grid_y: np.ndarray
    params: dict  # final weights W1 .. WL (and biases b1 .. bL)
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
    _check(options.decay == "none" or options.decay_rate > 0,
           f"--decay {options.decay} needs a --decay-rate > 0 (" + ("the factor applied every --decay-every "
           "iterations)" if options.decay == "step" else "with rate 0 the learning rate would not decay)"))
    _check(options.every <= options.iterations,
           f"--every {options.every} is more than --iterations {options.iterations}: the run would keep no snapshot")
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
    """The function applied to the list of gradients (dL_dW1 .. dL_dWL, then the biases') before the update,
    per options.clip."""
    c = options.clip_at
    if options.clip == "norm":
        def clip(gradients):
            norm = math.sqrt(sum(np.vdot(g, g) for g in gradients))
            return gradients if not norm > c else [g * (c / norm) for g in gradients]
        return clip
    if options.clip == "value":
        return lambda gradients: [np.clip(g, -c, c) for g in gradients]
    return None


def flat_copies(arrays):
    """One flat array holding copies of `arrays`, one after another, and views of it shaped like each: an operation
    on the flat array (a weight update) is one NumPy call for all layers, and changes every view."""
    flat = np.concatenate([a.ravel() for a in arrays])
    ends = np.cumsum([a.size for a in arrays]).tolist()
    return flat, [flat[end - a.size:end].reshape(a.shape) for a, end in zip(arrays, ends)]


def grid_points(X, options):
    """grid_x, grid_y (ascending) over options.bounds, or the data's range plus 5% each side."""
    if options.bounds is not None:
        x_min, x_max, y_min, y_max = map(float, options.bounds)
    else:
        (x_min, y_min), (x_max, y_max) = X.min(axis=0), X.max(axis=0)
        pad_x, pad_y = 0.05 * (x_max - x_min), 0.05 * (y_max - y_min)
        x_min, x_max, y_min, y_max = x_min - pad_x, x_max + pad_x, y_min - pad_y, y_max + pad_y
    return np.linspace(x_min, x_max, options.grid), np.linspace(y_min, y_max, options.grid)


def articles_network(acts, biases, y):
    """Whether the run is the article's kind of network, for which accuracy and grids are measured cheaply:
    one hidden layer of sigmoid or tanh units, no biases, two classes (mlp_core/accuracy.py)."""
    return len(acts) == 2 and acts[0].slope_max is not None and all(b is None for b in biases) and y.shape[1] == 2


class FullAccuracy:
    """The accuracy after each update from all points, for networks the cheap meter does not cover."""

    def __init__(self, X, y, weights, biases, functions, out):
        self.X, self.labels, self.out = X, y.argmax(axis=1), out
        self.weights, self.biases, self.functions = weights, biases, functions  # updated in place by train

    def record_params(self, k, _):
        """The accuracy after iteration k (0-based), from the weights as they are now."""
        predicted = network.predict(self.X, self.weights, self.biases, self.functions)
        self.out[k] = np.count_nonzero(predicted == self.labels) / len(self.X)

    def flush(self):
        pass


def grid_of(grid_x, grid_y, weights, biases, acts, cheap, rows=2048):
    """The predicted class over the grid, classes[i, j] at (grid_x[j], grid_y[i])."""
    if cheap:
        return grid_classes(grid_x, grid_y, weights[0], weights[1], acts[0])
    gx, gy = np.meshgrid(grid_x, grid_y)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    functions = [act.function for act in acts]
    classes = np.concatenate([network.predict(points[i:i + rows], weights, biases, functions)
                              for i in range(0, len(points), rows)])
    return classes.reshape(gy.shape)


def train(config, options=None, progress=None):
    """Train per config and options; progress(done, total) is called now and then. Returns a Run."""
    options = options or TrainOptions()
    validate(config)
    validate_options(options)
    _check(config.convention == "seed" or options.reg_gradient == "code",
           "--reg-gradient correct changes the seed convention's penalty gradient; the exact convention already "
           "uses the correct one: drop --reg-gradient or use --convention seed")
    start = resolve_inputs(config)
    X, y = start["X"], start["y"]
    _check(X.shape[1] == 2, f"training runs draw the decision boundary over the plane: X must have 2 columns, "
                            f"it has {X.shape[1]}")
    L = sum(1 for name in start if name[0] == "W")
    names = [f"{kind}{k}" for kind in "Wb" for k in range(1, L + 1) if f"{kind}{k}" in start]
    theta, views = flat_copies([start[name] for name in names])  # all parameters, weights first
    params = dict(zip(names, views))
    weights = views[:L]  # the arrays of params, updated in place (through theta)
    biases = [params.get(f"b{k}") for k in range(1, L + 1)]
    X_all, y_all = (X, y) if "X" in config.values else load_data(config.data, config.points, config.data_seed)
    acts = layer_activations(config, L)
    N, lam, penalty = X.shape[0], config.reg, config.penalty
    exact = config.convention == "exact"
    n = N if exact else 1  # the code sums the data gradient over the batch
    code = not exact and options.reg_gradient == "code"  # the code's scalar lambda sum W^2 on every entry
    at_z = config.loss == "cross-entropy"
    clip = clipper(options)
    grid_x, grid_y = grid_points(X_all, options)
    cheap = articles_network(acts, biases, y_all)

    total, every = options.iterations, options.every
    loss, accuracy = np.empty(total), np.empty(total)
    snapshots, diverged_at = [], None
    steps = learning_rates(config, options, 1, total).tolist()  # Python floats: cheaper than NumPy scalars
    accuracy_after = (AccuracyMeter(X_all, y_all, acts[0], *weights, out=accuracy) if cheap else
                      FullAccuracy(X_all, y_all, weights, biases, [act.function for act in acts], accuracy))
    report_every = max(1, min(every, 10_000))
    gradient, gradient_views = flat_copies(views)  # dL/dtheta, laid out as theta
    gradients = (gradient_views[:L], gradient_views[L:] or [None] * L)  # backward writes into them
    # the penalty's sizes in two NumPy calls where the weights (theta's first entries) are of one size: the rows of
    # one 2-d view of theta; layer by layer otherwise
    one_size = len({W.size for W in weights}) == 1
    matrices = theta[:sum(W.size for W in weights)].reshape(L, -1) if one_size else weights
    terms = np.empty_like(matrices) if one_size else None  # scratch space
    # the arrays each iteration computes its zs and dL/dh's in, made once
    z_arrays = [np.empty((len(X), W.shape[1])) for W in weights]
    dL_dh_arrays = [np.empty((len(X), W.shape[1])) for W in weights[:-1]]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"), threadpool_limits(1):
        for k in range(total):
            # Forward
            zs, hs = network.forward(X, weights, biases, acts, False, z_arrays)  # zs[-1]: softmax keeps the logits
            error = hs[-1] - y
            # Loss
            value = network.data_loss(config.loss, y, hs[-1], zs[-1], N, error)
            if lam:  # (with lambda 0 the article's code adds 0 * sum W^2: nothing, while the squares are finite)
                sizes = network.penalty_sizes(matrices, penalty, terms)
                value += lam * sum(sizes) / (2 * N)
            loss[k] = value
            # Backward
            network.backward(network.output_gradient(error, n), hs, weights, biases, acts, at_z, gradients,
                             dL_dh_arrays)
            if lam:
                for g, W, size in zip(gradients[0], weights, sizes):
                    np.add(g, network.penalty_gradient(W, size, lam, penalty, n, code), g)
            if clip:  # a remedy, off in the article's runs
                for g, clipped in zip(gradient_views, clip(gradient_views)):
                    g[...] = clipped
            # Weight updates
            network.update(theta, steps[k], gradient, theta)  # all parameters at once

            accuracy_after.record_params(k, theta)
            done = k + 1
            if done % every == 0:
                accuracy_after.flush()
                snapshots.append(Snapshot(done, float(loss[k]), float(accuracy[k]),
                                          {name: p.copy() for name, p in params.items()},
                                          grid_of(grid_x, grid_y, weights, biases, acts, cheap)))
            if progress and done % report_every == 0:
                progress(done, total)
            if diverged_at is None and not math.isfinite(value):
                diverged_at = done
                if options.on_divergence == "stop":
                    break
        accuracy_after.flush()
    params = {name: p.copy() for name, p in params.items()}  # arrays of their own, not views of theta
    loss, accuracy = loss[:done].copy(), accuracy[:done].copy()
    finite = np.flatnonzero(np.isfinite(loss))
    return Run(config=config, options=options, loss=loss, accuracy=accuracy, snapshots=snapshots,
               grid_x=grid_x, grid_y=grid_y, params=params, diverged_at=diverged_at,
               lowest_loss_at=int(finite[np.argmin(loss[finite])]) + 1 if len(finite) else None,
               last_finite_loss=float(loss[finite[-1]]) if len(finite) else None, X=X_all, y=y_all)


def network_words(config, params=None):
    """'50 hidden units' (the article's network), '8, 8 hidden units (relu), softmax output, cross-entropy, biases,
    spiral data'. With a run's `params`, the layer sizes and biases are those of the weights (explicit values decide
    them), else the config's."""
    hidden, bias = config.hidden, config.bias
    if params:
        weights = sorted((name for name in params if name[0] == "W"), key=lambda name: int(name[1:]))
        hidden, bias = [params[name].shape[1] for name in weights[:-1]], "b1" in params
    words = [f"{', '.join(map(str, hidden)) or 'no'} hidden unit{'' if hidden == [1] else 's'}"]
    if config.activation != "sigmoid" and hidden:
        words[0] += f" ({config.activation})"
    if config.loss != "mse" or config.output_activation:
        words.append(f"{output_activation(config)} output, {config.loss}")
    if bias:
        words.append("biases")
    if config.data != "xor":
        words.append(f"{config.data} data")
    return ", ".join(words)


def describe(run, precision=8):
    """A few lines on the run: settings, final loss and accuracy (`precision` significant digits), and
    divergence in plain words."""
    c, o = run.config, run.options
    rules = [f"{c.convention} convention"]
    if c.convention == "seed" and c.reg:
        rules.append("the code's penalty gradient" if o.reg_gradient == "code" else "the correct penalty gradient")
    if o.decay != "none":
        rules.append(f"{o.decay} learning-rate decay (rate {o.decay_rate})")
    if o.clip != "none":
        rules.append(f"gradients clipped by {o.clip} at {o.clip_at}")
    lines = [f"{run.iterations} iterations, {network_words(c, run.params)}, lr {c.lr}, lambda {c.reg} ({c.penalty}), "
             + ", ".join(rules),
             f"final loss {run.loss[-1]:.{precision}g}, accuracy {run.accuracy[-1]:.4f}"]
    if run.lowest_loss_at:
        lines.append(f"lowest loss {run.loss[run.lowest_loss_at - 1]:.{precision}g} at iteration {run.lowest_loss_at}")
    if run.diverged_at:
        then = ("stopped there" if run.iterations == run.diverged_at
                else f"went on to iteration {run.iterations} as asked")
        last = ("" if run.last_finite_loss is None
                else f"; the last finite loss was {run.last_finite_loss:.{precision}g}")
        lines.append(f"diverged: the loss stopped being a finite number at iteration {run.diverged_at}{last}; {then}")
    count = len(run.snapshots)
    lines.append(f"{count} snapshot{'' if count == 1 else 's'}, one every {o.every} iterations")
    return "\n".join(lines) + "\n"
