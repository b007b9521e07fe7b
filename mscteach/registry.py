"""Trial-registry exports into a validated ``registered_trials`` table (no network, ever).

The review's evidence stops in 2023; registries say what has been registered
since. The user downloads an export and gives mscteach the file:

* ClinicalTrials.gov API v2 JSON (``{"studies": [...]}``, a list of studies,
  or one study per line);
* the ClinicalTrials.gov CSV download ("NCT Number", "Study Title", ...);
* the WHO ICTRP CSV export (TrialID, Public_title, ...).

:func:`read_export` reads one file into :class:`Record` objects, naming the
file and record of anything it cannot read. :func:`screen` keeps the records
whose interventions are cell therapies and whose conditions are liver
diseases, by the rules of two curation mappings in the data folder
(``registry_conditions``, ``registry_interventions``), and counts the rest
PRISMA-style (read, duplicates removed, excluded with a reason, included).
:func:`import_exports` writes the result into a writable data folder: three
tables (``registered_trials``, ``registry_excluded``, ``registry_imports``)
and their schemas in ``datapackage.json``. It works on a copy, validates the
copy, and only then replaces the changed files, so a failed import leaves the
folder exactly as it was. :func:`diff` says what changed between two exports.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataValidationError, RegistryError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Change",
    "ImportResult",
    "Record",
    "RegistryError",
    "Screening",
    "TABLES",
    "diff",
    "import_exports",
    "read_export",
    "read_exports",
    "registered_trials",
    "screen",
]


# --------------------------------------------------------------------------- vocabularies
#: ClinicalTrials.gov's phase tokens, in order ("|" joins two: PHASE1|PHASE2).
PHASES = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")
#: A registered phase in the course's phase vocabulary (clinical_studies.phase), where it maps.
COURSE_PHASE = {"PHASE1|PHASE2": "I-II", "PHASE2": "II", "PHASE3": "III"}
#: ClinicalTrials.gov's overall status tokens, and NOT_RECRUITING for registers that say only that.
STATUSES = ("NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING",
            "NOT_RECRUITING", "SUSPENDED", "COMPLETED", "TERMINATED", "WITHDRAWN", "UNKNOWN", "WITHHELD",
            "AVAILABLE", "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING")
#: Statuses of a trial that is under way or about to be (UNKNOWN: the register has not been updated in time).
ONGOING = ("NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING")
ALLOCATIONS = ("RANDOMIZED", "NON_RANDOMIZED", "NA")
ENROLMENT_TYPES = ("actual", "anticipated")

#: What each export format must hold (the other columns of a download are ignored).
CTGOV_CSV_COLUMNS = ("NCT Number", "Study Title", "Conditions", "Interventions", "Phases", "Enrollment",
                     "Study Status", "Start Date", "Completion Date")
ICTRP_COLUMNS = ("TrialID", "Public_title", "Condition", "Intervention", "Phase", "Target_size",
                 "Recruitment_Status", "Date_enrollement", "Countries", "Source_Register")
FORMAT_NAMES = {"ctgov-json": "ClinicalTrials.gov JSON", "ctgov-csv": "ClinicalTrials.gov CSV",
                "ictrp-csv": "WHO ICTRP CSV"}
#: Which copy of a trial is kept when several exports hold it: the primary register's first.
PRECEDENCE = ("ctgov-json", "ctgov-csv", "ictrp-csv")

_ID_PATTERN = "[A-Za-z][A-Za-z0-9/_.-]*[A-Za-z0-9]"
_DATE_PATTERN = "[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
_TODAY_PATTERN = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"


# --------------------------------------------------------------------------- the tables' schemas
def _resource(name: str, title: str, description: str, fields: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return {"name": name, "path": f"{name}.csv", "title": title, "description": description,
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": fields, "fieldsMatch": "equal", "primaryKey": key, "missingValues": [""]}}


def _text(name: str, description: str, **constraints: Any) -> dict[str, Any]:
    spec = {"name": name, "type": "string", "description": description}
    if constraints:
        spec["constraints"] = constraints
    return spec


def _list(name: str, description: str, delimiter: str = "|") -> dict[str, Any]:
    return {"name": name, "type": "list", "itemType": "string", "delimiter": delimiter, "description": description}


def _count(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "type": "integer", "description": description, "constraints": {"required": True, "minimum": 0}}


_REGISTRY_ID = _text("registry_id", "The trial's id in its register (NCT..., ChiCTR..., IRCT..., ...).",
                     required=True, unique=True, pattern=_ID_PATTERN)
_SOURCE_FILE = _text("source_file", "The export file the record was last read from (its name).", required=True)
_IMPORTED_ON = _text("imported_on", "The day of the import that last read the record (YYYY-MM-DD).", required=True,
                     pattern=_TODAY_PATTERN)
_CONDITIONS = _list("conditions", "Conditions as registered, separated by \"|\".")
_INTERVENTIONS = _list("interventions", "Interventions as registered (ClinicalTrials.gov's \"TYPE: name\"), "
                       "separated by \"|\".")

REGISTERED_TRIALS = _resource(
    "registered_trials", "Registered trials (imported from trial-registry exports)",
    "Trials of cell therapies in liver disease as trial registers list them, imported with `mscteach registry "
    "import` from exports the user downloaded (ClinicalTrials.gov JSON or CSV, WHO ICTRP CSV). Not from the "
    "review: the registers' own records, screened by the curation mappings registry_conditions and "
    "registry_interventions. Re-importing a newer export updates rows by registry_id.",
    [_REGISTRY_ID,
     _text("registry", "The register: ClinicalTrials.gov, or the Source_Register of a WHO ICTRP record.",
           required=True),
     _text("title", "The trial's (brief or public) title as registered.", required=True),
     _CONDITIONS,
     {"name": "disease", "type": "string", "description": "The course's disease (the vocabulary of "
      "clinical_studies.disease), by the rules of registry_conditions; empty for a liver disease the course has "
      "no term for.", "vocabularyFrom": {"resource": "clinical_studies", "field": "disease"}},
     _INTERVENTIONS,
     {"name": "cell_type", "type": "string", "description": "The course's cell type (the vocabulary of "
      "clinical_studies.cell_type), by the rules of registry_interventions; \"stem cells (various)\" when the "
      "trial gives several, empty when the course has no term for its cells.",
      "vocabularyFrom": {"resource": "clinical_studies", "field": "cell_type"}},
     _text("phase_registered", "The phase as registered, in ClinicalTrials.gov's tokens (EARLY_PHASE1, PHASE1, "
           "PHASE2, PHASE3, PHASE4, NA; two joined by \"|\"); empty where the register gives none.",
           pattern="(EARLY_PHASE1|PHASE1|PHASE2|PHASE3|PHASE4|NA)(\\|(PHASE1|PHASE2|PHASE3|PHASE4))?"),
     {"name": "phase", "type": "string", "description": "The phase in the course's vocabulary (clinical_studies"
      ".phase) where it maps: PHASE1|PHASE2 is I-II, PHASE2 is II, PHASE3 is III; empty otherwise.",
      "vocabularyFrom": {"resource": "clinical_studies", "field": "phase"}},
     _text("allocation", "Randomised or not, as registered; empty where the export does not say.",
           enum=list(ALLOCATIONS)),
     {"name": "enrolment", "type": "integer", "description": "Participants enrolled (actual) or planned "
      "(anticipated).", "constraints": {"minimum": 0}},
     _text("enrolment_type", "Whether enrolment is the actual or the anticipated number; empty where the export "
           "does not say (the ClinicalTrials.gov CSV and the WHO ICTRP CSV do not).", enum=list(ENROLMENT_TYPES)),
     _text("status", "Recruitment status in ClinicalTrials.gov's tokens (NOT_RECRUITING: a register that says only "
           "that).", enum=list(STATUSES)),
     _text("start_date", "Start date as registered: YYYY, YYYY-MM or YYYY-MM-DD.", pattern=_DATE_PATTERN),
     _text("completion_date", "Completion date (actual or anticipated) as registered: YYYY, YYYY-MM or YYYY-MM-DD.",
           pattern=_DATE_PATTERN),
     _list("countries", "Countries of the trial's sites, separated by \";\".", delimiter=";"),
     _SOURCE_FILE, _IMPORTED_ON],
    "registry_id")

REGISTRY_EXCLUDED = _resource(
    "registry_excluded", "Registry records read but not kept (with the reason)",
    "Every record of an imported export that is not a cell therapy for a liver disease, with the reason, so the "
    "screening can be checked (PRISMA: records excluded).",
    [_REGISTRY_ID, _text("title", "The trial's title as registered.", required=True), _CONDITIONS, _INTERVENTIONS,
     _text("reason", "Why the record was not kept.", required=True), _SOURCE_FILE, _IMPORTED_ON],
    "registry_id")

REGISTRY_IMPORTS = _resource(
    "registry_imports", "Registry imports (a log, with PRISMA counts)",
    "One row per `mscteach registry import`: the files read and the flow of records (read, duplicates removed, "
    "excluded, included), and what the import changed in registered_trials.",
    [{"name": "import_number", "type": "integer", "description": "1 for the first import, then 2, 3, ...",
      "constraints": {"required": True, "unique": True, "minimum": 1}},
     _IMPORTED_ON,
     _list("files", "The export files read, separated by \"|\"."),
     _count("records_read", "Records in the files."),
     _count("duplicates_removed", "Records of a trial already read from another record."),
     _count("excluded", "Records not kept (listed in registry_excluded)."),
     _count("included", "Records kept (written to registered_trials)."),
     _count("new_trials", "Kept trials registered_trials did not hold before."),
     _count("changed_trials", "Kept trials whose record changed (status, enrolment or another field)."),
     _count("no_longer_included", "Trials of registered_trials the new records exclude (removed from it).")],
    "import_number")

#: The tables an import writes, in the order they are added to datapackage.json.
TABLES = (REGISTERED_TRIALS, REGISTRY_EXCLUDED, REGISTRY_IMPORTS)
TABLE_NAMES = tuple(t["name"] for t in TABLES)


def _columns(resource: dict[str, Any]) -> list[str]:
    return [f["name"] for f in resource["schema"]["fields"]]


# --------------------------------------------------------------------------- reading exports
@dataclass(frozen=True)
class Record:
    """One trial as an export lists it, in the course's field names (empty fields are None or ())."""

    registry_id: str
    registry: str
    title: str
    conditions: tuple[str, ...] = ()
    interventions: tuple[str, ...] = ()
    phase_registered: str | None = None
    allocation: str | None = None
    enrolment: int | None = None
    enrolment_type: str | None = None
    status: str | None = None
    start_date: str | None = None
    completion_date: str | None = None
    countries: tuple[str, ...] = ()
    source_file: str = ""
    where: str = ""  # "study 3", "line 3", "row 4": the record's place in its file
    format: str = ""

    def content(self) -> dict[str, Any]:
        """The registered values (not where they were read)."""
        return {k: getattr(self, k) for k in COMPARED}


