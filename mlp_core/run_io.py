"""A training Run on disk: `save_run(run, path)` and `load_run(path)`, as .json or .npz (by the file's extension).

JSON (strict: non-finite numbers are the strings "NaN", "Infinity", "-Infinity"):
{"schema": 1, "config": {...}, "options": {...}, "loss": [...], "accuracy": [...],
 "snapshots": [{"iteration", "loss", "accuracy", "W1", "W2", "classes"}, ...], "W1", "W2", "diverged_at",
 "lowest_loss_at", "last_finite_loss", "grid_x", "grid_y", "X", "y"}.
Entry k - 1 of loss and accuracy is iteration k; classes[i][j] is the class at (grid_x[j], grid_y[i]).
NPZ: the same as arrays (snapshots stacked: snapshot_iteration, snapshot_loss, snapshot_accuracy, snapshot_W1,
snapshot_W2, snapshot_classes) and the rest as JSON text in "meta". Floats are kept exactly in both.
Files are written whole (a temporary file renamed into place).
"""
import json
import math
import os

import numpy as np

from mlp_core.config import Config, ConfigError
from mlp_core.files import write_atomically
from mlp_core.train import Run, Snapshot, TrainOptions

SCHEMA = 1
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
ARRAYS = ("loss", "accuracy", "W1", "W2", "grid_x", "grid_y", "X", "y")
META = ("diverged_at", "lowest_loss_at", "last_finite_loss")


def _json_number(value):
    return value if math.isfinite(value) else ("NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity")


def _json_list(array):
    """Nested lists of a float array, with non-finite entries as strings."""
    array = np.asarray(array, dtype=float)
    if np.all(np.isfinite(array)):
        return array.tolist()
    return np.vectorize(_json_number, otypes=[object])(array).tolist()


def _floats(value, name, ndim):
    array = np.array(value, dtype=float)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, has {array.ndim}")
    return array


def _number(value):
    return NON_FINITE[value] if isinstance(value, str) else None if value is None else float(value)


def run_to_dict(run):
    return {
        "schema": SCHEMA,
        "config": run.config.to_dict(),
        "options": run.options.to_dict(),
        "loss": _json_list(run.loss),
        "accuracy": _json_list(run.accuracy),
        "snapshots": [{"iteration": s.iteration, "loss": _json_number(s.loss), "accuracy": _json_number(s.accuracy),
                       "W1": _json_list(s.W1), "W2": _json_list(s.W2), "classes": np.asarray(s.classes).tolist()}
                      for s in run.snapshots],
        "W1": _json_list(run.W1), "W2": _json_list(run.W2),
        "diverged_at": run.diverged_at, "lowest_loss_at": run.lowest_loss_at,
        "last_finite_loss": None if run.last_finite_loss is None else _json_number(run.last_finite_loss),
        "grid_x": _json_list(run.grid_x), "grid_y": _json_list(run.grid_y),
        "X": _json_list(run.X), "y": _json_list(run.y),
    }


def run_from_dict(data, source="run"):
    if not isinstance(data, dict) or "schema" not in data or "snapshots" not in data:
        raise ConfigError(f"{source}: not a run file: expected an object with schema, config, options, loss, "
                          f"accuracy, snapshots (python -m mlp_core train --json -o FILE writes one)")
    if data["schema"] != SCHEMA:
        raise ConfigError(f"{source}: run schema {data['schema']!r} is not supported; "
                          f"this version reads schema {SCHEMA}")
    try:
        snapshots = [Snapshot(int(s["iteration"]), _number(s["loss"]), _number(s["accuracy"]),
                              _floats(s["W1"], "W1", 2), _floats(s["W2"], "W2", 2),
                              np.array(s["classes"], dtype=int)) for s in data["snapshots"]]
        dims = {"loss": 1, "accuracy": 1, "W1": 2, "W2": 2, "grid_x": 1, "grid_y": 1, "X": 2, "y": 2}
        arrays = {name: _floats(data[name], name, dims[name]) for name in ARRAYS}
        meta = {name: data[name] for name in META}
        return _run(data["config"], data["options"], arrays, snapshots, meta, source)
    except (KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"{source}: malformed run file ({type(e).__name__}: {e})")


