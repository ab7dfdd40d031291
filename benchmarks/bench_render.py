"""Render cost of the explainer: seconds of rendering per second of video, at -ql and -qh.

    .venv/bin/python benchmarks/bench_render.py                 # -ql: all figures; -qh: figures 5-6
    .venv/bin/python benchmarks/bench_render.py --qh-figures all

Targets on the project's 2-core machine: at most 0.5 at -ql with a warm TeX cache, at most 2.5 at -qh.
The TeX cache (renders/Tex) is warmed first by building every figure without drawing. As a baseline, the
same run renders a trivial scene (one moving dot) at each quality and prints the explainer's ratio to it.
"""
import argparse
import tempfile
import time
from pathlib import Path

from manim import RIGHT, Dot, Scene, tempconfig

from mlp_core.trace import compute_trace
from scenes.backprop import FIGURES, Backprop

ROOT = Path(__file__).resolve().parents[1]
QUALITIES = {"-ql": "low_quality", "-qh": "high_quality"}


class MovingDot(Scene):
    """The baseline: one dot moving for a few seconds."""

    def construct(self):
        dot = Dot()
        self.add(dot)
        self.play(dot.animate.shift(4 * RIGHT), run_time=6)


def render(scene_factory, quality, media_dir, **extra):
    """(wall seconds, video seconds) of rendering one scene."""
    settings = {"quality": quality, "media_dir": str(media_dir), "tex_dir": str(ROOT / "renders" / "Tex"),
                "verbosity": "WARNING", "progress_bar": "none", "disable_caching": True, **extra}
    with tempconfig(settings):
        scene = scene_factory()
        start = time.perf_counter()
        scene.render()
        return time.perf_counter() - start, scene.time


def select(figures):
    if figures == "all":
        return FIGURES
    wanted = {int(n) for n in figures.split(",")}
    return [figure for figure in FIGURES if int(figure[0][:2]) in wanted]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ql-figures", default="all", help="figure numbers rendered at -ql, e.g. 5,6 (default all)")
    parser.add_argument("--qh-figures", default="5,6", help="figure numbers rendered at -qh (default 5,6)")
    args = parser.parse_args()
    trace = compute_trace()
    with tempfile.TemporaryDirectory() as media:
        warm_seconds, _ = render(lambda: Backprop(trace=trace, skip_animations=True), "low_quality", media,
                                 dry_run=True, output_file=str(Path(media) / "warm.mp4"))
        print(f"TeX cache warmed (every figure built, nothing drawn) in {warm_seconds:.1f} s")
        for flag, figures in (("-ql", args.ql_figures), ("-qh", args.qh_figures)):
            chosen = select(figures)
            seconds, video = render(lambda: Backprop(trace=trace, figures=chosen), QUALITIES[flag], media)
            base_seconds, base_video = render(MovingDot, QUALITIES[flag], media)
            ratio, base_ratio = seconds / video, base_seconds / base_video
            target = 0.5 if flag == "-ql" else 2.5
            print(f"{flag}: figures {figures}: {seconds:.1f} s for {video:.1f} s of video = {ratio:.2f} s per video "
                  f"second (target <= {target}, {'met' if ratio <= target else 'NOT met'}); baseline moving dot "
                  f"{base_ratio:.2f} s/s, explainer/baseline = {ratio / base_ratio:.1f}x")


if __name__ == "__main__":
    main()
