"""What the outcomes let one pool: every two-arm binary outcome meta-analysed, and a sentence saying so."""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..i18n import say, say_n
from ..stats import TIMEPOINT_NOT_STATED, MetaAnalysisResult, binary_outcomes, meta_analysis

__all__ = ["SUBGROUP_MIN_STUDIES", "pool_outcomes", "poolability_statement", "poolable_outcomes", "pooling_overview",
           "subgroup_statement"]


def pool_outcomes(outcomes: pd.DataFrame, clinical: pd.DataFrame, measure: str = "RR",
                  method: str = "DL") -> list[tuple[str, str, MetaAnalysisResult]]:
    """A meta-analysis of every two-arm binary outcome in the data, one per outcome and time point.

    The rows come from :func:`~mscteach.stats.binary_outcomes`; each group is
    pooled by :func:`~mscteach.stats.meta_analysis` (random effects on the log
    scale, normal 95% CI).

    Parameters
    ----------
    outcomes, clinical : DataFrame
        The ``outcomes`` and ``clinical_studies`` tables (or a selection of them).
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio.
    method : {"DL", "PM", "REML"}, default "DL"
        The τ² estimator.

    Returns
    -------
    list of (str, str, MetaAnalysisResult)
        ``(outcome, timepoint, result)`` sorted by outcome, then time point; a
        result whose ``pooled`` is False says in ``reason`` why nothing could
        be pooled (one study only, or studies without events).

    Raises
    ------
    UnknownNameError
        For an unknown measure or method (only when there is an outcome to pool).

    Examples
    --------
    >>> import mscteach
    >>> pooled = pool_outcomes(mscteach.load("outcomes"), mscteach.load("clinical_studies"))
    >>> [(outcome, timepoint, result.pooled) for outcome, timepoint, result in pooled]
    [('HCC', '24 weeks', False), ('severe infection', 'time point not stated', False)]
    """
    wide = binary_outcomes(outcomes, clinical)
    return [(outcome, timepoint, meta_analysis(rows, measure, method))
            for (outcome, timepoint), rows in wide.groupby(["outcome", "timepoint"], sort=True)]


