r"""A trace as material for other people's documents: LaTeX fragments, a Beamer deck, Markdown, JSON.

Each figure of the worked iteration that carries numbers becomes rows of an aligned LaTeX block, "lhs &= rhs": a
step's formula, the formula with the trace's numbers put in, then the value. Rows are built from each step's
structure (mlp_core/notation.py), never from its formula string. The formats only wrap these rows and draw the
boxes their own way: xcolor's \fcolorbox in LaTeX and Beamer, a coloured \boxed in Markdown (which MathJax and
KaTeX both render).

The figures follow the trace's L weight layers, numbered as the article numbers its figures for L = 2 (4-9, 12,
13, 16-18; the numbers in between belong to the explainer's figures that carry no numbers):
  4                the initialized network: X, y, W1 .. WL, b1 .. bL
  3+2k, 4+2k       zk and hk, k = 1 .. L
  5+2L             the loss
  per layer k from the output down (m = L - k), after two numbers for the explainer's chain rule and path:
  8+2L+4m          the chain rule for dLoss/dWk, factor by factor: key chain_wk_detailed
  9+2L+4m          dLoss/dWk and the update of Wk: key update_wk
  6+6L             the new weights replace the old: key copy_values
For L = 2 the chain-rule keys are the article's file names: chain_w2_detailed, chain_w2_numbers (12, 13),
chain_w1_numbers, chain_w1_numbers_final (16, 17).

Factor boxes generalise the article's colours: dLoss/dhL light blue and dLoss/dhk (k < L, handed down) orange;
dhL/dzL orange and dhk/dzk (k < L) dark blue; dzk/dWk green; dLoss/dzk, the factor reused from the layer above
(or softmax with cross-entropy's first factor), light blue. Results sit in a filled light-blue box.

The Beamer deck keeps every frame readable on a projector: a figure whose maths would have to shrink below
SMALLEST_SCALE of its natural size is split into frames ("(1/2)", "(2/2)"), a row wider than a frame is broken
into lines. The decision is made here, from the rows' estimated natural sizes (`Part`), so the deck needs nothing
but pdflatex; the estimates plan for PLANNED_SCALE to leave room for their error. A matrix is never split: one
wider than the frame at SMALLEST_SCALE is shrunk to fit. With `stills`, each figure's
still (the explainer's NN_name.png, matched by the figure number NN) gets its own frame or slide before the
figure's maths; stills of other names (training runs) come at the end.
"""
import re
from dataclasses import dataclass, field

import numpy as np

from mlp_core import notation
from mlp_core.config import output_activation
from mlp_core.formatting import format_number
from mlp_core.notation import Ref, symbol, words
from mlp_core.trace_json import dumps

# Colours sampled from the article's figures (HTML hex).
LIGHT_BLUE, ORANGE, DARK_BLUE, GREEN = "51A1E5", "E46C0A", "0000FF", "008000"
RESULT_FRAME, RESULT_FILL = "4F81BD", "BFE2EF"


def factor_colors(layers):
    """{name: frame colour} of the chain-rule factors of a network of `layers` weight layers."""
    colors = {}
    for k in range(1, layers + 1):
        output = k == layers
        colors[f"dL_dh{k}"] = LIGHT_BLUE if output else ORANGE
        colors[f"dh{k}_dz{k}"] = ORANGE if output else DARK_BLUE
        colors[f"dz{k}_dW{k}"] = GREEN
        colors[f"dL_dz{k}"] = LIGHT_BLUE
    return colors


# amsmath's bmatrix takes at most 10 columns unless told otherwise.
DEFAULT_MAX_COLUMNS = 10
ARTICLE_KEYS = {2: ("chain_w2_detailed", "chain_w2_numbers"), 1: ("chain_w1_numbers", "chain_w1_numbers_final")}


@dataclass
class Part:
    """A piece of a row's LaTeX with its estimated natural size in a Beamer frame (TeX points, 11pt type)."""
    latex: str
    width: float
    height: float = 0.0  # height plus depth
    delimiters: int = 0  # \left opened minus \right closed inside it
    starts_line: bool = False  # notation a continued line may start with (an operator, an opening), no name


