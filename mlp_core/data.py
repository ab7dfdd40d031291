"""The data sets and initial weights, drawn exactly as the article's code draws them.

Four data sets of two classes, one-hot labels ([1, 0] for class 0, [0, 1] for class 1), each from
RandomState(seed): `xor` is the article's (randn points, XOR of their signs); `circle`, `gauss` and `spiral` are
TensorFlow Playground's (dataset.ts, noise 0), their coordinates halved so that all four span about -3..3,
and their rows shuffled (Playground lists one class, then the other; a batch of the first rows would hold one).
"""
import numpy as np

DATA_SETS = ("xor", "circle", "gauss", "spiral")


def one_hot(classes):
    return np.eye(2)[np.asarray(classes, dtype=int)]


def xor_labels(X):
    """One-hot XOR(x1 > 0, x2 > 0): [1, 0] for 0, [0, 1] for 1."""
    return one_hot(np.logical_xor(X[:, 0] > 0, X[:, 1] > 0))


def xor_data(points=300, seed=0):
    """X = RandomState(seed).randn(points, 2) and its one-hot XOR labels y: the article's data."""
    X = np.random.RandomState(seed).randn(points, 2)
    return X, xor_labels(X)


def _circle(rng, points):
    """Class 1: radius 0..2.5 (inside the circle of radius 2.5); class 0: a ring of radius 3.5..5. Halved."""
    inner = points // 2
    radius = np.concatenate([rng.uniform(0, 2.5, inner), rng.uniform(3.5, 5, points - inner)])
    angle = rng.uniform(0, 2 * np.pi, points)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]) / 2
    return X, np.r_[np.ones(inner), np.zeros(points - inner)]


def _gauss(rng, points):
    """Class 1 around (2, 2), class 0 around (-2, -2), each coordinate with standard deviation 1. Halved."""
    ones = points // 2
    centres = np.r_[np.full(ones, 2.0), np.full(points - ones, -2.0)]
    X = (centres[:, None] + rng.normal(0, 1, (points, 2))) / 2
    return X, np.r_[np.ones(ones), np.zeros(points - ones)]


def _spiral(rng, points):
    """Two arms, r = 5 i/n, angle 1.75 turns i/n (+ pi for the second arm), i = 0 .. n - 1: class 1 the first
    arm, class 0 the second. Halved."""
    arms = []
    for count, turn in ((points // 2, 0.0), (points - points // 2, np.pi)):
        i = np.arange(count)
        r, t = 5.0 * i / count, 1.75 * i / count * 2 * np.pi + turn
        arms.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    return np.vstack(arms) / 2, np.r_[np.ones(points // 2), np.zeros(points - points // 2)]


def load_data(name="xor", points=300, seed=0):
    """X (points x 2) and one-hot y of data set `name`, from RandomState(seed)."""
    if name == "xor":
        return xor_data(points, seed)
    rng = np.random.RandomState(seed)
    X, classes = {"circle": _circle, "gauss": _gauss, "spiral": _spiral}[name](rng, points)
    order = rng.permutation(points)
    return X[order], one_hot(classes[order])


def init_weights(sizes, seed=2017):
    """W1 .. WL for layer sizes [n_in, hidden..., n_out]: uniform in [-1, 1) scaled by 1/sqrt(fan_in), drawn in
    that order from one RandomState(seed), as the article draws W1 then W2."""
    rng = np.random.RandomState(seed)
    weights = [2.0 * rng.random_sample((fan_in, fan_out)) - 1.0 for fan_in, fan_out in zip(sizes, sizes[1:])]
    for W in weights:
        W /= np.sqrt(W.shape[0])
    return weights
