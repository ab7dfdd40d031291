"""Our `seed` training run against the article's own loop (figure 19), 100,000 iterations of figures 21 and 22.

The baseline, mlp_core.article.training_loop, is a plain transcription of the article's code (code.png), with
the per-iteration accuracy on all 300 points that its plots need (argmax of softmax(sigmoid(X W1) W2)). Both
run in this process, taking turns (--repeat times each, the best time of each side counts: the machine is
shared and noisy); the final weights, the loss and the accuracy of every iteration must be identical, bit for
bit. Our run also takes its 100 snapshots (weights and a 100 x 100 grid of predicted classes), which the
baseline does not.

    .venv/bin/python benchmarks/bench_train.py                  # 100,000 iterations of fig21 and fig22
    .venv/bin/python benchmarks/bench_train.py --iterations 20000 --presets fig22 --repeat 1
"""
import argparse
import os
import sys
import time

# Both loops on one core: OpenBLAS would otherwise spread the larger products of ours over spinning threads,
# which buys a little wall time for twice the CPU time. Set before NumPy loads OpenBLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from mlp_core.article import training_loop as article_loop  # noqa: E402
from mlp_core.train import preset, train  # noqa: E402


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--presets", nargs="+", default=["fig21", "fig22"])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, taking turns (best counts)")
    args = parser.parse_args()
    identical = True
    for name in args.presets:
        config, options = preset(name)
        options.iterations = n = args.iterations
        base, ours, same = [], [], True
        for _ in range(args.repeat):
            (w1, w2, loss, accuracy), wall, cpu = timed(article_loop, config.hidden, config.reg, config.lr, n)
            base.append((wall, cpu))
            run, wall, cpu = timed(train, config, options)
            ours.append((wall, cpu))
            same &= (np.array_equal(run.W1, w1) and np.array_equal(run.W2, w2) and len(run.loss) == len(loss)
                     and np.array_equal(run.loss, loss, equal_nan=True) and np.array_equal(run.accuracy, accuracy))
        identical &= same
        (base_wall, base_cpu), (our_wall, our_cpu) = min(base), min(ours)
        print(f"{name}: {n} iterations, {config.hidden} hidden, lambda {config.reg}, best of {args.repeat} runs each")
        print(f"  article's loop: {base_wall:7.2f} s wall ({base_wall / n * 1e6:6.1f} us/iteration), "
              f"{base_cpu:7.2f} s CPU   (all: {', '.join(f'{w:.2f}' for w, _ in base)} s)")
        print(f"  ours (seed):    {our_wall:7.2f} s wall ({our_wall / n * 1e6:6.1f} us/iteration), "
              f"{our_cpu:7.2f} s CPU   (all: {', '.join(f'{w:.2f}' for w, _ in ours)} s), {len(run.snapshots)} snapshots")
        print(f"  ratio: {base_wall / our_wall:.2f}x wall, {base_cpu / our_cpu:.2f}x CPU; final weights, loss and "
              f"accuracy {'identical (bit for bit)' if same else 'DIFFERENT'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
