"""The network of figures 3, 4, 11 and 15 keeps its edge names readable however wide its layers: no name overlaps
another or a node, each names its own edge, and a wide network names the edges of its first and last hidden units,
each clear of every other edge. Built directly, nothing rendered."""
import itertools

import numpy as np
import pytest

from scenes.mobjects import NetworkDiagram, edge_number, named_units

SIZES = [(n_in, hidden, n_out) for n_in, n_out in itertools.product((2, 3), repeat=2) for hidden in range(1, 11)]
# As wide as in figure 4, and as in figures 3, 11 and 15 for the networks traces have (two inputs).
CASES = [(size, 7.2) for size in SIZES] + [(size, 9.0) for size in SIZES if size[0] == 2]


@pytest.fixture(scope="module")
def diagrams():
    return {}


@pytest.fixture(params=CASES, ids=lambda case: "-".join(map(str, case[0])) + f"@{case[1]:g}")
def diagram(request, diagrams):
    """(sizes, diagram), each built once."""
    size, width = request.param
    if request.param not in diagrams:
        diagrams[request.param] = NetworkDiagram(*size, width=width)
    return size, diagrams[request.param]


def box(mobject):
    return np.array([mobject.get_left()[0], mobject.get_bottom()[1], mobject.get_right()[0], mobject.get_top()[1]])


def overlap(a, b):
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def crosses(segment, rectangle, steps=400):
    """Whether the segment passes through the rectangle (points along it, 1/400 of its length apart)."""
    points = np.linspace(segment[0][:2], segment[1][:2], steps + 1)
    return bool(np.any((points[:, 0] > rectangle[0]) & (points[:, 0] < rectangle[2]) &
                       (points[:, 1] > rectangle[1]) & (points[:, 1] < rectangle[3])))


def shown(network):
    """(weights, (i, j), label) for every edge name drawn."""
    return [(weights, pair, network.edge_labels[weights][position])
            for weights, index in network.label_index.items() for pair, position in index.items()]


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
    assert len(shown(network)) == sum(len(group) for group in network.edge_labels.values())
    for weights, (i, j), label in shown(network):
        assert label[1].tex_string == f"w_{{{edge_number(weights, i, j, *size)}}}"
        assert network.edge_label(weights, i, j) is label
        edge = network.edge(weights, i, j)
        assert crosses((edge.get_start(), edge.get_end()), box(label)), (size, weights, i, j)


def test_which_edges_are_named(diagram):
    """A network as small as the article's names every edge; a wider one only those of its first and last hidden
    units, each clear of all other edges, and always the last edge of each matrix (figure 4 points from it)."""
    size, network = diagram
    n_in, hidden, n_out = size
    units = named_units(*size)
    assert network.named_units == units
    for weights in ("W1", "W2"):
        named = set(network.label_index[weights])
        assert all((j if weights == "W1" else i) in units for i, j in named)
        last = (n_in - 1, hidden - 1) if weights == "W1" else (hidden - 1, n_out - 1)
        assert last in named and list(network.label_index[weights])[-1] == last
        assert (0, 0) in named
    if units == list(range(hidden)):
        assert n_in * hidden <= 6 and hidden * n_out <= 6
        assert all(set(network.label_index[w]) == set(network.edge_index[w]) for w in ("W1", "W2"))
        return
    assert units == [0, hidden - 1]
    segments = {(weights, pair): (network.edge(weights, *pair).get_start(), network.edge(weights, *pair).get_end())
                for weights in ("W1", "W2") for pair in network.edge_index[weights]}
    for weights, pair, label in shown(network):
        hit = [key for key, segment in segments.items() if key != (weights, pair) and crosses(segment, box(label))]
        assert not hit, (size, weights, pair, hit)
    gap = np.array([-0.04, -0.04, 0.04, 0.04])  # and a little white between names
    for (_, a, first), (_, b, second) in itertools.combinations(shown(network), 2):
        assert not overlap(box(first) + gap, box(second)), (size, a, b)


def test_two_three_two_names_all_twelve_in_the_articles_order():
    network = NetworkDiagram(2, 3, 2, width=7.2, header=True)
    names = [label[1].tex_string for weights in ("W1", "W2") for label in network.edge_labels[weights]]
    assert names == [f"w_{{{k}}}" for k in (1, 3, 5, 2, 4, 6, 7, 8, 9, 10, 11, 12)]


def test_highlighting_an_unnamed_edge_colours_its_line_only():
    network = NetworkDiagram(2, 5, 2)
    assert network.edge_label("W1", 0, 2) is None
    animation = network.make_highlight_edges_animation("W1", edges=[(i, 2) for i in range(2)] + [(0, 0)])
    assert len(animation.animations) == 4  # three edges, and the name of (0, 0) alone
    assert len(network.make_highlight_edges_animation("W2").animations) == 10 + len(network.edge_labels["W2"])
    NetworkDiagram(2, 5, 2, labels=False).make_highlight_edges_animation("W1", edges=[(0, 0)])
