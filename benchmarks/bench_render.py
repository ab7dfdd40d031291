"""Render cost of the explainer: seconds of rendering per second of video, at -ql and -qh, silent and narrated.

    .venv/bin/python benchmarks/bench_render.py                 # -ql: all figures; -qh: figures 5-6
    .venv/bin/python benchmarks/bench_render.py --qh-figures all
    .venv/bin/python benchmarks/bench_render.py --voice espeak-ng   # narration with another voice (none: skip)
    .venv/bin/python benchmarks/bench_render.py --hidden 4,3 --voice none   # a deeper network's explainer

Targets on the project's 2-core machine: at most 0.5 at -ql with a warm TeX cache, at most 2.5 at -qh.
The TeX cache (renders/Tex) is warmed first by building every figure without drawing. As a baseline, the
same run renders a trivial scene (one moving dot) at each quality and prints the explainer's ratio to it.

Narration (the -ql figures again, with --voice): rendered with an empty voice cache (cold: every line is
synthesised, which happens before rendering starts and is timed with it), then with that cache (warm), then
silent and warm once more; the best of the silent and of the warm renders count (the machines are shared).
Targets, against the silent -ql render: cold at most 0.1 s more per second of video, warm at most 5% more.
"""
import argparse
import tempfile
import time
from pathlib import Path

from manim import RIGHT, Dot, Scene, tempconfig

from mlp_core.config import Config, ConfigError, parse_hidden
from mlp_core.trace import compute_trace
from scenes import outline
from scenes.backprop import Backprop
from scenes.voice import VoiceError, parse

ROOT = Path(__file__).resolve().parents[1]
QUALITIES = {"-ql": "low_quality", "-qh": "high_quality"}


class MovingDot(Scene):
    """The baseline: one dot moving for a few seconds."""

    def construct(self):
        dot = Dot()
        self.add(dot)
        self.play(dot.animate.shift(4 * RIGHT), run_time=6)


def render(scene_factory, quality, media_dir, **extra):
    """(wall seconds, video seconds) of making and rendering one scene (making it speaks a narrated script)."""
    settings = {"quality": quality, "media_dir": str(media_dir), "tex_dir": str(ROOT / "renders" / "Tex"),
                "verbosity": "WARNING", "progress_bar": "none", "disable_caching": True, **extra}
    with tempconfig(settings):
        start = time.perf_counter()
        scene = scene_factory()
        scene.render()
        return time.perf_counter() - start, scene.time


def narration(trace, figures, voice, silent):
    """The -ql figures narrated by `voice`: cold voice cache, warm, then silent and warm again; `silent` is the
    first silent render's (seconds, video)."""
    runs = {"silent": [silent], "cold": [], "warm": []}
    with tempfile.TemporaryDirectory() as media:
        for kind in ("cold", "warm", "silent", "warm"):
            narrator = None if kind == "silent" else parse(voice)
            runs[kind].append(render(lambda: Backprop(trace=trace, figures=figures, voice=narrator), "low_quality",
                                     media))
            seconds, video = runs[kind][-1]
            print(f"  -ql {kind if kind == 'silent' else f'narrated by {voice}, {kind} voice cache'}: "
                  f"{seconds:.1f} s for {video:.1f} s of video = {seconds / video:.3f} s/s", flush=True)
    per_second = min(seconds / video for seconds, video in runs["silent"])
    for kind in ("cold", "warm"):
        ratio = min(seconds / video for seconds, video in runs[kind])
        extra = ratio - per_second
        met = extra <= 0.1 if kind == "cold" else ratio <= 1.05 * per_second
        print(f"-ql narrated by {voice}, {kind} voice cache{' (best of 2)' if kind == 'warm' else ''}: {ratio:.3f} "
              f"s/s against silent {per_second:.3f} s/s (best of 2): {extra:+.3f} s/s, "
              f"{100 * (ratio / per_second - 1):+.1f}% (target {'<= 0.1 s/s more' if kind == 'cold' else '<= 5% more'}"
              f", {'met' if met else 'NOT met'})", flush=True)


def select(trace, figures):
    chosen = outline.figures(trace)
    if figures == "all":
        return chosen
    wanted = {int(n) for n in figures.split(",")}
    return [figure for figure in chosen if outline.number(figure) in wanted]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ql-figures", default="all", help="figure numbers rendered at -ql, e.g. 5,6 (default all)")
    parser.add_argument("--qh-figures", default="5,6", help="figure numbers rendered at -qh (default 5,6)")
    parser.add_argument("--voice", default="festival", help="MLP_VOICE for the narrated -ql renders (none: skip)")
    parser.add_argument("--hidden", default="3", help="hidden layer sizes, as mlp_core's --hidden (default 3, the "
                        "article's); other layers use ReLU and a softmax output with cross-entropy")
    args = parser.parse_args()
    try:
        hidden = parse_hidden(args.hidden)
    except ConfigError as error:
        parser.exit(2, f"error: --hidden: {error}\n")
    deep = {} if hidden == [3] else {"activation": "relu", "loss": "cross-entropy"}
    trace = compute_trace(Config(hidden=hidden, **deep))
    try:
        voice = parse(args.voice) and args.voice  # checked before the long renders
    except VoiceError as error:
        parser.exit(2, f"error: {error}\n")
    with tempfile.TemporaryDirectory() as media:
        warm_seconds, _ = render(lambda: Backprop(trace=trace, voice=None, skip_animations=True), "low_quality", media,
                                 dry_run=True, output_file=str(Path(media) / "warm.mp4"))
        print(f"TeX cache warmed (every figure built, nothing drawn) in {warm_seconds:.1f} s")
        for flag, figures in (("-ql", args.ql_figures), ("-qh", args.qh_figures)):
            chosen = select(trace, figures)
            seconds, video = render(lambda: Backprop(trace=trace, figures=chosen, voice=None), QUALITIES[flag],
                                    media)
            base_seconds, base_video = render(MovingDot, QUALITIES[flag], media)
            ratio, base_ratio = seconds / video, base_seconds / base_video
            target = 0.5 if flag == "-ql" else 2.5
            print(f"{flag}: figures {figures}: {seconds:.1f} s for {video:.1f} s of video = {ratio:.2f} s per video "
                  f"second (target <= {target}, {'met' if ratio <= target else 'NOT met'}); baseline moving dot "
                  f"{base_ratio:.2f} s/s, explainer/baseline = {ratio / base_ratio:.1f}x", flush=True)
            if flag == "-ql" and voice:
                narration(trace, chosen, voice, (seconds, video))


if __name__ == "__main__":
    main()
