"""Exports: the LaTeX fragments and the Beamer deck compile and show the trace's numbers, for the article's
network and deeper or shallower ones; every Beamer frame shows its maths at 70% of its natural size or more
(measured in the PDF); `--format all` puts the stills in the deck and the Markdown; Markdown holds every value at
the requested precision; JSON is the trace; bad input is one line, exit 2, nothing written.

The expected numbers are the article's (FIGURES.md, with its errata corrected), typed here, not the code's output.
Each LaTeX document is compiled once per session (pdflatex takes well under a second each here).
"""
import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from mlp_core.cli import main
from mlp_core.config import Config
from mlp_core.export import figures
from mlp_core.trace import compute_trace
from mlp_core.trace_json import trace_from_dict

# The worked example's numbers as the article prints them (FIGURES.md), misprints corrected.
ARTICLE = {
    "X": "1.76405235 0.40015721",
    "W1": "-0.67746455 0.37769425 -0.07365253 -0.53663519 0.60920496 0.21149622",
    "W2": "-0.41491732 -0.30992816 -0.31583913 -0.27706468 -0.44701662 0.15231059",
    "z1": "-1.40982136 0.91005018 -0.04529517",
    "h1": "0.19626223 0.71301043 0.48867814",
    "z2": "-0.52507645 -0.18394635",
    "h2": "0.37166596 0.45414264",
    "loss": "0.3005246",
    "dL_dh2": "-0.62833404 0.45414264",
    "dh2_dz2": "0.23353037 0.2478971",
    "dL_dW2": "-0.02879856 0.02209533 -0.10462365 0.08027117 -0.07170623 0.0550157",
    "W2_new": "-0.41488852 -0.30995026 -0.31573451 -0.27714495 -0.44694491 0.15225557",
    "dL_dz2": "-0.14673508 0.11258065",
    "dL_dh1": "0.02599101 0.01515256 0.08274025",
    "dh1_dz1": "0.15774337 0.20462656 0.24987182",
    "dL_dW1": "0.00723246 0.00546965 0.03647082 0.00164061 0.00124073 0.00827303",
    "W1_new": "-0.67747178 0.37768878 -0.073689 -0.53663683 0.60920372 0.21148795",
}
ARTICLE_FIGURES = 11  # figures 4-9, 12, 13, 16, 17, 18: those of the worked iteration that carry numbers
WIDE = ["--hidden", "12", "--batch", "2", "--bias", "--reg", "0.01"]  # > 10 columns, batches, biases, penalty
DEEP = ["--hidden", "4,3", "--activation", "relu", "--loss", "cross-entropy", "--bias"]  # 3 weight layers, softmax
NONE = ["--hidden", "none"]  # 1 weight layer
DEEP_CONFIG = Config(hidden=[4, 3], activation="relu", loss="cross-entropy", bias=True)
# The explainer's stills (scripts/stills.sh names them after its sections) and a training run's.
STILLS = ["03_pipeline.png", "05_z1.png", "11_path_w2.png", "12_factors_w2.png", "19_code.png",
          "fig21_step10.png", "fig21_step5.png", "fig21_step99.png"]

needs_pdflatex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")


def numbers_in(text):
    """Every decimal number in a text; pdftotext writes minus as U+2212."""
    return set(re.findall(r"-?\d+(?:\.\d+)?", text.replace("\u2212", "-")))


def decimals(value, precision):
    """Independent of mlp_core.formatting: Python's rounding, trailing zeros dropped."""
    text = f"{value:.{precision}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("-0", "") else text


def compile_pdf(tex_path):
    """Compile with pdflatex in the file's folder; the PDF's text via pdftotext, or where that is absent the
    folder's LaTeX (the exports the document inputs)."""
    result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex_path.name],
                            cwd=tex_path.parent, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-2000:]
    pdf = tex_path.with_suffix(".pdf")
    if shutil.which("pdftotext") is None:
        return "".join(p.read_text() for p in sorted(tex_path.parent.glob("*.tex"))), pdf
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout, pdf


