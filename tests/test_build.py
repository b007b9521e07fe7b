"""`mscteach build`: the HTML site, failures, bad parameters and atomic writes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mscteach import build, runner

from .conftest import REPO, set_cell


def run(*args: str, cwd: Path | None = None, data: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MSCTEACH_DATA_DIR"}
    before = ["--data", data] if data else []
    return subprocess.run([sys.executable, "-m", "mscteach", *before, "build", "--no-progress", *args],
                          capture_output=True, text=True, timeout=600, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The whole site, built from a relative --data folder (a copy with one dose marked)."""
    work = tmp_path_factory.mktemp("work")
    shutil.copytree(REPO / "data", work / "my-data")
    rows = (work / "my-data" / "clinical_studies.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(rows, start=1) if line.startswith("shi2012,"))
    set_cell(work / "my-data" / "clinical_studies.csv", row, "dose_text", "0.5 × 10^6 cells/kg (from my-data)")
    out = work / "site"
    return out, run("--out", "site", "--jobs", "2", cwd=work, data="my-data")


def test_every_chapter_read_the_relative_data_folder(site):
    """A relative --data folder was resolved against notebooks/ in every kernel, so every chapter failed."""
    out, result = site
    assert result.returncode == 0, result.stderr
    assert "0.5 × 10^6 cells/kg (from my-data)" in (out / "06_clinical_trials.html").read_text(encoding="utf-8")


def test_build_writes_a_page_per_notebook_and_an_index(site):
    out, result = site
    assert result.returncode == 0, result.stderr
    assert f"open {(out / 'index.html').as_uri()}" in result.stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    for nb in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        page = out / f"{nb.stem}.html"
        assert page.is_file()
        assert f'href="{page.name}"' in index
    assert "CC BY-NC-SA 4.0" in index and "failed" not in index.split("<ol")[1]


def test_pages_show_figures_tables_and_widgets_without_tracebacks(site):
    out, _ = site
    page = (out / "06_clinical_trials.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64") >= 3
    assert "<table" in page and "Lin 2017" in page
    assert "application/vnd.jupyter.widget-state+json" in page  # explorers can come alive in a browser
    for html in out.glob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "Traceback" not in text and 'data-mime-type="application/vnd.jupyter.stderr"' not in text


def test_a_failing_notebook_is_named_with_its_cell_and_the_others_are_kept(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(REPO / "notebooks" / "00_index.ipynb", folder)
    broken = new_notebook(cells=[new_markdown_cell("# Broken"), new_code_cell("x = 1"), new_code_cell("1 / 0")],
                          metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(broken, str(folder / "99_broken.ipynb"))
    out = tmp_path / "site"
    result = run("--out", str(out), "--notebooks", str(folder))
    assert result.returncode == 1
    assert "99_broken.ipynb failed at cell 3: ZeroDivisionError: division by zero" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "00_index.html").is_file() and (out / "99_broken.html").is_file()
    assert "failed: 99_broken.ipynb failed at cell 3" in (out / "index.html").read_text(encoding="utf-8")


def test_an_unknown_parameter_is_refused_before_any_kernel_starts(tmp_path):
    out = tmp_path / "site"
    result = run("--out", str(out), "-p", "diseas", "ACLF")
    assert result.returncode == 1
    assert "unknown parameter 'diseas'" in result.stderr and "did you mean 'disease'" in result.stderr
    assert not out.exists()


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("--out", str(blocker / "site"))
    assert result.returncode == 1
    assert "cannot write to output folder" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("text, value", [("ACLF", "ACLF"), ("3", 3), ("0.5", 0.5), ("True", True),
                                         ("false", False), ('["Substance abuse"]', ["Substance abuse"])])
def test_parameter_values_from_the_command_line(text, value):
    assert build.parse_value(text) == value


def test_write_atomically_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old, complete")

    def fail(part: Path) -> None:
        part.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        runner.write_atomically(target, fail)
    assert target.read_text() == "old, complete"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
