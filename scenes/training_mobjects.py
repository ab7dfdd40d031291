"""Mobjects of the training videos, drawn from a training Run (mlp_core.train): the figure 20-22 layout.

A TrainingDashboard is the article's frame: accuracy curve (left), decision boundary over the 300 points
(centre), loss curve (right), "Step = k" and a line "Batch #  Accuracy  Loss value" above. It shows the run
as it was after any iteration t (`show_iteration(t)`); `make_training_animation` sweeps t over the run.

What is on screen counts as the article does, from 0: batch # i is the run's iteration i + 1 (its loss is
run.loss[i]), the curves plot batch # on their x axes, and Step = k is snapshot k, taken after batch #
(k + 1) * every - 1. Only arguments (t, run.diverged_at, snapshot.iteration) count iterations from 1, as
mlp_core.train does.
Speed decides the pieces: the boundary is one ImageMobject whose pixels are swapped (not a grid of squares),
the curves are precomputed vertices cut at t (not redrawn), numbers are assembled from glyph outlines
rendered once (a Pango Text per frame costs 20-100 ms), and only what changes is redrawn per frame.
"""
from functools import partial

import numpy as np
from PIL import Image, ImageDraw
from manim import (DOWN, LEFT, RIGHT, UP, DashedLine, Group, ImageMobject, Line, Rectangle, Text,
                   UpdateFromAlphaFunc, VGroup, VMobject, linear)
from manim.utils.color import ManimColor

from mlp_core.formatting import format_number
from mlp_core.train import network_words
from scenes import mobjects
from scenes.style import BACKWARD, FORWARD, INK, PAPER, SMALL

CURVE = FORWARD  # the article's curves are plain blue
CLASS_FILL = ("#a6cee3", "#b15928")  # predicted class 0, 1: matplotlib's "Paired", as in the article
CLASS_POINT = ("#9e0142", "#5e4fa2")  # true class 0, 1: matplotlib's "Spectral" ends, as in the article
DIVERGED = BACKWARD
FONT, MONO = "DejaVu Sans", "DejaVu Sans Mono"  # matplotlib's, as in the article's plots
label = partial(mobjects.label, font=FONT)
CURVE_POINTS = 800  # at most this many vertices per curve; longer series keep each bucket's min and max
PANELS = ("accuracy", "boundary", "loss")  # the article's frame, left to right


def nice_ticks(low, high, most=5):
    """Tick values 1, 2 or 5 times a power of ten inside [low, high] (at most about `most`), and their decimals."""
    raw = (high - low) / most
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    decimals = max(0, int(-np.floor(np.log10(step))))
    ticks = np.arange(np.ceil(low / step) * step, high + step * 1e-9, step)
    return np.round(ticks, decimals), decimals


def number_text(value, precision):
    """A value as the article prints it (format_number); from a million on, 4 significant digits and an exponent."""
    if np.isfinite(value) and abs(value) >= 1e6:
        return f"{value:.4g}"
    return format_number(value, precision)


def padded_range(*series):
    """(low, high) over the finite values of the series, with a margin so that no curve touches the frame."""
    finite = np.concatenate([np.asarray(v, dtype=float)[np.isfinite(v)] for v in series])
    low, high = (finite.min(), finite.max()) if len(finite) else (0.0, 1.0)
    pad = (high - low) * 0.06 or max(abs(high) * 0.05, 0.01)
    return low - pad, high + pad


def iteration_text(value, decimals):
    """An axis label for an iteration count: thousands as '50k' so that labels fit under narrow panels."""
    if value >= 1000 and value % 1000 == 0:
        return f"{format_number(value / 1000, 0)}k"
    return format_number(value, decimals)


def in_frame(frame, fx, fy):
    """Scene points at fractions (fx, fy) of a rectangle's width and height from its lower left corner."""
    origin = frame.get_corner(DOWN + LEFT)
    return np.column_stack([origin[0] + fx * frame.width, origin[1] + fy * frame.height, np.zeros(len(fx))])


