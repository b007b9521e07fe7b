"""What changed between two sets of registered trials, in words: :func:`changes_between`, :func:`diff`."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..data import data_dir
from ..i18n import digits, say
from .parsers import COMPARED, read_exports
from .schema import COURSE_PHASE
from .screening import Screening, read_rules, screen, trial_row

__all__ = [
    "ABSENT",
    "CHANGE_HEADINGS",
    "Change",
    "Comparison",
    "PHASE_LABELS",
    "STATUS_LABELS",
    "change_headings",
    "change_lines",
    "changes_between",
    "compare",
    "diff",
]


@dataclass(frozen=True)
class Change:
    """One change to a registered trial: ``kind`` is new, status, enrolment, other, removed, absent or blank.

    ``str()`` gives the line the command line prints under the kind's heading
    (:data:`CHANGE_HEADINGS`), :meth:`describe` the same line in a language.

    Parameters
    ----------
    kind : {"new", "status", "enrolment", "other", "removed", "absent", "blank"}
        What changed: "removed" is a trial the newer export excludes (an
        import removes it), "absent" one the newer export does not hold (an
        import keeps it), "blank" a known value the newer export leaves
        blank (an import keeps it).
    registry_id : str
        The trial's registry id.
    title : str
        The trial's title (shortened to 70 characters when shown).
    before : str, default ""
        The old value in words (for "other", the field's name and old value;
        for "blank", the field's name).
    after : str, default ""
        The new value in words; for "new" the trial's status, for "removed"
        and "absent" why it is no longer included, for "blank" the value kept.

    Examples
    --------
    >>> print(Change("status", "NCT01", "MSC for cirrhosis", "recruiting", "completed"))
    NCT01  recruiting -> completed  MSC for cirrhosis
    """

    kind: str
    registry_id: str
    title: str
    before: str = ""
    after: str = ""

    def __str__(self) -> str:
        return self.describe("en")

    def describe(self, lang: str = "en") -> str:
        """The change as one line (without its heading), in a language.

        Parameters
        ----------
        lang : str, default "en"
            The language of the line's words (:func:`mscteach.i18n.say`); ``before`` and
            ``after`` are shown as they are.

        Returns
        -------
        str
        """
        shown = {"registry_id": self.registry_id, "title": _short(self.title), "before": self.before,
                 "after": self.after}
        if self.kind == "new":
            return say("{registry_id}  {after}  {title}", lang, **shown)
        if self.kind in ("removed", "absent"):
            return say("{registry_id}  {title}: {after}", lang, **shown)
        if self.kind == "blank":
            return say("{registry_id}  {before} {after}  {title}", lang, **shown)
        return say("{registry_id}  {before} -> {after}  {title}", lang, **shown)


def change_headings(lang: str = "en") -> dict[str, str]:
    """The heading each kind of change is listed under, in the order they are listed, in a language.

    Trials an import removes and trials it keeps are both no longer in the
    newer export's list, so they share a heading.

    Parameters
    ----------
    lang : str, default "en"
        The language (:func:`mscteach.i18n.say`).

    Returns
    -------
    dict of str to str
        :attr:`Change.kind` to its heading.

    Examples
    --------
    >>> change_headings()["status"]
    'status changed'
    """
    gone = say("no longer included", lang)
    return {"new": say("new trials", lang), "status": say("status changed", lang),
            "enrolment": say("enrolment changed", lang), "other": say("other fields changed", lang),
            "removed": gone, "absent": gone, "blank": say("known values kept where the newer export is blank", lang)}


def _absent_reason(lang: str) -> str:
    """Why a trial the newer export does not hold is listed, and what an import does with it."""
    return say("not in the newer export (an import keeps it: only an export that excludes a trial removes it)", lang)


#: The heading each kind of change is listed under, in English (see :func:`change_headings`).
CHANGE_HEADINGS = change_headings("en")
#: Why a trial the newer export does not hold is listed, and what an import does with it (English).
ABSENT = _absent_reason("en")
#: The fields an export gives (the rest of a row is worked out from them, or is bookkeeping).
_EXPORTED = tuple(k for k in COMPARED if k != "registry_id")
#: Fields whose change is news, not a re-import: where and when the record was read.
_BOOKKEEPING = ("source_file", "imported_on")


def _short(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _status_text(row: dict[str, Any], lang: str) -> str:
    # the register's status labels are its vocabulary, shown in English as the register writes them
    return STATUS_LABELS.get(row.get("status") or "") or say("status not given", lang)


def _enrolment_text(row: dict[str, Any], lang: str) -> str:
    if row.get("enrolment") is None:
        return say("not given", lang)
    kind = row.get("enrolment_type")
    return f"{digits(row['enrolment'], lang)}{f' {kind}' if kind else ''}"


def changes_between(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]],
                    removed: dict[str, str] | None = None, lang: str = "en") -> list[Change]:
    """What changed from one set of registered-trial rows to the next (keyed by registry id).

    In the order they are shown: new trials, status changes, enrolment changes, other fields, trials no
    longer included; by registry id within each. Where and when a row was
    read (``source_file``, ``imported_on``) is not a change.

    Parameters
    ----------
    before : dict of str to dict
        The older rows (as :func:`~mscteach.registry.screening.trial_row`
        makes them), by registry id.
    after : dict of str to dict
        The newer rows, by registry id.
    removed : dict of str to str, optional
        Why trials are no longer included, by registry id; only those in
        ``before`` are reported.
    lang : str, default "en"
        The language of the words the changes' values are given in ("not given", "(none)").

    Returns
    -------
    list of Change

    Examples
    --------
    >>> old = {"NCT01": {"title": "MSC for cirrhosis", "status": "RECRUITING"}}
    >>> new = {"NCT01": {"title": "MSC for cirrhosis", "status": "COMPLETED"},
    ...        "NCT02": {"title": "UC-MSC in ACLF", "status": "RECRUITING"}}
    >>> [(c.kind, c.registry_id, c.after) for c in changes_between(old, new)]
    [('new', 'NCT02', 'recruiting'), ('status', 'NCT01', 'completed')]
    """
    changes = []
    for rid, row in sorted(after.items()):
        old = before.get(rid)
        if old is None:
            changes.append(Change("new", rid, row["title"], after=_status_text(row, lang)))
            continue
        if old.get("status") != row.get("status"):
            changes.append(Change("status", rid, row["title"], _status_text(old, lang), _status_text(row, lang)))
        if (old.get("enrolment"), old.get("enrolment_type")) != (row.get("enrolment"), row.get("enrolment_type")):
            changes.append(Change("enrolment", rid, row["title"], _enrolment_text(old, lang),
                                  _enrolment_text(row, lang)))
        changes += [Change("other", rid, row["title"], f"{k.replace('_', ' ')} {_value_text(old.get(k), lang)}",
                           _value_text(row.get(k), lang))
                    for k in row if k not in ("status", "enrolment", "enrolment_type", *_BOOKKEEPING)
                    and _comparable(old.get(k)) != _comparable(row.get(k))]
    for rid, reason in sorted((removed or {}).items()):
        if rid in before:
            changes.append(Change("removed", rid, before[rid]["title"], after=reason))
    return _in_order(changes)


def _in_order(changes: Sequence[Change]) -> list[Change]:
    kinds = list(CHANGE_HEADINGS)
    return sorted(changes, key=lambda c: (kinds.index(c.kind), c.registry_id))  # stable: one field after another


def _value_text(value: Any, lang: str) -> str:
    if value in (None, "", []):
        return say("(none)", lang)
    return "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _comparable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else (None if value in ("", []) else value)


def change_lines(changes: Sequence[Change], lang: str = "en") -> list[str]:
    """Changes grouped under headings, e.g. "status changed (1):" then one line per trial.

    Parameters
    ----------
    changes : sequence of Change
        The changes (from :func:`changes_between` or :func:`diff`).
    lang : str, default "en"
        The language of the headings and lines (:func:`change_headings`, :meth:`Change.describe`).

    Returns
    -------
    list of str
        A heading per kind that has changes, in :data:`CHANGE_HEADINGS` order,
        each followed by its changes indented by two spaces; a single line
        saying so when there are none.

    Examples
    --------
    >>> change_lines([Change("new", "NCT02", "UC-MSC in ACLF", after="recruiting")])
    ['new trials (1):', '  NCT02  recruiting  UC-MSC in ACLF']
    >>> change_lines([])
    ['no changes to the registered trials']
    """
    if not changes:
        return [say("no changes to the registered trials", lang)]
    headings = change_headings(lang)
    lines = []
    for heading in dict.fromkeys(headings.values()):
        chosen = [c for c in changes if headings[c.kind] == heading]
        if chosen:
            lines.append(say("{heading} ({n}):", lang, heading=heading, n=len(chosen)))
            lines += [f"  {c.describe(lang)}" for c in chosen]
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



def diff(old: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
         new: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
         data: str | os.PathLike[str] | None = None, lang: str = "en") -> list[Change]:
    """What changed between an older and a newer export (nothing is written).

    Both are screened with the data folder's rules; the result lists trials
    new in the newer export, status and enrolment changes, other changed
    fields, and trials the newer export no longer includes (excluded by the
    rules, or absent from it).

    Parameters
    ----------
    old : str, path-like, or sequence of them
        The older export files (see :func:`~mscteach.registry.read_exports`).
    new : str, path-like, or sequence of them
        The newer export files.
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.
    lang : str, default "en"
        The language of the changes' words (see :func:`compare`).

    Returns
    -------
    list of Change
        In the order of :func:`changes_between`.

    Raises
    ------
    RegistryError
        If an export cannot be read, a trial is given twice with different
        values, or the data folder has no screening rules.
    DataValidationError
        If the screening rules' tables are invalid.
    """
    older = read_exports(old)
    rules = read_rules(data_dir(data))  # once for both exports
    before, after = screen(older, rules=rules), screen(read_exports(new), rules=rules)
    return compare({r.registry_id: trial_row(r, v, "") for r, v in before.included}, after, lang=lang).changes


@dataclass(frozen=True)
class Comparison:
    """What a newer export makes of the registered trials known before it (see :func:`compare`).

    Parameters
    ----------
    rows : dict of str to dict
        The newer export's included trials as rows, by registry id, with the
        known values it leaves blank kept.
    changes : list of Change
        Everything that differs, in the order of :func:`changes_between`,
        with the trials the newer export does not hold ("absent") and the
        known values kept ("blank").
    """

    rows: dict[str, dict[str, Any]]
    changes: list[Change]


def compare(before: dict[str, dict[str, Any]], screening: Screening, today: str = "", lang: str = "en") -> Comparison:
    """The one comparison behind both ``registry diff`` and ``registry import``, so they list the same trials.

    A value the newer export leaves blank is not news: the older, known value
    stays (an enrolment type only while the enrolment itself is unchanged, as
    it describes that number), and is listed as kept.

    Parameters
    ----------
    before : dict of str to dict
        The known rows (the data folder's ``registered_trials``, or the older
        export's included trials), by registry id.
    screening : Screening
        The newer export, screened.
    today : str, default ""
        The newer rows' ``imported_on``.
    lang : str, default "en"
        The language of the words the changes' values are given in (as :func:`changes_between`), and
        of why an absent trial is listed.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> from mscteach.registry import Record, Verdict
    >>> old = Record("NCT01", "ClinicalTrials.gov", "MSC for cirrhosis", status="COMPLETED", enrolment=85,
    ...              enrolment_type="actual")
    >>> new = Record("NCT01", "ClinicalTrials.gov", "MSC for cirrhosis", status="COMPLETED", enrolment=85)
    >>> verdict = Verdict(True, "cirrhosis", "MSC", "")
    >>> result = compare({"NCT01": trial_row(old, verdict, "")}, Screening(1, included=[(new, verdict)]))
    >>> result.rows["NCT01"]["enrolment_type"], [str(c) for c in result.changes]
    ('actual', ['NCT01  enrolment type actual  MSC for cirrhosis'])
    """
    rows = {record.registry_id: trial_row(record, verdict, today) for record, verdict in screening.included}
    kept = [change for rid, row in rows.items() if rid in before for change in _keep_known(before[rid], row, lang)]
    excluded = {record.registry_id: reason for record, reason in screening.excluded}
    reason = _absent_reason(lang)
    absent = [Change("absent", rid, row["title"], after=reason) for rid, row in before.items()
              if rid not in rows and rid not in excluded]
    return Comparison(rows, _in_order([*changes_between(before, rows, excluded, lang), *absent, *kept]))


def _keep_known(old: dict[str, Any], row: dict[str, Any], lang: str) -> list[Change]:
    """Put back into ``row`` the values of ``old`` it leaves blank; one "blank" change for each."""
    kept = []
    for field in _EXPORTED:  # enrolment before its type
        if _comparable(row.get(field)) is not None or _comparable(old.get(field)) is None:
            continue
        if field == "enrolment_type" and _comparable(old.get("enrolment")) != _comparable(row.get("enrolment")):
            continue  # the old type described another number
        value = old[field]
        row[field] = list(value) if isinstance(value, (list, tuple)) else value
        if field == "phase_registered":
            row["phase"] = COURSE_PHASE.get(value)
        kept.append(Change("blank", row["registry_id"], row["title"], field.replace("_", " "),
                           _value_text(value, lang)))
    return kept
