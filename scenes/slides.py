"""The explainer as a manim-slides deck: each figure starts a slide, each step of a figure is one key press.

    manim-slides render scenes/slides.py BackpropSlides              # -ql for a quick draft
    manim-slides convert BackpropSlides deck.html --one-file --offline

--one-file embeds the clips, --offline embeds reveal.js (downloaded once into manim-slides' cache; where its
CDN cannot be reached, scripts/revealjs_cache.sh fills that cache from npm): the HTML then needs no network.
Needs the [slides] extra (manim-slides). The construct is Backprop's own; only the pauses change: a figure's
section starts a slide whose speaker notes name the figure, and each beat waits for a key press instead of
a few seconds. The deck stays silent (no voice, whatever MLP_VOICE says): a presenter speaks over slides.
"""
from manim_slides import Slide

from scenes.backprop import Backprop


class BackpropSlides(Backprop, Slide):
    narrated = False

    def next_section(self, name="unnamed", *args, **kwargs):
        """A new slide at each figure, named in its notes (`convert` writes them into the HTML)."""
        super().next_section(name, *args, notes=name, **kwargs)

    def beat(self, seconds=1.0):
        self.next_slide()
