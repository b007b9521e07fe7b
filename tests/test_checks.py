"""Students' self-checks say what they checked (mscteach.classroom.checks wraps otter's Notebook)."""
from __future__ import annotations

import os
import shutil

import pytest

from mscteach.classroom.checks import Notebook, value_checked_when_graded

from .conftest import REPO

SET = "ch06_clinical_trials"


@pytest.fixture
def grader(tmp_path, monkeypatch):
    folder = tmp_path / SET
    shutil.copytree(REPO / "exercises" / "student" / SET, folder)
    # a question of a teacher's own whose public tests are all there is (no hidden tests, no marker)
    (folder / "tests" / "q9.py").write_text(
        "from otter.test_files import test_case\n\nOK_FORMAT = False\n\nname = 'q9'\npoints = 1\n\n"
        "@test_case(points=None, hidden=False)\ndef test_q9(total):\n    assert total == 3, 'add them up'\n",
        encoding="utf-8")
    monkeypatch.chdir(folder)
    yield Notebook(f"{SET}.ipynb")
    if os.path.exists(folder / ".OTTER_LOG"):
        os.remove(folder / ".OTTER_LOG")


def test_every_generated_student_test_says_whether_hidden_tests_check_the_value():
    for tests in sorted((REPO / "exercises" / "student").glob("ch*/tests")):
        for test_file in sorted(tests.glob("q*.py")):
            assert value_checked_when_graded(str(test_file)), test_file


def test_right_form_says_the_value_is_checked_at_grading_and_never_passed(grader):
    shown = grader.check("q1", {"n_rct": 41})
    assert repr(shown) == "q1: the answer has the right form; its value is checked when your work is graded"
    assert "passed" not in shown._repr_html_().lower()
    letter = grader.check("q5", {"q5_answer": "c"})
    assert repr(letter).splitlines() == [
        "q5: the answer has the right form; its value is checked when your work is graded",
        "one of the letters, as asked: whether it is the right one is checked when your work is graded "
        "(a wrong letter earns no marks)"]


def test_wrong_form_shows_what_is_wrong(grader):
    shown = grader.check("q1", {"n_rct": "six"})
    assert not shown.passed
    assert repr(shown) == "q1: expected a whole number (wrap the count in int(...))"
    assert "Error at line" not in shown._repr_html_()
    # the hint exactly as written: otter's own report drops the closing quote of 'lin2017'
    assert repr(grader.check("q3", {"largest": 5})) == "q3: expected a study_id such as 'lin2017'"


def test_a_question_with_only_public_tests_keeps_otters_words(grader):
    assert "All test cases passed" in repr(grader.check("q9", {"total": 3}))
    assert "add them up" in repr(grader.check("q9", {"total": 4}))