def decimate(x, y, most=CURVE_POINTS):
    """Indices of the points to draw: all of them, or the first, the last (the curve spans the whole run) and per
    bucket of equal width the min and the max, in order."""
    if len(x) <= most:
        return np.arange(len(x))
    buckets = np.array_split(np.arange(len(x)), (most - 2) // 2)
    keep = {0, len(x) - 1}.union(*({b[np.argmin(y[b])], b[np.argmax(y[b])]} for b in buckets))
    return np.array(sorted(keep))


class GlyphNumber(VGroup):
    """A short monospaced string (a number) assembled from glyphs rendered once, so it can change every frame.

    An invisible ruler along the baseline, `cells` characters long, is part of the mobject: moving or scaling
    the number moves the ruler, and new glyphs are placed and sized along it.
    """

    ALPHABET = "0123456789.-+naife"  # no descenders: the sample's bottom is the baseline

    def __init__(self, cells=8, font_size=24, color=INK):
        super().__init__()
        self.color = color
        sample = Text(self.ALPHABET, font=MONO, font_size=font_size, color=color)
        centres = [glyph.get_center() for glyph in sample.submobjects]
        self.advance = (centres[-1][0] - centres[0][0]) / (len(self.ALPHABET) - 1)
        start = np.array([centres[0][0] - self.advance / 2, sample.get_bottom()[1], 0.0])
        # each glyph's outline around its centre, and its centre within its cell (plain arrays: cheap to copy)
        self.templates = {
            char: (glyph.points - glyph.get_center(), glyph.get_center() - start - i * self.advance * RIGHT)
            for i, (char, glyph) in enumerate(zip(self.ALPHABET, sample.submobjects))}
        self.length = cells * self.advance
        self.ruler = Line(start, start + self.length * RIGHT, stroke_width=0)
        self.glyphs = VGroup()
        self.add(self.ruler, self.glyphs)
        self.text = None

    def set_text(self, text):
        """Show `text`, left-aligned on the ruler."""
        if text == self.text:
            return self
        self.text = text
        start = self.ruler.get_start()
        scale = np.linalg.norm(self.ruler.get_end() - start) / self.length
        glyphs = []
        for i, char in enumerate(text):
            outline, offset = self.templates[char]
            centre = start + scale * (offset + i * self.advance * RIGHT)
            glyphs.append(VMobject(fill_color=self.color, fill_opacity=1, stroke_width=0)
                          .set_points(outline * scale + centre))
        self.glyphs.submobjects = glyphs
        return self


class CurvePanel(VGroup):
    """A framed plot of one per-iteration series (accuracy or loss) against batch # (values[i] at i), revealed up
to any iteration."""

    def __init__(self, values, title, y_label, width=3.6, height=3.0, x_max=None, y_range=None, font_size=SMALL):
        super().__init__()
        values = np.asarray(values, dtype=float)
        batches = np.arange(len(values))
        finite = np.isfinite(values)
        self.x_max = x_max or max(len(values), 1)
        self.y_range = y_range or padded_range(values)
        self.frame = Rectangle(width=width, height=height, color=INK, stroke_width=1.5)
        self.add(self.frame)
        self.add(*self._ticks(font_size))
        self.x_label = label("Batch #", font_size=font_size)
        self.x_label.next_to(self.tick_labels_x, DOWN, buff=0.1)
        self.y_label = label(y_label, font_size=font_size).rotate(np.pi / 2)
        self.y_label.next_to(self.tick_labels_y, LEFT, buff=0.12)
        self.add(self.x_label, self.y_label)
        if title:
            self.add(label(title, font_size=font_size + 4).next_to(self.frame, UP, buff=0.12))
        keep = decimate(batches[finite], values[finite])
        self.series = batches[finite][keep], values[finite][keep]
        self.curve = VMobject(color=CURVE, stroke_width=2.5)
        self.add(self.curve)

    def to_points(self, x, y):
        """Scene points of data (batch #, value) pairs."""
        fx = np.asarray(x, dtype=float) / self.x_max
        fy = (np.asarray(y, dtype=float) - self.y_range[0]) / (self.y_range[1] - self.y_range[0])
        return in_frame(self.frame, fx, fy)

    def from_points(self, points):
        """Data (batch #, value) of scene points: the inverse of to_points (tests read the plot back with it)."""
        origin = self.frame.get_corner(DOWN + LEFT)
        x = (points[:, 0] - origin[0]) / self.frame.width * self.x_max
        y = self.y_range[0] + (points[:, 1] - origin[1]) / self.frame.height * (self.y_range[1] - self.y_range[0])
        return x, y

    def plotted_series(self):
        """(batch numbers, values) at the vertices of the curve as drawn now, read back from its points."""
        points = self.curve.points
        if len(points) == 0:
            return np.array([]), np.array([])
        return self.from_points(np.vstack([points[::4], points[-1:]]))

    def show_iteration(self, t):
        """Draw the curve after t iterations, up to batch # t - 1 (its precomputed vertices, cut), as the series
        grows in training."""
        shown = int(np.searchsorted(self.series[0], t - 1, side="right"))
        if shown < 2:
            self.curve.clear_points()
        else:
            self.curve.set_points_as_corners(self.to_points(self.series[0][:shown], self.series[1][:shown]))
        return self

    def mark_batch(self, batch, color=DIVERGED):
        """A dashed vertical line at batch # `batch` (where the run diverged)."""
        x = self.to_points([min(batch, self.x_max)], [self.y_range[0]])[0][0]
        return DashedLine([x, self.frame.get_bottom()[1], 0], [x, self.frame.get_top()[1], 0], color=color)

    def _ticks(self, font_size):
        x_ticks, x_decimals = nice_ticks(0, self.x_max, most=max(2, int(self.frame.width / 0.9)))
        y_ticks, y_decimals = nice_ticks(*self.y_range, most=min(5, max(2, int(self.frame.height / 0.35))))
        marks, x_labels, y_labels = VGroup(), VGroup(), VGroup()
        for x in x_ticks:
            p = self.to_points([x], [self.y_range[0]])[0]
            marks.add(Line(p, p + 0.08 * DOWN, color=INK, stroke_width=1.5))
            x_labels.add(label(iteration_text(x, x_decimals), font_size=font_size)
                         .next_to(p, DOWN, buff=0.12))
        for y in y_ticks:
            p = self.to_points([0], [y])[0]
            marks.add(Line(p, p + 0.08 * LEFT, color=INK, stroke_width=1.5))
            y_labels.add(label(number_text(y, y_decimals), font_size=font_size)
                         .next_to(p, LEFT, buff=0.12))
        self.tick_labels_x, self.tick_labels_y = x_labels, y_labels
        return marks, x_labels, y_labels


class BoundaryPanel(Group):
    """The plane coloured by predicted class with the 300 data points on it, as one image whose pixels are
    replaced per snapshot. The points are painted into the image (once, as a transparent layer): drawn as
    vectors over a changing image they would be redrawn every frame, the largest cost of a frame."""

    PIXELS_PER_UNIT = 135  # 1080p: the image is as sharp as the screen at -qh

    def __init__(self, run, height=3.0, font_size=SMALL, dot_radius=0.035, axis_names=True):
        super().__init__()
        self.run = run
        dx, dy = run.grid_x[1] - run.grid_x[0], run.grid_y[1] - run.grid_y[0]
        self.x_range = (run.grid_x[0] - dx / 2, run.grid_x[-1] + dx / 2)
        self.y_range = (run.grid_y[0] - dy / 2, run.grid_y[-1] + dy / 2)
        width = height * (self.x_range[1] - self.x_range[0]) / (self.y_range[1] - self.y_range[0])
        self.size = (round(width * self.PIXELS_PER_UNIT), round(height * self.PIXELS_PER_UNIT))
        self.palette = np.array([ManimColor(c).to_int_rgb() for c in CLASS_FILL], dtype=np.uint8)
        self.points_layer = self._points_layer(dot_radius * self.PIXELS_PER_UNIT)
        self.image = ImageMobject(self._compose(None))
        self.image.stretch_to_fit_width(width).stretch_to_fit_height(height)
        self.frame = Rectangle(width=width, height=height, color=INK, stroke_width=1.5).move_to(self.image)
        self.message = VGroup()
        self.add(self.image, self.frame, *self._ticks(font_size, axis_names), self.message)
        self.shown = None

    def _points_layer(self, radius, supersample=4):
        """The data points, coloured by true class, on a transparent RGBA layer the size of the image."""
        width, height = self.size[0] * supersample, self.size[1] * supersample
        layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        fx = (self.run.X[:, 0] - self.x_range[0]) / (self.x_range[1] - self.x_range[0]) * width
        fy = (self.y_range[1] - self.run.X[:, 1]) / (self.y_range[1] - self.y_range[0]) * height  # rows top down
        r = radius * supersample
        for x, y, true_class in zip(fx, fy, np.argmax(self.run.y, axis=1)):
            draw.ellipse([x - r, y - r, x + r, y + r], fill=CLASS_POINT[true_class])
        return layer.resize(self.size, Image.Resampling.LANCZOS)  # smooth edges

    def _compose(self, classes):
        """RGBA pixels: the classes (None: white) scaled to the image, the points layer over them."""
        if classes is None:
            plane = Image.new("RGBA", self.size, PAPER)
        else:
            small = Image.fromarray(self.palette[np.asarray(classes)[::-1]])  # image rows top down, grid_y ascends
            plane = small.resize(self.size, Image.Resampling.BILINEAR).convert("RGBA")
        return np.array(Image.alpha_composite(plane, self.points_layer))

    def to_points(self, xy):
        """Scene points of data coordinates (rows of x1, x2)."""
        fx = (xy[:, 0] - self.x_range[0]) / (self.x_range[1] - self.x_range[0])
        fy = (xy[:, 1] - self.y_range[0]) / (self.y_range[1] - self.y_range[0])
        return in_frame(self.frame, fx, fy)

    def show_snapshot(self, index):
        """Colour the plane by the predicted classes of snapshot `index` (None: before the first snapshot)."""
        if index == self.shown:
            return self
        self.shown = index
        self.message.submobjects = []
        self.image.pixel_array = self._compose(None if index is None else self.run.snapshots[index].classes)
        return self

    def show_diverged(self, batch, font_size=SMALL):
        """Replace the boundary with a statement: after a non-finite loss (at batch # `batch`) the weights predict
        nothing."""
        self.shown = "diverged"
        self.image.pixel_array = self._compose(None)
        text = label(f"Diverged:\nloss not finite\nat batch # {batch}", font_size=font_size, color=DIVERGED,
                     line_spacing=0.8)
        background = Rectangle(width=text.width + 0.3, height=text.height + 0.3, color=DIVERGED,
                               fill_color=PAPER, fill_opacity=0.92, stroke_width=2)
        message = VGroup(background, text)
        message.scale(min(1.0, 0.92 * self.frame.width / message.width))
        self.message.submobjects = [message.move_to(self.frame)]
        return self

    def _ticks(self, font_size, axis_names=True):
        marks, axis_labels = VGroup(), []
        for axis, ((low, high), direction) in enumerate(((self.x_range, DOWN), (self.y_range, LEFT))):
            ticks, decimals = nice_ticks(low, high, most=4)
            labels = VGroup()
            for value in ticks:
                xy = [value, self.y_range[0]] if axis == 0 else [self.x_range[0], value]
                p = self.to_points(np.array([xy]))[0]
                marks.add(Line(p, p + 0.08 * direction, color=INK, stroke_width=1.5))
                labels.add(label(number_text(value, decimals), font_size=font_size)
                           .next_to(p, direction, buff=0.12))
            axis_labels.append(labels)
        if not axis_names:
            return marks, *axis_labels
        x_name = label("X[0]", font_size=font_size).next_to(axis_labels[0], DOWN, buff=0.1)
        y_name = label("X[1]", font_size=font_size).rotate(np.pi / 2)
        y_name.next_to(axis_labels[1], LEFT, buff=0.12)
        return marks, *axis_labels, x_name, y_name


class StepHeader(VGroup):
    """'Step = k' over a line of named values: 'Batch #: i   Accuracy: a   Loss value: l' in the article."""

    def __init__(self, names=("Batch #:", "Accuracy:", "Loss value:"), cells=(7, 6, 7), font_size=24):
        super().__init__()
        step_label = label("Step =", font_size=font_size + 10)
        self.step = GlyphNumber(cells=3, font_size=font_size + 10)
        self.step.next_to(step_label, RIGHT, buff=0.6 * self.step.advance).align_to(step_label[0], DOWN)
        labels = [label(name, font_size=font_size) for name in names]
        self.values = [GlyphNumber(cells=n, font_size=font_size) for n in cells]  # room enough not to jitter
        pairs = VGroup(*[VGroup(name, value.next_to(name, RIGHT, buff=0.6 * value.advance))
                         for name, value in zip(labels, self.values)])
        pairs.arrange(RIGHT, buff=2.5 * self.values[0].advance)
        baseline = labels[0][0].get_bottom()[1]  # first letters are capitals, sitting on the baseline
        for name, value in zip(labels, self.values):
            name.shift((baseline - name[0].get_bottom()[1]) * UP)
            value.shift((baseline - value.ruler.get_y()) * UP)
        title = VGroup(step_label, self.step)
        self.add(title, pairs.next_to(title, DOWN, buff=0.2))

    def show(self, step, values):
        """Set the step (None before the first snapshot: '-' everywhere) and the line's values (strings)."""
        if step is None:
            values = ["-"] * len(self.values)
        self.step.set_text("-" if step is None else str(step))
        for glyphs, text in zip(self.values, values):
            glyphs.set_text(text)
        return self


class TrainingDashboard(Group):
    """The panels (and the step header) for one run, showing the run as it was after any iteration.

    panels: which of "accuracy", "boundary", "loss", in order; side by side as in the article, or stacked (a
    column: the boundary panel_height high, the curves curve_height; without the curves' titles and the
    boundary's axis names, for room)."""

    def __init__(self, run, panel_height=3.2, curve_width=None, font_size=SMALL, header=True, x_max=None,
                 accuracy_range=None, loss_range=None, panels=PANELS, stacked=False, curve_height=None):
        super().__init__()
        unknown = set(panels) - set(PANELS)
        if unknown or not panels:
            raise ValueError(f"panels must be some of {PANELS}, got {panels!r}")
        self.run = run
        self.snapshot_iterations = np.array([s.iteration for s in run.snapshots], dtype=int)
        x_max = x_max or run_length(run)
        size = dict(width=curve_width or panel_height, height=curve_height or panel_height, x_max=x_max,
                    font_size=font_size)

        def curve(name, values, title, y_label, y_range):
            return CurvePanel(values, None if stacked else title, y_label, y_range=y_range, **size) \
                if name in panels else None
        self.accuracy = curve("accuracy", run.accuracy, "Accuracy estimation", "Accuracy", accuracy_range)
        self.boundary = (BoundaryPanel(run, height=panel_height, font_size=font_size, axis_names=not stacked)
                         if "boundary" in panels else None)
        self.loss = curve("loss", run.loss, "Loss estimation", "Loss", loss_range)
        self.curves = [panel for panel in (self.accuracy, self.loss) if panel is not None]
        built = {"accuracy": self.accuracy, "boundary": self.boundary, "loss": self.loss}
        self.panels = Group(*[built[name] for name in panels]).arrange(DOWN if stacked else RIGHT,
                                                                         buff=0.25 if stacked else 0.7)
        first = self.panels[0].frame
        for panel in self.panels[1:]:  # frames level with each other as in the article, or one above the other
            if stacked:
                panel.shift((first.get_x() - panel.frame.get_x()) * RIGHT)
            else:
                panel.shift((first.get_y() - panel.frame.get_y()) * UP)
        self.add(self.panels)
        self.header = StepHeader(font_size=font_size + 4) if header else None
        if self.header:
            self.add(self.header.next_to(self.panels, UP, buff=0.3))
        self.marks = VGroup()
        # What changes during training, added again last: manim keeps a mobject's last place in the drawing
        # order, so the rest is drawn once into the static background and only these are redrawn per frame.
        self.dynamic = Group(*[panel.curve for panel in self.curves], self.marks)
        if self.boundary:
            self.dynamic.add(self.boundary.image, self.boundary.frame, self.boundary.message)
        if self.header:
            self.dynamic.add(self.header.step, *self.header.values)
        self.add(self.dynamic)
        self.show_iteration(0)

    def step_at(self, t):
        """Index of the last snapshot taken at or before iteration t and before any divergence (None: none)."""
        last = t if self.run.diverged_at is None else min(t, self.run.diverged_at - 1)
        index = int(np.searchsorted(self.snapshot_iterations, last, side="right")) - 1
        return index if index >= 0 else None

    def show_iteration(self, t):
        """After t iterations: curves up to batch # t - 1, the boundary and numbers of the latest snapshot;
        divergence once reached."""
        for panel in self.curves:
            panel.show_iteration(t)
        index = self.step_at(t)
        diverged = self.run.diverged_at is not None and t >= self.run.diverged_at
        if diverged and len(self.marks) == 0:
            batch = self.run.diverged_at - 1  # the batch # of the first non-finite loss
            self.marks.add(*[panel.mark_batch(batch) for panel in reversed(self.curves)])
            if self.boundary:
                self.boundary.show_diverged(batch)
        elif not diverged:
            self.marks.submobjects = []
            if self.boundary:
                self.boundary.show_snapshot(index)
        if self.header:
            self.header.show(*self.header_values(index))
        return self

    def header_values(self, index, precision=4):
        """Step and [batch #, accuracy, loss] texts of snapshot `index`, counted from 0 as the article does:
        step k is snapshot k, taken after batch # (k + 1) * every - 1 (its iteration, counted from 1, less 1)."""
        if index is None:
            return None, []
        s = self.run.snapshots[index]
        return index, [str(s.iteration - 1), number_text(s.accuracy, precision), number_text(s.loss, precision)]

    def make_training_animation(self, run_time=10.0):
        """Sweep the iterations of the run linearly over run_time: curves grow, boundary and numbers follow."""
        end = run_length(self.run)
        return UpdateFromAlphaFunc(self.dynamic, lambda m, a: self.show_iteration(a * end),
                                   run_time=run_time, rate_func=linear)


class SeveralRuns(Group):
    """Several runs drawn side by side, swept together up to the longest (x_max); each subclass builds `dynamic`
    (what changes with the iteration), `outcomes` (hidden until the end) and `show_iteration(t)`."""

    def make_training_animation(self, run_time=10.0):
        return UpdateFromAlphaFunc(self.dynamic, lambda m, a: self.show_iteration(a * self.x_max),
                                   run_time=run_time, rate_func=linear)

    def make_outcome_animation(self):
        return self.outcomes.animate.set_opacity(1)


class ComparisonBoard(SeveralRuns):
    """Runs in rows, each a captioned dashboard with its measured outcome below (hidden until
    `make_outcome_animation`), under one step counter; the rows are swept together, on the same axes.

    side_by_side: the runs in columns instead, each dashboard's panels stacked (TrainingDashboard's `panels`,
    boundary panel_height high, curves curve_height wide and high). outcomes: the texts below the runs (default
    outcome_text). title: a mobject beside the step counter, left of it."""

    def __init__(self, runs, captions, outcomes=None, panel_height=2.0, font_size=SMALL, side_by_side=False,
                 panels=PANELS, curve_height=None, curve_width=None, title=None):
        super().__init__()
        self.x_max = max(run_length(run) for run in runs)
        shared = dict(x_max=self.x_max, accuracy_range=padded_range(*[run.accuracy for run in runs]),
                      loss_range=padded_range(*[run.loss for run in runs]))  # same axes: compare by eye
        shape = dict(curve_width=curve_width or (1 if side_by_side else 1.9) * panel_height,
                     curve_height=curve_height, stacked=side_by_side)
        self.rows = [TrainingDashboard(run, panel_height=panel_height, font_size=font_size, header=False,
                                       panels=panels, **shape, **shared) for run in runs]
        self.longest = max(self.rows, key=lambda row: len(row.run.snapshots))
        self.header = StepHeader(names=("Batch #:",), cells=(7,), font_size=font_size)
        outcomes = [outcome_text(run) for run in runs] if outcomes is None else outcomes
        self.outcomes = VGroup(*[label(text, font_size=font_size, line_spacing=0.8) for text in outcomes])
        self.outcomes.set_opacity(0)
        self.captions = VGroup(*[label(caption, font_size=font_size + 2, line_spacing=0.8) for caption in captions])
        lines = Group(*[Group(caption, row, outcome).arrange(DOWN, buff=0.15)
                        for caption, row, outcome in zip(self.captions, self.rows, self.outcomes)])
        if side_by_side:
            lines.arrange(RIGHT, buff=0.6, aligned_edge=UP)
            level = self.rows[0].panels[0].frame.get_y()
            for line, row in zip(lines, self.rows):  # frames level even under captions of more lines
                line.shift((level - row.panels[0].frame.get_y()) * UP)
        else:
            lines.arrange(DOWN, buff=0.3)
        top = self.header if title is None else Group(title, self.header).arrange(RIGHT, buff=0.8)
        self.add(top, lines.next_to(top, DOWN, buff=0.2))
        self.dynamic = Group(*[row.dynamic for row in self.rows], self.header.step, *self.header.values)
        self.add(self.dynamic)
        self.show_iteration(0)

    def show_iteration(self, t):
        for row in self.rows:
            row.show_iteration(t)
        step, values = self.longest.header_values(self.longest.step_at(t))
        self.header.show(step, values[:1])
        return self


class RemedyGrid(SeveralRuns):
    """Loss curves of several runs in a grid, each under its caption, its measured outcome below (hidden until
    `make_outcome_animation`)."""

    def __init__(self, runs, captions, columns=3, panel_height=1.8, font_size=SMALL):
        super().__init__()
        self.x_max = max(run_length(run) for run in runs)
        self.panels = [CurvePanel(run.loss, None, "Loss", width=panel_height * 1.5, height=panel_height,
                                  x_max=self.x_max, font_size=font_size) for run in runs]
        self.outcomes = VGroup(*[label(outcome_text(run, short=True), font_size=font_size, line_spacing=0.8)
                                 for run in runs]).set_opacity(0)
        cells = Group(*[Group(label(caption, font_size=font_size + 2), panel, outcome).arrange(DOWN, buff=0.15)
                        for caption, panel, outcome in zip(captions, self.panels, self.outcomes)])
        self.add(cells.arrange_in_grid(cols=columns, buff=(0.5, 0.35)))
        self.dynamic = Group(*[panel.curve for panel in self.panels])
        self.add(self.dynamic)
        self.show_iteration(0)

    def show_iteration(self, t):
        for panel in self.panels:
            panel.show_iteration(t)
        return self


def run_length(run):
    """Iterations the run recorded."""
    return len(run.loss)


def settings_text(run):
    """The run's settings in the article's symbols, from its config and options: the network in words
    (mlp_core.train.network_words: '50 hidden units' for the article's, '8, 8 hidden units (relu), softmax output,
    cross-entropy, biases, spiral data'), α, λ and the remedies."""
    config, options = run.config, run.options
    parts = [network_words(config), f"α = {format_number(config.lr)}",
             f"λ = {format_number(config.reg)}" + (" (L1)" if config.penalty == "l1" else "")]
    if options.decay != "none":
        parts.append(f"α decay {options.decay} {format_number(options.decay_rate)}")
    if options.clip != "none":
        parts.append(f"clip by {options.clip} at {format_number(options.clip_at)}")
    return ", ".join(parts)


def outcome_text(run, precision=4, short=False):
    """What the run did, measured: where it diverged, or its lowest loss and where the loss ended, at batch
    numbers counted from 0 as on the rest of the screen (run.loss[i] is batch # i). A rise from the lowest loss
    too small to show at `precision` is not announced. short: two brief lines, for a small panel."""
    last_batch, d = run_length(run) - 1, run.diverged_at
    if d is not None:
        if short:
            return f"diverged: loss not finite\nat batch # {d - 1}"
        last = "none" if run.last_finite_loss is None else number_text(run.last_finite_loss, precision)
        return f"diverged: loss not finite at batch # {d - 1} (last finite loss {last})"
    low_batch = run.lowest_loss_at - 1
    low, final = (number_text(v, precision) for v in (run.loss[low_batch], run.loss[-1]))
    accuracy = "" if short else f"; accuracy {number_text(run.accuracy[-1], precision)}"
    if low_batch < last_batch and low == final:  # a rise too small to show at this precision
        if short:
            return f"falls to {final}\nat batch # {last_batch}"
        return f"loss falls to {final} at batch # {last_batch}{accuracy}"
    if low_batch < last_batch:
        rise = format_number(100 * (run.loss[-1] / run.loss[low_batch] - 1), 1)
        if short:
            return f"lowest {low} at batch # {low_batch}\nthen {final} at batch # {last_batch} (+{rise}%)"
        return f"lowest loss {low} at batch # {low_batch}, then {final} at batch # {last_batch} (+{rise}%){accuracy}"
    if short:
        return f"falls to {final} at batch # {last_batch},\nits lowest"
    return f"loss falls to {final} at batch # {last_batch}, its lowest{accuracy}"
