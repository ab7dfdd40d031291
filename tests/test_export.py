"""Exports: the LaTeX fragments and the Beamer deck compile and show the trace's numbers; Markdown holds every
value at the requested precision; JSON is the trace; bad input is one line, exit 2, nothing written.

The expected numbers are the article's (FIGURES.md, with its errata corrected), typed here, not the code's output.
Each LaTeX document is compiled once per session (pdflatex takes well under a second each here).
"""
import json
import re
import shutil
import subprocess

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
    ]:
        (root / name).mkdir()
        assert main(["export", *args, "-o", str(root / name / output)]) == 0
        documents[name] = root / name / document
    (root / "single" / "uses_single.tex").write_text("\\documentclass{article}\\usepackage{amsmath,xcolor,adjustbox}\n"
                                                     "\\begin{document}\n\\input{single}\n\\end{document}\n")
    out = {name: compile_pdf(document) for name, document in documents.items()}
    return out


@needs_pdflatex
@pytest.mark.parametrize("document", ["deck", "fragments", "single"])
def test_compiled_documents_show_the_articles_numbers(compiled, document):
    text, _ = compiled[document]
    found = numbers_in(text)
    for name, expected in ARTICLE.items():
        missing = [v for v in expected.split() if v not in found]
        assert not missing, f"{document}: {name} values {missing} not in the compiled text"


@needs_pdflatex
def test_deck_has_a_title_and_one_frame_per_figure(compiled):
    assert pages(compiled["deck"][1]) == 1 + ARTICLE_FIGURES


@needs_pdflatex
@pytest.mark.parametrize("document", ["wide_deck", "wide_fragments"])
def test_wide_batched_biased_trace_compiles_with_every_value(compiled, document):
    text, _ = compiled[document]
    trace = compute_trace(Config(hidden=12, batch=2, bias=True, reg=0.01))
    found = numbers_in(text)
    for name, value in trace.values.items():
        missing = [decimals(v, 8) for v in np.ravel(value) if decimals(v, 8) not in found]
        assert not missing, f"{document}: {name} values {missing} not in the compiled text"


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


def test_writing_into_a_missing_folder_is_one_line(tmp_path, capsys):
    assert main(["export", "--format", "beamer", "-o", str(tmp_path / "no" / "deck.tex")]) == 2
    assert "cannot write" in capsys.readouterr().err and not (tmp_path / "no").exists()


def test_format_all_needs_a_folder(capsys):
    assert main(["export", "--format", "all"]) == 2
    assert "-o DIR" in capsys.readouterr().err
