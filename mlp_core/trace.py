"""One forward/backward iteration, every intermediate value recorded under the article's names.

Each Step carries the value's formula (LaTeX as the article writes it, and plain text), the names it is
computed from and its shape, so scenes and exports can show "z1 = X W1 = ..." without knowing the math.

Two gradient conventions (the loss is the article's in both:
Loss = 1/(2N) sum (y - h2)^2 + lambda/(2N) sum W^2, or sum |W| with the L1 penalty):
- exact: the true gradient of that loss; dL_dh2 carries the 1/N, the penalty adds lambda/N W
  (L1: lambda/(2N) sign(W)).
- seed: what the article's code computes: no 1/N, and the penalty adds the scalar lambda * sum W^2
  (L1: lambda * sum |W|) to every entry of the gradient.
They agree for one sample and lambda = 0, as in the article's worked example.
"""
from dataclasses import dataclass, field

import numpy as np

from mlp_core.activations import ACTIVATIONS
from mlp_core.config import Config, resolve_inputs

# LaTeX for each name, as the article writes it.
D = r"\frac{{\partial {}}}{{\partial {}}}"
SYMBOLS = {
    "X": "X", "y": "y", "W1": "W_1", "W2": "W_2", "b1": "b_1", "b2": "b_2",
    "z1": "z_1", "h1": "h_1", "z2": "z_2", "h2": "h_2", "loss": r"\mathrm{Loss}",
    "dL_dh2": D.format(r"\mathrm{Loss}", "h_2"), "dh2_dz2": D.format("h_2", "z_2"),
    "dz2_dW2": D.format("z_2", "W_2"), "dL_dW2": D.format(r"\mathrm{Loss}", "W_2"),
    "dL_dz2": D.format(r"\mathrm{Loss}", "z_2"), "dz2_dh1": D.format("z_2", "h_1"),
    "dL_dh1": D.format(r"\mathrm{Loss}", "h_1"), "dh1_dz1": D.format("h_1", "z_1"),
    "dz1_dW1": D.format("z_1", "W_1"), "dL_dW1": D.format(r"\mathrm{Loss}", "W_1"),
    "dL_db1": D.format(r"\mathrm{Loss}", "b_1"), "dL_db2": D.format(r"\mathrm{Loss}", "b_2"),
    "W1_new": "W_1^{*}", "W2_new": "W_2^{*}", "b1_new": "b_1^{*}", "b2_new": "b_2^{*}",
}


@dataclass
class Step:
    name: str
    formula: str  # LaTeX, "lhs = rhs"
    inputs: list
    shape: list
    text: str = ""  # plain-text formula, "z1 = X W1"


@dataclass
class Trace:
    config: Config
    values: dict  # name -> np.ndarray (float) or float (loss)
    steps: list = field(default_factory=list)

    def step(self, name):
        return next(s for s in self.steps if s.name == name)

    def __eq__(self, other):
        return (isinstance(other, Trace) and self.config == other.config and self.steps == other.steps
                and self.values.keys() == other.values.keys()
                and all(np.array_equal(self.values[k], other.values[k], equal_nan=True) for k in self.values))


def penalty_terms(config, N):
    """(value of the penalty for one weight matrix, its gradient) as functions of W, with LaTeX and text."""
    lam = config.reg
    l1 = config.penalty == "l1"
    size = (lambda W: np.abs(W).sum()) if l1 else (lambda W: np.square(W).sum())
    if config.convention == "seed":
        gradient = lambda W: lam * size(W)
        latex = (r"\lambda \sum |{W}|" if l1 else r"\lambda \sum {W}^2")
    elif l1:
        gradient = lambda W: lam / (2 * N) * np.sign(W)
        latex = r"\frac{{\lambda}}{{2N}} \mathrm{{sign}}({W})"
    else:
        gradient = lambda W: lam / N * W
        latex = r"\frac{{\lambda}}{{N}} {W}"
    return size, gradient, latex