def _run(config, options, arrays, snapshots, meta, source):
    if len(arrays["loss"]) != len(arrays["accuracy"]):
        raise ValueError("loss and accuracy must have one entry per iteration each")
    return Run(config=Config.from_dict(config, source), options=TrainOptions.from_dict(options, source),
               snapshots=snapshots,
               diverged_at=None if meta["diverged_at"] is None else int(meta["diverged_at"]),
               lowest_loss_at=None if meta["lowest_loss_at"] is None else int(meta["lowest_loss_at"]),
               last_finite_loss=_number(meta["last_finite_loss"]), **arrays)


def _npz_arrays(run):
    snapshots = run.snapshots
    hidden = run.W1.shape[1]
    return {
        **{name: np.asarray(getattr(run, name), dtype=float) for name in ARRAYS},
        "snapshot_iteration": np.array([s.iteration for s in snapshots], dtype=np.int64),
        "snapshot_loss": np.array([s.loss for s in snapshots], dtype=float),
        "snapshot_accuracy": np.array([s.accuracy for s in snapshots], dtype=float),
        "snapshot_W1": np.array([s.W1 for s in snapshots], dtype=float).reshape(len(snapshots), *run.W1.shape),
        "snapshot_W2": np.array([s.W2 for s in snapshots], dtype=float).reshape(len(snapshots), hidden, -1),
        "snapshot_classes": np.array([s.classes for s in snapshots], dtype=np.int64).reshape(
            len(snapshots), len(run.grid_y), len(run.grid_x)),
        "meta": np.array(json.dumps({"schema": SCHEMA, "config": run.config.to_dict(),
                                     "options": run.options.to_dict(), "diverged_at": run.diverged_at,
                                     "lowest_loss_at": run.lowest_loss_at,
                                     "last_finite_loss": run.last_finite_loss})),
    }


def _run_from_npz(npz, source):
    try:
        meta = json.loads(str(npz["meta"]))
    except (KeyError, ValueError):
        raise ConfigError(f"{source}: not a run file: no run description "
                          f"(python -m mlp_core train -o FILE.npz writes one)")
    if not isinstance(meta, dict) or meta.get("schema") != SCHEMA:
        raise ConfigError(f"{source}: run schema {meta.get('schema') if isinstance(meta, dict) else None!r} is not "
                          f"supported; this version reads schema {SCHEMA}")
    try:
        snapshots = [Snapshot(int(i), float(l), float(a), W1, W2, classes) for i, l, a, W1, W2, classes in zip(
            npz["snapshot_iteration"], npz["snapshot_loss"], npz["snapshot_accuracy"], npz["snapshot_W1"],
            npz["snapshot_W2"], npz["snapshot_classes"], strict=True)]
        arrays = {name: np.asarray(npz[name], dtype=float) for name in ARRAYS}
        return _run(meta["config"], meta["options"], arrays, snapshots, meta, source)
    except (KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"{source}: malformed run file ({type(e).__name__}: {e})")


def _kind(path):
    extension = os.path.splitext(str(path))[1].lower()
    if extension not in (".json", ".npz"):
        raise ConfigError(f"{path}: a run file's name must end in .json or .npz")
    return extension


def save_run(run, path):
    """Write the run to path (.json or .npz), whole or not at all."""
    extension = _kind(path)
    if extension == ".json":
        write_atomically(path, lambda f: f.write(json.dumps(run_to_dict(run), allow_nan=False).encode()), binary=True)
    else:
        write_atomically(path, lambda f: np.savez_compressed(f, **_npz_arrays(run)), binary=True)


def load_run(path):
    """The Run in a file save_run wrote; ConfigError (one line) if it is missing or not such a file."""
    extension = _kind(path)
    try:
        if extension == ".json":
            with open(path) as f:
                return run_from_dict(json.load(f), str(path))
        with np.load(path, allow_pickle=False) as npz:
            return _run_from_npz(npz, str(path))
    except ConfigError:
        raise
    except OSError as e:
        raise ConfigError(f"{path}: cannot read run file ({e.strerror or e})")
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})")
    except (ValueError, EOFError) as e:  # np.load on a file that is not a zip archive
        raise ConfigError(f"{path}: not a .npz run file ({e})")
