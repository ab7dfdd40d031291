r"""A trace as material for other people's documents: LaTeX fragments, a Beamer deck, Markdown, JSON.

Each figure of the worked iteration that carries numbers (the article's figures 4-18) becomes rows of an
aligned LaTeX block, "lhs &= rhs": a step's formula (from the trace), the formula with the trace's numbers put
in, then the value. The formats only wrap these rows and draw the boxes their own way: xcolor's \fcolorbox in
LaTeX and Beamer, a coloured \boxed in Markdown (which MathJax and KaTeX both render).
Factor boxes have the article's colours: light blue dLoss/dh2 (and dLoss/dz2, which reuses it), orange dh2/dz2
and dLoss/dh1, dark blue dh1/dz1, green dz2/dW2 and dz1/dW1; results sit in a filled light-blue box.
"""
import re
from dataclasses import dataclass

import numpy as np

from mlp_core.formatting import format_number
from mlp_core.trace import SYMBOLS
from mlp_core.trace_json import dumps

# Colours sampled from the article's figures (HTML hex).
LIGHT_BLUE, ORANGE, DARK_BLUE, GREEN = "51A1E5", "E46C0A", "0000FF", "008000"
RESULT_FRAME, RESULT_FILL = "4F81BD", "BFE2EF"
FACTOR_COLORS = {"dL_dh2": LIGHT_BLUE, "dL_dz2": LIGHT_BLUE, "dh2_dz2": ORANGE, "dL_dh1": ORANGE,
                 "dh1_dz1": DARK_BLUE, "dz2_dW2": GREEN, "dz1_dW1": GREEN}
# amsmath's bmatrix takes at most 10 columns unless told otherwise.
DEFAULT_MAX_COLUMNS = 10


@dataclass
class Figure:
    key: str  # the article's figure file name without .png, e.g. "z1"
    number: int  # the article's figure number
    title: str  # plain text
    rows: list  # LaTeX rows of an aligned block, "lhs &= rhs"


@dataclass(frozen=True)
class Boxes:
    """How a format draws a factor box (frame colour) and a result box."""
    factor: str  # format string with {color} and {math}
    result: str  # format string with {math}


LATEX_BOXES = Boxes(factor=r"\fcolorbox[HTML]{{{color}}}{{FFFFFF}}{{$\displaystyle {math}$}}",
                    result=r"\fcolorbox[HTML]{{%s}}{{%s}}{{$\displaystyle {math}$}}" % (RESULT_FRAME, RESULT_FILL))
MARKDOWN_BOXES = Boxes(factor=r"{{\color{{#{color}}}\boxed{{\color{{black}} {math}}}}}",
                       result=r"{{\color{{#%s}}\boxed{{\color{{black}} {math}}}}}" % RESULT_FRAME)


