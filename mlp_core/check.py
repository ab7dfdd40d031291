"""Checking a student's hand calculation against the trace, at the precision each number was written in.

A hand value matches when every entry is within one unit of its own last written decimal of the trace's
value (so 0.4541 matches 0.45414264, whether the student rounded or truncated).
"""
import json
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from mlp_core.config import ConfigError
from mlp_core.formatting import format_array


@dataclass
class Result:
    name: str
    ok: bool
    decimals: int
    given: str
    expected: str


def load_hand_file(path, trace):
    """{name: nested lists of Decimal} from a JSON file; ConfigError for unknown names or bad numbers."""
    try:
        with open(path) as f:
            data = json.load(f, parse_float=Decimal, parse_int=Decimal)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror})")
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})")
    if not isinstance(data, dict) or not data:
        raise ConfigError(f"{path}: expected a JSON object of names and values, e.g. {{\"z1\": [-1.41, 0.91, -0.05]}}")
    for name, value in data.items():
        if name not in trace.values:
            raise ConfigError(f"{path}: unknown name {name!r}; allowed: {', '.join(trace.values)}")
        entries = np.array(value, dtype=object)
        if not all(isinstance(v, Decimal) for v in entries.flat):
            raise ConfigError(f"{path}: {name} must be a number or a list of numbers")
        if entries.size != np.size(trace.values[name]):
            raise ConfigError(f"{path}: {name} has {entries.size} numbers but the trace's {name} has "
                              f"{np.size(trace.values[name])} (shape {list(np.shape(trace.values[name]))})")
    return data


def check_value(name, given, expected):
    """Compare one hand value (Decimals) with the trace's value, entry by entry at each entry's own precision."""
    entries = np.array(given, dtype=object).ravel()
    expected = np.ravel(expected)
    decimals = [max(0, -d.as_tuple().exponent) for d in entries]
    ok = all(abs(float(d) - e) <= 10.0 ** -n * (1 + 1e-9) for d, e, n in zip(entries, expected, decimals))
    shown = min(decimals)
    return Result(name, ok, shown, format_array([float(d) for d in entries], max(decimals)),
                  format_array(expected, max(decimals)))


def check(trace, hand):
    """One Result per name of the hand file, in the trace's order."""
    return [check_value(step.name, hand[step.name], trace.values[step.name])
            for step in trace.steps if step.name in hand]
