"""Figures 1-4: the LEGO overview, why XOR needs a hidden layer, the brick pipeline, the initialised network."""
import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, AnimationGroup, Arrow, Axes, Circle, Create, DashedLine, Dot, FadeIn,
                   FadeOut, GrowArrow, LaggedStart, Line, Polygon, Rectangle, VGroup, Write)

from mlp_core.data import load_data, xor_labels
from mlp_core.notation import symbol
from scenes import style
from scenes.mobjects import (NetworkDiagram, TraceMatrix, edge_number, fit, label, side_by_side, symbol_matrix, tex,
                             wrap_rows)


def brick(width, height, color, depth=0.35):
    """A LEGO brick in oblique view: front face, top face and right side face."""
    front = Rectangle(width=width, height=height, stroke_color=style.INK, stroke_width=1.5, fill_color=color,
                      fill_opacity=1)
    corners = front.get_corner(UP + LEFT), front.get_corner(UP + RIGHT), front.get_corner(DOWN + RIGHT)
    lift = np.array([depth, depth * 0.6, 0])
    top = Polygon(corners[0], corners[1], corners[1] + lift, corners[0] + lift, stroke_color=style.INK,
                  stroke_width=1.5, fill_color=color, fill_opacity=1).set_sheen(0.25, UP)
    side = Polygon(corners[1], corners[2], corners[2] + lift, corners[1] + lift, stroke_color=style.INK,
                   stroke_width=1.5, fill_color=color, fill_opacity=1).set_sheen(-0.4, RIGHT)
    return VGroup(side, top, front)


def forward_formulas(trace):
    """The forward equations as the trace writes them: z1, h1, ..., zL, hL."""
    return [trace.step(f"{kind}{k}").formula for k in range(1, trace.layers + 1) for kind in "zh"]


def chain_rule(trace, k):
    """dLoss/dWk as the product of its chain rule's factors, in the trace's symbols."""
    return f"{symbol(f'dL_dW{k}')} = " + r"\,".join(symbol(name) for name in trace.factors(k))


