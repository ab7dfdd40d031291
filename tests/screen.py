"""What a frame shows, for the scene tests: the visible text and matrices, each taken whole."""
from manim import MathTex, Text

from scenes.mobjects import TraceMatrix


def on_screen(mobjects, kinds=(MathTex, Text, TraceMatrix)):
    """The visible mobjects of `kinds` among `mobjects` and their descendants, without descending into one found.
    Visible: some part has points and a fill, or a stroke of some width, that is not transparent."""
    found = []

    def visible(part):
        stroked = part.get_stroke_opacity() > 0 and part.get_stroke_width() > 0
        return part.has_points() and (part.get_fill_opacity() > 0 or stroked)

    def visit(mobject):
        if isinstance(mobject, kinds):
            if any(visible(part) for part in mobject.get_family()):
                found.append(mobject)
            return
        for child in mobject.submobjects:
            visit(child)
    for mobject in mobjects:
        visit(mobject)
    return found
