"""Numbers as the article prints them: rounded to a precision, trailing zeros dropped (NumPy's style)."""
import numpy as np


def format_number(value, precision=8):
    """'-0.67746455', '0.2478971', '1' (at precision 8); nan and inf as NumPy writes them."""
    value = float(value)
    if not np.isfinite(value):
        return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    text = f"{round(value, precision):.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_array(value, precision=8, row_separator="\n "):
    """A scalar, a row '[a b c]' (a single-row matrix too), or rows '[[a b]<sep>[c d]]'."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return format_number(array, precision)
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 1:
        return "[" + " ".join(format_number(v, precision) for v in array) + "]"
    return "[" + row_separator.join(format_array(row, precision) for row in array) + "]"


def format_operand(value, precision=8):
    """A number written inside an expression: in parentheses when negative, '(1 - (-0.3752))', not '1 - -0.3752'."""
    text = value if isinstance(value, str) else format_number(value, precision)
    return f"({text})" if text.startswith("-") else text
