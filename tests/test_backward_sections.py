"""The backward pass's figures (the article's 10-17, four per layer), the copy and the code build for several
networks, deep ones too, in dry-run mode.

What is on screen at every beat is read back from the mobjects: the gradients and updates shown agree with
the factors shown (worked again here from the displayed numbers), the article's figures show its printed
numbers (and the corrected ones where it misprinted, worked by hand from its own inputs), errata notes
appear for the article's example only, and nothing leaves the frame.
"""
import numpy as np
import pytest
from manim import Code, MathTex, Text

from mlp_core.article import PRINTED
from mlp_core.config import Config
from mlp_core.trace import compute_trace
from scenes import style
from scenes.mobjects import TraceMatrix
from scenes.sections.ending import code_blocks
from screen import NETWORKS, explainer, on_screen

BACKWARD = ("chain_w", "path_w", "factors_w", "update_w", "copy", "code")
HALF_WIDTH, HALF_HEIGHT = 14.22 / 2, 8.0 / 2


@pytest.fixture(scope="module", params=list(NETWORKS))
def built(request, tmp_path_factory):
    """(label, trace, shots): what is on screen at every beat of the backward pass's figures, the copy and the
    code, for the network NETWORKS[label] (the explainer built without drawing, tests/screen.py)."""
    scene = explainer(request.param, tmp_path_factory.getbasetemp())
    return request.param, scene.trace, [(fig, mobjects) for fig, mobjects in scene.shots if fig[3:].startswith(BACKWARD)]


def family(mobjects):
    return [m for mobject in mobjects for m in mobject.get_family()]


def numbers(matrix):
    """The numbers a TraceMatrix displays (NaN at an ellipsis), read from its entries' MathTex."""
    return np.array([[float(matrix.cell(i, j).get_tex_string()) if r is not None and c is not None else np.nan
                      for j, c in enumerate(matrix.cols)] for i, r in enumerate(matrix.rows)])


def displayed(shots, figure, trace, name):
    """The TraceMatrix showing trace value `name` in `figure` (at its latest beat on screen), and its numbers."""
    value = np.atleast_2d(trace.values[name])
    for fig, mobjects in reversed(shots):
        for m in on_screen(mobjects) if fig == figure else ():
            if isinstance(m, TraceMatrix) and m.value.shape == value.shape and np.array_equal(m.value, value):
                return m, numbers(m)
    raise AssertionError(f"{name} is never on screen in {figure}")


def texts(shots, figure):
    return [m.text for fig, mobjects in shots if fig == figure for m in on_screen(mobjects) if isinstance(m, Text)]


def test_every_matrix_shows_trace_numbers_at_the_shown_precision(built):
    label, trace, shots = built
    precision = style.precision_for(trace)
    checked = 0
    for figure, mobjects in shots:
        for m in on_screen(mobjects):
            if isinstance(m, TraceMatrix):
                assert m.precision == precision
                assert any(np.array_equal(m.value, np.atleast_2d(v)) for v in trace.values.values()), figure
                shown_numbers = numbers(m)
                expected = m.value[np.ix_([r for r in m.rows if r is not None], [c for c in m.cols if c is not None])]
                visible = shown_numbers[~np.isnan(shown_numbers)].reshape(expected.shape)
                assert np.all(np.abs(visible - expected) <= 0.5 * 10.0 ** -precision + 1e-12), figure
                checked += visible.size
    assert checked > 50


def update_figures(shots):
    """{k: the name of layer k's update figure} among the figures built."""
    return {int(fig.rsplit("_w", 1)[1]): fig for fig, _ in shots if "_update_w" in fig}


def test_every_layer_has_its_four_figures_from_the_output_down(built):
    label, trace, shots = built
    built_names = list(dict.fromkeys(fig for fig, _ in shots))
    expected = [f"{kind}_w{k}" for k in range(trace.layers, 0, -1) for kind in ("chain", "path", "factors", "update")]
    assert [name[3:] for name in built_names if "_w" in name] == expected