def matrix(value, precision):
    """A value as LaTeX: a number, or a bmatrix (a 1-D bias as one row)."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return format_number(array, precision)
    rows = np.atleast_2d(array)
    body = r" \\ ".join(" & ".join(format_number(v, precision) for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def max_columns(trace):
    return max(np.atleast_2d(v).shape[1] for v in trace.values.values() if np.ndim(v) > 0)


def substitute(latex, names, replacement):
    """Replace the symbols of `names` in a LaTeX formula, longest symbol first, whole symbols only."""
    placeholders = {}
    for name in sorted(names, key=lambda n: -len(SYMBOLS[n])):
        key = f"\0{len(placeholders)}\0"
        pattern = r"(?<![A-Za-z\\])" + re.escape(SYMBOLS[name]) + r"(?![A-Za-z_])"
        latex, count = re.subn(pattern, lambda _: key, latex)
        if count:
            placeholders[key] = replacement(name)
    for key, text in placeholders.items():
        latex = latex.replace(key, text)
    return latex


class FigureBuilder:
    """Rows for one trace, precision and box style."""

    def __init__(self, trace, precision, boxes):
        self.trace, self.precision, self.boxes = trace, precision, boxes

    def value(self, name):
        return matrix(self.trace.values[name], self.precision)

    def framed(self, name, math):
        """`math` in a frame of `name`'s chain-rule colour, if it has one."""
        color = FACTOR_COLORS.get(name)
        return self.boxes.factor.format(color=color, math=math) if color else math

    def symbol(self, name):
        return self.framed(name, SYMBOLS[name])

    def filled(self, name):
        return self.framed(name, self.value(name))

    def steps(self, *names, boxed_result=False):
        """Per step present in the trace: 'lhs &= formula', '&= formula with the numbers (alpha too)' unless
        that is just the value, '&= value' (in a result box if asked)."""
        rows = []
        for step in (self.trace.step(n) for n in names if n in self.trace.values):
            rhs = step.formula.split(" = ", 1)[1]
            rows.append(rf"{self.symbol(step.name)} &= {substitute(rhs, step.inputs, self.symbol)}")
            if rhs not in (SYMBOLS[n] for n in step.inputs):
                lr = format_number(self.trace.config.lr, self.precision)
                rows.append("&= " + substitute(rhs, step.inputs, self.filled).replace(r"\alpha", lr))
            value = self.value(step.name)
            rows.append("&= " + (self.boxes.result.format(math=value) if boxed_result else value))
        return rows

    def chain_rule(self, gradient, factors):
        return [rf"{self.symbol(gradient)} &= " + " ".join(self.symbol(f) for f in factors)]

    def figures(self):
        t, steps = self.trace, self.steps
        weights = [n for n in ("W1", "W2", "b1", "b2") if n in t.values]
        return [
            Figure("initialized_network", 4, "The network's input, label and initial weights",
                   [rf"{SYMBOLS[n]} &= {self.value(n)}" for n in ("X", "y", *weights)]),
            Figure("z1", 5, t.step("z1").text, steps("z1")),
            Figure("h1", 6, t.step("h1").text, steps("h1", boxed_result=True)),
            Figure("z2", 7, t.step("z2").text, steps("z2")),
            Figure("h2", 8, t.step("h2").text, steps("h2", boxed_result=True)),
            Figure("loss", 9, "The loss", steps("loss", boxed_result=True) + [
                rf"&\text{{with }} N = {t.values['X'].shape[0]},\ "
                rf"\lambda = {format_number(t.config.reg, self.precision)}"]),
            Figure("chain_w2_detailed", 12, "The chain rule for dLoss/dW2, factor by factor",
                   self.chain_rule("dL_dW2", ["dL_dh2", "dh2_dz2", "dz2_dW2"])
                   + steps("dL_dh2", "dh2_dz2", "dz2_dW2")),
            Figure("chain_w2_numbers", 13, "dLoss/dW2 and the update of W2",
                   steps("dL_dW2", "dL_db2") + steps("W2_new", "b2_new", boxed_result=True)),
            Figure("chain_w1_numbers", 16, "The chain rule for dLoss/dW1, factor by factor",
                   self.chain_rule("dL_dW1", ["dL_dh1", "dh1_dz1", "dz1_dW1"])
                   + self.chain_rule("dL_dh1", ["dL_dz2", "dz2_dh1"])
                   + steps("dL_dz2", "dL_dh1", "dh1_dz1", "dz1_dW1")),
            Figure("chain_w1_numbers_final", 17, "dLoss/dW1 and the update of W1",
                   steps("dL_dW1", "dL_db1") + steps("W1_new", "b1_new", boxed_result=True)),
            Figure("copy_values", 18, "The new weights replace the old: the iteration ends",
                   [rf"{SYMBOLS[n]} &= {SYMBOLS[n + '_new']} = {self.value(n + '_new')}" for n in weights]),
        ]


def figures(trace, precision=8, boxes=LATEX_BOXES):
    """The figures of the worked iteration for `trace`, numbers at `precision` decimals."""
    return FigureBuilder(trace, precision, boxes).figures()


def aligned(rows, position=""):
    return f"\\begin{{aligned}}{position}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def side_by_side(rows, most=9):
    """A tall block as two top-aligned columns, split where a new equation starts, so a frame can show it larger."""
    starts = [i for i, row in enumerate(rows) if not row.startswith("&") and i > 0]
    if len(rows) <= most or not starts:
        return aligned(rows)
    split = min(starts, key=lambda i: abs(i - len(rows) / 2))
    return aligned(rows[:split], "[t]") + "\n\\qquad\n" + aligned(rows[split:], "[t]")


def summary(trace):
    """One line naming the network and the iteration, from the trace's config and shapes."""
    c, X, W1, W2 = trace.config, trace.values["X"], trace.values["W1"], trace.values["W2"]
    rows = "row" if X.shape[0] == 1 else "rows"
    return (f"{W1.shape[0]} inputs, {W1.shape[1]} {c.activation} hidden units, {W2.shape[1]} outputs"
            f"{', with biases' if 'b1' in trace.values else ''}; {X.shape[0]} data {rows}; "
            f"learning rate {format_number(c.lr)}, lambda {format_number(c.reg)}")