@dataclass
class Row:
    """One row of an aligned block: 'lhs &= rhs', or a continuation '&= rhs' under the equation's left side."""
    lhs: Part  # None for a continuation
    rhs: list  # Parts after the alignment point
    sep: str = "&= "
    head: Part = None  # a continuation's equation's left side, written when the row starts a column of a frame

    @property
    def latex(self):
        body = "".join(p.latex for p in self.rhs)
        return f"{self.lhs.latex} {self.sep}{body}" if self.lhs else self.sep + body


@dataclass
class Figure:
    key: str  # the article's figure file name without .png, e.g. "z1"
    number: int  # the article's figure number
    title: str  # plain text
    rows: list  # LaTeX rows of an aligned block, "lhs &= rhs"
    layout: list = field(default_factory=list, repr=False, compare=False)  # the rows as Row objects


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


# Natural sizes in a 16:9 Beamer frame at 11pt, measured with pdflatex (points): a digit, a decimal point, a minus
# sign; a line of maths (height plus depth), a bmatrix row, the space between two matrix columns and the two
# brackets; a \fcolorbox's padding and rule on both sides; "=" with its spaces; an aligned block's \jot.
DIGIT, POINT, MINUS = 5.47, 3.04, 8.52
LINE, MATRIX_ROW, COLUMN_GAP, BRACKETS = 13.6, 13.6, 10.0, 9.13
BOX, EQUALS, JOT, QQUAD = 6.8, 15.5, 3.0, 22.0
FRACTION = 24.2  # a \frac of two symbols, height plus depth
DELIMITER = 4.0  # what \left( \right) add to the height they enclose, and to a parenthesis' width
# Letters of the names (math italic), a subscript digit, the partial sign, a \frac's extra width.
LETTER = {"W": 11.3, "X": 8.8, "y": 6.0, "h": 6.3, "z": 5.4, "b": 4.7, "L": 7.5}
SUBSCRIPT, PARTIAL, FRACTION_EXTRA = 3.8, 6.0, 3.1
WIDE_COMMANDS = {r"\sum": 16.0, r"\quad": 11.0, r"\qquad": 22.0, r"\log": 14.0, r"\odot": 14.0, r"\cdot": 14.0,
                 r"\le": 14.0, r"\mathrm": 0.0, r"\text": 0.0, r"\frac": 0.0, r"\left": 0.0, r"\right": 0.0,
                 r"\displaystyle": 0.0, r"\,": 1.8, r"\ ": 3.7}

# The frame: \linewidth and the height the maths gets (0.82 \textheight), in points; the smallest scale a frame's
# maths may be shown at, and the scale the estimates plan for (their error stays below the difference).
FRAME_WIDTH, FRAME_HEIGHT = 398.34, 0.82 * 252.07
SMALLEST_SCALE = 0.7
PLANNED_SCALE = SMALLEST_SCALE + 0.1  # the estimates err by 5% at most on the tests' and the README's networks


def number_width(text):
    return sum(DIGIT if c.isdigit() else POINT if c == "." else MINUS if c == "-" else DIGIT for c in text)


