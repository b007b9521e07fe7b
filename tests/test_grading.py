"""Grading a class: a batch of real-world submissions (right, partly right, wrong set, broken, raising,
endless, memory-hungry, snooping), gradebooks for learning platforms, and a roster.

Expected marks are worked out by hand from the exercise set: each question is worth one point, half for
the public (form) test and half for the hidden (value) test, except the multiple-choice q5 whose
public test is worth nothing.
"""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mscteach.classroom import grading
from mscteach.classroom.sandbox import UNSANDBOXED
from mscteach.errors import MscteachError

from .conftest import REPO

SET = "ch06_clinical_trials"
SOLUTION = REPO / "exercises" / "autograder" / SET / f"{SET}.ipynb"


def _variant(path: Path, *replacements: tuple[str, str]) -> Path:
    nb = nbformat.read(str(SOLUTION), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            for old, new in replacements:
                cell.source = cell.source.replace(old, new)
    nbformat.write(nb, str(path))
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    right = folder / "right.ipynb"
    shutil.copy(SOLUTION, right)
    _variant(folder / "partly.ipynb", ("n_rct = int(", "n_rct = 1 + int("), ('q5_answer = "b"', 'q5_answer = "a"'))
    shutil.copy(REPO / "exercises" / "autograder" / "ch05_animal_models" / "ch05_animal_models.ipynb",
                folder / "other_set.ipynb")
    (folder / "broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (folder / "truncated.ipynb").write_bytes(SOLUTION.read_bytes()[:2000])
    _variant(folder / "raises.ipynb", ("rct_treated = int(", "rct_treated = 1 / 0 + int("))
    _variant(folder / "endless.ipynb", ("n_rct = int(", "while True:\n    pass\nn_rct = int("))
    _variant(folder / "hungry.ipynb",
             ("n_rct = int(", "hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))\nn_rct = int("))
    # reads another student's submission and the teacher's masters if it can, and says so in its answers
    secrets = [str(right), str(REPO / "exercises" / "masters")]
    _variant(folder / "snoop.ipynb",
             ("n_rct = int(", f"import pathlib\nseen = [p for p in {secrets!r} if pathlib.Path(p).exists()]\n"
                              "n_rct = 1000 * len(seen) + int("))
    roster = folder / "roster.csv"
    roster.write_text("file,student_id,name,email\nright.ipynb,s001,Ada Right,ada@example.org\n"
                      "partly.ipynb,s002,Pat Partly,pat@example.org\n", encoding="utf-8")
    order = ["right", "partly", "other_set", "broken", "truncated", "raises", "endless", "hungry", "snoop"]
    files = [str(folder / f"{name}.ipynb") for name in order]
    originals = {f: Path(f).read_bytes() for f in files}
    gradebook = folder / "grades.csv"
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", SET, *files, "-o",
                             str(gradebook), "--roster", str(roster), "--timeout", "30", "--memory", "2048",
                             "--jobs", "2", "--no-progress"], capture_output=True, text=True, timeout=900)
    with gradebook.open(newline="", encoding="utf-8") as f:
        rows = {Path(r["file"]).stem: r for r in csv.DictReader(f)}
    return folder, result, rows, originals


def _marks(row: dict) -> list[str]:
    return [row[q] for q in ("q1", "q2", "q3", "q4", "q5", "total", "percentage")]


def test_the_batch_carries_on_and_the_exit_status_says_not_all_were_graded(batch):
    _, result, rows, _ = batch
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(rows) == 9
    for name in ("other_set", "broken", "truncated", "endless"):
        assert f"not graded: {rows[name]['file']}: {rows[name]['status']}" in result.stderr
    assert "4 of 9 submissions could not be graded" in result.stderr


def test_right_and_partly_right_answers_get_the_hand_computed_marks(batch):
    _, _, rows, _ = batch
    assert _marks(rows["right"]) == ["1", "1", "1", "1", "1", "5", "100.0"]
    # q1 of the right type, wrong value: the public half; q5 a wrong letter: nothing
    assert _marks(rows["partly"]) == ["0.5", "1", "1", "1", "0", "3.5", "70.0"]
    assert rows["right"]["status"] == rows["partly"]["status"] == "graded"


def test_the_roster_gives_platform_ids_and_the_file_name_is_the_fallback(batch):
    _, _, rows, _ = batch
    assert rows["right"]["student_id"] == "s001" and rows["partly"]["student_id"] == "s002"
    assert rows["raises"]["student_id"] == "raises"