def test_gradient_and_update_agree_with_the_factors_on_screen(built):
    """Worked again from the displayed factors, for every layer: dLoss/dWk = input^T (dLoss/dhk * dhk/dzk), or
    input^T dLoss/dzk for softmax with cross-entropy; Wk* = Wk - alpha dLoss/dWk."""
    label, trace, shots = built
    for k, figure in update_figures(shots).items():
        check_gradient_and_update(trace, shots, k, figure)


def check_gradient_and_update(trace, shots, k, figure):
    gradient, update, weights = f"dL_dW{k}", f"W{k}_new", f"W{k}"
    precision = style.precision_for(trace)
    source, *upstream = [name for name in trace.step(gradient).inputs if name.startswith("d")]
    _, new = displayed(shots, figure, trace, update)
    _, old = displayed(shots, figure, trace, weights)
    # The factors as displayed: elided rows/columns (NaN) line up with the gradient's, and stay NaN.
    factors = {name: displayed(shots, figure, trace, name)[1] for name in (source, *upstream)}
    by_hand = factors[source].T @ np.prod([factors[name] for name in upstream], axis=0)
    if trace.config.reg:
        by_hand = by_hand + trace.config.reg / factors[source].shape[0] * old
    # Each entry sums N (batch rows) products of three numbers, each rounded to the shown precision.
    largest = max(np.nanmax(np.abs(f)) for f in factors.values())
    tolerance = 10.0 ** -precision * (1 + 2 * factors[source].shape[0] * largest ** 2)
    _, grad = displayed(shots, figure, trace, gradient)
    both = ~np.isnan(by_hand) & ~np.isnan(grad)
    assert both.sum() >= min(grad.size, 4)
    assert np.allclose(grad[both], by_hand[both], atol=tolerance, rtol=0), figure
    lr = trace.config.lr
    assert np.allclose(new, old - lr * grad, atol=10.0 ** -precision * (1 + lr), rtol=0, equal_nan=True), figure


def test_learning_rate_on_screen_is_the_configs(built):
    label, trace, shots = built
    strings = [m.get_tex_string() for fig, mobjects in shots if "_update_w" in fig
               for m in on_screen(mobjects) if isinstance(m, MathTex)]
    lr = trace.config.lr
    assert any(s.strip() and s.strip()[0].isdigit() and float(s) == lr for s in strings), (label, lr)


def test_article_figures_show_the_printed_numbers_and_the_corrections(built):
    """Figures 12, 13, 16, 17 against the article's printed numbers; misprints against hand-worked values."""
    label, trace, shots = built
    if label != "article":
        pytest.skip("the article printed numbers for its own example only")
    figure_of = {12: "12_factors_w2", 13: "13_update_w2", 16: "16_factors_w1", 17: "17_update_w1"}
    printed = {(figure, name): np.atleast_2d(value) for figure, _, name, value, _ in PRINTED}
    # The misprinted values, worked by hand from the article's own (correct) inputs.
    h2, dL_dh2 = printed[(8, "h2")], printed[(12, "dL_dh2")]
    dh2_dz2 = np.round(h2 * (1 - h2), 8)
    correct = {(12, "h2"): h2, (12, "dh2_dz2"): dh2_dz2, (13, "dh2_dz2"): dh2_dz2,
               (16, "dL_dz2"): np.round(dL_dh2 * dh2_dz2, 8)}
    for (figure, name), value in printed.items():
        if figure in figure_of and name in trace.values:
            _, values = displayed(shots, figure_of[figure], trace, name)
            # Products of 8-decimal numbers, worked by hand, may differ from the exact value in the last digit.
            assert np.allclose(values, correct.get((figure, name), value), atol=1.5e-8, rtol=0), (figure, name)


def test_errata_notes_for_the_article_only(built):
    label, trace, shots = built
    notes = {figure: [t for t in texts(shots, figure) if t.startswith("Misprintedinthearticle")]
             for figure in {figure for figure, _ in shots}}
    if label == "article":
        assert {figure for figure, found in notes.items() if found} == {"12_factors_w2", "13_update_w2",
                                                                         "16_factors_w1"}
        assert any("0.454142644" in t for t in texts(shots, "12_factors_w2"))
        assert any("[-0.23353037" in t for t in texts(shots, "13_update_w2"))
    else:
        assert not any(notes.values())