COMPARED = ("registry_id", "registry", "title", "conditions", "interventions", "phase_registered", "allocation",
            "enrolment", "enrolment_type", "status", "start_date", "completion_date", "countries")


class _Where:
    """Names the file and record in every message."""

    def __init__(self, path: Path, where: str) -> None:
        self.path, self.where = path, where

    def error(self, message: str) -> RegistryError:
        return RegistryError(f"{self.path}: {self.where}: {message}")


def read_export(path: str | os.PathLike[str]) -> tuple[str, list[Record]]:
    """Read one registry export; return its format and its records, in file order.

    Raises
    ------
    RegistryError
        For a file that is neither format, a truncated or malformed JSON file,
        a CSV missing a required column, or a record with a value that cannot
        be read (a date in an odd format, say): the message names the file,
        the record and the field.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegistryError(f"{path}: no such file") from None
    except OSError as exc:
        raise RegistryError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegistryError(f"{path}: is not UTF-8 text: save the export as UTF-8 (registers export UTF-8; a "
                            "spreadsheet program may have changed it)") from None
    if not text.strip():
        raise RegistryError(f"{path}: is empty")
    if text.lstrip()[:1] in "{[":
        return "ctgov-json", _read_json(path, text)
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    labels = [label.strip() for label in header]
    if "NCT Number" in labels:
        return "ctgov-csv", _read_csv(path, text, CTGOV_CSV_COLUMNS, _ctgov_csv_record, "ctgov-csv")
    if "TrialID" in labels:
        return "ictrp-csv", _read_csv(path, text, ICTRP_COLUMNS, _ictrp_record, "ictrp-csv")
    raise RegistryError(
        f"{path}: is neither a ClinicalTrials.gov export (API v2 JSON, or the CSV download with an \"NCT Number\" "
        "column) nor a WHO ICTRP CSV export (with a \"TrialID\" column)")


def read_exports(paths: Iterable[str | os.PathLike[str]]) -> list[Record]:
    """Read several exports (see :func:`read_export`); the records of all of them, file by file."""
    records: list[Record] = []
    for path in paths:
        records += read_export(path)[1]
    return records


# ClinicalTrials.gov JSON
def _read_json(path: Path, text: str) -> list[Record]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        studies = []
        for number, line in lines:  # one study per line (NDJSON)?
            try:
                studies.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                if number == lines[0][0] or len(lines) == 1:
                    raise _json_error(path, text, whole) from None
                raise RegistryError(f"{path}: line {number}: not a complete JSON study ({exc.msg}, column "
                                    f"{exc.colno}): the file may be truncated; download it again") from None
        return [_ctgov_json_record(study, _Where(path, where)) for where, study in studies]
    if isinstance(document, dict) and "studies" in document:
        studies = document["studies"]
        if not isinstance(studies, list):
            raise RegistryError(f"{path}: \"studies\" is not a list of studies")
    elif isinstance(document, dict) and "protocolSection" in document:
        studies = [document]
    elif isinstance(document, list):
        studies = document
    else:
        raise RegistryError(f"{path}: is JSON but not a ClinicalTrials.gov export: expected {{\"studies\": [...]}}, "
                            "a list of studies, or one study per line")
    return [_ctgov_json_record(study, _Where(path, f"study {n}")) for n, study in enumerate(studies, start=1)]


def _json_error(path: Path, text: str, exc: json.JSONDecodeError) -> RegistryError:
    if exc.pos >= len(text.rstrip()) - 1:
        return RegistryError(f"{path}: the JSON ends in the middle of a record (line {exc.lineno}): the file is "
                             "truncated; download the export again")
    return RegistryError(f"{path}: is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})")


def _get(study: Any, where: _Where, *keys: str, kind: type | tuple = (str,), required: bool = False) -> Any:
    value = study
    for key in keys:
        if not isinstance(value, dict):
            value = None
            break
        value = value.get(key)
    dotted = ".".join(keys)
    if value is None:
        if required:
            raise where.error(f"{dotted} is missing")
        return None
    if not isinstance(value, kind) or isinstance(value, bool):
        raise where.error(f"{dotted} is {json.dumps(value)[:60]}, not a "
                          f"{'number' if kind is int else 'list' if kind is list else 'text'}")
    return value


def _ctgov_json_record(study: Any, where: _Where) -> Record:
    if not isinstance(study, dict):
        raise where.error("is not a study (a JSON object with a protocolSection)")
    p = "protocolSection"
    nct = _check_id(_get(study, where, p, "identificationModule", "nctId", required=True).strip(), where)
    where = _Where(where.path, f"{where.where} ({nct})")
    title = _get(study, where, p, "identificationModule", "briefTitle", required=True).strip()
    conditions = _strings(_get(study, where, p, "conditionsModule", "conditions", kind=list) or [], where,
                          "conditionsModule.conditions")
    interventions = []
    for n, item in enumerate(_get(study, where, p, "armsInterventionsModule", "interventions", kind=list) or [],
                             start=1):
        name = _get(item, where, "name", required=True).strip()
        kind = _get(item, where, "type")
        interventions.append(f"{kind.strip().upper()}: {name}" if kind else name)
    phases = _strings(_get(study, where, p, "designModule", "phases", kind=list) or [], where, "designModule.phases")
    count = _get(study, where, p, "designModule", "enrollmentInfo", "count", kind=int)
    if count is not None and count < 0:
        raise where.error(f"designModule.enrollmentInfo.count is {count}, below 0")
    kind = _get(study, where, p, "designModule", "enrollmentInfo", "type")
    allocation = _get(study, where, p, "designModule", "designInfo", "allocation")
    countries = [_get(site, where, "country") for site in
                 _get(study, where, p, "contactsLocationsModule", "locations", kind=list) or []]
    return Record(
        registry_id=nct, registry="ClinicalTrials.gov", title=title, conditions=tuple(conditions),
        interventions=tuple(interventions),
        phase_registered=_phase_tokens(phases, where, "designModule.phases"),
        allocation=_token(allocation, ALLOCATIONS, where, "designModule.designInfo.allocation"),
        enrolment=count,
        enrolment_type=_enrolment_type(kind, where, "designModule.enrollmentInfo.type"),
        status=_token(_get(study, where, p, "statusModule", "overallStatus"), STATUSES, where,
                      "statusModule.overallStatus"),
        start_date=_iso_date(_get(study, where, p, "statusModule", "startDateStruct", "date"), where,
                             "statusModule.startDateStruct.date"),
        completion_date=_iso_date(_get(study, where, p, "statusModule", "completionDateStruct", "date"), where,
                                  "statusModule.completionDateStruct.date"),
        countries=_unique(c.strip() for c in countries if c and c.strip()),
        source_file=where.path.name, where=where.where, format="ctgov-json")


def _strings(values: list[Any], where: _Where, name: str) -> list[str]:
    if not all(isinstance(v, str) for v in values):
        raise where.error(f"{name} holds something other than text")
    return [v.strip() for v in values if v.strip()]


# CSV exports
def _read_csv(path: Path, text: str, required: Sequence[str], make, fmt: str) -> list[Record]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [label.strip() for label in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise RegistryError(f"{path}: the {FORMAT_NAMES[fmt]} export lacks the column(s) "
                            f"{', '.join(repr(c) for c in missing)} (it needs {', '.join(required)}): download it "
                            "again with every column")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise RegistryError(f"{path}: row {number}: {len(row)} cells, the header has {len(header)}: the row "
                                "is broken (a quote left open?)")
        cells = {label: (row[i].strip() if i < len(row) else "") for i, label in enumerate(header)}
        records.append(make(cells, _Where(path, f"row {number}")))
    return records


def _split(value: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(separators, value) if part.strip()]


def _ctgov_csv_record(cells: dict[str, str], where: _Where) -> Record:
    nct = _check_id(cells["NCT Number"], where)
    where = _Where(where.path, f"{where.where} ({nct})")
    title = cells["Study Title"]
    if not title:
        raise where.error("\"Study Title\" is empty")
    allocation = None
    match = re.search(r"Allocation:\s*([A-Z_]+)", cells.get("Study Design", ""), re.I)
    if match:
        allocation = _token(match.group(1), ALLOCATIONS, where, "Study Design (Allocation)")
    countries = [site.rsplit(",", 1)[-1].strip() for site in _split(cells.get("Locations", ""), r"\|")]
    return Record(
        registry_id=nct, registry="ClinicalTrials.gov", title=title,
        conditions=tuple(_split(cells["Conditions"], r"\|")), interventions=tuple(_split(cells["Interventions"], r"\|")),
        phase_registered=_phase_tokens(_split(cells["Phases"], r"\|"), where, "Phases"), allocation=allocation,
        enrolment=_integer(cells["Enrollment"], where, "Enrollment"), enrolment_type=None,
        status=_token(cells["Study Status"] or None, STATUSES, where, "Study Status"),
        start_date=_iso_date(cells["Start Date"] or None, where, "Start Date"),
        completion_date=_iso_date(cells["Completion Date"] or None, where, "Completion Date"),
        countries=_unique(c for c in countries if c), source_file=where.path.name, where=where.where,
        format="ctgov-csv")


#: WHO ICTRP's recruitment statuses (as its registers write them) in ClinicalTrials.gov's tokens.
ICTRP_STATUS = {"recruiting": "RECRUITING", "not recruiting": "NOT_RECRUITING", "not yet recruiting": "NOT_YET_RECRUITING",
                "pending": "NOT_YET_RECRUITING", "completed": "COMPLETED", "complete": "COMPLETED",
                "suspended": "SUSPENDED", "terminated": "TERMINATED", "withdrawn": "WITHDRAWN",
                "active not recruiting": "ACTIVE_NOT_RECRUITING", "enrolling by invitation": "ENROLLING_BY_INVITATION",
                "unknown": "UNKNOWN", "authorised recruitment may be ongoing or finished": "UNKNOWN"}


def _ictrp_record(cells: dict[str, str], where: _Where) -> Record:
    trial = _check_id(cells["TrialID"], where)
    where = _Where(where.path, f"{where.where} ({trial})")
    if not cells["Public_title"]:
        raise where.error("\"Public_title\" is empty")
    status_text = _words(cells["Recruitment_Status"])
    if status_text and status_text not in ICTRP_STATUS:
        raise where.error(f"Recruitment_Status {cells['Recruitment_Status']!r} is not a status mscteach knows "
                          f"(known: {', '.join(sorted(set(ICTRP_STATUS)))})")
    allocation = None
    match = re.search(r"allocation:\s*(randomi[sz]ed|non[- ]randomi[sz]ed|n/?a)\b", cells.get("Study_design", ""), re.I)
    if match:
        word = match.group(1).lower().replace("-", "").replace(" ", "").replace("/", "")
        allocation = {"randomized": "RANDOMIZED", "randomised": "RANDOMIZED", "nonrandomized": "NON_RANDOMIZED",
                      "nonrandomised": "NON_RANDOMIZED", "na": "NA"}[word]
    return Record(
        registry_id=trial, registry=cells["Source_Register"] or trial.rstrip("0123456789-/"), title=cells["Public_title"],
        conditions=tuple(_split(cells["Condition"], r";|<br\s*/?>")),
        interventions=tuple(_split(cells["Intervention"], r";|<br\s*/?>")),
        phase_registered=_ictrp_phase(cells["Phase"], where), allocation=allocation,
        enrolment=_target_size(cells["Target_size"], where), enrolment_type=None,
        status=ICTRP_STATUS.get(status_text) if status_text else None,
        start_date=_ictrp_date(cells["Date_enrollement"], where),
        completion_date=None, countries=_unique(_split(cells["Countries"], r";")),
        source_file=where.path.name, where=where.where, format="ictrp-csv")


# values
def _check_id(value: str, where: _Where) -> str:
    value = value.strip()
    if not value:
        raise where.error("the trial has no registry id")
    if not re.fullmatch(_ID_PATTERN, value):
        raise where.error(f"{value!r} is not a registry id (letters, digits and - / _ . only, e.g. NCT01234567)")
    return value


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _words(text: str) -> str:
    """Lower case, every character but letters and digits read as a space: how phrases are compared."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).lower()).split())


