r"""A student's worksheet and answer key as LaTeX documents (A4, pdflatex), and their compilation in parallel.

Both follow the trace's steps in order and know nothing of particular names: the starting values (steps computed
from nothing) are the student's numbers; every other step is a quantity to compute. The worksheet gives each one
its formula and an empty box per entry, the key its value as the article prints numbers (8 decimals, trailing
zeros dropped). Wide or tall values are cut into blocks of columns and rows, so every number stays printed at
full size on A4.
"""
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from mlp_core.config import ConfigError
from mlp_core.export import matrix
from mlp_core.formatting import format_number

ANSWER_PRECISION = 8  # the article's
BLOCK_COLUMNS = 6  # numbers per row of a printed block: six 8-decimal numbers fit the A4 text width
BLOCK_ROWS = 16
BOX_COLUMNS = 6  # answer boxes per row
BOX_ROWS = 12
DIAGRAM_MOST = 7  # units drawn per layer; more are elided
NUMBERED_WIDTH = r"\dimexpr\linewidth-8mm\relax"  # beside an item's number

# The preamble every document shares, then each document's own lines. compile_all makes a format of the shared part
# once (mylatexformat), which halves pdflatex's time per document; \endofdump marks where the format ends and is
# nothing without one, so each .tex also compiles alone.
SHARED_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[a4paper,margin=18mm,top=22mm,headsep=7mm]{geometry}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath,amssymb}
\usepackage{xcolor}
\usepackage{adjustbox}
\usepackage{tikz}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0pt}
\newcommand{\answerbox}{{\setlength{\fboxsep}{0pt}\fcolorbox{black!40}{white}{\rule{0pt}{9mm}\hspace{25mm}}}}
\csname endofdump\endcsname
"""
OWN_PREAMBLE = r"""\setcounter{MaxMatrixCols}{%d}
\makeatletter
\renewcommand{\@oddhead}{\small %s\hfill %s, page \thepage}
\renewcommand{\@oddfoot}{}
\makeatother
"""
FORMAT = "classroom"  # the format's name: classroom.fmt in the folder of the students' folders

TEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&",
               "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def tex_text(text):
    """Plain text for LaTeX: special characters escaped; characters that pdflatex's T1 fonts cannot print (beyond
    Latin-1 and Latin Extended-A) become '?' (the web page shows names as they are)."""
    return "".join(TEX_SPECIAL.get(c, c) if ord(c) <= 0x17F and (c.isprintable() or c == " ") else "?"
                   for c in text)


def symbol(step):
    """The LaTeX left-hand side of a step, 'z_1' of 'z_1 = X W_1'."""
    return step.formula.split(" = ", 1)[0]


def shape_text(value):
    """The shape as LaTeX: '1 \\times 3', or 'a number'."""
    shape = np.shape(value)
    if not shape:
        return r"\text{a number}"
    return r" \times ".join(str(n) for n in shape)


def blocks(value, most_rows=BLOCK_ROWS, most_columns=BLOCK_COLUMNS):
    """A value cut into pieces that fit the page: [(label, sub-array)], label '' when it fits whole
    ('columns 7--12', 'rows 1--16, columns 1--6'). A 1-D value is one row."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return [("", array)]
    array = np.atleast_2d(array)
    rows, columns = array.shape
    out = []
    for r in range(0, rows, most_rows):
        for c in range(0, columns, most_columns):
            parts = []
            if rows > most_rows:
                parts.append(f"rows {r + 1}--{min(r + most_rows, rows)}")
            if columns > most_columns:
                parts.append(f"columns {c + 1}--{min(c + most_columns, columns)}")
            out.append((", ".join(parts), array[r:r + most_rows, c:c + most_columns]))
    return out


def fitted(math, width=r"\linewidth"):
    """Display math scaled down (never up) to `width`."""
    return (rf"\begin{{adjustbox}}{{max width={width}}}" + "\n$\\displaystyle " + math + "$\n\\end{adjustbox}")


def value_rows(value, precision):
    """Rows of an aligned block giving a value, ('&= [block]', its height in lines), one per block of it
    (labelled when cut)."""
    rows = []
    for label, part in blocks(value):
        note = rf"\quad\text{{\small ({label})}}" if label else ""
        rows.append((("&= " if not rows else r"&\phantom{{}={}} ") + matrix(part, precision) + note,
                     np.atleast_2d(part).shape[0] if np.ndim(part) else 1))
    return rows