def value_size(value, precision):
    """(width, height) of matrix(value, precision)."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return number_width(format_number(array, precision)), LINE
    rows = np.atleast_2d(array)
    columns = [max(number_width(format_number(v, precision)) for v in column) for column in rows.T]
    return sum(columns) + COLUMN_GAP * (len(columns) - 1) + BRACKETS, MATRIX_ROW * rows.shape[0]


def symbol_size(name):
    """(width, height) of symbol(name), from the name: W_2, \\frac{\\partial Loss}{\\partial h_2}, W_1^{*} ..."""
    if name in ("loss", "L"):
        return 21.0, LINE
    if name == "alpha":
        return 7.1, LINE
    if name.endswith("_new"):
        width, height = symbol_size(name[:-4])
        return width + 2.0, height
    derivative = re.fullmatch(r"d(\w+?)_d(\w+)", name)
    if derivative:
        top, bottom = symbol_size(derivative[1])[0], symbol_size(derivative[2])[0]
        return max(top, bottom) + PARTIAL + FRACTION_EXTRA, FRACTION
    indexed = re.fullmatch(r"([A-Za-z])(\d*)", name)
    if indexed:
        return LETTER.get(indexed[1], 8.8) + SUBSCRIPT * len(indexed[2]), LINE
    return 8.8 * len(name), LINE


def literal_size(latex):
    """(width, height) of a piece of fixed notation: commands count as one glyph (some wider), binary operators
    with their spaces, scripts and braces as nothing."""
    width = 0.0
    for token in re.findall(r"\\[A-Za-z]+|\\.|[^\s{}^_]", latex):
        if token in WIDE_COMMANDS:
            width += WIDE_COMMANDS[token]
        elif token.startswith("\\"):
            width += 8.0
        elif token in "+-=<>":
            width += 14.0
        else:
            width += 5.5
    return width, FRACTION if (r"\frac" in latex or r"\sum" in latex) else LINE


def literal(latex):
    width, height = literal_size(latex)
    opened, closed = latex.count(r"\left"), latex.count(r"\right")
    closing = re.match(r"\s*(\)|\]|\\right|\^|_)", latex)  # a line cannot start by closing or with a script
    return Part(latex, width + DELIMITER * (opened + closed), height, opened - closed, starts_line=not closing)


class FigureBuilder:
    """Rows for one trace, precision and box style."""

    def __init__(self, trace, precision, boxes):
        self.trace, self.precision, self.boxes = trace, precision, boxes
        self.colors = factor_colors(trace.layers)

    def value(self, name):
        return matrix(self.trace.values[name], self.precision)

    def framed(self, name, part):
        """`part` in a frame of `name`'s chain-rule colour, if it has one."""
        color = self.colors.get(name)
        if not color:
            return part
        return Part(self.boxes.factor.format(color=color, math=part.latex), part.width + BOX, part.height + BOX)

    def plain_symbol(self, name):
        return Part(symbol(name), *symbol_size(name))

    def symbol(self, name):
        return self.framed(name, self.plain_symbol(name))

    def number(self, name):
        return Part(self.value(name), *value_size(self.trace.values[name], self.precision))

    def filled(self, name):
        if name == "alpha":
            lr = format_number(self.trace.config.lr, self.precision)
            return Part(lr, number_width(lr), LINE)
        return self.framed(name, self.number(name))

    def result(self, name):
        part = self.number(name)
        return Part(self.boxes.result.format(math=part.latex), part.width + BOX, part.height + BOX)

    @staticmethod
    def expression(expr, write):
        """A step's right-hand side as Parts, each name written by `write` (as notation.latex joins them)."""
        return [write(p.name) if isinstance(p, Ref) else literal(p.latex) for p in notation.pieces(expr)]

    def steps(self, *names, boxed_result=False):
        """Per step present in the trace: 'lhs &= formula', '&= formula with the numbers (alpha too)' unless
        that is just the value, '&= value' (in a result box if asked)."""
        rows = []
        for step in (self.trace.step(n) for n in names if n in self.trace.values):
            lhs = self.symbol(step.name)
            rows.append(Row(lhs, self.expression(step.expr, self.symbol)))
            if step.op != "identity":
                rows.append(Row(None, self.expression(step.expr, self.filled), head=lhs))
            rows.append(Row(None, [self.result(step.name) if boxed_result else self.number(step.name)], head=lhs))
        return rows

    def chain_rule(self, gradient, factors):
        rhs = []
        for factor in factors:
            rhs += [literal(" ")] * bool(rhs) + [self.symbol(factor)]
        return [Row(self.symbol(gradient), rhs)]

    def backward(self, k):
        """The rows of layer k's chain rule: dLoss/dWk from its factors, how dLoss/dhk comes from the layer above
        (k < L), then each factor's formula and numbers."""
        t, L = self.trace, self.trace.layers
        *first, dz_dW = t.factors(k)
        rows = self.chain_rule(f"dL_dW{k}", [*first, dz_dW])
        if k == L:
            return rows + self.steps(*first, dz_dW)
        above = f"dL_dz{k + 1}"
        rows += self.chain_rule(f"dL_dh{k}", [above, f"dz{k + 1}_dh{k}"])
        shown_above = k + 1 == L and f"dh{L}_dz{L}" not in t.values  # softmax's dL_dzL: the output's figure
        return rows + self.steps(*([] if shown_above else [above]), *first, dz_dW)

    def rows(self):
        """[(key, number, title, rows)] of the worked iteration, for the trace's layers."""
        t, steps, L = self.trace, self.steps, self.trace.layers
        parameters = [f"{kind}{k}" for kind in "Wb" for k in range(1, L + 1) if f"{kind}{k}" in t.values]
        out = [("initialized_network", 4, "The network's input, label and initial weights",
                [Row(self.plain_symbol(n), [self.number(n)]) for n in ("X", "y", *parameters)])]
        for k in range(1, L + 1):
            out.append((f"z{k}", 3 + 2 * k, t.step(f"z{k}").text, steps(f"z{k}")))
            out.append((f"h{k}", 4 + 2 * k, t.step(f"h{k}").text, steps(f"h{k}", boxed_result=True)))
        loss = 5 + 2 * L
        given = literal(rf"\text{{with }} N = {t.values['X'].shape[0]},\ "
                        rf"\lambda = {format_number(t.config.reg, self.precision)}")
        out.append(("loss", loss, "The loss", steps("loss", boxed_result=True) + [Row(None, [given], sep="&")]))
        for m, k in enumerate(range(L, 0, -1)):
            factors, update = ARTICLE_KEYS[k] if L == 2 else (f"chain_w{k}_detailed", f"update_w{k}")
            gradient, weights = words(f"dL_dW{k}"), f"W{k}"
            out.append((factors, loss + 4 * m + 3, f"The chain rule for {gradient}, factor by factor",
                        self.backward(k)))
            out.append((update, loss + 4 * m + 4, f"{gradient} and the update of {weights}",
                        steps(f"dL_dW{k}", f"dL_db{k}") + steps(f"W{k}_new", f"b{k}_new", boxed_result=True)))
        copies = [Row(self.plain_symbol(n), [self.plain_symbol(n + "_new"), literal(" = "), self.number(n + "_new")])
                  for n in parameters]
        out.append(("copy_values", loss + 4 * L + 1, "The new weights replace the old: the iteration ends", copies))
        return out

    def figures(self):
        return [Figure(key, number, title, [row.latex for row in rows], rows)
                for key, number, title, rows in self.rows()]


