"""One forward/backward iteration, every intermediate value recorded under the article's names, for L weight
layers (the article's network has L = 2).

Each Step carries its structure (`expr`: which operation on which names, see mlp_core/notation.py), the names it
is computed from, its shape, and its formula as LaTeX and plain text rendered from that structure. The numbers
come from mlp_core/network.py, the functions that training and accuracy call too.

Backward, from the output down, per layer k: dL_dhk, dhk_dzk, dzk_dWk, dL_dWk, then for k >= 2 dL_dzk and
dzk_dh{k-1} (which give dL_dh{k-1}, the next layer's first factor); softmax with cross-entropy starts from
dL_dzL instead of dL_dhL and dhL_dzL. Then dL_dbL .. dL_db1 with biases, and the updates W1_new .. bL_new.

Two gradient conventions (the loss is the stated one in both, e.g. the article's
Loss = 1/(2N) sum (y - h2)^2 + lambda/(2N) sum W^2, or sum |W| with the L1 penalty):
- exact: the true gradient of that loss; the output's gradient carries the 1/N, the penalty adds lambda/N W
  (L1: lambda/(2N) sign(W)).
- seed: what the article's code computes: no 1/N, and the penalty adds the scalar lambda * sum W^2
  (L1: lambda * sum |W|) to every entry of the gradient.
They agree for one sample and lambda = 0, as in the article's worked example.
"""
from dataclasses import dataclass, field

import numpy as np

from mlp_core import network, notation
from mlp_core.activations import ACTIVATIONS
from mlp_core.config import Config, output_activation, resolve_inputs


@dataclass
class Step:
    name: str
    expr: dict  # the operation and its operands (mlp_core/notation.py)
    inputs: list  # names it is computed from
    shape: list
    formula: str = ""  # LaTeX "lhs = rhs", rendered from expr
    text: str = ""  # plain text "z1 = X W1", rendered from expr

    @classmethod
    def of(cls, name, expr, shape):
        return cls(name, expr, notation.inputs(expr), list(shape), notation.formula(name, expr),
                   notation.plain(name, expr))

    @property
    def op(self):
        return self.expr["op"]


@dataclass
class Trace:
    config: Config
    values: dict  # name -> np.ndarray (float) or float (loss)
    steps: list = field(default_factory=list)

    def step(self, name):
        return next(s for s in self.steps if s.name == name)

    @property
    def layers(self):
        """L, the number of weight layers."""
        return sum(1 for name in self.values if name[0] == "W" and name[1:].isdigit())

    def factors(self, k):
        """The factors of dLoss/dWk's chain rule, from the loss down: dL_dhk, dhk_dzk, dzk_dWk (dL_dzk, dzk_dWk where
        the output's gradient comes in one step: softmax with cross-entropy), read from the step dL_dWk is computed
        by (whose penalty operand Wk is not a factor)."""
        dz_dW, *upstream = [name for name in self.step(f"dL_dW{k}").inputs if name.startswith("d")]
        return [*upstream, dz_dW]

    def sizes(self):
        """Layer sizes [n_in, hidden ..., n_out], from the weights."""
        L = self.layers
        return [self.values["W1"].shape[0]] + [self.values[f"W{k}"].shape[1] for k in range(1, L + 1)]

    def __eq__(self, other):
        return (isinstance(other, Trace) and self.config == other.config and self.steps == other.steps
                and self.values.keys() == other.values.keys()
                and all(np.array_equal(self.values[k], other.values[k], equal_nan=True) for k in self.values))


def node(op, *args, **details):
    """A step's structure: the operation, its operands (names or nodes) and details (mlp_core/notation.py)."""
    return {"op": op, "args": list(args), **details}


def layer_activations(config, L):
    """The Activation of each of the L layers: the hidden layers', then the output's."""
    return [ACTIVATIONS[config.activation]] * (L - 1) + [ACTIVATIONS[output_activation(config)]]


