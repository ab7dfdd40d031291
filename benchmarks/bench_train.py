"""Our `seed` training run against the article's own loop (figure 19), 100,000 iterations of figures 21 and 22.

The baseline below is a plain transcription of the article's code (code.png), with the per-iteration accuracy
on all 300 points that its plots need (argmax of softmax(sigmoid(X W1) W2)); RandomState(2017).random_sample
draws the same stream as its np.random.seed(2017) + np.random.random. Both run in this process, one after the
other; the final weights, the loss and the accuracy of every iteration must be identical, bit for bit.
Our run also takes its 100 snapshots (weights and a 100 x 100 grid of predicted classes), which the baseline does not.

    .venv/bin/python benchmarks/bench_train.py                  # 100,000 iterations of fig21 and fig22
    .venv/bin/python benchmarks/bench_train.py --iterations 20000 --presets fig22
"""
import argparse
import sys
import time

import numpy as np

from mlp_core.data import xor_data
from mlp_core.train import preset, train


def sigmoid(x, first_derivative=False):
    if first_derivative:
        return x * (1.0 - x)
    return 1.0 / (1.0 + np.exp(-x))


def article_loop(hidden_dim, reg_coeff, learning_rate, num_epochs, N=50):
    """The article's code, operation for operation, plus the accuracy after each update."""
    X, y = xor_data(300, 0)
    input_dim, output_dim = 2, 2
    rng = np.random.RandomState(2017)
    w1 = 2.0 * rng.random_sample((input_dim, hidden_dim)) - 1.0
    w2 = 2.0 * rng.random_sample((hidden_dim, output_dim)) - 1.0
    w1 /= np.sqrt(input_dim)
    w2 /= np.sqrt(hidden_dim)
    losses, accuracies = [], []
    for i in range(num_epochs):
        index = np.arange(X.shape[0])[:N]
        # Forward step
        h1 = sigmoid(np.matmul(X[index], w1))
        logits = sigmoid(np.matmul(h1, w2))
        probs = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)  # unused, as in the article
        h2 = logits
        # Loss function: mean squared error plus Ridge regularization
        L = np.square(y[index] - h2).sum() / (2 * N) + reg_coeff * (np.square(w1).sum() + np.square(w2).sum()) / (2 * N)
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


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--presets", nargs="+", default=["fig21", "fig22"])
    args = parser.parse_args()
    identical = True
    for name in args.presets:
        config, options = preset(name)
        options.iterations = args.iterations
        (w1, w2, loss, accuracy), base_wall, base_cpu = timed(
            article_loop, config.hidden, config.reg, config.lr, args.iterations)
        run, our_wall, our_cpu = timed(train, config, options)
        same = (np.array_equal(run.W1, w1) and np.array_equal(run.W2, w2) and len(run.loss) == len(loss)
                and np.array_equal(run.loss, loss, equal_nan=True) and np.array_equal(run.accuracy, accuracy))
        identical &= same
        n = args.iterations
        print(f"{name}: {n} iterations, {config.hidden} hidden, lambda {config.reg}")
        print(f"  article's loop: {base_wall:7.2f} s wall ({base_wall / n * 1e6:6.1f} us/iteration), "
              f"{base_cpu:7.2f} s CPU")
        print(f"  ours (seed):    {our_wall:7.2f} s wall ({our_wall / n * 1e6:6.1f} us/iteration), "
              f"{our_cpu:7.2f} s CPU, {len(run.snapshots)} snapshots")
        print(f"  ratio: {base_wall / our_wall:.2f}x wall, {base_cpu / our_cpu:.2f}x CPU; "
              f"final weights, loss and accuracy {'identical (bit for bit)' if same else 'DIFFERENT'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
