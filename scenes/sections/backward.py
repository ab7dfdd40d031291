"""Figures 10-17: the backward pass: the chain rule for W2, then for W1, each factor's numbers, the updates.

Formulas are the trace's (its steps' structure, mlp_core.notation) and numbers its values: a formula's names
are swapped for the matrices they stand for, so "h_2(1 - h_2)" becomes "[0.37 0.45](1 - [0.37 0.45])" for any network.
Where the article misprinted a number (mlp_core.article.misprints), the correct value is shown and a note
quotes what the article printed.
"""
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, MathTex,
                   ReplacementTransform, TransformFromCopy, VGroup, Write)

from mlp_core.article import misprints
from mlp_core.formatting import format_number
from mlp_core.notation import Ref, pieces, symbol
from scenes import narration, style
from scenes.mobjects import ChainRule, NetworkDiagram, TraceMatrix, fit, label, result_box, tex, wrap_rows

# Each factor's colour, as in the article; dL_dz2 is the product reused from W2's chain rule (dashed).
COLORS = {"dL_dh2": style.FACTOR_DL_DH2, "dh2_dz2": style.FACTOR_DH2_DZ2, "dz2_dW2": style.FACTOR_DZ_DW,
          "dL_dh1": style.FACTOR_DL_DH1, "dh1_dz1": style.FACTOR_DH1_DZ1, "dz1_dW1": style.FACTOR_DZ_DW,
          "dL_dz2": style.REUSED}
DASHED = {"dL_dz2"}
W2_FACTORS = ("dL_dh2", "dh2_dz2", "dz2_dW2")
W1_FACTORS = ("dL_dh1", "dh1_dz1", "dz1_dW1")
TOP, BOTTOM = 4.0 - style.MARGIN, -4.0 + style.MARGIN
LEFT_EDGE = -style.FRAME_WIDTH / 2


def enlarge(mobject, most=1.25):
    """Scale a figure up (at most `most` times) towards the frame's size, for the figures without numbers."""
    return mobject.scale(min(most, 0.9 * style.FRAME_WIDTH / mobject.width, 0.8 * style.FRAME_HEIGHT / mobject.height))


def chain_rule(lhs, factors, boxed=None):
    """The chain rule for `lhs`, the factors in `boxed` (default: all) framed in their colours."""
    chain = ChainRule(lhs, factors)
    for name in factors if boxed is None else boxed:
        chain.add_box(name, COLORS[name], dashed=name in DASHED)
    return chain


def header(scene, lhs, factors):
    """The figure's chain rule along the top, brought back quickly from the figure before."""
    chain = fit(chain_rule(lhs, factors)).to_edge(UP, buff=0.25)
    scene.play(FadeIn(chain.expression), chain.make_boxes_animation(), run_time=0.8)
    return chain


class Board:
    """Lines written one under another below `top`, grouped in blocks (one derivation each).

    A line goes to the right of the last one when it fits there. When the frame is full, the older blocks
    are cleared and the current one moves up; a block taller than the frame scrolls.
    """

    def __init__(self, scene, top, buff=0.2):
        self.scene, self.top, self.buff, self.blocks = scene, top, buff, []

    def start_block(self):
        self.blocks.append([])

    def place(self, line, left=LEFT_EDGE, beside=False):
        """Put `line` under the last line, left edge at `left` (or beside the last line, if it fits there)."""
        lines = [old for block in self.blocks for old in block]
        if line.width > style.FRAME_WIDTH / 2 - left:  # too wide where it should start: start at the margin
            left = LEFT_EDGE
        fit(line, width=style.FRAME_WIDTH / 2 - left, height=self.top - BOTTOM)
        if beside and lines and lines[-1].get_right()[0] + 0.3 + line.width <= style.FRAME_WIDTH / 2:
            line.next_to(lines[-1], RIGHT, buff=0.3)
            ceiling = min([old.get_bottom()[1] for old in lines[:-1]] + [self.top + self.buff]) - self.buff
            if line.get_top()[1] > ceiling:  # taller than its neighbour: both move down
                drop = (line.get_top()[1] - ceiling) * DOWN
                line.shift(drop)
                self.scene.play(lines[-1].animate.shift(drop), run_time=0.3)
        else:
            below = min([old.get_bottom()[1] for old in lines] + [self.top + self.buff])
            line.move_to([left, below - self.buff, 0], aligned_edge=LEFT + UP)
        overflow = BOTTOM - line.get_bottom()[1]
        if overflow > 0:
            self.make_room(line, overflow)
        self.blocks[-1].append(line)
        return line

    def make_room(self, line, overflow):
        """Clear the older blocks (or scroll the current one) until `line` fits."""
        current = self.blocks[-1]
        older = [old for block in self.blocks[:-1] for old in block]
        block_top = max(old.get_top()[1] for old in [*current, line])
        lift = max(self.top - block_top if older else 0, overflow)  # the current block moves up to the top
        leaving = older + [old for old in current if old.get_top()[1] + lift > self.top + 1e-6]
        staying = [old for old in current if old not in leaving]
        line.shift(lift * UP)
        self.scene.play(*(FadeOut(old) for old in leaving), *(old.animate.shift(lift * UP) for old in staying),
                        run_time=0.7)
        self.blocks = [staying]


