"""Figures 5-9: the forward pass, z1 = X W1, h1 = sigmoid(z1), z2 = h1 W2, h2 = sigmoid(z2), and the loss."""
import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, VGroup, Write

from mlp_core.formatting import format_number, format_operand
from mlp_core.notation import symbol
from scenes import narration, style
from scenes.mobjects import ActivationCurve, ErrorBars, MatrixProduct, TraceMatrix, fit, result_box, tex


def equation(name, matrix):
    """'name = [matrix]' as one row."""
    return VGroup(tex(f"{symbol(name)} ="), matrix).arrange(RIGHT, buff=0.2)


def shown_entries(matrix):
    """Value indices (r, c) of the entries a TraceMatrix shows, row by row."""
    return [(r, c) for r in matrix.rows if r is not None for c in matrix.cols if c is not None]


def elided_cells(matrix):
    """The ellipsis cells of a TraceMatrix."""
    return VGroup(*[matrix.cell(i, j) for i, r in enumerate(matrix.rows) for j, c in enumerate(matrix.cols)
                    if r is None or c is None])


def product_figure(scene, trace, name, captions):
    """name = left right (+ bias): the formula, the matrices, then the product entry by entry."""
    precision = style.precision_for(trace)
    step = trace.step(name)
    left_name, right_name, *bias_name = step.inputs
    left, right, result = (TraceMatrix(trace.values[n], precision=precision) for n in (left_name, right_name, name))
    bias = TraceMatrix(trace.values[bias_name[0]], precision=precision) if bias_name else None
    formula = tex(step.formula, font_size=style.BODY + 4)
    factors = VGroup(tex(f"{symbol(name)} ="), left, right, *([tex("+"), bias] if bias else []))
    factors.arrange(RIGHT, buff=0.2)
    answer = equation(name, result)
    lines = VGroup(formula, factors, answer).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
    fit(lines, height=style.FRAME_HEIGHT - 2.4)
    product = MatrixProduct(left, right, result, bias)
    entries = shown_entries(result)
    lines.move_to((0.6 + product.expression_mobject(*entries[0]).height) / 2 * UP)  # centre lines + the sum

    scene.say(captions[0])
    scene.play(Write(formula), run_time=1.5)
    scene.play(FadeIn(factors, shift=0.2 * DOWN), FadeIn(answer[0]), FadeIn(result.brackets), run_time=1.2)
    scene.beat()
    scene.say(captions[1])
    for step in product.make_entry_animations(*entries[0], anchor=answer, detailed=True):
        scene.play(step)
    scene.beat()
    scene.say(captions[2])
    for r, c in entries[1:]:
        for step in product.make_entry_animations(r, c, anchor=answer, detailed=False):
            scene.play(step)
    if len(elided_cells(result)):
        scene.play(FadeIn(elided_cells(result)), run_time=0.5)
    scene.play(left.make_clear_highlights_animation(), right.make_clear_highlights_animation(),
               result.make_clear_highlights_animation(), run_time=0.6)
    scene.beat(1.5)
    return result