def compute_trace(config=None):
    """The trace of one iteration for `config` (the article's worked example by default)."""
    config = config or Config()
    start = resolve_inputs(config)
    act = ACTIVATIONS[config.activation]
    N = start["X"].shape[0]
    lam, alpha = config.reg, config.lr
    size, penalty_gradient, penalty_latex = penalty_terms(config, N)
    bias = "b1" in start
    values, steps = {}, []

    def record(name, value, latex, text, inputs=()):
        values[name] = value
        steps.append(Step(name, f"{SYMBOLS[name]} = {latex}" if inputs else SYMBOLS[name], list(inputs),
                          list(np.shape(value)), f"{name} = {text}" if inputs else name))
        return value

    def penalize(gradient, W, latex, text):
        """A weight gradient plus its penalty gradient, when lambda > 0."""
        if lam == 0:
            return gradient, latex, text, []
        return (gradient + penalty_gradient(start[W]),
                latex + " + " + penalty_latex.format(W=SYMBOLS[W]),
                text + f" + penalty'({W})", [W])

    for name in start:
        record(name, start[name], None, None)
    X, y, W1, W2 = start["X"], start["y"], start["W1"], start["W2"]

    # Forward
    if bias:
        z1 = record("z1", np.matmul(X, W1) + start["b1"], "X W_1 + b_1", "X W1 + b1", ["X", "W1", "b1"])
    else:
        z1 = record("z1", np.matmul(X, W1), "X W_1", "X W1", ["X", "W1"])
    h1 = record("h1", act.function(z1), rf"{act.latex}(z_1)", f"{act.name}(z1)", ["z1"])
    if bias:
        z2 = record("z2", np.matmul(h1, W2) + start["b2"], "h_1 W_2 + b_2", "h1 W2 + b2", ["h1", "W2", "b2"])
    else:
        z2 = record("z2", np.matmul(h1, W2), "h_1 W_2", "h1 W2", ["h1", "W2"])
    h2 = record("h2", act.function(z2), rf"{act.latex}(z_2)", f"{act.name}(z2)", ["z2"])

    # Loss (the article's code: mean squared error plus the penalty, both over 2N)
    l1 = config.penalty == "l1"
    record("loss", float(np.square(y - h2).sum() / (2 * N) + lam * (size(W1) + size(W2)) / (2 * N)),
           r"\frac{1}{2N} \sum (y - h_2)^2 + \frac{\lambda}{2N} " + (r"\sum |W|" if l1 else r"\sum W^2"),
           "sum((y - h2)^2)/(2N) + lambda " + ("sum(|W|)" if l1 else "sum(W^2)") + "/(2N)",
           ["y", "h2", "W1", "W2"])

    # Backward for W2: dL_dW2 = dL_dh2 * dh2_dz2 * dz2_dW2
    if config.convention == "exact" and N > 1:
        dL_dh2 = record("dL_dh2", -(y - h2) / N, rf"-\frac{{1}}{{{N}}}(y - h_2)", f"-(y - h2)/{N}", ["y", "h2"])
    else:
        dL_dh2 = record("dL_dh2", -(y - h2), "-(y - h_2)", "-(y - h2)", ["y", "h2"])
    dh2_dz2 = record("dh2_dz2", act.derivative(h2), act.derivative_latex("h_2"), act.derivative_latex("h2"), ["h2"])
    dz2_dW2 = record("dz2_dW2", h1, "h_1", "h1", ["h1"])
    gradient, latex, text, extra = penalize(
        dz2_dW2.T.dot(dL_dh2 * dh2_dz2), "W2",
        rf"\left({SYMBOLS['dz2_dW2']}\right)^T \left({SYMBOLS['dL_dh2']} \odot {SYMBOLS['dh2_dz2']}\right)",
        "dz2_dW2^T (dL_dh2 * dh2_dz2)")
    record("dL_dW2", gradient, latex, text, ["dz2_dW2", "dL_dh2", "dh2_dz2", *extra])

    # Backward for W1: dL_dW1 = dL_dh1 * dh1_dz1 * dz1_dW1, reusing dL_dz2 = dL_dh2 * dh2_dz2
    dL_dz2 = record("dL_dz2", dL_dh2 * dh2_dz2, rf"{SYMBOLS['dL_dh2']} \odot {SYMBOLS['dh2_dz2']}",
                    "dL_dh2 * dh2_dz2", ["dL_dh2", "dh2_dz2"])
    dz2_dh1 = record("dz2_dh1", W2, "W_2", "W2", ["W2"])
    dL_dh1 = record("dL_dh1", dL_dz2.dot(dz2_dh1.T), rf"{SYMBOLS['dL_dz2']} \left({SYMBOLS['dz2_dh1']}\right)^T",
                    "dL_dz2 dz2_dh1^T", ["dL_dz2", "dz2_dh1"])
    dh1_dz1 = record("dh1_dz1", act.derivative(h1), act.derivative_latex("h_1"), act.derivative_latex("h1"), ["h1"])
    dz1_dW1 = record("dz1_dW1", X, "X", "X", ["X"])
    gradient, latex, text, extra = penalize(
        dz1_dW1.T.dot(dL_dh1 * dh1_dz1), "W1",
        rf"\left({SYMBOLS['dz1_dW1']}\right)^T \left({SYMBOLS['dL_dh1']} \odot {SYMBOLS['dh1_dz1']}\right)",
        "dz1_dW1^T (dL_dh1 * dh1_dz1)")
    record("dL_dW1", gradient, latex, text, ["dz1_dW1", "dL_dh1", "dh1_dz1", *extra])
    if bias:
        record("dL_db2", dL_dz2.sum(axis=0), rf"\sum_{{rows}} {SYMBOLS['dL_dz2']}", "sum over rows of dL_dz2",
               ["dL_dz2"])
        record("dL_db1", (dL_dh1 * dh1_dz1).sum(axis=0),
               rf"\sum_{{rows}} {SYMBOLS['dL_dh1']} \odot {SYMBOLS['dh1_dz1']}",
               "sum over rows of dL_dh1 * dh1_dz1", ["dL_dh1", "dh1_dz1"])

    # Updates: W* = W - alpha dLoss/dW
    for name in ("W1", "W2", "b1", "b2") if bias else ("W1", "W2"):
        grad = "dL_d" + name
        record(name + "_new", start[name] - alpha * values[grad],
               rf"{SYMBOLS[name]} - \alpha {SYMBOLS[grad]}", f"{name} - alpha {grad}", [name, grad])
    return Trace(config, values, steps)
