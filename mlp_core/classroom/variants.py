"""Each student's variant of the teacher's network: their own data row(s) and weights, from --salt and their id.

SHA-256 of "salt NUL id" gives the weights' RandomState seed (its first 4 bytes) and the first data row of the
batch (the next 8, modulo the rows there are). The starting values so drawn (every step of the trace that is
computed from nothing: the data, the labels, the weights, the biases) are rounded to the worksheet's decimals and
become the variant's explicit values, so the worksheet shows exactly the numbers the trace starts from and a
student who works from the sheet can get every answer right. Same salt, same variants, byte for byte.
"""
import dataclasses
import hashlib

import numpy as np

from mlp_core.config import ConfigError
from mlp_core.trace import compute_trace

VARIED = ("seed", "sample")  # the settings each student gets their own of


def derive(salt, student_id, rows):
    """(seed, sample) of a student: seed in [0, 2**32), sample in [0, rows)."""
    digest = hashlib.sha256(f"{salt}\0{student_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big"), int.from_bytes(digest[4:12], "big") % max(1, rows)


def starting_names(trace):
    """The names a trace starts from (its steps without inputs), in the trace's order."""
    return [step.name for step in trace.steps if not step.inputs]


def variant_trace(config, salt, student_id, decimals):
    """The trace of one student's variant of `config` (values the teacher gave in --config stay as given)."""
    seed, sample = derive(salt, student_id, config.points - config.batch + 1)
    drawn = dataclasses.replace(config, seed=seed, sample=sample, values=dict(config.values))
    trace = compute_trace(drawn)
    rounded = {name: (np.round(np.asarray(trace.values[name], dtype=float), decimals) + 0.0).tolist()
               for name in starting_names(trace) if name not in config.values}
    return compute_trace(dataclasses.replace(drawn, values={**drawn.values, **rounded}))


def fingerprint(trace):
    """SHA-256 of the starting values' bytes: two students with equal fingerprints have the same numbers."""
    digest = hashlib.sha256()
    for name in starting_names(trace):
        digest.update(name.encode() + b"\0" + np.ascontiguousarray(trace.values[name], dtype=float).tobytes())
    return digest.hexdigest()


def class_traces(config, salt, students, decimals):
    """{student id: trace}, in roster order. ConfigError when two students would share their numbers."""
    traces, owners = {}, {}
    for student in students:
        trace = variant_trace(config, salt, student.id, decimals)
        key = fingerprint(trace)
        if key in owners:
            names = starting_names(trace)
            if all(name in config.values for name in names):
                raise ConfigError(f"--config gives every starting value ({', '.join(names)}), so every student "
                                  f"would get the same numbers; leave out the ones that should vary")
            raise ConfigError(f"students {owners[key]!r} and {student.id!r} would get the same numbers; "
                              f"another --salt (or more --decimals) tells them apart")
        owners[key] = student.id
        traces[student.id] = trace
    return traces
