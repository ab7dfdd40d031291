"""Figures 1-4: the LEGO overview, why XOR needs a hidden layer, the brick pipeline, the initialised network."""
import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Arrow, Axes, Circle, Create, DashedLine, Dot, FadeIn,
                   GrowArrow, LaggedStart, Line, Polygon, Rectangle, VGroup, Write)

from mlp_core.data import xor_data, xor_labels
from mlp_core.notation import symbol
from scenes import narration, style
from scenes.mobjects import NetworkDiagram, TraceMatrix, edge_number, fit, label, symbol_matrix, tex


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
    """The four forward equations as the trace writes them (z1, h1, z2, h2)."""
    return [trace.step(name).formula for name in ("z1", "h1", "z2", "h2")]


def chain_rule(weights, trace):
    """dLoss/dW = dLoss/dh dh/dz dz/dW for W2 or W1, in the trace's symbols."""
    layer = weights[-1]
    return (rf"{symbol('dL_d' + weights)} = {symbol('dL_dh' + layer)}\,{symbol(f'dh{layer}_dz{layer}')}"
            rf"\,{symbol(f'dz{layer}_d' + weights)}")


def figure_1_overview(scene, trace):
    """The network as a stack of bricks: forward equations up the left, chain rules down the right."""
    bricks = [("X", 0.8, style.BRICK_WHITE), ("W1", 0.75, style.BRICK_BLUE), ("h1", 0.3, style.BRICK_WHITE),
              ("W2", 0.75, style.BRICK_BLUE), ("h2", 0.3, style.BRICK_WHITE), (None, 0.22, style.BRICK_DARK)]
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
    rules = VGroup(*[tex(chain_rule(w, trace), font_size=style.NUMBER) for w in ("W2", "W1")])
    rules.arrange(DOWN, aligned_edge=LEFT, buff=0.35).next_to(stack, RIGHT, buff=0.9).align_to(layers["W2"], UP)
    pointers = VGroup(*[Arrow(rule.get_left() + 0.1 * LEFT, [layers[w][2].get_right()[0] + 0.25, rule.get_y(), 0],
                              buff=0, color=style.BACKWARD, stroke_width=2, max_tip_length_to_length_ratio=0.12)
                        for rule, w in zip(rules, ("W2", "W1"))])
    updates = VGroup(*[tex(rf"{symbol(w)} \mathrel{{+}}= -\alpha {symbol('dL_d' + w)}", font_size=style.NUMBER)
                       for w in ("W2", "W1")])
    updates.arrange(DOWN, aligned_edge=LEFT, buff=0.25).next_to(rules, DOWN, buff=0.5).align_to(rules, LEFT)
    updates.shift(0.6 * RIGHT)
    links = VGroup()
    for n, (update, w) in enumerate(zip(updates, ("W2", "W1"))):
        start = layers[w][2].get_center() + (0.6 - 0.4 * n) * RIGHT
        corner = [start[0], update.get_y(), 0]
        link = VGroup(Dot(start, radius=0.06, color=style.BACKWARD),
                      Line(start, corner, color=style.BACKWARD, stroke_width=2),
                      Line(corner, update.get_left() + 0.1 * LEFT, color=style.BACKWARD, stroke_width=2))
        links.add(link)
    figure = VGroup(stack, names, equations, loss, up, down, rules, pointers, updates, links)
    fit(figure).move_to(0)

    words = narration.figure(trace, 1)
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


def figure_2_xor(scene, trace):
    """XOR: the truth table, three straight lines that each fail, then the real data points."""
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

    words = narration.figure(trace, 2)
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

    X_all, y_all = xor_data(trace.config.points, trace.config.data_seed)
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
    fit(data, height=style.FRAME_HEIGHT - attempts_row.height - 0.5).to_edge(DOWN, buff=0.4)

    scene.say(words["data"])
    scene.play(Create(plane), FadeIn(axis_names), run_time=1)
    scene.play(LaggedStart(*[FadeIn(dot, scale=0.5) for dot in dots], lag_ratio=0.01, run_time=2.5), FadeIn(legend))
    scene.say(words["circled"])
    scene.play(Create(worked), FadeIn(key[1]), run_time=1.2)
    scene.beat(1.5)


def weight_symbols(weights, n_in, hidden, n_out):
    """The article's symbolic W1 or W2: entry (i, j) is w_k, k the edge's name index."""
    shape = (n_in, hidden) if weights == "W1" else (hidden, n_out)
    return [[f"w_{{{edge_number(weights, i, j, n_in, hidden, n_out)}}}" for j in range(shape[1])]
            for i in range(shape[0])]


