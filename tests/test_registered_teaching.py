"""Registered trials in teaching: counts, the chapter 6 section with and without them, briefs.

The expected values are counted by hand from the synthetic January exports
(tests/fixtures/registry/README.md): six trials kept.

| trial | phase | status | enrolment | start |
|---|---|---|---|---|
| NCT90000001 | PHASE2 | RECRUITING | 120 anticipated | 2024-03 |
| NCT90000002 | PHASE1/2 | NOT_YET_RECRUITING | 30 anticipated | 2026-02 |
| NCT90000003 | PHASE3 | ACTIVE_NOT_RECRUITING | 200 anticipated | 2023-09-01 |
| NCT90000007 | PHASE2 | COMPLETED | 60 | 2021-04-12 |
| ChiCTR9900000001 | PHASE2 | RECRUITING | 100 | 2025-03-15 |
| IRCT99000000001N1 | PHASE1/2 | NOT_RECRUITING | 24 | 2024-07-01 |
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from mscteach import evidence, plots, registry, report, runner, stats, widgets
from mscteach.display import figure_alt

from .conftest import REPO, set_cell
from .test_registry import JANUARY

CHAPTER = REPO / "notebooks" / "06_clinical_trials.ipynb"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    import shutil

    folder = tmp_path_factory.mktemp("registered") / "data"
    shutil.copytree(REPO / "data", folder)
    registry.import_exports(JANUARY, folder, today="2026-01-15")
    return folder


@pytest.fixture
def trials(imported):
    return registry.registered_trials(imported)


def test_counts_by_phase_status_and_start_year(trials):
    by = {name: dict(zip(*evidence.registered_counts(trials, name).T.values)) for name in evidence.REGISTERED_BY}
    assert by["phase"] == {"phase 1/2": 2, "phase 2": 3, "phase 3": 1}
    assert list(by["status"].items()) == [("not yet recruiting", 1), ("recruiting", 2), ("active, not recruiting", 1),
                                          ("not recruiting", 1), ("completed", 1)]
    assert list(by["start year"].items()) == [("2021", 1), ("2023", 1), ("2024", 2), ("2025", 1), ("2026", 1)]


def test_ongoing_phase_2_and_3_trials_against_a_powered_trial(trials):
    # ongoing: NCT90000001, -02, -03 and ChiCTR (IRCT's "not recruiting" and -07's "completed" are not);
    # NCT90000002 is phase 1/2, so three remain; 104 per arm is 208 in all
    table = evidence.ongoing_against_target(trials, per_arm=104)
    assert table["trial"].tolist() == ["ChiCTR9900000001", "NCT90000001", "NCT90000003"]
    assert table["share_of_target"].tolist() == [round(100 / 208, 2), round(120 / 208, 2), round(200 / 208, 2)]
    fig = plots.registered_target_figure(table, 104)
    assert "NCT90000003 (phase 3, anticipated)" in figure_alt(fig)
    assert [line.get_xdata()[0] for line in fig.axes[0].lines] == [208]


def test_summary_counts_trials_ongoing_and_published(imported, trials):
    text = evidence.registered_summary(trials, registry.last_import(imported))
    assert "**6 registered trials**" in text and "4 are ongoing" in text and "**0 of 6** have published" in text
    assert "read 12 records: 2 duplicates removed, 4 excluded" in text and "6 included" in text
    linked = trials.assign(published_study_id=trials["registry_id"].where(trials["registry_id"] == "NCT90000003"))
    assert "**1 of 6** has published results" in evidence.registered_summary(linked)


def test_the_explorer_filters_by_status_disease_and_cells(trials):
    explorer = widgets.registered_trial_explorer(trials)
    explorer.controls["status"].value = "ongoing"
    explorer.controls["disease"].value = "ACLF"
    table, figure = explorer.results()
    assert table["registry id"].tolist() == ["ChiCTR9900000001", "NCT90000001"]
    assert figure.get_suptitle() == "Registered trials of cell therapies in liver disease (2)"
    explorer.controls["cell_type"].value = "AD-MSC"
    assert "No registered trials match" in explorer.results()[0].data
    explorer.controls["disease"].value = "all"
    explorer.controls["status"].value = "all"
    assert explorer.results()[0]["registry id"].tolist() == ["NCT90000002"]


def _outputs(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append(str(data.get("text/markdown", "")) + str(data.get("text/plain", ""))
                         + json.dumps(out.get("metadata", {})))
    return "\n".join(parts)


def test_chapter_6_without_registered_trials_says_how_to_add_them():
    nb = nbformat.read(CHAPTER, as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "registered-trials")
    assert [o.data["text/markdown"] for o in cell.outputs] == [widgets.NO_REGISTERED_TRIALS]
    assert "mscteach registry import FILE --data DIR" in widgets.NO_REGISTERED_TRIALS


def test_chapter_6_with_registered_trials_shows_the_section(imported, tmp_path):
    target = tmp_path / CHAPTER.name
    runner.execute_notebook(CHAPTER, target, {"interactive": False}, data=imported)
    nb = nbformat.read(target, as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "registered-trials")
    text = _outputs(nbformat.v4.new_notebook(cells=[cell]))
    assert "**6 registered trials**" in text and "4 are ongoing" in text
    per_arm = stats.trial_size(0.556, 0.732)  # Lin 2017's 24-week survival, as chapter 7 uses it
    assert f"needs **{per_arm} patients per arm** ({2 * per_arm} in all" in text
    assert "Registered trials of cell therapies in liver disease (6)" in text  # the counts figure's alt text
    assert "Ongoing phase 2 and 3 trials against a powered trial" in text
    # the explorer's default view (interactive=False): every trial in the overview table
    tables = [o.data["text/html"] for o in cell.outputs if "text/html" in o.get("data", {})]
    assert any("IRCT99000000001N1" in t and "NCT90000007" in t for t in tables)
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]


def test_a_brief_lists_the_registered_trials_that_match_its_question(imported):
    brief = report.evidence_brief({"disease": "cirrhosis", "cell_type": "AD-MSC"}, imported)
    assert brief.clinical.empty  # no study the review describes used adipose-derived MSCs...
    assert brief.registered["registry_id"].tolist() == ["NCT90000002"]  # ...but one registered trial does
    summary = brief.summary()["registered_trials"]
    assert summary == [{"registry_id": "NCT90000002", "title": "SYNTHETIC: Adipose-derived MSCs in Decompensated "
                        "Cirrhosis", "status": "NOT_YET_RECRUITING", "phase_registered": "PHASE1|PHASE2",
                        "enrolment": 30, "enrolment_type": "anticipated", "published_study_id": None}]
    shown = report.section(brief, "registered")
    assert "1 registered trial matches" in shown[0].data and "2026-01-15" in shown[0].data
    assert "not yet recruiting" in shown[1].data and "NCT90000002" in shown[1].data


def test_a_brief_marks_a_registered_trial_with_published_results(imported, tmp_path):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(imported, folder)
    set_cell(folder / "clinical_studies.csv", 15, "registry_id", "NCT90000003")  # xu2014, for the test
    brief = report.evidence_brief({"disease": "cirrhosis", "cell_type": "BM-MSC"}, folder)
    assert brief.summary()["registered_trials"][0]["published_study_id"] == "xu2014"
    assert "xu2014" in report.section(brief, "registered")[1].data


def test_a_brief_without_registered_trials_says_so():
    brief = report.evidence_brief({"disease": "ACLF"})
    assert brief.registered is None and brief.summary()["registered_trials"] is None
    assert "No trial-registry export has been imported" in report.section(brief, "registered")[0].data
