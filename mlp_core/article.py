"""The article's own material: the numbers it prints, figure by figure (from ../shared/article/FIGURES.md), its
errata, and its training code (figure 19) transcribed as the reference for our training runs.

These are the article's own words, kept as data so the project can say where the article and the exact
trace agree. `errata(trace)` compares each printed number with the trace rounded to 8 decimals.
"""
from dataclasses import dataclass

import numpy as np

from mlp_core.config import Config
from mlp_core.data import xor_data
from mlp_core.formatting import format_array

PRINTED = [
    # (figure, file, trace name, what the article printed, where exactly)
    (4, "initialized_network.png", "X", [1.76405235, 0.40015721], "X"),
    (4, "initialized_network.png", "y", [1, 0], "Y"),
    (4, "initialized_network.png", "W1", [[-0.67746455, 0.37769425, -0.07365253],
                                          [-0.53663519, 0.60920496, 0.21149622]], "W1"),
    (4, "initialized_network.png", "W2", [[-0.41491732, -0.30992816], [-0.31583913, -0.27706468],
                                          [-0.44701662, 0.15231059]], "W2"),
    (5, "z1.png", "z1", [-1.40982136, 0.91005018, -0.04529517], "z1 = X W1"),
    (6, "h1.png", "h1", [0.19626223, 0.71301043, 0.48867814], "h1 = sigmoid(z1)"),
    (7, "z2.png", "z2", [-0.52507645, -0.18394635], "z2 = h1 W2"),
    (8, "h2.png", "h2", [0.37166596, 0.45414264], "h2 = sigmoid(z2)"),
    (12, "chain_w2_detailed.png", "dL_dh2", [-0.62833404, 0.45414264], "dLoss/dh2 = -(y - h2)"),
    (12, "chain_w2_detailed.png", "h2", [0.37166596, 0.454142644], "h2 inside dh2/dz2 = h2(1 - h2)"),
    (12, "chain_w2_detailed.png", "dh2_dz2", [-0.23353037, 0.2478971], "dh2/dz2 = h2(1 - h2)"),
    (12, "chain_w2_detailed.png", "h1", [0.19626223, 0.71301043, 0.48867814], "dz2/dW2 = h1"),
    (13, "chain_w2_numbers.png", "dh2_dz2", [-0.23353037, 0.2478971], "orange box dh2/dz2"),
    (13, "chain_w2_numbers.png", "dL_dW2", [[-0.02879856, 0.02209533], [-0.10462365, 0.08027117],
                                           [-0.07170623, 0.0550157]], "dLoss/dW2"),
    (13, "chain_w2_numbers.png", "W2_new", [[-0.41488852, -0.30995026], [-0.31573451, -0.27714495],
                                           [-0.44694491, 0.15225557]], "W2* = W2 - alpha dLoss/dW2"),
    (16, "chain_w1_numbers.png", "dL_dz2", [0.23353037, 0.2478971], "bracket [-(y - h2) h2(1 - h2)]"),
    (16, "chain_w1_numbers.png", "W2", [[-0.41491732, -0.30992816], [-0.31583913, -0.27706468],
                                       [-0.44701662, 0.15231059]], "[W2]"),
    (16, "chain_w1_numbers.png", "dL_dh1", [0.02599101, 0.01515256, 0.08274025], "dLoss/dh1"),
    (16, "chain_w1_numbers.png", "dh1_dz1", [0.15774337, 0.20462656, 0.24987182], "dh1/dz1 = h1(1 - h1)"),
    (16, "chain_w1_numbers.png", "dz1_dW1", [1.76405235, 0.40015721], "dz1/dW1 = X"),
    (17, "chain_w1_numbers_final.png", "dL_dW1", [[0.00723246, 0.00546965, 0.03647082],
                                                 [0.00164061, 0.00124073, 0.00827303]], "dLoss/dW1"),
    (17, "chain_w1_numbers_final.png", "W1_new", [[-0.67747178, 0.37768878, -0.073689],
                                                 [-0.53663683, 0.60920372, 0.21148795]], "W1* = W1 - alpha dLoss/dW1"),
]