def test_broken_and_foreign_notebooks_are_refused_with_their_reason(batch):
    _, _, rows, _ = batch
    assert rows["other_set"]["status"] == "wrong set"
    assert rows["other_set"]["message"] == (f"this notebook belongs to exercise set ch05_animal_models, not {SET}; "
                                            "not on the roster: its id comes from the notebook or the file name, "
                                            "which a learning platform may not know")
    for name in ("broken", "truncated"):
        assert rows[name]["status"] == "unreadable" and rows[name]["message"].startswith("not a notebook")
        assert rows[name]["total"] == "" and rows[name]["q1"] == ""  # no mark, rather than a false 0


def test_a_raising_cell_costs_only_its_own_answer_and_is_named(batch):
    _, _, rows, _ = batch
    assert _marks(rows["raises"]) == ["1", "0", "1", "1", "1", "4", "80.0"]
    # named as the student sees it: the 5th code cell (otter's setup cell is the 1st), with its first line
    # (the batch's roster lists two other files, so this one is also flagged as missing from it)
    assert rows["raises"]["message"] == ("not on the roster: its id comes from the notebook or the file name, which "
                                         "a learning platform may not know; "
                                         "code cell 5 (`rct_treated = 1 / 0 + int(clinical.loc[clinical[\"design\"]...`) "
                                         "raised ZeroDivisionError: division by zero; "
                                         "q2: rct_treated was not defined when the notebook finished")


def test_an_endless_loop_is_stopped_at_the_timeout(batch):
    _, _, rows, _ = batch
    assert rows["endless"]["status"] == "timed out"
    assert "30 s" in rows["endless"]["message"]


def test_a_memory_hog_is_stopped_at_the_limit_and_loses_that_answer(batch):
    _, _, rows, _ = batch
    row = rows["hungry"]
    assert row["status"] in ("graded", "out of memory")
    if row["status"] == "graded":
        assert "raised MemoryError" in row["message"] and "2048 MB" in row["message"]
        assert row["q1"] == "0"
    else:
        assert "2048 MB" in row["message"]


def test_the_isolation_used_is_recorded_and_a_sandbox_hides_other_files(batch):
    _, result, rows, _ = batch
    isolation = {r["isolation"] for r in rows.values()}
    here = grading.isolation_here()
    assert here.sandboxed, f"CI installs bubblewrap: {here.reason}"
    assert isolation == {here.label} and here.label in grading.ISOLATION_LABELS[:2]
    assert rows["snoop"]["q1"] == "1"  # saw neither the other submission nor the masters
    assert f"isolation: {here.label}" in result.stderr


def test_submissions_are_graded_from_copies(batch):
    _, _, _, originals = batch
    for path, content in originals.items():
        assert Path(path).read_bytes() == content


def test_without_a_sandbox_a_submission_can_read_the_teachers_files(batch, tmp_path):
    folder = batch[0]
    book = grading.grade(SET, [folder / "snoop.ipynb"], root=REPO / "exercises", sandbox=False, timeout=120)
    assert book.grades[0].isolation == UNSANDBOXED
    assert book.grades[0].scores["q1"] == 0.5  # it saw them: exactly what exercises/README.md warns about


def test_learning_platform_layouts(batch, tmp_path):
    folder = batch[0]
    book = grading.Gradebook(SET, ["q1", "q2"], 2.0, [
        grading.Grade(file="a.ipynb", student_id="s001", scores={"q1": 1.0, "q2": 0.5}, name="Ada Right",
                      email="ada@example.org"),
        grading.Grade(file="b.ipynb", student_id="s002", status="timed out", message="still running")])
    grading.export(book, tmp_path / "canvas.csv", "canvas")
    assert (tmp_path / "canvas.csv").read_text(encoding="utf-8").splitlines() == [
        f"Student,ID,SIS User ID,SIS Login ID,Section,{SET} (2 points)",
        "Ada Right,s001,,,,1.5",
        "s002,s002,,,,"]
    grading.export(book, tmp_path / "moodle.csv", "moodle")
    assert (tmp_path / "moodle.csv").read_text(encoding="utf-8").splitlines() == [
        f"ID number,Email address,{SET},{SET} feedback",
        "s001,ada@example.org,1.5,",
        "s002,,,not graded: timed out: still running"]
    with pytest.raises(MscteachError, match="unknown gradebook format 'excel'"):
        grading.export(book, tmp_path / "x.csv", "excel")
    assert not (tmp_path / "x.csv").exists()
    assert folder.is_dir()