def _token(value: str | None, allowed: Sequence[str], where: _Where, name: str) -> str | None:
    """A registry token such as RECRUITING, also from its spelt-out form ("Active, not recruiting")."""
    if value is None or not str(value).strip():
        return None
    token = "_".join(_words(value).upper().split())
    if token not in allowed:
        raise where.error(f"{name} {value!r} is not one of {', '.join(allowed)}")
    return token


def _enrolment_type(value: str | None, where: _Where, name: str) -> str | None:
    if value is None or not value.strip():
        return None
    kind = value.strip().upper()
    if kind == "ACTUAL":
        return "actual"
    if kind in ("ESTIMATED", "ANTICIPATED"):
        return "anticipated"
    raise where.error(f"{name} {value!r} is neither ACTUAL nor ESTIMATED")


def _phase_tokens(tokens: Sequence[str], where: _Where, name: str) -> str | None:
    tokens = ["_".join(_words(t).upper().split()) for t in tokens]
    bad = [t for t in tokens if t not in PHASES]
    if bad:
        raise where.error(f"{name}: {bad[0]!r} is not a phase ({', '.join(PHASES)})")
    tokens = sorted(set(tokens), key=PHASES.index)
    if not tokens:
        return None
    if len(tokens) > 2 or (len(tokens) == 2 and ("NA" in tokens or "EARLY_PHASE1" in tokens)):
        raise where.error(f"{name}: {'|'.join(tokens)} is not a registered phase (one phase, or two joined)")
    return "|".join(tokens)


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}