def pages(pdf):
    """The page count pdflatex reports in its log: 'Output written on deck.pdf (12 pages, ...)'."""
    return int(re.search(r"\((\d+) pages?,", pdf.with_suffix(".log").read_text(errors="replace")).group(1))


def decimal_heights(pdf):
    """Per page, the heights of the words that are positive decimal numbers (pdftotext -bbox): a number's height
    on the page is its font size times the scale it was drawn at."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(\d+\.\d+)</word>')
    return [[float(m[2]) - float(m[1]) for m in word.finditer(page)] for page in html.split("<page ")[1:]]


def write_pngs(folder, names):
    from PIL import Image
    folder.mkdir()
    for name in names:
        Image.new("RGB", (64, 36), (20, 40, 80)).save(folder / name)


@pytest.fixture(scope="session")
def compiled(tmp_path_factory):
    """Exports written through the CLI and compiled once: {name: (text, pdf)}."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    root = tmp_path_factory.mktemp("export")
    documents = {}
    for name, args, output, document in [
        ("deck", ["--format", "beamer"], "deck.tex", "deck.tex"),
        ("fragments", ["--format", "latex"], "", "document.tex"),  # -o the folder: one file per figure
        ("single", ["--format", "latex"], "single.tex", "uses_single.tex"),
        ("wide_deck", ["--format", "beamer", *WIDE], "deck.tex", "deck.tex"),
        ("wide_fragments", ["--format", "latex", *WIDE], "", "document.tex"),
        ("deep_deck", ["--format", "beamer", *DEEP], "deck.tex", "deck.tex"),
        ("deep_fragments", ["--format", "latex", *DEEP], "", "document.tex"),
        ("none_deck", ["--format", "beamer", *NONE], "deck.tex", "deck.tex"),
        ("none_fragments", ["--format", "latex", *NONE], "", "document.tex"),
        ("all", ["--format", "all", "--stills", str(root / "stills_in")], "", "deck.tex"),
        # a number's height at scale 1: the deck's class and font size, nothing scaled
        ("reference", None, "reference.tex", "reference.tex"),
    ]:
        (root / name).mkdir()
        if name == "all":
            write_pngs(root / "stills_in", STILLS)
        if args is None:
            (root / name / output).write_text(
                "\\documentclass[aspectratio=169]{beamer}\\usepackage{amsmath}\\begin{document}\\begin{frame}{A}\n"
                "$\\displaystyle \\begin{bmatrix} 0.19626223 & 0.71301043 \\end{bmatrix}$\n"
                "\\end{frame}\\end{document}\n")
        else:
            assert main(["export", *args, "-o", str(root / name / output)]) == 0
        documents[name] = root / name / document
    (root / "single" / "uses_single.tex").write_text("\\documentclass{article}\\usepackage{amsmath,xcolor,adjustbox}\n"
                                                     "\\begin{document}\n\\input{single}\n\\end{document}\n")
    with ThreadPoolExecutor() as pool:  # pdflatex waits on files much of its time
        return dict(zip(documents, pool.map(compile_pdf, documents.values())))


@needs_pdflatex
@pytest.mark.parametrize("document", ["deck", "fragments", "single"])
def test_compiled_documents_show_the_articles_numbers(compiled, document):
    text, _ = compiled[document]
    found = numbers_in(text)
    for name, expected in ARTICLE.items():
        missing = [v for v in expected.split() if v not in found]
        assert not missing, f"{document}: {name} values {missing} not in the compiled text"


@needs_pdflatex
def test_deck_has_a_title_and_a_frame_per_figure_the_tall_one_split(compiled):
    """The chain rule for dLoss/dW1 is 14 rows, about 365pt tall at its natural size: a frame gives the maths
    0.82 of its 252pt text height, so at 70% it needs two frames. Every other figure fits one."""
    text, pdf = compiled["deck"]
    assert pages(pdf) == 1 + ARTICLE_FIGURES + 1
    assert "The chain rule for dLoss/dW1, factor by factor (1/2)" in text
    assert "The chain rule for dLoss/dW1, factor by factor (2/2)" in text
    assert "(3/" not in text and "(1/3)" not in text


