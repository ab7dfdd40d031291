"""What a trace is computed for: the settings, explicit values, their checks, and the data they imply.

A Config is plain data. `resolve_inputs(config)` turns it into the arrays X, y, W1, W2 (b1, b2) of the
iteration: the article's XOR data and RandomState weights by default, a user's own numbers where given.
Every check raises ConfigError with one line saying what is wrong and what is allowed.
"""
import json
import math
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from mlp_core.activations import ACTIVATIONS
from mlp_core.data import init_weights, xor_data, xor_labels

CONVENTIONS = ("exact", "seed")
PENALTIES = ("l2", "l1")
VALUE_NAMES = ("X", "y", "W1", "W2", "b1", "b2")
TRACE_SCHEMA = 1  # version of the trace JSON format (mlp_core/trace_json.py)


class ConfigError(ValueError):
    """A setting or input value that cannot be used; the message is one line for the user."""


@dataclass
class Config:
    hidden: int = 3  # hidden units
    sample: int = 0  # first row of the data in the batch
    batch: int = 1  # number of rows, sample .. sample + batch - 1
    seed: int = 2017  # weights: RandomState(seed)
    data_seed: int = 0  # data: RandomState(data_seed).randn(points, 2)
    points: int = 300
    lr: float = 0.001
    reg: float = 0.0  # lambda
    penalty: str = "l2"
    activation: str = "sigmoid"
    bias: bool = False
    convention: str = "exact"
    values: dict = field(default_factory=dict)  # explicit X, y, W1, W2, b1, b2 (nested lists)

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, data, source="config"):
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: expected a JSON object with settings and/or values {', '.join(VALUE_NAMES)}")
        known = {f.name for f in fields(cls)}
        settings, values = {}, dict(data.get("values", {}))
        for key, value in data.items():
            if key in VALUE_NAMES:
                values[key] = value
            elif key in known and key != "values":
                settings[key] = value
            elif key != "values":
                raise ConfigError(f"{source}: unknown key {key!r}; allowed: {', '.join(sorted(known - {'values'}) + list(VALUE_NAMES))}")
        return cls(**settings, values=values)


def load_config_file(path):
    """A config from a JSON file: settings and values, or a trace/run file (its "config" is used)."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror})")
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})")
    if isinstance(data, dict) and "schema" in data and "config" in data:
        if "steps" in data and data["schema"] != TRACE_SCHEMA:
            raise ConfigError(f"{path}: trace schema {data['schema']!r} is not supported; "
                              f"this version reads schema {TRACE_SCHEMA}")
        data = data["config"]
    return Config.from_dict(data, source=str(path))


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
    if name in ("b1", "b2"):
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
    _integer(config.hidden, "hidden size (--hidden)", 1)
    _integer(config.batch, "batch size (--batch)", 1)
    _integer(config.points, "points", 1)
    _integer(config.sample, "sample index (--sample)", 0)
    _integer(config.seed, "seed (--seed)", 0)
    _integer(config.data_seed, "data_seed", 0)
    _nonnegative_number(config.lr, "learning rate (--lr)")
    _nonnegative_number(config.reg, "lambda (--reg)")
    _choice(config.penalty, "penalty (--penalty)", PENALTIES)
    _choice(config.activation, "activation (--activation)", tuple(ACTIVATIONS))
    _choice(config.convention, "convention (--convention)", CONVENTIONS)
    if not isinstance(config.bias, bool):
        raise ConfigError(f"bias must be true or false, got {config.bias!r}")
    if not isinstance(config.values, dict):
        raise ConfigError("values must be a JSON object of X, y, W1, W2, b1, b2")
    unknown = set(config.values) - set(VALUE_NAMES)
    if unknown:
        raise ConfigError(f"unknown value {sorted(unknown)[0]!r}; allowed: {', '.join(VALUE_NAMES)}")
    if "X" not in config.values and config.sample + config.batch > config.points:
        raise ConfigError(
            f"rows {config.sample}..{config.sample + config.batch - 1} are out of range: "
            f"sample + batch must be <= {config.points} (the data has rows 0..{config.points - 1})")


def resolve_inputs(config):
    """The arrays one iteration starts from: {"X", "y", "W1", "W2"} (+ "b1", "b2" with biases).

    Explicit values win; what they imply (batch from X, hidden size from W1 or W2) overrides the settings,
    and their shapes are checked against each other.
    """
    validate(config)
    given = {name: _matrix(config.values, name) for name in config.values}
    if "X" in given:
        X = given["X"]
    else:
        X_all, y_all = xor_data(config.points, config.data_seed)
        rows = slice(config.sample, config.sample + config.batch)
        X = X_all[rows]
    if "y" in given:
        y = given["y"]
    elif "X" in given:
        if X.shape[1] != 2:
            raise ConfigError(f"y is required with an X of {X.shape[1]} columns (XOR labels need 2)")
        y = xor_labels(X)
    else:
        y = y_all[rows]
    if y.shape[0] != X.shape[0]:
        raise ConfigError(f"y has {y.shape[0]} rows but X has {X.shape[0]}: one label row per sample")
    hidden = (given["W1"].shape[1] if "W1" in given else given["W2"].shape[0] if "W2" in given
              else given["b1"].shape[0] if "b1" in given else config.hidden)
    W1, W2 = init_weights(X.shape[1], hidden, y.shape[1], config.seed)
    W1, W2 = given.get("W1", W1), given.get("W2", W2)
    expected = {"W1": (X.shape[1], hidden), "W2": (hidden, y.shape[1]), "b1": (hidden,), "b2": (y.shape[1],)}
    for name, array in given.items():
        if name in expected and array.shape != expected[name]:
            raise ConfigError(
                f"{name} has shape {list(array.shape)} but must be {list(expected[name])} "
                f"(X is {list(X.shape)}, y is {list(y.shape)}, {hidden} hidden units)")
    inputs = {"X": X, "y": y, "W1": W1, "W2": W2}
    if config.bias or "b1" in given or "b2" in given:
        inputs["b1"] = given.get("b1", np.zeros(hidden))
        inputs["b2"] = given.get("b2", np.zeros(y.shape[1]))
    return inputs
