"""One check at the door: build and report validate the data before any kernel starts, and the rules across fields.

Issue 23 found a total of 12 beside arms of 60 + 60 passing validation (a brief then said "916 in all" instead
of 1024), and a build on bad data running every chapter before failing. The kernels are replaced by a function
that fails the test, so "no kernel started" is checked directly, not by timing.
"""
from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest

import mscteach
from mscteach import DataValidationError, Problem

from .conftest import set_cell

#: zhang2012 (row 3 of clinical_studies.csv) given the issue's numbers: a total of 12 beside arms of 60 and 60.
ISSUE_ROW = Problem("data/clinical_studies.csv", 3, "n_total", "n_total 12 is not n_treated + n_control (60 + 60 = 120)")


def _issue_numbers(folder: Path) -> None:
    for field, value in (("n_total", "12"), ("n_treated", "60"), ("n_control", "60")):
        set_cell(folder / "clinical_studies.csv", 3, field, value)


def _no_kernel(*args, **kwargs):
    raise AssertionError("a kernel was started on invalid data")


def test_the_issues_total_is_one_problem_naming_file_row_field_and_values(data_copy):
    _issue_numbers(data_copy)
    assert mscteach.validate(data_copy) == [ISSUE_ROW]
    with pytest.raises(DataValidationError) as info:
        mscteach.load("clinical_studies", data_copy)
    assert info.value.problems == [ISSUE_ROW]


def test_a_build_on_invalid_data_stops_before_any_kernel_and_writes_nothing(data_copy, tmp_path, monkeypatch):
    from mscteach.site import build

    _issue_numbers(data_copy)
    monkeypatch.setattr(build, "worker_pool", _no_kernel)
    out = tmp_path / "site"
    with pytest.raises(DataValidationError, match="before building the site") as info:
        build.build(out, data=data_copy, progress=False)
    assert info.value.problems == [ISSUE_ROW]
    assert str(ISSUE_ROW) in str(info.value)
    assert not out.exists() and not build.cache_folder(out).exists()


def test_refreshing_the_notebooks_on_invalid_data_changes_none(data_copy, tmp_path, monkeypatch):
    from mscteach.resources import notebooks
    from mscteach.site import build

    _issue_numbers(data_copy)
    monkeypatch.setattr(build, "worker_pool", _no_kernel)
    folder = tmp_path / "notebooks"
    folder.mkdir()
    first = notebooks()[0]
    shutil.copy(first, folder / first.name)
    with pytest.raises(DataValidationError) as info:
        build.refresh_in_place(folder, progress=False, data=data_copy)
    assert info.value.problems == [ISSUE_ROW]
    assert (folder / first.name).read_bytes() == first.read_bytes()


def test_a_brief_on_invalid_data_stops_before_its_kernel_and_writes_nothing(data_copy, tmp_path, monkeypatch):
    from mscteach.report import writers

    _issue_numbers(data_copy)
    monkeypatch.setattr(writers, "execute_notebook", _no_kernel)
    out = tmp_path / "briefs" / "aclf.html"
    with pytest.raises(DataValidationError, match="before writing a brief") as info:
        writers.write_brief({"disease": "ACLF"}, out, data=data_copy)
    assert info.value.problems == [ISSUE_ROW]
    assert not (tmp_path / "briefs").exists()


