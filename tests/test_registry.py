"""Trial-registry import: formats, screening (PRISMA counts), re-import with changes, diff, bad input.

Every expected value is counted by hand from the synthetic fixtures (tests/fixtures/registry/README.md)
and the rules in data/registry_conditions.csv and data/registry_interventions.csv.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import mscteach
from mscteach import registry
from mscteach.errors import DataValidationError
from mscteach.registry import Record, RegistryError

from .conftest import DATA, set_cell

FIXTURES = Path(__file__).parent / "fixtures" / "registry"
JSON_JAN = FIXTURES / "synthetic-ctgov-2026-01.json"
CSV_JAN = FIXTURES / "synthetic-ctgov-2026-01.csv"
ICTRP_JAN = FIXTURES / "synthetic-ictrp-2026-01.csv"
JSON_JUN = FIXTURES / "synthetic-ctgov-2026-06.json"
JANUARY = [JSON_JAN, CSV_JAN, ICTRP_JAN]


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _rows(folder: Path, table: str) -> dict[str, dict]:
    frame = mscteach.load(table, folder)
    key = "registry_id" if "registry_id" in frame.columns else "import_number"
    return {str(r[key]): r for r in frame.astype(object).where(frame.notna(), None).to_dict("records")}


# ------------------------------------------------------------------ reading each format
def test_each_format_is_recognised_and_read_field_by_field():
    fmt, records = registry.read_export(JSON_JAN)
    assert fmt == "ctgov-json" and [r.registry_id for r in records] == [f"NCT9000000{i}" for i in range(1, 7)]
    adipose = records[1]
    assert adipose.conditions == ("Liver Cirrhosis, Decompensated",)
    assert adipose.interventions == ("BIOLOGICAL: Adipose-derived mesenchymal stem cells",)
    assert (adipose.phase_registered, adipose.enrolment, adipose.enrolment_type) == ("PHASE1|PHASE2", 30, "anticipated")
    assert (adipose.allocation, adipose.status, adipose.start_date, adipose.completion_date) == \
        ("NON_RANDOMIZED", "NOT_YET_RECRUITING", "2026-02", "2027-08")
    assert adipose.countries == ("Iran, Islamic Republic of",)
    assert records[2].countries == ("Korea, Republic of", "Japan")  # one per site, in order, once each

    fmt, records = registry.read_export(CSV_JAN)
    nash = records[1]
    assert fmt == "ctgov-csv" and nash.registry_id == "NCT90000007"
    assert nash.conditions == ("Non-alcoholic Steatohepatitis (NASH)", "Liver Fibrosis")
    assert nash.enrolment == 60 and nash.enrolment_type is None  # the CSV download has no enrolment type
    assert nash.allocation == "RANDOMIZED" and nash.countries == ("Viet Nam", "Thailand")
    assert (nash.start_date, nash.completion_date) == ("2021-04-12", "2023-10-30")

    fmt, records = registry.read_export(ICTRP_JAN)
    chinese, copy, iranian = records
    assert fmt == "ictrp-csv" and chinese.registry == "ChiCTR"
    assert chinese.enrolment == 100  # Target_size "MSC group:50;Control group:50;"
    assert chinese.start_date == "2025-03-15"  # Date_enrollement 15/03/2025 is day/month/year
    assert iranian.start_date == "2024-07-01" and iranian.status == "NOT_RECRUITING"
    assert iranian.phase_registered == "PHASE1|PHASE2" and iranian.allocation == "NA"
    assert copy.countries == ("Korea, Republic of", "Japan")


def test_one_study_per_line_and_a_bare_list_read_like_the_studies_object(tmp_path):
    studies = json.loads(JSON_JAN.read_text())["studies"]
    lines = tmp_path / "lines.json"
    lines.write_text("\n".join(json.dumps(s) for s in studies) + "\n")
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(studies))
    expected = [r.content() for r in registry.read_export(JSON_JAN)[1]]
    assert [r.content() for r in registry.read_export(lines)[1]] == expected
    assert [r.content() for r in registry.read_export(bare)[1]] == expected
    assert registry.read_export(lines)[1][2].where == "line 3 (NCT90000003)"


# ------------------------------------------------------------------ screening
def _record(conditions, interventions, rid="NCT90000099") -> Record:
    return Record(rid, "ClinicalTrials.gov", "SYNTHETIC", tuple(conditions), tuple(interventions))


def _judge(conditions, interventions):
    rules = registry.make_rules(mscteach.load("registry_conditions"), "liver_disease", "disease")
    cells = registry.make_rules(mscteach.load("registry_interventions"), "cell_therapy", "cell_type")
    return registry.judge(_record(conditions, interventions), rules, cells)


@pytest.mark.parametrize("conditions, interventions, disease, cell_type", [
    (["NASH Cirrhosis"], ["Autologous adipose-derived regenerative cells"], "NAFLD", "ADRC"),  # as Sakai 2021
    (["Acute-on-chronic Liver Failure", "Liver Cirrhosis"], ["BIOLOGICAL: hUC-MSC"], "ACLF", "UC-MSC"),
    (["Liver Cirrhosis"], ["UC-MSC", "BM-MSC"], "cirrhosis", "stem cells (various)"),
    (["Primary Biliary Cholangitis"], ["Umbilical cord blood mononuclear cells"], None, None),
    (["MASLD"], ["Mesenchymal stromal cells"], "NAFLD", "MSC"),
    (["Decompensated liver disease"], ["Bone marrow cells"], "cirrhosis", "bone marrow"),
])
def test_rules_give_the_course_terms(conditions, interventions, disease, cell_type):
    verdict = _judge(conditions, interventions)
    assert verdict.included and (verdict.disease, verdict.cell_type) == (disease, cell_type)


@pytest.mark.parametrize("conditions, interventions, reason", [
    (["Liver Fibrosis"], ["MSC-derived exosomes"], "no intervention is a cell therapy (interventions: MSC-derived exosomes)"),
    (["Cirrhosis"], ["Placebo (saline) for mesenchymal stem cells"], "no intervention is a cell therapy"),
    (["Liver Transplant Rejection"], ["Mesenchymal stromal cells"], "no condition is a liver disease (conditions: "
                                                                    "Liver Transplant Rejection)"),
    (["Knee Osteoarthritis"], ["G-CSF"], "no condition is a liver disease (conditions: Knee Osteoarthritis); no "
                                         "intervention is a cell therapy (interventions: G-CSF)"),
    ([], ["UC-MSC"], "no condition is a liver disease (conditions: none registered)"),
])
def test_records_that_are_not_cell_therapies_for_liver_disease_are_excluded_with_the_reason(
        conditions, interventions, reason):
    verdict = _judge(conditions, interventions)
    assert not verdict.included and verdict.reason.startswith(reason)


def test_screening_counts_records_duplicates_exclusions_and_inclusions():
    screening = registry.screen(registry.read_exports(JANUARY))
    assert screening.counts() == {"records_read": 12, "duplicates_removed": 2, "excluded": 4, "included": 6}
    kept = {removed.registry_id: (removed.format, kept.format) for removed, kept in screening.duplicates}
    # the CSV and ICTRP copies give way to the ClinicalTrials.gov JSON record
    assert kept == {"NCT90000001": ("ctgov-csv", "ctgov-json"), "NCT90000003": ("ictrp-csv", "ctgov-json")}
    assert {r.registry_id for r, _ in screening.excluded} == {"NCT90000004", "NCT90000005", "NCT90000006",
                                                             "NCT90000009"}
    assert screening.lines()[0] == "read 12 records from 3 files: 2 duplicates removed, 4 excluded, 6 included"


# ------------------------------------------------------------------ import
def test_import_into_a_fresh_data_folder(data_copy):
    before = _snapshot(data_copy)
    result = registry.import_exports(JANUARY, data_copy, today="2026-01-15")
    assert result.rows == 6 and [c.kind for c in result.changes] == ["new"] * 6
    after = _snapshot(data_copy)
    changed = {name for name in after if before.get(name) != after[name]}
    # the review-derived tables (and the mappings) are never changed by an import
    assert changed == {"datapackage.json", "registered_trials.csv", "registry_excluded.csv", "registry_imports.csv"}
    assert mscteach.validate(data_copy) == []
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    shipped = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["resources"][:-3] == shipped["resources"]
    assert [r["name"] for r in descriptor["resources"][-3:]] == ["registered_trials", "registry_excluded",
                                                                "registry_imports"]
    trials = _rows(data_copy, "registered_trials")
    assert sorted(trials) == ["ChiCTR9900000001", "IRCT99000000001N1", "NCT90000001", "NCT90000002",
                              "NCT90000003", "NCT90000007"]
    adipose = trials["NCT90000002"]
    assert (adipose["disease"], adipose["cell_type"], adipose["phase_registered"], adipose["phase"]) == \
        ("cirrhosis", "AD-MSC", "PHASE1|PHASE2", "I-II")
    assert (adipose["enrolment"], adipose["enrolment_type"], adipose["status"]) == (30, "anticipated",
                                                                                   "NOT_YET_RECRUITING")
    assert (adipose["source_file"], adipose["imported_on"]) == (JSON_JAN.name, "2026-01-15")
    assert trials["NCT90000003"]["status"] == "ACTIVE_NOT_RECRUITING"  # the primary register, not ICTRP's copy
    assert trials["NCT90000003"]["phase"] == "III" and trials["NCT90000007"]["disease"] == "NAFLD"
    assert trials["NCT90000007"]["enrolment_type"] is None
    assert trials["IRCT99000000001N1"]["disease"] is None  # biliary atresia: a liver disease with no course term
    assert trials["IRCT99000000001N1"]["phase"] == "I-II"
    excluded = _rows(data_copy, "registry_excluded")
    assert excluded["NCT90000006"]["reason"] == "no condition is a liver disease (conditions: Liver Transplant " \
                                                "Rejection)"
    log = _rows(data_copy, "registry_imports")["1"]
    assert (log["records_read"], log["duplicates_removed"], log["excluded"], log["included"], log["new_trials"]) == \
        (12, 2, 4, 6, 6)
    assert log["files"] == [p.name for p in JANUARY]


def test_reimporting_a_newer_export_updates_rows_and_says_what_changed(data_copy):
    registry.import_exports(JANUARY, data_copy, today="2026-01-15")
    result = registry.import_exports([JSON_JUN], data_copy, today="2026-06-15")
    shown = {(c.kind, c.registry_id, c.before, c.after) for c in result.changes}
    assert shown == {
        ("new", "NCT90000008", "", "not yet recruiting"),
        ("status", "NCT90000001", "recruiting", "completed"),
        ("status", "NCT90000002", "not yet recruiting", "recruiting"),
        ("enrolment", "NCT90000001", "120 anticipated", "118 actual"),
        ("other", "NCT90000001", "completion date 2026-12", "2026-05-20"),
        # January's CSV and ICTRP trials are not in June's JSON: listed, as `registry diff` lists them, and kept
        *{("absent", rid, "", registry.ABSENT) for rid in ("NCT90000007", "ChiCTR9900000001", "IRCT99000000001N1")},
    }
    trials = _rows(data_copy, "registered_trials")
    assert len(trials) == 7  # the six of January (those not in June's export are kept) and one new
    assert (trials["NCT90000001"]["status"], trials["NCT90000001"]["imported_on"]) == ("COMPLETED", "2026-06-15")
    assert trials["NCT90000007"]["imported_on"] == "2026-01-15"
    log = _rows(data_copy, "registry_imports")["2"]
    assert (log["records_read"], log["excluded"], log["included"], log["new_trials"], log["changed_trials"]) == \
        (7, 3, 4, 1, 2)
    lines = result.lines()
    assert "status changed (2):" in lines and "enrolment changed (1):" in lines
    assert any(line.startswith("  NCT90000001  recruiting -> completed") for line in lines)


def test_a_trial_the_newer_export_excludes_leaves_the_table(data_copy, tmp_path):
    registry.import_exports([JSON_JAN], data_copy, today="2026-01-15")
    newer = json.loads(JSON_JAN.read_text())
    newer["studies"][1]["protocolSection"]["conditionsModule"]["conditions"] = ["Type 2 Diabetes"]
    path = tmp_path / "ctg-newer.json"
    path.write_text(json.dumps(newer))
    result = registry.import_exports([path], data_copy, today="2026-02-01")
    assert [(c.kind, c.registry_id) for c in result.changes] == [("removed", "NCT90000002")]
    assert "NCT90000002" not in _rows(data_copy, "registered_trials")
    assert "Type 2 Diabetes" in _rows(data_copy, "registry_excluded")["NCT90000002"]["reason"]
    assert _rows(data_copy, "registry_imports")["2"]["no_longer_included"] == 1


def test_diff_compares_two_exports_without_writing(data_copy):
    before = _snapshot(data_copy)
    changes = registry.diff([JSON_JAN], [JSON_JUN], data_copy)
    assert [(c.kind, c.registry_id) for c in changes] == [
        ("new", "NCT90000008"), ("status", "NCT90000001"), ("status", "NCT90000002"), ("enrolment", "NCT90000001"),
        ("other", "NCT90000001")]
    assert _snapshot(data_copy) == before
    # NCT90000008 is gone from the older export, not excluded by it: an import would keep it
    assert [(c.kind, c.registry_id) for c in registry.diff([JSON_JUN], [JSON_JAN], data_copy)][-1] == \
        ("absent", "NCT90000008")


def test_a_published_study_naming_the_registry_id_marks_the_trial_published(data_copy):
    registry.import_exports([JSON_JAN], data_copy, today="2026-01-15")
    assert registry.registered_trials(data_copy)["published_study_id"].isna().all()
    # an instructor who adds a study's registry id (as a source gives it) links the two
    set_cell(data_copy / "clinical_studies.csv", 15, "registry_id", "NCT90000003")
    trials = registry.registered_trials(data_copy).set_index("registry_id")
    assert trials.loc["NCT90000003", "published_study_id"] == "xu2014"  # row 15 of the file
    assert trials["published_study_id"].notna().sum() == 1


def test_without_an_import_there_is_no_registered_table():
    assert registry.registered_trials() is None and registry.last_import() is None


def _count_calls(monkeypatch, calls: list, module, name: str) -> None:
    """Replace ``module.name`` by a wrapper that appends the arguments of every call to ``calls``."""
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)
    monkeypatch.setattr(module, name, counted)


def test_one_import_validates_once_and_reads_each_table_once(data_copy, monkeypatch):
    from mscteach.registry import screening, store

    validations: list = []
    loads: list = []
    _count_calls(monkeypatch, validations, store, "validate")
    for module in (store, screening):
        _count_calls(monkeypatch, loads, module, "load")
    registry.import_exports(JANUARY, data_copy, today="2026-01-15")
    assert [Path(folder).name for folder, in validations] == [data_copy.name]  # the result, in its copy
    assert sorted(name for name, _ in loads) == ["registry_conditions", "registry_interventions"]
    validations.clear()
    loads.clear()
    registry.import_exports([JSON_JUN], data_copy, today="2026-06-15")  # now the import's own tables are there
    assert len(validations) == 1
    assert sorted(name for name, _ in loads) == ["registered_trials", "registry_conditions", "registry_excluded",
                                                 "registry_imports", "registry_interventions"]


def test_a_failed_import_names_the_folders_own_problems_first(data_copy, tmp_path):
    # a broken table the import neither reads nor writes, and a broken export: the folder is named, as before
    set_cell(data_copy / "glossary.csv", 2, "term", "")
    bad = _text_file("x.json", '{"studies": [')(tmp_path)
    with pytest.raises(DataValidationError, match="has problems before the import") as caught:
        registry.import_exports([bad], data_copy)
    assert {Path(p.file).name for p in caught.value.problems} == {"glossary.csv"}


# ------------------------------------------------------------------ bad input: a clear message, nothing changed
def _truncated(tmp_path: Path) -> Path:
    path = tmp_path / "ctg-truncated.json"
    text = JSON_JAN.read_text()
    path.write_text(text[: len(text) // 2])
    return path


def _truncated_lines(tmp_path: Path) -> Path:
    studies = json.loads(JSON_JAN.read_text())["studies"]
    text = "\n".join(json.dumps(s) for s in studies)
    path = tmp_path / "ctg-lines.json"
    path.write_text(text[:-40])
    return path


def _replace(source: Path, old: str, new: str, name: str):
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        text = source.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        return path
    return make


def _text_file(name: str, text: str):
    def make(tmp_path: Path) -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path
    return make


def _csv_without(column: str):
    def make(tmp_path: Path) -> Path:
        import csv
        rows = list(csv.reader(CSV_JAN.open(newline="")))
        i = rows[0].index(column)
        path = tmp_path / "ctg-no-column.csv"
        with path.open("w", newline="") as f:
            csv.writer(f).writerows([r[:i] + r[i + 1:] for r in rows])
        return path
    return make


BAD_INPUTS = {
    "neither-format": (_text_file("notes.txt", "These are my notes about trials.\n"),
                       r"notes\.txt: is neither a ClinicalTrials\.gov export .* nor a WHO ICTRP CSV export"),
    "other-csv": (_text_file("other.csv", "id,name\n1,x\n"), r"other\.csv: is neither"),
    "json-of-something-else": (_text_file("other.json", '{"results": []}'), r"other\.json: is JSON but not a "
                                                                              r"ClinicalTrials\.gov export"),
    "truncated-json": (_truncated, r"ctg-truncated\.json: the JSON ends in the middle of a record .* truncated"),
    "truncated-json-lines": (_truncated_lines, r"ctg-lines\.json: line 6: not a complete JSON study .* truncated"),
    "csv-missing-columns": (_csv_without("Study Status"), r"ctg-no-column\.csv: the ClinicalTrials\.gov CSV export "
                                                          r"lacks the column\(s\) 'Study Status'"),
    "odd-date-json": (_replace(JSON_JAN, '"2026-02"', '"February 2026"', "ctg-date.json"),
                      r"ctg-date\.json: study 2 \(NCT90000002\): statusModule\.startDateStruct\.date 'February 2026'"
                      r" is not a date"),
    "impossible-date-csv": (_replace(CSV_JAN, "2023-10-30", "2023-02-30", "ctg-date.csv"),
                            r"ctg-date\.csv: row 3 \(NCT90000007\): Completion Date '2023-02-30' is not a date"),
    "odd-date-ictrp": (_replace(ICTRP_JAN, "15/03/2025", "2025/03/15", "ictrp-date.csv"),
                       r"ictrp-date\.csv: row 2 \(ChiCTR9900000001\): Date_enrollement '2025/03/15' is not a date .*"
                       r"day/month/year"),
    "unknown-status": (_replace(JSON_JAN, '"RECRUITING"', '"OPEN"', "ctg-status.json"),
                       r"study 1 \(NCT90000001\): statusModule\.overallStatus 'OPEN' is not one of"),
    "enrolment-not-a-number": (_replace(CSV_JAN, ",120,", ",about 120,", "ctg-enrolment.csv"),
                               r"row 2 \(NCT90000001\): Enrollment 'about 120' is not a whole number"),
    "record-without-id": (_replace(JSON_JAN, '"nctId": "NCT90000004"', '"nctId": ""', "ctg-noid.json"),
                          r"study 4: the trial has no registry id"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_is_named_and_the_data_folder_is_left_exactly_as_it_was(name, data_copy, tmp_path):
    registry.import_exports([JSON_JAN], data_copy, today="2026-01-15")  # a folder that already holds trials
    before = _snapshot(data_copy)
    make, message = BAD_INPUTS[name]
    bad = make(tmp_path)
    with pytest.raises(RegistryError, match=message):
        registry.import_exports([JSON_JUN, bad], data_copy, today="2026-06-15")
    assert _snapshot(data_copy) == before
    assert not [p for p in data_copy.parent.iterdir() if p.name.startswith(".mscteach-import-")]


def test_the_same_trial_twice_with_different_values_names_both_files(data_copy, tmp_path):
    before = _snapshot(data_copy)
    with pytest.raises(RegistryError, match=r"NCT90000001 is in synthetic-ctgov-2026-01\.json \(study 1\) and "
                                             r"synthetic-ctgov-2026-06\.json \(study 1\) with different values "
                                             r"\(enrolment: 120 vs 118\)"):
        registry.import_exports([JSON_JAN, JSON_JUN], data_copy)
    copy = tmp_path / "again" / JSON_JAN.name
    copy.parent.mkdir()
    shutil.copy(JSON_JAN, copy)
    with pytest.raises(RegistryError, match="both called"):
        registry.import_exports([JSON_JAN, copy], data_copy)
    assert _snapshot(data_copy) == before


def test_a_result_that_would_be_invalid_changes_nothing(data_copy, monkeypatch):
    before = _snapshot(data_copy)
    # a rule naming a cell type the vocabulary lacks would only be caught when the import validates its result
    monkeypatch.setattr(registry.screening, "COURSE_PHASE", {**registry.COURSE_PHASE, "PHASE3": "phase three"})
    with pytest.raises(DataValidationError, match=r"would leave .* invalid, so nothing was changed") as caught:
        registry.import_exports([JSON_JAN], data_copy)
    assert any(p.field == "phase" and "phase three" in p.message for p in caught.value.problems)
    assert _snapshot(data_copy) == before


def test_an_invalid_data_folder_is_named_before_anything_is_read(data_copy):
    set_cell(data_copy / "registry_interventions.csv", 3, "cell_type", "AD MSC")
    before = _snapshot(data_copy)
    with pytest.raises(DataValidationError, match="has problems before the import"):
        registry.import_exports([JSON_JAN], data_copy)
    assert _snapshot(data_copy) == before


def test_the_course_data_is_refused():
    with pytest.raises(RegistryError, match="is the course's own data .*mscteach init DIR"):
        registry.import_exports([JSON_JAN], DATA)


def test_a_folder_that_cannot_be_written_is_refused(data_copy, monkeypatch):
    # permissions cannot stop root, who runs CI: the check asks os.access, so the test answers for it
    real = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: False if Path(path) == data_copy else real(path, mode))
    before = _snapshot(data_copy)
    with pytest.raises(RegistryError, match="is not writable"):
        registry.import_exports([JSON_JAN], data_copy)
    assert _snapshot(data_copy) == before


# ------------------------------------------------------------------ the vocabulary and the shipped registry ids
def test_adipose_derived_mscs_are_a_cell_type_briefs_accept():
    assert "AD-MSC" in mscteach.vocabulary("clinical_studies", "cell_type")
    from mscteach import report
    assert report.check_parameters({"cell_type": "AD-MSC"})["cell_type"] == "AD-MSC"
    assert "no study the review describes used them" in mscteach.describe("clinical_studies").columns \
        .set_index("name").loc["cell_type", "description"]


def test_registry_ids_of_published_studies_are_exactly_those_the_sources_file_gives():
    sources = (DATA / "source" / "clinical-studies-published-figures.md").read_text(encoding="utf-8")
    stated = {}
    for section in re.split(r"\n## ", sources)[1:]:
        ref = re.search(r"\(ref (\d+)\)", section.splitlines()[0])
        ids = re.findall(r"\b(NCT\d{8}|UMIN\d{9})\b", section)
        if ref and ids:
            stated[int(ref.group(1))] = ids[0]
    assert stated == {31: "NCT00476060", 32: "NCT03468699", 36: "UMIN000022601"}
    trials = mscteach.load("clinical_studies")
    linked = trials.dropna(subset=["registry_id"])
    given = {refs[0]: rid for refs, rid in zip(linked["ref_ids"], linked["registry_id"])}
    assert given == stated
    for rid in trials["registry_id"].dropna():
        study = trials[trials["registry_id"] == rid].iloc[0]
        assert "registry_id" in study["fields_from_sources"]


# ------------------------------------------------------------------ the command line
def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != mscteach.ENV_VAR}
    return subprocess.run([sys.executable, "-m", "mscteach", *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd, env=env)


def test_cli_import_then_reimport_then_diff(data_copy):
    first = _cli("registry", "import", *map(str, JANUARY), "--data", str(data_copy), "--date", "2026-01-15")
    assert first.returncode == 0, first.stderr
    assert "read 12 records from 3 files: 2 duplicates removed, 4 excluded, 6 included" in first.stdout
    assert "new trials (6):" in first.stdout and "registered_trials now holds 6 trials" in first.stdout
    second = _cli("registry", "import", str(JSON_JUN), "--data", str(data_copy))
    assert second.returncode == 0, second.stderr
    assert "  NCT90000002  not yet recruiting -> recruiting" in second.stdout
    assert "  NCT90000001  120 anticipated -> 118 actual" in second.stdout
    log = _rows(data_copy, "registry_imports")["2"]
    from datetime import date
    assert log["imported_on"] == date.today().isoformat()
    diff = _cli("registry", "diff", str(JSON_JAN), str(JSON_JUN))
    assert diff.returncode == 0 and diff.stdout.splitlines()[:2] == [
        "new trials (1):", "  NCT90000008  not yet recruiting  SYNTHETIC: Umbilical Cord MSCs for Autoimmune Hepatitis"]
    assert _cli("validate", str(data_copy)).returncode == 0


def test_cli_errors_are_one_line_without_traceback(tmp_path):
    refused = _cli("registry", "import", str(JSON_JAN), "--data", str(DATA))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("mscteach registry: error: ") and "mscteach init DIR" in refused.stderr
    bad = _text_file("x.json", '{"studies": [')(tmp_path)
    result = _cli("registry", "diff", str(bad), str(JSON_JAN))
    assert result.returncode == 1 and "x.json: the JSON ends in the middle of a record" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_import_uses_the_workspace_data_by_default(tmp_path):
    home = tmp_path / "course"
    assert _cli("init", str(home)).returncode == 0
    result = _cli("registry", "import", str(JSON_JAN), cwd=home)
    assert result.returncode == 0, result.stderr
    assert (home / "data" / "registered_trials.csv").is_file()


# ------------------------------------------------------------------ a newer export's blanks, and diff = import
JSON_JUN_CSV_JUL = FIXTURES / "synthetic-ctgov-2026-07.csv"
#: Counted by hand from June's JSON and July's CSV (tests/fixtures/registry/README.md), by heading.
JUNE_TO_JULY = {
    "new trials": ["NCT90000010"],
    "status changed": ["NCT90000008"],
    "enrolment changed": ["NCT90000008"],  # 40 anticipated -> 45: the type of the new number is not known
    "no longer included": ["NCT90000003", "NCT90000002"],  # excluded (exosomes), then not in July's export
    "known values kept where the newer export is blank": ["NCT90000001"],  # its enrolment type, actual
}


def test_a_blank_in_a_newer_export_keeps_the_known_value_and_is_counted(data_copy):
    registry.import_exports([JSON_JUN], data_copy, today="2026-06-15")
    result = registry.import_exports([JSON_JUN_CSV_JUL], data_copy, today="2026-07-15")
    trials = _rows(data_copy, "registered_trials")
    assert (trials["NCT90000001"]["enrolment"], trials["NCT90000001"]["enrolment_type"]) == (118, "actual")
    assert [(c.kind, c.before, c.after) for c in result.changes if c.registry_id == "NCT90000001"] == [
        ("blank", "enrolment type", "actual")]  # kept, and not shown as "118 actual -> 118"
    assert (trials["NCT90000008"]["enrolment"], trials["NCT90000008"]["enrolment_type"]) == (45, None)
    assert "NCT90000002" in trials and "NCT90000003" not in trials
    lines = result.lines()
    assert "known values kept where the newer export is blank (1):" in lines
    assert "  NCT90000001  enrolment type actual  SYNTHETIC: Umbilical Cord MSCs for HBV-related Acute-on-chronic " \
           "Liver…" in lines
    assert not [line for line in lines if line.startswith("  NCT90000001  118")]


def _listed(output: str) -> dict[str, list[str]]:
    """The registry ids under each heading of printed changes."""
    listed: dict[str, list[str]] = {}
    heading = None
    for line in output.splitlines():
        match = re.fullmatch(r"(\S.*) \(\d+\):", line)
        if match:
            heading = listed.setdefault(match.group(1), [])
        elif line.startswith("  ") and heading is not None and not line.startswith(("  duplicate", "  excluded")):
            heading.append(line.split()[0])
        else:
            heading = None
    return listed


def test_diff_and_import_list_the_same_trials_under_the_same_headings(data_copy):
    assert _cli("registry", "import", str(JSON_JUN), "--data", str(data_copy)).returncode == 0
    imported = _cli("registry", "import", str(JSON_JUN_CSV_JUL), "--data", str(data_copy))
    compared = _cli("registry", "diff", str(JSON_JUN), str(JSON_JUN_CSV_JUL), "--data", str(data_copy))
    assert imported.returncode == 0 and compared.returncode == 0, imported.stderr + compared.stderr
    assert _listed(imported.stdout) == _listed(compared.stdout) == JUNE_TO_JULY
    assert "  NCT90000002  SYNTHETIC: Adipose-derived MSCs in Decompensated Cirrhosis: not in the newer export (an " \
           "import keeps it" in imported.stdout
    assert "NCT90000002" in _rows(data_copy, "registered_trials")


# ------------------------------------------------------------------ a killed import leaves nothing for long
def _finished_process_id() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_the_next_import_removes_what_a_killed_one_left(data_copy):
    leftovers = [data_copy.parent / ".mscteach-import-k1x2y3z4",  # named before names carried a process id
                 data_copy.parent / f".mscteach-import-{_finished_process_id()}-a1b2c3"]
    for scratch in leftovers:
        shutil.copytree(data_copy, scratch / "data")
    (data_copy / ".registered_trials.csv.part").write_text("registry_id\nNCT9")
    registry.import_exports([JSON_JAN], data_copy, today="2026-01-15")
    assert not [p for p in data_copy.parent.iterdir() if p.name.startswith(".mscteach-import-")]
    assert not list(data_copy.glob(".*.part")) and mscteach.validate(data_copy) == []


def test_a_running_imports_scratch_copy_is_left_alone(data_copy):
    running = data_copy.parent / f".mscteach-import-{os.getpid()}-r1s2t3"  # this process runs
    (running / "data").mkdir(parents=True)
    registry.import_exports([JSON_JAN], data_copy, today="2026-01-15")
    assert running.is_dir()


_WAITING_IMPORT = """
import os, sys
from mscteach import registry
from mscteach.registry import store

