"""The chapter notebooks: structure, stored outputs, and papermill runs with other parameters.

nbval (configured in pyproject.toml) re-runs every notebook against its stored
outputs; these tests check what nbval cannot: the course structure, and that
parameters change what a chapter shows.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill
import pytest

from mscteach import runner
from mscteach.runner import NotebookFailure

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHAPTERS = [p for p in NOTEBOOKS if not p.name.startswith("00_")]
IDS = [p.stem for p in NOTEBOOKS]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _output_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts += [str(data.get(k, "")) for k in ("text/plain", "text/html", "text/markdown")]
            parts.append(str(out.get("text", "")))
    return "\n".join(parts)


def test_the_course_has_an_index_and_seven_chapters_in_order():
    assert [p.name for p in NOTEBOOKS] == [
        "00_index.ipynb", "01_history.ipynb", "02_differentiation.ipynb", "03_immunomodulation.ipynb",
        "04_fibrosis.ipynb", "05_animal_models.ipynb", "06_clinical_trials.ipynb", "07_challenges.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_first_code_cell_is_the_papermill_parameters_cell(path):
    nb = _read(path)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    assigned = re.findall(r"^(\w+)\s*=", first.source, re.M)
    assert assigned and sorted(papermill.inspect_notebook(str(path))) == sorted(assigned)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_has_the_lesson_structure(path):
    nb = _read(path)
    text = _markdown(nb)
    assert re.match(r"# \d\. ", nb.cells[0].source)
    for part in ("Learning objectives", "Estimated time", "Prerequisites", "Key points", "Challenge",
                 "Instructor notes"):
        assert part in text, part
    code = "\n".join(_code(nb))
    assert "course.reading_list(" in code  # further reading comes from the references table
    assert len(set(re.findall(r"plots\.(\w+_figure|\w+_heatmap)\(", code))) >= 2
    assert re.search(r"widgets\.\w+\(.*\)\s*\n\s*explorer\.show\(interactive\)", code)
    assert "interactive" in papermill.inspect_notebook(str(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_code_cells_are_short_and_hold_no_logic_of_their_own(path):
    for source in _code(_read(path)):
        lines = [l for l in source.splitlines() if l.strip() and not l.strip().startswith("#")]
        assert len(lines) <= 15, source
        assert not re.search(r"^\s*(def|class|for|while) ", source, re.M), source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_outputs_are_small_clean_and_complete(path):
    nb = _read(path)
    assert path.stat().st_size < 400_000
    assert "widgets" not in nb.metadata and "papermill" not in nb.metadata
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs or cell.source.startswith(("%matplotlib", "import ", "show_", "year_", "source", "focus",
                                                            "msc_", "disease", "conditions")), cell.source
            assert not [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]
            shown = " ".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
            assert not re.search(r"\bnp\.(?:int|float|bool_|str_)\w*\(", shown), (cell.source, shown)  # numpy's repr


def _run(tmp_path: Path, name: str, **parameters) -> nbformat.NotebookNode:
    target = tmp_path / name
    runner.execute_notebook(REPO / "notebooks" / name, target, parameters)
    return _read(target)


def test_clinical_chapter_focused_on_one_disease(tmp_path):
    default = _output_text(_read(REPO / "notebooks" / "06_clinical_trials.ipynb"))
    focused = _output_text(_run(tmp_path, "06_clinical_trials.ipynb", disease="ACLF", interactive=False))
    assert "Suk 2016" in default and "Lin 2017" in default
    assert "Lin 2017" in focused and "Shi 2012" in focused
    assert "Suk 2016" not in focused and "Kharaziha 2009" not in focused


def test_animal_chapter_focused_on_hcc(tmp_path):
    out = _output_text(_run(tmp_path, "05_animal_models.ipynb", disease="HCC", interactive=False))
    assert "Teshima" in out and "Gong" in out
    assert "Jang" not in out and "Ezquer" not in out


def test_history_chapter_honours_the_year_range(tmp_path):
    out = _output_text(_run(tmp_path, "01_history.ipynb", year_from=1950, year_to=1975, interactive=False))
    assert "Mathé treats irradiated researchers" in out
    assert "Haeckel coins" not in out and "named" not in out.split("Further reading")[0]


def test_differentiation_chapter_focused_on_bone_marrow(tmp_path):
    out = _output_text(_run(tmp_path, "02_differentiation.ipynb", source="Bone marrow", interactive=False))
    assert "**Bone marrow (BM-MSC)**" in out


def test_fibrosis_model_without_msc_effect_changes_nothing(tmp_path):
    out = _output_text(_run(tmp_path, "04_fibrosis.ipynb", msc_synthesis_block=0.0, msc_degradation_boost=0.0,
                            interactive=False))
    # With no MSC effect both arms follow E[t+1] = E[t] + s - d E[t] from 0, whose closed form after
    # 30 weeks is (s / d) (1 - (1 - d)^30) with the defaults s = 1, d = 0.1.
    final = (1.0 / 0.1) * (1 - (1 - 0.1) ** 30)
    assert re.search(rf"without MSCs\s+{final:.2f}\s+0\.0", out) and re.search(rf"with MSCs\s+{final:.2f}\s+0\.0", out)


def test_challenges_chapter_checks_a_patient(tmp_path):
    out = _output_text(_run(tmp_path, "07_challenges.ipynb", conditions=["Substance abuse"], interactive=False))
    assert "**Excluded** by 1 criterion(s): Substance abuse." in out


def test_a_misspelt_parameter_fails_with_the_closest_match(tmp_path):
    with pytest.raises(NotebookFailure) as info:
        _run(tmp_path, "06_clinical_trials.ipynb", disease="cirrosis")
    message = str(info.value)
    assert "06_clinical_trials.ipynb failed at cell" in message
    assert "unknown value for disease in 06_clinical_trials 'cirrosis'" in message and "did you mean 'cirrhosis'" in message


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_a_misprinted_dose_is_never_shown_bare(path):
    """Lin 2017's dose is misprinted in the review: every output that shows it shows the published one too."""
    out = _output_text(_read(path))
    bare = out.count("10^5 × 10^-1 cells/kg")
    marked = out.count("10^5 × 10^-1 cells/kg weekly for 4 weeks [as printed in the review; published: "
                       "1.0-10 × 10^5 cells/kg weekly for 4 weeks]")
    assert bare == marked
    if path.stem == "06_clinical_trials":
        assert marked >= 1