def figure_3_pipeline(scene, trace):
    """The bricks in a row, the network they make, and the same network as matrix products."""
    n_in, hidden = trace.values["W1"].shape
    n_out = trace.values["W2"].shape[1]
    activation = trace.config.activation.capitalize()
    names = ["Input", "Weights", activation, "Weights", f"{activation} (logits)", "Softmax", "Actual labels"]
    shapes = [(0.9, 0.45, style.BRICK_WHITE), (0.8, 0.5, style.BRICK_BLUE), (0.35, 0.5, style.BRICK_WHITE),
              (0.8, 0.5, style.BRICK_BLUE), (0.8, 0.25, style.BRICK_WHITE), (0.8, 0.15, style.BRICK_DARK),
              (0.9, 0.45, style.BRICK_WHITE)]
    bricks = VGroup(*[VGroup(label(name, font_size=style.SMALL), brick(w, h, c, depth=0.2)).arrange(DOWN, buff=0.2)
                      for name, (w, h, c) in zip(names, shapes)])
    bricks.arrange(RIGHT, buff=0.45, aligned_edge=UP)
    network = NetworkDiagram(n_in, hidden, n_out, width=9.0, output_labels=("y_1", "y_2"))

    symbols = {"X": [[f"x_{{{k + 1}}}" for k in range(n_in)]],
               "h1": [[f"h_{{1{k + 1}}}" for k in range(hidden)]], "h2": [[f"h_{{2{k + 1}}}" for k in range(n_out)]]}
    X, h1, h2 = (symbol_matrix(symbols[name], font_size=style.BODY) for name in ("X", "h1", "h2"))
    W1, W2 = (symbol_matrix(weight_symbols(w, n_in, hidden, n_out), font_size=style.BODY, color=style.BRICK_BLUE)
              for w in ("W1", "W2"))
    arrows = [Arrow(LEFT, RIGHT, color=style.INK, stroke_width=6, max_tip_length_to_length_ratio=0.3).scale(0.4)
              for _ in range(2)]
    dots = [tex(r"\cdot", font_size=style.TITLE) for _ in range(2)]
    products = VGroup(X, dots[0], W1, arrows[0], h1, dots[1], W2, arrows[1], h2).arrange(RIGHT, buff=0.25)
    fit(products)
    fit(VGroup(bricks, network, products).arrange(DOWN, buff=0.45)).move_to(0)

    words = narration.figure(trace, 3)
    scene.say(words["bricks"])
    scene.play(LaggedStart(*[FadeIn(b, shift=0.3 * DOWN) for b in bricks], lag_ratio=0.2, run_time=2.5))
    scene.say(words["network"])
    scene.play(Create(network), run_time=2.5)
    scene.beat()
    scene.say(words["matrices"])
    scene.play(FadeIn(products), run_time=1.5)
    scene.beat()
    scene.say(words["first"])
    scene.play(X.make_highlight_animation("row", 0), W1.make_highlight_animation("column", 0),
               h1.make_highlight_animation("entry", 0, 0),
               network.make_highlight_edges_animation("W1", edges=[(i, 0) for i in range(n_in)]), run_time=1.2)
    scene.beat()
    for j in [k for k in network.shown["h1"] if k is not None][1:]:
        column = network.shown["h1"].index(j)
        scene.play(W1.make_highlight_animation("column", column), h1.make_highlight_animation("entry", 0, column),
                   network.make_reset_edges_animation(),
                   network.make_highlight_edges_animation("W1", edges=[(i, j) for i in range(n_in)]), run_time=0.8)
    scene.beat(1.5)


def figure_4_initialized_network(scene, trace):
    """The network with the iteration's input, label and random initial weights."""
    precision = style.precision_for(trace)
    n_in, hidden = trace.values["W1"].shape
    n_out = trace.values["W2"].shape[1]
    network = NetworkDiagram(n_in, hidden, n_out, width=7.2, header=True, output_labels=("Y_1", "Y_2"))
    values = {name: TraceMatrix(trace.values[name], precision=precision if name != "y" else 8)
              for name in ("X", "y", "W1", "W2")}
    X_line = VGroup(tex("X ="), values["X"]).arrange(RIGHT, buff=0.15)
    y_line = VGroup(tex("Y ="), values["y"]).arrange(RIGHT, buff=0.15)
    W1_line = VGroup(tex("W_1 ="), values["W1"]).arrange(RIGHT, buff=0.15)
    W2_line = VGroup(tex("W_2 ="), values["W2"]).arrange(RIGHT, buff=0.15)
    middle = VGroup(X_line, network, y_line).arrange(RIGHT, buff=0.3)
    bottom = VGroup(W1_line, W2_line).arrange(RIGHT, buff=1.2, aligned_edge=UP)
    figure = VGroup(middle, bottom).arrange(DOWN, buff=0.7)
    fit(figure).move_to(0)
    pointers = [Arrow(network.edge_labels[w][-1].get_bottom(), line.get_top(), buff=0.1, color=style.INK,
                      stroke_width=3, max_tip_length_to_length_ratio=0.1) for w, line in (("W1", W1_line),
                                                                                            ("W2", W2_line))]

    words = narration.figure(trace, 4)
    scene.say(words["weights"])
    scene.play(FadeIn(network), run_time=1.5)
    scene.say(words["input"])
    scene.play(network.make_highlight_layer_animation("X"), Write(X_line), run_time=1.5)
    scene.play(network.make_highlight_layer_animation("Y"), Write(y_line), run_time=1.2)
    scene.beat()
    scene.say(words["W1"])
    scene.play(network.make_highlight_edges_animation("W1"), GrowArrow(pointers[0]), Write(W1_line), run_time=2)
    scene.beat()
    scene.say(words["W2"])
    scene.play(network.make_reset_edges_animation(), run_time=0.5)
    scene.play(network.make_highlight_edges_animation("W2"), GrowArrow(pointers[1]), Write(W2_line), run_time=2)
    scene.play(network.make_reset_animation(), run_time=0.5)
    scene.beat(1.5)
