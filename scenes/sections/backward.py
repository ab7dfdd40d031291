"""The backward pass, from the output layer down (the article's figures 10-17, for W2 then W1): for each layer k,
its chain rule, its path on the network, its factors' numbers, its gradient and update. From the second layer down
the gradient handed down from the layer above, dLoss/dz{k+1}, is the one just computed: framed dashed, reused.

Formulas are the trace's (its steps' structure, mlp_core.notation) and numbers its values: a formula's names
are swapped for the matrices they stand for, so "h_2(1 - h_2)" becomes "[0.37 0.45](1 - [0.37 0.45])" for any network.
Where the article misprinted a number (mlp_core.article.misprints), the correct value is shown and a note
quotes what the article printed.
"""
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, Create, FadeIn, FadeOut, LaggedStart, MathTex,
                   ReplacementTransform, TransformFromCopy, VGroup, Write)

from mlp_core.article import misprints
from mlp_core.formatting import format_number
from mlp_core.notation import Note, Ref, pieces, symbol
from scenes import narration, style
from scenes.mobjects import ChainRule, NetworkDiagram, TraceMatrix, fit, label, result_box, tex, wrap_rows

TOP, BOTTOM = 4.0 - style.MARGIN, -4.0 + style.MARGIN
LEFT_EDGE = -style.FRAME_WIDTH / 2


def enlarge(mobject, most=1.25):
    """Scale a figure up (at most `most` times) towards the frame's size, for the figures without numbers."""
    return mobject.scale(min(most, 0.9 * style.FRAME_WIDTH / mobject.width, 0.8 * style.FRAME_HEIGHT / mobject.height))


def frames(trace, k):
    """{name: (colour, dashed)} of the framed names in layer k's figures: its factors in the article's colours
    (the output layer's as W2's, the others' as W1's), and dLoss/dz{k+1} handed down from above, dashed."""
    outer, slope = ((style.FACTOR_DL_DH2, style.FACTOR_DH2_DZ2) if k == trace.layers
                    else (style.FACTOR_DL_DH1, style.FACTOR_DH1_DZ1))
    return {f"dL_dh{k}": (outer, False), f"dL_dz{k}": (outer, False), f"dh{k}_dz{k}": (slope, False),
            f"dz{k}_dW{k}": (style.FACTOR_DZ_DW, False), f"dL_dz{k + 1}": (style.REUSED, True)}


def chain_rule(lhs, factors, styles, boxed=None):
    """The chain rule for `lhs`, the factors in `boxed` (default: all) framed in their `styles`."""
    chain = ChainRule(lhs, factors)
    for name in factors if boxed is None else boxed:
        chain.add_box(name, *styles[name])
    return chain


def header(scene, lhs, factors, styles):
    """The figure's chain rule along the top, brought back quickly from the figure before."""
    chain = fit(chain_rule(lhs, factors, styles)).to_edge(UP, buff=0.25)
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
    """A step's right-hand side as LaTeX pieces and names, from its structure (mlp_core.notation), and the
    positions of the notes among them (words beside the formula, left out of the line with numbers)."""
    kept = [p for p in pieces(step.expr, sized=False) if isinstance(p, Ref) or p.latex.strip()]
    return ([p.name if isinstance(p, Ref) else p.latex.strip() for p in kept],
            {k for k, p in enumerate(kept) if isinstance(p, Note)})


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

    def __init__(self, trace, name, styles, boxed_result=False):
        precision = style.precision_for(trace)
        step = trace.step(name)
        self.name, self.styles = name, styles
        self.parts, notes = formula_parts(step)
        named = [k for k, part in enumerate(self.parts) if part in step.inputs or part == "alpha"]
        lhs = tex(symbol(name))
        rhs = tex("=", *(symbol(part) if k in named else part for k, part in enumerate(self.parts)))
        self.first = VGroup(lhs, rhs.next_to(lhs, RIGHT, buff=0.12))
        self.symbols = {k: rhs[k + 1] for k in named}
        self.frames = VGroup(*(self.frame(self.parts[k], self.symbols[k]) for k in named if self.parts[k] in styles))
        self.lhs_frame = self.frame(name, lhs) if name in styles else None
        self.first.add(self.frames, *([self.lhs_frame] if self.lhs_frame else []))

        self.values = {k: TraceMatrix(trace.values[self.parts[k]], precision=precision, font_size=style.NUMBER)
                       if self.parts[k] != "alpha" else tex(format_number(trace.config.lr))
                       for k in named}
        self.operators = VGroup(*(tex(part) for k, part in enumerate(self.parts) if k not in named and k not in notes))
        operators = iter(self.operators)
        self.equals = tex("=")
        self.numbers = in_rows([self.equals, *(self.values[k] if k in named else next(operators)
                                             for k in range(len(self.parts)) if k not in notes)])
        self.value_frames = VGroup(*(self.frame(self.parts[k], self.values[k])
                                     for k in named if self.parts[k] in styles))
        self.numbers.add(self.value_frames)

        result = TraceMatrix(trace.values[name], precision=precision, font_size=style.NUMBER)
        if boxed_result:
            self.result = VGroup(tex(symbol(name), "="), result).arrange(RIGHT, buff=0.15)
            self.result.add(result_box(self.result))
        else:
            self.result = VGroup(tex("="), result).arrange(RIGHT, buff=0.15)
        self.boxed_result = boxed_result

    def frame(self, name, mobject):
        return ChainRule.frame(mobject, *self.styles[name])

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
    """The network with its stations (X, W1, z1|h1, ..., Loss) above it, fitted to the frame."""
    network = NetworkDiagram(trace.sizes(), header=True, width=9.0 if trace.layers <= 2 else 12.0)
    return fit(network, height=style.FRAME_HEIGHT - 1.6).move_to(0.6 * DOWN)