def overview_figure(scene, trace, words):
    """The network as a stack of bricks: forward equations up the left, chain rules down the right."""
    L = trace.layers
    tall = min(0.75, 2.25 / L)  # the bricks of deeper networks are thinner, so that the stack keeps its height
    bricks = [("X", 0.8, style.BRICK_WHITE)]
    for k in range(1, L + 1):
        bricks += [(f"W{k}", tall, style.BRICK_BLUE), (f"h{k}", 0.4 * tall, style.BRICK_WHITE)]
    bricks.append((None, 0.22, style.BRICK_DARK))
    stack, layers = VGroup(), {}
    for name, height, color in bricks:
        piece = brick(2.4, height, color)
        if len(stack):
            piece.shift(stack[-1][2].get_top() - piece[2].get_bottom())  # front faces stacked flush
        stack.add(piece)
        if name:
            layers[name] = piece
    stack.move_to(0.3 * LEFT + 0.3 * DOWN)
    names = VGroup()
    for name, piece in layers.items():
        arrow = Arrow(piece[2].get_left() + 1.0 * LEFT, piece[2].get_left() + 0.3 * RIGHT, buff=0, color=style.FORWARD,
                      stroke_width=2, max_tip_length_to_length_ratio=0.15)
        names.add(VGroup(arrow, tex(symbol(name), font_size=style.NUMBER, color=style.FORWARD)
                         .next_to(arrow, LEFT, buff=0.1)))
    equations = VGroup(*[tex(f, font_size=style.NUMBER + 2) for f in reversed(forward_formulas(trace))])
    equations.arrange(DOWN, aligned_edge=LEFT, buff=0.25).next_to(names, LEFT, buff=0.35)
    loss = tex(trace.step("loss").formula, font_size=style.BODY).next_to(stack, UP, buff=0.35)
    up = Arrow(stack.get_bottom() + 0.45 * UP + 0.25 * LEFT, stack.get_top() + 0.55 * DOWN + 0.25 * LEFT, buff=0,
               color=style.FORWARD, stroke_width=10, max_tip_length_to_length_ratio=0.08)
    down = Arrow(stack.get_top() + 0.55 * DOWN + 0.25 * RIGHT, stack.get_bottom() + 0.45 * UP + 0.25 * RIGHT, buff=0,
                 color=style.BACKWARD, stroke_width=10, max_tip_length_to_length_ratio=0.08)
    weights = [f"W{k}" for k in range(L, 0, -1)]  # from the top down
    rules = VGroup(*[tex(chain_rule(trace, int(w[1:])), font_size=style.NUMBER) for w in weights])
    rules.arrange(DOWN, aligned_edge=LEFT, buff=0.35).next_to(stack, RIGHT, buff=0.9).align_to(layers[weights[0]], UP)
    pointers = VGroup(*[Arrow(rule.get_left() + 0.1 * LEFT, [layers[w][2].get_right()[0] + 0.25, rule.get_y(), 0],
                              buff=0, color=style.BACKWARD, stroke_width=2, max_tip_length_to_length_ratio=0.12)
                        for rule, w in zip(rules, weights)])
    updates = VGroup(*[tex(rf"{symbol(w)} \mathrel{{+}}= -\alpha {symbol('dL_d' + w)}", font_size=style.NUMBER)
                       for w in weights])
    updates.arrange(DOWN, aligned_edge=LEFT, buff=0.25).next_to(rules, DOWN, buff=0.5).align_to(rules, LEFT)
    updates.shift(0.6 * RIGHT)
    links = VGroup()
    for n, (update, w) in enumerate(zip(updates, weights)):
        start = layers[w][2].get_center() + (0.6 - 0.4 * n / max(1, L - 1)) * RIGHT
        corner = [start[0], update.get_y(), 0]
        link = VGroup(Dot(start, radius=0.06, color=style.BACKWARD),
                      Line(start, corner, color=style.BACKWARD, stroke_width=2),
                      Line(corner, update.get_left() + 0.1 * LEFT, color=style.BACKWARD, stroke_width=2))
        links.add(link)
    figure = VGroup(stack, names, equations, loss, up, down, rules, pointers, updates, links)
    fit(figure).move_to(0)

    scene.say(words["bricks"])
    scene.play(LaggedStart(*[FadeIn(piece, shift=0.4 * DOWN) for piece in stack], lag_ratio=0.5, run_time=2.5))
    scene.play(LaggedStart(*[FadeIn(n, shift=0.2 * RIGHT) for n in names], lag_ratio=0.3, run_time=1.5))
    scene.beat()
    scene.say(words["forward"])
    scene.play(GrowArrow(up), LaggedStart(*[Write(e) for e in reversed(equations)], lag_ratio=0.6), run_time=3)
    scene.say(words["loss"])
    scene.play(Write(loss), run_time=1.5)
    scene.beat()
    scene.say(words["backward"])
    scene.play(GrowArrow(down), LaggedStart(*[AnimationGroup(Write(r), GrowArrow(p)) for r, p in zip(rules, pointers)],
                                            lag_ratio=0.6), run_time=3)
    scene.say(words["update"])
    scene.play(LaggedStart(*[AnimationGroup(Create(l), Write(u)) for l, u in zip(links, updates)], lag_ratio=0.5),
               run_time=2.5)
    scene.beat(1.5)


def data_figure(scene, trace, words):
    """The data: for XOR (the article's), its truth table and three straight lines that each fail first; then
    the data set's points, those of this iteration circled."""
    above = xor_rule(scene, words) + 0.5 if trace.config.data == "xor" else 0.0
    data_points(scene, trace, words, above)


