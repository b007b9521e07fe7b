"""Screening: one record per trial, then the cell therapies for liver disease, counted PRISMA-style.

The rules are two curation mappings in the data folder (``registry_conditions``, ``registry_interventions``):
a record is kept when one of its conditions is a liver disease and one of its interventions a cell therapy.
"""
from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data import data_dir, load, package_descriptor
from ..errors import RegistryError
from ..i18n import say
from .parsers import COMPARED, PRECEDENCE, Record, words
from .schema import COURSE_PHASE

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Rule",
    "Rules",
    "Screening",
    "Verdict",
    "excluded_row",
    "judge",
    "make_rules",
    "plural",
    "read_rules",
    "screen",
    "trial_row",
]


@dataclass(frozen=True)
class Rule:
    """One phrase of a curation mapping, and what it makes of a record that contains it.

    Parameters
    ----------
    phrase : str
        Words (as :func:`~mscteach.registry.parsers.words` writes them) to find
        in a condition or intervention, as whole words.
    keep : bool
        Whether a record with the phrase is kept: a liver disease, a cell therapy.
    term : str or None
        The course's disease or cell type the phrase stands for.
    position : int
        The rule's row in its mapping; the first rule that matches a text decides.
    """

    phrase: str
    keep: bool  # a liver disease / a cell therapy
    term: str | None  # the course's disease / cell type
    position: int


def make_rules(table: "pd.DataFrame", keep: str, term: str) -> list[Rule]:
    """The rules of one curation mapping (``keep``: its yes/no column, ``term``: its course-term column), in order.

    Parameters
    ----------
    table : pandas.DataFrame
        The mapping (``registry_conditions`` or ``registry_interventions``),
        with a ``phrase`` column.
    keep : str
        Its yes/no column (``liver_disease``, ``cell_therapy``).
    term : str
        Its course-term column (``disease``, ``cell_type``); missing values give ``None``.

    Returns
    -------
    list of Rule
        One per row, in table order.
    """
    return [Rule(str(r["phrase"]), bool(r[keep]), None if r[term] is None or r[term] != r[term] or
                 str(r[term]) == "<NA>" else str(r[term]), n)
            for n, r in enumerate(table.astype(object).where(table.notna(), None).to_dict("records"))]


def _first_rule(text: str, rules: Sequence[Rule]) -> Rule | None:
    padded = f" {words(text)} "
    return next((rule for rule in rules if f" {rule.phrase} " in padded), None)


def _strip_type(intervention: str) -> str:
    return re.sub(r"^[A-Z_]+:\s*", "", intervention)


@dataclass(frozen=True)
class Verdict:
    """What the rules make of one record.

    Parameters
    ----------
    included : bool
        Whether the record is a cell therapy for a liver disease.
    disease : str or None
        The course's disease: the term of the earliest matching condition rule that has one.
    cell_type : str or None
        The course's cell type; ``"stem cells (various)"`` when the
        interventions name more than one.
    reason : str
        Why the record is excluded ("" if it is included).
    """

    included: bool
    disease: str | None
    cell_type: str | None
    reason: str


