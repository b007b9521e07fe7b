"""Edge cases found while documenting the API: each raised a bare Python error or did something it should not."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from mscteach import chapters, course, evidence, printing, resources, widgets
from mscteach.errors import MscteachError, UnknownNameError
from mscteach.site import rendering


def test_checking_an_unknown_chapter_without_values_names_the_chapters():
    with pytest.raises(UnknownNameError, match="unknown chapter 'no_such_chapter'; available: 00_index"):
        chapters.check_parameters("no_such_chapter")


def test_printing_without_playwright_says_what_to_install(monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "playwright" else real(name, *a))
    page = tmp_path / "a.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(MscteachError, match=r"install .*playwright \(pip install 'mscteach\[pdf\]'\)"):
        printing.print_pdfs([(page, tmp_path / "a.pdf")])
    assert not (tmp_path / "a.pdf").exists()


def test_a_failed_init_keeps_the_empty_folder_the_user_made(monkeypatch, tmp_path):
    target = tmp_path / "my course"
    target.mkdir()
    copied = []

    def copy_then_fail(source, destination, **kwargs):
        if copied:
            raise OSError("disk full")
        copied.append(destination)
        return shutil.copytree(source, destination, **kwargs)

    monkeypatch.setattr(resources.shutil, "copytree", copy_then_fail)
    with pytest.raises(MscteachError, match="cannot make the workspace .*disk full"):
        resources.init(target)
    assert target.is_dir() and list(target.iterdir()) == []  # what init copied is gone, the folder stays


def test_a_failed_init_into_a_new_folder_leaves_nothing(monkeypatch, tmp_path):
    target = tmp_path / "new"
    monkeypatch.setattr(resources.shutil, "copytree", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(MscteachError):
        resources.init(target)
    assert not target.exists()


def _code_only_notebook(path: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell("x = 1")])
    nbformat.write(nb, str(path))
    return path


def test_a_notebook_without_a_markdown_cell_is_a_clear_error_not_stopiteration(tmp_path):
    with pytest.raises(MscteachError, match="the first cell must start with '# N. Title'"):
        course.lesson(_code_only_notebook(tmp_path / "09_code.ipynb"))


def test_a_failed_page_without_markdown_still_shows_the_failure(tmp_path):
    shown = json.loads(rendering.site_notebook(_code_only_notebook(tmp_path / "09_code.ipynb"), None,
                                               failure="09_code.ipynb failed at cell 1: ZeroDivisionError"))
    assert "could not be built completely: 09_code.ipynb failed at cell 1" in "".join(shown["cells"][0]["source"])


def test_the_ecm_model_runs_as_long_as_the_explorer_lets_msc_week_go():
    explorer = widgets.ecm_explorer(evidence.EcmScenario(weeks=40))
    assert explorer.controls["msc_week"].max == 40
    explorer.controls["msc_week"].value = 36
    table = next(item for item in explorer.results() if not hasattr(item, "savefig"))
    model = evidence.ecm_balance(evidence.EcmScenario(weeks=40, msc_week=36))
    assert table.equals(evidence.ecm_summary(model))  # the 40-week model, not the default 30 weeks