def _ictrp_phase(value: str, where: _Where) -> str | None:
    """WHO ICTRP's free-text phases ("Phase 2", "Phase 1/Phase 2", "Phase II/III", "Not Applicable", ...)."""
    text = _words(value)
    if not text or text in ("not specified", "not selected", "unknown"):
        return None
    if text in ("not applicable", "n a", "na", "none"):
        return "NA"
    if text in ("early phase 1", "phase 0", "0"):
        return "EARLY_PHASE1"
    parts = [_ROMAN.get(p, p) for p in text.replace("phase", " ").split()]
    if not parts or not all(p in ("1", "2", "3", "4") for p in parts):
        raise where.error(f"Phase {value!r} is not a phase mscteach can read (e.g. Phase 2, Phase 1/Phase 2, "
                          "Phase II/III, Not Applicable)")
    return _phase_tokens([f"PHASE{p}" for p in parts], where, "Phase")


def _integer(value: str, where: _Where, name: str) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"[0-9]+", value):
        raise where.error(f"{name} {value!r} is not a whole number")
    return int(value)


def _target_size(value: str, where: _Where) -> int | None:
    """ICTRP's Target_size: a number, or per-group numbers ("MSC:30;Control:30;"), which are added."""
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"[0-9]+", value):
        return int(value)
    groups = [g for g in value.split(";") if g.strip()]
    sizes = [re.fullmatch(r"[^:]*:\s*([0-9]+)\s*", g) for g in groups]
    if groups and all(sizes):
        return sum(int(m.group(1)) for m in sizes)
    raise where.error(f"Target_size {value!r} is neither a number nor groups such as \"MSC:30;Control:30\"")


