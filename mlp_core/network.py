"""The network's math, written once: a layer forward, a layer backward, the loss, its gradient at the output,
the penalty and the update. The trace (one iteration, every value named), training and accuracy all call these.

A network of L weight layers is three lists: `weights` W1 .. WL, `biases` b1 .. bL (None where a layer has none)
and `activations` (mlp_core.activations.Activation), with h0 = X, zk = h{k-1} Wk + bk and hk = act_k(zk).
Each function is written with the operations of the article's code (figure 19), in its order, so that the
`seed` convention of the article's network gives that code's numbers bit for bit.

Losses, for a batch of N rows (the penalty term is the same for both):
- mse: 1/(2N) sum (y - hL)^2, the article's; dL/dhL = -(y - hL) / n;
- cross-entropy: -1/N sum y log hL with a softmax output; textbooks go straight to dL/dzL = (hL - y) / n.
n is N for the exact gradient (convention `exact`) and 1 where the article's code sums over the batch (`seed`).
"""
import numpy as np

LOSSES = ("mse", "cross-entropy")


def linear(h, W, b=None, out=None):
    """z = h W (+ b), into `out` when given."""
    z = h.dot(W, out)  # ndarray.dot: the product that @ computes, with less overhead per call
    if b is not None:
        z += b
    return z


def forward(X, weights, biases, activations, keep=True, out=None):
    """(zs, hs) of every layer, hs[0] = X. keep=False computes each activation in its z's memory (training):
    zs then holds the activations too. out: arrays to compute the zs in (training reuses them: a product into
    an array that exists costs half of one into a new array, for the article's 50 x 50)."""
    zs, hs, h = [], [X], X
    for k, (W, b, act) in enumerate(zip(weights, biases, activations)):
        z = linear(h, W, b, out[k] if out else None)
        h = act.function(z) if keep else act.in_place(z)
        zs.append(z)
        hs.append(h)
    return zs, hs


def logits(X, weights, biases, functions):
    """zL for the rows of X: the layers' forward pass without the output's activation (`functions`: each
    layer's activation function; the last one is not used)."""
    h = X
    for W, b, function in zip(weights[:-1], biases[:-1], functions[:-1]):
        h = function(linear(h, W, b))
    return linear(h, weights[-1], biases[-1])


def data_loss(loss, y, h, z, N, error=None):
    """The loss without the penalty: mse from the output h (or from error = h - y, when the caller has it);
    cross-entropy from h, or where a saturated softmax has rounded some h to 0, from the logits z (log-softmax:
    a large finite loss rather than 0 log 0)."""
    if loss == "mse":
        return np.add.reduce(np.square(h - y if error is None else error), axis=None) / (2 * N)  # (h-y)^2 = (y-h)^2
    with np.errstate(divide="ignore", invalid="ignore"):
        value = -(y * np.log(h)).sum() / N
    if np.isfinite(value):
        return value
    shifted = z - z.max(axis=1, keepdims=True)
    return -(y * (shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))).sum() / N


def output_gradient(error, n):
    """dL/dhL for mse, -(y - h) / n; dL/dzL for softmax with cross-entropy, (h - y) / n; both from
    error = h - y (-(y - h) is h - y exactly)."""
    return error / n if n > 1 else error


def weight_gradient(h_prev, dL_dz, out=None):
    """dL/dWk = (dzk/dWk)^T dL/dzk, dzk/dWk = h{k-1} (into `out` when given)."""
    return h_prev.T.dot(dL_dz, out)


def input_gradient(dL_dz, W, out=None):
    """dL/dh{k-1} = dL/dzk (dzk/dh{k-1})^T, dzk/dh{k-1} = Wk: the gradient handed down to the layer below (into
    `out` when given)."""
    return dL_dz.dot(W.T, out)


def backward(dL_dout, hs, weights, biases, activations, at_z=False, out=None, handed_down=None):
    """The data gradients (dL/dW1 .. dL/dWL, dL/db1 .. dL/dbL; None where a layer has no bias), from the output
    down. dL_dout is dL/dhL, or dL/dzL when at_z (softmax with cross-entropy); hs as `forward` gives them.
    out: the two lists to write the gradients into (training keeps them in one flat array), else new lists;
    handed_down: arrays to compute dL/dh1 .. dL/dh{L-1} in (training reuses them)."""
    L = len(weights)
    dL_dW, dL_db = out or ([None] * L, [None] * L)
    dL_dh = dL_dout
    for k in range(L - 1, -1, -1):
        if at_z and k == L - 1:
            dL_dz = dL_dh
        else:  # dL/dhk (.) dhk/dzk, in the slope's own (new) array
            slope = activations[k].derivative(hs[k + 1])
            dL_dz = np.multiply(dL_dh, slope, slope)
        dL_dW[k] = weight_gradient(hs[k], dL_dz, dL_dW[k])
        if biases[k] is not None:
            dL_db[k] = dL_dz.sum(axis=0, out=dL_db[k])
        if k:
            dL_dh = input_gradient(dL_dz, weights[k], handed_down[k - 1] if handed_down else None)
    return dL_dW, dL_db


def penalty_terms(W, penalty, out=None):
    """W^2 (l2) or |W| (l1), entry by entry: what the penalty adds up."""
    return np.abs(W, out) if penalty == "l1" else np.square(W, out)


def penalty_size(W, penalty):
    """sum W^2 (l2) or sum |W| (l1). (np.add.reduce is ndarray.sum's pairwise sum without its Python wrapper.)"""
    return np.add.reduce(penalty_terms(W, penalty), axis=None)


def penalty_sizes(matrices, penalty, terms=None):
    """penalty_size of each weight matrix, as floats: `matrices` holds them flattened as the rows of one 2-d array
    (where they are of one size, as the article's 2 x H and H x 2 are; `terms`: scratch space of its shape) or is a
    list of them. The rows of a 2-d array are summed as 1-d arrays are, so the sums are penalty_size's, bit for bit,
    in two NumPy calls for all layers."""
    if isinstance(matrices, list):
        return [float(penalty_size(W, penalty)) for W in matrices]
    return np.add.reduce(penalty_terms(matrices, penalty, terms), axis=1).tolist()


def penalty_gradient(W, size, reg, penalty, n, code):
    """What the penalty adds to dL/dW. code: the article's code adds the scalar lambda * size (size =
    penalty_size(W)) to every entry; otherwise the gradient of lambda/(2n) sum W^2, lambda/n W, or of
    lambda/(2n) sum |W|, lambda/(2n) sign(W) (n = N: the stated loss; n = 1: N times it)."""
    if code:
        return reg * size
    if penalty == "l1":
        return reg / (2 * n) * np.sign(W)
    return reg / n * W


def update(W, alpha, gradient, out=None):
    """W* = W - alpha dL/dW (into `out`, e.g. W itself, when given)."""
    return np.subtract(W, alpha * gradient, out)


def predict(X, weights, biases, functions):
    """The class of each row of X: argmax of softmax(zL), as the article's code computes it.

    Where exp overflows, softmax holds NaN and argmax takes the first NaN: kept, to match that code.
    """
    return softmax_argmax(logits(X, weights, biases, functions))


def softmax_argmax(z):
    probs = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    return np.argmax(probs, axis=1)