def arrow_over_network(network, start, end, symbol, color):
    """A path arrow from station `start` up, over the stations between, ending just right of station `end`."""
    a, b = network.station(start), network.station(end)
    via = b.get_top()[1] + 0.3
    arrow = ChainRule.arrow_through([a.get_top(), [a.get_x(), via, 0], [b.get_right()[0] + 0.15, via, 0]], color)
    return VGroup(arrow, tex(symbol, font_size=style.SMALL + 2).next_to(arrow, UP, buff=0.1))


def misprint_figure(scene):
    """The number of the article's figure being drawn (its section's number), for its errata notes."""
    return int(scene.section_name[:2]) if getattr(scene, "section_name", None) else None


# The four figures of each layer ---------------------------------------------------------------------------------

def chain_figure(scene, trace, words, k):
    """dLoss/dWk as a chain rule (figures 10 and 14). The output layer's factors are defined right below;
    a lower layer's first factor dLoss/dhk needs the chain rule itself, whose first part dLoss/dz{k+1} is
    reused from the chain rule of W{k+1}, shown beside it."""
    if k == trace.layers:
        output_chain(scene, trace, words, k)
    else:
        recursive_chain(scene, trace, words, k)


def output_chain(scene, trace, words, k):
    factors, styles = trace.factors(k), frames(trace, k)
    chain = chain_rule(f"dL_dW{k}", factors, styles)
    chain.add_definitions(trace, factors, [styles[name][0] for name in factors])
    enlarge(chain).move_to(0.2 * UP)
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


def recursive_chain(scene, trace, words, k):
    factors, styles = trace.factors(k), frames(trace, k)
    above = trace.factors(k + 1)
    outer, handed_down = factors[0], f"dL_dz{k + 1}"
    chain = chain_rule(f"dL_dW{k}", factors, styles, boxed=())
    upper = chain_rule(f"dL_dW{k + 1}", above, styles, boxed=()).next_to(chain, RIGHT, buff=1.2)
    for name in factors:
        chain.add_box(name, *styles[name])
    reused = upper.add_box(above[:-1], style.REUSED, dashed=True)
    inner = chain_rule(outer, [handed_down, f"dz{k + 1}_dh{k}"], styles, boxed=[handed_down])
    inner.add_box(outer, *styles[outer])
    inner.shift((chain.term(outer).get_x() - inner.term(outer).get_x()) * RIGHT)
    inner.shift((chain.get_bottom()[1] - 1.0 - inner.get_top()[1]) * UP)  # right under the factor it expands
    up = inner.add_arrow(inner.box(outer), chain.box(outer), styles[outer][0])
    link = inner.add_arrow(reused, inner.box(handed_down), style.REUSED, dashed=True, via=inner.get_bottom()[1] - 0.4)
    enlarge(VGroup(chain, upper, inner)).move_to(ORIGIN)
    scene.say(words["deeper"])
    scene.play(chain.make_write_animation())
    scene.play(chain.make_boxes_animation(outer))
    scene.beat()
    scene.play(Write(inner.expression), inner.make_boxes_animation(outer))
    scene.play(inner.make_arrow_animation(up))
    scene.beat()
    scene.say(words["reuse"])
    scene.play(FadeIn(upper.expression), upper.make_boxes_animation())
    scene.play(inner.make_arrow_animation(link), inner.make_boxes_animation(handed_down), run_time=1.8)
    scene.beat()
    scene.say(words["rest"])
    scene.play(chain.make_boxes_animation(*factors[1:]))
    scene.beat()