def figures(trace, precision=8, boxes=LATEX_BOXES):
    """The figures of the worked iteration for `trace`, numbers at `precision` decimals."""
    return FigureBuilder(trace, precision, boxes).figures()


def aligned(rows, position=""):
    return f"\\begin{{aligned}}{position}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


# ---- Beamer frames: how a figure's rows are laid out, decided from their estimated sizes ----

@dataclass
class Line:
    """One line of an aligned block, with the estimated widths left and right of the alignment point."""
    latex: str
    left: float
    right: float
    height: float


def part_height(parts):
    """A line's height: its tallest part's, and \\left( \\right) grow beyond what they enclose."""
    return max([LINE] + [p.height for p in parts]) + DELIMITER * any(p.delimiters for p in parts)


def broken(row):
    """The row as one Line, or, when it is wider than a frame can show at PLANNED_SCALE, as lines broken between
    parts: the narrowest widest line there is (none wider than the frame if that can be), in as few lines as
    that allows. Delimiters open at a break are closed with \\right. and opened again on the next line with
    \\left.; a continuation line starts a \\qquad right of the "=" column."""
    left = row.lhs.width if row.lhs else 0.0
    column_left = (row.lhs or row.head or Part("", 0.0)).width  # the equation's left side beside it
    sep = EQUALS if row.sep.strip() == "&=" else 0.0
    widths = [p.width for p in row.rhs]
    if column_left + sep + sum(widths) <= FRAME_WIDTH / PLANNED_SCALE or len(row.rhs) < 2:
        return [Line(row.latex, left, sep + sum(widths), part_height(row.rhs + [row.lhs or row.rhs[0]]))]
    # Break before a piece of notation (a continued line starts with its operator), unless a delimiter opens just
    # before it or closes with it.
    places, depth = [0], {0: 0}
    for i in range(1, len(row.rhs)):
        depth[i] = depth[i - 1] + row.rhs[i - 1].delimiters
        if row.rhs[i].starts_line and row.rhs[i - 1].delimiters <= 0 and row.rhs[i].delimiters >= 0:
            places.append(i)
    places.append(len(row.rhs))
    depth[len(row.rhs)] = 0

    def width(i, j):
        return column_left + (sep if i == 0 else QQUAD) + sum(widths[i:j])

    best = {0: (0.0, 0, [0])}  # place: (widest line, lines, the places broken at) for the parts before it
    for j in places[1:]:
        best[j] = min(((max(best[i][0], width(i, j), FRAME_WIDTH), best[i][1] + 1, best[i][2] + [j])
                       for i in places if i < j), key=lambda option: option[:2])
    cuts = best[len(row.rhs)][2]
    lines = []
    for i, j in zip(cuts, cuts[1:]):
        parts = row.rhs[i:j]
        body = r"\left." * depth[i] + ("{}" if i else "") + "".join(p.latex for p in parts) + r"\right." * depth[j]
        inner = sum(widths[i:j])
        if i == 0:
            latex = f"{row.lhs.latex} {row.sep}{body}" if row.lhs else row.sep + body
            lines.append(Line(latex, left, sep + inner, part_height(parts + [row.lhs or parts[0]])))
        else:
            lines.append(Line(r"&\qquad " + body, 0.0, QQUAD + inner, part_height(parts)))
    return lines