@needs_pdflatex
@pytest.mark.parametrize("document", ["deck", "deep_deck", "none_deck", "all"])
def test_every_frame_shows_its_maths_at_70_percent_or_more(compiled, document):
    reference = decimal_heights(compiled["reference"][1])[0]
    assert reference, "the reference page's numbers were not found"
    heights = decimal_heights(compiled[document][1])
    frames = [page for page in heights[1:] if page]  # the title page's numbers are text; stills have none
    assert len(frames) >= ARTICLE_FIGURES - 4
    for number, page in enumerate(heights[1:], 2):
        if page:
            assert min(page) / min(reference) >= 0.7, f"{document}: page {number} is scaled to " \
                                                      f"{min(page) / min(reference):.2f}"


@needs_pdflatex
@pytest.mark.parametrize("document", ["wide_deck", "wide_fragments"])
def test_wide_batched_biased_trace_compiles_with_every_value(compiled, document):
    text, _ = compiled[document]
    trace = compute_trace(Config(hidden=12, batch=2, bias=True, reg=0.01))
    found = numbers_in(text)
    for name, value in trace.values.items():
        missing = [decimals(v, 8) for v in np.ravel(value) if decimals(v, 8) not in found]
        assert not missing, f"{document}: {name} values {missing} not in the compiled text"


@needs_pdflatex
@pytest.mark.parametrize("document, config", [
    ("deep_deck", DEEP_CONFIG), ("deep_fragments", DEEP_CONFIG),
    ("none_deck", Config(hidden=[])), ("none_fragments", Config(hidden=[]))])
def test_deeper_and_shallower_networks_compile_with_every_value(compiled, document, config):
    text, _ = compiled[document]
    trace = compute_trace(config)
    found = numbers_in(text)
    for name, value in trace.values.items():
        missing = [decimals(v, 8) for v in np.ravel(value) if decimals(v, 8) not in found]
        assert not missing, f"{document}: {name} values {missing} not in the compiled text"


