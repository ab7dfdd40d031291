"""Checking a student's hand calculation against the trace, at the precision each number was written in.

A hand value matches when it has the trace's shape and every entry is within one unit of its own last written
decimal of the trace's value (so 0.4541 matches 0.45414264, whether the student rounded or truncated). A value
of shape (1, n), one row, may also be written as a flat list of n numbers, and a flat one (a bias) as one row;
the loss is a number. A value of another shape, or a ragged list, is a mismatch that says both shapes.
"""
import json
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from mlp_core.config import ConfigError


@dataclass
class Result:
    name: str
    ok: bool
    given: object = None  # the hand value in the trace's shape (ndarray of Decimal), None when the shape is wrong
    expected: object = None  # the trace's value (ndarray of float)
    decimals: object = None  # each entry's written decimals, in the trace's shape
    shape_problem: str = ""  # "W1 is 2×3, yours is 3×2" when the shapes differ
    wrong: list = field(default_factory=list)  # indices (in the trace's shape) of the entries that differ


def _is_number(value):
    return isinstance(value, Decimal)


def _numbers_only(value):
    """True when value is a number or (nested) lists whose leaves are all numbers."""
    if isinstance(value, list):
        return all(_numbers_only(v) for v in value)
    return _is_number(value)


def load_hand_file(path, trace):
    """{name: number or nested lists of Decimal} from a JSON file; ConfigError for unknown names or non-numbers.
    Shapes are not checked here: a wrongly shaped value is a mismatch (see check_value), not bad input."""
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
        if not _numbers_only(value):
            raise ConfigError(f"{path}: {name} must be a number or a list of numbers")
    return data


def shape_of(value):
    """The shape of a number or nested lists of numbers; None when ragged (rows of different lengths or depths)."""
    if not isinstance(value, list):
        return ()
    shapes = {shape_of(v) for v in value}
    if None in shapes or len(shapes) > 1:
        return None
    return (len(value),) + (shapes.pop() if shapes else ())


def describe_shape(shape):
    """'a number', 'a list of 3 numbers', '2×3'."""
    if len(shape) == 0:
        return "a number"
    if len(shape) == 1:
        return f"a list of {shape[0]} number" + ("" if shape[0] == 1 else "s")
    return "×".join(str(n) for n in shape)


def describe_ragged(value):
    """What makes a list ragged, in a few words."""
    if all(isinstance(row, list) and all(_is_number(v) for v in row) for row in value):
        lengths = [len(row) for row in value]
        return f"a ragged list (rows of {', '.join(map(str, lengths[:-1]))} and {lengths[-1]} numbers)"
    return "a ragged list (numbers and lists mixed, or rows of different shapes)"


def accepted_shapes(shape):
    """The shapes a hand value of the trace's `shape` may have: its own, and one row <-> a flat list."""
    shape = tuple(shape)
    if len(shape) == 2 and shape[0] == 1:
        return {shape, shape[1:]}
    if len(shape) == 1:
        return {shape, (1,) + shape}
    return {shape}


def check_value(name, given, expected):
    """Compare one hand value (Decimals) with the trace's value: the shape, then each entry at its own precision."""
    expected = np.asarray(expected, dtype=float)
    shape = shape_of(given)
    if shape not in accepted_shapes(expected.shape):
        mine = describe_ragged(given) if shape is None else describe_shape(shape)
        theirs = describe_shape(expected.shape)
        if expected.ndim == 2 and expected.shape[0] == 1:
            theirs += f" (or {describe_shape(expected.shape[1:])})"
        return Result(name, False, expected=expected, shape_problem=f"{name} is {theirs}, yours is {mine}")
    entries = np.empty(expected.size, dtype=object)
    entries[:] = list(np.ravel(np.array(given, dtype=object)))
    entries = entries.reshape(expected.shape)
    decimals = np.vectorize(lambda d: max(0, -d.as_tuple().exponent), otypes=[int])(entries)
    wrong = [index for index in np.ndindex(expected.shape)
             if not abs(float(entries[index]) - expected[index]) <= 10.0 ** -decimals[index] * (1 + 1e-9)]
    return Result(name, not wrong, entries, expected, decimals, wrong=wrong)


def check(trace, hand):
    """One Result per name of the hand file, in the trace's order."""
    return [check_value(step.name, hand[step.name], trace.values[step.name])
            for step in trace.steps if step.name in hand]


# The report

