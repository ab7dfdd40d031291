"""The article's data and initial weights, drawn exactly as its code draws them."""
import numpy as np


def xor_labels(X):
    """One-hot XOR(x1 > 0, x2 > 0): [1, 0] for 0, [0, 1] for 1."""
    label = np.logical_xor(X[:, 0] > 0, X[:, 1] > 0).astype(int)
    return np.eye(2)[label]


def xor_data(points=300, seed=0):
    """X = RandomState(seed).randn(points, 2) and its one-hot XOR labels y."""
    X = np.random.RandomState(seed).randn(points, 2)
    return X, xor_labels(X)



def init_weights(n_in, hidden, n_out, seed=2017):
    """W1, W2 uniform in [-1, 1) scaled by 1/sqrt(fan_in), from one RandomState(seed), W1 drawn first."""
    rng = np.random.RandomState(seed)
    W1 = 2.0 * rng.random_sample((n_in, hidden)) - 1.0
    W2 = 2.0 * rng.random_sample((hidden, n_out)) - 1.0
    W1 /= np.sqrt(n_in)
    W2 /= np.sqrt(hidden)
    return W1, W2