@pytest.mark.parametrize("args, expected", [
    # L weight layers: 4 the network; z_k 3+2k, h_k 4+2k; the loss 5+2L; per layer from the output down two
    # figures left to the explainer (chain rule, path), then the factors and the update; the copy 6+6L.
    (DEEP, [(4, "initialized_network"), (5, "z1"), (6, "h1"), (7, "z2"), (8, "h2"), (9, "z3"), (10, "h3"),
            (11, "loss"), (14, "chain_w3_detailed"), (15, "update_w3"), (18, "chain_w2_detailed"),
            (19, "update_w2"), (22, "chain_w1_detailed"), (23, "update_w1"), (24, "copy_values")]),
    (NONE, [(4, "initialized_network"), (5, "z1"), (6, "h1"), (7, "loss"), (10, "chain_w1_detailed"),
            (11, "update_w1"), (12, "copy_values")]),
    ([], [(4, "initialized_network"), (5, "z1"), (6, "h1"), (7, "z2"), (8, "h2"), (9, "loss"),
          (12, "chain_w2_detailed"), (13, "chain_w2_numbers"), (16, "chain_w1_numbers"),
          (17, "chain_w1_numbers_final"), (18, "copy_values")]),
])
def test_fragments_are_numbered_in_order_for_any_depth(tmp_path, args, expected):
    assert main(["export", "--format", "latex", *args, "-o", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.glob("*.tex") if p.name != "document.tex")
    assert names == [f"{number:02d}-{key}.tex" for number, key in expected]


def test_the_articles_figures_keep_their_titles():
    titles = {f.number: f.title for f in figures(compute_trace(Config()))}
    assert titles == {4: "The network's input, label and initial weights", 5: "z1 = X W1", 6: "h1 = sigmoid(z1)",
                      7: "z2 = h1 W2", 8: "h2 = sigmoid(z2)", 9: "The loss",
                      12: "The chain rule for dLoss/dW2, factor by factor", 13: "dLoss/dW2 and the update of W2",
                      16: "The chain rule for dLoss/dW1, factor by factor", 17: "dLoss/dW1 and the update of W1",
                      18: "The new weights replace the old: the iteration ends"}


BOX = r"\fcolorbox[HTML]{%s}{FFFFFF}{$\displaystyle \frac{\partial %s}{\partial %s}$}"
LOSS = r"\mathrm{Loss}"


def test_deep_fragments_box_each_layers_factors(tmp_path):
    """Three layers, softmax with cross-entropy: the output layer starts from dLoss/dz3 (light blue, no dh3/dz3);
    the layers below hand dLoss/dh_k down (orange), with dh_k/dz_k dark blue and dz_k/dW_k green, and reuse
    dLoss/dz_{k+1} from the layer above (light blue)."""
    assert main(["export", "--format", "latex", *DEEP, "-o", str(tmp_path)]) == 0
    w3 = (tmp_path / "14-chain_w3_detailed.tex").read_text()
    w2 = (tmp_path / "18-chain_w2_detailed.tex").read_text()
    w1 = (tmp_path / "22-chain_w1_detailed.tex").read_text()
    assert BOX % ("51A1E5", LOSS, "z_3") in w3 and BOX % ("008000", "z_3", "W_3") in w3
    assert r"\partial h_3}" not in w3 and "softmax with cross-entropy" in w3
    for k, text in ((2, w2), (1, w1)):
        assert BOX % ("E46C0A", LOSS, f"h_{k}") in text
        assert BOX % ("0000FF", f"h_{k}", f"z_{k}") in text
        assert BOX % ("008000", f"z_{k}", f"W_{k}") in text
        assert BOX % ("51A1E5", LOSS, f"z_{k + 1}") in text
    assert r"z_3 &= h_2 W_3 + b_3" in (tmp_path / "09-z3.tex").read_text()


def test_a_single_layer_is_boxed_as_the_articles_output_layer(tmp_path):
    assert main(["export", "--format", "latex", *NONE, "-o", str(tmp_path)]) == 0
    w1 = (tmp_path / "10-chain_w1_detailed.tex").read_text()
    assert BOX % ("51A1E5", LOSS, "h_1") in w1  # light blue
    assert BOX % ("E46C0A", "h_1", "z_1") in w1  # orange
    assert BOX % ("008000", "z_1", "W_1") in w1  # green


def test_markdown_of_a_deep_network_holds_every_value(tmp_path):
    out = tmp_path / "deck.md"
    assert main(["export", "--format", "markdown", *DEEP, "-o", str(out)]) == 0
    found = numbers_in(out.read_text())
    for name, value in compute_trace(DEEP_CONFIG).values.items():
        missing = [decimals(v, 8) for v in np.ravel(value) if decimals(v, 8) not in found]
        assert not missing, f"{name} values {missing} not in the Markdown"


def test_fragments_box_the_chain_rule_factors_in_the_articles_colours(tmp_path):
    assert main(["export", "--format", "latex", "-o", str(tmp_path)]) == 0
    w2 = (tmp_path / "12-chain_w2_detailed.tex").read_text()
    w1 = (tmp_path / "16-chain_w1_numbers.tex").read_text()
    box = r"\fcolorbox[HTML]{%s}{FFFFFF}{$\displaystyle \frac{\partial %s}{\partial %s}$}"
    assert box % ("51A1E5", r"\mathrm{Loss}", "h_2") in w2  # light blue
    assert box % ("E46C0A", "h_2", "z_2") in w2  # orange
    assert box % ("008000", "z_2", "W_2") in w2  # green
    assert box % ("E46C0A", r"\mathrm{Loss}", "h_1") in w1  # orange
    assert box % ("0000FF", "h_1", "z_1") in w1  # dark blue
    assert box % ("008000", "z_1", "W_1") in w1  # green
    assert r"z_1 &= X W_1" in (tmp_path / "05-z1.tex").read_text()
    assert sorted(p.name for p in tmp_path.glob("*.tex"))[:2] == ["04-initialized_network.tex", "05-z1.tex"]


@pytest.mark.parametrize("precision", [8, 3])
def test_markdown_holds_every_value_at_the_precision(tmp_path, precision):
    out = tmp_path / "deck.md"
    assert main(["export", "--format", "markdown", *WIDE, "--precision", str(precision), "-o", str(out)]) == 0
    text = out.read_text()
    trace = compute_trace(Config(hidden=12, batch=2, bias=True, reg=0.01))
    found = numbers_in(text)
    for name, value in trace.values.items():
        missing = [decimals(v, precision) for v in np.ravel(value) if decimals(v, precision) not in found]
        assert not missing, f"{name} values {missing} not in the Markdown at precision {precision}"
    if precision == 3:
        assert decimals(trace.values["h1"][0, 0], 8) not in found
    assert text.count("$$") == 2 * len(figures(trace))


def test_markdown_of_the_article_shows_its_numbers(tmp_path):
    out = tmp_path / "deck.md"
    assert main(["export", "--format", "markdown", "-o", str(out)]) == 0
    found = numbers_in(out.read_text())
    assert all(v in found for expected in ARTICLE.values() for v in expected.split())


def test_markdown_at_three_decimals_matches_hand_rounding(tmp_path):
    out = tmp_path / "deck.md"
    assert main(["export", "--format", "markdown", "--precision", "3", "-o", str(out)]) == 0
    found = numbers_in(out.read_text())
    # z1 = [-1.40982136 0.91005018 -0.04529517], W1* = [[... -0.073689] ...] rounded by hand
    assert {"-1.41", "0.91", "-0.045", "-0.074", "0.301"} <= found


def test_json_export_is_the_trace(tmp_path, capsys):
    assert main(["export", "--format", "json", "--hidden", "4"]) == 0
    exported = capsys.readouterr().out
    assert main(["trace", "--json", "--hidden", "4"]) == 0
    assert exported == capsys.readouterr().out
    assert trace_from_dict(json.loads(exported)) == compute_trace(Config(hidden=4))


def test_export_from_a_trace_file_equals_export_from_the_options(tmp_path, capsys):
    trace_file = tmp_path / "trace.json"
    assert main(["trace", "--json", *WIDE, "-o", str(trace_file)]) == 0
    assert main(["export", "--format", "markdown", "--trace", str(trace_file)]) == 0
    from_file = capsys.readouterr().out
    assert main(["export", "--format", "markdown", *WIDE]) == 0
    assert from_file == capsys.readouterr().out


def test_format_all_collects_every_format_and_the_stills(tmp_path):
    for folder, png in [("explainer", "05_z1.png"), ("training", "fig21_step10.png")]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / png).write_bytes(b"\x89PNG " + png.encode())
    out = tmp_path / "out"
    assert main(["export", "--format", "all", "--stills", str(tmp_path / "explainer"),
                 "--stills", str(tmp_path / "training"), "-o", str(out)]) == 0
    names = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert names == {"deck.tex", "backprop.md", "trace.json", "latex/document.tex",
                     "stills/05_z1.png", "stills/fig21_step10.png",
                     *(f"latex/{n:02d}-{k}.tex" for n, k in [(4, "initialized_network"), (5, "z1"), (6, "h1"),
                                                              (7, "z2"), (8, "h2"), (9, "loss"),
                                                              (12, "chain_w2_detailed"), (13, "chain_w2_numbers"),
                                                              (16, "chain_w1_numbers"),
                                                              (17, "chain_w1_numbers_final"), (18, "copy_values")])}
    assert (out / "stills" / "fig21_step10.png").read_bytes() == b"\x89PNG fig21_step10.png"


