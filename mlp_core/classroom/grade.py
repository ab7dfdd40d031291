"""Grading a class's submissions: one CSV row per student, with the rule of `python -m mlp_core check`.

A submission is submissions/<id>.json, a JSON object of names and values, as check.html saves it or typed by
hand. Asked are the quantities the worksheet asks for (the trace's steps computed from others); a value not in
the submission counts as not right. The first wrong step is the first asked one, in the trace's order, that is
not right: "wrong" or "not answered".
"""
import csv
import io
import os
from dataclasses import dataclass

from mlp_core.check import check, load_hand_file
from mlp_core.classroom.roster import id_problem
from mlp_core.config import ConfigError
from mlp_core.trace_json import load_trace

COLUMNS = ("id", "name", "status", "right", "asked", "first_wrong", "note")


@dataclass
class Row:
    id: str
    name: str
    status: str  # graded, missing, invalid, not in the class
    right: object = ""
    asked: object = ""
    first_wrong: str = ""
    note: str = ""


def read_class(folder):
    """[(id, name, trace)] of a folder written by `worksheet`, in roster order."""
    index = os.path.join(folder, "index.csv")
    if not os.path.isdir(folder):
        raise ConfigError(f"{folder}: no such class folder (the -o folder of `python -m mlp_core worksheet`)")
    try:
        with open(index, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    except OSError:
        raise ConfigError(f"{folder}: not a class folder (it has no index.csv); give the -o folder of `worksheet`")
    if not rows or not {"id", "name"} <= set(rows[0]):
        raise ConfigError(f"{index}: expected columns id and name and one row per student")
    students = []
    for row in rows:
        if id_problem(row["id"]):
            raise ConfigError(f"{index}: id {row['id']!r} is not one `worksheet` writes ({id_problem(row['id'])})")
        trace_path = os.path.join(folder, row["id"], "trace.json")
        if not os.path.exists(trace_path):
            raise ConfigError(f"{trace_path}: missing; the class folder is incomplete (run `worksheet` again)")
        students.append((row["id"], row["name"], load_trace(trace_path)))
    return students


def grade_one(student_id, name, trace, path):
    asked = [step.name for step in trace.steps if step.inputs]
    if not os.path.exists(path):
        return Row(student_id, name, "missing", "", len(asked), "", "no submission")
    try:
        hand = load_hand_file(path, trace)
    except ConfigError as e:
        return Row(student_id, name, "invalid", "", len(asked), "", str(e).removeprefix(f"{path}: "))
    results = {r.name: r for r in check(trace, hand)}
    right = [n for n in asked if n in results and results[n].ok]
    first = next((n for n in asked if not (n in results and results[n].ok)), "")
    note = "" if not first else ("wrong" if first in results else "not answered")
    return Row(student_id, name, "graded", len(right), len(asked), first, note)


def grade(class_folder, submissions):
    """(rows, ignored files): every student of the class, then each submission whose id is not in the class."""
    if not os.path.isdir(submissions):
        raise ConfigError(f"{submissions}: no such folder of submissions (expected <id>.json files)")
    students = read_class(class_folder)
    rows = [grade_one(sid, name, trace, os.path.join(submissions, sid + ".json")) for sid, name, trace in students]
    known = {sid for sid, _, _ in students}
    ignored = []
    for entry in sorted(os.listdir(submissions)):
        stem, extension = os.path.splitext(entry)
        if extension.lower() != ".json" or not os.path.isfile(os.path.join(submissions, entry)):
            ignored.append(entry)
        elif stem not in known:
            rows.append(Row(stem, "", "not in the class", note=f"{entry}: no student of the class has this id"))
        elif extension != ".json":
            rows.append(Row(stem, "", "not in the class", note=f"{entry}: name it {stem}.json to be graded"))
    return rows, ignored


def to_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([getattr(row, column) for column in COLUMNS])
    return out.getvalue()


def summary(rows, ignored):
    counts = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    students = sum(n for status, n in counts.items() if status != "not in the class")
    parts = [f"{counts.get('graded', 0)} of {students} students graded"]
    parts += [f"{counts[s]} {s}" for s in ("missing", "invalid") if counts.get(s)]
    if counts.get("not in the class"):
        strangers = ", ".join(row.id for row in rows if row.status == "not in the class")
        parts.append(f"{counts['not in the class']} submission(s) for ids not in the class: {strangers}")
    if ignored:
        parts.append(f"ignored (not .json): {', '.join(ignored)}")
    return "grade: " + "; ".join(parts)
