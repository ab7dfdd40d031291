"""Our training runs against plain NumPy loops: the article's own loop (figure 19) and a deep network's.

1. In this process (--cases inprocess), 100,000 iterations of figures 21 and 22:

The baseline, mlp_core.article.training_loop, is a plain transcription of the article's code (code.png), with
the per-iteration accuracy on all 300 points that its plots need (argmax of softmax(sigmoid(X W1) W2)). Both
run in this process, taking turns (--repeat times each, the best time of each side counts: the machine is
shared and noisy); the final weights, the loss and the accuracy of every iteration must be identical, bit for
bit. Our run also takes its 100 snapshots (weights and a 100 x 100 grid of predicted classes), which the
baseline does not.

2. As users run it (--cases cli): `python -m mlp_core train ... -o run.json` as a process of its own (default BLAS
threads, start-up and writing the run file included) against `python benchmarks/plain_loops.py article ...` (the
same transcription, also a process of its own) for fig21, fig22 (100,000 iterations) and 50 hidden units with
lambda 1e-6 for 50,000 iterations. Target: 3x.
3. A deep network (--cases deep): `train --hidden 8,8 --activation relu --loss cross-entropy --data spiral`,
100,000 iterations, against `plain_loops.py deep`, its loop written out in NumPy with the accuracy on all points
after every update; both processes, final weights compared. Target: ours at most 1.2x the plain loop's time.

    .venv/bin/python benchmarks/bench_train.py                  # all three
    .venv/bin/python benchmarks/bench_train.py --cases cli deep --repeat 1
    .venv/bin/python benchmarks/bench_train.py --iterations 20000 --presets fig22 --repeat 1 --cases inprocess
"""
import argparse
import compileall
import os
import resource
import subprocess
import sys
import tempfile
import time

# In this process both loops on one core: OpenBLAS would otherwise spread the larger products over spinning
# threads, which buys a little wall time for twice the CPU time. Set before NumPy loads OpenBLAS; the processes of
# cases 2 and 3 get the user's own setting back.
USER_BLAS = "OPENBLAS_NUM_THREADS" in os.environ
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from mlp_core.article import training_loop as article_loop  # noqa: E402
from mlp_core.train import preset, train  # noqa: E402