def fitted(math, height):
    """Math scaled down (never up) to the line width and `height`, centred: wide matrices stay on the page."""
    return (f"\\begin{{center}}\n\\begin{{adjustbox}}{{max width=\\linewidth, max totalheight={height}}}\n"
            f"$\\displaystyle\n{math}\n$\n\\end{{adjustbox}}\n\\end{{center}}\n")


def latex_fragment(trace, figure):
    """One figure as a centred display that `\\input` places in any document (article, Beamer frame ...)."""
    columns = max_columns(trace)
    setup = (f"\\setcounter{{MaxMatrixCols}}{{{columns}}}\n" if columns > DEFAULT_MAX_COLUMNS else "")
    return (f"% Figure {figure.number} of the article ({figure.key}.png): {figure.title}.\n"
            f"% Needs \\usepackage{{amsmath,xcolor,adjustbox}} in the preamble.\n"
            + setup + fitted(aligned(figure.rows), r"\textheight"))


def latex_fragments(trace, precision=8):
    """{file name: fragment} for every figure, e.g. '05-z1.tex', in the article's order."""
    return {f"{f.number:02d}-{f.key}.tex": latex_fragment(trace, f) for f in figures(trace, precision)}


def latex_single(trace, precision=8):
    """All fragments in one file, to `\\input` where the worked iteration should appear."""
    return (f"% One backpropagation iteration: {summary(trace)}.\n\n"
            + "\n".join(latex_fragments(trace, precision).values()))


def latex_document(fragment_names):
    """A complete article that inputs each fragment file: an example of their use, and a compile check."""
    inputs = "\n".join(f"\\input{{{name}}}" for name in fragment_names)
    return ("\\documentclass{article}\n\\usepackage[margin=1cm,landscape]{geometry}\n"
            "\\usepackage{amsmath}\n\\usepackage{xcolor}\n\\usepackage{adjustbox}\n\\begin{document}\n"
            + inputs + "\n\\end{document}\n")


def beamer(trace, precision=8):
    """A complete Beamer deck, one frame per figure; wide or tall figures are scaled down to fit the frame."""
    columns = max(max_columns(trace), DEFAULT_MAX_COLUMNS)
    frames = "".join(f"\\begin{{frame}}{{{f.title}}}\n" + fitted(side_by_side(f.rows), r"0.82\textheight")
                     + "\\end{frame}\n\n" for f in figures(trace, precision))
    return ("\\documentclass[aspectratio=169]{beamer}\n\\usepackage{amsmath}\n\\usepackage{xcolor}\n"
            "\\usepackage{adjustbox}\n\\setbeamertemplate{navigation symbols}{}\n"
            f"\\setcounter{{MaxMatrixCols}}{{{columns}}}\n"
            "\\title{One iteration of backpropagation}\n"
            f"\\subtitle{{{summary(trace)}}}\n"
            "\\date{}\n\\begin{document}\n\\begin{frame}\n\\titlepage\n\\end{frame}\n\n"
            + frames + "\\end{document}\n")


def markdown(trace, precision=8):
    """The figures as Markdown with $$ math $$ blocks, '---' between them (Marp and reveal.js slide breaks)."""
    parts = [f"# One iteration of backpropagation\n\n{summary(trace)}.\n"]
    for f in figures(trace, precision, MARKDOWN_BOXES):
        parts.append(f"## {f.title}\n\n$$\n{aligned(f.rows)}\n$$\n")
    return "---\nmarp: true\nmath: mathjax\n---\n\n" + "\n---\n\n".join(parts)


def json_export(trace):
    return dumps(trace) + "\n"


FORMATS = ("latex", "beamer", "markdown", "json", "all")


def export_text(trace, format, precision=8):
    """One format as one text (LaTeX: every fragment in one file)."""
    return {"latex": latex_single, "beamer": beamer, "markdown": markdown,
            "json": lambda t, _: json_export(t)}[format](trace, precision)


def export_files(trace, format, precision=8):
    """{path inside the output folder: text}. latex: one fragment per figure and document.tex, which inputs
    them all; all: that under latex/, with deck.tex (Beamer), backprop.md and trace.json beside it."""
    fragments = latex_fragments(trace, precision)
    latex = {**fragments, "document.tex": latex_document(name.removesuffix(".tex") for name in fragments)}
    if format == "latex":
        return latex
    return {**{f"latex/{name}": text for name, text in latex.items()}, "deck.tex": beamer(trace, precision),
            "backprop.md": markdown(trace, precision), "trace.json": json_export(trace)}
