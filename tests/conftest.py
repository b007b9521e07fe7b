"""Shared fixtures: the shipped data folder and corruptible copies of it."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import mscteach

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch):
    """Tests start from the shipped data, whatever the developer's environment says."""
    monkeypatch.delenv(mscteach.ENV_VAR, raising=False)


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