def activation_figure(scene, trace, name, captions):
    """name = activation(z): each z carried through the curve to its h; the result boxed."""
    precision = style.precision_for(trace)
    step = trace.step(name)
    z_name = step.inputs[0]
    z, h = TraceMatrix(trace.values[z_name], precision=precision), TraceMatrix(trace.values[name], precision=precision)
    formula = tex(step.formula, font_size=style.BODY + 4)
    z_line, h_line = equation(z_name, z), equation(name, h)
    left = VGroup(formula, z_line, h_line).arrange(DOWN, aligned_edge=LEFT, buff=0.6)
    curve = ActivationCurve(trace.config.activation, trace.values[z_name])
    figure = VGroup(left, curve).arrange(RIGHT, buff=0.8)
    fit(figure).move_to(0)
    box = result_box(h_line)

    scene.say(captions[0])
    scene.play(Write(formula), FadeIn(z_line), run_time=1.5)
    scene.play(Create(curve.axes), Create(curve.curve), FadeIn(curve[2:]), FadeIn(h_line[0]), FadeIn(h.brackets),
               run_time=1.5)
    scene.beat()
    entries = shown_entries(z)
    first_row = [(r, c) for r, c in entries if r == entries[0][0]]
    scene.say(captions[1])
    previous = None
    for r, c in first_row:
        z_cell, h_cell = z.cell(*z.position(r, c)), h.cell(*h.position(r, c))
        scene.play(z.make_highlight_animation("entry", *z.position(r, c)), run_time=0.3)
        for step in curve.make_mapping_animations(trace.values[z_name][r, c], trace.values[name][r, c], z_cell,
                                                  h_cell, previous_z=previous):
            scene.play(step)
        previous = trace.values[z_name][r, c]
    rest = VGroup(*[h.cell(*h.position(r, c)) for r, c in entries if (r, c) not in first_row], elided_cells(h))
    if len(rest):
        scene.play(FadeIn(rest, shift=0.2 * DOWN), run_time=1)
    scene.say(captions[2])
    scene.play(z.make_clear_highlights_animation(), FadeIn(box), run_time=1)
    scene.beat(1.5)


def figure_5_z1(scene, trace):
    product_figure(scene, trace, "z1", list(narration.figure(trace, 5).values()))


def figure_6_h1(scene, trace):
    activation_figure(scene, trace, "h1", list(narration.figure(trace, 6).values()))


def figure_7_z2(scene, trace):
    product_figure(scene, trace, "z2", list(narration.figure(trace, 7).values()))


def figure_8_h2(scene, trace):
    activation_figure(scene, trace, "h2", list(narration.figure(trace, 8).values()))


def figure_9_loss(scene, trace):
    """The loss formula, the label against the prediction, the numbers put in, and the loss of this iteration."""
    precision = style.precision_for(trace)
    y, h2 = trace.values["y"], trace.values["h2"]
    formula = tex(trace.step("loss").formula, font_size=style.BODY + 4)
    y_line = equation("y", TraceMatrix(y, precision=8))
    h2_line = equation("h2", TraceMatrix(h2, precision=precision))
    rows = VGroup(y_line, h2_line).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
    low = min(0.0, float(np.floor(h2.min())))  # the activation's lowest value: 0 for sigmoid, -1 for tanh
    gaps = ErrorBars(y[0], h2[0], low)
    middle = VGroup(rows, gaps).arrange(RIGHT, buff=1.0)

    n_rows = y.shape[0]
    pairs = [(r, c) for r in range(n_rows) for c in range(y.shape[1])]
    shown = pairs if len(pairs) <= 4 else pairs[:2] + [None] + pairs[-1:]
    terms = [r"\cdots" if p is None else f"({format_operand(y[p])} - {format_operand(h2[p], precision)})^2"
             for p in shown]
    reg = format_number(trace.config.reg)
    penalty = r"\sum |W|" if trace.config.penalty == "l1" else r"\sum W^2"
    numbers = tex(rf"\mathrm{{Loss}} = \frac{{1}}{{2 \cdot {n_rows}}}\left[" + " + ".join(terms) + r"\right]"
                  + rf" + \frac{{{reg}}}{{2 \cdot {n_rows}}} {penalty}", font_size=style.BODY)
    value = tex(r"\mathrm{Loss} = " + format_number(trace.values["loss"], precision), font_size=style.BODY + 4)
    figure = VGroup(formula, middle, numbers, value).arrange(DOWN, buff=0.55)
    fit(figure).move_to(0)
    box = result_box(value)

    words = narration.figure(trace, 9)
    scene.say(words["formula"])
    scene.play(Write(formula), run_time=2)
    scene.beat()
    scene.say(words["gaps"])
    scene.play(FadeIn(rows), run_time=1)
    for step in gaps.make_reveal_animations():
        scene.play(step)
    scene.beat()
    scene.say(words["numbers"])
    scene.play(Write(numbers), run_time=2.5)
    scene.beat()
    scene.say(words["value"])
    scene.play(FadeIn(box), Write(value), run_time=1.5)
    scene.beat(1.5)
