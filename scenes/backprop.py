"""The explainer: one training iteration of the article's network, figure by figure, from an mlp_core trace.

    manim scenes/backprop.py                      # the article's worked example, into renders/
    MLP_TRACE=trace.json manim scenes/backprop.py # any trace from `python -m mlp_core trace --json`

Each figure is its own section (`--save_sections` writes one clip per figure); scripts/stills.sh saves the
last frame of each as renders/stills/NN_name.png. Figures call scene.beat() between their steps and
scene.say(words) for the subtitles (an .srt beside the video).
"""
import os
import sys

from manim import FadeOut, Scene

from mlp_core.config import ConfigError
from mlp_core.trace import compute_trace
from mlp_core.trace_json import load_trace
from scenes.sections import backward, ending, forward, intro

READING_SPEED = 15  # characters per second: a subtitle stays up at least len(words) / READING_SPEED seconds

# The article's outline: (section name, the function that animates that figure).
FIGURES = [
    ("01_overview", intro.figure_1_overview),
    ("02_xor", intro.figure_2_xor),
    ("03_pipeline", intro.figure_3_pipeline),
    ("04_initialized_network", intro.figure_4_initialized_network),
    ("05_z1", forward.figure_5_z1),
    ("06_h1", forward.figure_6_h1),
    ("07_z2", forward.figure_7_z2),
    ("08_h2", forward.figure_8_h2),
    ("09_loss", forward.figure_9_loss),
    ("10_chain_w2", backward.figure_10_chain_w2),
    ("11_path_w2", backward.figure_11_path_w2),
    ("12_factors_w2", backward.figure_12_factors_w2),
    ("13_update_w2", backward.figure_13_update_w2),
    ("14_chain_w1", backward.figure_14_chain_w1),
    ("15_path_w1", backward.figure_15_path_w1),
    ("16_factors_w1", backward.figure_16_factors_w1),
    ("17_update_w1", backward.figure_17_update_w1),
    ("18_copy", ending.figure_18_copy),
    ("19_code", ending.figure_19_code),
]


def trace_from_environment():
    """The trace named by $MLP_TRACE, or the article's worked example; a bad file exits with one line (2)."""
    path = os.environ.get("MLP_TRACE")
    if not path:
        return compute_trace()
    try:
        return load_trace(path)
    except ConfigError as error:
        print(f"error: MLP_TRACE: {error}", file=sys.stderr)
        raise SystemExit(2)


class Backprop(Scene):
    """The whole explainer. `trace` defaults to $MLP_TRACE's (loaded before manim writes anything)."""

    def __init__(self, trace=None, figures=FIGURES, **kwargs):
        self.trace = trace or trace_from_environment()
        self.figures = figures
        self.caption = None  # (words, start time) of the subtitle on screen
        super().__init__(**kwargs)

    def construct(self):
        for name, figure in self.figures:
            self.next_section(name)
            if self.mobjects:
                self.play(FadeOut(*self.mobjects), run_time=0.6)
            figure(self, self.trace)
            self.end_caption()

    def beat(self, seconds=1.0):
        """The pause between two steps of a figure (a slide break in the slides deck)."""
        self.wait(seconds)

    def say(self, words):
        """Subtitle `words` from now until the next say() or the end of the figure (written to the .srt)."""
        self.end_caption()
        self.caption = (words, self.time)

    def end_caption(self):
        """Close the subtitle on screen, first holding the picture until it has been up long enough to read."""
        if self.caption:
            words, start = self.caption
            missing = len(words) / READING_SPEED - (self.time - start)
            if missing > 0.1:
                self.wait(missing)
            self.add_subcaption(words, duration=self.time - start, offset=start - self.time)
            self.caption = None
