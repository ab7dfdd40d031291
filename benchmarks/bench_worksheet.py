"""Seconds of `python -m mlp_core worksheet` for a class of 30 and of 200 students (the article's network).

Target (issue 13): a class of 30 in at most 60 s on the 2-core machine, and time growing linearly with the class.
Baseline in the same run: one student's two documents compiled one after the other with pdflatex, as the command
compiles them (the floor of the work per student); the ratios say how close the whole command gets to that floor
spread over the cores, and how the time per student changes from 30 to 200. Run from the repository root:

    .venv/bin/python benchmarks/bench_worksheet.py [--sizes 30 200] [--jobs N]

Wall clock depends on what else runs on the machine: the CPU seconds (user + system) are printed beside it.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlp_core.classroom.latex import FORMAT, answers_tex, make_format, worksheet_tex
from mlp_core.classroom.roster import Student
from mlp_core.classroom.variants import variant_trace
from mlp_core.config import Config

TARGET_30 = 60.0


def timed(command, cwd):
    """(wall seconds, CPU seconds of the children) of a command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, command))}\n{result.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def baseline(folder):
    """Seconds to compile one student's worksheet and answer key one after the other, as the command does (with
    the format of the shared preamble), best of 3."""
    student = Student("s000", "Student 0")
    trace = variant_trace(Config(), "bench", student.id, 4)
    (folder / "s000").mkdir()
    (folder / "s000" / "worksheet.tex").write_text(worksheet_tex(student, trace), encoding="utf-8")
    (folder / "s000" / "answers.tex").write_text(answers_tex(student, trace), encoding="utf-8")
    fmt = [f"-fmt=../{FORMAT}"] if make_format(str(folder)) else []
    best = None
    for _ in range(3):
        wall = sum(timed(["pdflatex", "-interaction=batchmode", "-halt-on-error", *fmt, name], folder / "s000")[0]
                   for name in ("worksheet.tex", "answers.tex"))
        best = wall if best is None else min(best, wall)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 200])
    parser.add_argument("--jobs", type=int, help="pdflatex runs at a time (default: the command's, the CPU count)")
    args = parser.parse_args()
    if shutil.which("pdflatex") is None:
        sys.exit("pdflatex is not installed (bash scripts/setup.sh installs it)")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "one").mkdir()
        floor = baseline(root / "one")
        print(f"baseline: one student's two PDFs, pdflatex (with the format) one after the other: {floor:.2f} s "
              f"({cores} cores: floor for n students about n x {floor / cores:.2f} s)", flush=True)
        per_student = {}
        for n in args.sizes:
            roster = root / f"roster{n}.csv"
            roster.write_text("id,name\n" + "".join(f"s{i:03d},Student {i}\n" for i in range(n)), encoding="utf-8")
            command = [sys.executable, "-m", "mlp_core", "worksheet", "--roster", roster, "-o", root / f"class{n}",
                       "--salt", "bench"] + (["--jobs", str(args.jobs)] if args.jobs else [])
            wall, cpu = timed(command, root)
            per_student[n] = wall / n
            verdict = f" (target <= {TARGET_30:.0f} s: {'met' if wall <= TARGET_30 else 'MISSED'})" if n == 30 else ""
            print(f"{n} students: {wall:.1f} s wall, {cpu:.1f} s CPU, {wall / n:.2f} s per student, "
                  f"{wall / (n * floor / cores):.2f}x the floor{verdict}", flush=True)
            shutil.rmtree(root / f"class{n}")
        if len(per_student) > 1:
            small, large = min(per_student), max(per_student)
            print(f"seconds per student, {large} against {small}: {per_student[large] / per_student[small]:.2f} "
                  f"(1.00 is linear growth)")


if __name__ == "__main__":
    main()
