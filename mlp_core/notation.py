r"""How the trace's names and steps are written: LaTeX as the article writes them, and plain text. The one place
that turns a step's structure into a formula; scenes and exports read the pieces, never parse a formula string.

Names (k = 1 .. L, h0 is X): X, y, Wk, bk, zk, hk, loss, dL_dhk, dhk_dzk, dzk_dWk, dL_dWk, dL_dzk, dzk_dh{k-1},
dL_dbk, Wk_new, bk_new; "alpha" (the learning rate) appears in updates. `symbol(name)` is a name's LaTeX
(W_1, \frac{\partial \mathrm{Loss}}{\partial W_2}, W_1^{*}).

A step's structure, `expr`, is a JSON-able node {"op": ..., "args": [names or nodes], ...}:
  value                          a starting value (X, y, Wk, bk)
  linear [h, W, (b)]             h W (+ b)
  activation [z], function       sigma(z)
  loss [y, hL, W1 ..], loss, penalty
  output_gradient [y, hL], loss, n      -(y - hL) (mse), hL - y (softmax with cross-entropy), over n if n > 1
  derivative [h], function       the activation's slope written with h: h(1 - h)
  identity [x]                   x (dz2/dW2 = h1)
  hadamard [a, b]                a (.) b, entry by entry
  transpose_product [a, b]       (a)^T b
  product_transpose [a, W]       a (W)^T
  penalized [gradient, W], penalty, rule ("code": lambda sum W^2 on every entry; "exact", n)
  sum_rows [a]                   the sum of a's rows
  update [W, gradient]           W - alpha gradient
`pieces(expr)` renders it as a list of Ref(name) and Lit(latex, text) pieces; `latex(expr)` and `text(expr)`
join them.
"""
import re
from dataclasses import dataclass

ACTIVATION_LATEX = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\mathrm{ReLU}",
                    "leaky_relu": r"\mathrm{LeakyReLU}", "softmax": r"\mathrm{softmax}", "linear": None}
LOSS_NAMES = {"mse": "squared error", "cross-entropy": "cross-entropy"}


@dataclass(frozen=True)
class Ref:
    """A name inside a formula (a trace value, or "alpha")."""
    name: str


@dataclass(frozen=True)
class Lit:
    """Fixed notation inside a formula, as LaTeX and as plain text."""
    latex: str
    text: str = None

    def __post_init__(self):
        if self.text is None:
            object.__setattr__(self, "text", self.latex)


class Note(Lit):
    """A remark written beside a formula, not part of its value: "(softmax with cross-entropy)". Left out where
    the formula's names are replaced by numbers."""


def _index(k):
    return k if len(k) == 1 else f"{{{k}}}"


def symbol(name):
    """The LaTeX of a name, as the article writes it."""
    if name == "loss" or name == "L":
        return r"\mathrm{Loss}"
    if name == "alpha":
        return r"\alpha"
    if name.endswith("_new"):
        return symbol(name[:-4]) + "^{*}"
    derivative = re.fullmatch(r"d(\w+?)_d(\w+)", name)
    if derivative:
        return rf"\frac{{\partial {symbol(derivative[1])}}}{{\partial {symbol(derivative[2])}}}"
    indexed = re.fullmatch(r"([A-Za-z])(\d+)", name)
    if indexed:
        return f"{indexed[1]}_{_index(indexed[2])}"
    return name


def words(name):
    """A name read aloud or written out in words: dL_dW2 -> "dLoss/dW2"."""
    if name.endswith("_new"):
        return words(name[:-4]) + "*"
    derivative = re.fullmatch(r"d(\w+?)_d(\w+)", name)
    if derivative:
        top = "Loss" if derivative[1] == "L" else derivative[1]
        return f"d{top}/d{derivative[2]}"
    return "Loss" if name == "loss" else name


def inputs(expr):
    """The names an expression is computed from, in order of appearance, each once."""
    found = []
    for arg in expr.get("args", []):
        for name in inputs(arg) if isinstance(arg, dict) else [arg]:
            if name not in found:
                found.append(name)
    return found


def _activation(function, z):
    if ACTIVATION_LATEX[function] is None:  # linear: h = z
        return [Ref(z)]
    return [Lit(ACTIVATION_LATEX[function] + "(", function + "("), Ref(z), Lit(")")]


def _derivative(function, h):
    return {
        "sigmoid": lambda: [Ref(h), Lit("(1 - "), Ref(h), Lit(")")],
        "tanh": lambda: [Lit("1 - "), Ref(h), Lit("^2")],
        "relu": lambda: [Lit("["), Ref(h), Lit(" > 0]")],
        "leaky_relu": lambda: [Lit("["), Ref(h), Lit(r" > 0] + 0.01\,[", " > 0] + 0.01 ["), Ref(h),
                               Lit(r" \le 0]", " <= 0]")],
        "linear": lambda: [Lit("1")],
    }[function]()


