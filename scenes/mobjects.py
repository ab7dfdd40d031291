"""Reusable mobjects of the explainer, each with make_*_animation methods the sections compose.

- LatexMatrix / TraceMatrix: a bracketed matrix (of LaTeX symbols / of trace values) with row, column and entry
  highlights; entries are one MathTex each, so repeated numbers reuse manim's SVG cache.
- MatrixProduct: left · right (+ bias) = result, animated as a row meeting each column.
- NetworkDiagram: a network of any depth (the article's: one hidden layer), edges w1, w2, ... named as the article
  names them.
- ActivationCurve: the activation plotted, a point carrying each z up to the curve and across to h.
- ErrorBars: label against prediction per output unit, the gap the loss squares.
- ChainRule: a chain rule with its factors framed in the article's colours, arrows to their definitions.
"""
import itertools

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Axes, Circle, Create, CurvedArrow, DashedLine,
                   DashedVMobject, DoubleArrow,
                   Dot, FadeIn, FadeOut, GrowArrow, GrowFromCenter, LaggedStart, Line, MathTex, MoveAlongPath, Rectangle,
                   RoundedRectangle, SurroundingRectangle, Text, Transform, TransformFromCopy, VGroup,
                   VMobject, Write)

from manim.mobject.svg.svg_mobject import SVG_HASH_TO_MOB_MAP

from mlp_core.activations import ACTIVATIONS
from mlp_core.formatting import format_number, format_operand
from mlp_core.notation import ACTIVATION_LATEX, latex, symbol
from scenes import style


# Text -----------------------------------------------------------------------------------------------------------

def light(mobject):
    """Drop the parsed SVG path each glyph keeps: deep-copying it made every copy, Transform and FadeOut of
    text about 100x slower (1.5 ms per glyph), and nothing reads it once the points are built."""
    for part in mobject.get_family():
        if hasattr(part, "path_obj"):
            part.path_obj = None
    return mobject


def tex(*strings, font_size=style.BODY, color=style.INK):
    """Dark-ink MathTex (manim's default ink is white, for dark backgrounds), light to copy.

    manim keeps one parsed copy of each SVG and copies it for every later MathTex of the same string: those
    are made light too, once each, when a new string has been added."""
    mobject = light(MathTex(*strings, font_size=font_size, color=color))
    if len(SVG_HASH_TO_MOB_MAP) != _lightened[0]:
        for cached in SVG_HASH_TO_MOB_MAP.values():
            light(cached)
        _lightened[0] = len(SVG_HASH_TO_MOB_MAP)
    return mobject


_lightened = [0]  # how many of manim's cached SVGs have been made light


def label(string, font_size=style.SMALL, color=style.INK, **kwargs):
    """Plain words (brick names, captions, axis labels), light to copy; its string is `.text`. Other Text options
    (line_spacing, ...) pass through."""
    return light(Text(string, font_size=font_size, color=color, **kwargs))


def fit(mobject, width=style.FRAME_WIDTH, height=style.FRAME_HEIGHT):
    """Scale `mobject` down (never up) until it fits width x height."""
    factor = min(1.0, width / max(mobject.width, 1e-6), height / max(mobject.height, 1e-6))
    return mobject.scale(factor)


def result_box(mobject):
    """The article's light blue box around a result."""
    box = SurroundingRectangle(mobject, color=style.RESULT_STROKE, buff=0.12, stroke_width=2.5,
                               fill_color=style.RESULT_FILL, fill_opacity=1)
    return box.set_z_index(-1)


def shown_indices(n, limit=style.MAX_SHOWN):
    """Indices drawn for n items: all up to `limit`, else the first three, None (an ellipsis) and the last."""
    return list(range(n)) if n <= limit else [0, 1, 2, None, n - 1]


def wrap_rows(pieces, max_width, buff=0.15, indent=0.6):
    """Arrange mobjects left to right, starting a new (indented) row where one would pass max_width."""
    rows, row = [], []
    for piece in pieces:
        if row and sum(p.width + buff for p in row) + piece.width > max_width:
            rows.append(row)
            row = []
        row.append(piece)
    rows.append(row)
    groups = [VGroup(*row).arrange(RIGHT, buff=buff) for row in rows]
    block = VGroup(*groups).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
    for group in groups[1:]:
        group.shift(indent * RIGHT)
    return block


def side_by_side(lines, buff=1.2, aligned_edge=UP):
    """Lines side by side (top-aligned by default), in as few rows as fit the frame's width once shrunk to the
    smallest readable size (style.SMALL for numbers set at style.NUMBER)."""
    for per_row in range(len(lines), 0, -1):
        rows = [VGroup(*lines[k:k + per_row]).arrange(RIGHT, buff=buff, aligned_edge=aligned_edge)
                for k in range(0, len(lines), per_row)]
        if per_row == 1 or max(row.width for row in rows) * style.SMALL / style.NUMBER <= style.FRAME_WIDTH:
            return VGroup(*rows).arrange(DOWN, buff=0.4)


# Matrices -------------------------------------------------------------------------------------------------------

