"""The forward pass, layer by layer (the article's figures 5-9): zk = h{k-1} Wk, then hk = activation(zk), for
k = 1 .. L (h0 is X), then the loss."""
import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, FadeIn, VGroup, Write

from mlp_core.formatting import format_number, format_operand
from mlp_core.notation import symbol
from scenes import style
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


def product_figure(scene, trace, words, k):
    """zk = h{k-1} Wk (+ bk): the formula, the matrices, then the product entry by entry."""
    precision = style.precision_for(trace)
    name = f"z{k}"
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

    scene.say(words["formula"])
    scene.play(Write(formula), run_time=1.5)
    scene.play(FadeIn(factors, shift=0.2 * DOWN), FadeIn(answer[0]), FadeIn(result.brackets), run_time=1.2)
    scene.beat()
    scene.say(words["first"])
    for step in product.make_entry_animations(*entries[0], anchor=answer, detailed=True):
        scene.play(step)
    scene.beat()
    scene.say(words["rest"])
    for r, c in entries[1:]:
        for step in product.make_entry_animations(r, c, anchor=answer, detailed=False):
            scene.play(step)
    if len(elided_cells(result)):
        scene.play(FadeIn(elided_cells(result)), run_time=0.5)
    scene.play(left.make_clear_highlights_animation(), right.make_clear_highlights_animation(),
               result.make_clear_highlights_animation(), run_time=0.6)
    scene.beat(1.5)
    return result


def activation_figure(scene, trace, words, k):
    """hk = activation(zk): each z of the first row carried through the curve to its h (softmax, which is not
    one curve, written out for the first entry instead); the result boxed."""
    precision = style.precision_for(trace)
    name, z_name = f"h{k}", f"z{k}"
    z_values, h_values = trace.values[z_name], trace.values[name]
    z, h = TraceMatrix(z_values, precision=precision), TraceMatrix(h_values, precision=precision)
    formula = tex(trace.step(name).formula, font_size=style.BODY + 4)
    z_line, h_line = equation(z_name, z), equation(name, h)
    left = VGroup(formula, z_line, h_line).arrange(DOWN, aligned_edge=LEFT, buff=0.6)
    function = trace.step(name).expr["function"]
    if function == "softmax":
        right = softmax_entry(z_values, h_values, k, precision)
    else:
        right = ActivationCurve(function, z_values)
    figure = VGroup(left, right).arrange(RIGHT, buff=0.8)
    fit(figure).move_to(0)
    box = result_box(h_line)

    scene.say(words["formula"])
    scene.play(Write(formula), FadeIn(z_line), run_time=1.5)
    entries = shown_entries(z)
    first_row = [(r, c) for r, c in entries if r == entries[0][0]]
    if function == "softmax":
        scene.play(FadeIn(h_line[0]), FadeIn(h.brackets), run_time=1)
        scene.beat()
        scene.say(words["curve"])
        scene.play(z.make_highlight_animation("row", z.position(*first_row[0])[0]), Write(right), run_time=2)
        scene.play(FadeIn(VGroup(*[h.cell(*h.position(r, c)) for r, c in first_row]), shift=0.2 * DOWN))
    else:
        scene.play(*right.make_draw_animations(), FadeIn(h_line[0]), FadeIn(h.brackets), run_time=1.5)
        scene.beat()
        scene.say(words["curve"])
        previous = None
        for r, c in first_row:
            z_cell, h_cell = z.cell(*z.position(r, c)), h.cell(*h.position(r, c))
            scene.play(z.make_highlight_animation("entry", *z.position(r, c)), run_time=0.3)
            for step in right.make_mapping_animations(z_values[r, c], h_values[r, c], z_cell, h_cell,
                                                      previous_z=previous):
                scene.play(step)
            previous = z_values[r, c]
    rest = VGroup(*[h.cell(*h.position(r, c)) for r, c in entries if (r, c) not in first_row], elided_cells(h))
    if len(rest):
        scene.play(FadeIn(rest, shift=0.2 * DOWN), run_time=1)
    scene.say(words["result"])
    scene.play(z.make_clear_highlights_animation(), FadeIn(box), run_time=1)
    scene.beat(1.5)


def softmax_entry(z, h, k, precision):
    """Softmax for one row, then its first output written out with the trace's numbers:
    (hk)_1 = e^{(zk)_1} / (e^{(zk)_1} + e^{(zk)_2} + ...)."""
    def power(c):
        return rf"e^{{{format_number(z[0, c], precision)}}}"
    def entry(name, index):
        return rf"({symbol(f'{name}{k}')})_{index}"
    shown = list(range(z.shape[1])) if z.shape[1] <= 3 else [0, 1, None, z.shape[1] - 1]
    total = " + ".join(r"\cdots" if c is None else power(c) for c in shown)
    general = tex(rf"{entry('h', 'j')} = \frac{{e^{{{entry('z', 'j')}}}}}{{\sum_i e^{{{entry('z', 'i')}}}}}",
                  font_size=style.BODY)
    numbers = tex(rf"{entry('h', 1)} = \frac{{{power(0)}}}{{{total}}} = {format_number(h[0, 0], precision)}",
                  font_size=style.BODY)
    return VGroup(general, numbers).arrange(DOWN, aligned_edge=LEFT, buff=0.4)


def loss_figure(scene, trace, words):
    """The loss formula, the label against the prediction, the numbers put in, and the loss of this iteration."""
    precision = style.precision_for(trace)
    output = f"h{trace.layers}"
    y, h = trace.values["y"], trace.values[output]
    formula = tex(trace.step("loss").formula, font_size=style.BODY + 4)
    y_line = equation("y", TraceMatrix(y, precision=8))
    h_line = equation(output, TraceMatrix(h, precision=precision))
    rows = VGroup(y_line, h_line).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
    low = min(0.0, float(np.floor(h.min())))  # the activation's lowest value: 0 for sigmoid, -1 for tanh
    gaps = ErrorBars(y[0], h[0], low, name=symbol(output))
    middle = VGroup(rows, gaps).arrange(RIGHT, buff=1.0)
    numbers = tex(loss_with_numbers(trace, y, h, precision), font_size=style.BODY)
    value = tex(r"\mathrm{Loss} = " + format_number(trace.values["loss"], precision), font_size=style.BODY + 4)
    figure = VGroup(formula, middle, numbers, value).arrange(DOWN, buff=0.55)
    fit(figure).move_to(0)
    box = result_box(value)

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


def loss_with_numbers(trace, y, h, precision):
    """The loss with the label and prediction put in (at most four terms written out), and the penalty."""
    n_rows = y.shape[0]
    pairs = [(r, c) for r in range(n_rows) for c in range(y.shape[1])]
    shown = pairs if len(pairs) <= 4 else pairs[:2] + [None] + pairs[-1:]
    if trace.config.loss == "cross-entropy":
        terms = [r"\cdots" if p is None else rf"{format_operand(y[p])} \log {format_operand(h[p], precision)}"
                 for p in shown]
        data = rf"-\frac{{1}}{{{n_rows}}}\left[" + " + ".join(terms) + r"\right]"
    else:
        terms = [r"\cdots" if p is None else f"({format_operand(y[p])} - {format_operand(h[p], precision)})^2"
                 for p in shown]
        data = rf"\frac{{1}}{{2 \cdot {n_rows}}}\left[" + " + ".join(terms) + r"\right]"
    penalty = r"\sum |W|" if trace.config.penalty == "l1" else r"\sum W^2"
    return rf"\mathrm{{Loss}} = {data} + \frac{{{format_number(trace.config.reg)}}}{{2 \cdot {n_rows}}} {penalty}"