def _iso_date(value: str | None, where: _Where, name: str) -> str | None:
    """A ClinicalTrials.gov date: YYYY-MM or YYYY-MM-DD (partial dates are kept as partial)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(_DATE_PATTERN, value) and _real_day(value):
        return value
    raise where.error(f"{name} {value!r} is not a date as ClinicalTrials.gov writes them (2024-03 or 2024-03-15)")


def _ictrp_date(value: str, where: _Where) -> str | None:
    """WHO ICTRP's Date_enrollement: DD/MM/YYYY, or an ISO date as some registers write it."""
    value = value.strip()
    if not value:
        return None
    match = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", value)
    if match:
        iso = f"{match.group(3)}-{int(match.group(2)):02d}-{int(match.group(1)):02d}"
        if re.fullmatch(_DATE_PATTERN, iso) and _real_day(iso):
            return iso
    elif re.fullmatch(_DATE_PATTERN, value) and _real_day(value):
        return value
    raise where.error(f"Date_enrollement {value!r} is not a date as WHO ICTRP writes them (15/03/2024, "
                      "day/month/year)")


def _real_day(iso: str) -> bool:
    if len(iso) < 10:
        return True
    try:
        date.fromisoformat(iso)
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------- screening
@dataclass(frozen=True)
class Rule:
    phrase: str
    keep: bool  # a liver disease / a cell therapy
    term: str | None  # the course's disease / cell type
    position: int


def _rules(table: "pd.DataFrame", keep: str, term: str) -> list[Rule]:
    return [Rule(str(r["phrase"]), bool(r[keep]), None if r[term] is None or r[term] != r[term] or
                 str(r[term]) == "<NA>" else str(r[term]), n)
            for n, r in enumerate(table.astype(object).where(table.notna(), None).to_dict("records"))]


def _first_rule(text: str, rules: Sequence[Rule]) -> Rule | None:
    words = f" {_words(text)} "
    return next((rule for rule in rules if f" {rule.phrase} " in words), None)


def _strip_type(intervention: str) -> str:
    return re.sub(r"^[A-Z_]+:\s*", "", intervention)


@dataclass(frozen=True)
class Verdict:
    """What the rules make of one record."""

    included: bool
    disease: str | None
    cell_type: str | None
    reason: str


def judge(record: Record, conditions: Sequence[Rule], interventions: Sequence[Rule]) -> Verdict:
    """Whether a record is a cell therapy for a liver disease, and its disease and cell type in course terms."""
    liver = [rule for c in record.conditions if (rule := _first_rule(c, conditions)) is not None and rule.keep]
    cells = [rule for i in record.interventions
             if (rule := _first_rule(_strip_type(i), interventions)) is not None and rule.keep]
    reasons = []
    if not liver:
        listed = "; ".join(record.conditions) or "none registered"
        reasons.append(f"no condition is a liver disease (conditions: {listed})")
    if not cells:
        listed = "; ".join(record.interventions) or "none registered"
        reasons.append(f"no intervention is a cell therapy (interventions: {listed})")
    if reasons:
        return Verdict(False, None, None, "; ".join(reasons))
    named = sorted((r for r in liver if r.term), key=lambda r: r.position)
    types = sorted({r.term for r in cells if r.term})
    cell_type = types[0] if len(types) == 1 else ("stem cells (various)" if types else None)
    return Verdict(True, named[0].term if named else None, cell_type, "")