def path_figure(scene, trace, words, k):
    """Figures 11 and 15: Wk's edges light up, then the gradient's path Loss -> layer k -> Wk, an arrow per
    factor (the first one drawn over the network when it passes stations on its way)."""
    network = network_with_header(trace)
    weights, layer, styles = f"W{k}", f"h{k}", frames(trace, k)
    scene.play(FadeIn(network))
    scene.say(words["edges"])
    scene.play(network.make_highlight_edges_animation(weights),
               network.station(weights).animate.set_color(style.EDGE_HIGHLIGHT))
    scene.beat()
    scene.say(words["path"])
    outer, *slope, local = trace.factors(k)
    arrows = [arrow_over_network(network, "loss", layer, symbol(outer), styles[outer][0]) if k < trace.layers
              else network.path_arrow("loss", layer, symbol(outer), styles[outer][0])]
    arrows += [network.path_arrow(layer, layer, symbol(name), styles[name][0], curved=True) for name in slope]
    arrows.append(network.path_arrow(layer, weights, symbol(local), styles[local][0]))
    scene.play(network.station("loss").animate.set_color(style.EDGE_HIGHLIGHT))
    scene.play(network.make_path_animation(arrows), network.make_highlight_layer_animation(layer), run_time=3)
    scene.beat()


def factors_figure(scene, trace, words, k):
    """The chain rule along the top, then each factor: its formula, its numbers, its value (figures 12, 16).
    With softmax and cross-entropy the output layer's first factor starts with why it is so simple."""
    factors, styles = trace.factors(k), frames(trace, k)
    figure = misprint_figure(scene)
    chain = header(scene, f"dL_dW{k}", factors, styles)
    board = Board(scene, chain.get_bottom()[1] - 0.1)
    derivations = [Derivation(trace, name, styles) for name in factors]
    # A misprint is noted after the last derivation that shows the misprinted value.
    noted = {name: set() for name in factors}
    for row in misprints(trace):
        users = [d.name for d in derivations if row.name in (d.name, *d.parts)]
        if row.figure == figure and users:
            noted[users[-1]].add(row.name)
    for derivation in derivations:
        if derivation.name == f"dL_dz{k}" and "collapse" in words:
            softmax_collapse(scene, trace, board, words["collapse"], k)
        scene.say(words[derivation.name])
        derivation.play_formula(scene, board, sources={derivation.name: chain.box(derivation.name)})
        derivation.play_numbers(scene, board, errata_notes(trace, figure, noted[derivation.name]))
        scene.beat()


def softmax_collapse(scene, trace, board, words, k):
    """Why softmax followed by cross-entropy hands back h - y: the softmax's Jacobian times the loss's gradient,
    in three lines of algebra, before the factor's own derivation."""
    lines = [rf"{symbol(f'h{k}')} = \mathrm{{softmax}}({symbol(f'z{k}')}):\quad "
             r"\frac{\partial h_i}{\partial z_j} = h_i(\delta_{ij} - h_j), \qquad "
             r"\frac{\partial \mathrm{Loss}}{\partial h_i} = -\frac{y_i}{N\,h_i}",
             r"\frac{\partial \mathrm{Loss}}{\partial z_j} = \sum_i -\frac{y_i}{N\,h_i}\,h_i(\delta_{ij} - h_j)"
             r" = \frac{1}{N}\Big(h_j \sum_i y_i - y_j\Big)",
             r"= \frac{1}{N}(h_j - y_j) \quad \text{since } \textstyle\sum_i y_i = 1"]
    board.start_block()
    scene.say(words)
    for line in lines:
        board.place(tex(line, font_size=style.NUMBER))
        scene.play(Write(board.blocks[-1][-1]), run_time=1.5)
    scene.beat()


def update_figure(scene, trace, words, k):
    """The factors' numbers flow into the gradient, then the update Wk* = Wk - alpha dLoss/dWk (figures 13, 17)."""
    factors, styles = trace.factors(k), frames(trace, k)
    figure = misprint_figure(scene)
    gradient = f"dL_dW{k}"
    chain = header(scene, gradient, factors, styles)
    board = Board(scene, TOP)
    product = Derivation(trace, gradient, styles)
    scene.say(words["gradient"])
    scene.play(FadeOut(VGroup(*chain.boxes.values(), chain.expression[1])), run_time=0.4)
    product.play_formula(scene, board, sources={name: chain.term(name) for name in (gradient, *factors)}, move=True)
    product.play_values(scene, board)
    # The first entry: one column of the layer's input meets the first column of the other factors.
    matrices = {product.parts[n]: matrix for n, matrix in product.values.items()}
    lit = [matrices[name] for name in (factors[-1], *factors[:-1])] + [product.result[1]]
    scene.play(*(matrix.make_highlight_animation("column", 0) for matrix in lit[:-1]), run_time=0.8)
    scene.beat()  # the factors' numbers, before a tall result may push them off the board
    product.play_result(scene, board, errata_notes(trace, figure, set(product.parts)))
    scene.play(lit[-1].make_highlight_animation("entry", 0, 0), run_time=0.6)
    scene.beat()
    scene.play(*(matrix.make_clear_highlights_animation() for matrix in lit), run_time=0.4)
    scene.say(words["update"])
    step = Derivation(trace, f"W{k}_new", styles, boxed_result=True)
    step.play_formula(scene, board)
    step.play_numbers(scene, board)
    scene.beat()
