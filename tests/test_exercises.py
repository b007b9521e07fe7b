"""Exercise sets: structure, generated files up to date, masters pass, student versions fail with
feedback, student notebooks run, and grading end to end on two fake submissions."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from mscteach import exercises
from mscteach.runner import IPCKernelManager

from .conftest import REPO

SETS = exercises.exercise_sets(REPO / "exercises")


def _notebook(kind: str, name: str) -> Path:
    return REPO / "exercises" / kind / name / f"{name}.ipynb"


def test_one_set_per_chapter():
    chapters = sorted(p.stem.split("_", 1)[1] for p in (REPO / "notebooks").glob("0[1-9]_*.ipynb"))
    assert sorted(s.split("_", 1)[1] for s in SETS) == chapters


@pytest.mark.parametrize("name", SETS)
def test_each_set_has_four_or_more_questions_and_an_interpretation_question(name):
    master = nbformat.read(str(REPO / "exercises" / "masters" / f"{name}.ipynb"), as_version=4)
    questions = [c for c in master.cells if c.cell_type == "raw" and c.source.startswith("# BEGIN QUESTION")]
    assert len(questions) >= 5
    assert any("**Interpretation.**" in c.source for c in master.cells if c.cell_type == "markdown")
    hidden = [c for c in master.cells if c.cell_type == "code" and "hidden: true" in c.source]
    assert len(hidden) >= len(questions)  # every question has hidden tests for grading
    student = nbformat.read(str(_notebook("student", name)), as_version=4)
    checks = [c.source for c in student.cells if c.cell_type == "code" and "grader.check(" in c.source]
    assert checks[: len(questions)] == [f'grader.check("q{i}")' for i in range(1, len(questions) + 1)]
    assert "# SOLUTION" not in "".join(c.source for c in student.cells)
    tests = (REPO / "exercises" / "student" / name / "tests").glob("*.py")
    assert not [t for t in tests if "hidden=True" in t.read_text()]  # students never see hidden tests


def test_generated_files_are_up_to_date_with_the_masters():
    assert exercises.out_of_date(REPO / "exercises") == [], "run: mscteach exercises generate"


def test_masters_pass_every_check_and_blank_student_versions_pass_none():
    def grade(name):
        return name, exercises.grade(name, [_notebook("autograder", name), _notebook("student", name)])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(grade, SETS))
    for name, (solution, blank) in results.items():
        assert solution["total"] == solution["possible"] >= 5, (name, solution)
        assert blank["total"] == 0, (name, blank)


@pytest.mark.parametrize("name", SETS)
def test_student_notebook_runs_and_each_check_explains_the_failure(name, tmp_path):
    folder = tmp_path / name
    shutil.copytree(REPO / "exercises" / "student" / name, folder)
    nb = nbformat.read(str(folder / f"{name}.ipynb"), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                   kernel_manager_class=IPCKernelManager).execute()
    outputs = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("grader.check("):
            text = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", "")) for o in cell.outputs)
            outputs.append(text)
    assert outputs and all("failed" in t.lower() for t in outputs)
    assert all(re.search(r"AssertionError: \w", t) for t in outputs)  # a message, not a bare failure


def test_grading_two_fake_submissions_end_to_end(tmp_path):
    name = "ch06_clinical_trials"
    right = tmp_path / "right.ipynb"
    shutil.copy(_notebook("autograder", name), right)
    wrong_nb = nbformat.read(str(_notebook("autograder", name)), as_version=4)
    for cell in wrong_nb.cells:
        if cell.cell_type == "code":
            cell.source = cell.source.replace("n_rct = int(", "n_rct = 1 + int(").replace('q5_answer = "b"', 'q5_answer = "a"')
    wrong = tmp_path / "wrong.ipynb"
    nbformat.write(wrong_nb, str(wrong))
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", name, str(right), str(wrong),
                             "--csv", str(tmp_path / "scores.csv")], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].split("\t") == ["submission", "q1", "q2", "q3", "q4", "q5", "total", "possible"]
    assert lines[1].split("\t")[1:] == ["1", "1", "1", "1", "1", "5", "5"]
    # a wrong answer of the right type keeps the public half of the marks, loses the hidden half
    assert lines[2].split("\t")[1:] == ["0.5", "1", "1", "1", "0.5", "4", "5"]
    assert (tmp_path / "scores.csv").read_text().count("\n") == 3


def test_grading_an_unknown_set_or_missing_file_is_a_clear_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", "ch6", str(tmp_path / "x.ipynb")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "unknown exercise set 'ch6'" in result.stderr
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", SETS[0], str(tmp_path / "x.ipynb")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "submission not found" in result.stderr and "Traceback" not in result.stderr
