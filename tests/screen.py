"""What a frame shows, for the scene tests: the visible text and matrices, each taken whole; and the explainer
built without drawing, for several networks, once per test session."""
import functools
from pathlib import Path

from manim import MathTex, Text, tempconfig

from mlp_core.config import Config
from mlp_core.trace import compute_trace
from scenes.backprop import Backprop
from scenes.mobjects import TraceMatrix

ROOT = Path(__file__).resolve().parents[1]


def on_screen(mobjects, kinds=(MathTex, Text, TraceMatrix)):
    """The visible mobjects of `kinds` among `mobjects` and their descendants, without descending into one found.
    Visible: some part has points and a fill, or a stroke of some width, that is not transparent."""
    found = []

    def visible(part):
        stroked = part.get_stroke_opacity() > 0 and part.get_stroke_width() > 0
        return part.has_points() and (part.get_fill_opacity() > 0 or stroked)

    def visit(mobject):
        if isinstance(mobject, kinds):
            if any(visible(part) for part in mobject.get_family()):
                found.append(mobject)
            return
        for child in mobject.submobjects:
            visit(child)
    for mobject in mobjects:
        visit(mobject)
    return found


class Recorder(Backprop):
    """The explainer's scene, built without drawing: what is on screen at every beat (`shots`: (figure, mobjects)
    pairs) and at the end of every figure (`stills`: figure -> mobjects), and what each figure said (`said`)."""

    def construct(self):
        self.shots, self.stills, self.said = [], {}, {}
        for figure in self.figures:
            self.next_section(figure.name)
            self.section_name = figure.name
            self.said[figure.name] = []
            self.remove(*self.mobjects)
            figure.draw(self, self.trace, figure.words(self.trace))
            self.end_caption()
            self.stills[figure.name] = list(self.mobjects)

    def beat(self, seconds=1.0):
        self.shots.append((self.section_name, list(self.mobjects)))

    def say(self, words):
        self.said[self.section_name].append(words)
        super().say(words)


# Networks the scene tests build (the quality bar: the article's, and others of every kind).
NETWORKS = {
    "article": Config(),
    "no_hidden_layer": Config(hidden=[]),
    "one_hidden_unit": Config(hidden=[1]),
    "deep_relu_cross_entropy": Config(hidden=[4, 3], activation="relu", loss="cross-entropy"),
    "three_tanh_bias_l2": Config(hidden=[2, 2, 2], bias=True, activation="tanh", sample=5, reg=0.01, lr=0.5),
    "wide_batch3": Config(hidden=[6, 5], batch=3),
}


@functools.cache
def explainer(label, directory):
    """The Recorder of every figure of NETWORKS[label], built once per test session (dry run: no frames, no
    video; its subtitle file goes to `directory`)."""
    settings = {"dry_run": True, "media_dir": str(ROOT / "renders"), "output_file": str(Path(directory) / label),
                "verbosity": "WARNING", "progress_bar": "none"}
    with tempconfig(settings):
        scene = Recorder(trace=compute_trace(NETWORKS[label]), voice=None, skip_animations=True)
        scene.render()
    return scene
