"""The network of figures 3, 4, 11 and 15, with any number of weight matrices, keeps its edge names readable however
wide or deep it is: no name overlaps another or a node, each names its own edge w_k in the article's order, a wide
network names the edges of its hidden layers' first and last units, each clear of every other edge; its columns,
edges and stations are all there, apart, and it fits the frame. Built directly, nothing rendered."""
import itertools

import numpy as np
import pytest

from scenes.mobjects import NetworkDiagram, edge_number, fit, named_units

# One hidden layer, as the article's network: as wide as in figure 4, and as in figures 3, 11 and 15 for the networks
# traces have (two inputs).
SIZES = [[n_in, hidden, n_out] for n_in, n_out in itertools.product((2, 3), repeat=2) for hidden in range(1, 11)]
# Any depth: no hidden layer, several, narrow and wide (shown elided), all edges named or only some.
DEEP = [[2, 3, 2], [2, 4, 3, 2], [2, 2, 2, 2, 2], [2, 2], [2, 3], [3, 3], [2, 10], [2, 2, 3, 2], [2, 6, 5, 2],
        [2, 8, 8, 2], [2, 16, 2], [3, 4, 4, 3], [2, 3, 3, 3, 2]]
CASES = ([(size, 7.2) for size in SIZES] + [(size, 9.0) for size in SIZES if size[0] == 2]
         + [(size, width) for size in DEEP if size not in SIZES for width in (7.2, 9.0)])
FRAME = (14.2, 8.0)


def name(case):
    return "-".join(map(str, case[0])) + f"@{case[1]:g}"


@pytest.fixture(scope="module")
def diagrams():
    return {}


def build(diagrams, size, width):
    """Each diagram built once, with its header."""
    key = (tuple(size), width)
    if key not in diagrams:
        diagrams[key] = NetworkDiagram(size, width=width, header=True)
    return diagrams[key]


@pytest.fixture(params=CASES, ids=name)
def diagram(request, diagrams):
    """(sizes, diagram)."""
    size, width = request.param
    return size, build(diagrams, size, width)


@pytest.fixture(params=[(size, width) for size in DEEP for width in (7.2, 9.0)], ids=name)
def deep(request, diagrams):
    """(sizes, width, diagram) of the networks of any depth."""
    size, width = request.param
    return size, width, build(diagrams, size, width)


def box(mobject):
    return np.array([mobject.get_left()[0], mobject.get_bottom()[1], mobject.get_right()[0], mobject.get_top()[1]])