def judge(record: Record, conditions: Sequence[Rule], interventions: Sequence[Rule]) -> Verdict:
    """Whether a record is a cell therapy for a liver disease, and its disease and cell type in course terms.

    Each condition and intervention (without its ``TYPE:`` prefix) is matched
    by the first rule whose phrase it contains; the record is included when
    some condition's rule and some intervention's rule keep it.

    Parameters
    ----------
    record : Record
        The record.
    conditions : sequence of Rule
        The rules of ``registry_conditions``.
    interventions : sequence of Rule
        The rules of ``registry_interventions``.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> from mscteach.registry.parsers import Record
    >>> record = Record("NCT01", "ClinicalTrials.gov", "MSC for cirrhosis", conditions=("Liver Cirrhosis",),
    ...                 interventions=("BIOLOGICAL: Umbilical cord MSC",))
    >>> judge(record, [Rule("liver cirrhosis", True, "cirrhosis", 0)], [Rule("msc", True, "MSC", 0)])
    Verdict(included=True, disease='cirrhosis', cell_type='MSC', reason='')
    """
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
    """The flow of records through the screening (PRISMA): read, duplicates removed, excluded, included.

    Parameters
    ----------
    read : int
        How many records were read.
    duplicates : list of (Record, Record)
        Each duplicate removed, with the record kept in its place.
    excluded : list of (Record, str)
        Each excluded record, with the reason.
    included : list of (Record, Verdict)
        Each included record, with its verdict.
    """

    read: int
    duplicates: list[tuple[Record, Record]] = field(default_factory=list)  # (removed, kept)
    excluded: list[tuple[Record, str]] = field(default_factory=list)
    included: list[tuple[Record, Verdict]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The PRISMA counts.

        Returns
        -------
        dict of str to int
            ``records_read``, ``duplicates_removed``, ``excluded`` and ``included``.
        """
        return {"records_read": self.read, "duplicates_removed": len(self.duplicates),
                "excluded": len(self.excluded), "included": len(self.included)}

    def lines(self, lang: str = "en") -> list[str]:
        """The flow in words, then every exclusion with its reason.

        Parameters
        ----------
        lang : str, default "en"
            The language (:func:`mscteach.i18n.say`); the reasons are shown as the screening gave them.

        Returns
        -------
        list of str
            A summary line, then one indented line per duplicate removed and per record excluded.
        """
        c = self.counts()
        files = len({r.source_file for r in self._records()})
        read, duplicates = c["records_read"], c["duplicates_removed"]
        out = [say("read {read} {record_word} from {files} {file_word}: {duplicates} {duplicate_word} removed, "
                   "{excluded} excluded, {included} included", lang, read=read, record_word=plural(read, "record"),
                   files=files, file_word=plural(files, "file"), duplicates=duplicates,
                   duplicate_word=plural(duplicates, "duplicate"), excluded=c["excluded"], included=c["included"])]
        out += ["  " + say("duplicate {registry_id} ({file}, {where}): the record of {kept_file} was kept", lang,
                           registry_id=r.registry_id, file=r.source_file, where=r.where.split(" (")[0],
                           kept_file=k.source_file) for r, k in self.duplicates]
        out += ["  " + say("excluded {registry_id}: {reason}", lang, registry_id=r.registry_id, reason=reason)
                for r, reason in self.excluded]
        return out

    def _records(self) -> list[Record]:
        return [r for r, _ in self.duplicates] + [r for r, _ in self.excluded] + [r for r, _ in self.included]


def plural(n: int, word: str) -> str:
    """``word``, or its plural when ``n`` is not 1 (English: the command line's messages).

    Parameters
    ----------
    n : int
        The count.
    word : str
        The singular; the plural adds "s".

    Returns
    -------
    str

    Examples
    --------
    >>> plural(1, "record"), plural(3, "record")
    ('record', 'records')
    """
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



@dataclass(frozen=True)
class Rules:
    """A data folder's screening rules: which conditions are liver diseases, which interventions cell therapies.

    Parameters
    ----------
    conditions : list of Rule
        The rules of ``registry_conditions``.
    interventions : list of Rule
        The rules of ``registry_interventions``.
    """

    conditions: list[Rule]
    interventions: list[Rule]


def read_rules(folder: Path) -> Rules:
    """The screening rules of a resolved data folder (each mapping read once).

    Parameters
    ----------
    folder : pathlib.Path
        The data folder (as :func:`~mscteach.data.data_dir` returns it).

    Returns
    -------
    Rules

    Raises
    ------
    RegistryError
        If the folder was made by an older mscteach that has no rules.
    DataValidationError
        If a mapping, or a table it depends on, breaks its schema.
    """
    resources = {r["name"]: r for r in package_descriptor(folder)["resources"]}
    missing = [name for name in ("registry_conditions", "registry_interventions") if name not in resources]
    clinical = resources.get("clinical_studies", {"schema": {"fields": []}})
    if missing or "registry_id" not in {f["name"] for f in clinical["schema"]["fields"]}:
        raise RegistryError(
            f"{folder} was made by an older mscteach: it lacks the screening rules ({', '.join(missing) or 'none'}) "
            "or clinical_studies.registry_id. Make a new course folder with `mscteach init DIR` and copy your own "
            "changes into its data/")
    return Rules(make_rules(load("registry_conditions", folder), "liver_disease", "disease"),
                 make_rules(load("registry_interventions", folder), "cell_therapy", "cell_type"))


def screen(records: Sequence[Record], data: str | os.PathLike[str] | None = None,
           rules: Rules | None = None) -> Screening:
    """Remove duplicates, then keep the cell therapies for liver disease.

    Parameters
    ----------
    records : sequence of Record
        As :func:`~mscteach.registry.read_exports` gives them.
    data : path, optional
        The data folder whose rules are used (default: the one in use).
    rules : Rules, optional
        Rules already read (:func:`read_rules`), so a command that has them does not read them again;
        ``data`` is then not used.

    Returns
    -------
    Screening
        Duplicates are found by registry id (case-insensitive); the copy kept
        is the primary register's (:data:`~mscteach.registry.parsers.PRECEDENCE`).

    Raises
    ------
    RegistryError
        If one trial appears twice in exports of the same register with
        different values, or the data folder has no screening rules.
    DataValidationError
        If the screening rules' tables are invalid.
    """
    if rules is None:
        rules = read_rules(data_dir(data))
    unique, duplicates = _deduplicate(records)
    result = Screening(read=len(records), duplicates=duplicates)
    for record in unique:
        verdict = judge(record, rules.conditions, rules.interventions)
        if verdict.included:
            result.included.append((record, verdict))
        else:
            result.excluded.append((record, verdict.reason))
    return result


def trial_row(record: Record, verdict: Verdict, today: str) -> dict[str, Any]:
    """A kept record as a row of ``registered_trials``.

    Parameters
    ----------
    record : Record
        The record.
    verdict : Verdict
        Its verdict (gives ``disease`` and ``cell_type``).
    today : str
        The import's date (``YYYY-MM-DD``), the row's ``imported_on``.

    Returns
    -------
    dict
        The row by column name; ``phase`` is the course's phase label for the
        registered phase (None where it does not map), tuples become lists.
    """
    return {"registry_id": record.registry_id, "registry": record.registry, "title": record.title,
            "conditions": list(record.conditions), "disease": verdict.disease,
            "interventions": list(record.interventions), "cell_type": verdict.cell_type,
            "phase_registered": record.phase_registered, "phase": COURSE_PHASE.get(record.phase_registered or ""),
            "allocation": record.allocation, "enrolment": record.enrolment, "enrolment_type": record.enrolment_type,
            "status": record.status, "start_date": record.start_date, "completion_date": record.completion_date,
            "countries": list(record.countries), "source_file": record.source_file, "imported_on": today}


def excluded_row(record: Record, reason: str, today: str) -> dict[str, Any]:
    """An excluded record as a row of ``registry_excluded``.

    Parameters
    ----------
    record : Record
        The record.
    reason : str
        Why it is excluded.
    today : str
        The import's date (``YYYY-MM-DD``).

    Returns
    -------
    dict
        The row by column name.
    """
    return {"registry_id": record.registry_id, "title": record.title, "conditions": list(record.conditions),
            "interventions": list(record.interventions), "reason": reason, "source_file": record.source_file,
            "imported_on": today}
