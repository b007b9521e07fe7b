"""The wheel: data, chapters and students' exercises inside, never an answer; an installed package works
away from the checkout, and `mscteach init` gives each user a writable workspace."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    return next(out.glob("mscteach-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return target


def _run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """mscteach from the installed copy only (its dependencies from this environment), away from the checkout."""
    paths = [str(installed)] + [p for p in sys.path if p.endswith("site-packages")]
    return subprocess.run([sys.executable, "-m", "mscteach", *args], capture_output=True, text=True, cwd=cwd,
                          env={"PYTHONPATH": ":".join(paths), "PATH": "/usr/bin:/bin", "HOME": str(cwd)},
                          timeout=300)


@pytest.mark.slow
def test_wheel_contains_every_data_file_chapter_and_student_exercise(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for csv in (REPO / "data").glob("*.csv"):
        assert f"mscteach/_data/{csv.name}" in names
    assert "mscteach/_data/datapackage.json" in names
    assert "mscteach/_data/LICENSE.md" in names
    for nb in (REPO / "notebooks").glob("*.ipynb"):
        assert f"mscteach/_notebooks/{nb.name}" in names
    assert "mscteach/_reports/evidence_brief.ipynb" in names
    for student in (REPO / "exercises" / "student").rglob("*"):
        if student.is_file():
            assert f"mscteach/_exercises/{student.relative_to(REPO / 'exercises').as_posix()}" in names
    assert "mscteach/datasets/bcg/bcg_trials.csv" in names
    for part in ("conf.py", "_static/mscteach.css", "_static/mscteach.js"):
        assert f"mscteach/sitecfg/{part}" in names  # the course website's configuration ships too


@pytest.mark.slow
def test_wheel_carries_no_master_solution_or_hidden_test(wheel):
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert not [n for n in names if "/masters/" in n or "/autograder/" in n]
    hidden_values = ["rct_treated == 192", "guo2019", "hidden=True", "# SOLUTION", "BEGIN SOLUTION"]
    for name in names:
        if name.startswith("mscteach/_exercises/"):
            text = archive.read(name).decode("utf-8")
            for value in hidden_values:
                assert value not in text, (name, value)


@pytest.mark.slow
def test_installed_wheel_loads_its_own_data(installed, tmp_path):
    code = ("import mscteach, pathlib; "
            "print(mscteach.data_dir()); "
            "print(len(mscteach.load('references'))); "
            "print(mscteach.validate() == [])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    folder, rows, clean = result.stdout.split()
    assert folder.startswith(str(installed)) and folder.endswith("mscteach/_data")
    assert rows == "103" and clean == "True"


@pytest.mark.slow
def test_an_installed_package_never_writes_inside_itself(installed, tmp_path):
    before = sorted(p for p in installed.rglob("*") if "__pycache__" not in p.parts)
    result = _run(installed, tmp_path, "exercises", "generate")
    assert result.returncode == 1 and "mscteach init DIR" in result.stderr and "Traceback" not in result.stderr
    result = _run(installed, tmp_path, "build", "--in-place")
    assert result.returncode == 1 and "read-only" in result.stderr and "mscteach init DIR" in result.stderr
    export = REPO / "tests" / "fixtures" / "registry" / "synthetic-ctgov-2026-01.json"
    result = _run(installed, tmp_path, "registry", "import", str(export))  # into the packaged data: refused
    assert result.returncode == 1 and "course's own data" in result.stderr and "mscteach init DIR" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p for p in installed.rglob("*") if "__pycache__" not in p.parts) == before


@pytest.mark.slow
def test_init_from_an_installed_package_gives_students_a_workspace_and_refuses_instructor_files(installed, tmp_path):
    result = _run(installed, tmp_path, "init", "course")
    assert result.returncode == 0, result.stderr
    home = tmp_path / "course"
    assert sorted(p.name for p in home.iterdir()) == ["README.md", "data", "exercises", "mscteach-workspace.json",
                                                      "notebooks"]
    assert sorted(p.name for p in (home / "exercises").iterdir()) == ["student"]
    assert json.loads((home / "mscteach-workspace.json").read_text())["role"] == "student"
    assert len(list((home / "notebooks").glob("*.ipynb"))) == 8
    # inside the workspace, every command reads its copies: edit the data, and `tables` sees the edit
    (home / "data" / "glossary.csv").write_text(
        (home / "data" / "glossary.csv").read_text(encoding="utf-8").rsplit("\n", 2)[0] + "\n", encoding="utf-8")
    result = _run(installed, home / "notebooks", "tables")
    assert re.search(r"^glossary +97 rows", result.stdout, re.M), result.stdout
    result = _run(installed, home, "exercises", "generate")
    assert result.returncode == 1 and "no exercise masters" in result.stderr
    result = _run(installed, tmp_path, "init", "teacher", "--instructor")
    assert result.returncode == 1 and "clone the course repository" in result.stderr
    assert not (tmp_path / "teacher").exists()
    result = _run(installed, tmp_path, "init", "course")
    assert result.returncode == 1 and "already exists and is not empty" in result.stderr


def test_the_binder_image_removes_masters_and_hidden_tests(tmp_path):
    image = tmp_path / "image"
    (image / "binder").mkdir(parents=True)
    (image / "binder" / "postBuild").write_bytes((REPO / "binder" / "postBuild").read_bytes())
    for kind in ("masters", "autograder", "student"):
        (image / "exercises" / kind / "ch01_history").mkdir(parents=True)
        (image / "exercises" / kind / "ch01_history" / "q1.py").write_text("x = 1\n")
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "python").write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path / 'pip-args'}\n")
    (shim / "python").chmod(0o755)
    subprocess.run(["bash", "binder/postBuild"], cwd=image, check=True, timeout=60,
                   env={"PATH": f"{shim}:/usr/bin:/bin"})
    assert sorted(p.name for p in (image / "exercises").iterdir()) == ["student"]
    assert (tmp_path / "pip-args").read_text().split() == ["-m", "pip", "install", "--no-deps", "-e", "."]
