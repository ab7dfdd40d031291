"""Plain NumPy transcriptions that benchmarks/bench_train.py runs as baselines, each as its own process:

    python benchmarks/plain_loops.py article HIDDEN LAMBDA ITERATIONS   # the article's loop (figure 19)
    python benchmarks/plain_loops.py deep ITERATIONS OUT.npy            # a ReLU 8,8 softmax network on spiral

`article` is mlp_core.article.training_loop, the transcription of the article's code with the per-iteration
accuracy its plots need. `deep` is the same loop written out for `train --hidden 8,8 --activation relu --loss
cross-entropy --data spiral` (the fig20 preset's batch of 50, alpha 0.003, the seed convention: gradients summed
over the batch), with the accuracy on all 300 points after every update; it saves its final weights to OUT.npy
so that the benchmark can compare them with train's.
"""
import sys

import numpy as np


def deep_loop(iterations, hidden=(8, 8), lr=0.003, batch=50):
    from mlp_core.data import init_weights, load_data
    X_all, y_all = load_data("spiral", 300, 0)
    X, y = X_all[:batch], y_all[:batch]
    w1, w2, w3 = init_weights([2, *hidden, 2], 2017)
    labels = y_all.argmax(axis=1)
    losses, accuracies = np.empty(iterations), np.empty(iterations)
    for i in range(iterations):
        # Forward
        h1 = np.maximum(X.dot(w1), 0)
        h2 = np.maximum(h1.dot(w2), 0)
        z3 = h2.dot(w3)
        shifted = z3 - z3.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        h3 = e / e.sum(axis=1, keepdims=True)
        # Loss: cross-entropy
        losses[i] = -(y * (shifted - np.log(e.sum(axis=1, keepdims=True)))).sum() / batch
        # Backward
        dL_dz3 = h3 - y
        dL_dw3 = h2.T.dot(dL_dz3)
        dL_dz2 = dL_dz3.dot(w3.T) * (h2 > 0)
        dL_dw2 = h1.T.dot(dL_dz2)
        dL_dz1 = dL_dz2.dot(w2.T) * (h1 > 0)
        dL_dw1 = X.T.dot(dL_dz1)
        # Weight updates
        w3 -= lr * dL_dw3
        w2 -= lr * dL_dw2
        w1 -= lr * dL_dw1
        # Accuracy on all points
        scores = np.maximum(np.maximum(X_all.dot(w1), 0).dot(w2), 0).dot(w3)
        probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
        accuracies[i] = np.mean(np.argmax(probs, axis=1) == labels)
    return (w1, w2, w3), losses, accuracies


def main(argv):
    if argv[0] == "article":
        from mlp_core.article import training_loop
        hidden, reg, iterations = int(argv[1]), float(argv[2]), int(argv[3])
        training_loop(hidden, reg, 0.003, iterations)
    else:
        weights, _, _ = deep_loop(int(argv[1]))
        np.save(argv[2], np.concatenate([w.ravel() for w in weights]))


if __name__ == "__main__":
    main(sys.argv[1:])