def block_size(lines):
    return (max(line.left for line in lines) + max(line.right for line in lines),
            sum(line.height for line in lines) + JOT * (len(lines) - 1))


def column(units):
    """The Lines of consecutive units (each a list of Rows) as one aligned column: a column starting with a
    continuation row writes its equation's left side first."""
    lines = []
    for unit in units:
        for row in unit:
            if not lines and row.lhs is None and row.head is not None:
                row = Row(row.head, row.rhs, row.sep)
            lines += broken(row)
    return lines


def scale(width, height):
    return min(1.0, FRAME_WIDTH / width, FRAME_HEIGHT / height)


def layout(units):
    """(estimated scale, columns) of the best layout of `units` on one frame: one column, or two side by side
    split between units."""
    one = column(units)
    best = (scale(*block_size(one)), [one])
    for split in range(1, len(units)):
        left, right = column(units[:split]), column(units[split:])
        (w1, h1), (w2, h2) = block_size(left), block_size(right)
        candidate = scale(w1 + QQUAD + w2, max(h1, h2))
        if candidate > best[0] + 1e-9:
            best = (candidate, [left, right])
    return best


def equations(rows):
    """Rows grouped by equation: a row with a left side starts one."""
    groups = []
    for row in rows:
        if row.lhs is not None or not groups:
            groups.append([])
        groups[-1].append(row)
    return groups


