"""The manim-slides deck: each figure starts a slide named after it, each beat is one more slide (a key press),
and `manim-slides convert` writes HTML with one group of slides per figure. Skipped without the [slides] extra.

A two-figure deck is rendered and converted, and two of the explainer's figures are counted in a dry run
(seconds). The whole explainer took 5 to 9 minutes to render at -ql (3 to dry-run) on the 2 shared cores:
that test runs only with BACKPROP_SLIDES_FULL=1.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("manim_slides", reason="manim-slides is not installed (pip install '.[slides]')")
from manim import tempconfig  # noqa: E402

from mlp_core.config import Config  # noqa: E402
from mlp_core.trace import compute_trace  # noqa: E402
from scenes import outline  # noqa: E402
from scenes.slides import BackpropSlides  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MANIM_SLIDES = [sys.executable, "-m", "manim_slides"]

TWO_FIGURES = '''
from manim import Circle, Create, Square, Text
from scenes.outline import Figure
from scenes.slides import BackpropSlides


def circle_then_square(scene, trace, words):
    scene.play(Create(Circle()))
    scene.beat()
    scene.play(Create(Square()))
    scene.beat()


def loss(scene, trace, words):
    scene.play(Create(Text("Loss")))


def silent(trace):
    return {}


class TwoFigures(BackpropSlides):
    def __init__(self, **kwargs):
        super().__init__(figures=[Figure("05_z1", circle_then_square, silent), Figure("09_loss", loss, silent)],
                         **kwargs)
'''


def render_and_convert(tmp_path, script, scene):
    """`manim-slides render -ql` then `convert` to one HTML file (bundling reveal.js when its cache is full)."""
    render = subprocess.run([*MANIM_SLIDES, "render", "-ql", str(script), scene], cwd=tmp_path,
                            capture_output=True, text=True, timeout=1200)
    assert render.returncode == 0, render.stderr[-3000:]
    html = tmp_path / "deck.html"
    convert = [*MANIM_SLIDES, "convert", scene, str(html), "--one-file"]
    offline = subprocess.run([*convert, "--offline"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    if offline.returncode != 0:  # reveal.js neither cached (scripts/revealjs_cache.sh) nor downloadable
        assert "Missing Reveal.js asset" in offline.stderr + offline.stdout, offline.stderr[-3000:]
        subprocess.run(convert, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=True)
    return html.read_text()


def slide_groups(html):
    """Per slide of the deck, its notes (the figure's name on a figure's first slide, '' on its steps)."""
    sections = re.findall(r"<section\s[^>]*data-background-video=.*?</section>", html, flags=re.S)
    return [(re.findall(r'<aside class="notes"[^>]*>\s*([^<]*?)\s*</aside>', s) or [""])[0] for s in sections]


def test_each_figure_starts_a_named_slide_and_each_beat_adds_one(tmp_path):
    script = tmp_path / "two_figures.py"
    script.write_text(TWO_FIGURES)
    notes = slide_groups(render_and_convert(tmp_path, script, "TwoFigures"))
    # circle | square | fade-out and Loss (the beat at the end of a figure adds no empty slide)
    assert notes == ["05_z1", "", "09_loss"]


def test_real_figures_start_named_slides_with_their_steps_after_them():
    """The third layer's figures of a two-hidden-layer network: a named slide each, their steps after them."""
    trace = compute_trace(Config(hidden=[4, 3], activation="relu", loss="cross-entropy"))
    forward = [figure for figure in outline.figures(trace) if figure.name in ("09_z3", "10_h3")]
    assert len(forward) == 2
    with tempconfig({"dry_run": True, "verbosity": "ERROR", "progress_bar": "none"}):
        scene = BackpropSlides(trace=trace, figures=forward, skip_animations=True)
        scene.setup()
        scene.construct()  # not render(): a dry run has no clips for manim-slides to save
    scene._add_last_slide()
    notes = [slide.notes for slide in scene._slides]
    assert [n for n in notes if n] == [figure.name for figure in forward]
    assert len(notes) > 2 * len(forward)


@pytest.mark.skipif(not os.environ.get("BACKPROP_SLIDES_FULL"),
                    reason="renders the whole explainer (5 to 9 minutes at -ql); set BACKPROP_SLIDES_FULL=1")
def test_the_explainer_renders_as_one_slide_group_per_figure(tmp_path):
    notes = slide_groups(render_and_convert(tmp_path, ROOT / "scenes" / "slides.py", "BackpropSlides"))
    names = [figure.name for figure in outline.figures(compute_trace(Config()))]
    assert [n for n in notes if n] == names
    assert len(notes) > len(names)  # the figures' steps are slides of their own