def xor_rule(scene, words):
    """XOR's truth table and three straight lines that each fail, along the top; returns their height."""
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    labels = xor_labels(corners).argmax(axis=1)
    title = tex(r"\mathrm{XOR}(x_1 > 0,\ x_2 > 0) = Y", font_size=style.NUMBER + 2)
    rows = [["x_1", "x_2", "Y"]] + [[str(a), str(b), str(y)] for (a, b), y in zip(corners, labels)]
    table = VGroup(*[VGroup(*[tex(cell, font_size=style.NUMBER + 2) for cell in row]) for row in rows])
    for row in table:
        for k, cell in enumerate(row):
            cell.move_to([k * 0.75 + (0.25 if k == 2 else 0), 0, 0])
    table.arrange(DOWN, buff=0.25)
    rule = Line(table[0].get_corner(DOWN + LEFT) + 0.1 * DOWN + 0.1 * LEFT,
                table[0].get_corner(DOWN + RIGHT) + 0.1 * DOWN + 0.1 * RIGHT, color=style.INK, stroke_width=2)
    bar_x = (table[0][1].get_right()[0] + table[0][2].get_left()[0]) / 2
    bar = Line([bar_x, table.get_top()[1], 0], [bar_x, table.get_bottom()[1], 0], color=style.INK, stroke_width=2)
    truth = VGroup(title, VGroup(table, rule, bar)).arrange(DOWN, buff=0.3)

    # Three separating attempts: (point on the line, direction) in the unit square's coordinates.
    attempts = [((0.0, 0.55), (1, 1)), ((0.55, 0.0), (1, 1)), ((0.5, 0.0), (0, 1))]
    panels = VGroup()
    for (px, py), (dx, dy) in attempts:
        plane = Axes(x_range=[-0.3, 1.45], y_range=[-0.3, 1.45], x_length=2.6, y_length=2.6,
                     axis_config={"color": style.INK, "include_tip": True, "tip_width": 0.15, "tip_height": 0.15,
                                  "stroke_width": 2.5})
        points = VGroup(*[VGroup(Circle(radius=0.2, color=style.INK, stroke_width=2, fill_color=style.PAPER,
                                        fill_opacity=1),
                                 tex(str(y), font_size=style.NUMBER)).move_to(plane.c2p(a, b))
                          for (a, b), y in zip(corners, labels)])
        line = DashedLine(plane.c2p(px - 0.3 * dx, py - 0.3 * dy), plane.c2p(px + 0.9 * dx, py + 0.9 * dy),
                          color=style.BACKWARD, stroke_width=3)
        side = [np.sign(dx * (b - py) - dy * (a - px)) for a, b in corners]
        # The line's failure: points outnumbered by the other class on their side (all of them on a tie).
        def wrong_side(k):
            same = [labels[m] == labels[k] for m in range(4) if side[m] == side[k]]
            return sum(same) <= len(same) - sum(same)
        wrong = [k for k in range(4) if wrong_side(k)]
        panels.add(VGroup(plane, points, line, VGroup(*[points[k][0] for k in wrong])))
    panels.arrange(RIGHT, buff=0.6)
    attempts_row = VGroup(truth, panels).arrange(RIGHT, buff=0.6)
    fit(attempts_row, height=2.9).to_edge(UP, buff=0.4)

    scene.say(words["rule"])
    scene.play(Write(title), FadeIn(table, rule, bar), run_time=2)
    scene.beat()
    scene.play(LaggedStart(*[FadeIn(VGroup(p[0], p[1])) for p in panels], lag_ratio=0.3, run_time=1.5))
    for n, panel in enumerate(panels):
        if n == 0:
            scene.say(words["lines"])
        scene.play(Create(panel[2]), run_time=0.8)
        scene.play(*[circle.animate.set_stroke(style.BACKWARD, width=4) for circle in panel[3]], run_time=0.6)
    scene.beat()
    return attempts_row.height


def data_points(scene, trace, words, above):
    """The data set's points coloured by class: below a figure `above` tall, or in the middle of the frame."""
    X_all, y_all = load_data(trace.config.data, trace.config.points, trace.config.data_seed)
    reach = float(np.ceil(np.abs(X_all).max()))
    plane = Axes(x_range=[-reach, reach, 1], y_range=[-reach, reach, 1], x_length=4.2, y_length=4.2,
                 axis_config={"color": style.MUTED, "include_tip": False, "stroke_width": 2})
    dots = VGroup(*[Dot(plane.c2p(*x), radius=0.04, color=style.OUTPUT_COLORS[int(np.argmax(y))])
                    for x, y in zip(X_all, y_all)])
    worked = VGroup(*[Circle(radius=0.12, color=style.INK, stroke_width=3).move_to(plane.c2p(*x))
                      for x in trace.values["X"]])
    axis_names = VGroup(tex("x_1", font_size=style.SMALL + 4).next_to(plane.x_axis, RIGHT, buff=0.1),
                        tex("x_2", font_size=style.SMALL + 4).next_to(plane.y_axis, UP, buff=0.1))
    legend = VGroup(*[VGroup(Dot(radius=0.08, color=color), tex(f"Y = {y}", font_size=style.SMALL + 4))
                      .arrange(RIGHT, buff=0.15) for color, y in zip(style.OUTPUT_COLORS, ("0", "1"))])
    legend.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
    worked_label = label(f"the {len(worked)} points of this iteration" if len(worked) > 1
                         else "the point of this iteration", font_size=style.SMALL)
    key = VGroup(legend, VGroup(Circle(radius=0.12, color=style.INK, stroke_width=3), worked_label)
                 .arrange(RIGHT, buff=0.15)).arrange(DOWN, aligned_edge=LEFT, buff=0.3)
    data = VGroup(VGroup(plane, axis_names, dots, worked), key).arrange(RIGHT, buff=0.5)
    fit(data, height=style.FRAME_HEIGHT - above)
    data.to_edge(DOWN, buff=0.4) if above else data.move_to(0)

    scene.say(words["data"])
    scene.play(Create(plane), FadeIn(axis_names), run_time=1)
    scene.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in dots], lag_ratio=0.01, run_time=2.5), FadeIn(legend))
    scene.say(words["circled"])
    scene.play(Create(worked), FadeIn(key[1]), run_time=1.2)
    scene.beat(1.5)