DISPLAY_LINES = 24  # lines of one display at most: a display never breaks across pages


def displays(rows, width=r"\linewidth", indent=""):
    """Rows (text, lines) of 'lhs &= rhs' as aligned displays of at most DISPLAY_LINES lines each, each scaled
    down (never up) to `width`; the later ones after `indent`."""
    groups, lines = [[]], 0
    for text, height in rows:
        if groups[-1] and lines + height > DISPLAY_LINES:
            groups.append([])
            lines = 0
        groups[-1].append(text)
        lines += height
    return ("\n\n\\smallskip\n" + indent).join(
        fitted(r"\begin{aligned}[t]" + " \\\\[1mm]\n".join(group) + r"\end{aligned}", width) for group in groups)


def layer_sizes(trace, starting):
    """Units per layer from the weight matrices (the 2-D starting values other than the data X and labels y),
    or None when they do not chain."""
    weights = [(step, trace.values[step.name]) for step in starting
               if np.ndim(trace.values[step.name]) == 2 and step.name not in ("X", "y")]
    if not weights:
        return None
    sizes = [weights[0][1].shape[0]]
    for _, W in weights:
        if W.shape[0] != sizes[-1]:
            return None
        sizes.append(W.shape[1])
    return sizes, [symbol(step) for step, _ in weights]


def diagram(sizes, weight_symbols):
    """A TikZ drawing of the layers (at most DIAGRAM_MOST units each, the rest elided), weights named between."""
    gap, step = 34, 8  # mm between layers, between units
    lines = [r"\begin{tikzpicture}[x=1mm,y=1mm,unit/.style={circle,draw,fill=white,minimum size=5.5mm,"
             r"inner sep=0pt}]"]
    tallest = min(max(sizes), DIAGRAM_MOST)
    shown = []
    for layer, n in enumerate(sizes):
        indices = list(range(n)) if n <= DIAGRAM_MOST else [0, 1, 2, None, n - 2, n - 1]
        top = (len(indices) - 1) * step / 2
        positions = [(index, top - k * step) for k, index in enumerate(indices)]
        shown.append([(layer * gap, y, index) for index, y in positions])
    for layer in range(len(sizes) - 1):
        for x0, y0, a in shown[layer]:
            for x1, y1, b in shown[layer + 1]:
                if a is not None and b is not None:
                    lines.append(rf"\draw[gray!55] ({x0},{y0}) -- ({x1},{y1});")
        middle = (shown[layer][0][0] + shown[layer + 1][0][0]) / 2
        lines.append(rf"\node[fill=white,inner sep=1pt] at ({middle},{tallest * step / 2 + 3}) "
                     rf"{{${weight_symbols[layer]}$}};")
    for layer, units in enumerate(shown):
        for x, y, index in units:
            lines.append(rf"\node at ({x},{y}) {{$\vdots$}};" if index is None else rf"\node[unit] at ({x},{y}) {{}};")
        n = sizes[layer]
        label = (f"{n} input{'s' if n > 1 else ''}" if layer == 0 else
                 f"{n} output{'s' if n > 1 else ''}" if layer == len(sizes) - 1 else f"{n} hidden")
        lines.append(rf"\node[font=\small] at ({units[0][0]},{-tallest * step / 2 - 4}) {{{label}}};")
    lines.append(r"\end{tikzpicture}")
    return "\n".join(lines)


