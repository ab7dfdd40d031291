"""A training Run on disk: `save_run(run, path)` and `load_run(path)`, as .json or .npz (by the file's extension).

JSON (strict: non-finite numbers are the strings "NaN", "Infinity", "-Infinity"):
{"schema": 2, "config": {...}, "options": {...}, "loss": [...], "accuracy": [...],
 "snapshots": [{"iteration", "loss", "accuracy", "W1", ..., "WL", ("b1", ..., "bL"), "classes"}, ...],
 "W1", ..., "WL", ("b1", ..., "bL"), "diverged_at", "lowest_loss_at", "last_finite_loss", "grid_x", "grid_y",
 "X", "y"}.
Entry k - 1 of loss and accuracy is iteration k; classes[i][j] is the class at (grid_x[j], grid_y[i]).
NPZ: the same as arrays (snapshots stacked: snapshot_iteration, snapshot_loss, snapshot_accuracy, snapshot_W1, ...,
snapshot_classes) and the rest as JSON text in "meta". Floats are kept exactly in both.
Schema 1 files (one hidden layer: W1, W2) read the same way. Files are written whole (a temporary file renamed
into place).
"""
import json
import math
import os

import numpy as np
import orjson

from mlp_core.config import VALUE_PATTERN, Config, ConfigError, check_schema
from mlp_core.files import write_atomically
from mlp_core.train import Run, Snapshot, TrainOptions

SCHEMA = 2
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
ARRAYS = {"loss": 1, "accuracy": 1, "grid_x": 1, "grid_y": 1, "X": 2, "y": 2}  # name: dimensions
META = ("diverged_at", "lowest_loss_at", "last_finite_loss")


def _json_number(value):
    return value if math.isfinite(value) else ("NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity")


def _json_list(array):
    """A float array as `run_json` writes it: the array itself where every entry is finite (orjson writes its
    numbers as it writes floats, without the lists), else nested lists with non-finite entries as strings."""
    array = np.ascontiguousarray(array, dtype=float)
    if np.all(np.isfinite(array)):
        return array
    return np.vectorize(_json_number, otypes=[object])(array).tolist()


def _floats(value, name, ndim):
    array = np.array(value, dtype=float) if not isinstance(value, np.ndarray) else value.astype(float)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, has {array.ndim}")
    return array


def _number(value):
    return NON_FINITE[value] if isinstance(value, str) else None if value is None else float(value)


def _param_names(keys):
    """The parameter names among `keys` (W1, W2, ..., b1, ...), weights first, each kind in layer order."""
    names = [key for key in keys if VALUE_PATTERN.fullmatch(key) and key[0] in "Wb"]
    return sorted(names, key=lambda name: (name[0] != "W", int(name[1:])))


def _params(source, prefix="", stacked=0):
    """{W1: array, ...} from a mapping holding prefix + name for each parameter; weights 2-D, biases 1-D (plus
    `stacked` leading dimensions)."""
    names = _param_names(key[len(prefix):] for key in source if key.startswith(prefix))
    if "W1" not in names:
        raise ValueError(f"no {prefix}W1")
    return {name: _floats(source[prefix + name], name, (2 if name[0] == "W" else 1) + stacked) for name in names}


def _meta(run):
    return {"diverged_at": run.diverged_at, "lowest_loss_at": run.lowest_loss_at,
            "last_finite_loss": None if run.last_finite_loss is None else _json_number(run.last_finite_loss)}


def run_to_dict(run):
    """The run file's content, for `run_json`: arrays stay NumPy arrays where orjson can write them."""
    return {
        "schema": SCHEMA,
        "config": run.config.to_dict(),
        "options": run.options.to_dict(),
        "loss": _json_list(run.loss),
        "accuracy": _json_list(run.accuracy),
        "snapshots": [{"iteration": s.iteration, "loss": _json_number(s.loss), "accuracy": _json_number(s.accuracy),
                       **{name: _json_list(p) for name, p in s.params.items()},
                       "classes": np.ascontiguousarray(s.classes, dtype=np.int64)}
                      for s in run.snapshots],
        **{name: _json_list(p) for name, p in run.params.items()},
        **_meta(run),
        **{name: _json_list(getattr(run, name)) for name in ("grid_x", "grid_y", "X", "y")},
    }


def run_from_dict(data, source="run"):
    if not isinstance(data, dict) or "schema" not in data or "snapshots" not in data:
        raise ConfigError(f"{source}: not a run file: expected an object with schema, config, options, loss, "
                          f"accuracy, snapshots (python -m mlp_core train --json -o FILE writes one)")
    check_schema(data, "run", source)
    try:
        snapshots = [Snapshot(int(s["iteration"]), _number(s["loss"]), _number(s["accuracy"]), _params(s),
                              np.array(s["classes"], dtype=int)) for s in data["snapshots"]]
        arrays = {name: _floats(data[name], name, ndim) for name, ndim in ARRAYS.items()}
        return _run(data["config"], data["options"], arrays, _params(data), snapshots, data, source)
    except (KeyError, TypeError, ValueError) as e:
        raise ConfigError(f"{source}: malformed run file ({type(e).__name__}: {e})")