@dataclass
class Screening:
    """The flow of records through the screening (PRISMA): read, duplicates removed, excluded, included."""

    read: int
    duplicates: list[tuple[Record, Record]] = field(default_factory=list)  # (removed, kept)
    excluded: list[tuple[Record, str]] = field(default_factory=list)
    included: list[tuple[Record, Verdict]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"records_read": self.read, "duplicates_removed": len(self.duplicates),
                "excluded": len(self.excluded), "included": len(self.included)}

    def lines(self) -> list[str]:
        """The flow in words, then every exclusion with its reason."""
        c = self.counts()
        files = len({r.source_file for r in self._records()})
        out = [f"read {c['records_read']} {_plural(c['records_read'], 'record')} from {files} "
               f"{_plural(files, 'file')}: {c['duplicates_removed']} {_plural(c['duplicates_removed'], 'duplicate')} "
               f"removed, {c['excluded']} excluded, {c['included']} included"]
        out += [f"  duplicate {r.registry_id} ({r.source_file}, {r.where.split(' (')[0]}): the record of "
                f"{k.source_file} was kept" for r, k in self.duplicates]
        out += [f"  excluded {r.registry_id}: {reason}" for r, reason in self.excluded]
        return out

    def _records(self) -> list[Record]:
        return [r for r, _ in self.duplicates] + [r for r, _ in self.excluded] + [r for r, _ in self.included]


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _differences(a: Record, b: Record) -> list[str]:
    """Fields both records give and that differ."""
    return [k for k in COMPARED if getattr(a, k) not in (None, ()) and getattr(b, k) not in (None, ())
            and getattr(a, k) != getattr(b, k)]


def _deduplicate(records: Sequence[Record]) -> tuple[list[Record], list[tuple[Record, Record]]]:
    """One record per registry id: the primary register's (CT.gov JSON, then CSV, then ICTRP's copy).

    The same trial in two exports of the same kind must agree (two downloads of different days given together
    would otherwise be merged silently); WHO ICTRP's copy of a ClinicalTrials.gov record may lag behind it.
    """
    kept: dict[str, Record] = {}
    removed: list[tuple[Record, Record]] = []
    for record in records:
        key = record.registry_id.upper()
        other = kept.get(key)
        if other is None:
            kept[key] = record
            continue
        same_register = (record.format == "ictrp-csv") == (other.format == "ictrp-csv")
        differ = _differences(record, other)
        if same_register and differ:
            shown = differ[0]
            raise RegistryError(
                f"{record.registry_id} is in {other.source_file} ({other.where.split(' (')[0]}) and "
                f"{record.source_file} ({record.where.split(' (')[0]}) with different values ({shown}: "
                f"{_shown(getattr(other, shown))} vs {_shown(getattr(record, shown))}): give each trial once, "
                "from the newer export")
        first, second = sorted((other, record), key=lambda r: PRECEDENCE.index(r.format))
        kept[key] = first
        removed.append((second, first))
    return list(kept.values()), removed


def _shown(value: Any) -> str:
    return "; ".join(value) if isinstance(value, tuple) else str(value)


def screen(records: Sequence[Record], data: str | os.PathLike[str] | None = None) -> Screening:
    """Remove duplicates, then keep the cell therapies for liver disease (rules from the data folder).

    Raises
    ------
    RegistryError
        If one trial appears twice in exports of the same register with different values.
    """
    from .data import package_descriptor, data_dir, load

    folder = data_dir(data)
    resources = {r["name"]: r for r in package_descriptor(folder)["resources"]}
    missing = [name for name in ("registry_conditions", "registry_interventions") if name not in resources]
    clinical = resources.get("clinical_studies", {"schema": {"fields": []}})
    if missing or "registry_id" not in {f["name"] for f in clinical["schema"]["fields"]}:
        raise RegistryError(
            f"{folder} was made by an older mscteach: it lacks the screening rules ({', '.join(missing) or 'none'}) "
            "or clinical_studies.registry_id. Make a new course folder with `mscteach init DIR` and copy your own "
            "changes into its data/")
    conditions = _rules(load("registry_conditions", data), "liver_disease", "disease")
    interventions = _rules(load("registry_interventions", data), "cell_therapy", "cell_type")
    unique, duplicates = _deduplicate(records)
    result = Screening(read=len(records), duplicates=duplicates)
    for record in unique:
        verdict = judge(record, conditions, interventions)
        if verdict.included:
            result.included.append((record, verdict))
        else:
            result.excluded.append((record, verdict.reason))
    return result


# --------------------------------------------------------------------------- rows and changes
def _row(record: Record, verdict: Verdict, today: str) -> dict[str, Any]:
    return {"registry_id": record.registry_id, "registry": record.registry, "title": record.title,
            "conditions": list(record.conditions), "disease": verdict.disease,
            "interventions": list(record.interventions), "cell_type": verdict.cell_type,
            "phase_registered": record.phase_registered, "phase": COURSE_PHASE.get(record.phase_registered or ""),
            "allocation": record.allocation, "enrolment": record.enrolment, "enrolment_type": record.enrolment_type,
            "status": record.status, "start_date": record.start_date, "completion_date": record.completion_date,
            "countries": list(record.countries), "source_file": record.source_file, "imported_on": today}


def _excluded_row(record: Record, reason: str, today: str) -> dict[str, Any]:
    return {"registry_id": record.registry_id, "title": record.title, "conditions": list(record.conditions),
            "interventions": list(record.interventions), "reason": reason, "source_file": record.source_file,
            "imported_on": today}


@dataclass(frozen=True)
class Change:
    """One change to a registered trial: ``kind`` is new, status, enrolment, other or removed."""

    kind: str
    registry_id: str
    title: str
    before: str = ""
    after: str = ""

    def __str__(self) -> str:
        if self.kind == "new":
            return f"{self.registry_id}  {self.after}  {_short(self.title)}"
        if self.kind == "removed":
            return f"{self.registry_id}  {_short(self.title)}: {self.after}"
        return f"{self.registry_id}  {self.before} -> {self.after}  {_short(self.title)}"


CHANGE_HEADINGS = {"new": "new trials", "status": "status changed", "enrolment": "enrolment changed",
                   "other": "other fields changed", "removed": "no longer included"}
#: Fields whose change is news, not a re-import: where and when the record was read.
_BOOKKEEPING = ("source_file", "imported_on")


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _status_text(row: dict[str, Any]) -> str:
    return STATUS_LABELS.get(row.get("status") or "", "status not given")


def _enrolment_text(row: dict[str, Any]) -> str:
    if row.get("enrolment") is None:
        return "not given"
    kind = row.get("enrolment_type")
    return f"{row['enrolment']}{f' {kind}' if kind else ''}"