def compute_trace(config=None):
    """The trace of one iteration for `config` (the article's worked example by default)."""
    config = config or Config()
    start = resolve_inputs(config)
    L = sum(1 for name in start if name[0] == "W")
    acts = layer_activations(config, L)
    X, y = start["X"], start["y"]
    N = X.shape[0]
    lam, alpha, exact = config.reg, config.lr, config.convention == "exact"
    n = N if exact else 1  # the article's code sums the data gradient over the batch
    cross_entropy = config.loss == "cross-entropy"
    W = {k: start[f"W{k}"] for k in range(1, L + 1)}
    b = {k: start.get(f"b{k}") for k in range(1, L + 1)}
    values, steps = {}, []

    def record(name, value, expr):
        values[name] = value
        steps.append(Step.of(name, expr, np.shape(value)))
        return value

    for name in start:
        record(name, start[name], node("value"))

    # Forward: zk = h{k-1} Wk (+ bk), hk = act(zk)
    h = {0: X}
    for k in range(1, L + 1):
        below = "X" if k == 1 else f"h{k - 1}"
        operands = [below, f"W{k}"] + ([f"b{k}"] if b[k] is not None else [])
        z = record(f"z{k}", network.linear(h[k - 1], W[k], b[k]), node("linear", *operands))
        h[k] = record(f"h{k}", acts[k - 1].function(z), node("activation", f"z{k}", function=acts[k - 1].name))

    # Loss, with the penalty over all weight matrices
    sizes = [network.penalty_size(W[k], config.penalty) for k in range(1, L + 1)]
    loss = network.data_loss(config.loss, y, h[L], values[f"z{L}"], N) + lam * sum(sizes) / (2 * N)
    record("loss", float(loss), node("loss", "y", f"h{L}", *(f"W{k}" for k in range(1, L + 1)), loss=config.loss,
                                     penalty=config.penalty))

    # Backward, from the output down: deltas[k] = (how dL_dzk is written, its value)
    deltas = {}
    top = f"dL_dz{L}" if cross_entropy else f"dL_dh{L}"
    record(top, network.output_gradient(h[L] - y, n), node("output_gradient", "y", f"h{L}", loss=config.loss, n=n))
    if cross_entropy:
        deltas[L] = (top, values[top])
    rule = {"rule": "exact", "n": n} if exact else {"rule": "code"}
    for k in range(L, 0, -1):
        below = "X" if k == 1 else f"h{k - 1}"
        if k not in deltas:  # dL_dzk = dL_dhk * dhk_dzk
            slope = record(f"dh{k}_dz{k}", acts[k - 1].derivative(h[k]),
                           node("derivative", f"h{k}", function=acts[k - 1].name))
            deltas[k] = (node("hadamard", f"dL_dh{k}", f"dh{k}_dz{k}"), values[f"dL_dh{k}"] * slope)
        upstream, delta = deltas[k]
        record(f"dz{k}_dW{k}", h[k - 1], node("identity", below))
        gradient = network.weight_gradient(values[f"dz{k}_dW{k}"], delta)
        expr = node("transpose_product", f"dz{k}_dW{k}", upstream)
        if lam:
            gradient = gradient + network.penalty_gradient(W[k], sizes[k - 1], lam, config.penalty, n, not exact)
            expr = node("penalized", expr, f"W{k}", penalty=config.penalty, **rule)
        record(f"dL_dW{k}", gradient, expr)
        if k >= 2:
            if isinstance(upstream, dict):  # the product becomes a name of its own, handed down
                deltas[k] = (f"dL_dz{k}", record(f"dL_dz{k}", delta, node("hadamard", *upstream["args"])))
            record(f"dz{k}_dh{k - 1}", W[k], node("identity", f"W{k}"))
            record(f"dL_dh{k - 1}", network.input_gradient(deltas[k][1], values[f"dz{k}_dh{k - 1}"]),
                   node("product_transpose", f"dL_dz{k}", f"dz{k}_dh{k - 1}"))
    if b[1] is not None:
        for k in range(L, 0, -1):
            upstream, delta = deltas[k]
            record(f"dL_db{k}", delta.sum(axis=0), node("sum_rows", upstream))

    # Updates: W* = W - alpha dLoss/dW
    for kind in ("W", "b") if b[1] is not None else ("W",):
        for k in range(1, L + 1):
            name = f"{kind}{k}"
            record(name + "_new", network.update(start[name], alpha, values[f"dL_d{name}"]),
                   node("update", name, f"dL_d{name}"))
    return Trace(config, values, steps)
