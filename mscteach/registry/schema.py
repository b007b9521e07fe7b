"""The tables an import writes and the registers' vocabularies, as the shipped ``datapackage.json`` states them.

The schemas of ``registered_trials``, ``registry_excluded`` and ``registry_imports`` are kept under the
descriptor's ``registryResources`` (they are not resources of the shipped data: an import adds them to a
data folder of one's own). Every vocabulary and pattern the parsers check a record against is read from
them, so the code and the validation of the written tables cannot disagree.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..data import package_descriptor
from ..resources import checkout, packaged

__all__ = [
    "ALLOCATIONS",
    "COURSE_PHASE",
    "DATE_PATTERN",
    "ENROLMENT_TYPES",
    "ID_PATTERN",
    "ONGOING",
    "PHASES",
    "REGISTERED_TRIALS",
    "REGISTRY_EXCLUDED",
    "REGISTRY_IMPORTS",
    "ROMAN",
    "STATUSES",
    "TABLES",
    "TABLE_NAMES",
    "TODAY_PATTERN",
    "columns",
    "course_phases",
    "shipped_data",
]


def shipped_data() -> list[Path]:
    """The course's own data folders: the installed package's copy and a checkout's (those that exist).

    An import refuses to write into any of them.

    Returns
    -------
    list of pathlib.Path
        The packaged copy first, then the checkout's ``data/``.
    """
    root = checkout()
    return [p for p in (packaged("data"), root / "data" if root else None) if p is not None]


def _shipped_descriptor() -> dict[str, Any]:
    return package_descriptor(shipped_data()[0])


def _field(resource: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in resource["schema"]["fields"] if f["name"] == name)


def columns(resource: dict[str, Any]) -> list[str]:
    """The column names of one of the import's tables, in order.

    Parameters
    ----------
    resource : dict
        A table's resource descriptor, e.g. :data:`REGISTERED_TRIALS`.

    Returns
    -------
    list of str

    Examples
    --------
    >>> columns(REGISTRY_EXCLUDED)[:2]
    ['registry_id', 'title']
    """
    return [f["name"] for f in resource["schema"]["fields"]]


_descriptor = _shipped_descriptor()
_tables = {r["name"]: r for r in _descriptor["registryResources"]}

REGISTERED_TRIALS: dict[str, Any] = _tables["registered_trials"]
REGISTRY_EXCLUDED: dict[str, Any] = _tables["registry_excluded"]
REGISTRY_IMPORTS: dict[str, Any] = _tables["registry_imports"]
#: The tables an import writes, in the order they are added to datapackage.json.
TABLES = (REGISTERED_TRIALS, REGISTRY_EXCLUDED, REGISTRY_IMPORTS)
TABLE_NAMES = tuple(t["name"] for t in TABLES)


def _constraint(name: str, constraint: str) -> Any:
    return _field(REGISTERED_TRIALS, name)["constraints"][constraint]


_PHASE_PATTERN: str = _constraint("phase_registered", "pattern")
#: ClinicalTrials.gov's phase tokens, in order ("|" joins two: PHASE1|PHASE2): the pattern's first group
#: lists every token.
PHASES = tuple(_PHASE_PATTERN[1:_PHASE_PATTERN.index(")")].split("|"))
#: ClinicalTrials.gov's overall status tokens, and NOT_RECRUITING for registers that say only that.
STATUSES = tuple(_constraint("status", "enum"))
#: Statuses of a trial that is under way or about to be (UNKNOWN: the register has not been updated in time).
ONGOING = ("NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING")
ALLOCATIONS = tuple(_constraint("allocation", "enum"))
ENROLMENT_TYPES = tuple(_constraint("enrolment_type", "enum"))
ID_PATTERN: str = _constraint("registry_id", "pattern")
DATE_PATTERN: str = _constraint("start_date", "pattern")
TODAY_PATTERN: str = _field(REGISTERED_TRIALS, "imported_on")["constraints"]["pattern"]

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


def course_phases(labels: list[str]) -> dict[str, str]:
    """Registered phase tokens for each of the course's phase labels written in Roman numerals.

    Parameters
    ----------
    labels : list of str
        The course's phase labels (``clinical_studies.phase``), e.g. ``"I-II"``;
        labels that are not Roman numerals I-IV joined by ``-`` are left out.

    Returns
    -------
    dict of str to str
        ``{ClinicalTrials.gov phase token: course label}``.

    Examples
    --------
    >>> course_phases(["I-II", "II", "not stated"])
    {'PHASE1|PHASE2': 'I-II', 'PHASE2': 'II'}
    """
    phases = {}
    for label in labels:
        parts = label.split("-")
        if all(p in ROMAN for p in parts):
            phases["|".join(f"PHASE{ROMAN[p]}" for p in parts)] = label
    return phases


def _course_phase_labels() -> list[str]:
    clinical = next(r for r in _descriptor["resources"] if r["name"] == "clinical_studies")
    return list(_field(clinical, "phase")["constraints"]["enum"])


#: A registered phase in the course's phase vocabulary (clinical_studies.phase), where it maps.
COURSE_PHASE = course_phases(_course_phase_labels())