BRICK_NAMES = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "leaky_relu": "Leaky ReLU", "linear": "Linear",
               "softmax": "Softmax"}


def weight_symbols(k, sizes):
    """The article's symbolic Wk: entry (i, j) is w_n, n the edge's name index."""
    return [[f"w_{{{edge_number(f'W{k}', i, j, sizes)}}}" for j in range(sizes[k])] for i in range(sizes[k - 1])]


def unit_symbols(k, n):
    """h_{k1} .. h_{kn}, the article's names of layer k's units (with a comma where digits would run together)."""
    comma = "," if k > 9 or n > 9 else ""
    return [[f"h_{{{k}{comma}{j + 1}}}" for j in range(n)]]


def pipeline_bricks(trace):
    """The bricks in a row (two for a deep network), named after their jobs: input, weights and activation per
    layer, output, labels.
    As in the article, a softmax brick turns the output into probabilities (it is the output's own activation
    with cross-entropy)."""
    hidden = BRICK_NAMES[trace.config.activation]
    output = BRICK_NAMES[trace.step(f"h{trace.layers}").expr["function"]]
    names = ["Input"] + ["Weights", hidden] * (trace.layers - 1) + ["Weights"]
    names += ["Softmax"] if output == "Softmax" else [f"{output} (logits)", "Softmax"]
    names.append("Actual labels")
    shapes = {"Input": (0.9, 0.45, style.BRICK_WHITE), "Weights": (0.8, 0.5, style.BRICK_BLUE),
              hidden: (0.35, 0.5, style.BRICK_WHITE), f"{output} (logits)": (0.8, 0.25, style.BRICK_WHITE),
              "Softmax": (0.8, 0.15, style.BRICK_DARK), "Actual labels": (0.9, 0.45, style.BRICK_WHITE)}
    bricks = [VGroup(label(name, font_size=style.SMALL), brick(*shapes[name][:2], shapes[name][2], depth=0.2))
              .arrange(DOWN, buff=0.2) for name in names]
    row = VGroup(*bricks).arrange(RIGHT, buff=0.45, aligned_edge=UP)
    if row.width <= style.FRAME_WIDTH:
        return VGroup(row)
    half = (len(bricks) + 1) // 2  # a deep network's bricks in two rows, so that their names stay readable
    rows = (VGroup(*part).arrange(RIGHT, buff=0.35, aligned_edge=UP) for part in (bricks[:half], bricks[half:]))
    return VGroup(*rows).arrange(DOWN, buff=0.3)