class LatexMatrix(VGroup):
    """A bracketed grid of LaTeX entries; None entries are ellipses. Entries are centred in their column.

    `strings[i][j]` keeps what entry (i, j) shows, `cell(i, j)` is its mobject (display positions).
    """

    def __init__(self, entries, font_size=style.NUMBER, h_buff=0.42, v_buff=0.22, color=style.INK):
        super().__init__()
        self.strings = [list(row) for row in entries]
        n_rows, n_cols = len(entries), len(entries[0])
        elided_rows = {i for i, row in enumerate(entries) if all(s is None for s in row)}
        elided_cols = {j for j in range(n_cols) if all(row[j] is None for row in entries)}
        self.cells = VGroup(*[VGroup(*[self._entry(s, i in elided_rows, j in elided_cols, font_size, color)
                                       for j, s in enumerate(row)]) for i, row in enumerate(entries)])
        widths = [max(self.cells[i][j].width for i in range(n_rows)) for j in range(n_cols)]
        heights = [max(max(c.height for c in row), 0.3 * font_size / 28) for row in self.cells]
        y = 0.0
        for i, row in enumerate(self.cells):
            x = 0.0
            for j, cell in enumerate(row):
                cell.move_to([x + widths[j] / 2, y - heights[i] / 2, 0])
                x += widths[j] + h_buff
            y -= heights[i] + v_buff
        self.add(self.cells)
        self.brackets = self._brackets(color)
        self.add(self.brackets)
        self.highlights = {}

    @staticmethod
    def _entry(string, in_elided_row, in_elided_column, font_size, color):
        """An entry's MathTex; None is an ellipsis along the elided row(s) and/or column(s)."""
        if string is not None:
            return tex(string, font_size=font_size, color=color)
        dots = r"\ddots" if in_elided_row and in_elided_column else r"\vdots" if in_elided_row else r"\cdots"
        return tex(dots, font_size=font_size, color=style.MUTED)

    def _brackets(self, color):
        top, bottom = self.cells.get_top()[1] + 0.1, self.cells.get_bottom()[1] - 0.1
        left, right = self.cells.get_left()[0] - 0.12, self.cells.get_right()[0] + 0.12
        serif = 0.1
        brackets = VGroup()
        for x, sign in ((left, 1), (right, -1)):
            bracket = VMobject(color=color, stroke_width=2.2)
            bracket.set_points_as_corners([[x + sign * serif, top, 0], [x, top, 0],
                                           [x, bottom, 0], [x + sign * serif, bottom, 0]])
            brackets.add(bracket)
        return brackets

    def cell(self, i, j):
        return self.cells[i][j]

    def row(self, i):
        return self.cells[i]

    def column(self, j):
        return VGroup(*[row[j] for row in self.cells])

    def _box(self, target):
        box = SurroundingRectangle(target, buff=0.08, stroke_width=0, fill_color=style.HIGHLIGHT, fill_opacity=0.9)
        return box.set_z_index(-1)

    def make_highlight_animation(self, kind, i, j=None):
        """Light up row i ("row"), column i ("column") or entry (i, j) ("entry"); a lit box of the same kind moves."""
        target = {"row": lambda: self.row(i), "column": lambda: self.column(i),
                  "entry": lambda: self.cell(i, j)}[kind]()
        box = self._box(target)
        if kind in self.highlights:
            return Transform(self.highlights[kind], box)
        self.highlights[kind] = box
        return FadeIn(box)

    def make_clear_highlights_animation(self):
        boxes, self.highlights = list(self.highlights.values()), {}
        return AnimationGroup(*[FadeOut(box) for box in boxes])


class TraceMatrix(LatexMatrix):
    """A matrix (or row) of trace values, formatted as the article prints them.

    Rows/columns beyond style.MAX_SHOWN are summarised by an ellipsis. `rows`/`cols` map display positions to
    the value's indices (None at an ellipsis); `strings` holds the shown text, for tests to read back.
    """

    def __init__(self, value, precision=8, **kwargs):
        self.value = np.atleast_2d(np.asarray(value, dtype=float))
        self.precision = precision
        self.rows = shown_indices(self.value.shape[0])
        self.cols = shown_indices(self.value.shape[1])
        super().__init__([[None if r is None or c is None else format_number(self.value[r, c], precision)
                           for c in self.cols] for r in self.rows], **kwargs)

    def position(self, r, c):
        """Display position of value entry (r, c), or None when it is hidden in an ellipsis."""
        if r not in self.rows or c not in self.cols:
            return None
        return self.rows.index(r), self.cols.index(c)

    def number(self, r, c):
        """The text of value entry (r, c) at this matrix's precision."""
        return format_number(self.value[r, c], self.precision)


def symbol_matrix(symbols, **kwargs):
    """A LatexMatrix of symbols (a 2-D list of LaTeX strings), elided like a TraceMatrix."""
    rows, cols = shown_indices(len(symbols)), shown_indices(len(symbols[0]))
    return LatexMatrix([[None if r is None or c is None else symbols[r][c] for c in cols] for r in rows], **kwargs)


