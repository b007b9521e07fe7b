"""Registered trials (from registry imports) for readers: counts, what is ongoing, summaries in words.

Tables in, tables or sentences out. The register's vocabularies and their
readable labels (phase, status, which statuses are ongoing) belong to
:mod:`mscteach.registry`, which reads the exports, so they are taken from there.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from .. import i18n
from ..i18n import say
from ..stats import is_missing
from .filters import ALL, choose, one_of
from .words import plural

__all__ = [
    "REGISTERED_BY",
    "matching_registered",
    "ongoing",
    "ongoing_against_target",
    "registered_counts",
    "registered_overview",
    "registered_summary",
]

#: The registered-trial counts a chapter shows: by phase as registered, status, and start year.
REGISTERED_BY = ("phase", "status", "start year")


def registered_counts(trials: pd.DataFrame, by: str) -> pd.DataFrame:
    """How many registered trials there are per phase, status or start year.

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`.
    by : {"phase", "status", "start year"}
        Phases and statuses are in the registers' order with readable labels
        ("phase 1/2", "active, not recruiting"), "not given" last; years in
        order.

    Returns
    -------
    DataFrame
        ``label`` and ``trials``; only values that occur. A phase or status
        without a label (:data:`mscteach.registry.PHASE_LABELS`,
        :data:`~mscteach.registry.STATUS_LABELS`) is counted under its own
        value, after the labelled ones (sorted), before "not given".

    Raises
    ------
    UnknownNameError
        For a ``by`` outside :data:`REGISTERED_BY`.

    Examples
    --------
    >>> import pandas as pd
    >>> trials = pd.DataFrame({"registry_id": ["NCT01", "NCT02", "NCT03"],
    ...                        "status": ["RECRUITING", "COMPLETED", None],
    ...                        "phase_registered": ["PHASE2", "PHASE1|PHASE2", "PHASE2"],
    ...                        "start_date": ["2021-03", "2019-01-05", None],
    ...                        "enrolment": [60, 20, 100], "enrolment_type": ["ESTIMATED", "ACTUAL", None],
    ...                        "disease": ["ACLF", "cirrhosis", "ACLF"], "cell_type": ["UC-MSC", "BM-MSC", "UC-MSC"]})
    >>> registered_counts(trials, "phase")
           label  trials
    0  phase 1/2       1
    1    phase 2       2
    >>> registered_counts(trials, "start year")["label"].tolist()
    ['2019', '2021', 'not given']
    """
    from ..registry import PHASE_LABELS, STATUS_LABELS

    one_of(by, REGISTERED_BY, "by")
    if by == "start year":
        years = trials["start_date"].astype("string").str[:4]
        counts = years.fillna("not given").value_counts()
        order = sorted(k for k in counts.index if k != "not given") + (["not given"] if "not given" in counts else [])
        return pd.DataFrame({"label": order, "trials": [int(counts[k]) for k in order]})
    column, labels = ("phase_registered", PHASE_LABELS) if by == "phase" else ("status", STATUS_LABELS)
    values = trials[column].astype(object).where(trials[column].notna(), None)
    counts = values.map(lambda v: "not given" if v is None else v).value_counts()
    # a value the labels do not know (a register's newer token) is still a trial: shown as it is written
    unlabelled = sorted((k for k in counts.index if k not in labels and k != "not given"), key=str)
    order = ([k for k in labels if k in counts.index] + unlabelled
             + (["not given"] if "not given" in counts.index else []))
    return pd.DataFrame({"label": [labels.get(k, k) for k in order], "trials": [int(counts[k]) for k in order]})


def ongoing(trials: pd.DataFrame) -> pd.Series:
    """Whether each registered trial is under way or about to start (not yet recruiting ... active, not recruiting).

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`, or a selection (``status`` is used).

    Returns
    -------
    Series of bool
        True where ``status`` is in :data:`mscteach.registry.ONGOING`; False for any other
        status or none. With ``trials``' index.

    Examples
    --------
    >>> import pandas as pd
    >>> ongoing(pd.DataFrame({"status": ["RECRUITING", "COMPLETED", None]})).tolist()
    [True, False, False]
    """
    from ..registry import ONGOING

    return trials["status"].isin(ONGOING).fillna(False).astype(bool)


def registered_overview(trials: pd.DataFrame) -> pd.DataFrame:
    """Registered trials for readers: id, title, disease, cells, phase, status, enrolment, start, published study.

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`, or a selection.

    Returns
    -------
    DataFrame
        Columns ``registry id``, ``title``, ``disease``, ``cells``, ``phase`` and
        ``status`` (readable labels), ``enrolment`` (e.g. ``"60 (ESTIMATED)"``,
        empty when not given), ``start`` and ``published as`` (the study of the
        review, when the table has ``published_study_id``); fresh index.

    Examples
    --------
    >>> import pandas as pd
    >>> trials = pd.DataFrame({"registry_id": ["NCT01"], "title": ["UC-MSC in ACLF"], "disease": ["ACLF"],
    ...                        "cell_type": ["UC-MSC"], "phase_registered": ["PHASE1|PHASE2"],
    ...                        "status": ["RECRUITING"], "enrolment": [60], "enrolment_type": ["ESTIMATED"],
    ...                        "start_date": ["2021-03"], "published_study_id": [None]})
    >>> registered_overview(trials).loc[0, ["phase", "status", "enrolment"]].tolist()
    ['phase 1/2', 'recruiting', '60 (ESTIMATED)']
    """
    from ..registry import PHASE_LABELS, STATUS_LABELS

    def enrolment(n: Any, kind: Any) -> str:
        if is_missing(n):
            return ""
        return f"{int(n)}" + ("" if is_missing(kind) else f" ({kind})")

    view = pd.DataFrame({
        "registry id": trials["registry_id"],
        "title": trials["title"],
        "disease": trials["disease"],
        "cells": trials["cell_type"],
        "phase": trials["phase_registered"].map(lambda v: None if is_missing(v) else PHASE_LABELS.get(v, v)),
        "status": trials["status"].map(lambda v: None if is_missing(v) else STATUS_LABELS.get(v, v)),
        "enrolment": [enrolment(n, k) for n, k in zip(trials["enrolment"], trials["enrolment_type"])],
        "start": trials["start_date"],
        "published as": trials["published_study_id"] if "published_study_id" in trials else None,
    })
    return view.reset_index(drop=True)


def registered_summary(trials: pd.DataFrame, last_import: dict[str, Any] | None = None,
                       lang: str | None = None) -> str:
    """The registered trials in numbers, in words (Markdown): how many, how many ongoing, how many published.

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials` (published results are
        counted from ``published_study_id`` when it is there).
    last_import : dict, optional
        :func:`mscteach.registry.last_import`: its PRISMA counts (``imported_on``,
        ``records_read``, ``duplicates_removed``, ``excluded``, ``included``) are stated when given.
    lang : str, optional
        The language (default: the one figures are shown in, :mod:`mscteach.i18n`).

    Returns
    -------
    str
        One or two Markdown sentences.

    Examples
    --------
    >>> import pandas as pd
    >>> print(registered_summary(pd.DataFrame({"status": ["RECRUITING", "COMPLETED"]}), lang="en"))
    The data folder holds **2 registered trials** of cell therapies in liver disease; 1 is ongoing (not yet
    recruiting, recruiting, enrolling by invitation or active). **0 of 2** have published results in the data
    (a study of the review whose `registry_id` names the trial).
    """
    n = len(trials)
    published = int(trials["published_study_id"].notna().sum()) if "published_study_id" in trials else 0
    going = int(ongoing(trials).sum())
    text = say("The data folder holds **{n} registered {trial_word}** of cell therapies in liver disease; {going} "
               "{is_word} ongoing (not yet recruiting, recruiting, enrolling by invitation or active). **{published} "
               "of {n}** {has_word} published results in the data (a study of the review whose `registry_id` names "
               "the trial).", lang,
               n=n, trial_word=plural(n, "trial", "trials"), going=going, is_word=plural(going, "is", "are"),
               published=published, has_word=plural(published, "has", "have"))
    if last_import:
        c = last_import
        text += " " + say("The last import ({imported_on}) read {read} {record_word}: {duplicates} {duplicate_word} "
                          "removed, {excluded} excluded (not a cell therapy, or not a liver disease), {included} "
                          "included.", lang, imported_on=i18n.digits(c["imported_on"], lang),
                          read=int(c["records_read"]), record_word=plural(int(c["records_read"]), "record", "records"),
                          duplicates=int(c["duplicates_removed"]),
                          duplicate_word=plural(int(c["duplicates_removed"]), "duplicate", "duplicates"),
                          excluded=int(c["excluded"]), included=int(c["included"]))
    return text


def ongoing_against_target(trials: pd.DataFrame, per_arm: int) -> pd.DataFrame:
    """Ongoing phase 2, 2/3 and 3 trials' enrolment against a powered two-arm trial (``2 × per_arm`` patients).

    Phase 1/2 trials test safety and dose, so only phase 2, 2/3 and 3 trials are
    held to a powered comparison.

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`, or a selection.
    per_arm : int
        The patients per arm a powered trial needs (e.g. from :func:`mscteach.stats.trial_size`).

    Returns
    -------
    DataFrame
        ``trial`` (registry id), ``phase``, ``status``, ``enrolment``,
        ``enrolment_type`` and ``share_of_target`` (enrolment ÷ (2 × per_arm), 2
        decimals), smallest share first, then by id; ongoing trials that give no
        enrolment are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> trials = pd.DataFrame({"registry_id": ["NCT01", "NCT02", "NCT03"],
    ...                        "status": ["RECRUITING", "COMPLETED", None],
    ...                        "phase_registered": ["PHASE2", "PHASE1|PHASE2", "PHASE2"],
    ...                        "start_date": ["2021-03", "2019-01-05", None],
    ...                        "enrolment": [60, 20, 100], "enrolment_type": ["ESTIMATED", "ACTUAL", None],
    ...                        "disease": ["ACLF", "cirrhosis", "ACLF"], "cell_type": ["UC-MSC", "BM-MSC", "UC-MSC"]})
    >>> ongoing_against_target(trials, per_arm=93)[["trial", "enrolment", "share_of_target"]]
       trial  enrolment  share_of_target
    0  NCT01         60             0.32
    """
    from ..registry import PHASE_LABELS, STATUS_LABELS

    # phase 1/2 trials test safety and dose: a powered comparison is asked of phase 2 and 3 only
    chosen = trials[ongoing(trials) & trials["phase_registered"].isin(["PHASE2", "PHASE2|PHASE3", "PHASE3"])
                    .fillna(False).astype(bool) & trials["enrolment"].notna()]
    view = pd.DataFrame({
        "trial": chosen["registry_id"],
        "phase": chosen["phase_registered"].map(lambda v: PHASE_LABELS.get(v, v)),
        "status": chosen["status"].map(lambda v: STATUS_LABELS.get(v, v)),
        "enrolment": chosen["enrolment"].astype("Int64"),
        "enrolment_type": chosen["enrolment_type"],
        "share_of_target": (chosen["enrolment"].astype(float) / (2 * per_arm)).round(2),
    })
    return view.sort_values(["share_of_target", "trial"], kind="stable").reset_index(drop=True)


def matching_registered(trials: pd.DataFrame, disease: Any = ALL, cell_type: Any = ALL,
                        status: str = ALL) -> pd.DataFrame:
    """Registered trials matching a question's disease and cells; ``status`` "ongoing", "finished" or "all".

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`, or a selection.
    disease, cell_type : str or list of str, default "all"
        Filters as in :func:`~mscteach.evidence.choose`.
    status : {"all", "ongoing", "finished"}, default "all"
        "ongoing" keeps the trials :func:`ongoing` marks; "finished" every other
        one (completed, terminated, withdrawn, unknown, or no status given).

    Returns
    -------
    DataFrame
        The matching trials in the table's order, with a fresh index.

    Raises
    ------
    UnknownNameError
        For an unknown ``status``, or a table without ``disease`` or ``cell_type``.

    Examples
    --------
    >>> import pandas as pd
    >>> trials = pd.DataFrame({"registry_id": ["NCT01", "NCT02", "NCT03"],
    ...                        "status": ["RECRUITING", "COMPLETED", None],
    ...                        "phase_registered": ["PHASE2", "PHASE1|PHASE2", "PHASE2"],
    ...                        "start_date": ["2021-03", "2019-01-05", None],
    ...                        "enrolment": [60, 20, 100], "enrolment_type": ["ESTIMATED", "ACTUAL", None],
    ...                        "disease": ["ACLF", "cirrhosis", "ACLF"], "cell_type": ["UC-MSC", "BM-MSC", "UC-MSC"]})
    >>> matching_registered(trials, disease="ACLF", status="finished")["registry_id"].tolist()
    ['NCT03']
    """
    chosen = choose(trials, disease=disease, cell_type=cell_type)
    one_of(status, ["ongoing", "finished"], "status")
    if status == "ongoing":
        chosen = chosen[ongoing(chosen)]
    elif status == "finished":
        chosen = chosen[~ongoing(chosen)]
    return chosen.reset_index(drop=True)
