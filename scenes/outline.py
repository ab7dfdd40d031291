"""The explainer's outline: its sections, generated from the trace's layers.

For a network of L weight layers (k = 1 ... L; the article's has L = 2):
    01_overview, 02_<data set>, 03_pipeline, 04_initialized_network,
    z1, h1, ..., zL, hL (one product and one activation figure per layer), loss,
    then from the output down, for each layer k = L ... 1: chain_wk, path_wk, factors_wk, update_wk,
    copy, code,
numbered in that order. For the article's network these are its 19 figures, under the names they always had.

Each section is a Figure: its name, draw(scene, trace, words) which animates it, and words(trace), its script
(scenes/narration.py: line name -> words). Both are the same function for every layer, given the layer k.
"""
from functools import partial
from typing import Callable, NamedTuple

from scenes import narration
from scenes.sections import backward, ending, forward, intro


class Figure(NamedTuple):
    name: str  # the section's name, e.g. "07_z2"
    draw: Callable  # draw(scene, trace, words)
    words: Callable  # words(trace) -> {line name: words}


def figures(trace):
    """The explainer's figures for `trace`, in order."""
    L = trace.layers
    parts = [("overview", intro.overview_figure, narration.overview),
             (trace.config.data, intro.data_figure, narration.data),
             ("pipeline", intro.pipeline_figure, narration.pipeline),
             ("initialized_network", intro.initialized_network_figure, narration.initialized_network)]
    for k in range(1, L + 1):
        parts += [(f"z{k}", partial(forward.product_figure, k=k), partial(narration.product, k=k)),
                  (f"h{k}", partial(forward.activation_figure, k=k), partial(narration.activation, k=k))]
    parts.append(("loss", forward.loss_figure, narration.loss))
    for k in range(L, 0, -1):
        parts += [(f"{kind}_w{k}", partial(draw, k=k), partial(words, k=k))
                  for kind, draw, words in (("chain", backward.chain_figure, narration.chain),
                                            ("path", backward.path_figure, narration.path),
                                            ("factors", backward.factors_figure, narration.factors),
                                            ("update", backward.update_figure, narration.update))]
    parts += [("copy", ending.copy_figure, narration.copy), ("code", ending.code_figure, narration.code)]
    return [Figure(f"{n:02d}_{name}", draw, words) for n, (name, draw, words) in enumerate(parts, start=1)]


def number(figure):
    """The figure's number in the outline (its name's first two digits)."""
    return int(figure.name[:2])


def script(trace, chosen=None):
    """The whole script, or that of the `chosen` figures: {section name: {line name: words}}."""
    return {figure.name: figure.words(trace) for figure in (chosen or figures(trace))}