def changes_between(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]],
                    removed: dict[str, str] | None = None) -> list[Change]:
    """What changed from one set of registered-trial rows to the next (keyed by registry id).

    In the order they are shown: new trials, status changes, enrolment changes, other fields, trials no
    longer included; by registry id within each.
    """
    changes = []
    for rid, row in sorted(after.items()):
        old = before.get(rid)
        if old is None:
            changes.append(Change("new", rid, row["title"], after=_status_text(row)))
            continue
        if old.get("status") != row.get("status"):
            changes.append(Change("status", rid, row["title"], _status_text(old), _status_text(row)))
        if (old.get("enrolment"), old.get("enrolment_type")) != (row.get("enrolment"), row.get("enrolment_type")):
            changes.append(Change("enrolment", rid, row["title"], _enrolment_text(old), _enrolment_text(row)))
        changes += [Change("other", rid, row["title"], f"{k.replace('_', ' ')} {_value_text(old.get(k))}",
                           _value_text(row.get(k)))
                    for k in row if k not in ("status", "enrolment", "enrolment_type", *_BOOKKEEPING)
                    and _comparable(old.get(k)) != _comparable(row.get(k))]
    for rid, reason in sorted((removed or {}).items()):
        if rid in before:
            changes.append(Change("removed", rid, before[rid]["title"], after=reason))
    kinds = list(CHANGE_HEADINGS)
    return sorted(changes, key=lambda c: (kinds.index(c.kind), c.registry_id))  # stable: one field after another


def _value_text(value: Any) -> str:
    if value in (None, "", []):
        return "(none)"
    return "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _comparable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else (None if value in ("", []) else value)


def change_lines(changes: Sequence[Change]) -> list[str]:
    """Changes grouped under headings, e.g. "status changed (1):" then one line per trial."""
    if not changes:
        return ["no changes to the registered trials"]
    lines = []
    for kind, heading in CHANGE_HEADINGS.items():
        chosen = [c for c in changes if c.kind == kind]
        if chosen:
            lines.append(f"{heading} ({len(chosen)}):")
            lines += [f"  {c}" for c in chosen]
    return lines


STATUS_LABELS = {"NOT_YET_RECRUITING": "not yet recruiting", "RECRUITING": "recruiting",
                 "ENROLLING_BY_INVITATION": "enrolling by invitation", "ACTIVE_NOT_RECRUITING": "active, not recruiting",
                 "NOT_RECRUITING": "not recruiting", "SUSPENDED": "suspended", "COMPLETED": "completed",
                 "TERMINATED": "terminated", "WITHDRAWN": "withdrawn", "UNKNOWN": "unknown (not verified)",
                 "WITHHELD": "withheld", "AVAILABLE": "available", "NO_LONGER_AVAILABLE": "no longer available",
                 "TEMPORARILY_NOT_AVAILABLE": "temporarily not available",
                 "APPROVED_FOR_MARKETING": "approved for marketing"}
PHASE_LABELS = {"EARLY_PHASE1": "early phase 1", "PHASE1": "phase 1", "PHASE1|PHASE2": "phase 1/2",
                "PHASE2": "phase 2", "PHASE2|PHASE3": "phase 2/3", "PHASE3": "phase 3", "PHASE4": "phase 4",
                "NA": "not applicable"}