def setting_text(value):
    """A setting as text: booleans on/off, numbers as the article prints them, lists with commas (none if empty)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, (list, tuple)):
        return ",".join(setting_text(v) for v in value) or "none"
    return str(value)


def settings_text(trace):
    """The variant's settings as one line of text: every setting of its config that is set, but the explicit
    values ('hidden 3, sample 171, ..., bias off')."""
    items = [(k, v) for k, v in trace.config.to_dict().items() if k != "values" and v is not None]
    return ", ".join(f"{k.replace('_', ' ')} {setting_text(v)}" for k, v in items)


def constants(trace):
    """alpha, lambda and N, which the formulas use, as LaTeX."""
    config = trace.config
    parts = [rf"\alpha = {format_number(config.lr)}", rf"\lambda = {format_number(config.reg)}"]
    if "X" in trace.values:
        parts.append(rf"N = {np.shape(trace.values['X'])[0]}")
    return r",\quad ".join(parts)


def document(trace, student, title, kind, body):
    """A complete A4 document: a running head with the student and `kind` on every page, the title, `body`."""
    columns = max([np.atleast_2d(v).shape[1] for v in trace.values.values() if np.ndim(v) > 0] + [10])
    name = tex_text(student.name)
    who = f"{name} ({tex_text(student.id)})" if name else tex_text(student.id)
    line = (name + r" \quad " if name else "") + "id " + tex_text(student.id)
    top = f"{{\\LARGE\\bfseries {title}}}\\par\\medskip\n{{\\large {line}}}\\par\\bigskip\n"
    return (SHARED_PREAMBLE + OWN_PREAMBLE % (columns, who, kind) + "\\begin{document}\n" + top + body
            + "\n\\end{document}\n")


def numbers_section(trace, starting, note):
    """The network (a drawing and its settings) and the student's starting values, alpha, lambda and N."""
    sizes = layer_sizes(trace, starting)
    rows = []
    for step in starting:
        value = value_rows(trace.values[step.name], ANSWER_PRECISION)
        rows += [(symbol(step) + " " + value[0][0], value[0][1]), *value[1:]]
    return "\n\n".join([
        r"\section*{Your network}",
        (r"\begin{center}\begin{adjustbox}{max width=\linewidth}" + diagram(*sizes)
         + r"\end{adjustbox}\end{center}") if sizes else "",
        r"{\small Settings: " + tex_text(settings_text(trace)) + r".}\par",
        r"\section*{Your numbers}", note,
        displays(rows),
        r"\smallskip" + "\n" + rf"${constants(trace)}$\par"])


def keep_together(value, text):
    """`text` in a minipage (never split by a page break) unless the value is too big for one page."""
    rows = np.atleast_2d(value).shape[0] if np.ndim(value) else 1
    if rows > BOX_ROWS or len(blocks(value)) > 2:
        return text
    return r"\begin{minipage}{\linewidth}" + "\n" + text + "\n" + r"\end{minipage}"


def box_grid(value, indent=""):
    """Empty boxes, one per entry of `value`, in its shape and in brackets (blocks of at most BOX_ROWS x
    BOX_COLUMNS, labelled when cut); a number is one box. Plain LaTeX boxes: TikZ took twice as long to compile."""
    pictures = []
    for label, part in blocks(value, BOX_ROWS, BOX_COLUMNS):
        if part.ndim == 0:
            grid = r"\answerbox"
        else:
            rows, columns = part.shape
            body = " \\\\[2.5mm]\n".join(" & ".join([r"\answerbox"] * columns) for _ in range(rows))
            grid = (r"$\left[\begin{array}{@{\,}" + "@{\\hspace{2.5mm}}".join("c" * columns) + "@{\\,}}\n" + body
                    + "\n" + r"\end{array}\right]$")
        pictures.append(indent + (rf"{{\small {label}}}\\[1mm]{indent}" if label else "") + grid)
    return "\n\n\\smallskip\n".join(pictures)


def worksheet_tex(student, trace):
    """The worksheet: the student's network and numbers, then each quantity to compute with room to write."""
    starting = [step for step in trace.steps if not step.inputs]
    computed = [step for step in trace.steps if step.inputs]
    exact = all(np.array_equal(np.round(trace.values[step.name], ANSWER_PRECISION), trace.values[step.name])
                for step in starting)
    parts = [numbers_section(trace, starting, "Every number below is exact as printed." if exact else ""),
             r"\section*{Compute, in this order}",
             r"Write each entry with the decimals you worked with: it counts as right when it is within one unit "
             r"of its last decimal. Check yourself with \texttt{check.html} as you go.\par\bigskip"]
    for number, step in enumerate(computed, 1):
        value = trace.values[step.name]
        parts.append(keep_together(value, rf"\makebox[8mm][l]{{\textbf{{{number}.}}}}"
                                   + fitted(step.formula, r"\dimexpr\linewidth-30mm\relax")
                                   + rf"\hfill ${shape_text(value)}$" + r"\\[2mm]" + "\n"
                                   + box_grid(value, r"\hspace*{8mm}"))
                     + "\n\\par\\bigskip")
    return document(trace, student, "One iteration of backpropagation: worksheet", "worksheet", "\n\n".join(parts))


