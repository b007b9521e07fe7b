"""Shared fixtures: the shipped data folder and corruptible copies of it."""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mscteach

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch):
    """Tests start from the shipped data, whatever the developer's environment says, and leave it so."""
    monkeypatch.delenv(mscteach.ENV_VAR, raising=False)
    yield
    # a command run in-process (cli.main with --data) sets the variable for the kernels it starts; a later
    # session fixture's subprocess would inherit it and build from that test's (corrupted) copy
    os.environ.pop(mscteach.ENV_VAR, None)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may corrupt."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` counts the header as 1, as Problem.row does."""
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def add_row(path: Path, values: dict[str, str]) -> None:
    """Append a row to a CSV table: ``values`` by column name, blank for the columns it does not name."""
    rows = read_rows(path)
    rows.append([values.get(column, "") for column in rows[0]])
    write_rows(path, rows)


def make_teacher_folder(folder: Path) -> Path:
    """Turn a copy of data/ into a teacher's: a 2025 RCT (reference 104) with severe infections 20/60 vs 20/60."""
    # the packaged schema caps ref_id at the review's 103: a teacher adding a reference raises it
    package = folder / "datapackage.json"
    package.write_text(package.read_text(encoding="utf-8").replace('"maximum": 103', '"maximum": 999'),
                       encoding="utf-8")
    add_row(folder / "references.csv", {
        "ref_id": "104", "authors": "Teacher A", "title": "A fictional randomised trial of MSCs in ACLF",
        "journal": "J Test", "year": "2025", "citation_as_printed": "Teacher A. A fictional trial. J Test. 2025."})
    add_row(folder / "clinical_studies.csv", {
        "study_id": "teacher2025", "first_author": "Teacher", "author_as_printed": "Teacher", "year": "2025",
        "ref_ids": "104", "disease": "ACLF", "cell_type": "UC-MSC", "cell_origin": "allogeneic", "design": "RCT",
        "n_total": "120", "n_treated": "60", "n_control": "60", "control_type": "standard medical therapy",
        "follow_up_weeks": "48", "efficacy_finding": "No difference in severe infection.",
        "seed_section": "Clinical trials of MSC therapy in liver disease"})
    rows = read_rows(folder / "outcomes.csv")
    number = len(rows)
    for arm, role in (("MSC", "treated"), ("standard medical therapy", "control")):
        add_row(folder / "outcomes.csv", {
            "outcome_row": str(number), "study_id": "teacher2025", "ref_ids": "104", "outcome": "severe infection",
            "outcome_type": "binary", "arm": arm, "arm_role": role, "events": "20", "total": "60",
            "source": "added by a teacher"})
        number += 1
    return folder


def run_build(*args: str, cwd: Path | None = None, data: str | None = None) -> subprocess.CompletedProcess:
    """`mscteach [--data DATA] build --no-progress ARGS` in a subprocess, as a user runs it."""
    env = {k: v for k, v in os.environ.items() if k != mscteach.ENV_VAR}
    before = ["--data", data] if data else []
    return subprocess.run([sys.executable, "-m", "mscteach", *before, "build", "--no-progress", *args],
                          capture_output=True, text=True, timeout=900, cwd=cwd, env=env)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The whole course site, built once from a relative --data folder (a copy with one dose marked)."""
    work = tmp_path_factory.mktemp("work")
    shutil.copytree(DATA, work / "my-data")
    rows = (work / "my-data" / "clinical_studies.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(rows, start=1) if line.startswith("shi2012,"))
    set_cell(work / "my-data" / "clinical_studies.csv", row, "dose_text", "0.5 × 10^6 cells/kg (from my-data)")
    return work / "site", run_build("--out", "site", "--jobs", "2", cwd=work, data="my-data")


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser), headless, no background traffic."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        try:
            yield chromium
        finally:
            chromium.close()