# --------------------------------------------------------------------------- the data folder
def _read_rows(folder: Path, resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of one of the import's tables in ``folder`` (none if the table is not there yet)."""
    from .data import package_descriptor, load

    names = [r["name"] for r in package_descriptor(folder)["resources"]]
    if resource["name"] not in names:
        return []
    table = load(resource["name"], folder)
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return [{k: (list(v) if isinstance(v, list) else v) for k, v in row.items()} for row in rows]


def _csv_bytes(resource: dict[str, Any], rows: Iterable[dict[str, Any]]) -> bytes:
    fields = resource["schema"]["fields"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f["name"] for f in fields])
    for row in rows:
        cells = []
        for f in fields:
            value = row.get(f["name"])
            if isinstance(value, (list, tuple)):
                value = f.get("delimiter", ",").join(map(str, value))
            cells.append("" if value is None else str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _refuse_course_data(folder: Path) -> None:
    from .resources import checkout, packaged

    shipped = [p.resolve() for p in (packaged("data"), (checkout() or Path("/nonexistent")) / "data") if p]
    if folder.resolve() in shipped:
        raise RegistryError(
            f"{folder} is the course's own data (the review's curated tables, shipped with mscteach): import into "
            "a copy of your own. Make one with `mscteach init DIR` (then use DIR/data) or `cp -r data my-data`, "
            "and give it with --data")
    if not os.access(folder, os.W_OK) or not os.access(folder / "datapackage.json", os.W_OK):
        raise RegistryError(f"{folder} is not writable: import into a data folder of your own (mscteach init DIR)")


@dataclass
class ImportResult:
    """What an import did: the screening, the changes, and the files it wrote."""

    folder: Path
    screening: Screening
    changes: list[Change]
    written: list[str]
    rows: int

    def lines(self) -> list[str]:
        return [*self.screening.lines(), *change_lines(self.changes),
                f"registered_trials now holds {self.rows} {_plural(self.rows, 'trial')}; wrote "
                f"{', '.join(self.written)} in {self.folder}"]


def import_exports(files: Sequence[str | os.PathLike[str]], data: str | os.PathLike[str],
                   today: str | date | None = None) -> ImportResult:
    """Import registry exports into a writable data folder; nothing changes unless everything succeeds.

    Parameters
    ----------
    files : sequence of paths
        Exports in any of the three formats (see :func:`read_export`).
    data : path
        A data folder of your own (``mscteach init DIR`` makes one); the
        course's shipped data is refused.
    today : str or date, optional
        The import's date (default: today).

    Raises
    ------
    RegistryError
        For an export that cannot be read (naming the file and record), a trial
        given twice with different values, or a data folder that is the
        course's own or not writable.
    DataValidationError
        If the data folder is invalid before the import (fix it first), or the
        result would be.
    """
    from .data import package_descriptor, data_dir, validate

    if not files:
        raise RegistryError("give at least one export file")
    folder = data_dir(data)
    _refuse_course_data(folder)
    today = (today if isinstance(today, str) else (today or date.today()).isoformat())
    if not re.fullmatch(_TODAY_PATTERN, today):
        raise RegistryError(f"import date {today!r} is not YYYY-MM-DD")
    names = [Path(f).name for f in files]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise RegistryError(f"two export files are both called {clash[0]!r}: rows name their source file, so "
                            "rename one")
    before_problems = validate(folder)
    if before_problems:
        raise DataValidationError(before_problems, context=f"{folder} has problems before the import (run "
                                  f"`mscteach validate {folder}` and fix them first)")
    records = read_exports(files)
    screening = screen(records, folder)

    old = {r["registry_id"]: r for r in _read_rows(folder, REGISTERED_TRIALS)}
    old_excluded = {r["registry_id"]: r for r in _read_rows(folder, REGISTRY_EXCLUDED)}
    log = _read_rows(folder, REGISTRY_IMPORTS)
    new_rows = {record.registry_id: _row(record, verdict, today) for record, verdict in screening.included}
    now_excluded = {record.registry_id: _excluded_row(record, reason, today) for record, reason in screening.excluded}
    merged = {rid: row for rid, row in old.items() if rid not in now_excluded}
    merged.update(new_rows)
    excluded = {rid: row for rid, row in old_excluded.items() if rid not in new_rows}
    excluded.update(now_excluded)
    changes = changes_between({k: v for k, v in old.items() if k in new_rows or k in now_excluded}, new_rows,
                              {rid: row["reason"] for rid, row in now_excluded.items()})
    counts = screening.counts()
    log.append({"import_number": len(log) + 1, "imported_on": today, "files": names, **counts,
                "new_trials": sum(c.kind == "new" for c in changes),
                "changed_trials": len({c.registry_id for c in changes if c.kind in ("status", "enrolment", "other")}),
                "no_longer_included": sum(c.kind == "removed" for c in changes)})

    descriptor = json.loads(json.dumps(package_descriptor(folder)))
    resources = [r for r in descriptor["resources"] if r["name"] not in TABLE_NAMES]
    descriptor["resources"] = resources + [json.loads(json.dumps(t)) for t in TABLES]
    contents = {
        REGISTERED_TRIALS["path"]: _csv_bytes(REGISTERED_TRIALS, (merged[k] for k in sorted(merged))),
        REGISTRY_EXCLUDED["path"]: _csv_bytes(REGISTRY_EXCLUDED, (excluded[k] for k in sorted(excluded))),
        REGISTRY_IMPORTS["path"]: _csv_bytes(REGISTRY_IMPORTS, log),
        "datapackage.json": (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
    _commit(folder, contents)
    return ImportResult(folder, screening, changes, list(contents), len(merged))


def _commit(folder: Path, contents: dict[str, bytes]) -> None:
    """Write ``contents`` into a copy of ``folder``, validate the copy, then replace the files in ``folder``."""
    from .data import validate

    parent = folder.parent if os.access(folder.parent, os.W_OK) else None
    scratch = Path(tempfile.mkdtemp(prefix=".mscteach-import-", dir=parent))
    try:
        trial = scratch / folder.name
        shutil.copytree(folder, trial)
        for name, content in contents.items():
            (trial / name).write_bytes(content)
        problems = validate(trial)
        if problems:
            raise DataValidationError(problems, context=f"the import would leave {folder} invalid, so nothing was "
                                      "changed")
        # every file is complete before it replaces the old one; the descriptor, which makes the tables
        # visible, is replaced last
        for name in contents:  # the validated files, next to the ones they replace
            shutil.copyfile(trial / name, folder / f".{name}.part")
            os.chmod(folder / f".{name}.part", _mode(folder / name))
        for name in sorted(contents, key=lambda n: n == "datapackage.json"):
            os.replace(folder / f".{name}.part", folder / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        for name in contents:
            leftover = folder / f".{name}.part"
            if leftover.exists():
                leftover.unlink()


def _mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# --------------------------------------------------------------------------- diff and reading back
def diff(old: Sequence[str | os.PathLike[str]], new: Sequence[str | os.PathLike[str]],
         data: str | os.PathLike[str] | None = None) -> list[Change]:
    """What changed between an older and a newer export (nothing is written).

    Both are screened with the data folder's rules; the result lists trials
    new in the newer export, status and enrolment changes, other changed
    fields, and trials the newer export no longer includes.
    """
    before, after = screen(read_exports(old), data), screen(read_exports(new), data)
    rows_before = {r.registry_id: _row(r, v, "") for r, v in before.included}
    rows_after = {r.registry_id: _row(r, v, "") for r, v in after.included}
    gone = {r.registry_id: reason for r, reason in after.excluded}
    present = {r.registry_id for r, _ in after.included} | set(gone)
    gone.update({rid: "not in the newer export" for rid in rows_before if rid not in present})
    return changes_between(rows_before, rows_after, gone)


def registered_trials(data: str | os.PathLike[str] | None = None) -> "pd.DataFrame | None":
    """The data folder's registered trials, or None if no export has been imported into it.

    Adds ``published_study_id``: the study of ``clinical_studies`` that names the
    trial's registry id (empty if none does), so a registered trial with
    published results in the data is marked as such, and stays right when a
    study's ``registry_id`` is filled in later.
    """
    from .data import package_descriptor, data_dir, load

    folder = data_dir(data)
    if REGISTERED_TRIALS["name"] not in [r["name"] for r in package_descriptor(folder)["resources"]]:
        return None
    trials = load(REGISTERED_TRIALS["name"], folder)
    clinical = load("clinical_studies", folder)
    linked = clinical.dropna(subset=["registry_id"]) if "registry_id" in clinical else clinical.iloc[0:0]
    by_id = {str(rid).upper(): str(sid) for rid, sid in zip(linked["registry_id"], linked["study_id"])}
    trials["published_study_id"] = trials["registry_id"].map(lambda rid: by_id.get(str(rid).upper())).astype("string")
    return trials


def last_import(data: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
    """The log row of the latest import (its PRISMA counts), or None."""
    from .data import data_dir

    rows = _read_rows(data_dir(data), REGISTRY_IMPORTS)
    return rows[-1] if rows else None