def positions(text, needles):
    found = {needle: text.find(needle) for needle in needles}
    assert all(i >= 0 for i in found.values()), [n for n, i in found.items() if i < 0]
    return found


def test_format_all_puts_each_still_before_its_figure_and_the_training_stills_at_the_end(tmp_path):
    """05_z1 shows figure 5 (z1), 12_factors_w2 figure 12; the explainer's figures without numbers of their own
    (3, 11, 19) come before the next figure that has them or after the last; training stills last, in step
    order."""
    write_pngs(tmp_path / "stills", STILLS)
    out = tmp_path / "out"
    assert main(["export", "--format", "all", "--stills", str(tmp_path / "stills"), "-o", str(out)]) == 0
    deck, md = (out / "deck.tex").read_text(), (out / "backprop.md").read_text()
    for text, title, still in [(deck, "\\begin{frame}{%s}", "{stills/%s}"), (md, "## %s", "](<stills/%s>)")]:
        at = positions(text, [title % t for t in ("The network's input, label and initial weights", "z1 = X W1",
                                                  "h1 = sigmoid(z1)", "The loss",
                                                  "The chain rule for dLoss/dW2, factor by factor",
                                                  "The new weights replace the old: the iteration ends")]
                       + [still % name for name in STILLS])
        order = [still % "03_pipeline.png", title % "The network's input, label and initial weights",
                 still % "05_z1.png", title % "z1 = X W1", title % "h1 = sigmoid(z1)", title % "The loss",
                 still % "11_path_w2.png", still % "12_factors_w2.png",
                 title % "The chain rule for dLoss/dW2, factor by factor",
                 title % "The new weights replace the old: the iteration ends", still % "19_code.png",
                 still % "fig21_step5.png", still % "fig21_step10.png", still % "fig21_step99.png"]
        assert sorted(order, key=at.get) == order
        assert all(text.count(still % name) == 1 for name in STILLS)
    # Markdown: each still is a slide of its own
    for name in STILLS:
        before, after = md.split(f"](<stills/{name}>)")
        slide = before.rsplit("\n---\n", 1)[1] + after.split("\n---\n")[0]
        assert "$$" not in slide and "##" not in slide and "stills/" not in slide


