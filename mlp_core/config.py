"""What a trace is computed for: the settings, explicit values, their checks, and the data they imply.

A Config is plain data. `resolve_inputs(config)` turns it into the arrays one iteration starts from: X, y,
W1 .. WL (and b1 .. bL with biases): the data set's rows and RandomState weights by default, a user's own numbers
where given. Every check raises ConfigError with one line saying what is wrong and what is allowed.
"""
import json
import math
import re
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from mlp_core.activations import HIDDEN_ACTIVATIONS
from mlp_core.data import DATA_SETS, init_weights, load_data, xor_labels
from mlp_core.network import LOSSES

CONVENTIONS = ("exact", "seed")
PENALTIES = ("l2", "l1")
OUTPUT_ACTIVATIONS = (*HIDDEN_ACTIVATIONS, "softmax")
VALUE_PATTERN = re.compile(r"X|y|[Wb][1-9]\d*")  # explicit values: X, y, W1, W2, ..., b1, b2, ...
TRACE_SCHEMA = 2  # version of the trace JSON format (mlp_core/trace_json.py); 1 still loads
READABLE_SCHEMAS = (1, 2)


class ConfigError(ValueError):
    """A setting or input value that cannot be used; the message is one line for the user."""


def parse_hidden(text):
    """--hidden: '3' -> [3], '4,3' -> [4, 3], 'none' -> []; ConfigError for anything else."""
    if text.strip().lower() == "none":
        return []
    parts = [part.strip() for part in text.split(",")]
    for part in parts:
        if not re.fullmatch(r"[+-]?\d+", part):
            raise ConfigError(f"--hidden must be hidden layer sizes separated by commas (e.g. 3 or 4,3), or none; "
                              f"got {text!r}")
        if int(part) < 1:
            raise ConfigError(f"hidden size (--hidden) must be an integer >= 1, got {int(part)}")
    return [int(part) for part in parts]


@dataclass
class Config:
    hidden: list = field(default_factory=lambda: [3])  # hidden layer sizes (an int is one layer; [] none)
    sample: int = 0  # first row of the data in the batch
    batch: int = 1  # number of rows, sample .. sample + batch - 1
    seed: int = 2017  # weights: RandomState(seed)
    data: str = "xor"  # data set (mlp_core.data), drawn from RandomState(data_seed)
    data_seed: int = 0
    points: int = 300
    lr: float = 0.001
    reg: float = 0.0  # lambda
    penalty: str = "l2"
    activation: str = "sigmoid"  # of the hidden layers, and of the output unless output_activation says
    output_activation: str = None  # None: the activation (mse) or softmax (cross-entropy)
    loss: str = "mse"
    bias: bool = False
    convention: str = "exact"
    values: dict = field(default_factory=dict)  # explicit X, y, W1, ..., b1, ... (nested lists)

    def __post_init__(self):
        if isinstance(self.hidden, (int, np.integer)) and not isinstance(self.hidden, bool):
            self.hidden = [int(self.hidden)]  # schema 1 and Config(hidden=3): one hidden layer
        elif isinstance(self.hidden, tuple):
            self.hidden = list(self.hidden)

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data, source="config"):
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: expected a JSON object with settings and/or values X, y, W1, W2, ...")
        known = {f.name for f in fields(cls)}
        settings, values = {}, dict(data.get("values") or {})
        for key, value in data.items():
            if VALUE_PATTERN.fullmatch(key):
                values[key] = value
            elif key in known and key != "values":
                settings[key] = value
            elif key != "values":
                raise ConfigError(f"{source}: unknown key {key!r}; allowed: "
                                  f"{', '.join(sorted(known - {'values'}))}, X, y, W1, W2, ..., b1, b2, ...")
        return cls(**settings, values=values)


def output_activation(config):
    """The output layer's activation: softmax with cross-entropy, else output_activation or the activation."""
    if config.output_activation:
        return config.output_activation
    return "softmax" if config.loss == "cross-entropy" else config.activation


