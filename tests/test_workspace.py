"""A workspace of one's own (`mscteach init`): every command run inside it uses its copies."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mscteach import cli, resources
from mscteach.cli import commands
from mscteach.errors import MscteachError

from .conftest import REPO


@pytest.fixture(scope="module")
def teacher(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("teacher") / "course"
    resources.init(home, instructor=True)
    return home


def test_an_instructor_workspace_from_a_checkout_has_the_answers_and_the_template(teacher):
    assert sorted(p.name for p in (teacher / "exercises").iterdir()) == ["autograder", "masters", "student"]
    assert (teacher / "reports" / "evidence_brief.ipynb").is_file()
    assert json.loads((teacher / resources.MARKER).read_text())["role"] == "instructor"
    assert "Do not share them" in (teacher / "README.md").read_text()


def test_inside_a_workspace_every_course_folder_is_its_own(teacher, monkeypatch):
    monkeypatch.chdir(teacher / "notebooks")
    for kind in resources.KINDS:
        assert resources.course_folder(kind) == teacher / kind
    monkeypatch.chdir(REPO)
    assert resources.course_folder("notebooks") == REPO / "notebooks"


def test_lab_opens_the_workspace(teacher, monkeypatch):
    calls = []
    # the server itself is not started: `serve` (Ctrl-C handling) has its own test
    monkeypatch.setattr(commands, "serve", lambda command, what: calls.append(command) or 0)
    monkeypatch.chdir(teacher / "exercises")
    assert cli.main(["lab"]) == 0
    assert f"--notebook-dir={teacher}" in calls[0]


def test_build_in_a_workspace_renders_its_own_chapters(teacher):
    chapter = teacher / "notebooks" / "02_differentiation.ipynb"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "# 2. ", "# 2. (my class) ", 1), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mscteach", "build", "--no-progress"], cwd=teacher,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    page = (teacher / "_build" / "site" / "02_differentiation.html").read_text(encoding="utf-8")
    assert "(my class)" in page


def test_exercises_in_a_workspace_are_generated_there(teacher):
    master = teacher / "exercises" / "masters" / "ch01_history.ipynb"
    master.write_text(master.read_text(encoding="utf-8").replace("### Question 1", "### Question 1 (our class)", 1),
                      encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "generate"], cwd=teacher,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    student = teacher / "exercises" / "student" / "ch01_history" / "ch01_history.ipynb"
    assert "Question 1 (our class)" in student.read_text(encoding="utf-8")
    assert "(our class)" not in (REPO / "exercises" / "student" / "ch01_history" / "ch01_history.ipynb").read_text()


def test_init_refuses_a_folder_in_use_and_leaves_it_alone(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(MscteachError, match="already exists and is not empty"):
        resources.init(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_prints_a_next_step_that_a_shell_runs_even_with_a_space_in_the_folder(tmp_path, capsys):
    home = tmp_path / "my course"
    assert cli.main(["init", str(home)]) == 0
    next_step = capsys.readouterr().out.splitlines()[-1]
    assert next_step == f"next: cd '{home}' && mscteach lab"
    # the shell reads it back as one folder: `cd` there and print where it is
    shown = subprocess.run(["sh", "-c", next_step.removeprefix("next: ").replace("mscteach lab", "pwd")],
                           capture_output=True, text=True, check=True)
    assert Path(shown.stdout.strip()) == home.resolve()