@dataclass
class Erratum:
    figure: int
    file: str
    name: str
    where: str
    printed: str
    correct: str
    ok: bool


PRINTED_DECIMALS = 8  # the article prints 8 decimals


def errata(trace, precision=8):
    """One row per printed number group: what the article printed, the trace's value (shown at `precision`), and
    whether they agree at the article's own 8 decimals."""
    rows = []
    for figure, file, name, printed, where in PRINTED:
        value = np.reshape(trace.values[name], np.shape(printed))
        rounded = np.round(printed, PRINTED_DECIMALS)
        ok = bool(np.array_equal(np.round(value, PRINTED_DECIMALS), rounded)
                  and format_array(printed, 9) == format_array(rounded, 9))
        rows.append(Erratum(figure, file, name, where, format_array(printed, 9, "; "),
                            format_array(value, precision, "; "), ok))
    return rows


def misprints(trace):
    """The rows the article got wrong, for a trace of the article's own example; none for any other network."""
    if trace.config != Config():
        return []
    return [row for row in errata(trace) if not row.ok]


def sigmoid(x, first_derivative=False):
    if first_derivative:
        return x * (1.0 - x)
    return 1.0 / (1.0 + np.exp(-x))


def training_loop(hidden_dim, reg_coeff, learning_rate, num_epochs, N=50):
    """The article's code (figure 19, code.png), operation for operation, plus the accuracy on all points after
    each update that its plots need. RandomState(2017).random_sample draws the same stream as its
    np.random.seed(2017) and np.random.random. The reference that tests and benchmarks/bench_train.py hold
    mlp_core.train's seed convention to, bit for bit, and the code figure 19 shows (cut at its marker comments);
    returns w1, w2, the losses and the accuracies."""
    X, y = xor_data(300, 0)
    input_dim, output_dim = 2, 2
    # Input calibration
    rng = np.random.RandomState(2017)
    w1 = 2.0 * rng.random_sample((input_dim, hidden_dim)) - 1.0
    w2 = 2.0 * rng.random_sample((hidden_dim, output_dim)) - 1.0
    w1 /= np.sqrt(input_dim)
    w2 /= np.sqrt(hidden_dim)

    losses, accuracies = [], []
    with np.errstate(all="ignore"):  # a run may diverge
        for i in range(num_epochs):
            index = np.arange(X.shape[0])[:N]
            # Forward step
            h1 = sigmoid(np.matmul(X[index], w1))
            logits = sigmoid(np.matmul(h1, w2))
            probs = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)  # unused, as in the article
            h2 = logits
            # Loss function: mean squared error plus Ridge regularization
            L = (np.square(y[index] - h2).sum() / (2 * N)
                 + reg_coeff * (np.square(w1).sum() + np.square(w2).sum()) / (2 * N))
            # Backward step
            dL_dh2 = -(y[index] - h2)
            dh2_dz2 = sigmoid(h2, first_derivative=True)
            dz2_dw2 = h1
            dL_dw2 = dz2_dw2.T.dot(dL_dh2 * dh2_dz2) + reg_coeff * np.square(w2).sum()
            dL_dz2 = dL_dh2 * dh2_dz2
            dz2_dh1 = w2
            dL_dh1 = dL_dz2.dot(dz2_dh1.T)
            dh1_dz1 = sigmoid(h1, first_derivative=True)
            dz1_dw1 = X[index]
            dL_dw1 = dz1_dw1.T.dot(dL_dh1 * dh1_dz1) + reg_coeff * np.square(w1).sum()
            # Weight updates
            w2 += -learning_rate * dL_dw2
            w1 += -learning_rate * dL_dw1
            # Accuracy on all points
            scores = np.matmul(sigmoid(np.matmul(X, w1)), w2)
            probs_all = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
            accuracies.append(np.mean(np.argmax(probs_all, axis=1) == np.argmax(y, axis=1)))
            losses.append(L)
    return w1, w2, np.array(losses), np.array(accuracies)