def pipeline_figure(scene, trace, words):
    """The bricks in a row, the network they make, and the same network as matrix products."""
    sizes, L = trace.sizes(), trace.layers
    bricks = pipeline_bricks(trace)
    network = NetworkDiagram(sizes, width=9.0, output_labels=("y_1", "y_2"))

    X = symbol_matrix([[f"x_{{{k + 1}}}" for k in range(sizes[0])]], font_size=style.BODY)
    units = [symbol_matrix(unit_symbols(k, sizes[k]), font_size=style.BODY) for k in range(1, L + 1)]
    weights = [symbol_matrix(weight_symbols(k, sizes), font_size=style.BODY, color=style.BRICK_BLUE)
               for k in range(1, L + 1)]
    steps = [VGroup(tex(r"\cdot", font_size=style.TITLE), W,
                    Arrow(LEFT, RIGHT, color=style.INK, stroke_width=6, max_tip_length_to_length_ratio=0.3).scale(0.4),
                    h).arrange(RIGHT, buff=0.25) for W, h in zip(weights, units)]
    products = wrap_rows([X, *steps], style.FRAME_WIDTH * style.BODY / style.SMALL, buff=0.25)
    fit(products)
    fit(VGroup(bricks, network, products).arrange(DOWN, buff=0.45)).move_to(0)

    scene.say(words["bricks"])
    scene.play(LaggedStart(*[FadeIn(b, shift=0.3 * DOWN) for row in bricks for b in row], lag_ratio=0.2,
                           run_time=2.5))
    scene.say(words["network"])
    scene.play(Create(network), run_time=2.5)
    scene.beat()
    scene.say(words["matrices"])
    scene.play(FadeIn(products), run_time=1.5)
    scene.beat()
    scene.say(words["first"])
    W1, h1 = weights[0], units[0]
    scene.play(X.make_highlight_animation("row", 0), W1.make_highlight_animation("column", 0),
               h1.make_highlight_animation("entry", 0, 0),
               network.make_highlight_edges_animation("W1", edges=[(i, 0) for i in range(sizes[0])]), run_time=1.2)
    scene.beat()
    for j in [k for k in network.shown["h1"] if k is not None][1:]:
        column = network.shown["h1"].index(j)
        scene.play(W1.make_highlight_animation("column", column), h1.make_highlight_animation("entry", 0, column),
                   network.make_reset_edges_animation(),
                   network.make_highlight_edges_animation("W1", edges=[(i, j) for i in range(sizes[0])]), run_time=0.8)
    scene.beat(1.5)


def initialized_network_figure(scene, trace, words):
    """The network with the iteration's input, label and random initial weights: X and Y beside the network and
    the weights under it, as in the article; for more than two weight matrices, X and Y above a wider network."""
    precision = style.precision_for(trace)
    L = trace.layers
    network = NetworkDiagram(trace.sizes(), width=7.2 if L <= 2 else 11.0, header=True, output_labels=("Y_1", "Y_2"))
    X_line = VGroup(tex("X ="), TraceMatrix(trace.values["X"], precision=precision)).arrange(RIGHT, buff=0.15)
    y_line = VGroup(tex("Y ="), TraceMatrix(trace.values["y"], precision=8)).arrange(RIGHT, buff=0.15)
    weights = [f"W{k}" for k in range(1, L + 1)]
    lines = [VGroup(tex(f"{symbol(w)} ="), TraceMatrix(trace.values[w], precision=precision)).arrange(RIGHT, buff=0.15)
             for w in weights]
    bottom = side_by_side(lines)
    together = len(bottom) == 1  # else the matrices take turns in one place, each shown while it is spoken of
    if not together:
        bottom = VGroup(*(line.move_to(ORIGIN) for line in lines))
    if L <= 2:
        figure = VGroup(VGroup(X_line, network, y_line).arrange(RIGHT, buff=0.3), bottom).arrange(DOWN, buff=0.7)
    else:
        figure = VGroup(VGroup(X_line, y_line).arrange(RIGHT, buff=1.5), network, bottom).arrange(DOWN, buff=0.5)
    fit(figure).move_to(0)
    # Arrows from each matrix's edges down to its numbers, when the numbers sit side by side.
    pointers = [Arrow(pointer_start(network, w), line.get_top(), buff=0.1, color=style.INK, stroke_width=3,
                      max_tip_length_to_length_ratio=0.1) for w, line in zip(weights, lines)] if together else []

    scene.say(words["weights"])
    scene.play(FadeIn(network), run_time=1.5)
    scene.say(words["input"])
    scene.play(network.make_highlight_layer_animation("X"), Write(X_line), run_time=1.5)
    scene.play(network.make_highlight_layer_animation("Y"), Write(y_line), run_time=1.2)
    scene.beat()
    for k, (w, line) in enumerate(zip(weights, lines)):
        scene.say(words[w])
        if k:
            scene.play(network.make_reset_edges_animation(), run_time=0.5)
        turn = [GrowArrow(pointers[k])] if together else [FadeOut(lines[k - 1])] if k else []
        scene.play(network.make_highlight_edges_animation(w), *turn, Write(line), run_time=2)
        if k < L - 1:
            scene.beat()
    scene.play(network.make_reset_animation(), run_time=0.5)
    scene.beat(1.5)


def pointer_start(network, weights):
    """Where the arrow from the network to a weight matrix's numbers starts: under its last named edge (or its
    middle edge, when none is named)."""
    named, edges = network.edge_labels[weights], network.edges[weights]
    return named[-1].get_bottom() if len(named) else edges[len(edges) // 2].get_center()