def _run(config, options, arrays, params, snapshots, meta, source):
    if len(arrays["loss"]) != len(arrays["accuracy"]):
        raise ValueError("loss and accuracy must have one entry per iteration each")
    return Run(config=Config.from_dict(config, source), options=TrainOptions.from_dict(options, source),
               snapshots=snapshots, params=params,
               diverged_at=None if meta["diverged_at"] is None else int(meta["diverged_at"]),
               lowest_loss_at=None if meta["lowest_loss_at"] is None else int(meta["lowest_loss_at"]),
               last_finite_loss=_number(meta["last_finite_loss"]), **arrays)


def _npz_arrays(run):
    snapshots = run.snapshots
    return {
        **{name: np.asarray(getattr(run, name), dtype=float) for name in ARRAYS},
        **{name: np.asarray(p, dtype=float) for name, p in run.params.items()},
        "snapshot_iteration": np.array([s.iteration for s in snapshots], dtype=np.int64),
        "snapshot_loss": np.array([s.loss for s in snapshots], dtype=float),
        "snapshot_accuracy": np.array([s.accuracy for s in snapshots], dtype=float),
        **{f"snapshot_{name}": np.array([s.params[name] for s in snapshots], dtype=float).reshape(
            len(snapshots), *p.shape) for name, p in run.params.items()},
        "snapshot_classes": np.array([s.classes for s in snapshots], dtype=np.int64).reshape(
            len(snapshots), len(run.grid_y), len(run.grid_x)),
        "meta": np.array(json.dumps({"schema": SCHEMA, "config": run.config.to_dict(),
                                     "options": run.options.to_dict(), **_meta(run)})),
    }


def _run_from_npz(npz, source):
    try:
        meta = json.loads(str(npz["meta"]))
    except (KeyError, ValueError):
        raise ConfigError(f"{source}: not a run file: no run description "
                          f"(python -m mlp_core train -o FILE.npz writes one)")
    if not isinstance(meta, dict):
        raise ConfigError(f"{source}: not a run file: its run description is not a JSON object")
    check_schema(meta, "run", source)
    try:
        stacked = _params(npz, "snapshot_", stacked=1)
        snapshots = [Snapshot(int(i), float(l), float(a), {name: p[n] for name, p in stacked.items()}, classes)
                     for n, (i, l, a, classes) in enumerate(zip(
                         npz["snapshot_iteration"], npz["snapshot_loss"], npz["snapshot_accuracy"],
                         npz["snapshot_classes"], strict=True))]
        arrays = {name: np.asarray(npz[name], dtype=float) for name in ARRAYS}
        return _run(meta["config"], meta["options"], arrays, _params(npz), snapshots, meta, source)
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise ConfigError(f"{source}: malformed run file ({type(e).__name__}: {e})")


def _kind(path):
    extension = os.path.splitext(str(path))[1].lower()
    if extension not in (".json", ".npz"):
        raise ConfigError(f"{path}: a run file's name must end in .json or .npz")
    return extension


def run_json(run):
    """The run file's JSON as bytes. orjson (maintained, and ten times faster than the json module on the 7 MB of a
    100,000-iteration run) writes the same numbers: the shortest text that reads back to the same float."""
    # no NaN left: run_to_dict writes non-finite numbers as strings
    return orjson.dumps(run_to_dict(run), option=orjson.OPT_SERIALIZE_NUMPY)


def save_run(run, path):
    """Write the run to path (.json or .npz), whole or not at all."""
    extension = _kind(path)
    if extension == ".json":
        write_atomically(path, lambda f: f.write(run_json(run)), binary=True)
    else:
        write_atomically(path, lambda f: np.savez_compressed(f, **_npz_arrays(run)), binary=True)


def load_run(path):
    """The Run in a file save_run wrote; ConfigError (one line) if it is missing or not such a file."""
    extension = _kind(path)
    try:
        if extension == ".json":
            with open(path, encoding="utf-8") as f:
                return run_from_dict(json.load(f), str(path))
        with np.load(path, allow_pickle=False) as npz:
            return _run_from_npz(npz, str(path))
    except ConfigError:
        raise
    except OSError as e:
        raise ConfigError(f"{path}: cannot read run file ({e.strerror or e})")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a JSON run file")
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})")
    except (ValueError, EOFError) as e:  # np.load on a file that is not a zip archive
        raise ConfigError(f"{path}: not a .npz run file ({e})")