def formula_parts(step):
    """A step's right-hand side as LaTeX pieces and names, from its structure (mlp_core.notation)."""
    return [p.name if isinstance(p, Ref) else p.latex.strip() for p in pieces(step.expr, sized=False)
            if isinstance(p, Ref) or p.latex.strip()]


def glued(pieces):
    """Pieces with each superscript ("^2", "^T") stuck to the top right of the piece before it."""
    units = []
    for piece in pieces:
        if units and isinstance(piece, MathTex) and piece.get_tex_string().startswith("^"):
            units[-1] = VGroup(units[-1], piece.next_to(units[-1], RIGHT, buff=0.04, aligned_edge=UP))
        else:
            units.append(piece)
    return units


def in_rows(pieces, buff=0.08):
    """Pieces on one line, or on several when one line would have to shrink below the smallest font size."""
    units = glued(pieces)
    width = sum(unit.width for unit in units) + buff * (len(units) - 1)
    readable = width * style.SMALL / style.NUMBER <= style.FRAME_WIDTH
    return wrap_rows(units, style.FRAME_WIDTH if not readable else width + 1, buff=buff)


class Derivation:
    """`[name] = formula`, then `= the formula with numbers`, then `= result`: three lines, as in figure 12.

    Symbols of factors (and their numbers) are framed in the factor's colour, as in the chain rules.
    `boxed_result` writes the last line as `name = result` in the article's light blue result box.
    """

    def __init__(self, trace, name, boxed_result=False):
        precision = style.precision_for(trace)
        step = trace.step(name)
        self.name, self.parts = name, formula_parts(step)
        named = [k for k, part in enumerate(self.parts) if part in step.inputs or part == "alpha"]
        lhs = tex(symbol(name))
        rhs = tex("=", *(symbol(part) if k in named else part for k, part in enumerate(self.parts)))
        self.first = VGroup(lhs, rhs.next_to(lhs, RIGHT, buff=0.12))
        self.symbols = {k: rhs[k + 1] for k in named}
        self.frames = VGroup(*(self.frame(self.parts[k], self.symbols[k]) for k in named if self.parts[k] in COLORS))
        self.lhs_frame = self.frame(name, lhs) if name in COLORS else None
        self.first.add(self.frames, *([self.lhs_frame] if self.lhs_frame else []))

        self.values = {k: TraceMatrix(trace.values[self.parts[k]], precision=precision, font_size=style.NUMBER)
                       if self.parts[k] != "alpha" else tex(format_number(trace.config.lr))
                       for k in named}
        self.operators = VGroup(*(tex(part) for k, part in enumerate(self.parts) if k not in named))
        operators = iter(self.operators)
        self.equals = tex("=")
        self.numbers = in_rows([self.equals, *(self.values[k] if k in named else next(operators)
                                             for k in range(len(self.parts)))])
        self.value_frames = VGroup(*(self.frame(self.parts[k], self.values[k])
                                     for k in named if self.parts[k] in COLORS))
        self.numbers.add(self.value_frames)

        result = TraceMatrix(trace.values[name], precision=precision, font_size=style.NUMBER)
        if boxed_result:
            self.result = VGroup(tex(symbol(name), "="), result).arrange(RIGHT, buff=0.15)
            self.result.add(result_box(self.result))
        else:
            self.result = VGroup(tex("="), result).arrange(RIGHT, buff=0.15)
        self.boxed_result = boxed_result

    @staticmethod
    def frame(name, mobject):
        return ChainRule.frame(mobject, COLORS[name], dashed=name in DASHED)

    def equals_x(self):
        """Where continuation lines start: under the first line's "="."""
        return self.first[1][0].get_left()[0]

    def play_formula(self, scene, board, sources=None, move=False):
        """Write `[name] = formula`; parts found in `sources` (name -> mobject) come from there, copied or moved."""
        sources = sources or {}
        board.start_block()
        board.place(self.first)
        fly = ReplacementTransform if move else TransformFromCopy
        targets = {k: self.symbols[k] for k in self.symbols if self.parts[k] in sources}
        flights = [fly(sources[self.parts[k]], target) for k, target in targets.items()]
        frames = list(self.frames)
        if self.name in sources:
            target = self.lhs_frame if self.lhs_frame is not None else self.first[0]
            flights.append(fly(sources[self.name], target))
        if self.lhs_frame is not None and self.name not in sources:
            frames.append(self.lhs_frame)
        rhs = self.first[1]
        written = [rhs[0], *(rhs[k + 1] for k in range(len(self.parts)) if k not in targets)]
        if self.lhs_frame is not None or self.name not in sources:
            written.insert(0, self.first[0])
        scene.play(*(Write(mobject) for mobject in written), *flights, run_time=1.4)
        if frames:
            scene.play(LaggedStart(*(Create(frame) for frame in frames), lag_ratio=0.3), run_time=0.6)

    def play_numbers(self, scene, board, notes=()):
        """Each symbol turns into its numbers, the numbers combine into the result; errata notes follow."""
        self.play_values(scene, board)
        self.play_result(scene, board, notes)

    def play_values(self, scene, board):
        board.place(self.numbers, left=self.equals_x(), beside=True)
        # Fades, not morphs: morphing a symbol into a grid of numbers costs seconds per frame to set up.
        scene.play(*(FadeIn(value, target_position=self.symbols[k], scale=0.6) for k, value in self.values.items()),
                   FadeIn(self.equals), FadeIn(self.operators), *(Create(f) for f in self.value_frames),
                   run_time=1.4)

    def play_result(self, scene, board, notes=()):
        if len(self.parts) > 1 or self.boxed_result:  # "= h_1": the numbers are already the result
            board.place(self.result, left=LEFT_EDGE if self.boxed_result else self.equals_x())
            scene.play(FadeIn(self.result, target_position=self.numbers, scale=0.6), run_time=1.2)
        for note in notes:
            scene.say(narration.MISPRINT)
            board.place(note, left=self.equals_x(), beside=True)
            scene.play(FadeIn(note, shift=0.2 * UP), run_time=0.6)