def _loss(expr):
    y, h = expr["args"][:2]
    size = (r"\sum |W|", "sum(|W|)") if expr["penalty"] == "l1" else (r"\sum W^2", "sum(W^2)")
    penalty = Lit(r" + \frac{\lambda}{2N} " + size[0], f" + lambda {size[1]}/(2N)")
    if expr["loss"] == "cross-entropy":
        return [Lit(r"-\frac{1}{N} \sum ", "-sum("), Ref(y), Lit(r" \log ", " log "), Ref(h), Lit("", ")/N"),
                penalty]
    return [Lit(r"\frac{1}{2N} \sum (", "sum(("), Ref(y), Lit(" - "), Ref(h), Lit(")^2", ")^2)/(2N)"), penalty]


def _output_gradient(expr):
    y, h = expr["args"]
    n = expr["n"]
    if expr["loss"] == "cross-entropy":
        note = Note(r" \quad \text{(softmax with cross-entropy)}", "  (softmax with cross-entropy)")
        if n > 1:
            return [Lit(rf"\frac{{1}}{{{n}}}(", "("), Ref(h), Lit(" - "), Ref(y), Lit(")", f")/{n}"), note]
        return [Ref(h), Lit(" - "), Ref(y), note]
    if n > 1:
        return [Lit(rf"-\frac{{1}}{{{n}}}(", "-("), Ref(y), Lit(" - "), Ref(h), Lit(")", f")/{n}")]
    return [Lit("-("), Ref(y), Lit(" - "), Ref(h), Lit(")")]


def _penalized(expr, sized):
    gradient, W = expr["args"]
    if expr["rule"] == "code":
        before, after = (r"\lambda \sum |", "|") if expr["penalty"] == "l1" else (r"\lambda \sum ", "^2")
    elif expr["penalty"] == "l1":
        before, after = r"\frac{\lambda}{2N} \mathrm{sign}(", ")"
    else:
        before, after = r"\frac{\lambda}{N} ", ""
    return [*_pieces(gradient, sized), Lit(" + " + before, " + penalty'("), Ref(W), Lit(after, ")")]


def _grouped(arg, sized):
    """An operand in parentheses when it is itself an operation."""
    if not isinstance(arg, dict):
        return [Ref(arg)]
    return [Lit(r"\left(" if sized else "(", "("), *_pieces(arg, sized), Lit(r"\right)" if sized else ")", ")")]


def _pieces(expr, sized=True):
    op, args = expr["op"] if isinstance(expr, dict) else None, expr["args"] if isinstance(expr, dict) else None
    left, right = (r"\left(", r"\right)") if sized else ("(", ")")
    if op is None:
        return [Ref(expr)]
    if op == "linear":
        return [Ref(args[0]), Lit(" "), Ref(args[1]), *([Lit(" + "), Ref(args[2])] if len(args) > 2 else [])]
    if op == "activation":
        return _activation(expr["function"], args[0])
    if op == "loss":
        return _loss(expr)
    if op == "output_gradient":
        return _output_gradient(expr)
    if op == "derivative":
        return _derivative(expr["function"], args[0])
    if op == "identity":
        return [Ref(args[0])]
    if op == "hadamard":
        return [Ref(args[0]), Lit(r" \odot ", " * "), Ref(args[1])]
    if op == "transpose_product":
        return [Lit(left, ""), Ref(args[0]), Lit(right + "^T ", "^T "), *_grouped(args[1], sized)]
    if op == "product_transpose":
        return [Ref(args[0]), Lit(" " + left, " "), Ref(args[1]), Lit(right + "^T", "^T")]
    if op == "penalized":
        return _penalized(expr, sized)
    if op == "sum_rows":
        return [Lit(r"\sum_{rows} ", "sum over rows of "), *_pieces(args[0], sized)]
    if op == "update":
        return [Ref(args[0]), Lit(" - "), Ref("alpha"), Lit(" "), Ref(args[1])]
    raise ValueError(f"unknown operation {op!r}")


def pieces(expr, sized=True):
    """The right-hand side of a step as Ref and Lit pieces; sized=False writes plain ( ) instead of \\left( \\right),
    so that each piece is valid LaTeX on its own."""
    return _pieces(expr, sized)


def latex(expr, symbol=symbol):
    """The right-hand side in LaTeX, each name written by `symbol` (e.g. a matrix of its numbers)."""
    return "".join(symbol(p.name) if isinstance(p, Ref) else p.latex for p in pieces(expr))


def text(expr):
    return "".join(p.name if isinstance(p, Ref) else p.text for p in pieces(expr))


def formula(name, expr):
    """'lhs = rhs' in LaTeX, or the symbol alone for a starting value."""
    return symbol(name) if expr["op"] == "value" else f"{symbol(name)} = {latex(expr)}"


def plain(name, expr):
    """'lhs = rhs' in plain text, or the name alone for a starting value."""
    return name if expr["op"] == "value" else f"{name} = {text(expr)}"