def precision_text(decimals):
    """The precision the rule applied: '4 decimals', or '2–4 decimals, each entry at its own' when they differ."""
    low, high = int(np.min(decimals)), int(np.max(decimals))
    if low == high:
        return f"{low} decimal" + ("" if low == 1 else "s")
    return f"{low}–{high} decimals, each entry at its own"


def _given_text(d):
    return f"{d:f}"


def _expected_text(value, decimals):
    """The trace's entry rounded to the decimals the student wrote it with."""
    if not np.isfinite(value):
        return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    text = f"{value:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0 else text


def _as_rows(texts):
    """Cells of strings as a list of rows (a scalar: one row of one cell, a flat list or one row: one row)."""
    texts = np.asarray(texts, dtype=object)
    if texts.ndim == 0:
        return [[texts.item()]]
    if texts.ndim == 1:
        return [list(texts)]
    return [list(row) for row in texts.reshape(-1, texts.shape[-1])]


def _aligned(grids):
    """Each grid (rows of number strings) as lines '[[a b]', ' [c d]]', columns aligned on the decimal point
    across all the grids (so that yours and the trace's line up)."""
    columns = max(len(row) for grid in grids for row in grid)
    whole = [0] * columns
    fraction = [0] * columns
    for grid in grids:
        for row in grid:
            for j, cell in enumerate(row):
                left, _, right = cell.partition(".")
                whole[j] = max(whole[j], len(left))
                fraction[j] = max(fraction[j], len(right) + 1 if "." in cell else 0)

    def cell_text(j, cell):
        left, dot, right = cell.partition(".")
        return left.rjust(whole[j]) + (dot + right).ljust(fraction[j])

    blocks = []
    for grid in grids:
        rows = ["[" + " ".join(cell_text(j, c) for j, c in enumerate(row)) + "]" for row in grid]
        if len(rows) == 1:
            blocks.append(rows)
        else:
            blocks.append(["[" + rows[0]] + [" " + r for r in rows[1:-1]] + [" " + rows[-1] + "]"])
    return blocks


def _indent(lines, first, rest):
    return [first + lines[0]] + [rest + line for line in lines[1:]]


def _position(index, shape):
    """An entry's place in words, counted from 1: 'entry 2' in a row or list, 'row 2 column 3' in a matrix."""
    if len(shape) == 2 and shape[0] > 1:
        return f"row {index[0] + 1} column {index[1] + 1}"
    return f"entry {index[-1] + 1}"


def result_lines(r):
    """The report's lines for one Result."""
    if r.shape_problem:
        return [f"{r.name}: MISMATCH: {r.shape_problem}"]
    precision = precision_text(r.decimals)
    given = np.vectorize(_given_text, otypes=[object])(r.given)
    expected = np.vectorize(_expected_text, otypes=[object])(r.expected, r.decimals)
    if r.expected.ndim == 0:
        if r.ok:
            return [f"{r.name}: match ({precision}): {given.item()}"]
        return [f"{r.name}: MISMATCH ({precision}): you have {given.item()}, the trace has {expected.item()}"]
    if r.ok:
        block, = _aligned([_as_rows(given)])
        if len(block) == 1:
            return [f"{r.name}: match ({precision}): {block[0]}"]
        return [f"{r.name}: match ({precision}):"] + _indent(block, "  ", "  ")
    yours, theirs = _aligned([_as_rows(given), _as_rows(expected)])
    places = [_position(index, r.expected.shape) for index in r.wrong]
    shown = ", ".join(places[:6]) + (f" and {len(places) - 6} more" if len(places) > 6 else "")
    return ([f"{r.name}: MISMATCH ({precision}): wrong at {shown}"]
            + _indent(yours, "  yours:     ", "             ") + _indent(theirs, "  the trace: ", "             "))


def report(trace, results):
    """(text, exit status) of a check: each value's lines in the trace's order, then for the first mismatch
    its formula and whether each input it depends on matched; status 0 when all match, 1 otherwise."""
    lines = [line for r in results for line in result_lines(r)]
    first_mismatch = next((r for r in results if not r.ok), None)
    if first_mismatch:
        step = trace.step(first_mismatch.name)
        status = {r.name: ("matches" if r.ok else "mismatch") for r in results}
        inputs = ", ".join(f"{name} ({status.get(name, 'not in your file')})" for name in step.inputs)
        lines.append(f"first mismatch: {step.text}; it depends on {inputs or 'nothing'}")
    return "\n".join(lines), 0 if first_mismatch is None else 1