def errata_notes(trace, figure, names):
    """What the article printed where it misprinted one of `names` in `figure`: a note, or nothing."""
    rows = [row for row in misprints(trace) if row.figure == figure and row.name in names]
    if not rows:
        return []
    heading = label("Misprinted in the article:", color=style.BACKWARD)
    notes = [VGroup(label(row.where, color=style.BACKWARD), label(f"printed {row.printed}", color=style.BACKWARD))
             .arrange(DOWN, aligned_edge=LEFT, buff=0.08) for row in rows]
    notes = VGroup(*notes).arrange(DOWN, aligned_edge=LEFT, buff=0.2)
    return [VGroup(heading, notes).arrange(DOWN, aligned_edge=LEFT, buff=0.08)]


def network_with_header(trace):
    """The network with the stations X, W1, z1|h1, W2, z2|h2, Loss above it, fitted to the frame."""
    n_in, hidden = trace.values["W1"].shape
    network = NetworkDiagram(n_in, hidden, trace.values["W2"].shape[1], header=True)
    return fit(network, height=style.FRAME_HEIGHT - 1.6).move_to(0.6 * DOWN)


def arrow_over_network(network, start, end, symbol, color):
    """A path arrow from station `start` up, over the stations between, ending just right of station `end`."""
    a, b = network.station(start), network.station(end)
    via = b.get_top()[1] + 0.3
    arrow = ChainRule.arrow_through([a.get_top(), [a.get_x(), via, 0], [b.get_right()[0] + 0.15, via, 0]], color)
    return VGroup(arrow, tex(symbol, font_size=style.SMALL + 2).next_to(arrow, UP, buff=0.1))