def frames(rows):
    """A figure's rows as frames, each a list of columns of Lines: as few frames as keep every frame at
    PLANNED_SCALE or more (an equation that cannot be is split between its rows), and among those the layout
    whose smallest scale is largest."""
    units = []
    for equation in equations(rows):
        if len(equation) > 1 and layout([equation])[0] < PLANNED_SCALE:
            units += [[row] for row in equation]
        else:
            units.append(equation)
    # A frame of several units must reach PLANNED_SCALE, or, holding a unit that cannot (a matrix wider than the
    # frame), that unit's own scale. best[i]: (frames, -smallest scale, partition) of units[:i].
    alone = [layout([unit])[0] for unit in units]
    best = {0: (0, -1.0, [])}
    for end in range(1, len(units) + 1):
        options = []
        for start in range(end):
            fit = layout(units[start:end])[0]
            if end - start > 1 and fit < min([PLANNED_SCALE] + alone[start:end]) - 1e-9:
                continue
            count, smallest, partition = best[start]
            options.append((count + 1, max(smallest, -fit), partition + [(start, end)]))
        best[end] = min(options, key=lambda o: o[:2])
    return [layout(units[start:end])[1] for start, end in best[len(units)][2]]


def frame_math(columns):
    if len(columns) == 1:
        return aligned([line.latex for line in columns[0]])
    return "\n\\qquad\n".join(aligned([line.latex for line in lines], "[t]") for lines in columns)


def summary(trace):
    """One line naming the network and the iteration, from the trace's config and shapes."""
    c, X = trace.config, trace.values["X"]
    sizes, L = trace.sizes(), trace.layers
    output = notation.LOSS_NAMES.get(c.loss, c.loss) if c.loss != "mse" else None
    if L == 1:
        hidden = "no hidden layer"
    elif L == 2:
        hidden = f"{sizes[1]} {c.activation} hidden units"
    else:
        hidden = f"hidden layers of {', '.join(map(str, sizes[1:-1]))} {c.activation} units"
    last = output_activation(c)
    activation = last if L == 1 or last != c.activation else None  # the hidden layers' unless said
    outputs = f"{sizes[-1]} {activation + ' ' if activation else ''}outputs" + (f", {output} loss" if output else "")
    rows = "row" if X.shape[0] == 1 else "rows"
    return (f"{sizes[0]} inputs, {hidden}, {outputs}{', with biases' if 'b1' in trace.values else ''}; "
            f"{X.shape[0]} data {rows}; learning rate {format_number(c.lr)}, lambda {format_number(c.reg)}")


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


# ---- Stills: the explainer's NN_name.png before figure NN, the others (training runs) at the end ----

def natural(name):
    """Sort key: numbers inside a name compare as numbers (fig21_step5 before fig21_step10)."""
    return [(0, int(piece), "") if piece.isdigit() else (1, 0, piece) for piece in re.split(r"(\d+)", name) if piece]


def placed_stills(figure_list, stills):
    """({figure key: still names to show before it}, still names for the end). A still NN_name.png goes before
    the first figure numbered NN or more (the explainer's figures without numbers of their own, such as the
    chain rule's path, before the next figure that has them); a still past the last figure, or not named NN_...,
    goes at the end, the numbered ones first."""
    before = {f.key: [] for f in figure_list}
    numbered, others = [], []
    for name in stills:
        prefix = re.match(r"(\d+)_", name)
        (numbered if prefix else others).append((int(prefix[1]) if prefix else 0, name))
    end = []
    for number, name in sorted(numbered, key=lambda s: (s[0], natural(s[1]))):
        target = next((f.key for f in figure_list if f.number >= number), None)
        (before[target] if target else end).append(name)
    return before, end + sorted((name for _, name in others), key=natural)


def still_title(name, figure_list):
    number = re.match(r"(\d+)_", name)
    titles = {f.number: f.title for f in figure_list}
    if number and int(number[1]) in titles:
        return titles[int(number[1])]
    return re.sub(r"\.png$", "", name, flags=re.IGNORECASE).replace("_", " ")


def still_frame(name):
    r"""The still filling a plain frame, centred (no title: the picture is the explainer's own)."""
    return ("\\begin{frame}[plain]\n\\makebox[\\linewidth]{\\includegraphics"
            f"[width=\\paperwidth,height=\\paperheight,keepaspectratio]{{stills/{name}}}}}\n\\end{{frame}}\n\n")