@pytest.mark.parametrize("text, error", [
    ("file,name\na.ipynb,Ada\n", "row 1, field 'student_id': column is missing from the header"),
    ("file,student_id\na.ipynb,\n", "row 2, field 'student_id': a value is required but the cell is empty"),
    ("file,student_id\na.ipynb, \n", "row 2, field 'student_id': ' ': only spaces: a value is required"),
    ("file,student_id\na.ipynb,1\na.ipynb,2\n", "row 3, field 'file': duplicate key a.ipynb (first seen on row 2)"),
    ("file,student_id\na.ipynb,1\n a.ipynb ,2\n", "row 3, field 'file': duplicate key a.ipynb (first seen on row 2)"),
])
def test_a_bad_roster_is_named_with_its_row(tmp_path, text, error):
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(MscteachError, match=re.escape(f"cannot read the roster {roster}")) as info:
        grading.read_roster(roster)
    assert f"{roster}, {error}" in str(info.value)


def test_a_roster_keeps_its_rows_without_the_spaces_around_values(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_bytes("\ufefffile,student_id,email,section\n a.ipynb ,s1 ,,A\n\nb.ipynb,s2,b@x.org,B\n".encode())
    assert grading.read_roster(roster) == {"a.ipynb": {"student_id": "s1", "name": "", "email": ""},
                                           "b.ipynb": {"student_id": "s2", "name": "", "email": "b@x.org"}}


def test_bad_limits_and_unknown_sets_are_refused_before_grading(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", SET, str(SOLUTION),
                             "--timeout", "0"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "argument --timeout: must be a positive number of seconds" in result.stderr
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", "ch6", str(SOLUTION)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "unknown exercise set 'ch6'" in result.stderr


def _cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mscteach", "exercises", *args], capture_output=True, text=True,
                          timeout=600, env=env, cwd=cwd)


def test_without_a_sandbox_grading_stops_and_says_why_unless_the_teacher_allows_it(tmp_path):
    import os

    # no bubblewrap on PATH: as on a machine where it is not installed
    env = {**os.environ, "PATH": str(tmp_path)}
    book = tmp_path / "grades.csv"
    refused = _cli("grade", SET, str(SOLUTION), "-o", str(book), env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "not grading: no sandbox can be made here (bubblewrap is not installed" in refused.stderr
    assert "--allow-unsandboxed" in refused.stderr and not book.exists()
    allowed = _cli("grade", SET, str(SOLUTION), "-o", str(book), "--allow-unsandboxed", "--no-progress", env=env)
    assert allowed.returncode == 0, allowed.stderr
    with book.open(newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["total"], row["isolation"]) == ("5", UNSANDBOXED)
    assert f"isolation: {UNSANDBOXED}" in allowed.stderr


def test_the_same_student_id_in_two_files_is_flagged(tmp_path):
    first, second = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    shutil.copy(SOLUTION, first)
    _variant(second, ("n_rct = int(", "n_rct = 1 + int("))
    roster = tmp_path / "roster.csv"
    roster.write_text("file,student_id\na.ipynb,s001\nb.ipynb,s001\n", encoding="utf-8")
    book = tmp_path / "grades.csv"
    result = _cli("grade", SET, str(first), str(second), "--roster", str(roster), "-o", str(book), "--no-progress")
    assert result.returncode == 0, result.stderr
    assert f"duplicate student id s001 in 2 files: {first}, {second}" in result.stderr
    with book.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["student_id"], r["total"], r["message"]) for r in rows] == [
        ("s001", "5", "duplicate student id s001: also in b.ipynb"),
        ("s001", "4.5", "q1 lost 0.5: count rows whose design is 'RCT'; duplicate student id s001: also in a.ipynb")]


def test_grading_in_a_student_workspace_says_the_autograder_is_for_instructors(tmp_path):
    made = subprocess.run([sys.executable, "-m", "mscteach", "init", str(tmp_path / "course")], capture_output=True,
                          text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    result = _cli("grade", SET, str(SOLUTION), cwd=tmp_path / "course")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the autograder is for instructors only" in result.stderr
    assert "mscteach init DIR --instructor" in result.stderr
    assert "available: \n" not in result.stderr