def factors_with_numbers(scene, trace, lhs, factors, figure):
    """The chain rule along the top, then each factor: its formula, its numbers, its value (figures 12, 16)."""
    chain = header(scene, lhs, factors)
    board = Board(scene, chain.get_bottom()[1] - 0.1)
    derivations = [Derivation(trace, name) for name in factors]
    # A misprint is noted after the last derivation that shows the misprinted value.
    noted = {name: set() for name in factors}
    for row in misprints(trace):
        users = [d.name for d in derivations if row.name in (d.name, *d.parts)]
        if row.figure == figure and users:
            noted[users[-1]].add(row.name)
    for derivation in derivations:
        scene.say(narration.figure(trace, figure)[derivation.name])
        derivation.play_formula(scene, board, sources={derivation.name: chain.box(derivation.name)})
        derivation.play_numbers(scene, board, errata_notes(trace, figure, noted[derivation.name]))
        scene.beat()


def product_and_update(scene, trace, gradient, factors, update, figure, words):
    """The factors' numbers flow into the gradient, then the update W* = W - alpha dLoss/dW (figures 13, 17)."""
    chain = header(scene, gradient, factors)
    board = Board(scene, TOP)
    product = Derivation(trace, gradient)
    scene.say(words[0])
    scene.play(FadeOut(VGroup(*chain.boxes.values(), chain.expression[1])), run_time=0.4)
    product.play_formula(scene, board, sources={name: chain.term(name) for name in (gradient, *factors)}, move=True)
    product.play_values(scene, board)
    # The first entry: one column of the layer's input meets the first column of the two other factors.
    matrices = {product.parts[k]: matrix for k, matrix in product.values.items()}
    lit = [matrices[name] for name in trace.step(gradient).inputs[:3]] + [product.result[1]]
    scene.play(*(matrix.make_highlight_animation("column", 0) for matrix in lit[:3]), run_time=0.8)
    product.play_result(scene, board, errata_notes(trace, figure, set(product.parts)))
    scene.play(lit[3].make_highlight_animation("entry", 0, 0), run_time=0.6)
    scene.beat()
    scene.play(*(matrix.make_clear_highlights_animation() for matrix in lit), run_time=0.4)
    scene.say(words[1])
    step = Derivation(trace, update, boxed_result=True)
    step.play_formula(scene, board)
    step.play_numbers(scene, board)
    scene.beat()


# Figures 10-13: W2 ----------------------------------------------------------------------------------------------

def figure_10_chain_w2(scene, trace):
    chain = chain_rule("dL_dW2", W2_FACTORS)
    chain.add_definitions(trace, W2_FACTORS, [COLORS[name] for name in W2_FACTORS])
    enlarge(chain).move_to(0.2 * UP)
    words = narration.figure(trace, 10)
    scene.say(words["question"])
    scene.play(chain.make_write_animation())
    scene.beat()
    scene.say(words["factors"])
    scene.play(chain.make_boxes_animation())
    scene.beat()
    scene.say(words["definitions"])
    for animation in chain.make_definitions_animations():
        scene.play(animation, run_time=0.5)
    scene.beat()