def answers_tex(student, trace):
    """The answer key: the same numbers, then every quantity's formula and value (8 decimals)."""
    starting = [step for step in trace.steps if not step.inputs]
    computed = [step for step in trace.steps if step.inputs]
    parts = [numbers_section(trace, starting, ""), r"\section*{Answers}"]
    for number, step in enumerate(computed, 1):
        value = trace.values[step.name]
        lhs, rhs = step.formula.split(" = ", 1)
        rows = [(f"{lhs} &= {rhs}", 2), *value_rows(value, ANSWER_PRECISION)]
        parts.append(keep_together(value, rf"\makebox[8mm][l]{{\textbf{{{number}.}}}}"
                                   + displays(rows, NUMBERED_WIDTH, r"\hspace*{8mm}")) + "\n\\par\\bigskip")
    return document(trace, student, "One iteration of backpropagation: answer key", "answer key",
                    "\n\n".join(parts))


# pdflatex writes the same bytes for the same source: no dates, a fixed document ID.
REPRODUCIBLE = {"SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}


def pdflatex(arguments, folder):
    return subprocess.run(["pdflatex", "-interaction=batchmode", "-halt-on-error", "-no-shell-escape", *arguments],
                          cwd=folder, capture_output=True, text=True, errors="replace", timeout=300,
                          env={**os.environ, **REPRODUCIBLE})


def make_format(folder):
    """classroom.fmt in `folder`, from SHARED_PREAMBLE; False when it cannot be made (then each document loads
    its preamble itself, as slowly as without)."""
    source = os.path.join(folder, FORMAT + "-preamble.tex")
    with open(source, "w", encoding="utf-8") as f:
        f.write(SHARED_PREAMBLE + "\\begin{document}\n\\end{document}\n")
    try:
        result = pdflatex(["-ini", f"-jobname={FORMAT}", "&pdflatex", "mylatexformat.ltx", os.path.basename(source)],
                          folder)
    except (OSError, subprocess.TimeoutExpired):
        return False
    finally:
        for extension in ("-preamble.tex", ".log"):
            remove(os.path.join(folder, FORMAT + extension))
    return result.returncode == 0 and os.path.exists(os.path.join(folder, FORMAT + ".fmt"))


def remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def compile_tex(path, format_path=None):
    """pdflatex PATH in its folder (with the format `format_path`, relative to that folder, if given); keeps the
    .pdf and removes the .tex and its by-products. Returns None, or one line saying what failed."""
    folder, name = os.path.split(path)
    stem = os.path.splitext(name)[0]
    try:
        result = pdflatex(([f"-fmt={format_path}"] if format_path else []) + [name], folder)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"pdflatex could not run on {path}: {e}"
    if result.returncode != 0:
        try:
            with open(os.path.join(folder, stem + ".log"), errors="replace") as f:
                log = f.read()
        except OSError:
            log = ""
        error = re.search(r"^! (.*)$", log, re.MULTILINE)
        return f"pdflatex failed on {os.path.basename(folder)}/{name}: {error.group(1) if error else 'see its log'}"
    for extension in (".tex", ".aux", ".log", ".out"):
        remove(os.path.join(folder, stem + extension))
    return None


def compile_all(folder, paths, jobs):
    """Compile every .tex of `paths` (each in a folder directly inside `folder`), `jobs` at a time, with a format
    of the shared preamble made in `folder` first (and removed after); ConfigError with the first failure."""
    if shutil.which("pdflatex") is None:
        raise ConfigError("pdflatex is not installed; the worksheets need it (Debian: apt-get install "
                          "texlive-latex-base texlive-latex-extra)")
    format_path = os.path.join("..", FORMAT) if make_format(folder) else None
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(compile_tex, path, format_path) for path in paths]
            for future in futures:
                error = future.result()
                if error:
                    for other in futures:
                        other.cancel()
                    raise ConfigError(error)
    finally:
        remove(os.path.join(folder, FORMAT + ".fmt"))