def timed(function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def inprocess(args):
    identical = True
    for name in args.presets:
        config, options = preset(name)
        options.iterations = n = args.iterations
        base, ours, same = [], [], True
        for _ in range(args.repeat):
            (w1, w2, loss, accuracy), wall, cpu = timed(article_loop, config.hidden[0], config.reg, config.lr, n)
            base.append((wall, cpu))
            run, wall, cpu = timed(train, config, options)
            ours.append((wall, cpu))
            same &= (np.array_equal(run.W1, w1) and np.array_equal(run.W2, w2) and len(run.loss) == len(loss)
                     and np.array_equal(run.loss, loss, equal_nan=True) and np.array_equal(run.accuracy, accuracy))
        identical &= same
        (base_wall, base_cpu), (our_wall, our_cpu) = min(base), min(ours)
        print(f"{name}: {n} iterations, {config.hidden[0]} hidden, lambda {config.reg}, in this process, one BLAS "
              f"thread, best of {args.repeat} runs each")
        print(f"  article's loop: {base_wall:7.2f} s wall ({base_wall / n * 1e6:6.1f} us/iteration), "
              f"{base_cpu:7.2f} s CPU   (all: {', '.join(f'{w:.2f}' for w, _ in base)} s)")
        print(f"  ours (seed):    {our_wall:7.2f} s wall ({our_wall / n * 1e6:6.1f} us/iteration), "
              f"{our_cpu:7.2f} s CPU   (all: {', '.join(f'{w:.2f}' for w, _ in ours)} s), {len(run.snapshots)} snapshots")
        print(f"  ratio: {base_wall / our_wall:.2f}x wall, {base_cpu / our_cpu:.2f}x CPU; final weights, loss and "
              f"accuracy {'identical (bit for bit)' if same else 'DIFFERENT'}")
    return identical


def process(command, env):
    """(wall, CPU) seconds of a command run as a process of its own; CPU is user + system time, threads included,
    which a shared, loaded machine disturbs less than wall time."""
    start, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - start, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def times(runs):
    """'4.12 s (all: 4.12, 4.30), 4.05 s CPU': the best wall time of (wall, CPU) runs, and the best CPU time."""
    return (f"{min(w for w, _ in runs):6.2f} s   (all: {', '.join(f'{w:.2f}' for w, _ in runs)}), "
            f"{min(c for _, c in runs):.2f} s CPU")


def ratio(slower, faster):
    """The ratio of the best wall times and of the best CPU times."""
    return min(slower)[0] / min(faster)[0], min(c for _, c in slower) / min(c for _, c in faster)


def user_env():
    """The environment a user's shell has: no BLAS thread limit of ours."""
    return {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS" or USER_BLAS}


def compiled_package():
    """mlp_core's modules compiled to bytecode, as a user's second run finds them (Python caches bytecode on first
    import, pip when it installs), also where this environment forbids writing that cache (PYTHONDONTWRITEBYTECODE).
    The plain loop is one script, which Python compiles on every run in any case."""
    import mlp_core
    compileall.compile_dir(os.path.dirname(mlp_core.__file__), quiet=1)


def as_users_run_it(args, folder):
    here = os.path.dirname(os.path.abspath(__file__))
    compiled_package()
    cases = [("fig21", ["--preset", "fig21"], (50, 0.0001, 100_000)),
             ("fig22", ["--preset", "fig22"], (50, 0.000001, 100_000)),
             ("50 hidden, lambda 1e-6, 50,000 iterations", ["--preset", "fig22", "--iterations", "50000"],
              (50, 0.000001, 50_000))]
    ok = True
    for name, options, (hidden, reg, n) in cases:
        base, ours = [], []
        for _ in range(args.repeat):
            base.append(process([sys.executable, os.path.join(here, "plain_loops.py"), "article", str(hidden),
                                 str(reg), str(n)], user_env()))
            ours.append(process([sys.executable, "-m", "mlp_core", "train", *options, "-o",
                                 os.path.join(folder, "run.json")], user_env()))
        wall, cpu = ratio(base, ours)
        ok &= wall >= 3
        print(f"{name}: as users run them (processes, default BLAS threads, -o run.json), best of {args.repeat}")
        print(f"  plain_loops.py article:   {times(base)}")
        print(f"  python -m mlp_core train: {times(ours)}")
        print(f"  ratio: {wall:.2f}x (target 3x); CPU time: {cpu:.2f}x")
    return ok


def deep(args, folder):
    here = os.path.dirname(os.path.abspath(__file__))
    compiled_package()
    n = 100_000 if args.iterations == 100_000 else args.iterations
    options = ["--hidden", "8,8", "--activation", "relu", "--loss", "cross-entropy", "--data", "spiral",
               "--iterations", str(n)]
    base, ours = [], []
    for _ in range(args.repeat):
        base.append(process([sys.executable, os.path.join(here, "plain_loops.py"), "deep", str(n),
                             os.path.join(folder, "plain.npy")], user_env()))
        ours.append(process([sys.executable, "-m", "mlp_core", "train", *options, "-o",
                             os.path.join(folder, "deep.npz")], user_env()))
    from mlp_core.run_io import load_run
    run = load_run(os.path.join(folder, "deep.npz"))
    mine = np.concatenate([run.params[f"W{k}"].ravel() for k in (1, 2, 3)])
    same = np.allclose(mine, np.load(os.path.join(folder, "plain.npy")), rtol=1e-9, atol=1e-12)
    wall, cpu = ratio(ours, base)
    print(f"deep: train {' '.join(options)}, processes, best of {args.repeat}")
    print(f"  plain_loops.py deep:      {times(base)}")
    print(f"  python -m mlp_core train: {times(ours)}, final accuracy {run.accuracy[-1]:.4f}")
    print(f"  ours / plain: {wall:.2f}x (target at most 1.2x), CPU time {cpu:.2f}x; final weights "
          f"{'the same' if same else 'DIFFERENT'}")
    return same and wall <= 1.2


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=100_000)
    parser.add_argument("--presets", nargs="+", default=["fig21", "fig22"])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side, taking turns (best counts)")
    parser.add_argument("--cases", nargs="+", choices=("inprocess", "cli", "deep"), default=["inprocess", "cli", "deep"])
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        if "inprocess" in args.cases:
            ok &= inprocess(args)
        if "cli" in args.cases:
            ok &= as_users_run_it(args, folder)
        if "deep" in args.cases:
            ok &= deep(args, folder)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
