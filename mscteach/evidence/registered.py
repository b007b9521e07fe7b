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
        ``label`` and ``trials``; only values that occur.
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
    order = [k for k in labels if k in counts.index] + (["not given"] if "not given" in counts.index else [])
    return pd.DataFrame({"label": [labels.get(k, k) for k in order], "trials": [int(counts[k]) for k in order]})


def ongoing(trials: pd.DataFrame) -> pd.Series:
    """Whether each registered trial is under way or about to start (not yet recruiting ... active, not recruiting)."""
    from ..registry import ONGOING

    return trials["status"].isin(ONGOING).fillna(False).astype(bool)


def registered_overview(trials: pd.DataFrame) -> pd.DataFrame:
    """Registered trials for readers: id, title, disease, cells, phase, status, enrolment, start, published study."""
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

    ``last_import`` is :func:`mscteach.registry.last_import` (its PRISMA counts are stated when given);
    ``lang`` the language (default: the one figures are shown in, :mod:`mscteach.i18n`).
    """
    n = len(trials)
    published = int(trials["published_study_id"].notna().sum()) if "published_study_id" in trials else 0
    going = int(ongoing(trials).sum())
    text = say("The data folder holds **{n} registered {trial_word}** of cell therapies in liver disease; {going} "
               "{is_word} ongoing (not yet recruiting, recruiting or active). **{published} of {n}** {has_word} "
               "published results in the data (a study of the review whose `registry_id` names the trial).", lang,
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

    Returns ``trial`` (registry id), ``phase``, ``status``, ``enrolment``,
    ``enrolment_type`` and ``share_of_target`` (enrolment ÷ 2 × per_arm), smallest share first; trials that
    give no enrolment are left out.
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
    """Registered trials matching a question's disease and cells; ``status`` "ongoing", "finished" or "all"."""
    chosen = choose(trials, disease=disease, cell_type=cell_type)
    one_of(status, ["ongoing", "finished"], "status")
    if status == "ongoing":
        chosen = chosen[ongoing(chosen)]
    elif status == "finished":
        chosen = chosen[~ongoing(chosen)]
    return chosen.reset_index(drop=True)