class MatrixProduct:
    """The product left · right (+ bias) = result, shown as the row of `left` meeting each column of `right`.

    The TraceMatrix mobjects are laid out by the section; this object animates them and adds the written-out
    sum of an entry ("a × b + c × d = r", every number read from the matrices' trace values) below `anchor`.
    """

    def __init__(self, left, right, result, bias=None, max_width=style.FRAME_WIDTH, font_size=style.NUMBER):
        self.left, self.right, self.result, self.bias = left, right, result, bias
        self.max_width, self.font_size = max_width, font_size
        self.expression = None

    def terms(self, r, c):
        """LaTeX pieces of result (r, c): one (a, ×, b) triple per term (first two, ⋯, last beyond three)."""
        n = self.left.value.shape[1]
        ks = list(range(n)) if n <= 3 else [0, 1, None, n - 1]
        pieces = []
        for k in ks:
            if k is None:
                pieces.append((r"\cdots",))
                continue
            left = self.left.number(r, k)
            pieces.append((format_operand(left) if pieces else left, r"\times", format_operand(self.right.number(k, c))))
        if self.bias is not None:
            pieces.append((format_operand(self.bias.number(0, c)),))
        return pieces

    def expression_strings(self, r, c):
        """The written-out sum as one LaTeX string, e.g. '1.76 \\times (-0.67) + 0.40 \\times (-0.53) = -1.40'."""
        terms = [" ".join(term) for term in self.terms(r, c)]
        return " + ".join(terms) + " = " + self.result.number(r, c)

    def expression_mobject(self, r, c):
        """The written-out sum of result (r, c), wrapped to max_width: pieces term, +, term, ..., '= result'."""
        pieces = []
        for n, term in enumerate(self.terms(r, c)):
            if n:
                pieces.append(tex("+", font_size=self.font_size))
            pieces.append(tex(*term, font_size=self.font_size))
        pieces.append(tex("=", self.result.number(r, c), font_size=self.font_size))
        return wrap_rows(pieces, self.max_width)

    def make_entry_animations(self, r, c, anchor, detailed=True):
        """Animations to play one after the other: highlight row r and column c, then write result (r, c);
        `detailed` first writes out the sum below `anchor`, each number flying in from its matrix."""
        left_pos, right_pos, result_pos = self.left.position(r, 0), self.right.position(0, c), self.result.position(r, c)
        highlight = [self.left.make_highlight_animation("row", left_pos[0]),
                     self.right.make_highlight_animation("column", right_pos[1]),
                     self.result.make_highlight_animation("entry", *result_pos)]
        target = self.result.cell(*result_pos)
        if not detailed:
            return [AnimationGroup(*highlight, FadeIn(target, shift=0.2 * DOWN), run_time=0.7)]
        if self.expression is not None:
            highlight.append(FadeOut(self.expression))
        expression = self.expression_mobject(r, c).next_to(anchor, DOWN, buff=0.6).set_x(0)
        self.expression = expression
        flights = []
        pieces = [piece for row in expression for piece in row]
        for n, term_k in enumerate(self._term_columns(r)):
            piece, plus = pieces[2 * n], pieces[2 * n - 1:2 * n] if n else []
            if term_k is None:
                flights.append(FadeIn(*plus, piece))
            elif term_k[0] == "bias":
                flights.append(AnimationGroup(*map(FadeIn, plus), TransformFromCopy(
                    self.bias.cell(*self.bias.position(0, c)), piece[0])))
            else:
                k = term_k[1]
                sources = [self.left.cell(*self.left.position(r, k)), self.right.cell(*self.right.position(k, c))]
                flights.append(AnimationGroup(*map(FadeIn, plus), TransformFromCopy(sources[0], piece[0]),
                                              FadeIn(piece[1]), TransformFromCopy(sources[1], piece[2])))
        equals = pieces[-1]
        return [AnimationGroup(*highlight, run_time=0.8), LaggedStart(*flights, lag_ratio=0.7, run_time=2.4),
                FadeIn(equals, run_time=0.6), TransformFromCopy(equals[1], target, run_time=0.9)]

    def _term_columns(self, r):
        """What each piece of the expression reads: ("product", k), ("bias", None) or None (the ellipsis)."""
        n = self.left.value.shape[1]
        ks = list(range(n)) if n <= 3 else [0, 1, None, n - 1]
        columns = [None if k is None else ("product", k) for k in ks]
        if self.bias is not None:
            columns.append(("bias", None))
        return columns

    def make_clear_animation(self):
        """Remove the highlights and the written-out sum."""
        parts = [self.left.make_clear_highlights_animation(), self.right.make_clear_highlights_animation(),
                 self.result.make_clear_highlights_animation()]
        if self.expression is not None:
            parts.append(FadeOut(self.expression))
            self.expression = None
        return AnimationGroup(*parts)


# The network ----------------------------------------------------------------------------------------------------

def edge_number(weights, i, j, sizes):
    """The article's name index k of edge (i, j) of `weights` ("W1", "W2", ...) in a network of layer sizes `sizes`:
    W1[i, j] is w(j * n_in + i + 1); each next matrix follows on after all edges of the ones before, row by row
    (W2[i, j] is w(n_in * hidden + i * n_out + j + 1) in a network with one hidden layer)."""
    k = int(str(weights).lstrip("W"))
    if k == 1:
        return j * sizes[0] + i + 1
    return sum(a * b for a, b in zip(sizes[:k - 1], sizes[1:k])) + i * sizes[k] + j + 1


ARTICLE_EDGES = 6  # weight matrices up to this many edges have every edge named, as in the article's figures


def named_units(sizes):
    """The units whose edges NetworkDiagram names w_k, by column: {"h1": [...], ...} for each hidden layer (with no
    hidden layer, for the output layer "h1"). All units while every weight matrix has at most ARTICLE_EDGES entries,
    as the article names all 12 edges of its 2-3-2 network; else the first and the last, so that a caption may say
    "w1 to w{n_in * hidden}" and the names of the others follow the same order. An edge is named when each of its
    two ends is a listed unit or in a column not listed (`_names_edge`)."""
    units = (lambda n: list(range(n))) if _article_sized(sizes) else (lambda n: sorted({0, n - 1}))
    return {f"h{m}": units(sizes[m]) for m in range(1, max(2, len(sizes) - 1))}


def _names_edge(units, ends):
    """Whether an edge whose ends are (column, unit) pairs is named, `units` being `named_units`."""
    return all(column not in units or unit in units[column] for column, unit in ends)


def _article_sized(sizes):
    return all(a * b <= ARTICLE_EDGES for a, b in zip(sizes, sizes[1:]))


