"""Render time of a 100-step training video (figure 21: 100,000 iterations, training included), at -ql and -qh.

Targets (issue 5): under 15 s at -ql and under 60 s at -qh, wall clock, on the 2-core machine. Baseline in the same
run: a scene of the same length that only moves a dot (manim's own floor for that many frames at that quality),
and the training alone; the ratios say what the drawing itself costs. Run from the repository root:

    .venv/bin/python benchmarks/bench_training_render.py [--quality l h]

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
from scenes.training import SECONDS_PER_STEP

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"l": 15.0, "h": 60.0}
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


def timed(command, cwd):
    """(wall seconds, CPU seconds of the child) of a command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", nargs="+", choices=sorted(TARGETS), default=sorted(TARGETS))
    args = parser.parse_args()
    manim = [sys.executable, "-m", "manim"]
    config, options = preset("fig21")
    start = time.perf_counter()
    train(config, options)
    training = time.perf_counter() - start
    print(f"training alone (fig21, {options.iterations} iterations, in process): {training:.1f} s", flush=True)
    failed = False
    with tempfile.TemporaryDirectory() as media:
        floor = Path(media) / "floor.py"
        floor.write_text(textwrap.dedent(FLOOR_SCENE.format(sweep=SECONDS_PER_STEP * 100)))
        for quality in args.quality:
            wall, cpu = timed([*manim, f"-q{quality}", "--media_dir", media, "scenes/training.py", "Fig21"], ROOT)
            floor_wall, floor_cpu = timed([*manim, f"-q{quality}", "--media_dir", media, str(floor), "Floor"], ROOT)
            target = TARGETS[quality]
            ok = wall < target
            failed |= not ok
            print(f"-q{quality}: Fig21 {wall:.1f} s wall ({cpu:.1f} s CPU), target < {target:.0f} s: "
                  f"{'met' if ok else 'MISSED'}; same-length dot scene {floor_wall:.1f} s wall "
                  f"({floor_cpu:.1f} s CPU); "
                  f"ratio {wall / floor_wall:.1f}x, drawing beyond training and floor "
                  f"{max(0.0, wall - floor_wall - training):.1f} s", flush=True)
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
