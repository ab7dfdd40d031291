"""Render time of 100-step training videos, training included: figure 21 (100,000 iterations, the article's network)
at -ql and -qh, and the deep spiral run (TrainingRun's default: two hidden layers of 8 ReLU units on the spiral,
5,000 iterations) at -ql.

Targets: figure 21 under 15 s at -ql and under 60 s at -qh (issue 5); the deep spiral run under 15 s at -ql
(issue 11); wall clock, on the 2-core machine. Baseline in the same run: a scene of the same length that only moves
a dot (manim's own floor for that many frames at that quality), and each training alone; the ratios say what the
drawing itself costs. Run from the repository root:

    .venv/bin/python benchmarks/bench_training_render.py [--quality l h] [--videos fig21 deep]

Wall clock depends on what else runs on the machine: the CPU seconds (user + system) are printed beside it.
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from mlp_core.train import preset, train
from scenes.training import DEFAULT_RUN, SECONDS_PER_STEP

ROOT = Path(__file__).resolve().parents[1]
# video: (scene, settings, run trained by the scene, targets per quality in seconds)
VIDEOS = {
    "fig21": ("Fig21", "figure 21, 50 hidden units", preset("fig21"), {"l": 15.0, "h": 60.0}),
    "deep": ("TrainingRun", "deep spiral run, TrainingRun without MLP_RUN", DEFAULT_RUN, {"l": 15.0}),
}
FLOOR_SCENE = """
from manim import Dot, Scene, RIGHT
class Floor(Scene):
    def construct(self):
        dot = Dot()
        self.add(dot)
        self.play(dot.animate.shift(2 * RIGHT), run_time={sweep})
        self.play(dot.animate.shift(RIGHT), run_time=1)
        self.wait(2)
"""


def timed(command, cwd, env=None):
    """(wall seconds, CPU seconds of the child) of a command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", nargs="+", choices=("l", "h"), default=["l", "h"])
    parser.add_argument("--videos", nargs="+", choices=sorted(VIDEOS), default=list(VIDEOS))
    args = parser.parse_args()
    manim = [sys.executable, "-m", "manim"]
    # the scenes' own runs, whatever the caller's environment says
    env = {name: value for name, value in os.environ.items()
           if name not in ("MLP_RUN", "MLP_ITERATIONS", "MLP_EVERY", "MLP_STEP")}
    failed = False
    with tempfile.TemporaryDirectory() as media:
        floor = Path(media) / "floor.py"
        floor.write_text(textwrap.dedent(FLOOR_SCENE.format(sweep=SECONDS_PER_STEP * 100)))
        for name in args.videos:
            scene, words, (config, options), targets = VIDEOS[name]
            start = time.perf_counter()
            run = train(config, options)
            training = time.perf_counter() - start
            print(f"{name} ({words}): training alone {training:.1f} s ({options.iterations} iterations, "
                  f"{len(run.snapshots)} steps, in process)", flush=True)
            for quality in args.quality:
                if quality not in targets:
                    continue
                wall, cpu = timed([*manim, f"-q{quality}", "--media_dir", media, "scenes/training.py", scene],
                                  ROOT, env)
                floor_wall, floor_cpu = timed([*manim, f"-q{quality}", "--media_dir", media, str(floor), "Floor"],
                                              ROOT, env)
                target = targets[quality]
                ok = wall < target
                failed |= not ok
                print(f"  -q{quality}: {scene} {wall:.1f} s wall ({cpu:.1f} s CPU), target < {target:.0f} s: "
                      f"{'met' if ok else 'MISSED'}; same-length dot scene {floor_wall:.1f} s wall "
                      f"({floor_cpu:.1f} s CPU); ratio {wall / floor_wall:.1f}x, drawing beyond training and floor "
                      f"{max(0.0, wall - floor_wall - training):.1f} s", flush=True)
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