class NetworkDiagram(VGroup):
    """The network of layer sizes `sizes` = [n_in, hidden..., n_out] (`trace.sizes()`), L = len(sizes) - 1 weight
    matrices: input, hidden and output columns, Y, and edges labelled w1, w2, ... as the article names them.

    Columns: "X", "h1", ..., "hL" (the output layer, the article's "h2"), "Y" (`column(name)` is the framed column,
    `nodes[name]` its circles, `sizes[name]` its units). Edges: `edges["W1"]` ... `edges["WL"]` in value order
    (edge_index maps (i, j) to its position). Edge names: those of the `named_units`' edges (all of a network as
    small as the article's), in `edge_labels[...]` in value order, `label_index` mapping (i, j) to its position
    there (`edge_label(weights, i, j)`: the label, or None).
    With header=True, stations like the article's figures 4, 11, 15 sit above: X, W1, z1|h1, W2, ..., WL, zL|hL,
    Loss (`station(name)`, names "X", "W1", "h1", ..., "loss"), between which `path_arrow` draws the backward paths.
    """

    # Where along its edge a label may sit, nearest the middle first: the article's spots, and finer ones for labels
    # that must stay clear of other edges.
    LABEL_SPOTS = sorted((0.1 + 0.04 * k for k in range(21)), key=lambda t: abs(t - 0.5))
    CLEAR_SPOTS = sorted((0.08 + 0.01 * k for k in range(85)), key=lambda t: (abs(t - 0.5), t))
    # How far a label clear of other edges may sit above or below its edge, in half its height: never so far that
    # its edge does not run through it.
    LABEL_SHIFTS = (0.0, 0.25, -0.25, 0.5, -0.5)
    LABEL_MARGINS = (0.12, 0.08, 0.05)  # gaps kept around a label clear of other edges, widest first
    NODES_HEIGHT = 3.3  # a column's first to last node, at most: more than four nodes share the height of four
    LABEL_SEPARATION = 1.0  # labels clear of other edges keep this far apart where they can
    STATION_GAP = 0.25  # with more than two weight matrices, stations shrink (to STATION_MIN) to keep this far apart
    STATION_MIN = 0.7  # the least they shrink to

    def __init__(self, sizes, width=9.0, height=None, labels=True, header=False, output_labels=("y_1", "y_2")):
        super().__init__()
        if len(sizes) < 2:
            raise ValueError(f"a network needs at least an input and an output layer, not sizes {sizes}")
        self.layer_sizes = [int(n) for n in sizes]
        self.layers = len(sizes) - 1
        self.weights = [f"W{k}" for k in range(1, self.layers + 1)]
        names = ["X"] + [f"h{k}" for k in range(1, self.layers + 1)]
        self.output = names[-1]
        self.sizes = {**dict(zip(names, self.layer_sizes)), "Y": self.layer_sizes[-1]}
        # The node columns over 0.72 of the width (the article's 0, 0.36, 0.72 with one hidden layer), Y at the right.
        xs = {**{name: -width / 2 + 0.72 * k / self.layers * width for k, name in enumerate(names)}, "Y": width / 2}
        self.shown = {name: shown_indices(n) for name, n in self.sizes.items()}
        gaps = max(1, *(len(shown) - 1 for shown in self.shown.values()))
        self.nodes, self.columns, self.ellipses = {}, {}, VGroup()
        for name, shown in self.shown.items():
            # 1.1 units between nodes, less in a column of more than four (NODES_HEIGHT), or all to fit `height`
            spacing = min(1.1, self.NODES_HEIGHT / max(1, len(shown) - 1)) if height is None else \
                min(1.1, height / gaps)
            ys = [(len(shown) - 1) / 2 * spacing - k * spacing for k in range(len(shown))]
            nodes = VGroup()
            for index, y in zip(shown, ys):
                if index is None:
                    self.ellipses.add(tex(r"\vdots", font_size=style.SMALL, color=style.MUTED).move_to([xs[name], y, 0]))
                else:
                    nodes.add(Circle(radius=0.15, color=style.INK, stroke_width=2.5, fill_color=style.PAPER,
                                     fill_opacity=1).move_to([xs[name], y, 0]))
            self.nodes[name] = nodes
            self.columns[name] = self._frame(name, nodes, spacing)
        self.edges, self.edge_labels, self.edge_index, self.label_index, self.named_units = {}, {}, {}, {}, {}
        for weights in self.weights:
            a, b = self._ends(weights)
            edges, index = VGroup(), {}
            for i in [k for k in self.shown[a] if k is not None]:
                for j in [k for k in self.shown[b] if k is not None]:
                    start = self.nodes[a][self._node_position(a, i)].get_center()
                    end = self.nodes[b][self._node_position(b, j)].get_center()
                    index[i, j] = len(edges)
                    edges.add(Line(start, end, color=style.INK, stroke_width=2).set_z_index(-2))
            self.edges[weights], self.edge_index[weights] = edges, index
        self.arrows = VGroup(*[Arrow(output.get_right(), y.get_left(), buff=0.02, color=style.INK, stroke_width=2,
                                     max_tip_length_to_length_ratio=0.08)
                               for output, y in zip(self.nodes[self.output], self.nodes["Y"])])
        self.add(*self.columns.values(), *self.edges.values(), self.arrows, *self.nodes.values(), self.ellipses)
        if labels:
            self._label_edges()
        self.output_labels = VGroup(*[tex(output_labels[k] if k < len(output_labels) else f"y_{{{k + 1}}}",
                                          font_size=style.NUMBER - 4).next_to(self.columns["Y"], RIGHT, buff=0.1)
                                      .set_y(node.get_y()) for k, node in enumerate(self.nodes["Y"])])
        self.add(self.output_labels)
        self.stations = {}
        if header:
            self._add_header()

    def _ends(self, weights):
        """The columns a weight matrix's edges join."""
        k = int(weights[1:])
        return ("X" if k == 1 else f"h{k - 1}"), f"h{k}"

    def _node_position(self, column, index):
        return [k for k in self.shown[column] if k is not None].index(index)

    def _frame(self, name, nodes, spacing):
        """The column's frame; the output column is the article's orange block over a blue block."""
        frame = RoundedRectangle(corner_radius=0.04, width=0.38, height=nodes.height + 0.2, color=style.INK,
                                 stroke_width=2).move_to(nodes)
        if name not in (self.output, "Y"):
            return frame.set_z_index(-1)
        blocks = VGroup(*[Rectangle(width=0.38, height=min(spacing, 0.9), stroke_width=1.5, color=style.INK,
                                    fill_color=color, fill_opacity=0.85 if name == "Y" else 0.45)
                          .move_to(node) for node, color in zip(nodes, style.OUTPUT_COLORS * len(nodes))])
        return blocks.set_z_index(-1)

    def _label_edges(self):
        """Name the drawn edges of the `named_units`: all edges of a network as small as the article's, placed as
        in its figures (`_place_as_article`) when it has one hidden layer as the article's does; else each where it
        sits clear of every other edge, node and label (`_place_clear`), or, where there is no such spot, not at
        all (a wider network names the edges of its hidden layers' first and last units only)."""
        self.named_units = named_units(self.layer_sizes)
        texts = {}
        for weights in self.weights:
            a, b = self._ends(weights)
            for (i, j), e in self.edge_index[weights].items():
                if _names_edge(self.named_units, ((a, i), (b, j))):
                    text = tex(f"w_{{{edge_number(weights, i, j, self.layer_sizes)}}}", font_size=style.SMALL + 2)
                    texts[weights, e] = text.add_background_rectangle(color=style.PAPER, opacity=1, buff=0.03)
        nodes = [node for column in self.nodes.values() for node in column]
        if _article_sized(self.layer_sizes) and self.layers == 2:
            for (weights, e), text in texts.items():
                self._place_as_article(text, self.edges[weights][e], nodes)
                nodes.append(text)
            placed = set(texts)
        else:
            placed = self._place_clear(texts, nodes + list(self.columns.values()) + list(self.ellipses))
        for weights in self.weights:
            group, index = VGroup(), {}
            for pair, e in self.edge_index[weights].items():
                if (weights, e) in placed:
                    index[pair] = len(group)
                    group.add(texts[weights, e])
            self.edge_labels[weights], self.label_index[weights] = group, index
            self.add(group)

    def _place_as_article(self, text, edge, taken):
        """At the first spot along the edge (nearest the middle) where the label overlaps nothing `taken` (nodes,
        labels), else where it overlaps least: the article's figure, which has labels on crossings too."""
        best, best_overlap = None, None
        boxes = [_box(other) for other in taken]
        for t in self.LABEL_SPOTS:
            text.move_to(edge.point_from_proportion(t))
            own = _box(text)
            overlap = sum(_overlap(own, other) for other in boxes)
            if best is None or overlap < best_overlap:
                best, best_overlap = t, overlap
            if overlap == 0:
                break
        text.move_to(edge.point_from_proportion(best))

    def _place_clear(self, texts, obstacles):
        """Move each label in `texts` ((weights, edge position) -> label) to a spot on its edge where it touches no
        other edge, no obstacle and no other label, keeping one of LABEL_MARGINS around it; the keys of those
        placed. The labels with the fewest such spots go first; each takes the spot furthest (up to
        LABEL_SEPARATION) from the labels already placed, then the one nearest its edge, with the widest margin,
        nearest the middle of its edge."""
        keys = [(weights, e) for weights, group in self.edges.items() for e in range(len(group))]
        starts = np.array([self.edges[w][e].get_start()[:2] for w, e in keys])
        ends = np.array([self.edges[w][e].get_end()[:2] for w, e in keys])
        fixed = np.array([_box(mobject) for mobject in obstacles])
        spots = np.array(list(itertools.product(self.CLEAR_SPOTS, self.LABEL_SHIFTS)))  # (t, shift) pairs
        margins = np.array(self.LABEL_MARGINS)
        options = {}  # key -> the boxes of its clear spots (margin not included), their margins; preferred first
        for key, text in texts.items():
            k = keys.index(key)
            half = np.array([text.width, text.height]) / 2
            centres = starts[k] + spots[:, :1] * (ends[k] - starts[k]) + spots[:, 1:] * [0, half[1]]
            boxes = np.hstack([centres - half, centres + half])
            others = np.arange(len(keys)) != k
            clear = np.array([~_boxes_meet_any(grown, fixed) & ~_segments_meet_any(starts[others], ends[others], grown)
                              for grown in (boxes + [-m, -m, m, m] for m in margins)])  # (margin, spot)
            ok = clear.any(axis=0)
            widest = margins[clear.argmax(axis=0)]
            # Preference among equally separated spots: on the edge, the widest margin, nearest the middle.
            rank = np.lexsort((np.abs(spots[:, 0] - 0.5), -widest, np.abs(spots[:, 1])))
            order = rank[ok[rank]]
            options[key] = (boxes[order], widest[order])
        placed = {}  # key -> box
        for key in sorted(texts, key=lambda key: len(options[key][1])):
            boxes, widest = options[key]
            if placed:
                others = np.array(list(placed.values()))
                free = ~_boxes_meet_any(boxes + np.outer(widest, [-1, -1, 1, 1]), others)
                centres = (boxes[:, :2] + boxes[:, 2:]) / 2
                mids = (others[:, :2] + others[:, 2:]) / 2
                distance = np.linalg.norm(centres[:, None] - mids[None], axis=-1).min(axis=1)
                separation = np.where(free, np.minimum(distance, self.LABEL_SEPARATION), -1)
            else:
                separation = np.full(len(boxes), self.LABEL_SEPARATION)
            if len(boxes) and separation.max() >= 0:
                box = boxes[np.argmax(separation)]  # the first of the furthest: the preferred among them
                texts[key].move_to([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, 0])
                placed[key] = box
        return set(placed)

    def _add_header(self):
        """Stations above the columns: X, W1, (z1|h1), W2, ..., WL, (zL|hL), Loss, as in the article's figures 4,
        11, 15; with more than two weight matrices, shrunk as needed to keep STATION_GAP between them."""
        top = max(column.get_top()[1] for column in self.columns.values()) + 0.75
        def split(left, right):
            circle = Circle(radius=0.42, color=style.INK, stroke_width=2)
            line = Line(circle.get_top(), circle.get_bottom(), color=style.INK, stroke_width=2)
            parts = VGroup(tex(left, font_size=style.NUMBER).move_to(circle.get_center() + 0.2 * LEFT),
                           tex(right, font_size=style.NUMBER).move_to(circle.get_center() + 0.2 * RIGHT))
            return VGroup(circle, line, parts)
        def whole(symbol):
            circle = Circle(radius=0.42, color=style.INK, stroke_width=2)
            return VGroup(circle, tex(symbol, font_size=style.NUMBER))
        x = {name: column.get_x() for name, column in self.columns.items()}
        self.stations = {"X": whole("X").move_to([x["X"], top, 0])}
        for weights in self.weights:
            a, b = self._ends(weights)
            k = weights[1:] if len(weights) == 2 else f"{{{weights[1:]}}}"  # W_2, W_{12}
            self.stations[weights] = tex(f"W_{k}", font_size=style.NUMBER).move_to([(x[a] + x[b]) / 2, top, 0])
            self.stations[b] = split(f"z_{k}", f"h_{k}").move_to([x[b], top, 0])
        self.stations["loss"] = whole(r"\mathrm{Loss}").move_to([x["Y"], top, 0])
        self.stations["loss"][1].scale_to_fit_width(0.62)
        if self.layers > 2:
            row = list(self.stations.values())
            factor = min([1.0] + [(b.get_x() - a.get_x() - self.STATION_GAP) / ((a.width + b.width) / 2)
                                  for a, b in zip(row, row[1:])])
            for station in row:
                station.scale(max(factor, self.STATION_MIN))
        self.header = VGroup(*self.stations.values())
        self.add(self.header)

    def column(self, name):
        return self.columns[name]

    def station(self, name):
        return self.stations[name]

    def edge(self, weights, i, j):
        return self.edges[weights][self.edge_index[weights][i, j]]

    def edge_label(self, weights, i, j):
        """The name w_k on edge (i, j) of `weights`, or None where the edge is drawn unnamed (or not drawn)."""
        position = self.label_index.get(weights, {}).get((i, j))
        return None if position is None else self.edge_labels[weights][position]

    def make_highlight_edges_animation(self, weights, color=style.EDGE_HIGHLIGHT, edges=None):
        """Colour a weight matrix's edges and labels (all, or the (i, j) pairs in `edges`)."""
        pairs = list(self.edge_index[weights]) if edges is None else [p for p in edges if p in self.edge_index[weights]]
        targets = [self.edges[weights][self.edge_index[weights][p]] for p in pairs]
        named = self.label_index.get(weights, {})
        texts = [self.edge_labels[weights][named[p]][1] for p in pairs if p in named]
        return AnimationGroup(*[t.animate.set_color(color).set_stroke(width=3.5) for t in targets],
                              *[t.animate.set_color(color) for t in texts])

    def make_reset_edges_animation(self):
        edges = [e for group in self.edges.values() for e in group]
        texts = [t[1] for group in self.edge_labels.values() for t in group]
        return AnimationGroup(*[e.animate.set_color(style.INK).set_stroke(width=2) for e in edges],
                              *[t.animate.set_color(style.INK) for t in texts])

    def make_reset_animation(self):
        """Everything back to dark ink: edges, labels, nodes and stations."""
        nodes = [node for group in self.nodes.values() for node in group]
        return AnimationGroup(self.make_reset_edges_animation(),
                              *[node.animate.set_stroke(color=style.INK, width=2.5) for node in nodes],
                              *[station.animate.set_color(style.INK) for station in self.stations.values()])

    def make_highlight_layer_animation(self, name, color=style.EDGE_HIGHLIGHT):
        """Colour a column's nodes ("X", "h1", ..., "Y") or a weight matrix's edges and names ("W1", ...), and the
        station of that name, with a header (also "loss")."""
        parts = [node.animate.set_stroke(color=color, width=4) for node in self.nodes.get(name, [])]
        if name in self.edges:
            parts.append(self.make_highlight_edges_animation(name, color))
        if name in self.stations:
            parts.append(self.stations[name].animate.set_color(color))
        if not parts:
            raise KeyError(f"no column, weight matrix or station {name!r}")
        return AnimationGroup(*parts)

    def path_arrow(self, start, end, symbol, color, curved=False):
        """An arrow between two stations (or curved over one, start == end) with a LaTeX label above it. With
        stations between them, it rises from `start` and runs over them to end just beside `end`, at that height."""
        a, b = self.stations[start], self.stations[end]
        low, high = sorted((a.get_x(), b.get_x()))
        between = [s for s in self.stations.values() if low < s.get_x() < high]
        if curved:
            arrow = CurvedArrow(a.get_top() + 0.05 * UP + 0.3 * RIGHT, a.get_top() + 0.05 * UP + 0.3 * LEFT,
                                angle=1.9, color=color, stroke_width=6)
        elif between:
            via = max(s.get_top()[1] for s in (a, b, *between)) + 0.3
            side = RIGHT if a.get_x() > b.get_x() else LEFT
            corners = [a.get_top() + 0.05 * UP, [a.get_x(), via, 0], [b.get_edge_center(side)[0], via, 0]]
            arrow = VGroup(VMobject(color=color, stroke_width=6).set_points_as_corners(corners[:2]),
                           Arrow(corners[1], np.array(corners[2]) + 0.15 * side, buff=0, color=color, stroke_width=6,
                                 max_tip_length_to_length_ratio=0.1))
        else:
            direction = RIGHT if b.get_x() > a.get_x() else LEFT
            start, end = a.get_edge_center(direction), b.get_edge_center(-direction)
            gap = abs(end[0] - start[0])  # under 0.4 between the close stations of a deep network: a shorter buff
            arrow = Arrow(start, end, buff=min(0.1, gap / 4), color=color, stroke_width=6,
                          max_tip_length_to_length_ratio=0.25 if gap >= 0.4 else 0.5)
        text = tex(symbol, font_size=style.SMALL + 2, color=style.INK).next_to(arrow, UP, buff=0.1)
        return VGroup(arrow, text)

    def make_path_animation(self, arrows):
        """Draw path arrows one after the other, each with its label (a LaggedStart: every arrow starts hidden)."""
        return LaggedStart(*[AnimationGroup(GrowArrow(a[0]) if isinstance(a[0], Arrow) else Create(a[0]),
                                            FadeIn(a[1])) for a in arrows], lag_ratio=1)