def read_json(path, what="file"):
    """A JSON file's content; ConfigError (one line) if it cannot be read or is not JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read {what} ({e.strerror})")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a JSON text file")
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})")


def _integer(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _nonnegative_number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ConfigError(f"{name} must be a finite number >= 0, got {value!r}")


def _choice(value, name, allowed):
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def _matrix(values, name):
    """An explicit value as a 2-D float array (a flat list is one row; biases stay 1-D)."""
    try:
        array = np.array(values[name], dtype=float)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number or a rectangular list of numbers")
    if not np.all(np.isfinite(array)):
        raise ConfigError(f"{name} must hold finite numbers only")
    if name.startswith("b"):
        if array.ndim != 1:
            raise ConfigError(f"{name} must be a flat list (one number per unit), got shape {list(array.shape)}")
        return array
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or 0 in array.shape:
        raise ConfigError(f"{name} must be a non-empty matrix (list of rows), got shape {list(array.shape)}")
    return array


def validate(config):
    """Raise ConfigError for the first setting that cannot be used."""
    if not isinstance(config.hidden, list):
        raise ConfigError(f"hidden must be a list of hidden layer sizes, got {config.hidden!r}")
    for size in config.hidden:
        _integer(size, "hidden size (--hidden)", 1)
    _integer(config.batch, "batch size (--batch)", 1)
    _integer(config.points, "points (--points)", 1)
    _integer(config.sample, "sample index (--sample)", 0)
    _integer(config.seed, "seed (--seed)", 0)
    _integer(config.data_seed, "data_seed", 0)
    _nonnegative_number(config.lr, "learning rate (--lr)")
    _nonnegative_number(config.reg, "lambda (--reg)")
    _choice(config.penalty, "penalty (--penalty)", PENALTIES)
    _choice(config.activation, "activation (--activation)", HIDDEN_ACTIVATIONS)
    if config.output_activation is not None:
        _choice(config.output_activation, "output activation (--output-activation)", OUTPUT_ACTIVATIONS)
    _choice(config.loss, "loss (--loss)", LOSSES)
    _choice(config.data, "data set (--data)", DATA_SETS)
    _choice(config.convention, "convention (--convention)", CONVENTIONS)
    if config.loss == "cross-entropy" and config.output_activation not in (None, "softmax"):
        raise ConfigError(f"--loss cross-entropy goes with a softmax output; drop --output-activation "
                          f"{config.output_activation}")
    if config.loss == "mse" and config.output_activation == "softmax":
        raise ConfigError("a softmax output goes with --loss cross-entropy, not mse")
    if not isinstance(config.bias, bool):
        raise ConfigError(f"bias must be true or false, got {config.bias!r}")
    if not isinstance(config.values, dict):
        raise ConfigError("values must be a JSON object of X, y, W1, W2, ..., b1, b2, ...")
    unknown = [name for name in config.values if not VALUE_PATTERN.fullmatch(name)]
    if unknown:
        raise ConfigError(f"unknown value {unknown[0]!r}; allowed: X, y, W1, W2, ..., b1, b2, ...")
    if "X" not in config.values and config.sample + config.batch > config.points:
        raise ConfigError(
            f"rows {config.sample}..{config.sample + config.batch - 1} are out of range: "
            f"sample + batch must be <= {config.points} (the data has rows 0..{config.points - 1})")


def layer_count(config):
    """L, the number of weight layers: one more than the hidden layers, or as many as explicit W/b values name."""
    given = [int(name[1:]) for name in config.values if name[0] in "Wb"]
    return max([len(config.hidden) + 1, *given])


def _sizes(config, given, X, y):
    """Layer sizes [n_in, hidden ..., n_out]: explicit values decide where they are given, the settings elsewhere."""
    L = layer_count(config)
    sizes = [X.shape[1]] + [None] * (L - 1) + [y.shape[1]]
    for k in range(1, L):
        if f"W{k}" in given:
            sizes[k] = given[f"W{k}"].shape[1]
        elif f"W{k + 1}" in given:
            sizes[k] = given[f"W{k + 1}"].shape[0]
        elif f"b{k}" in given:
            sizes[k] = given[f"b{k}"].shape[0]
        elif k <= len(config.hidden):
            sizes[k] = config.hidden[k - 1]
        else:
            raise ConfigError(f"the size of hidden layer {k} is not known: give W{k} or W{k + 1}, or --hidden")
    return sizes


def resolve_inputs(config):
    """The arrays one iteration starts from: {"X", "y", "W1", ..., "WL"} (+ "b1", ..., "bL" with biases).

    Explicit values win; what they imply (batch from X, layer sizes from the weights) overrides the settings,
    and their shapes are checked against each other.
    """
    validate(config)
    given = {name: _matrix(config.values, name) for name in config.values}
    if "X" in given:
        X = given["X"]
    else:
        X_all, y_all = load_data(config.data, config.points, config.data_seed)
        rows = slice(config.sample, config.sample + config.batch)
        X = X_all[rows]
    if "y" in given:
        y = given["y"]
    elif "X" in given:
        if X.shape[1] != 2 or config.data != "xor":
            raise ConfigError("y is required with an explicit X (only the xor data set's labels follow from X, "
                              "and from 2 columns)")
        y = xor_labels(X)
    else:
        y = y_all[rows]
    if y.shape[0] != X.shape[0]:
        raise ConfigError(f"y has {y.shape[0]} rows but X has {X.shape[0]}: one label row per sample")
    if config.loss == "cross-entropy" and (np.any(y < 0) or not np.allclose(y.sum(axis=1), 1)):
        raise ConfigError("with --loss cross-entropy each row of y must be probabilities (>= 0, summing to 1)")
    sizes = _sizes(config, given, X, y)
    L = len(sizes) - 1
    described = f"X is {list(X.shape)}, y is {list(y.shape)}, layer sizes {sizes}"
    inputs = {"X": X, "y": y}
    for k, W in enumerate(init_weights(sizes, config.seed), start=1):
        inputs[f"W{k}"] = given.get(f"W{k}", W)
    if config.bias or any(name.startswith("b") for name in given):
        for k in range(1, L + 1):
            inputs[f"b{k}"] = given.get(f"b{k}", np.zeros(sizes[k]))
    for name, array in given.items():
        k = int(name[1:]) if name[0] in "Wb" else None
        expected = (sizes[k - 1], sizes[k]) if name[0] == "W" else (sizes[k],) if name[0] == "b" else None
        if expected and array.shape != expected:
            raise ConfigError(f"{name} has shape {list(array.shape)} but must be {list(expected)} ({described})")
    return inputs


def check_schema(data, kind, source):
    """One rule for every reader of trace and run files: refuse a schema this version does not know."""
    if data.get("schema") not in READABLE_SCHEMAS:
        raise ConfigError(f"{source}: {kind} schema {data.get('schema')!r} is not supported; this version reads "
                          f"schemas {', '.join(map(str, READABLE_SCHEMAS))}")


def load_config_file(path):
    """A config from a settings file (JSON), or the config of a trace or run file (.json or .npz), read by the
    same rules as load_trace and load_run."""
    if str(path).lower().endswith(".npz"):
        from mlp_core.run_io import load_run  # a run file: its config
        return load_run(path).config
    data = read_json(path, "config file")
    if isinstance(data, dict) and "schema" in data and "config" in data:
        check_schema(data, "trace" if "steps" in data else "run", path)
        data = data["config"]
    return Config.from_dict(data, source=str(path))
