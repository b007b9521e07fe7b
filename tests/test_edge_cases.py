"""Edge cases found while documenting the API: each raised a bare Python error or did something it should not."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pandas as pd
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


# --------------------------------------------------------------------------- found while removing duplicates
REGISTRY_FIXTURES = Path(__file__).parent / "fixtures" / "registry"


def test_read_exports_takes_one_path_as_one_file_not_its_characters():
    from mscteach import registry

    january = REGISTRY_FIXTURES / "synthetic-ctgov-2026-01.json"  # 6 records (fixtures/registry/README.md)
    for given in (str(january), january):
        records = registry.read_exports(given)
        assert len(records) == 6
        assert {r.source_file for r in records} == {january.name}
    assert [r.registry_id for r in registry.read_exports(str(january))] == \
        [r.registry_id for r in registry.read_exports([january])]


def test_an_unknown_course_folder_kind_names_the_kinds():
    with pytest.raises(UnknownNameError, match=r"unknown course folder 'docs'; available: data, notebooks, reports, "
                                               r"exercises"):
        resources.course_folder("docs")
    with pytest.raises(UnknownNameError, match="unknown course folder 'note'"):
        resources.packaged("note")


def _trials(status, phase):
    return pd.DataFrame({"registry_id": [f"NCT0{i}" for i in range(len(status))], "status": status,
                         "phase_registered": phase})


def test_registered_counts_keep_a_phase_or_status_without_a_label_as_it_is_written():
    trials = _trials(["RECRUITING", "PAUSED_FOR_REVIEW", None, "PAUSED_FOR_REVIEW"],
                     ["PHASE2", "PHASE5", "PHASE2", None])
    status = evidence.registered_counts(trials, "status")
    assert status.values.tolist() == [["recruiting", 1], ["PAUSED_FOR_REVIEW", 2], ["not given", 1]]
    phase = evidence.registered_counts(trials, "phase")
    assert phase.values.tolist() == [["phase 2", 2], ["PHASE5", 1], ["not given", 1]]
    assert int(status["trials"].sum()) == int(phase["trials"].sum()) == len(trials)  # no trial is dropped


def test_registered_summary_names_every_status_it_counts_as_ongoing():
    from mscteach.registry import ONGOING, STATUS_LABELS

    trials = _trials(["ENROLLING_BY_INVITATION", "COMPLETED"], ["PHASE2", "PHASE2"])
    text = evidence.registered_summary(trials, lang="en")
    assert "1 is ongoing" in text  # enrolling by invitation is ongoing ...
    assert "enrolling by invitation" in text  # ... and the sentence says so
    for status in ONGOING:  # every ongoing status is named (active: "active, not recruiting")
        assert STATUS_LABELS[status].split(",")[0] in text, status


def test_mechanisms_matching_takes_a_list_of_targets_or_mediators_as_any_of_them():
    mechanisms = pd.DataFrame({"category": ["a", "a", "b", "b"],
                               "mediator": ["IDO", "PGE2; IL-6", None, "HGF"],
                               "target": ["T cell", "B cell; Treg", "CD4+ T cell", "T cell"]})
    found = evidence.mechanisms_matching(mechanisms, target=["T cell", "Treg"])
    assert found["mediator"].tolist() == ["IDO", "PGE2; IL-6", "HGF"]  # not CD4+ T cell: items match exactly
    assert evidence.mechanisms_matching(mechanisms, mediator=["IL-6", "HGF"], category="b")["target"].tolist() == \
        ["T cell"]
    assert len(evidence.mechanisms_matching(mechanisms, target=["all"])) == 4
    assert evidence.mechanisms_matching(mechanisms, target="T cell")["mediator"].tolist() == ["IDO", "HGF"]


@pytest.mark.parametrize("number", [1.5, 2.0, True, "1"])
def test_a_self_check_number_that_is_not_a_whole_number_is_a_clear_error(number):
    from mscteach import selfchecks
    from mscteach.errors import ParameterError

    with pytest.raises(ParameterError, match=rf"07_challenges has self-checks 1 to 2, not {number!r}"):
        selfchecks.get("07_challenges", number, "en")


def test_the_registry_change_summary_is_written_in_the_language_it_is_given(monkeypatch):
    """The lines `mscteach registry diff` prints are say() sentences: English as before, or the catalogue's."""
    from mscteach import registry
    from mscteach.i18n import sentences

    changes = [registry.Change("status", "NCT01", "MSC for cirrhosis", "recruiting", "completed"),
               registry.Change("status", "NCT02", "UC-MSC in ACLF", "recruiting", "completed")]
    assert registry.change_lines(changes) == registry.change_lines(changes, "en") == [
        "status changed (2):", "  NCT01  recruiting -> completed  MSC for cirrhosis",
        "  NCT02  recruiting -> completed  UC-MSC in ACLF"]
    fake = {"status changed": "STATUS", "{heading} ({n}):": "{heading}: {n}",
            "{registry_id}  {before} -> {after}  {title}": "{title} / {registry_id}: {after} <- {before}"}
    monkeypatch.setattr(sentences, "shipped_catalogue", lambda lang, page=None: fake)
    assert registry.change_lines(changes, "fa") == [
        "STATUS: \u200f۲", "  MSC for cirrhosis / NCT01: completed <- recruiting",
        "  UC-MSC in ACLF / NCT02: completed <- recruiting"]