def _overlap(a, b):
    """Area where two boxes (left, bottom, right, top) overlap."""
    dx = min(a[2], b[2]) - max(a[0], b[0])
    dy = min(a[3], b[3]) - max(a[1], b[1])
    return max(dx, 0) * max(dy, 0)


def _box(mobject):
    """A mobject's bounding box (left, bottom, right, top)."""
    return mobject.get_left()[0], mobject.get_bottom()[1], mobject.get_right()[0], mobject.get_top()[1]


def _boxes_meet_any(boxes, others):
    """For each box (left, bottom, right, top) in `boxes`, whether it overlaps any of `others`."""
    if not len(others):
        return np.zeros(len(boxes), bool)
    a, b = boxes[:, None], others[None]
    meet = (a[..., 0] < b[..., 2]) & (b[..., 0] < a[..., 2]) & (a[..., 1] < b[..., 3]) & (b[..., 1] < a[..., 3])
    return meet.any(axis=1)


def _segments_meet_any(starts, ends, boxes):
    """For each box (left, bottom, right, top), whether any segment starts[m]-ends[m] passes through it
    (Liang-Barsky clipping)."""
    if not len(starts):
        return np.zeros(len(boxes), bool)
    d = ends - starts
    p = np.stack([-d[:, 0], d[:, 0], -d[:, 1], d[:, 1]], axis=-1)[None]  # (1, segment, side)
    q = np.stack([starts[:, 0] - boxes[:, None, 0], boxes[:, None, 2] - starts[:, 0],
                  starts[:, 1] - boxes[:, None, 1], boxes[:, None, 3] - starts[:, 1]], axis=-1)  # (box, segment, side)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = q / p
    low = np.maximum(np.where(p < 0, r, -np.inf).max(axis=-1), 0.0)
    high = np.minimum(np.where(p > 0, r, np.inf).min(axis=-1), 1.0)
    outside = ((p == 0) & (q < 0)).any(axis=-1)  # parallel to a side, beyond it
    return ((low <= high) & ~outside).any(axis=1)


