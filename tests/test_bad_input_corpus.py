"""The bad-input corpus: every case gives a clear message naming what and where, exits non-zero,
prints no traceback from our code, and leaves no partial output.

The loader/validate cases are also checked through the API in test_validation.py; here each case
is run the way a teacher meets it, at the command line.
"""
from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from .conftest import DATA, read_rows, set_cell


@dataclass
class Case:
    id: str
    setup: Callable[[Path], list[str]]  # prepares files in a temp folder; returns the mscteach arguments
    exit: int
    words: tuple[str, ...]
    no_output: str | None = None  # a path (relative to the temp folder) that must not exist afterwards


def _data(tmp: Path) -> Path:
    import shutil

    target = tmp / "data"
    if not target.exists():
        shutil.copytree(DATA, target)
    return target


def _corrupt(edit: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        data = _data(tmp)
        edit(data)
        return ["validate", str(data)]
    return setup


def _broken_notebooks(tmp: Path) -> list[str]:
    folder = tmp / "nbs"
    folder.mkdir()
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"tags": ["parameters"]}), new_code_cell("1/0")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, str(folder / "01_broken.ipynb"))
    return ["build", "--no-progress", "--notebooks", str(folder), "--out", str(tmp / "site")]


def _issue_total(data: Path) -> None:
    """zhang2012 (row 3) with issue 23's numbers: a total of 12 beside arms of 60 and 60."""
    for field, value in (("n_total", "12"), ("n_treated", "60"), ("n_control", "60")):
        set_cell(data / "clinical_studies.csv", 3, field, value)


def _on_bad_data(*command: str) -> Callable[[Path], list[str]]:
    def setup(tmp: Path) -> list[str]:
        _issue_total(_data(tmp))
        return ["--data", str(tmp / "data"), *command]
    return setup


def _semicolons(data: Path) -> None:
    path = data / "clinical_studies.csv"
    rows = read_rows(path)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\n").writerows(rows)


def _drop_column(data: Path) -> None:
    path = data / "glossary.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(l.split(",", 1)[1] if "," in l else l for l in lines) + "\n", encoding="utf-8")


def _export(tmp: Path, name: str, text: str, data: Path | None = None) -> list[str]:
    (tmp / name).write_text(text, encoding="utf-8")
    return ["registry", "import", str(tmp / name), "--data", str(data or _data(tmp))]


def _older_data(tmp: Path) -> Path:
    """A data folder as an earlier mscteach made it: without the registry rules."""
    import json

    folder = _data(tmp)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if not r["name"].startswith("registry_")]
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return folder


