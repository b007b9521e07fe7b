"""Registry exports read into :class:`Record` objects: ClinicalTrials.gov API v2 JSON and CSV, WHO ICTRP CSV.

Every message names the file and the record (and the field) it cannot read. The vocabularies a value is
checked against (phases, statuses, allocations, patterns) are those of the ``registered_trials`` schema.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import RegistryError
from .schema import ALLOCATIONS, DATE_PATTERN, ID_PATTERN, PHASES, ROMAN, STATUSES

__all__ = [
    "COMPARED",
    "CTGOV_CSV_COLUMNS",
    "FORMAT_NAMES",
    "ICTRP_COLUMNS",
    "ICTRP_STATUS",
    "PRECEDENCE",
    "Record",
    "export_paths",
    "read_export",
    "read_exports",
    "words",
]

#: What each export format must hold (the other columns of a download are ignored).
CTGOV_CSV_COLUMNS = ("NCT Number", "Study Title", "Conditions", "Interventions", "Phases", "Enrollment",
                     "Study Status", "Start Date", "Completion Date")
ICTRP_COLUMNS = ("TrialID", "Public_title", "Condition", "Intervention", "Phase", "Target_size",
                 "Recruitment_Status", "Date_enrollement", "Countries", "Source_Register")
FORMAT_NAMES = {"ctgov-json": "ClinicalTrials.gov JSON", "ctgov-csv": "ClinicalTrials.gov CSV",
                "ictrp-csv": "WHO ICTRP CSV"}
#: Which copy of a trial is kept when several exports hold it: the primary register's first.
PRECEDENCE = ("ctgov-json", "ctgov-csv", "ictrp-csv")


@dataclass(frozen=True)
class Record:
    """One trial as an export lists it, in the course's field names (empty fields are None or ()).

    Parameters
    ----------
    registry_id : str
        The trial's id in its register (``NCT...``, ``ChiCTR...``, ...).
    registry : str
        The register's name.
    title : str
        The trial's public title.
    conditions : tuple of str
        Conditions as registered.
    interventions : tuple of str
        Interventions as registered (ClinicalTrials.gov prefixes their type,
        e.g. ``BIOLOGICAL: ...``).
    phase_registered : str or None
        A ClinicalTrials.gov phase token (:data:`~mscteach.registry.schema.PHASES`),
        two joined by ``|``.
    allocation : str or None
        One of :data:`~mscteach.registry.schema.ALLOCATIONS`.
    enrolment : int or None
        Planned or actual number of participants.
    enrolment_type : str or None
        Whether ``enrolment`` is planned or actual
        (:data:`~mscteach.registry.schema.ENROLMENT_TYPES`).
    status : str or None
        Overall status token (:data:`~mscteach.registry.schema.STATUSES`).
    start_date, completion_date : str or None
        ISO dates, possibly partial (``YYYY-MM``).
    countries : tuple of str
        Countries of the trial's sites.
    source_file : str
        The export's file name.
    where : str
        The record's place in its file: ``"study 3"``, ``"line 3"``, ``"row 4"``.
    format : str
        The export's format, a key of :data:`FORMAT_NAMES`.
    """

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
        """The registered values (not where they were read).

        Returns
        -------
        dict
            The fields named in :data:`COMPARED`, by name.
        """
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

    The format is recognised from the content: JSON (a ``{"studies": [...]}``
    document, a list of studies, one study, or one study per line) is
    ClinicalTrials.gov's; a CSV with an "NCT Number" column is
    ClinicalTrials.gov's download, one with a "TrialID" column WHO ICTRP's.

    Parameters
    ----------
    path : str or path-like
        The export file (UTF-8, with or without a byte-order mark).

    Returns
    -------
    format : str
        ``"ctgov-json"``, ``"ctgov-csv"`` or ``"ictrp-csv"`` (see :data:`FORMAT_NAMES`).
    records : list of Record
        The file's records, in file order.

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


def export_paths(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str | os.PathLike[str]]:
    """The export files given: one path, or several.

    Parameters
    ----------
    paths : str, path-like, or iterable of them
        One export file, or several.

    Returns
    -------
    list of str or path-like
        The paths as given, in order (one path is a list of one, not of its characters).

    Examples
    --------
    >>> export_paths("one.json"), export_paths(["a.json", "b.csv"])
    (['one.json'], ['a.json', 'b.csv'])
    """
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    return list(paths)


def read_exports(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Record]:
    """Read several exports (see :func:`read_export`); the records of all of them, file by file.

    Parameters
    ----------
    paths : str, path-like, or iterable of them
        The export files, in any of the three formats; one path is one file.

    Returns
    -------
    list of Record
        Every file's records, file by file (duplicates are kept; :func:`~mscteach.registry.screen`
        removes them).

    Raises
    ------
    RegistryError
        If any file cannot be read (see :func:`read_export`).
    """
    records: list[Record] = []
    for path in export_paths(paths):
        records += read_export(path)[1]
    return records


# ClinicalTrials.gov JSON
def _read_json(path: Path, text: str) -> list[Record]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as whole:
        lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
        per_line: list[tuple[str, Any]] = []
        for number, line in lines:  # one study per line (NDJSON)?
            try:
                per_line.append((f"line {number}", json.loads(line)))
            except json.JSONDecodeError as exc:
                if number == lines[0][0] or len(lines) == 1:
                    raise _json_error(path, text, whole) from None
                raise RegistryError(f"{path}: line {number}: not a complete JSON study ({exc.msg}, column "
                                    f"{exc.colno}): the file may be truncated; download it again") from None
        return [_ctgov_json_record(study, _Where(path, where)) for where, study in per_line]
    studies: list[Any]
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
    status_text = words(cells["Recruitment_Status"])
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
    if not re.fullmatch(ID_PATTERN, value):
        raise where.error(f"{value!r} is not a registry id (letters, digits and - / _ . only, e.g. NCT01234567)")
    return value


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def words(text: str) -> str:
    """Lower case, every character but letters and digits read as a space: how phrases are compared.

    Parameters
    ----------
    text : str
        Any text (other objects are converted with ``str``).

    Returns
    -------
    str
        The words, lower case, separated by single spaces.

    Examples
    --------
    >>> words("Liver Cirrhosis, (Decompensated)")
    'liver cirrhosis decompensated'
    """
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).lower()).split())


def _token(value: str | None, allowed: Sequence[str], where: _Where, name: str) -> str | None:
    """A registry token such as RECRUITING, also from its spelt-out form ("Active, not recruiting")."""
    if value is None or not str(value).strip():
        return None
    token = "_".join(words(value).upper().split())
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
    tokens = ["_".join(words(t).upper().split()) for t in tokens]
    bad = [t for t in tokens if t not in PHASES]
    if bad:
        raise where.error(f"{name}: {bad[0]!r} is not a phase ({', '.join(PHASES)})")
    tokens = sorted(set(tokens), key=PHASES.index)
    if not tokens:
        return None
    if len(tokens) > 2 or (len(tokens) == 2 and ("NA" in tokens or "EARLY_PHASE1" in tokens)):
        raise where.error(f"{name}: {'|'.join(tokens)} is not a registered phase (one phase, or two joined)")
    return "|".join(tokens)


_ROMAN = {numeral.lower(): str(n) for numeral, n in ROMAN.items()}


def _ictrp_phase(value: str, where: _Where) -> str | None:
    """WHO ICTRP's free-text phases ("Phase 2", "Phase 1/Phase 2", "Phase II/III", "Not Applicable", ...)."""
    text = words(value)
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
    matched = [m for m in sizes if m is not None]
    if groups and len(matched) == len(groups):
        return sum(int(m.group(1)) for m in matched)
    raise where.error(f"Target_size {value!r} is neither a number nor groups such as \"MSC:30;Control:30\"")


def _iso_date(value: str | None, where: _Where, name: str) -> str | None:
    """A ClinicalTrials.gov date: YYYY-MM or YYYY-MM-DD (partial dates are kept as partial)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(DATE_PATTERN, value) and _real_day(value):
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
        if re.fullmatch(DATE_PATTERN, iso) and _real_day(iso):
            return iso
    elif re.fullmatch(DATE_PATTERN, value) and _real_day(value):
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