# The activation -------------------------------------------------------------------------------------------------

class ActivationCurve(VGroup):
    """Axes with the activation's curve over the z values to map; the curve is mlp_core's own function. For a
    ReLU the derivative's step (its slope left and right of 0) is drawn dashed under the curve."""

    STEPPED = ("relu", "leaky_relu")  # piecewise linear: their derivative is a step

    def __init__(self, activation, z_values, width=5.2, height=3.0):
        super().__init__()
        function = ACTIVATIONS[activation].function
        reach = max(4.0, float(np.ceil(np.max(np.abs(z_values)))) + 1.0)
        ends = function(np.array([-reach, reach]))
        low, high = float(np.floor(min(ends.min(), 0.0))), float(np.ceil(max(ends.max(), 1.0)))
        self.axes = Axes(x_range=[-reach, reach, reach / 2], y_range=[low, high, 0.5 if high - low <= 2 else reach / 2],
                         x_length=width, y_length=height,
                         axis_config={"color": style.MUTED, "include_tip": False, "stroke_width": 2})
        self.function = function
        self.curve = self.axes.plot(function, x_range=[-reach, reach], color=style.FORWARD, stroke_width=3.5)
        name = tex(rf"{ACTIVATION_LATEX[activation] or ''}(z)", font_size=style.SMALL + 4, color=style.FORWARD)
        name.next_to(self.axes.c2p(reach, function(reach)), UP + LEFT, buff=0.1)
        self.axis_labels = VGroup(tex("z", font_size=style.SMALL + 4).next_to(self.axes.x_axis, RIGHT, buff=0.1),
                                  tex("h", font_size=style.SMALL + 4).next_to(self.axes.y_axis, UP, buff=0.1))
        self.slope = VGroup()
        if activation in self.STEPPED:
            left, right = ACTIVATIONS[activation].derivative(function(np.array([-1.0, 1.0])))
            self.slope.add(DashedLine(self.axes.c2p(-reach, left), self.axes.c2p(0, left), color=style.BACKWARD),
                           DashedLine(self.axes.c2p(0, right), self.axes.c2p(reach, right), color=style.BACKWARD),
                           tex(r"\frac{\partial h}{\partial z}", font_size=style.SMALL + 2, color=style.BACKWARD)
                           .next_to(self.axes.c2p(-reach, left), UP + RIGHT, buff=0.1))
        self.dot = Dot(color=style.BACKWARD, radius=0.09)
        self.marks = VGroup()
        self.add(self.axes, self.curve, name, self.axis_labels, self.slope)

    def make_draw_animations(self):
        """The axes and the curve drawn, the names (and the derivative's step) faded in."""
        return [Create(self.axes), Create(self.curve), FadeIn(VGroup(*self[2:]))]

    def make_mapping_animations(self, z, h, z_source, h_target, previous_z=None):
        """Animations to play in turn: z (a copy of z_source) drops to the axis, the point rises to the curve (or
        slides along it from previous_z), then h is read off the vertical axis and lands in h_target.

        `h` is the trace's value at z, so the point lands on the curve. The drop lines stay, in self.marks.
        """
        on_axis, on_curve, on_h_axis = self.axes.c2p(z, 0), self.axes.c2p(z, h), self.axes.c2p(0, h)
        z_copy = z_source.copy()
        up = DashedLine(on_axis, on_curve, color=style.MUTED, stroke_width=2)
        across = DashedLine(on_curve, on_h_axis, color=style.MUTED, stroke_width=2)
        self.marks.add(up, across)
        drop = z_copy.animate.scale(0.8).next_to(on_axis, DOWN, buff=0.1)
        if previous_z is None:
            self.dot.move_to(on_axis)
            steps = [AnimationGroup(drop, FadeIn(self.dot), run_time=0.8),
                     AnimationGroup(MoveAlongPath(self.dot, Line(on_axis, on_curve)), Create(up), run_time=0.8)]
        else:
            low, high = sorted((previous_z, z))
            path = self.axes.plot(self.function, x_range=[low, high] if high > low else [low, low + 1e-3])
            if z < previous_z:
                path.reverse_points()
            steps = [AnimationGroup(drop, MoveAlongPath(self.dot, path), Create(up), run_time=1.2)]
        h_copy = h_target.copy().scale(0.8).next_to(on_h_axis, LEFT, buff=0.1)
        return steps + [AnimationGroup(Create(across), FadeIn(h_copy, shift=0.3 * LEFT), run_time=0.7),
                        AnimationGroup(FadeOut(z_copy), TransformFromCopy(h_copy, h_target), FadeOut(h_copy),
                                       run_time=0.8)]


