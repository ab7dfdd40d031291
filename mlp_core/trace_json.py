"""The trace's public JSON format (documented in README.md) and its loading back.

{"schema": 1, "config": {...}, "values": {NAME: nested lists or number}, "steps": [{"name", "formula",
"text", "inputs", "shape"}, ...]}. Floats are written with full precision, so a trace loads back equal.
"""
import json

import numpy as np

from mlp_core.config import TRACE_SCHEMA as SCHEMA
from mlp_core.config import Config, ConfigError
from mlp_core.trace import Step, Trace


def trace_to_dict(trace):
    return {
        "schema": SCHEMA,
        "config": trace.config.to_dict(),
        "values": {name: np.asarray(value).tolist() for name, value in trace.values.items()},
        "steps": [vars(step).copy() for step in trace.steps],
    }


def trace_from_dict(data, source="trace"):
    if not isinstance(data, dict) or not {"schema", "config", "values", "steps"} <= set(data):
        raise ConfigError(f"{source}: not a trace: expected a JSON object with schema, config, values and steps")
    if data["schema"] != SCHEMA:
        raise ConfigError(f"{source}: trace schema {data['schema']!r} is not supported; this version reads schema {SCHEMA}")
    try:
        steps = [Step(**step) for step in data["steps"]]
        values = {name: float(value) if np.ndim(value) == 0 else np.array(value, dtype=float)
                  for name, value in data["values"].items()}
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{source}: malformed trace ({e})")
    missing = [step.name for step in steps if step.name not in values]
    if missing:
        raise ConfigError(f"{source}: malformed trace: no value for step {missing[0]!r}")
    return Trace(Config.from_dict(data["config"], source), values, steps)


def dumps(trace):
    return json.dumps(trace_to_dict(trace), indent=1)


def load_trace(path):
    """A Trace from a file written by `python -m mlp_core trace --json`; ConfigError if it is not one."""
    try:
        with open(path) as f:
            data = json.load(f)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read trace file ({e.strerror})")
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})")
    return trace_from_dict(data, str(path))