def poolable_outcomes(outcomes: pd.DataFrame, clinical: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`binary_outcomes` whose outcome and time point have a pooled estimate.

    Pooling is by :func:`pool_outcomes` with its defaults (risk ratio, DerSimonian-Laird).

    Parameters
    ----------
    outcomes, clinical : DataFrame
        The ``outcomes`` and ``clinical_studies`` tables (or a selection of them).

    Returns
    -------
    DataFrame
        :func:`binary_outcomes`' columns, with a fresh index; empty when nothing can be pooled.

    Examples
    --------
    >>> import mscteach
    >>> len(poolable_outcomes(mscteach.load("outcomes"), mscteach.load("clinical_studies")))  # one study each
    0
    """
    wide = binary_outcomes(outcomes, clinical)
    pooled = {(o, t) for o, t, result in pool_outcomes(outcomes, clinical) if result.pooled}
    keep = [(o, t) in pooled for o, t in zip(wide["outcome"], wide["timepoint"])]
    return wide[keep].reset_index(drop=True)


def pooling_overview(outcomes: pd.DataFrame, clinical: pd.DataFrame, measure: str = "RR",
                     method: str = "DL", lang: str | None = None) -> pd.DataFrame:
    """What can be pooled: one row per binary outcome and time point, with the pooled estimate or why not.

    Parameters
    ----------
    outcomes, clinical : DataFrame
        The ``outcomes`` and ``clinical_studies`` tables (or a selection of them).
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio.
    method : {"DL", "PM", "REML"}, default "DL"
        The τ² estimator.
    lang : str, optional
        The language of ``result``; by default the one figures are shown in (:mod:`mscteach.i18n`).

    Returns
    -------
    DataFrame
        Columns ``outcome``, ``timepoint``, ``studies`` (reporting it in both
        arms), ``pooled`` (bool), ``result`` (:meth:`MetaAnalysisResult.summary
        <mscteach.stats.MetaAnalysisResult.summary>`: the summary line, or the
        reason) and ``warnings`` (joined by "; "); in the order of :func:`pool_outcomes`.

    Examples
    --------
    >>> import mscteach
    >>> overview = pooling_overview(mscteach.load("outcomes"), mscteach.load("clinical_studies"), lang="en")
    >>> overview[["outcome", "studies", "pooled"]]
                outcome  studies  pooled
    0               HCC        1   False
    1  severe infection        1   False
    """
    rows = [{"outcome": o, "timepoint": t, "studies": len(r.studies), "pooled": r.pooled,
             "result": r.summary(lang), "warnings": "; ".join(r.warnings)}
            for o, t, r in pool_outcomes(outcomes, clinical, measure, method)]
    return pd.DataFrame(rows, columns=["outcome", "timepoint", "studies", "pooled", "result", "warnings"])


def poolability_statement(outcomes: pd.DataFrame, clinical: pd.DataFrame, lang: str | None = None) -> str:
    """A sentence (Markdown) saying what the data let one pool, computed from the data.

    Pooling is by :func:`pooling_overview` with its defaults (risk ratio,
    DerSimonian-Laird, normal 95% CI).

    Parameters
    ----------
    outcomes, clinical : DataFrame
        The ``outcomes`` and ``clinical_studies`` tables (or a selection of them).
    lang : str, optional
        The language (default: the one figures are shown in, :mod:`mscteach.i18n`).

    Returns
    -------
    str
        One Markdown sentence: how many outcomes can be pooled, each with its
        pooled estimate; or that nothing can and what is reported.

    Examples
    --------
    >>> import mscteach
    >>> print(poolability_statement(mscteach.load("outcomes"), mscteach.load("clinical_studies")))
    ... # doctest: +ELLIPSIS
    **Nothing can be pooled**: ...
    """
    overview = pooling_overview(outcomes, clinical, lang=lang)
    pooled = overview[overview["pooled"]]
    if overview.empty:
        return say("**Nothing can be pooled**: no study reports an outcome as events and totals in both a "
                   "treated and a control arm.", lang)
    separator = say("; ", lang)
    if pooled.empty:
        listed = separator.join(say_n("{outcome}: {n} study", "{outcome}: {n} studies", r.studies, lang,
                                      outcome=_outcome_label(r.outcome, r.timepoint, lang))
                                for r in overview.itertuples())
        return say("**Nothing can be pooled**: a pooled estimate needs the same outcome, at the same time point, "
                   "counted as events out of patients in both arms by at least two studies with events. "
                   "Outcomes reported that way: {listed}.", lang, listed=listed)
    listed = separator.join(f"{_outcome_label(r.outcome, r.timepoint, lang)}: {r.result}"
                            for r in pooled.itertuples())
    return say_n("**{n} outcome can be pooled**: {listed}.", "**{n} outcomes can be pooled**: {listed}.", len(pooled),
                 lang, listed=listed)


def _outcome_label(outcome: str, timepoint: str, lang: str | None = None) -> str:
    if timepoint == TIMEPOINT_NOT_STATED:
        return say("{outcome} ({timepoint})", lang, outcome=i18n.text(outcome, lang),
                   timepoint=i18n.text(timepoint, lang))
    return say("{outcome} at {timepoint}", lang, outcome=i18n.text(outcome, lang), timepoint=i18n.text(timepoint, lang))


#: Studies a subgroup needs before its pooled estimate is compared with another's.
SUBGROUP_MIN_STUDIES = 2


def subgroup_statement(outcomes: pd.DataFrame, clinical: pd.DataFrame, by: str = "cell_type",
                       lang: str | None = None) -> str:
    """Whether the outcomes allow a subgroup analysis by a study characteristic, and its result where they do.

    A subgroup analysis compares pooled estimates, so it is run for an outcome
    (and time point) only where at least two subgroups of ``by`` each have
    :data:`SUBGROUP_MIN_STUDIES` or more studies with a two-arm count; the
    test is :func:`mscteach.stats.subgroup_analysis` (random effects, DL).
    Otherwise the sentence says why there is none.

    Parameters
    ----------
    outcomes, clinical : DataFrame
        The ``outcomes`` and ``clinical_studies`` tables (or a selection of them).
    by : str, default "cell_type"
        A ``clinical_studies`` column to form the subgroups.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        One sentence per outcome analysed, or one saying why none is.

    Raises
    ------
    UnknownNameError
        If ``by`` is not a column of ``clinical``.

    Examples
    --------
    >>> import mscteach
    >>> subgroup_statement(mscteach.load("outcomes"), mscteach.load("clinical_studies"), lang="en")
    'No subgroup analysis: no outcome is counted in both arms by two or more studies.'
    """
    from ..errors import UnknownNameError
    from ..stats import subgroup_analysis

    if by not in clinical.columns:
        raise UnknownNameError("subgroup column", by, list(clinical.columns))
    wide = binary_outcomes(outcomes, clinical)
    wide = wide.assign(subgroup=wide["study_id"].map(clinical.set_index("study_id")[by]))
    sentences, poolable = [], False
    for (outcome, timepoint), rows in wide.groupby(["outcome", "timepoint"], sort=True):
        informative = rows[(rows["events_treated"] + rows["events_control"]) > 0]
        if len(informative) < 2:
            continue
        poolable = True
        sizes = informative["subgroup"].value_counts()
        if int((sizes >= SUBGROUP_MIN_STUDIES).sum()) < 2:
            continue
        result = subgroup_analysis(informative, by="subgroup")
        sentences.append(say("{outcome} by {by}: test for subgroup differences Q = {q:.2f}, df = {df}, p = {p:.3g} "
                             "({k} studies; with fewer than about ten studies per characteristic the test has "
                             "little power).", lang, outcome=_outcome_label(outcome, timepoint, lang),
                             by=i18n.text(by.replace("_", " "), lang), q=result.q_between, df=result.df,
                             p=result.p_value, k=len(informative)))
    if sentences:
        return " ".join(sentences)
    if not poolable:
        return say("No subgroup analysis: no outcome is counted in both arms by two or more studies.", lang)
    return say("No subgroup analysis by {by}: no outcome has two or more subgroups of at least {n} studies each.",
               lang, by=i18n.text(by.replace("_", " "), lang), n=SUBGROUP_MIN_STUDIES)
