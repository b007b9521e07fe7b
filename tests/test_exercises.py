"""Exercise sets: structure, generated files up to date, masters pass, student versions fail with
feedback, student notebooks run, and grading end to end on two fake submissions."""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from mscteach.classroom import exercises, grading
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
        book = grading.grade(name, [_notebook("autograder", name), _notebook("student", name)],
                             root=REPO / "exercises", jobs=1)
        return name, book

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(grade, SETS))
    for name, book in results.items():
        solution, blank = book.grades
        assert solution.status == blank.status == "graded", (name, solution, blank)
        assert solution.total == book.possible >= 5, (name, solution)
        assert blank.total == 0, (name, blank)


def _hidden_expectations(test_file: Path) -> list[object]:
    """The values hidden tests compare answers with (``answer == VALUE``, ``abs(answer - VALUE)``, a loop over VALUES)."""
    values = []
    for node in ast.walk(ast.parse(test_file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(k, ast.keyword) and k.arg == "hidden" and getattr(k.value, "value", None) is True
                for d in node.decorator_list if isinstance(d, ast.Call) for k in d.keywords):
            sides = []
            for inner in ast.walk(node):
                if isinstance(inner, ast.Compare) and any(isinstance(op, ast.Eq) for op in inner.ops):
                    sides += [inner.left, *inner.comparators]  # answer == VALUE
                elif isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Sub):
                    sides.append(inner.right)  # abs(answer - VALUE) < tolerance
                elif isinstance(inner, ast.For):
                    sides.append(inner.iter)  # for item in [VALUES]: assert item in answer
            for side in sides:
                try:
                    values.append(ast.literal_eval(side))
                except ValueError:
                    pass
    return values


def _known_answers(name: str) -> dict[str, list[object]]:
    """The answers on the shipped data of the set's questions whose hidden tests compute them from the data
    (worked out by hand in test_exercise_data.SHIPPED), as plain values: a table's telling column, a Series' values."""
    import pandas as pd

    from .test_exercise_data import SHIPPED

    known: dict[str, list[object]] = {}
    for exercise_set, question, _, right, _ in SHIPPED:
        if exercise_set == name:
            value = right.iloc[:, -1].tolist() if isinstance(right, pd.DataFrame) else (
                right.tolist() if isinstance(right, pd.Series) else right)
            known.setdefault(question, []).append(value)
    return known


@pytest.mark.parametrize("name", SETS)
def test_no_public_test_gives_the_hidden_answer_away(name):
    found = 0
    known = _known_answers(name)
    for hidden_file in sorted((REPO / "exercises" / "autograder" / name / "tests").glob("q*.py")):
        public = ast.parse((REPO / "exercises" / "student" / name / "tests" / hidden_file.name).read_text())
        tests = [n for n in ast.walk(public) if isinstance(n, ast.FunctionDef)]
        constants = [n.value for t in tests for n in ast.walk(t) if isinstance(n, ast.Constant)]
        compared = [v for t in tests for n in ast.walk(t) if isinstance(n, ast.Compare)
                    for side in [n.left, *n.comparators] if isinstance(side, ast.Constant) for v in [side.value]]
        for value in [*_hidden_expectations(hidden_file), *known.get(hidden_file.stem, [])]:
            found += 1
            if isinstance(value, str) and len(value) == 1:  # a multiple-choice letter: listed among the options
                assert value not in compared, (hidden_file, value)
            elif isinstance(value, (list, tuple, set)):
                assert not set(map(str, value)) <= set(map(str, constants)), (hidden_file, value)
            else:
                assert not any(type(c) is type(value) and c == value for c in constants), (hidden_file, value)
    assert found >= 3  # the check found the hidden answers it guards


@pytest.mark.parametrize("name", SETS)
def test_public_checks_say_what_they_checked_and_multiple_choice_form_earns_nothing(name):
    for test_file in sorted((REPO / "exercises" / "student" / name / "tests").glob("q*.py")):
        text = test_file.read_text(encoding="utf-8")
        assert "checked when your work is graded" in text, test_file
        if "one letter" in text:
            assert "@test_case(points=0, hidden=False" in text, test_file


def test_a_right_form_wrong_value_check_says_the_value_is_not_checked_yet(tmp_path):
    name = "ch06_clinical_trials"
    folder = tmp_path / name
    shutil.copytree(REPO / "exercises" / "student" / name, folder)
    nb = nbformat.read(str(folder / f"{name}.ipynb"), as_version=4)
    setup = [c for c in nb.cells if c.cell_type == "code"][:2]
    nb.cells = setup + [nbformat.v4.new_code_cell("rct_treated = 7  # a whole number, but not the answer"),
                        nbformat.v4.new_code_cell('grader.check("q2")')]
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}},
                   kernel_manager_class=IPCKernelManager).execute()
    data = nb.cells[-1].outputs[0]["data"]
    for shown in (data["text/html"], data["text/plain"]):
        assert "q2: the answer has the right form; its value is checked when your work is graded" in shown
        assert "passed" not in shown.lower()  # otter would say "q2 passed! All test cases passed!"


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
    assert outputs
    for number, text in enumerate(outputs, start=1):  # the test's hint in its own words, not otter's report
        assert re.fullmatch(rf"(q{number}: \w[^\n]*\n?)+", text.strip() + "\n"), text
        assert "Error at line" not in text and "passed" not in text


def test_grading_a_missing_file_names_it_and_fails():
    missing = Path("/nonexistent/x.ipynb")
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", SETS[0], str(missing)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"not graded: {missing}: unreadable: file not found" in result.stderr


def test_a_list_of_every_word_in_the_data_earns_only_the_form_mark():
    """Found by a hostile student: ch04 q1's hidden test only asked that four names be in the list."""
    import mscteach
    from mscteach.classroom.scoring import load_tests

    words = sorted({token for table in mscteach.list_tables()
                    for value in mscteach.load(table).to_numpy().ravel()
                    for token in re.split(r"[;,\s]+", str(value)) if token})
    assert {"HGF", "IL-10", "MMP-9", "MMP-13"} <= set(words)
    tests = load_tests(REPO / "exercises" / "autograder" / "ch04_fibrosis" / "tests")
    scores = {s.name: s.score for s in tests.score({"fibrosis_mediators": words})}
    assert scores["q1"] == 0.5  # the right form (a list), the wrong value
