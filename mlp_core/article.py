"""The numbers the article prints, figure by figure (from ../shared/article/FIGURES.md), and its errata.

These are the article's own words, kept as data so the project can say where the article and the exact
trace agree. `errata(trace)` compares each printed number with the trace rounded to 8 decimals.
"""
from dataclasses import dataclass

import numpy as np

from mlp_core.config import Config
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


def errata(trace, precision=8):
    """One row per printed number group: what the article printed, the trace's value, and whether they agree."""
    rows = []
    for figure, file, name, printed, where in PRINTED:
        value = np.reshape(trace.values[name], np.shape(printed))
        ok = bool(np.array_equal(np.round(value, precision), np.round(printed, precision))
                  and format_array(printed, 9) == format_array(np.round(printed, precision), 9))
        rows.append(Erratum(figure, file, name, where, format_array(printed, 9, "; "),
                            format_array(value, precision, "; "), ok))
    return rows


def misprints(trace):
    """The rows the article got wrong, for a trace of the article's own example; none for any other network."""
    if trace.config != Config():
        return []
    return [row for row in errata(trace) if not row.ok]