def test_a_batch_on_invalid_data_stops_before_any_kernel_and_writes_nothing(data_copy, tmp_path, monkeypatch):
    from mscteach.report import batch

    (data_copy / "outcomes.csv").write_text(  # saved by a spreadsheet set to semicolons
        (data_copy / "outcomes.csv").read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    monkeypatch.setattr(batch, "worker_pool", _no_kernel)
    out = tmp_path / "briefs"
    with pytest.raises(DataValidationError) as info:
        batch.write_batch([{"disease": "ACLF"}, {"disease": "cirrhosis"}], out, data=data_copy, progress=False)
    assert info.value.problems == [Problem(
        "data/outcomes.csv", 1, None, "the file is separated by ';', not commas; save it as comma-separated CSV")]
    assert not out.exists()


def test_a_clean_folder_passes_the_door():
    from mscteach.data.validation import require_valid

    assert require_valid(None, "building the site") is None


def _raise_year_limits(folder: Path, to: int) -> None:
    """As data/README.md tells an instructor adding newer studies: raise each year's maximum in the copy."""
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            if field["name"] in ("year", "year_end") and "maximum" in field.get("constraints", {}):
                field["constraints"]["maximum"] = to
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_a_year_in_the_future_is_named_even_when_the_limit_was_raised_past_it(data_copy):
    this_year = datetime.date.today().year
    _raise_year_limits(data_copy, 2100)
    set_cell(data_copy / "clinical_studies.csv", 3, "year", str(this_year + 1))
    set_cell(data_copy / "references.csv", 2, "year", str(this_year))  # this year is not the future
    expected = Problem("data/clinical_studies.csv", 3, "year",
                       f"{this_year + 1} is in the future (the current year is {this_year})")
    assert mscteach.validate(data_copy) == [expected]
    with pytest.raises(DataValidationError) as info:
        mscteach.load("clinical_studies", data_copy)
    assert info.value.problems == [expected]


def test_a_year_above_the_schemas_limit_is_reported_once_by_the_limit(data_copy):
    set_cell(data_copy / "animal_studies.csv", 5, "year", "2099")
    assert mscteach.validate(data_copy) == [
        Problem("data/animal_studies.csv", 5, "year", "2099 is out of range (maximum 2025)")]


def test_a_total_beside_an_arm_not_given_is_not_compared(data_copy):
    set_cell(data_copy / "clinical_studies.csv", 2, "n_total", "9")  # kharaziha2009: 8 treated, no control arm
    assert mscteach.validate(data_copy) == []


def test_the_rules_asked_for_are_in_the_schema_or_its_constraints():
    descriptor = mscteach.data.package_descriptor(mscteach.data_dir())
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    assert {"field": "n_total", "sumOf": ["n_treated", "n_control"]} in schemas["clinical_studies"]["rowRules"]
    assert {"field": "events", "atMost": "total"} in schemas["outcomes"]["rowRules"]
    for table in ("references", "animal_studies", "clinical_studies", "timeline"):
        assert {"field": "year", "notInFuture": True} in schemas[table]["rowRules"]
    # follow-up is never negative: the field's own minimum
    assert mscteach.data.field_schema("clinical_studies", "follow_up_weeks")["constraints"]["minimum"] == 1
    # every reference number exists: each ref_ids list is a foreign key to references.ref_id
    for name, schema in schemas.items():
        if any(f["name"] == "ref_ids" for f in schema["fields"]):
            assert {"fields": "ref_ids", "reference": {"resource": "references", "fields": "ref_id"}} in \
                schema["listForeignKeys"], name


def test_a_negative_follow_up_is_named(data_copy):
    set_cell(data_copy / "clinical_studies.csv", 3, "follow_up_weeks", "-4")
    assert mscteach.validate(data_copy) == [
        Problem("data/clinical_studies.csv", 3, "follow_up_weeks", "-4 is out of range (minimum 1)")]


def test_a_rule_naming_a_field_the_table_lacks_is_a_problem_of_the_descriptor(data_copy):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r["schema"] for r in descriptor["resources"] if r["name"] == "clinical_studies")
    schema["rowRules"] = [{"field": "n_totl", "sumOf": ["n_treated", "n_control"]}]
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    expected = Problem("datapackage.json", message=(
        "rowRules of clinical_studies, rule 1: unknown field 'n_totl' (the numeric fields are: year, n_total, "
        "n_treated, n_control, dose_cells_per_kg, dose_low_cells_per_kg, dose_high_cells_per_kg, n_infusions, "
        "follow_up_weeks)"))
    assert expected in mscteach.validate(data_copy)
    with pytest.raises(DataValidationError) as info:
        mscteach.load("clinical_studies", data_copy)
    assert info.value.problems == [expected]


def test_a_rule_of_an_unknown_kind_is_a_problem_of_the_descriptor(data_copy):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r["schema"] for r in descriptor["resources"] if r["name"] == "outcomes")
    schema["rowRules"] = [{"field": "events", "below": "total"}]
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    (problem,) = [p for p in mscteach.validate(data_copy) if p.file == "datapackage.json"]
    assert problem.message.startswith("rowRules of outcomes, rule 1: a rule is an object with \"field\" and one of "
                                      "sumOf (a list of fields), atMost (a field), atLeast (a field), "
                                      "notInFuture (true); got ")