def test_nothing_leaves_the_frame_or_overlaps(built):
    """At every beat: text and matrices inside the 16:9 frame, no two of them on top of each other."""
    label, trace, shots = built
    for figure, mobjects in shots:
        items = on_screen(mobjects)
        for m in items:
            assert -HALF_WIDTH <= m.get_left()[0] and m.get_right()[0] <= HALF_WIDTH, (label, figure)
            assert -HALF_HEIGHT <= m.get_bottom()[1] and m.get_top()[1] <= HALF_HEIGHT, (label, figure)
        for k, a in enumerate(items):
            for b in items[k + 1:]:
                dx = min(a.get_right()[0], b.get_right()[0]) - max(a.get_left()[0], b.get_left()[0])
                dy = min(a.get_top()[1], b.get_top()[1]) - max(a.get_bottom()[1], b.get_bottom()[1])
                assert max(dx, 0) * max(dy, 0) <= 0.15 * min(a.width * a.height, b.width * b.height), \
                    (label, figure, a, b)


def test_code_blocks_are_the_articles_loop_that_the_tests_run():
    """Five blocks of mlp_core.article.training_loop (the loop tests/test_train.py holds training to): the input
    calibration, then the loop cut at its marker comments, without the accuracy that only the plots need."""
    blocks = code_blocks()
    assert len(blocks) == 5
    assert [block.splitlines()[0].split(":")[0] for block in blocks] == [
        "# Input calibration", "# Forward step", "# Loss function", "# Backward step", "# Weight updates"]
    assert "w1 /= np.sqrt(input_dim)" in blocks[0] and "for i in" not in blocks[0]
    assert "dL_dw2" in blocks[3] and "w1 += -learning_rate * dL_dw1" in blocks[4] and "accuracies" not in blocks[4]


def test_code_figure_shows_five_framed_blocks(built):
    label, trace, shots = built
    if label != "article":
        pytest.skip("built for the article's example only")
    still = [mobjects for fig, mobjects in shots if fig == "19_code"][-1]
    assert len([m for m in family(still) if isinstance(m, Code)]) == 5


def test_chain_rule_frames_its_factors_and_points_to_their_definitions():
    """ChainRule on its own: frames around the right terms, the definition is the trace's, the arrow lands on it."""
    from manim import DashedVMobject
    from scenes.mobjects import ChainRule
    chain = ChainRule("dL_dW2", ["dL_dh2", "dh2_dz2", "dz2_dW2"])
    solid = chain.add_box("dh2_dz2", style.FACTOR_DH2_DZ2)
    dashed = chain.add_box(("dL_dh2", "dh2_dz2"), style.REUSED, dashed=True)
    assert isinstance(dashed, DashedVMobject) and not isinstance(solid, DashedVMobject)
    for box, terms in ((solid, ["dh2_dz2"]), (dashed, ["dL_dh2", "dh2_dz2"])):
        for term in map(chain.term, terms):
            assert box.get_left()[0] < term.get_left()[0] and term.get_right()[0] < box.get_right()[0]
    # Factors do not share a frame edge: neighbouring single frames stay apart.
    apart = ChainRule("dL_dW2", ["dL_dh2", "dh2_dz2"])
    left, right = apart.add_box("dL_dh2", "#000000"), apart.add_box("dh2_dz2", "#000000")
    assert left.get_right()[0] < right.get_left()[0]
    # The definition of the tanh network's dh2/dz2 is 1 - h2^2, with an arrow ending on its frame.
    tanh = compute_trace(Config(activation="tanh"))
    chain.add_definitions(tanh, ["dh2_dz2"], [style.FACTOR_DH2_DZ2])
    symbol, rhs, frame = chain.definitions["dh2_dz2"]
    assert rhs.get_tex_string().replace(" ", "") == "=1-h_2^2"
    tip = chain.arrows[0][-1].get_end()
    assert np.allclose(tip[:2], frame.get_top()[:2], atol=1e-6)
