"""Chapter parameters: checked in the chapter and by `mscteach build` before any kernel starts."""
from __future__ import annotations

import subprocess
import sys

import papermill
import pytest

from mscteach import build, chapters
from mscteach.chapters import ParameterError
from mscteach.errors import UnknownNameError
from mscteach.runner import NotebookFailure, execute_notebook

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_chapter_parameter_has_a_specification_and_its_default_passes(path):
    declared = papermill.inspect_notebook(str(path))
    assert sorted(declared) == sorted(chapters.CHAPTERS[path.stem])
    import ast
    defaults = {name: ast.literal_eval(info["default"]) for name, info in declared.items()}
    assert chapters.check_parameters(path.stem, **defaults) is None
    import nbformat
    code = [c.source for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code"]
    assert f'chapters.check_parameters("{path.stem}"' in code[1]  # right after the parameters cell


def test_the_readme_example_goes_to_the_chapters_that_accept_it():
    """`mscteach build -p disease ACLF` failed: chapter 05's disease is an animal model."""
    plan = {p.stem: values for p, values in build.plan_parameters(NOTEBOOKS, {"disease": "ACLF"}).items()}
    assert plan["06_clinical_trials"] == {"disease": "ACLF"} and plan["07_challenges"] == {"disease": "ACLF"}
    assert plan["05_animal_models"] == {}
    hcc = {p.stem: v for p, v in build.plan_parameters(NOTEBOOKS, {"disease": "HCC"}).items()}
    assert hcc["05_animal_models"] == {"disease": "HCC"} and hcc["06_clinical_trials"] == {}
    one = {p.stem: v for p, v in build.plan_parameters(NOTEBOOKS, {"05_animal_models:disease": "ALF"}).items()}
    assert one["05_animal_models"] == {"disease": "ALF"} and not any(v for k, v in one.items() if k != "05_animal_models")


@pytest.mark.parametrize("overrides, error, words", [
    ({"disease": "hepatitis"}, ParameterError, "no chapter accepts disease = 'hepatitis'"),
    ({"06_clinical_trials:disease": "HCC"}, UnknownNameError, "unknown value for disease in 06_clinical_trials 'HCC'"),
    ({"year_from": "abc"}, ParameterError, "01_history: parameter year_from must be a whole number (a year); got 'abc'"),
    ({"interactive": "maybe"}, ParameterError, "parameter interactive must be True or False; got 'maybe'"),
    ({"msc_synthesis_block": 1.5}, ParameterError, "msc_synthesis_block must be between 0 and 1"),
    ({"conditions": ["Smoking"]}, UnknownNameError, "unknown value for conditions in 07_challenges 'Smoking'"),
    ({"diseas": "ACLF"}, UnknownNameError, "unknown parameter 'diseas'"),
    ({"08_nowhere:disease": "ACLF"}, UnknownNameError, "unknown chapter '08_nowhere'"),
])
def test_bad_values_are_refused_before_any_kernel_starts(overrides, error, words):
    with pytest.raises(error) as info:
        build.plan_parameters(NOTEBOOKS, overrides)
    assert words in str(info.value)


def test_a_value_no_chapter_accepts_says_what_each_accepts():
    with pytest.raises(ParameterError) as info:
        build.plan_parameters(NOTEBOOKS, {"disease": "hepatitis"})
    message = str(info.value)
    for chapter in ("05_animal_models", "06_clinical_trials", "07_challenges"):
        assert chapter in message
    assert "did you mean" in message or "available: all, ALF" in message


def test_build_refuses_bad_parameters_at_the_command_line(tmp_path):
    for args, words in ((["-p", "interactive", "maybe"], "must be True or False"),
                        (["-p", "disease", "hepatitis"], "no chapter accepts disease = 'hepatitis'")):
        result = subprocess.run([sys.executable, "-m", "mscteach", "build", "--no-progress", "--out",
                                 str(tmp_path / "site"), *args], capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("notebook, parameters, words", [
    ("01_history.ipynb", {"year_from": "abc"}, "parameter year_from must be a whole number (a year); got 'abc'"),
    ("06_clinical_trials.ipynb", {"interactive": "maybe"}, "parameter interactive must be True or False"),
    ("06_clinical_trials.ipynb", {"disease": "cirrosis"}, "did you mean 'cirrhosis'"),
    ("01_history.ipynb", {"year_from": 1990, "year_to": 1900}, "year_from (1990) is after year_to (1900)"),
])
def test_a_chapter_run_alone_stops_at_its_first_cell_naming_the_parameter(notebook, parameters, words, tmp_path):
    with pytest.raises(NotebookFailure) as info:
        execute_notebook(REPO / "notebooks" / notebook, tmp_path / notebook, parameters)
    assert info.value.cell == 4  # title, parameters, papermill's injected parameters, then the check
    assert words in str(info.value)