CASES = [
    Case("missing-file", _corrupt(lambda d: (d / "timeline.csv").unlink()), 1,
         ("data/timeline.csv", "file is missing")),
    Case("missing-column", _corrupt(_drop_column), 1, ("data/glossary.csv", "row 1", "field 'term'", "missing")),
    Case("wrong-type", _corrupt(lambda d: set_cell(d / "clinical_studies.csv", 5, "n_total", "many")), 1,
         ("data/clinical_studies.csv", "row 5", "field 'n_total'", "'many' is not an integer")),
    Case("duplicate-id", _corrupt(lambda d: set_cell(d / "mechanisms.csv", 3, "mechanism_id", "M01")), 1,
         ("data/mechanisms.csv", "row 3", "duplicate key M01 (first seen on row 2)")),
    Case("dangling-ref-id", _corrupt(lambda d: set_cell(d / "animal_studies.csv", 2, "ref_ids", "71;777")), 1,
         ("data/animal_studies.csv", "row 2", "field 'ref_ids'", "777 is not a references.ref_id")),
    Case("empty-required", _corrupt(lambda d: set_cell(d / "references.csv", 10, "title", "")), 1,
         ("data/references.csv", "row 10", "field 'title'", "a value is required")),
    Case("non-utf8", _corrupt(lambda d: (d / "glossary.csv").write_bytes(b"term,abbreviation\n\xe9t\xe9,x\n")), 1,
         ("data/glossary.csv", "not UTF-8")),
    Case("semicolon-separated", _corrupt(_semicolons), 1,
         ("data/clinical_studies.csv, row 1: the file is separated by ';', not commas; "
          "save it as comma-separated CSV", "1 problem(s)")),
    Case("total-not-sum-of-arms", _corrupt(_issue_total), 1,
         ("data/clinical_studies.csv, row 3, field 'n_total': n_total 12 is not n_treated + n_control "
          "(60 + 60 = 120)",)),
    # build and report check the data before any kernel starts: one message, nothing written
    Case("build-on-bad-data", _on_bad_data("build", "--no-progress", "--out", "site"), 1,
         ("before building the site", "1 problem(s)", "data/clinical_studies.csv, row 3, field 'n_total': "
          "n_total 12 is not n_treated + n_control (60 + 60 = 120)"), no_output="site"),
    Case("report-on-bad-data", _on_bad_data("report", "--disease", "ACLF", "-o", "b.html"), 1,
         ("before writing a brief", "data/clinical_studies.csv, row 3, field 'n_total'"), no_output="b.html"),
    Case("report-batch-on-bad-data", _on_bad_data("report", "--disease", "ACLF", "--disease", "NAFLD", "-o",
                                                  "briefs"), 1,
         ("before writing the briefs", "data/clinical_studies.csv, row 3, field 'n_total'"), no_output="briefs"),
    Case("unknown-table", lambda tmp: ["describe", "clinical_trials"], 2,
         ("unknown table 'clinical_trials'", "clinical_studies")),
    Case("data-folder-missing", lambda tmp: ["--data", str(tmp / "nowhere"), "tables"], 1,
         ("data folder", "nowhere", "does not exist")),
    Case("build-unknown-parameter", lambda tmp: ["build", "--out", str(tmp / "site"), "-p", "disese", "ACLF"], 2,
         ("unknown parameter 'disese'", "did you mean 'disease'"), no_output="site"),
    Case("build-wrong-parameter-type", lambda tmp: ["build", "--out", str(tmp / "site"), "-p", "year_to", "soon"], 2,
         ("01_history: parameter year_to must be a whole number (a year)", "'soon'"), no_output="site"),
    Case("build-unwritable-output", lambda tmp: (tmp / "f").write_text("") or ["build", "--out", str(tmp / "f" / "x")],
         1, ("cannot write to output folder",)),
    Case("build-notebook-raises", _broken_notebooks, 1, ("01_broken.ipynb failed at cell 2", "ZeroDivisionError")),
    Case("report-unknown-value", lambda tmp: ["report", "--disease", "hepatitis", "-o", str(tmp / "b.html")], 2,
         ("unknown value for --disease 'hepatitis'", "available: all, cirrhosis"), no_output="b.html"),
    Case("report-wrong-type", lambda tmp: ["report", "--year-to", "2020.5", "-o", str(tmp / "b.html")], 2,
         ("--year-to '2020.5'", "a year"), no_output="b.html"),
    Case("report-unwritable-output",
         lambda tmp: (tmp / "f").write_text("") or ["report", "-o", str(tmp / "f" / "b.html")], 1,
         ("cannot write to",)),
    Case("report-missing-grid", lambda tmp: ["report", "--grid", str(tmp / "grid.csv")], 1,
         ("grid file", "grid.csv", "does not exist")),
    Case("registry-neither-format", lambda tmp: _export(tmp, "notes.csv", "a,b\n1,2\n"), 1,
         ("notes.csv", "is neither a ClinicalTrials.gov export", "WHO ICTRP")),
    Case("registry-truncated-json", lambda tmp: _export(tmp, "ctg.json", '{"studies": [{"protocolSection": {'), 1,
         ("ctg.json", "ends in the middle of a record", "truncated")),
    Case("registry-csv-missing-columns", lambda tmp: _export(tmp, "ctg.csv", "NCT Number,Study Title\nNCT90000001,x\n"),
         1, ("ctg.csv", "lacks the column(s)", "'Conditions'")),
    Case("registry-missing-file", lambda tmp: ["registry", "import", str(tmp / "gone.json"), "--data",
                                               str(_data(tmp))], 1, ("gone.json", "no such file")),
    Case("registry-into-the-course-data", lambda tmp: _export(tmp, "ctg.json", '{"studies": []}', DATA), 1,
         ("is the course's own data", "mscteach init DIR")),
    Case("registry-older-data-folder", lambda tmp: _export(tmp, "ctg.json", '{"studies": []}', _older_data(tmp)),
         1, ("made by an older mscteach", "registry_conditions", "mscteach init DIR")),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, tmp_path):
    args = case.setup(tmp_path)
    result = subprocess.run([sys.executable, "-m", "mscteach", *args], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path)
    assert result.returncode == case.exit, result.stderr
    for words in case.words:
        assert words in result.stderr, (words, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    if case.no_output:
        assert not (tmp_path / case.no_output).exists()
    assert not list(tmp_path.rglob("*.part"))  # nothing half-written anywhere


def test_html_in_text_parameters_is_shown_as_text(tmp_path):
    out = tmp_path / "b.html"
    result = subprocess.run([sys.executable, "-m", "mscteach", "report", "--disease", "NAFLD", "--title",
                             '<img src=x onerror="alert(1)">', "-o", str(out)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    from html.parser import HTMLParser

    class Page(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.handlers: list[tuple[str, str]] = []
            self.headings: list[str] = []
            self._in_h1 = False

        def handle_starttag(self, tag, attrs):
            self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]
            self._in_h1 = self._in_h1 or tag == "h1"

        def handle_endtag(self, tag):
            self._in_h1 = self._in_h1 and tag != "h1"

        def handle_data(self, data):
            if self._in_h1:
                self.headings.append(data)

    page = Page()
    page.feed(out.read_text(encoding="utf-8"))
    assert page.handlers == []  # no element carries an event handler: the title was not read as HTML
    assert '<img src=x onerror="alert(1)">' in page.headings  # it is shown, as text, as its heading


def test_an_interrupted_batch_keeps_complete_briefs_and_leaves_nothing_half_written(tmp_path):
    out = tmp_path / "briefs"
    command = [sys.executable, "-m", "mscteach", "report", "--no-progress", "--jobs", "1", "-o", str(out)]
    for disease in ("cirrhosis", "ACLF", "NAFLD", "liver failure", "autoimmune hepatitis"):
        command += ["--disease", disease]
    # As in a terminal: SIGINT has its default disposition in the command even when this test
    # runs in a background job (which would otherwise pass SIGINT on as ignored).
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not list(out.glob("*.json")) and time.monotonic() < deadline and batch.poll() is None:
        time.sleep(0.1)
    os.killpg(batch.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group, as in a terminal
    _, stderr = batch.communicate(timeout=120)
    assert batch.returncode != 0
    assert "interrupted" in stderr and "Traceback" not in stderr
    written = sorted(out.iterdir())
    assert not [p for p in written if p.suffix not in (".html", ".json")]  # no temporary files
    htmls = {p.stem for p in written if p.suffix == ".html"}
    jsons = {p.stem for p in written if p.suffix == ".json"}
    assert jsons and htmls == jsons and len(htmls) < 5  # complete pairs only, and it really stopped early
