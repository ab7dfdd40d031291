"""What a scene needs beyond `pip install`, checked before it renders: one line and exit status 2, not a traceback.

manim's MathTex runs `latex` and then `dvisvgm` on every new formula; without them on the PATH (a user who
installed with pip alone) a render ends in a 137-line traceback ("No such file or directory: 'latex'"). Scenes
that draw formulas call `require_latex()` first (in `setup`). The training videos (scenes/training.py) draw only
Pango text and need no LaTeX, so they do not call it.
"""
import shutil
import sys

LATEX_PACKAGES = "texlive-latex-base texlive-latex-extra dvisvgm"  # standalone.cls, which manim uses, is in -extra
LATEX_TOOLS = ("latex", "dvisvgm")


def missing_latex_tools():
    """The tools MathTex runs that are not on the PATH, in the order it runs them."""
    return [tool for tool in LATEX_TOOLS if shutil.which(tool) is None]


def require_latex():
    """Exit with status 2 and one line on stderr, naming the Debian packages, unless latex and dvisvgm are on the
    PATH."""
    missing = missing_latex_tools()
    if missing:
        print(f"error: {' and '.join(missing)} not found on PATH; this video's formulas need LaTeX: install the "
              f"Debian packages {LATEX_PACKAGES} (or run `bash scripts/setup.sh` as root)", file=sys.stderr)
        sys.exit(2)
