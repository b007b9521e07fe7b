"""The data ships inside the wheel, so an installed package works away from the checkout."""
from __future__ import annotations

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


@pytest.mark.slow
def test_wheel_contains_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for csv in (REPO / "data").glob("*.csv"):
        assert f"mscteach/_data/{csv.name}" in names
    assert "mscteach/_data/datapackage.json" in names
    assert "mscteach/_data/LICENSE.md" in names
    for nb in (REPO / "notebooks").glob("*.ipynb"):
        assert f"mscteach/_notebooks/{nb.name}" in names
    assert "mscteach/_reports/evidence_brief.ipynb" in names
    assert "mscteach/_exercises/masters/ch01_history.ipynb" in names
    assert "mscteach/datasets/bcg/bcg_trials.csv" in names
    for part in ("conf.py", "_static/mscteach.css", "_static/mscteach.js"):
        assert f"mscteach/sitecfg/{part}" in names  # the course website's configuration ships too


@pytest.mark.slow
def test_installed_wheel_loads_its_own_data(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    code = ("import mscteach, pathlib; "
            "print(mscteach.data_dir()); "
            "print(len(mscteach.load('references'))); "
            "print(mscteach.validate() == [])")
    # Run from an empty folder with only the installed copy on the path (plus the dependencies).
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                            env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, timeout=120)
    assert result.returncode == 0, result.stderr
    folder, rows, clean = result.stdout.split()
    assert folder.startswith(str(target)) and folder.endswith("mscteach/_data")
    assert rows == "103" and clean == "True"