def tex_text(text):
    """Plain text for LaTeX's text mode: h1 = leaky_relu(z1) -> h1 = leaky\\_relu(z1)."""
    special = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
               **{c: "\\" + c for c in "&%$#_{}"}}
    return "".join(special.get(c, c) for c in text)


def beamer_frames(figure):
    """The figure's frames: its rows split where they would not be readable on one, "(i/n)" in the titles."""
    planned = frames(figure.layout)
    out = ""
    for i, columns in enumerate(planned, 1):
        title = tex_text(figure.title) + (f" ({i}/{len(planned)})" if len(planned) > 1 else "")
        out += (f"\\begin{{frame}}{{{title}}}\n" + fitted(frame_math(columns), r"0.82\textheight")
                + "\\end{frame}\n\n")
    return out


def beamer(trace, precision=8, stills=()):
    """A complete Beamer deck: a title frame, then per figure its still (if given, stills/NAME) and its maths,
    on as many frames as keep the maths at 70% of its size or more; the other stills at the end."""
    columns = max(max_columns(trace), DEFAULT_MAX_COLUMNS)
    figure_list = figures(trace, precision)
    before, end = placed_stills(figure_list, stills)
    body = "".join("".join(still_frame(s) for s in before[f.key]) + beamer_frames(f) for f in figure_list)
    body += "".join(still_frame(s) for s in end)
    return ("\\documentclass[aspectratio=169]{beamer}\n\\usepackage{amsmath}\n\\usepackage{xcolor}\n"
            "\\usepackage{adjustbox}\n\\setbeamertemplate{navigation symbols}{}\n"
            f"\\setcounter{{MaxMatrixCols}}{{{columns}}}\n"
            "\\title{One iteration of backpropagation}\n"
            f"\\subtitle{{{tex_text(summary(trace))}}}\n"
            "\\date{}\n\\begin{document}\n\\begin{frame}\n\\titlepage\n\\end{frame}\n\n"
            + body + "\\end{document}\n")


def markdown(trace, precision=8, stills=()):
    """The figures as Markdown with $$ math $$ blocks, '---' between them (Marp and reveal.js slide breaks); each
    given still (stills/NAME) on a slide of its own before its figure, the others at the end."""
    parts = [f"# One iteration of backpropagation\n\n{summary(trace)}.\n"]
    figure_list = figures(trace, precision, MARKDOWN_BOXES)
    before, end = placed_stills(figure_list, stills)

    def still(name):
        return f"![{still_title(name, figure_list)}](<stills/{name}>)\n"

    for f in figure_list:
        parts += [still(name) for name in before[f.key]]
        parts.append(f"## {f.title}\n\n$$\n{aligned(f.rows)}\n$$\n")
    parts += [still(name) for name in end]
    return "---\nmarp: true\nmath: mathjax\n---\n\n" + "\n---\n\n".join(parts)


def json_export(trace):
    return dumps(trace) + "\n"


FORMATS = ("latex", "beamer", "markdown", "json", "all")


def export_text(trace, format, precision=8):
    """One format as one text (LaTeX: every fragment in one file)."""
    return {"latex": latex_single, "beamer": beamer, "markdown": markdown,
            "json": lambda t, _: json_export(t)}[format](trace, precision)


def export_files(trace, format, precision=8, stills=()):
    """{path inside the output folder: text}. latex: one fragment per figure and document.tex, which inputs
    them all; all: that under latex/, with deck.tex (Beamer), backprop.md and trace.json beside it, the deck and
    the Markdown showing `stills` (PNG names that the caller copies into stills/)."""
    fragments = latex_fragments(trace, precision)
    latex = {**fragments, "document.tex": latex_document(name.removesuffix(".tex") for name in fragments)}
    if format == "latex":
        return latex
    return {**{f"latex/{name}": text for name, text in latex.items()}, "deck.tex": beamer(trace, precision, stills),
            "backprop.md": markdown(trace, precision, stills), "trace.json": json_export(trace)}