class ErrorBars(VGroup):
    """One scale per output unit: the label y as a tick, the prediction h2 (LaTeX `name`) as a dot, the gap between them
    (the error the loss squares) as a red arrow. `low` is the scale's bottom (the activation's lowest value)."""

    def __init__(self, y, h2, low, height=2.2, spacing=1.3, name="h_2"):
        super().__init__()
        self.scales, self.labels, self.predictions, self.errors = VGroup(), VGroup(), VGroup(), VGroup()

        def at(x, value):
            return [x, (value - low) / (1 - low) * height, 0]
        for c, color in zip(range(len(y)), style.OUTPUT_COLORS * len(y)):
            x = spacing * c
            self.scales.add(Line(at(x, low), at(x, 1), color=style.MUTED, stroke_width=3))
            self.labels.add(Line(at(x - 0.2, y[c]), at(x + 0.2, y[c]), color=style.INK, stroke_width=5))
            self.predictions.add(Dot(at(x, h2[c]), radius=0.11, color=color))
            gap = abs(at(0, y[c])[1] - at(0, h2[c])[1])
            self.errors.add(DoubleArrow(at(x + 0.35, h2[c]), at(x + 0.35, y[c]), buff=0, color=style.BACKWARD,
                                        stroke_width=3, tip_length=0.15) if gap > 0.3 else VGroup())
        self.names = VGroup(tex("y", font_size=style.SMALL + 4).next_to(self.labels[0], LEFT, buff=0.15),
                            tex(name, font_size=style.SMALL + 4, color=style.OUTPUT_COLORS[0])
                            .next_to(self.predictions[0], LEFT, buff=0.25))
        self.add(self.scales, self.labels, self.predictions, self.errors, self.names)

    def make_reveal_animations(self):
        """Animations to play in turn: scales and labels, each prediction rising from the bottom, the gaps."""
        bottom = self.scales.get_bottom()[1]
        return [AnimationGroup(FadeIn(self.scales), FadeIn(self.labels), FadeIn(self.names)),
                AnimationGroup(*[FadeIn(dot, shift=(dot.get_y() - bottom) * UP) for dot in self.predictions],
                               run_time=1.2),
                AnimationGroup(*[GrowFromCenter(e) for e in self.errors])]