def path_figure(scene, trace, weights, layer, factors, words, over_network=False):
    """Figures 11 and 15: `weights`' edges light up, then the gradient's path Loss -> layer -> weights, an arrow
    per factor (the first one drawn over the network when it passes stations on its way)."""
    network = network_with_header(trace)
    scene.play(FadeIn(network))
    scene.say(words[0])
    scene.play(network.make_highlight_edges_animation(weights),
               network.station(weights).animate.set_color(style.EDGE_HIGHLIGHT))
    scene.beat()
    scene.say(words[1])
    outer, slope, local = factors
    first = arrow_over_network(network, "loss", layer, symbol(outer), COLORS[outer]) if over_network else \
        network.path_arrow("loss", layer, symbol(outer), COLORS[outer])
    arrows = [first,
              network.path_arrow(layer, layer, symbol(slope), COLORS[slope], curved=True),
              network.path_arrow(layer, weights, symbol(local), COLORS[local])]
    scene.play(network.station("loss").animate.set_color(style.EDGE_HIGHLIGHT))
    scene.play(network.make_path_animation(arrows), network.make_highlight_layer_animation(layer), run_time=3)
    scene.beat()


def figure_11_path_w2(scene, trace):
    words = narration.figure(trace, 11)
    path_figure(scene, trace, "W2", "h2", W2_FACTORS, words=(words["edges"], words["path"]))


def figure_12_factors_w2(scene, trace):
    factors_with_numbers(scene, trace, "dL_dW2", W2_FACTORS, figure=12)


def figure_13_update_w2(scene, trace):
    words = narration.figure(trace, 13)
    product_and_update(scene, trace, "dL_dW2", W2_FACTORS, "W2_new", figure=13,
                       words=(words["gradient"], words["update"]))


# Figures 14-17: W1 ----------------------------------------------------------------------------------------------

def figure_14_chain_w1(scene, trace):
    w1 = chain_rule("dL_dW1", W1_FACTORS, boxed=())
    w2 = chain_rule("dL_dW2", W2_FACTORS, boxed=()).next_to(w1, RIGHT, buff=1.2)
    w1.add_box("dL_dh1", COLORS["dL_dh1"])
    for name in W1_FACTORS[1:]:
        w1.add_box(name, COLORS[name])
    reused = w2.add_box(("dL_dh2", "dh2_dz2"), style.REUSED, dashed=True)
    inner = chain_rule("dL_dh1", ["dL_dz2", "dz2_dh1"], boxed=["dL_dz2"])
    inner.add_box("dL_dh1", COLORS["dL_dh1"])
    inner.shift((w1.term("dL_dh1").get_x() - inner.term("dL_dh1").get_x()) * RIGHT)
    inner.shift((w1.get_bottom()[1] - 1.0 - inner.get_top()[1]) * UP)  # right under the factor it expands
    up = inner.add_arrow(inner.box("dL_dh1"), w1.box("dL_dh1"), COLORS["dL_dh1"])
    link = inner.add_arrow(reused, inner.box("dL_dz2"), style.REUSED, dashed=True,
                           via=inner.get_bottom()[1] - 0.4)
    enlarge(VGroup(w1, w2, inner)).move_to(ORIGIN)
    words = narration.figure(trace, 14)
    scene.say(words["deeper"])
    scene.play(w1.make_write_animation())
    scene.play(w1.make_boxes_animation("dL_dh1"))
    scene.beat()
    scene.play(Write(inner.expression), inner.make_boxes_animation("dL_dh1"))
    scene.play(inner.make_arrow_animation(up))
    scene.beat()
    scene.say(words["reuse"])
    scene.play(FadeIn(w2.expression), w2.make_boxes_animation())
    scene.play(inner.make_arrow_animation(link), inner.make_boxes_animation("dL_dz2"), run_time=1.8)
    scene.beat()
    scene.say(words["rest"])
    scene.play(w1.make_boxes_animation(*W1_FACTORS[1:]))
    scene.beat()


def figure_15_path_w1(scene, trace):
    words = narration.figure(trace, 15)
    path_figure(scene, trace, "W1", "h1", W1_FACTORS, over_network=True, words=(words["edges"], words["path"]))


def figure_16_factors_w1(scene, trace):
    factors_with_numbers(scene, trace, "dL_dW1", W1_FACTORS, figure=16)


def figure_17_update_w1(scene, trace):
    words = narration.figure(trace, 17)
    product_and_update(scene, trace, "dL_dW1", W1_FACTORS, "W1_new", figure=17,
                       words=(words["gradient"], words["update"]))
