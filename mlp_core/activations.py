"""Activation functions and their derivatives, the derivative written in terms of the activation h (as the
article writes h2(1 - h2)). Their notation is in mlp_core/notation.py."""
import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np


@dataclass(frozen=True)
class Activation:
    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Optional[Callable[[np.ndarray], np.ndarray]]  # d h / d z, given h (None: softmax's is a Jacobian)
    in_place: Callable[[np.ndarray], np.ndarray]  # function(z) computed in z's own memory: the same bits
    # For mlp_core.accuracy's error bounds (sigmoid and tanh only): max |h'| and max |h''| over all z,
    # max |h''| / |h'|, and how fast the slope can grow: h'(y) <= exp(slope_growth |y - z|) h'(z)
    slope_max: float = None
    curvature_max: float = None
    curvature_per_slope: float = None
    slope_growth: float = None


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_in_place(z):
    """sigmoid(z) in z's memory, operation for operation: the same numbers without three temporary arrays."""
    np.negative(z, z)  # (out= given positionally: NumPy parses it faster, which counts 8 times an iteration)
    np.exp(z, z)
    np.add(1.0, z, z)
    return np.divide(1.0, z, z)


def sigmoid_derivative(h):
    """h (1 - h), in one new array (training calls it every iteration)."""
    slope = np.subtract(1.0, h)
    return np.multiply(h, slope, slope)


def tanh_derivative(h):
    """1 - h^2, in one new array."""
    square = np.multiply(h, h)
    return np.subtract(1.0, square, square)


LEAK = 0.01  # leaky ReLU's slope for z < 0


def relu(z):
    return np.maximum(z, 0.0)


def relu_derivative(h):
    return (h > 0).astype(float)


def leaky_relu(z):
    return np.where(z > 0, z, LEAK * z)


def leaky_relu_derivative(h):  # h has z's sign
    return np.where(h > 0, 1.0, LEAK)


def linear(z):
    return z.copy()


def softmax(z):
    """exp(z) / sum exp(z) per row, shifted by the row's maximum so that exp cannot overflow."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, sigmoid_in_place,
                          0.25, math.sqrt(3) / 18, 1.0, 1.0),
    "tanh": Activation("tanh", np.tanh, tanh_derivative, lambda z: np.tanh(z, out=z),
                       1.0, 4 / (3 * math.sqrt(3)), 2.0, 2.0),
    "relu": Activation("relu", relu, relu_derivative, lambda z: np.maximum(z, 0.0, out=z)),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_derivative, leaky_relu),
    "linear": Activation("linear", linear, np.ones_like, lambda z: z),
    "softmax": Activation("softmax", softmax, None, softmax),
}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")  # softmax only at the output
