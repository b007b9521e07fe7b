"""Corrupted copies of data/: validate(), load() and the CLI all name file, row and field."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

import mscteach
from mscteach import DataValidationError

from .conftest import read_rows, set_cell, write_rows


@dataclass
class Case:
    id: str
    table: str  # the table load() is asked for
    corrupt: Callable[[Path], None]
    file: str
    row: int | None
    field: str | None
    words: str  # a phrase the message must contain


def _drop_column(path: Path, column: str) -> None:
    rows = read_rows(path)
    i = rows[0].index(column)
    write_rows(path, [r[:i] + r[i + 1:] for r in rows])


def _append_row(path: Path, row_of: int) -> None:
    rows = read_rows(path)
    write_rows(path, rows + [rows[row_of - 1]])


def _resave(path: Path, separator: str) -> None:
    """Save a table as a spreadsheet set to another separator would."""
    rows = read_rows(path)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=separator, lineterminator="\n").writerows(rows)


def _latin1(folder: Path) -> None:
    path = folder / "timeline.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("Haeckel", "Häckel").encode("latin-1", errors="replace"))


CASES = [
    Case("wrong-type", "clinical_studies",
         lambda d: set_cell(d / "clinical_studies.csv", 3, "n_treated", "thirty"),
         "data/clinical_studies.csv", 3, "n_treated", "'thirty' is not an integer"),
    Case("wrong-number", "clinical_studies",
         lambda d: set_cell(d / "clinical_studies.csv", 4, "dose_cells_per_kg", "1e6/kg"),
         "data/clinical_studies.csv", 4, "dose_cells_per_kg", "'1e6/kg' is not a number"),
    Case("bad-ref-list", "mechanisms",
         lambda d: set_cell(d / "mechanisms.csv", 5, "ref_ids", "51,53"),
         "data/mechanisms.csv", 5, "ref_ids", "is not a list of integers separated by ';'"),
    Case("dangling-ref", "clinical_studies",
         lambda d: set_cell(d / "clinical_studies.csv", 2, "ref_ids", "96;204"),
         "data/clinical_studies.csv", 2, "ref_ids", "204 is not a references.ref_id"),
    Case("duplicate-id", "animal_studies",
         lambda d: _append_row(d / "animal_studies.csv", 3),
         "data/animal_studies.csv", 22, "study_id", "duplicate key chen2018_alf (first seen on row 3)"),
    Case("duplicate-ref-number", "references",
         lambda d: set_cell(d / "references.csv", 5, "ref_id", "3"),
         "data/references.csv", 5, "ref_id", "duplicate key 3 (first seen on row 4)"),
    Case("empty-required", "timeline",
         lambda d: set_cell(d / "timeline.csv", 2, "event", ""),
         "data/timeline.csv", 2, "event", "a value is required"),
    Case("enum", "clinical_studies",
         lambda d: set_cell(d / "clinical_studies.csv", 3, "design", "randomised"),
         "data/clinical_studies.csv", 3, "design", "'randomised' is not an allowed value; allowed: RCT, "),
    Case("out-of-range", "references",
         lambda d: set_cell(d / "references.csv", 2, "year", "19"),
         "data/references.csv", 2, "year", "19 is out of range (minimum 1800)"),
    Case("pattern", "mechanisms",
         lambda d: set_cell(d / "mechanisms.csv", 2, "mechanism_id", "m1"),
         "data/mechanisms.csv", 2, "mechanism_id", "does not match the pattern"),
    Case("missing-column", "glossary",
         lambda d: _drop_column(d / "glossary.csv", "definition"),
         "data/glossary.csv", 1, "definition", "column is missing from the header"),
    Case("uncited-without-note", "challenges",
         lambda d: (set_cell(d / "challenges.csv", 3, "ref_ids", ""), set_cell(d / "challenges.csv", 3, "notes", "")),
         "data/challenges.csv", 3, "ref_ids", "no reference given and notes does not explain why"),
    Case("dangling-study", "outcomes",
         lambda d: set_cell(d / "outcomes.csv", 2, "study_id", "lin2071"),
         "data/outcomes.csv", 2, "study_id", "lin2071 is not a clinical_studies.study_id"),
    Case("missing-file", "exclusion_criteria",
         lambda d: (d / "exclusion_criteria.csv").unlink(),
         "data/exclusion_criteria.csv", None, None, "file is missing"),
    Case("not-utf8", "timeline",
         _latin1,
         "data/timeline.csv", None, None, "UTF-8"),
    # the rules across fields (rowRules): the values compared are the row's, as the CSV has them
    Case("total-not-sum-of-arms", "clinical_studies",  # zhang2012: 30 treated + 15 control
         lambda d: set_cell(d / "clinical_studies.csv", 3, "n_total", "12"),
         "data/clinical_studies.csv", 3, "n_total", "n_total 12 is not n_treated + n_control (30 + 15 = 45)"),
    Case("more-events-than-patients", "outcomes",  # lin2017's treated arm: 56 patients
         lambda d: set_cell(d / "outcomes.csv", 2, "events", "60"),
         "data/outcomes.csv", 2, "events", "events 60 is more than total 56"),
    Case("confidence-interval-above-estimate", "outcomes",  # lin2017's survival 73.2%
         lambda d: set_cell(d / "outcomes.csv", 4, "percent_ci_low", "80"),
         "data/outcomes.csv", 4, "percent_ci_low", "percent_ci_low 80 is more than percent 73.2"),
    Case("span-ending-before-it-starts", "timeline",  # Friedenstein, 1960-1970
         lambda d: set_cell(d / "timeline.csv", 9, "year_end", "1950"),
         "data/timeline.csv", 9, "year_end", "year_end 1950 is less than year 1960"),
    Case("semicolon-separated", "clinical_studies",
         lambda d: _resave(d / "clinical_studies.csv", ";"),
         "data/clinical_studies.csv", 1, None,
         "the file is separated by ';', not commas; save it as comma-separated CSV"),
]


def _matching(problems, case):
    return [p for p in problems
            if p.file == case.file and p.field == case.field and case.words in p.message
            and (case.row is None or p.row == case.row)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_validate_reports_the_problem_with_file_row_and_field(case, data_copy):
    case.corrupt(data_copy)
    problems = mscteach.validate(data_copy)
    assert _matching(problems, case), "\n".join(map(str, problems))
    # one problem, reported once, even though two checkers look at it
    assert len(problems) == len(set(problems))
    assert len(_matching(problems, case)) == 1


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_load_raises_the_same_information(case, data_copy):
    case.corrupt(data_copy)
    with pytest.raises(DataValidationError) as info:
        mscteach.load(case.table, data_copy)
    assert _matching(info.value.problems, case), str(info.value)
    text = str(info.value)
    assert case.file in text and case.words in text
    if case.row is not None:
        assert f"row {case.row}" in text
    if case.field is not None:
        assert f"field '{case.field}'" in text


@pytest.mark.parametrize("case", CASES[:4] + CASES[-2:], ids=[c.id for c in CASES[:4] + CASES[-2:]])
def test_cli_validate_exits_non_zero_without_a_traceback(case, data_copy):
    case.corrupt(data_copy)
    result = subprocess.run([sys.executable, "-m", "mscteach", "validate", str(data_copy)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert case.file in result.stderr and case.words in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_every_problem_is_reported_not_only_the_first(data_copy):
    for case in CASES[:3]:
        case.corrupt(data_copy)
    problems = mscteach.validate(data_copy)
    for case in CASES[:3]:
        assert _matching(problems, case)


def test_a_truncated_row_is_one_problem_naming_the_columns_it_lacks(data_copy):
    import csv

    path = data_copy / "outcomes.csv"
    with path.open(encoding="utf-8") as f:
        lines = list(csv.reader(f))
    header, row = lines[0], len(lines) + 1  # the new line's number, the header being line 1
    with path.open("a", encoding="utf-8") as f:
        f.write("x\n")  # a stray line: one cell where the header has 18
    assert len(header) == 18 and header[0] == "outcome_row"
    lacking = sorted(header[1:])
    expected = (f"the row has 1 cell where the header has 18 columns: {', '.join(lacking[:5])} and 12 more are "
                "missing (a truncated or unfinished row?)")
    problems = [p for p in mscteach.validate(data_copy) if p.file == "data/outcomes.csv"]
    assert [(p.row, p.field, p.message) for p in problems] == [(row, None, expected)]  # not 18 problems
    with pytest.raises(DataValidationError) as info:
        mscteach.load("outcomes", data_copy)
    assert [(p.row, p.message) for p in info.value.problems if p.file == "data/outcomes.csv"] == [(row, expected)]


def test_a_row_lacking_only_its_last_cell_names_that_column(data_copy):
    import csv

    path = data_copy / "timeline.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    rows[1] = rows[1][:-1]  # the first event without its last cell
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    problems = [p for p in mscteach.validate(data_copy) if p.file == "data/timeline.csv" and p.row == 2]
    assert [(p.field, p.message) for p in problems] == [
        (header[-1], f"the row ends before this column ({len(header) - 1} cells; the header has {len(header)})")]


def test_a_malformed_datapackage_is_reported(data_copy):
    (data_copy / "datapackage.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(DataValidationError, match="datapackage.json: not valid UTF-8 JSON"):
        mscteach.load("references", data_copy)


def test_a_new_table_added_by_an_instructor_is_validated_too(data_copy):
    dp = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    dp["resources"].append({
        "name": "extra_trials", "path": "extra_trials.csv", "title": "Newer trials",
        "description": "Added by an instructor.",
        "schema": {"fields": [{"name": "trial", "type": "string", "constraints": {"required": True}},
                              {"name": "ref_ids", "type": "list", "itemType": "integer", "delimiter": ";"},
                              {"name": "notes", "type": "string"}],
                   "primaryKey": "trial",
                   "listForeignKeys": [{"fields": "ref_ids", "reference": {"resource": "references", "fields": "ref_id"}}]},
    })
    (data_copy / "datapackage.json").write_text(json.dumps(dp), encoding="utf-8")
    (data_copy / "extra_trials.csv").write_text("trial,ref_ids,notes\nA,26,\nB,500,\n", encoding="utf-8")
    assert "extra_trials" in mscteach.list_tables(data_copy)
    problems = mscteach.validate(data_copy)
    assert [str(p) for p in problems] == [
        "data/extra_trials.csv, row 3, field 'ref_ids': 500 is not a references.ref_id (known: 1-103)"]


# --------------------------------------------------------------------------- the cache of clean folders
def test_a_clean_folder_is_remembered_in_the_user_cache_and_a_changed_file_is_checked_again(data_copy, tmp_path,
                                                                                          monkeypatch):
    from mscteach.data import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert mscteach.validate(data_copy) == []
    assert cache.cache_file().is_relative_to(tmp_path / "cache") and cache.cache_file().is_file()
    key = cache.validation_key(data_copy, json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8")))
    assert cache.was_clean(key)
    CASES[0].corrupt(data_copy)  # same size and folder: only the content tells
    assert _matching(mscteach.validate(data_copy), CASES[0])


def test_a_corrupt_or_unwritable_cache_is_ignored(data_copy, tmp_path, monkeypatch):
    from mscteach.data import cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache.cache_file().parent.mkdir(parents=True)
    cache.cache_file().write_text("{ not json", encoding="utf-8")
    assert mscteach.validate(data_copy) == []
    assert json.loads(cache.cache_file().read_text(encoding="utf-8"))["clean"]  # rewritten whole
    (tmp_path / "blocked").write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "blocked"))
    assert mscteach.validate(data_copy) == []
    CASES[1].corrupt(data_copy)
    assert _matching(mscteach.validate(data_copy), CASES[1])


def test_a_remembered_verdict_never_hides_a_problem(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert mscteach.validate(data_copy) == []
    for case in CASES[2:4]:
        case.corrupt(data_copy)
        assert _matching(mscteach.validate(data_copy), case)
        assert _matching(mscteach.validate(data_copy), case)  # problems are never remembered


# --------------------------------------------------------------------------- users' own files
@pytest.mark.parametrize("text, expected", [
    ("outcome,domain,decision,reason\nsevere infection,bias,serious,x\n",
     (2, "domain", "bias", "'bias' is not an allowed value; allowed: risk of bias, inconsistency")),
    ("outcome,domain,decision,reason\nsevere infection,risk of bias,grave,x\n",
     (2, "decision", "grave", "'grave' is not an allowed value; allowed: not serious, serious, very serious")),
    ("outcome,domain,decision\nsevere infection,risk of bias,serious\n",
     (1, "reason", None, "column is missing from the header")),
    ("outcome,domain,decision,reason\nsevere infection,risk of bias,serious\n",
     (2, "reason", None, "the row ends before this column (3 cells; the header has 4)")),
])
def test_a_users_file_is_read_against_its_shipped_schema_with_one_problem_format(tmp_path, text, expected):
    from mscteach.data import read_user_table

    path = tmp_path / "overrides.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataValidationError, match=f"cannot read the grade overrides {path}") as info:
        read_user_table(path, "grade_overrides", what="grade overrides")
    (problem,) = info.value.problems
    row, field, value, words = expected
    assert (problem.file, problem.row, problem.field) == (str(path), row, field)
    assert words in problem.message and (value is None or problem.value == value)
    if field in ("domain", "decision"):
        assert problem.allowed and all(a in problem.message for a in problem.allowed)
    assert f"{path}, row {row}, field '{field}': {words}" in str(info.value)


def test_a_users_file_that_is_missing_empty_or_not_utf8_is_named(tmp_path):
    from mscteach.data import read_user_table

    for content, words in ((None, "file does not exist"), (b"", "file is empty"), (b"file,student_id\n\xe9,1\n",
                                                                                   "not UTF-8")):
        path = tmp_path / "roster.csv"
        path.unlink(missing_ok=True)
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(DataValidationError, match=f"{path}: .*{words}"):
            read_user_table(path, "roster", what="roster")


def test_a_valid_users_file_gives_typed_rows_with_their_line_numbers(tmp_path):
    from mscteach.data import read_user_table

    path = tmp_path / "scores.csv"
    path.write_text("name,score\na,1\n\nb,\n", encoding="utf-8")
    schema = {"fields": [{"name": "name", "type": "string", "constraints": {"required": True}},
                         {"name": "score", "type": "integer"}]}
    rows = read_user_table(path, schema)
    assert rows == [{"name": "a", "score": 1}, {"name": "b", "score": None}] and [r.row for r in rows] == [2, 4]
    with pytest.raises(DataValidationError, match="row 3: blank row"):
        read_user_table(path, schema, skip_blank_rows=False)


def test_the_shipped_overrides_schema_allows_exactly_the_grade_vocabulary():
    from mscteach.stats import grade
    from mscteach.data import user_schema

    fields = {f["name"]: f for f in user_schema("grade_overrides")["fields"]}
    assert fields["domain"]["constraints"]["enum"] == grade.DOMAINS
    assert fields["decision"]["constraints"]["enum"] == list(grade.DECISIONS)
