"""The last two figures (the article's 18-19): the copy that ends the iteration, and the project's own code for it
in five coloured blocks.

The code is read from mlp_core with inspect.getsource, so the video shows code that actually runs: the article's
training loop as mlp_core.article.training_loop transcribes it, which the tests and benchmarks hold mlp_core's
training to, bit for bit (a teaching loop, not the fast loop's internals), cut at its marker comments.
"""
import ast
import inspect
import textwrap

from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, Code, FadeIn, FadeOut, ReplacementTransform, Text, VGroup, Write

from mlp_core import article
from mlp_core.notation import symbol
from scenes import style
from scenes.mobjects import TraceMatrix, fit, result_box, side_by_side, tex

TEAL = "#23858f"  # the article's "Input calibration" frame
BLOCKS = (("Input calibration", TEAL), ("Forward", style.FORWARD), ("Loss function", style.BACKWARD),
          ("Backward step", style.FACTOR_DZ_DW), ("Weight updates", style.FACTOR_DH2_DZ2))
MARKERS = ("# Input calibration", "# Forward step", "# Loss function", "# Backward step", "# Weight updates",
           "# Accuracy on all points")  # the last one ends the updates
MONO = "DejaVu Sans Mono"


def copy_figure(scene, trace, words):
    """Wk = Wk* for every layer: the weights the iteration started from turn into the ones the next starts from.
    Matrices that do not fit side by side take turns in one place."""
    precision = style.precision_for(trace)
    weights = [f"W{k}" for k in range(1, trace.layers + 1)]
    copies = VGroup(*(tex(f"{symbol(w)} = {symbol(w + '_new')}", font_size=style.TITLE + 8) for w in weights))
    copies.arrange(DOWN, buff=0.35) if len(weights) <= 2 else copies.arrange(RIGHT, buff=0.8)
    fit(copies).to_edge(UP, buff=0.8)
    box = result_box(copies)
    lines = [VGroup(tex(symbol(w), "="), TraceMatrix(trace.values[w], precision=precision)).arrange(RIGHT, buff=0.2)
             for w in weights]
    rows = side_by_side(lines, buff=1.0, aligned_edge=ORIGIN)
    together = len(rows) == 1
    if not together:
        rows = VGroup(*(line.move_to(ORIGIN) for line in lines))
    fit(rows, height=style.FRAME_HEIGHT - box.height - 0.8).next_to(box, DOWN, buff=0.8)
    fit(VGroup(box, copies, rows)).move_to(0.2 * DOWN)
    scene.say(words["copy"])
    scene.play(FadeIn(box), Write(copies))
    scene.beat()
    scene.say(words["old"])
    scene.play(FadeIn(rows if together else lines[0]))
    scene.beat()
    scene.say(words["new"])
    for k, (line, w) in enumerate(zip(lines, weights)):
        if not together and k:
            scene.play(FadeOut(lines[k - 1]), FadeIn(line), run_time=0.6)
        new = TraceMatrix(trace.values[w + "_new"], precision=precision).match_height(line[1]).move_to(line[1], LEFT)
        scene.play(ReplacementTransform(line[1], new), run_time=1.5)
        line.submobjects[1] = new
    scene.beat()


def function_lines(module, name):
    """The source lines of function `name` as the module's file holds it now, without its docstring."""
    lines = inspect.getsource(module).splitlines()
    function = next(node for node in ast.parse("\n".join(lines)).body
                    if isinstance(node, ast.FunctionDef) and node.name == name)
    doc = function.body[0]
    if isinstance(doc, ast.Expr) and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str):
        del lines[doc.lineno - 1:doc.end_lineno]
        return lines[function.lineno - 1:function.end_lineno - (doc.end_lineno - doc.lineno + 1)]
    return lines[function.lineno - 1:function.end_lineno]


def code_blocks():
    """The five blocks of the article's training code, as mlp_core.article.training_loop transcribes it (the loop
    the tests hold our training to, bit for bit): the input calibration up to its blank line, then the loop's
    body cut at its marker comments."""
    lines = function_lines(article, "training_loop")
    starts = [next(k for k, line in enumerate(lines) if line.strip().startswith(marker)) for marker in MARKERS]
    ends = [next(k for k in range(starts[0], len(lines)) if not lines[k].strip()), *starts[2:]]
    return [textwrap.dedent("\n".join(lines[a:b])) for a, b in zip(starts, ends)]


def code_block(source, color):
    """One block: the code on paper in a frame of the block's colour."""
    return Code(code_string=source, language="python", formatter_style="friendly", add_line_numbers=False,
                background="rectangle", paragraph_config={"font": MONO, "font_size": 20},
                background_config={"stroke_color": color, "stroke_width": 3, "fill_color": style.PAPER,
                                   "fill_opacity": 1, "buff": 0.15})


def code_figure(scene, trace, words):
    """The article's training code in its five coloured blocks, one line of the script each."""
    blocks = VGroup(*(code_block(source, color) for source, (_, color) in zip(code_blocks(), BLOCKS)))
    blocks.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
    width = max(block.width for block in blocks)
    for block in blocks:  # one width for all frames, as in the article
        block.background.stretch_to_fit_width(width).align_to(block.code_lines, LEFT).shift(0.15 * LEFT)
    titles = VGroup(*(Text(title, font_size=style.TITLE, color=color, slant="ITALIC")
                      .next_to(block, RIGHT, buff=0.4) for block, (title, color) in zip(blocks, BLOCKS)))
    fit(VGroup(blocks, titles)).move_to(0.0 * UP)
    for block, title, caption in zip(blocks, titles, words.values()):  # one line per block, in the blocks' order
        scene.say(caption)
        scene.play(FadeIn(block, shift=0.2 * UP), Write(title), run_time=1.2)
        scene.beat()
