"""The trace's public JSON format (documented in README.md) and its loading back.

Schema 2: {"schema": 2, "config": {...}, "values": {NAME: nested lists or number}, "steps": [{"name", "expr",
"inputs", "shape", "formula", "text"}, ...]}. Floats are written with full precision, so a trace loads back equal.
Schema 1 (written until the deep-network version: one hidden layer, steps without "expr") loads as the network
it describes: its config is that network's, its values are kept, and its steps get their structure from it.
"""
import json

import numpy as np

from mlp_core.config import TRACE_SCHEMA as SCHEMA
from mlp_core.config import Config, ConfigError, check_schema, read_json
from mlp_core.trace import Step, Trace, compute_trace


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
    check_schema(data, "trace", source)
    config = Config.from_dict(data["config"], source)
    try:
        values = {name: float(value) if np.ndim(value) == 0 else np.array(value, dtype=float)
                  for name, value in data["values"].items()}
        if data["schema"] == 1:  # the structure of the steps, from the network the file describes
            steps = compute_trace(config).steps
            if [step["name"] for step in data["steps"]] != [step.name for step in steps]:
                raise ValueError("its steps are not those of the network its config describes")
        else:
            steps = [Step(**step) for step in data["steps"]]
    except (TypeError, ValueError, KeyError) as e:
        raise ConfigError(f"{source}: malformed trace ({e})")
    missing = [step.name for step in steps if step.name not in values]
    if missing:
        raise ConfigError(f"{source}: malformed trace: no value for step {missing[0]!r}")
    return Trace(config, values, steps)


def dumps(trace):
    return json.dumps(trace_to_dict(trace), indent=1)


def load_trace(path):
    """A Trace from a file written by `python -m mlp_core trace --json`; ConfigError if it is not one."""
    return trace_from_dict(read_json(path, "trace file"), str(path))
