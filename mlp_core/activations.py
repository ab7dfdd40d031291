"""Activation functions, their derivatives written in terms of the activation (as the article does), and LaTeX."""
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Activation:
    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]  # d h / d z, given h
    latex: str  # e.g. r"\sigma": h = \sigma(z)
    derivative_latex: Callable[[str], str]  # derivative formula given the LaTeX of h
    # for mlp_core.accuracy's error bounds: max |h'| and max |h''| over all z, max |h''| / |h'|, and how fast
    # the slope can grow: h'(y) <= exp(slope_growth |y - z|) h'(z)
    slope_max: float
    curvature_max: float
    curvature_per_slope: float
    slope_growth: float


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_derivative(h):
    return h * (1.0 - h)


def tanh_derivative(h):
    return 1.0 - h * h


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, r"\sigma", lambda h: f"{h}(1 - {h})",
                          0.25, math.sqrt(3) / 18, 1.0, 1.0),
    "tanh": Activation("tanh", np.tanh, tanh_derivative, r"\tanh", lambda h: f"1 - {h}^2",
                       1.0, 4 / (3 * math.sqrt(3)), 2.0, 2.0),
}
