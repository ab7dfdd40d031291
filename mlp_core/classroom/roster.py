"""A class roster: a CSV file with a header naming at least `id` and `name` (other columns are ignored).

Ids become folder and file names (class/<id>/, submissions/<id>.json), so they are checked to be safe ones on
every common file system: letters, digits and . - _ @ +, not starting with a dot, at most 64 characters, and
unique even when letter case is ignored (macOS and Windows file systems do not tell Alice from alice).
"""
import csv
import io
import re
from dataclasses import dataclass

from mlp_core.config import ConfigError

ID_PATTERN = re.compile(r"[\w.@+-]{1,64}")
ID_RULE = "letters, digits and . - _ @ +, at most 64, not starting with a dot"


@dataclass(frozen=True)
class Student:
    id: str
    name: str


def id_problem(student_id):
    """Why `student_id` cannot be a file name, or None."""
    if not student_id:
        return "it is empty"
    if student_id.startswith("."):
        return "it starts with a dot"
    if student_id.casefold() == "index.csv":
        return "the class folder's index.csv has that name"
    if len(student_id) > 64:
        return f"it has {len(student_id)} characters"
    bad = sorted({c for c in student_id if not ID_PATTERN.fullmatch(c)})
    if bad:
        return "it contains " + " ".join(repr(c) for c in bad)
    return None


def read_roster(path):
    """The students of a roster CSV (comma, semicolon or tab separated, UTF-8, a spreadsheet's BOM allowed), in
    file order. ConfigError, one line, for anything that cannot be used."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            text = f.read()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the roster ({e.strerror})")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the roster is not UTF-8 text (save it as CSV UTF-8)")
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), None)
    if header_line is None:
        raise ConfigError(f"{path}: the roster is empty; expected a header with id and name, then one line per student")
    delimiter = next((d for d in ",;\t" if {"id", "name"} <= {c.strip().lower() for c in header_line.split(d)}), ",")
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header, students, seen = None, [], {}
    for row in rows:
        number = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            missing = [column for column in ("id", "name") if column not in header]
            if missing:
                raise ConfigError(f"{path}: the roster's header has no {' and no '.join(missing)} column "
                                  f"(it has {', '.join(repr(c) for c in header)}); the first line must name the "
                                  f"columns, at least id and name")
            id_column, name_column = header.index("id"), header.index("name")
            continue
        cells = row + [""] * (len(header) - len(row))
        student_id, name = cells[id_column].strip(), cells[name_column].strip()
        problem = id_problem(student_id)
        if problem:
            raise ConfigError(f"{path} line {number}: id {student_id!r} cannot be a file name: {problem} "
                              f"(allowed: {ID_RULE})")
        key = student_id.casefold()
        if key in seen:
            first, first_id = seen[key]
            same = "" if first_id == student_id else f" ({first_id!r} differs only in letter case)"
            raise ConfigError(f"{path} line {number}: duplicate id {student_id!r}, first on line {first}{same}; "
                              f"each student needs their own id")
        seen[key] = (number, student_id)
        students.append(Student(student_id, name))
    if not students:
        raise ConfigError(f"{path}: the roster has a header but no students")
    return students