# The chain rule -------------------------------------------------------------------------------------------------

class ChainRule(VGroup):
    """A chain rule `lhs = f1 f2 ...` as one MathTex, its factors framed in colour, and their definitions.

    Names are trace names (LaTeX from mlp_core.notation.symbol). A frame surrounds one factor or several
    neighbouring ones, dashed where their product is reused from another chain rule. Definitions are
    `[factor] = rhs` rows read from the trace's formulas, linked to their factor by elbow arrows (figures 10, 14).
    Every part is built up front, so the layout is known before anything is shown; the make_*_animation
    methods show the parts.
    """

    def __init__(self, lhs, factors, font_size=style.BODY):
        super().__init__()
        self.names, self.font_size = [lhs, *factors], font_size
        self.expression = tex(symbol(lhs), "=", *(symbol(name) for name in factors), font_size=font_size)
        for k, term in enumerate(self.expression[3:], start=1):  # a gap between factors, so frames do not touch
            term.shift(0.16 * k * RIGHT)
        self.boxes, self.definitions, self.arrows = {}, {}, []
        self.add(self.expression)

    def term(self, name):
        """The part of the expression that shows `name`."""
        index = self.names.index(name)
        return self.expression[0] if index == 0 else self.expression[index + 1]

    def add_box(self, names, color, dashed=False):
        """Frame the neighbouring terms `names` (one name or a tuple of names); returns the frame."""
        names = (names,) if isinstance(names, str) else tuple(names)
        self.boxes[names] = self.frame(VGroup(*(self.term(name) for name in names)), color, dashed)
        self.add(self.boxes[names])
        return self.boxes[names]

    def box(self, names):
        return self.boxes[(names,) if isinstance(names, str) else tuple(names)]

    def add_definitions(self, trace, names, colors, buff=1.3, spacing=0.8):
        """Rows `[factor] = rhs` (the trace's formulas) side by side below, each reached by an elbow arrow."""
        rows = VGroup()
        for name, color in zip(names, colors):
            lhs = tex(symbol(name), font_size=self.font_size)
            rhs = tex("= " + latex(trace.step(name).expr), font_size=self.font_size)
            row = VGroup(lhs, rhs.next_to(lhs, RIGHT, buff=0.15))
            row.add(self.frame(lhs, color))
            self.definitions[name] = row
            rows.add(row)
        rows.arrange(RIGHT, buff=spacing).next_to(self.expression, DOWN, buff=buff)
        top, bottom = self.expression.get_bottom()[1], rows.get_top()[1]
        for k, (name, color) in enumerate(zip(names, colors)):  # each elbow at its own height
            via = top - (k + 1) * (top - bottom) / (len(names) + 1)
            self.arrows.append(self.add_arrow(self.box(name), self.definitions[name][2], color, via=via))
        self.add(rows)
        return rows

    def add_arrow(self, start, end, color, dashed=False, via=None):
        """An elbow arrow from mobject `start` to `end`: vertical out, horizontal at height `via`, vertical in."""
        down = end.get_y() < start.get_y()
        begin = start.get_bottom() if down else start.get_top()
        if via is None:
            via = (begin[1] + (end.get_top() if down else end.get_bottom())[1]) / 2
        finish = end.get_top() if via > end.get_y() else end.get_bottom()
        arrow = self.arrow_through([begin, [begin[0], via, 0], [finish[0], via, 0], finish], color, dashed)
        self.add(arrow)
        return arrow

    @staticmethod
    def arrow_through(points, color, dashed=False):
        """An arrow along the corners `points` (repeats dropped), its tip at the last one."""
        points = [np.array(p, dtype=float) for p in points]
        points = [p for k, p in enumerate(points) if k == 0 or not np.allclose(p, points[k - 1])]
        arrow = VGroup(Arrow(points[-2], points[-1], buff=0, color=color, stroke_width=4, tip_length=0.15,
                             max_tip_length_to_length_ratio=1, max_stroke_width_to_length_ratio=100))
        if len(points) > 2:
            path = VMobject(color=color, stroke_width=4).set_points_as_corners(points[:-1])
            arrow.insert(0, DashedVMobject(path, num_dashes=max(3, int(path.get_arc_length() / 0.18)))
                         if dashed else path)
        return arrow

    @staticmethod
    def frame(mobject, color, dashed=False):
        """A rectangle around `mobject` in a factor's colour, dashed for a reused factor."""
        box = SurroundingRectangle(mobject, color=color, buff=0.06, stroke_width=3)
        return DashedVMobject(box, num_dashes=max(8, int(box.get_arc_length() / 0.15))) if dashed else box

    def make_write_animation(self):
        return Write(self.expression)

    def make_boxes_animation(self, *names):
        """Draw the frames of `names` (all frames by default), one after another."""
        boxes = [self.box(name) for name in names] if names else list(self.boxes.values())
        return LaggedStart(*(Create(box) for box in boxes), lag_ratio=0.5)

    def make_definitions_animations(self):
        """Animations to play in turn: for each factor, its arrow runs down, then its definition appears.

        (Not one Succession: manim shows a Succession's later mobjects before their animations start.)"""
        return [animation for arrow, row in zip(self.arrows, self.definitions.values())
                for animation in (Create(arrow, lag_ratio=1), FadeIn(row, shift=0.2 * DOWN))]

    def make_arrow_animation(self, arrow):
        """Draw one arrow made by add_arrow, from its start to its tip."""
        return Create(arrow, lag_ratio=1)