real_validate, real_replace = store.validate, os.replace
where = sys.argv[3]

def wait(what):
    print(what, flush=True)
    sys.stdin.readline()  # until the test has sent its signal (and, if the import goes on, says so)

def validate(folder):
    if where == "copy":
        wait(folder)
    return real_validate(folder)

def replace(source, target):
    if where == "replace" and not os.environ.get("REPLACED"):
        os.environ["REPLACED"] = "1"
        wait(source)
    real_replace(source, target)

store.validate = validate
os.replace = replace
registry.import_exports([sys.argv[1]], sys.argv[2], today="2026-01-15")
"""


def _import_killed(data_copy: Path, where: str, signum: int) -> subprocess.CompletedProcess:
    """Run an import in a process of its own that waits at ``where``; send it ``signum`` there."""
    import signal
    child = subprocess.Popen([sys.executable, "-c", _WAITING_IMPORT, str(JSON_JAN), str(data_copy), where],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        waiting_at = Path(child.stdout.readline().strip())  # printed once the import waits
        assert waiting_at.exists() and signal.Signals(signum)
        child.send_signal(signum)
        out, err = child.communicate("go on\n", timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT"])
def test_a_signal_during_an_import_removes_its_scratch_copy_and_changes_nothing(name, data_copy):
    import signal
    signum = getattr(signal, name)
    before = _snapshot(data_copy)
    stopped = _import_killed(data_copy, "copy", signum)
    assert stopped.returncode == -signum, stopped.stderr  # the signal still ends the process, as it would have
    assert not [p for p in data_copy.parent.iterdir() if p.name.startswith(".mscteach-import-")]
    assert _snapshot(data_copy) == before


def test_a_signal_while_the_files_are_replaced_waits_until_all_are(data_copy):
    import signal
    stopped = _import_killed(data_copy, "replace", signal.SIGTERM)
    assert stopped.returncode == -signal.SIGTERM, stopped.stderr
    assert not [p for p in data_copy.parent.iterdir() if p.name.startswith(".mscteach-import-")]
    assert not list(data_copy.glob(".*.part"))
    # every file of the import is in: the folder is valid and holds January's trials
    assert mscteach.validate(data_copy) == [] and len(_rows(data_copy, "registered_trials")) == 3
