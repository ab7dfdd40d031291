"""Classroom (issue 13): worksheets with each student's own numbers, the self-check page, grading.

One small class is built through the CLI once per session (4 students: 8 PDFs); what needs many students (200)
uses the variants in this process, without PDFs. The browser tests drive Debian's chromium through Playwright
(the `browser` fixture in conftest.py) with every request that is not a file aborted.
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pytest

from mlp_core.check import check_value
from mlp_core.classroom import latex
from mlp_core.classroom.page import check_page
from mlp_core.classroom.roster import Student, read_roster
from mlp_core.classroom.variants import class_traces, fingerprint, starting_names, variant_trace
from mlp_core.config import Config, ConfigError, load_config_file
from mlp_core.formatting import format_number
from mlp_core.trace import compute_trace
from mlp_core.trace_json import dumps, load_trace

SALT = "autumn term"
ROSTER = ("id,name,email\n"
          "s001,Alice Martin,a@example.org\n"
          "s002,Zoë O'Brien & Co_{1},z@example.org\n"
          "s003,Chen Wei 陈伟,c@example.org\n"
          "s004,Dana,d@example.org\n")
needs_pdf_tools = pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("pdftotext") is None,
                                     reason="pdflatex and pdftotext (texlive-latex-base, poppler-utils) are needed")


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "mlp_core", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def pdf_text(pdf):
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def decimal_numbers(text):
    """The numbers with a decimal point in a text, without their signs (pdftotext may part a minus, U+2212, from
    its number)."""
    return set(re.findall(r"\d+\.\d+", text))


def printed(value, precision=8):
    """The numbers of a value with a decimal point as the article prints them, without signs."""
    texts = (format_number(v, precision) for v in np.ravel(value))
    return {t.lstrip("-") for t in texts if "." in t}


@pytest.fixture(scope="session")
def classroom(tmp_path_factory):
    """A class of four built by `python -m mlp_core worksheet`: (folder, roster path)."""
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    root = tmp_path_factory.mktemp("classroom")
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    result = run_cli("worksheet", "--roster", "roster.csv", "-o", "class", "--salt", SALT, cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "class", root / "roster.csv"


# Variants

def test_the_class_folder_has_every_file_and_an_index(classroom):
    folder, _ = classroom
    assert sorted(os.listdir(folder)) == ["index.csv", "s001", "s002", "s003", "s004"]
    for sid in ("s001", "s002", "s003", "s004"):
        assert sorted(os.listdir(folder / sid)) == ["answers.pdf", "check.html", "trace.json", "worksheet.pdf"]
    rows = list(csv.DictReader(open(folder / "index.csv", encoding="utf-8")))
    assert [(r["id"], r["name"]) for r in rows] == [(s.id, s.name) for s in read_roster(classroom[1])]
    for row in rows:
        config = load_trace(folder / row["id"] / "trace.json").config
        assert (int(row["seed"]), int(row["sample"]), row["activation"]) == (config.seed, config.sample,
                                                                              config.activation)
        assert row["decimals"] == "4"
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")], "a temporary folder was left"


def test_the_same_salt_gives_the_same_bytes_and_another_salt_other_numbers(classroom):
    folder, roster = classroom
    students = read_roster(roster)
    again = class_traces(Config(), SALT, students, 4)
    other = class_traces(Config(), "spring term", students, 4)
    for student in students:
        assert (folder / student.id / "trace.json").read_text() == dumps(again[student.id]) + "\n"
        assert (folder / student.id / "check.html").read_text() == check_page(student, again[student.id])
        assert fingerprint(other[student.id]) != fingerprint(again[student.id])
        assert not np.array_equal(other[student.id].values["W1"], again[student.id].values["W1"])


def test_two_hundred_students_never_share_their_numbers():
    students = [Student(f"student{i:03d}", "") for i in range(200)]
    traces = class_traces(Config(), SALT, students, 4)  # raises if two share their starting values
    assert len({fingerprint(t) for t in traces.values()}) == 200
    assert len({t.config.seed for t in traces.values()}) == 200
    assert len({t.config.sample for t in traces.values()}) > 100  # data rows spread over the 300


def test_a_variant_starts_from_the_rounded_numbers_and_reruns_from_its_trace_file(tmp_path):
    trace = variant_trace(Config(hidden=[4, 3], bias=True, batch=2), SALT, "s001", 3)
    for name in starting_names(trace):
        value = np.asarray(trace.values[name])
        assert np.array_equal(np.round(value, 3), value), name
    (tmp_path / "trace.json").write_text(dumps(trace))
    assert compute_trace(load_config_file(tmp_path / "trace.json")) == trace  # what `check --config` computes


def test_values_the_teacher_fixes_stay_and_all_fixed_is_refused():
    X = [[0.5, -0.25]]
    traces = class_traces(Config(values={"X": X}), SALT, [Student("a", ""), Student("b", "")], 4)
    assert all(t.values["X"].tolist() == X for t in traces.values())
    article = compute_trace(Config())
    fixed = {name: np.asarray(article.values[name]).tolist() for name in starting_names(article)}
    with pytest.raises(ConfigError, match="every student would get the same numbers"):
        class_traces(Config(values=fixed), SALT, [Student("a", ""), Student("b", "")], 4)


def test_roster_reading_accepts_spreadsheet_csv(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("\ufeffName;ID;group\n\nDana;d1;A\n  Eve ; e.2@x ;B\n", encoding="utf-8")
    assert read_roster(path) == [Student("d1", "Dana"), Student("e.2@x", "Eve")]


# The PDFs

@needs_pdf_tools
def test_each_answer_key_holds_exactly_its_trace_values(classroom):
    folder, roster = classroom
    for student in read_roster(roster):
        trace = load_trace(folder / student.id / "trace.json")
        text = pdf_text(folder / student.id / "answers.pdf")
        expected = set().union(*(printed(v) for v in trace.values.values()))
        found = decimal_numbers(text)
        assert expected <= found, (student.id, sorted(expected - found))
        settings = decimal_numbers(latex.settings_text(trace))
        assert found <= expected | settings, (student.id, sorted(found - expected - settings))
        assert student.id in text


@needs_pdf_tools
def test_each_worksheet_holds_its_numbers_and_none_of_the_answers(classroom):
    folder, roster = classroom
    for student in read_roster(roster):
        trace = load_trace(folder / student.id / "trace.json")
        text = pdf_text(folder / student.id / "worksheet.pdf")
        given = set().union(*(printed(trace.values[n]) for n in starting_names(trace)))
        answers = set().union(*(printed(trace.values[s.name]) for s in trace.steps if s.inputs)) - given
        found = decimal_numbers(text)
        assert given <= found
        assert not found & answers, sorted(found & answers)
        assert found <= given | decimal_numbers(latex.settings_text(trace)), sorted(found - given)
        asked = sum(1 for step in trace.steps if step.inputs)
        for number in range(1, asked + 1):  # every quantity to compute, numbered in order
            assert re.search(rf"^\s*{number}\.\s", text, re.M), number


@needs_pdf_tools
def test_pdfs_are_a4_and_names_are_printed(classroom):
    folder, _ = classroom
    for name in ("worksheet.pdf", "answers.pdf"):
        info = subprocess.run(["pdfinfo", str(folder / "s002" / name)], capture_output=True, text=True).stdout
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    assert "Zoë O’Brien & Co_{1}" in pdf_text(folder / "s002" / "worksheet.pdf")  # LaTeX's apostrophe
    assert "Chen Wei ??" in pdf_text(folder / "s003" / "worksheet.pdf")  # pdflatex's fonts have no Chinese


def test_a_deep_network_gets_a_worksheet_of_all_its_steps():
    trace = variant_trace(Config(hidden=[4, 3], activation="relu", bias=True, batch=2), SALT, "s1", 4)
    tex = latex.worksheet_tex(Student("s1", "A"), trace)
    computed = [s for s in trace.steps if s.inputs]
    assert all(s.formula in tex for s in computed)
    sizes, weights = latex.layer_sizes(trace, [s for s in trace.steps if not s.inputs])
    assert sizes == [2, 4, 3, 2] and len(weights) == 3
    assert all(f"{{${symbol}$}}" in tex for symbol in weights)  # the drawing names each weight layer


# Grading

def submission(trace, names, wrong=()):
    """Values of `names` at 5 decimals; those in `wrong` off by 0.01."""
    return {name: (np.round(np.asarray(trace.values[name]) + (0.01 if name in wrong else 0), 5)).tolist()
            for name in names}


def test_grade_lists_every_student_and_reports_the_rest(classroom, tmp_path, cli):
    folder, _ = classroom
    asked = {sid: [s.name for s in load_trace(folder / sid / "trace.json").steps if s.inputs]
             for sid in ("s001", "s002")}
    t1, t2 = (load_trace(folder / sid / "trace.json") for sid in ("s001", "s002"))
    subs = tmp_path / "submissions"
    subs.mkdir()
    (subs / "s001.json").write_text(json.dumps(submission(t1, asked["s001"])))
    (subs / "s002.json").write_text(json.dumps(submission(t2, asked["s002"], wrong=("h2",))))
    (subs / "s004.json").write_text('{"z1": [0.1, ')  # invalid JSON
    (subs / "zed.json").write_text(json.dumps(submission(t1, ["z1"])))
    (subs / "notes.txt").write_text("not a submission")
    result = cli("grade", folder, subs, "-o", "grades.csv")
    assert result.returncode == 0, result.stderr
    n = len(asked["s001"])
    assert (tmp_path / "grades.csv").read_text().splitlines() == [
        "id,name,status,right,asked,first_wrong,note",
        f"s001,Alice Martin,graded,{n},{n},,",
        f"s002,Zoë O'Brien & Co_{{1}},graded,{n - 1},{n},h2,wrong",
        f"s003,Chen Wei 陈伟,missing,,{n},,no submission",
        f"s004,Dana,invalid,,{n},,not valid JSON (Expecting value at line 1)",
        "zed,,not in the class,,,,zed.json: no student of the class has this id",
    ]
    assert result.stderr.count("\n") == 1
    assert "2 of 4 students graded" in result.stderr and "zed" in result.stderr and "notes.txt" in result.stderr


def test_a_partial_submission_names_the_first_value_not_answered(classroom, tmp_path, cli):
    folder, _ = classroom
    trace = load_trace(folder / "s001" / "trace.json")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s001.json").write_text(json.dumps(submission(trace, ["z1", "h1"])))
    result = cli("grade", folder, subs)
    row = next(r for r in csv.DictReader(result.stdout.splitlines()) if r["id"] == "s001")
    assert (row["right"], row["first_wrong"], row["note"]) == ("2", "z2", "not answered")


# Bad input: one line, exit 2, nothing in -o

def bad_rosters():
    return [
        ("email,name\na@x,A\n", "no id column"),
        ("id,email\ns1,a@x\n", "no name column"),
        ("id,name\ns1,A\ns2,B\ns1,C\n", "duplicate id 's1', first on line 2"),
        ("id,name\nAna,A\nana,B\n", "differs only in letter case"),
        ("", "the roster is empty"),
        ("id,name\n", "no students"),
        ("id,name\ns1,A\na/b,B\n", "'/'"),
        ("id,name\n..,A\n", "starts with a dot"),
        ("id,name\nx y,A\n", "' '"),
        ("id,name\nINDEX.csv,A\n", "index.csv has that name"),
    ]


@pytest.mark.parametrize("text, words", bad_rosters())
def test_bad_rosters_are_refused(tmp_path, mlp, refused, text, words):
    (tmp_path / "roster.csv").write_text(text)
    err = refused(mlp("worksheet", "--roster", "roster.csv", "-o", "class"), words, output=tmp_path / "class")
    if "'/'" in words or "' '" in words or "dot" in words:
        assert "cannot be a file name" in err


@pytest.mark.parametrize("args, words", [
    (["--seed", "5"], "--seed is chosen for each student"),
    (["--sample", "5"], "--sample is chosen for each student"),
    (["--decimals", "0"], "--decimals must be between 1 and 8"),
    (["--hidden", "0"], "--hidden"),
    (["--roster", "missing.csv"], "cannot read the roster"),
])
def test_bad_options_are_refused(tmp_path, mlp, refused, args, words):
    (tmp_path / "roster.csv").write_text("id,name\ns1,A\n")
    base = ["--roster", "roster.csv"] if "--roster" not in args else []
    refused(mlp("worksheet", *base, "-o", "class", *args), words, output=tmp_path / "class")


def test_an_unwritable_output_folder_is_refused(tmp_path, mlp, refused):
    (tmp_path / "roster.csv").write_text("id,name\ns1,A\n")
    (tmp_path / "file").write_text("")
    refused(mlp("worksheet", "--roster", "roster.csv", "-o", "file/class"), "cannot write")
    refused(mlp("worksheet", "--roster", "roster.csv", "-o", "file"), "not a folder")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("keep me")
    refused(mlp("worksheet", "--roster", "roster.csv", "-o", "mine"), "not a class folder")
    assert os.listdir(tmp_path / "mine") == ["thesis.tex"]


@needs_pdf_tools
def test_a_failure_while_building_leaves_nothing(tmp_path, mlp, refused, monkeypatch):
    (tmp_path / "roster.csv").write_text("id,name\ns1,A\ns2,B\n")
    monkeypatch.setattr(latex, "make_format", lambda folder: False)
    failure = "pdflatex failed on s2/answers.tex: ! Emergency stop."
    monkeypatch.setattr(latex, "compile_tex", lambda path, format_path=None: failure)
    refused(mlp("worksheet", "--roster", "roster.csv", "-o", "class"), "pdflatex failed on s2/answers.tex",
            output=tmp_path / "class")
    assert sorted(os.listdir(tmp_path)) == ["roster.csv"]


@needs_pdf_tools
def test_a_class_folder_is_replaced_whole_on_a_second_run(tmp_path, mlp, monkeypatch):
    def fake_compile(path, format_path=None):  # the PDFs are not what this test is about
        open(path[:-4] + ".pdf", "w").close()
        os.remove(path)
    monkeypatch.setattr(latex, "make_format", lambda folder: False)
    monkeypatch.setattr(latex, "compile_tex", fake_compile)
    (tmp_path / "roster.csv").write_text("id,name\ns1,A\ns2,B\n")
    assert mlp("worksheet", "--roster", "roster.csv", "-o", "class").returncode == 0
    (tmp_path / "roster.csv").write_text("id,name\ns3,C\n")
    assert mlp("worksheet", "--roster", "roster.csv", "-o", "class").returncode == 0
    assert sorted(os.listdir(tmp_path / "class")) == ["index.csv", "s3"]
    assert sorted(os.listdir(tmp_path)) == ["class", "roster.csv"]


def test_grade_refuses_missing_folders(classroom, tmp_path, mlp, refused):
    folder, _ = classroom
    refused(mlp("grade", folder, tmp_path / "nowhere"), "no such folder of submissions")
    (tmp_path / "subs").mkdir()
    refused(mlp("grade", tmp_path, tmp_path / "subs"), "not a class folder")
    (tmp_path / "file").write_text("")
    refused(mlp("grade", folder, tmp_path / "subs", "-o", tmp_path / "file" / "grades.csv"), "cannot write")


# The page, in a real browser

def test_the_page_bundles_everything_it_needs(classroom):
    html = (classroom[0] / "s001" / "check.html").read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert not re.search(r"url\((?!data:)", html.split('id="mlp-data"')[0])
    assert "default-src 'none'" in html and "KaTeX_Main" in html and "katex" in html.lower()


@pytest.fixture(scope="session")
def pages(tmp_path_factory):
    """check.html with and without hints, and of a deep network, outside the class folder (no PDFs needed)."""
    root = tmp_path_factory.mktemp("pages")
    student = Student("s9", "Sam")
    trace = variant_trace(Config(), SALT, student.id, 4)
    deep = variant_trace(Config(hidden=[4, 3], activation="relu", bias=True, batch=2), SALT, student.id, 4)
    (root / "trace.json").write_text(dumps(trace))
    (root / "check.html").write_text(check_page(student, trace))
    (root / "nohints.html").write_text(check_page(student, trace, hints=False))
    (root / "deep.html").write_text(check_page(student, deep))
    return root, trace


def open_page(context, path):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.evaluate("document.fonts.ready.then(() => true)")
    return page, errors


def type_value(page, name, texts):
    for box, text in zip(page.locator(f"#step-{name} input").all(), texts):
        box.fill(text)


def test_typing_checking_saving_and_check_accepting_the_file(classroom, offline_context, tmp_path, cli):
    """The page `worksheet` wrote, from disk, offline: a right value turns green, a wrong one red with its formula
    and inputs; the saved file is what `check` and `grade` read, with the same verdicts."""
    root = classroom[0] / "s001"
    trace = load_trace(root / "trace.json")
    page, errors = open_page(offline_context, root / "check.html")
    assert page.locator(".katex").count() > 20 and page.locator(".katex-error").count() == 0
    assert page.evaluate("document.fonts.check('20px KaTeX_Main') && document.fonts.check('20px KaTeX_Math')")
    z1 = [format_number(v, 4) for v in np.ravel(trace.values["z1"])]
    type_value(page, "z1", z1)
    assert page.get_attribute("#step-z1", "data-status") == "right"
    assert page.locator("#step-z1 .status").inner_text() == "✓ Right"
    assert page.locator("#step-z1 .hint").is_hidden()
    assert page.evaluate("getComputedStyle(document.querySelector('#step-z1 input')).backgroundColor") \
        == "rgb(218, 251, 225)"  # green
    h1 = [format_number(v + 0.01, 4) for v in np.ravel(trace.values["h1"])]
    type_value(page, "h1", h1)
    assert page.get_attribute("#step-h1", "data-status") == "wrong"
    assert page.locator("#step-h1 .status").inner_text() == "✗ Not right"
    assert page.evaluate("getComputedStyle(document.querySelector('#step-h1 input')).backgroundColor") \
        == "rgb(255, 235, 233)"  # red
    hint = page.locator("#step-h1 .hint")
    assert hint.is_visible() and hint.locator(".katex").count() >= 2  # the formula, and the input z1
    assert "your value is right" in hint.inner_text() and "redo this step" in hint.inner_text()
    type_value(page, "z2", ["9.9", ""])  # h1 is wrong, so the hint of a wrong z2 says to fix h1 first
    assert "Fix the inputs marked ✗ first" in page.locator("#step-z2 .hint").inner_text()
    type_value(page, "z2", ["", ""])
    assert page.locator(".progress").inner_text() == f"1 of {sum(1 for s in trace.steps if s.inputs)} right"

    with page.expect_download() as download:
        page.get_by_role("button", name="Save answers").click()
    assert download.value.suggested_filename == "s001.json"
    saved = tmp_path / "s001.json"
    download.value.save_as(saved)
    assert json.loads(saved.read_text()).keys() == {"z1", "h1"}
    assert f'"z1": [[{", ".join(z1)}]]' in saved.read_text()  # the digits as typed
    result = cli("check", saved, "--config", root / "trace.json")
    assert result.returncode == 1, result.stderr
    assert re.search(r"^z1: match", result.stdout, re.M) and re.search(r"^h1: MISMATCH", result.stdout, re.M)

    type_value(page, "h1", [format_number(v, 3) for v in np.ravel(trace.values["h1"])])
    assert page.get_attribute("#step-h1", "data-status") == "right"
    with page.expect_download() as download:
        page.get_by_role("button", name="Save answers").click()
    download.value.save_as(saved)
    assert cli("check", saved, "--config", root / "trace.json").returncode == 0
    (tmp_path / "submissions").mkdir()
    saved.rename(tmp_path / "submissions" / "s001.json")
    grades = cli("grade", classroom[0], tmp_path / "submissions")
    row = next(csv.DictReader(grades.stdout.splitlines()))
    assert (row["id"], row["status"], row["right"], row["first_wrong"], row["note"]) == \
        ("s001", "graded", "2", "z2", "not answered")
    assert errors == []


def test_answers_stay_in_the_browser_and_load_back(pages, offline_context, tmp_path):
    root, trace = pages
    page, _ = open_page(offline_context, root / "check.html")
    type_value(page, "z1", ["0.50", "1", "2"])
    page.reload()
    assert page.locator("#step-z1 input").first.input_value() == "0.50"
    answers = tmp_path / "answers.json"
    answers.write_text('{"h1": [[0.50, 0.5, 0.500]]}')
    page.set_input_files("input[type=file]", str(answers))
    assert [b.input_value() for b in page.locator("#step-h1 input").all()] == ["0.50", "0.5", "0.500"]


def test_without_hints_the_page_only_says_right_or_wrong(pages, offline_context):
    root, trace = pages
    page, errors = open_page(offline_context, root / "nohints.html")
    type_value(page, "z1", ["5", "5", "5"])
    assert page.locator("#step-z1 .status").inner_text() == "✗ Not right"
    assert page.locator("#step-z1 .hint").is_hidden()
    data = json.loads(page.locator("#mlp-data").text_content())
    assert data["hints"] is False and not any("inputs" in step for step in data["steps"])
    assert errors == []


def test_a_deep_networks_page_typesets_every_step(pages, offline_context):
    root, _ = pages
    page, errors = open_page(offline_context, root / "deep.html")
    assert page.locator(".katex-error").count() == 0
    assert page.locator("li.step").count() == sum(1 for s in variant_trace(
        Config(hidden=[4, 3], activation="relu", bias=True, batch=2), SALT, "s9", 4).steps if s.inputs)
    assert errors == []


def rule_cases():
    """(typed text, exact value): boundaries of the rule at many precisions, signs, exponents, odd spellings."""
    rng = np.random.RandomState(13)
    cases = [("0.4541", 0.45414264), ("0.4542", 0.45414264), ("0.4540", 0.45414264), ("0.45", 0.45414264),
             ("0.4", 0.5), ("0.6", 0.5), ("0.39999", 0.4), ("−0.05", -0.04529517), ("-.05", -0.04529517),
             (".5", 0.55), ("+0.5", 0.55), ("0,45", 0.45414264), ("1.5e-3", 0.0014), ("15e-4", 0.0016),
             ("0.00", 0.01), ("0.00", 0.0100000001), ("-0", 0.4), ("1", 1.9), ("2.", 1.0), ("1e2", 100.9),
             ("00.5", 0.5), ("0.50", 0.51), ("0.50", 0.5100001), ("abc", 1.0), ("1.2.3", 1.0), ("", 0.0), ("-", 0.0)]
    for _ in range(300):
        exact = float(rng.uniform(-2, 2) * 10.0 ** rng.randint(-4, 2))
        n = int(rng.randint(0, 11))
        for k in (-2, -1, 0, 1, 2):
            cases.append((f"{round(exact, n) + k * 10.0 ** -n:.{n}f}", exact))
        cases.append((f"{exact + 10.0 ** -n:.{n + 3}f}"[: n + 5], exact))
    return cases


def test_the_page_rule_is_checks_rule(pages, offline_context):
    """The page's verdict on every case equals mlp_core.check's on the file the page would save."""
    root, _ = pages
    page, _ = open_page(offline_context, root / "check.html")
    cases = rule_cases()
    verdicts = page.evaluate("""cases => cases.map(([text, exact]) => {
        const n = mlpCheck.normalize(text);
        return [n, n === null ? null : mlpCheck.entryOk(n, exact)];
    })""", cases)
    for (text, exact), (number, ok) in zip(cases, verdicts):
        if number is None:
            assert text.strip() in ("", "-", "abc", "1.2.3"), text
            continue
        value = json.loads(number, parse_float=Decimal, parse_int=Decimal)  # as `check` reads the saved file
        assert float(value) == float(text.replace("−", "-").replace(",", ".")), (text, number)
        assert ok == check_value("v", value, exact).ok, (text, number, exact, ok)


@pytest.mark.parametrize("width, height", [(1280, 800), (390, 844)])
def test_the_page_fits_laptop_and_phone_widths(pages, browser, width, height):
    """Nothing sticks out sideways: wide matrices scroll inside their card, the page itself never does."""
    root, _ = pages
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        for name in ("check.html", "deep.html"):
            page, errors = open_page(context, root / name)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, name
            assert page.locator(".bar").bounding_box()["width"] <= width
            assert errors == []
    finally:
        context.close()