@needs_pdflatex
def test_the_deck_with_stills_compiles_with_a_frame_per_still(compiled):
    _, with_stills = compiled["all"]
    _, without = compiled["deck"]
    assert pages(with_stills) == pages(without) + len(STILLS)


@pytest.mark.parametrize("args, complaint", [
    (["--format", "pptx"], "invalid choice: 'pptx'"),
    (["--format", "latex", "--trace", "{missing}"], "cannot read trace file"),
    (["--format", "latex", "--trace", "{not_json}"], "not valid JSON"),
    (["--format", "beamer", "--trace", "{not_json}", "--hidden", "4"], "either --trace"),
    (["--format", "markdown", "--precision", "40"], "--precision must be between 0 and 17"),
    (["--format", "all", "--stills", "{missing}"], "no such folder of stills"),
    (["--format", "all", "--stills", "{here}", "--stills", "{here}"], "two folders hold bad.png"),
    (["--format", "markdown", "--stills", "{here}"], "--stills goes with --format all"),
    (["--format", "latex", "--hidden", "0"], "hidden size"),
])
def test_bad_input_is_one_line_exit_2_and_no_file(tmp_path, capsys, args, complaint):
    (tmp_path / "bad.json").write_text("{ not json")
    (tmp_path / "bad.png").write_bytes(b"\x89PNG")
    args = [a.format(missing=tmp_path / "missing.json", not_json=tmp_path / "bad.json", here=tmp_path) for a in args]
    out = tmp_path / "out"
    assert main(["export", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and complaint in err and "Traceback" not in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "bad.png"]


def test_writing_into_a_missing_folder_creates_it(tmp_path):
    assert main(["export", "--format", "beamer", "-o", str(tmp_path / "no" / "deck.tex")]) == 0
    assert (tmp_path / "no" / "deck.tex").read_text().startswith("\\documentclass")


def test_format_all_needs_a_folder(capsys):
    assert main(["export", "--format", "all"]) == 2
    assert "-o DIR" in capsys.readouterr().err
