"""Classroom: a worksheet per student with their own numbers, a self-check web page, and grading.

    python -m mlp_core worksheet --roster roster.csv -o class/ --salt "autumn term" [network options]
    python -m mlp_core grade class/ submissions/ -o grades.csv

`worksheet` writes, per student, class/<id>/ with worksheet.pdf, answers.pdf, trace.json and check.html, and
class/index.csv (id, name, each variant's settings). Everything is built in a temporary folder beside -o and
renamed into place at the end, so a failure leaves -o as it was. The network options are mlp_core.cli's, so the
worksheet follows every network the trace can compute.
"""
import csv
import io
import json
import os
import shutil
import sys
import tempfile
import time

from mlp_core.config import ConfigError
from mlp_core.files import write_atomically
from mlp_core.trace_json import dumps

FILES = ("worksheet.pdf", "answers.pdf", "trace.json", "check.html")


def index_csv(students, traces, decimals):
    """id, name, then every setting of each variant (lists and booleans as JSON), and the sheet's decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    settings = [k for k in traces[students[0].id].config.to_dict() if k != "values"]
    writer.writerow(["id", "name", *settings, "decimals"])
    for student in students:
        config = traces[student.id].config.to_dict()
        writer.writerow([student.id, student.name,
                         *(v if isinstance(v, str) else json.dumps(v) for v in (config[k] for k in settings)),
                         decimals])
    return out.getvalue()


def prepare_output(path):
    """A fresh temporary folder beside `path` to build in. `path` may be missing, an empty folder, or a class
    folder an earlier run wrote (it is replaced whole at the end); anything else is refused."""
    if os.path.exists(path):
        if not os.path.isdir(path):
            raise ConfigError(f"{path}: exists and is not a folder; -o names the class folder to write")
        if os.listdir(path) and not os.path.exists(os.path.join(path, "index.csv")):
            raise ConfigError(f"{path}: exists and is not a class folder written by `worksheet`; "
                              f"choose a new or empty folder")
    parent = os.path.dirname(path)
    try:
        os.makedirs(parent, exist_ok=True)  # as every -o of mlp_core: missing folders on the way are created
        folder = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=parent)
    except OSError as e:
        raise ConfigError(f"{path}: cannot write there ({e.strerror})")
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(folder, 0o777 & ~mask)
    return folder


def move_into_place(folder, path):
    """Rename the finished `folder` to `path`, replacing an earlier class folder there."""
    old = None
    if os.path.exists(path):
        old = tempfile.mkdtemp(prefix=f".{os.path.basename(path)}.", suffix=".old", dir=os.path.dirname(path))
        os.rename(path, os.path.join(old, "class"))
    os.rename(folder, path)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def run_worksheet(args, config_from_args):
    # Imported here, as in run_grade: every command of mlp_core registers these two, only they need the rest.
    from mlp_core.classroom.latex import answers_tex, compile_all, worksheet_tex
    from mlp_core.classroom.page import check_page
    from mlp_core.classroom.roster import read_roster
    from mlp_core.classroom.variants import VARIED, class_traces

    started = time.monotonic()
    for name in VARIED:
        if getattr(args, name, None) is not None:
            raise ConfigError(f"worksheet: --{name} is chosen for each student (from --salt and their id); "
                              f"leave it out")
    if not 1 <= args.decimals <= 8:
        raise ConfigError(f"worksheet: --decimals must be between 1 and 8, got {args.decimals}")
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError(f"worksheet: --jobs must be 1 or more, got {args.jobs}")
    jobs = args.jobs or os.cpu_count() or 1
    students = read_roster(args.roster)
    traces = class_traces(config_from_args(args), args.salt, students, args.decimals)
    output = os.path.abspath(args.output)
    if shutil.which("pdflatex") is None:
        raise ConfigError("pdflatex is not installed; the worksheets need it (Debian: apt-get install "
                          "texlive-latex-base texlive-latex-extra)")
    folder = prepare_output(output)
    try:
        sources = []
        for student in students:
            trace, here = traces[student.id], os.path.join(folder, student.id)
            os.mkdir(here)
            write_text(os.path.join(here, "trace.json"), dumps(trace) + "\n")
            write_text(os.path.join(here, "check.html"), check_page(student, trace, hints=not args.no_hints))
            write_text(os.path.join(here, "worksheet.tex"), worksheet_tex(student, trace))
            write_text(os.path.join(here, "answers.tex"), answers_tex(student, trace))
            sources += [os.path.join(here, "worksheet.tex"), os.path.join(here, "answers.tex")]
        compile_all(folder, sources, jobs)
        write_text(os.path.join(folder, "index.csv"), index_csv(students, traces, args.decimals))
        move_into_place(folder, output)
    except OSError as e:
        shutil.rmtree(folder, ignore_errors=True)
        raise ConfigError(f"{args.output}: cannot write ({e.strerror})")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    print(f"worksheet: {len(students)} students in {args.output} ({', '.join(FILES)} each, and index.csv), "
          f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


def run_grade(args):
    from mlp_core.classroom.grade import grade, summary, to_csv

    rows, ignored = grade(args.class_folder, args.submissions)
    text = to_csv(rows)
    if args.output:
        write_atomically(args.output, lambda f: f.write(text))
    else:
        sys.stdout.write(text)
    print(summary(rows, ignored), file=sys.stderr)
    return 0


def add_commands(commands):
    """Add `worksheet` and `grade` to mlp_core.cli's subcommands (its parser_class turns usage errors into one
    line, exit 2)."""
    from mlp_core.cli import add_config_options, config_from_args

    sheet = commands.add_parser(
        "worksheet", help="per student: a worksheet with their own numbers, its answer key, a self-check page",
        description="Each student of the roster gets their own data row and weights of the network the options "
                    "describe (the article's by default), from --salt and their id: class/<id>/ holds "
                    "worksheet.pdf, answers.pdf, trace.json and check.html; class/index.csv lists the variants.")
    sheet.add_argument("--roster", required=True, metavar="FILE.csv",
                       help="CSV with a header naming at least id and name (other columns are ignored)")
    sheet.add_argument("-o", "--output", required=True, metavar="DIR",
                       help="the class folder to write (new, empty, or written by an earlier run: replaced)")
    sheet.add_argument("--salt", default="", metavar="TEXT",
                       help="mixed into every student's numbers: the same salt gives the same variants, another "
                            "salt new ones (default: empty)")
    sheet.add_argument("--decimals", type=int, default=4, metavar="N",
                       help="decimals of the starting values (data, weights), which are rounded to them so that "
                            "the sheet shows exactly what the trace computes from (1-8, default 4)")
    sheet.add_argument("--no-hints", action="store_true",
                       help="check.html only says right or wrong (no hint on how a wrong value is computed)")
    sheet.add_argument("--jobs", type=int, metavar="N", help="pdflatex runs at a time (default: the CPU count)")
    add_config_options(sheet)
    sheet.set_defaults(run=lambda args: run_worksheet(args, config_from_args))

    marks = commands.add_parser(
        "grade", help="grade submissions/<id>.json against a class folder; writes a CSV",
        description="One CSV row per student of the class (id, name, status, right, asked, first_wrong, note): "
                    "graded, missing or invalid; then a row per submission whose id is not in the class.")
    marks.add_argument("class_folder", metavar="CLASS", help="the folder `worksheet` wrote")
    marks.add_argument("submissions", metavar="SUBMISSIONS", help="a folder of <id>.json files")
    marks.add_argument("-o", "--output", metavar="FILE.csv", help="write the CSV to FILE (default: standard output)")
    marks.set_defaults(run=run_grade)