def overlap(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def crosses(segment, rectangle, steps=400):
    """Whether the segment passes through the rectangle (points along it, 1/400 of its length apart)."""
    return bool(crossing([segment], rectangle, steps)[0])


def crossing(segments, rectangle, steps=400):
    """For each segment, whether it passes through the rectangle (as `crosses`)."""
    ends = np.array([[start[:2], end[:2]] for start, end in segments])
    points = ends[:, :1] + np.linspace(0, 1, steps + 1)[None, :, None] * (ends[:, 1:] - ends[:, :1])
    return np.any((points[..., 0] > rectangle[0]) & (points[..., 0] < rectangle[2]) &
                  (points[..., 1] > rectangle[1]) & (points[..., 1] < rectangle[3]), axis=1)


def shown(network):
    """(weights, (i, j), label) for every edge name drawn."""
    return [(weights, pair, network.edge_labels[weights][position])
            for weights, index in network.label_index.items() for pair, position in index.items()]


def drawn(n):
    """The units of a layer of n drawn: all up to 6, else the first three and the last."""
    return list(range(n)) if n <= 6 else [0, 1, 2, n - 1]


def article_numbers(sizes):
    """{(weights, (i, j)): k} for w_k, counted edge by edge: W1 column by column (the article's w1 = x1 -> h11,
    w2 = x2 -> h11, ...), each next matrix row by row after all the edges before it."""
    numbers = {}
    for k in range(1, len(sizes)):
        rows, cols = range(sizes[k - 1]), range(sizes[k])
        pairs = [(i, j) for j in cols for i in rows] if k == 1 else [(i, j) for i in rows for j in cols]
        for pair in pairs:
            numbers[f"W{k}", pair] = len(numbers) + 1
    return numbers


def all_named(sizes):
    """Whether every edge is named: every weight matrix has at most 6 entries, as the article's 2-3-2 network."""
    return all(a * b <= 6 for a, b in zip(sizes, sizes[1:]))


def named_edges(sizes):
    """The drawn edges to name: all of a network as small as the article's; else those whose ends are both the first
    or last unit of a hidden layer (or of the output layer, with no hidden layer), or an input or output unit."""
    layers = len(sizes) - 1
    restricted = range(1, layers) if layers > 1 else [1]
    def kept(column, unit):
        return all_named(sizes) or column not in restricted or unit in (0, sizes[column] - 1)
    return {(f"W{k}", (i, j)) for k in range(1, layers + 1) for i in drawn(sizes[k - 1]) for j in drawn(sizes[k])
            if kept(k - 1, i) and kept(k, j)}


def test_names_overlap_no_name_and_no_node(diagram):
    size, network = diagram
    labels = [box(label) for _, _, label in shown(network)]
    nodes = [box(node) for column in network.nodes.values() for node in column]
    for a, b in itertools.combinations(range(len(labels)), 2):
        assert not overlap(labels[a], labels[b]), (size, shown(network)[a][:2], shown(network)[b][:2])
    for k, label in enumerate(labels):
        assert not any(overlap(label, node) for node in nodes), (size, shown(network)[k][:2])


def test_each_name_is_its_edges_w_k_and_sits_on_it(diagram):
    size, network = diagram
    numbers = article_numbers(size)
    assert len(shown(network)) == sum(len(group) for group in network.edge_labels.values())
    for weights, (i, j), label in shown(network):
        assert label[1].tex_string == f"w_{{{numbers[weights, (i, j)]}}}"
        assert network.edge_label(weights, i, j) is label
        edge = network.edge(weights, i, j)
        assert crosses((edge.get_start(), edge.get_end()), box(label)), (size, weights, i, j)


def test_which_edges_are_named(diagram):
    """A network as small as the article's names every edge; a wider one only those of its hidden layers' first and
    last units, and always the first and the last edge of each matrix (figure 4 points from the last). Names sit clear
    of every other edge, but for the article's own placement of a small network with one hidden layer (its figure
    has names on crossings)."""
    size, network = diagram
    named = {(weights, pair) for weights, pair, _ in shown(network)}
    assert named <= named_edges(size)
    assert network.named_units == named_units(size)
    for weights, index in network.edge_index.items():
        pairs = list(network.label_index[weights])
        assert pairs[0] == (0, 0) and pairs[-1] == list(index)[-1], (size, weights, pairs)
    if all_named(size):
        assert named == named_edges(size)
        assert named_units(size) == {f"h{m}": list(range(size[m])) for m in range(1, max(2, len(size) - 1))}
        if len(size) == 3:
            return
    else:
        assert named_units(size) == {f"h{m}": [0, size[m] - 1] for m in range(1, max(2, len(size) - 1))}
    segments = {(weights, pair): (network.edge(weights, *pair).get_start(), network.edge(weights, *pair).get_end())
                for weights in network.edge_index for pair in network.edge_index[weights]}
    for weights, pair, label in shown(network):
        hits = crossing(list(segments.values()), box(label))
        hit = [key for key, through in zip(segments, hits) if through and key != (weights, pair)]
        assert not hit, (size, weights, pair, hit)
    gap = np.array([-0.04, -0.04, 0.04, 0.04])  # and a little white between names
    for (_, a, first), (_, b, second) in itertools.combinations(shown(network), 2):
        assert not overlap(box(first) + gap, box(second)), (size, a, b)


def test_edge_number_counts_as_the_article():
    for size in SIZES + DEEP:
        for (weights, (i, j)), k in article_numbers(size).items():
            assert edge_number(weights, i, j, size) == k, (size, weights, i, j)


def test_columns_and_edges_as_drawn(deep):
    """Columns X, h1, ..., hL, Y evenly spread over 0.72 of the width, Y at its right end; edges of the drawn units."""
    size, width, network = deep
    layers = len(size) - 1
    columns = ["X"] + [f"h{k}" for k in range(1, layers + 1)]
    assert list(network.columns) == columns + ["Y"]
    assert list(network.edges) == [f"W{k}" for k in range(1, layers + 1)]
    for k, column in enumerate(columns + ["Y"]):
        units = size[min(k, layers)]
        assert network.sizes[column] == units
        assert len(network.nodes[column]) == len(drawn(units))
        x = width / 2 if column == "Y" else -width / 2 + 0.72 * width * k / layers
        assert network.columns[column].get_x() == pytest.approx(x)
    assert len(network.ellipses) == sum(n > 6 for n in size + size[-1:])
    for k in range(1, layers + 1):
        pairs = list(itertools.product(drawn(size[k - 1]), drawn(size[k])))
        assert len(network.edges[f"W{k}"]) == len(pairs)
        assert list(network.edge_index[f"W{k}"]) == pairs
    assert len(network.arrows) == len(drawn(size[-1]))


def test_stations_in_order_and_apart(deep):
    size, width, network = deep
    layers = len(size) - 1
    order = ["X"] + [name for k in range(1, layers + 1) for name in (f"W{k}", f"h{k}")] + ["loss"]
    assert list(network.stations) == order
    boxes = [box(network.station(name)) for name in order]
    for (a, left), (b, right) in zip(zip(order, boxes), zip(order[1:], boxes[1:])):
        assert right[0] - left[2] > 0.1, (size, width, a, b)
    columns_top = max(box(column)[3] for column in network.columns.values())
    assert all(station[1] > columns_top for station in boxes)
    if layers <= 2:  # the article's stations, unshrunk
        assert network.station("X")[0].width == pytest.approx(0.84)


def test_fits_the_frame(deep):
    size, width, network = deep
    fitted = box(fit(network.copy()))
    assert -FRAME[0] / 2 < fitted[0] and fitted[2] < FRAME[0] / 2, (size, width, fitted)
    assert -FRAME[1] / 2 < fitted[1] and fitted[3] < FRAME[1] / 2, (size, width, fitted)


def test_article_layout():
    """With one hidden layer the columns sit where the article's figures have them."""
    for width in (7.2, 9.0):
        network = NetworkDiagram([2, 3, 2], width=width)
        xs = [network.columns[name].get_x() for name in ("X", "h1", "h2", "Y")]
        assert xs == pytest.approx([-width / 2, -width / 2 + 0.36 * width, -width / 2 + 0.72 * width, width / 2])


def test_highlights_and_paths_for_every_name(diagrams):
    network = build(diagrams, [2, 4, 3, 2], 7.2)
    for name in [*network.columns, *network.stations]:
        assert network.make_highlight_layer_animation(name).animations, name
    with pytest.raises(KeyError):
        network.make_highlight_layer_animation("h4")
    stations = {name: box(station) for name, station in network.stations.items()}
    for start, end in itertools.permutations(stations, 2):
        arrow = network.path_arrow(start, end, "x", "#000000")[0]
        points = np.vstack([part.points[:, :2] for part in arrow.get_family() if len(part.points)])
        for other, (left, bottom, right, top) in stations.items():
            if other not in (start, end):
                inside = (points[:, 0] > left) & (points[:, 0] < right) & (points[:, 1] > bottom) & (points[:, 1] < top)
                assert not inside.any(), (start, end, other)
        near = box(arrow)  # the arrow reaches from one station to the other
        assert min(abs(near[0] - stations[end][2]), abs(near[2] - stations[end][0])) < 0.35, (start, end)
    for name in ("h1", "h2", "h3"):
        network.path_arrow(name, name, "x", "#000000", curved=True)


def test_two_three_two_names_all_twelve_in_the_articles_order():
    network = NetworkDiagram([2, 3, 2], width=7.2, header=True)
    names = [label[1].tex_string for weights in ("W1", "W2") for label in network.edge_labels[weights]]
    assert names == [f"w_{{{k}}}" for k in (1, 3, 5, 2, 4, 6, 7, 8, 9, 10, 11, 12)]


def test_highlighting_an_unnamed_edge_colours_its_line_only():
    network = NetworkDiagram([2, 5, 2])
    assert network.edge_label("W1", 0, 2) is None
    animation = network.make_highlight_edges_animation("W1", edges=[(i, 2) for i in range(2)] + [(0, 0)])
    assert len(animation.animations) == 4  # three edges, and the name of (0, 0) alone
    assert len(network.make_highlight_edges_animation("W2").animations) == 10 + len(network.edge_labels["W2"])
    NetworkDiagram([2, 5, 2], labels=False).make_highlight_edges_animation("W1", edges=[(0, 0)])
