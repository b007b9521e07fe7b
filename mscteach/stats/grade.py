"""GRADE summary of findings: a transparent, rule-based first pass at the certainty of evidence.

One row per outcome: the studies and participants, the relative effect with its
CI, the absolute effect per 1000 patients (from the control arms' risk), and the
certainty (High, Moderate, Low, Very low) with the reason for every step down.
It is a **first pass by rules**, labelled so wherever it is shown: a teacher
or a review team makes the real judgement, and can record it in a
``grade_overrides`` CSV (outcome, domain, decision, reason) that the table
honours and marks as an override.

The rules (GRADE handbook, Schünemann et al. 2013, sections 5.1-5.2):

* **Start**: High when every study is a randomised trial, Low otherwise (5.1).
* **Risk of bias** (5.2.1): read from a teacher's RoB 2 judgments when given
  (:func:`mscteach.stats.rob2.read_judgments`; the review assessed none). GRADE
  judges by the studies that contribute most of the information, not by an
  average, so the rule weighs each study's *overall* RoB 2 judgment by its
  share of the information: its random-effects weight when the outcome is
  pooled, all of it for the one study with an estimate, its share of the
  participants when no study gives an estimate (studies with no weight carry
  no information). Studies at high risk carrying at least half the information:
  very serious (two steps down); studies at some concerns or high risk carrying
  at least half: serious (one step); otherwise not serious. "At least half"
  (not "more than") is the conservative side of a tie. A study without a
  judgment for the outcome is never counted as low: if the judged studies alone
  (the others counted as low) already give a step down, that step is taken
  ("at least"); otherwise the domain is "not assessed" (an assumption, listed in
  ``assumed``). Without judgments the domain is "not assessed", and an override
  decides over both.
* **Inconsistency** (5.2.2): one step down when I² is at least 50% *and* the
  study estimates fall on both sides of no effect; not applicable to one study.
* **Indirectness** (5.2.3): one step down when the studies are of another
  disease than the question's, or of several diseases pooled for one question.
* **Imprecision** (5.2.4): one step down when the CI includes no effect, one
  when the participants fall short of the optimal information size (a trial
  powered, at α 0.05 and 80%, to detect a relative risk reduction of 25% from
  the control arms' risk: GRADE's usual default); two at most.
* **Publication bias** (5.2.5): not assessable with fewer than 10 studies; not
  assessed with more (look at a funnel plot), so no step down.

A domain left "not assessed" or "not assessable" (and not overridden) is an
assumption, never a judgement: each row lists such domains in ``assumed`` apart
from those ``judged`` (by the rules from the data, or by an override), and says
in ``counts_from`` whether its counts are the review's or come from the studies'
published reports (the sources file).

No rule here ever raises the certainty (GRADE's large-effect and dose-response
upgrades are left to the reader).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..data import randomised_designs, read_user_table
from ..errors import MscteachError, ParameterError
from .effects import TIMEPOINT_NOT_STATED, binary_outcomes, study_effects
from .meta_analysis import meta_analysis
from .power import trial_size
from .rob2 import JUDGMENTS

__all__ = ["COUNTS_FROM", "DOMAINS", "DECISIONS", "LEVELS", "UNJUDGED", "certainty_symbols", "read_overrides",
           "source_kind", "summary_of_findings"]

LEVELS = ["Very low", "Low", "Moderate", "High"]
DOMAINS = ["risk of bias", "inconsistency", "indirectness", "imprecision", "publication bias"]
#: A domain's decision that is no judgement: it counts as no step down, and the row lists it as assumed.
UNJUDGED = ("not assessed", "not assessable")
#: Where a summary's counts come from (``counts_from``), by the kinds of the outcome rows' ``source``
#: (:func:`source_kind`): the review, the sources file, or another source (one a teacher's row names).
COUNTS_FROM = {("the review",): "the review", ("the sources file",): "the sources file",
               ("the review", "the sources file"): "the review and the sources file",
               ("other sources",): "other sources", ("other sources", "the sources file"): "other sources",
               ("other sources", "the review"): "the review and other sources",
               ("other sources", "the review", "the sources file"): "the review and other sources"}
#: What an override may decide for a domain, and how many steps down each means.
DECISIONS = {"not serious": 0, "serious": 1, "very serious": 2}
FIRST_PASS = "Rule-based first pass (see mscteach.stats.grade); the certainty is a judgement: check and override it."

def certainty_symbols(level: str) -> str:
    """GRADE's symbols for a certainty level: ⊕⊕⊕⊕ High ... ⊕◯◯◯ Very low.

    Parameters
    ----------
    level : str
        One of :data:`LEVELS`: ``"Very low"``, ``"Low"``, ``"Moderate"``, ``"High"``.

    Returns
    -------
    str
        Four symbols, one filled circle (⊕) per level from Very low up, empty (◯) for the rest.

    Raises
    ------
    ValueError
        If ``level`` is not one of :data:`LEVELS`.

    Examples
    --------
    >>> certainty_symbols("Moderate"), certainty_symbols("Very low")
    ('⊕⊕⊕◯', '⊕◯◯◯')
    """
    filled = LEVELS.index(level) + 1
    return "⊕" * filled + "◯" * (4 - filled)


def read_overrides(path: str | Path) -> pd.DataFrame:
    """A teacher's ``grade_overrides`` CSV, validated before use.

    The file is read by :func:`mscteach.data.read_user_table` against the
    shipped ``grade_overrides`` Table Schema: exactly the columns
    ``outcome``, ``domain``, ``decision``, ``reason``, every cell filled,
    ``domain`` one of :data:`DOMAINS` and ``decision`` one of
    :data:`DECISIONS`. Rows with every cell empty are skipped.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8, with or without a byte-order mark).

    Returns
    -------
    DataFrame
        Columns ``outcome``, ``domain``, ``decision``, ``reason`` (strings, object dtype), one row
        per override in the file's order; pass it as ``overrides`` to :func:`summary_of_findings`.

    Raises
    ------
    DataValidationError
        Listing every problem, each naming the file, row, field, value and the allowed values
        (also when the file is missing, empty or not UTF-8). A subclass of
        :class:`~mscteach.errors.MscteachError`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "grade_overrides.csv"
    >>> _ = path.write_text("outcome,domain,decision,reason\\n"
    ...                     "severe infection,risk of bias,serious,open-label trial\\n", encoding="utf-8")
    >>> read_overrides(path)
                outcome        domain decision            reason
    0  severe infection  risk of bias  serious  open-label trial
    """
    rows = read_user_table(path, "grade_overrides", what="grade overrides")
    cols = ["outcome", "domain", "decision", "reason"]
    return pd.DataFrame([[r[c] for c in cols] for r in rows], columns=cols, dtype=object)


def _overrides_by_key(overrides: pd.DataFrame | None) -> dict[tuple[str, str], tuple[str, str]]:
    if overrides is None or overrides.empty:
        return {}
    return {(str(r.outcome), str(r.domain)): (str(r.decision), str(r.reason)) for r in overrides.itertuples()}


def _absolute(control_risk: float, ratio: float) -> float:
    return 1000 * control_risk * (ratio - 1)


def source_kind(source: object) -> str:
    """Which kind of source an ``outcomes`` row's ``source`` names: the review, the sources file, or another.

    Parameters
    ----------
    source : object
        An ``outcomes.source`` cell.

    Returns
    -------
    str
        "the review" (it starts so), "the sources file" (it names ``data/source/`` or an abstract of a
        reference, as the curated rows do) or "other sources" (anything else: a teacher's own source).

    Examples
    --------
    >>> source_kind("abstract of ref 26 (data/source/clinical-studies-published-figures.md)")
    'the sources file'
    >>> source_kind("added by a teacher")
    'other sources'
    """
    text = str(source).strip().lower()
    if text.startswith("the review"):
        return "the review"
    if "data/source/" in text or text.startswith("abstract of ref"):
        return "the sources file"
    return "other sources"


def _counts_from(outcomes: pd.DataFrame, outcome: str, timepoint: str, study_ids: pd.Series) -> str:
    """Whether the counts pooled for one outcome and time point are the review's, the sources file's, or others'."""
    if "source" not in outcomes:
        return "not stated"
    timepoints = outcomes["timepoint"].fillna(TIMEPOINT_NOT_STATED)
    rows = outcomes[(outcomes["outcome"] == outcome) & (timepoints == timepoint)
                    & outcomes["study_id"].isin(list(study_ids)) & outcomes["events"].notna()]
    kinds = tuple(sorted({source_kind(s) for s in rows["source"].dropna()}))
    return COUNTS_FROM.get(kinds, "not stated")


def _judgments_by_key(risk_of_bias: pd.DataFrame | None) -> dict[tuple[str, str], str] | None:
    """The overall RoB 2 judgment by (study_id, outcome); None when no table is given."""
    if risk_of_bias is None:
        return None
    missing = [c for c in ("study_id", "outcome", "overall") if c not in risk_of_bias.columns]
    if missing:
        raise ParameterError(f"risk_of_bias lacks the column(s) {', '.join(missing)}: pass the table "
                             f"mscteach.stats.rob2.read_judgments reads")
    judged = {}
    for row in risk_of_bias.itertuples(index=False):
        overall = str(row.overall).strip().lower()
        if overall not in JUDGMENTS:
            raise ParameterError(f"risk_of_bias: study {row.study_id!r}, outcome {row.outcome!r}: the overall "
                                 f"judgment {row.overall!r} is not allowed; allowed: {', '.join(JUDGMENTS)}")
        judged[(str(row.study_id).strip(), str(row.outcome).strip())] = overall
    return judged


def _information_shares(studies: pd.DataFrame, effects: pd.DataFrame, result: Any) -> tuple[dict[str, float], str]:
    """Each study's share of the information for one outcome (those with none left out), and what the shares are."""
    if result is not None and result.pooled:
        weights = result.studies.set_index("study_id")["weight_random"].dropna()
        return {str(s): float(w) / 100 for s, w in weights.items() if w > 0}, "random-effects weights"
    informative = effects[effects["included"]]
    if len(informative) == 1:
        return {str(informative["study_id"].iloc[0]): 1.0}, "the one study with an estimate"
    size = studies["n_treated"] + studies["n_control"]
    total = float(size.sum())
    return ({str(s): float(n) / total for s, n in zip(studies["study_id"], size) if n > 0} if total else {},
            "shares of the participants: no study gives an estimate")


def _risk_of_bias(judged: dict[tuple[str, str], str] | None, outcome: str, shares: dict[str, float],
                  basis: str) -> tuple[str, int, str]:
    """The risk-of-bias domain of one outcome from its studies' overall RoB 2 judgments (see the module's rules)."""
    if judged is None:
        return ("not assessed", 0, "not assessed from the review")
    by_study = {s: judged.get((s, outcome)) for s in shares}
    unjudged = sorted(s for s, j in by_study.items() if j is None)
    if len(unjudged) == len(by_study):
        return ("not assessed", 0, f"no RoB 2 judgment for {', '.join(unjudged) or 'any study'}")
    high = sum(shares[s] for s, j in by_study.items() if j == "high")
    concerns = high + sum(shares[s] for s, j in by_study.items() if j == "some concerns")
    if high >= 0.5:
        decision, steps, why = "very serious", 2, f"studies at high risk of bias carry {high:.0%} of the information"
    elif concerns >= 0.5:
        decision, steps, why = "serious", 1, (f"studies at some concerns or high risk of bias carry {concerns:.0%} "
                                              f"of the information")
    else:
        decision, steps, why = ("not serious", 0,
                                f"studies at low risk of bias carry {1 - concerns:.0%} of the information")
    why += f" ({basis}; RoB 2 overall judgments)"
    if unjudged:
        missing = sum(shares[s] for s in unjudged)
        note = f"no RoB 2 judgment for {', '.join(unjudged)} ({missing:.0%} of the information)"
        if steps == 0:  # an unjudged study is never counted as low risk: nothing is known
            return ("not assessed", 0, note)
        why = f"at least {decision}: {why}; {note}"
    return (decision, steps, why)


def _per_1000(value: float) -> str:
    n = round(abs(value))
    return "no difference" if n == 0 else f"{n} {'fewer' if value < 0 else 'more'}"


def summary_of_findings(outcomes: pd.DataFrame, clinical: pd.DataFrame, disease: str | None = None,
                        measure: str = "RR", method: str = "DL", relative_risk_reduction: float = 0.25,
                        alpha: float = 0.05, power: float = 0.8,
                        overrides: pd.DataFrame | None = None,
                        risk_of_bias: pd.DataFrame | None = None) -> pd.DataFrame:
    """A GRADE summary-of-findings table for the two-arm binary outcomes in the data.

    Each outcome and time point is pooled with :func:`~mscteach.stats.meta_analysis`
    (random effects, normal-approximation CI on the log-ratio scale, shown back on
    the ratio scale) when two or more studies report it, or shown as the one
    study's own ratio. The absolute effect applies the relative effect and its
    CI to the control arms' pooled risk. The certainty follows the rules in
    this module's introduction; which designs count as randomised is read
    from the schema (:func:`mscteach.data.randomised_designs`, of the default
    data folder).

    Parameters
    ----------
    outcomes, clinical : DataFrame
        The ``outcomes`` and ``clinical_studies`` tables (or a selection of them).
    disease : str, optional
        The question's population: studies of other diseases count as indirect.
        By default (None), studies of several diseases pooled for one outcome do.
    measure : {"RR", "OR"}, default "RR"
        The relative effect: risk ratio or odds ratio.
    method : {"DL", "PM", "REML"}, default "DL"
        The τ² estimator of the random-effects model (see :func:`~mscteach.stats.meta_analysis`).
    relative_risk_reduction : float, default 0.25
        The effect the optimal information size is computed for (GRADE's default), in (0, 1).
    alpha : float, default 0.05
        1 - confidence level of the intervals, and the two-sided significance level of the
        optimal-information-size calculation.
    power : float, default 0.8
        Of the optimal-information-size calculation (:func:`~mscteach.stats.trial_size`, both arms).
    overrides : DataFrame, optional
        From :func:`read_overrides`: (outcome, domain, decision, reason) rows that replace the rules' decision.
    risk_of_bias : DataFrame, optional
        RoB 2 judgments, from :func:`mscteach.stats.rob2.read_judgments` (its ``study_id``, ``outcome``
        and ``overall`` columns are read): the risk-of-bias domain is then judged from them (see this
        module's rules). Without it, or for an outcome none of whose studies has a judgment, the
        domain is "not assessed" and listed in ``assumed``.

    Returns
    -------
    DataFrame
        One row per outcome and time point: ``outcome``, ``timepoint``, ``studies``, ``n_treated``,
        ``n_control``, ``relative_effect``, ``control_risk_per_1000``, ``absolute_effect``,
        ``certainty`` (symbols and words), ``level``, a column per domain (its decision and why),
        ``reasons`` (every step down), ``assessment`` (rule-based first pass, or with overrides),
        ``judged`` (the domains decided from the data, or by an override: "risk of bias
        (override)"), ``assumed`` (the domains not assessed nor overridden, counted as no step
        down: "risk of bias; publication bias", or "none"; both "; "-separated in :data:`DOMAINS`'
        order) and ``counts_from`` (:data:`COUNTS_FROM`: "the review" when every outcome row's
        ``source`` starts with "the review", "the sources file" when every one names the sources
        file, "other sources" or "the review and other sources" when a row names a source of its
        own (:func:`source_kind`); "not stated" for outcomes without a ``source``).

    Raises
    ------
    MscteachError
        If ``relative_risk_reduction`` is not between 0 and 1, or (from the pooling) for
        counts that cannot be pooled or an ``alpha`` outside (0, 1).
    ParameterError
        If ``risk_of_bias`` lacks a column it needs or holds an overall judgment that is not
        "low", "some concerns" or "high".
    UnknownNameError
        For an unknown ``measure``; for an unknown ``method`` only once an outcome has two or
        more studies to pool.

    Examples
    --------
    >>> import mscteach
    >>> sof = summary_of_findings(mscteach.load("outcomes"), mscteach.load("clinical_studies"))
    >>> sof.set_index("outcome").loc["severe infection", ["relative_effect", "certainty"]].tolist()
    ['RR 0.48 (0.24 to 0.98)', '⊕⊕⊕◯ Moderate']
    """
    if not 0 < relative_risk_reduction < 1:
        raise MscteachError(f"relative_risk_reduction must be between 0 and 1, got {relative_risk_reduction!r}")
    wide = binary_outcomes(outcomes, clinical)
    designs = clinical.set_index("study_id")["design"]
    # read once: each read parses the schema, and the rule is the same for every outcome
    randomised_kinds = randomised_designs()
    chosen = _overrides_by_key(overrides)
    judged = _judgments_by_key(risk_of_bias)
    rows = []
    for (outcome, timepoint), studies in wide.groupby(["outcome", "timepoint"], sort=True):
        result = meta_analysis(studies, measure, method, alpha) if len(studies) > 1 else None
        effects = study_effects(studies, measure, alpha)
        informative = effects[effects["included"]]
        if result is not None and result.pooled:
            estimate, low, high, i2 = result.estimate, result.ci_low, result.ci_high, result.i2
        elif len(informative) == 1:
            one = informative.iloc[0]
            estimate, low, high, i2 = float(one["effect"]), float(one["ci_low"]), float(one["ci_high"]), float("nan")
        else:
            estimate = low = high = i2 = float("nan")
        n_treated, n_control = int(studies["n_treated"].sum()), int(studies["n_control"].sum())
        control_risk = float(studies["events_control"].sum()) / n_control if n_control else float("nan")
        randomised = all(designs.get(s) in randomised_kinds for s in studies["study_id"])
        start = "High" if randomised else "Low"
        domains: dict[str, tuple[str, int, str]] = {}
        domains["risk of bias"] = _risk_of_bias(judged, str(outcome), *_information_shares(studies, effects, result))
        k = len(informative)
        if k < 2:
            domains["inconsistency"] = ("not applicable", 0, "one study")
        else:
            both_sides = (informative["effect"] > 1).any() and (informative["effect"] < 1).any()
            if i2 >= 50 and both_sides:
                domains["inconsistency"] = ("serious", 1, f"I² = {i2:.0f}% and the studies point both ways")
            else:
                domains["inconsistency"] = ("not serious", 0, f"I² = {i2:.0f}%"
                                            + ("; the studies agree in direction" if i2 >= 50 else ""))
        diseases = sorted(set(studies["disease"].astype(str)))
        if disease is not None and diseases != [disease]:
            domains["indirectness"] = ("serious", 1, f"studies of {', '.join(diseases)}, asked about {disease}")
        elif disease is None and len(diseases) > 1:
            domains["indirectness"] = ("serious", 1, f"studies of different diseases ({', '.join(diseases)})")
        else:
            domains["indirectness"] = ("not serious", 0, f"studies of {', '.join(diseases)}")
        steps, why = 0, []
        if math.isnan(estimate):
            steps, why = 2, ["no estimate (no events in any arm)"]
        else:
            if low < 1 < high:
                steps += 1
                why.append(f"the CI ({low:.2f} to {high:.2f}) includes no effect")
            if 0 < control_risk < 1:
                target = control_risk * (1 - relative_risk_reduction)
                ois = 2 * trial_size(control_risk, target, alpha=alpha, power=power)
                if n_treated + n_control < ois:
                    steps += 1
                    why.append(f"{n_treated + n_control} participants, fewer than the {ois} needed to detect a "
                               f"{relative_risk_reduction:.0%} relative risk reduction")
        domains["imprecision"] = (["not serious", "serious", "very serious"][min(steps, 2)], min(steps, 2),
                                  "; ".join(why) or "the CI excludes no effect and the sample is large enough")
        domains["publication bias"] = ("not assessable", 0, f"fewer than 10 studies ({len(studies)})") \
            if len(studies) < 10 else \
            ("not assessed", 0, "look at a funnel plot")
        overridden = False
        for domain in DOMAINS:
            if (outcome, domain) in chosen:
                decision, reason = chosen[(outcome, domain)]
                domains[domain] = (decision, DECISIONS[decision], f"override: {reason}")
                overridden = True
        total = sum(d[1] for d in domains.values())
        level = LEVELS[max(0, LEVELS.index(start) - total)]
        reasons = [f"{name}: {d[0]} ({d[2]})" for name, d in domains.items() if d[1]]
        if not randomised:
            reasons.insert(0, "starts at Low: not every study is randomised")
        row: dict[str, Any] = {
            "outcome": outcome, "timepoint": timepoint, "studies": len(studies),
            "n_treated": n_treated, "n_control": n_control,
            "relative_effect": "not estimable" if math.isnan(estimate) else
            f"{measure} {estimate:.2f} ({low:.2f} to {high:.2f})",
            "control_risk_per_1000": round(1000 * control_risk) if control_risk == control_risk else None,
            "absolute_effect": "not estimable" if math.isnan(estimate) else
            (f"{_per_1000(_absolute(control_risk, estimate))} per 1000 (from {_per_1000(_absolute(control_risk, low))}"
             f" to {_per_1000(_absolute(control_risk, high))})"),
            "certainty": f"{certainty_symbols(level)} {level}", "level": level,
        }
        row.update({domain: f"{d[0]}: {d[2]}" for domain, d in domains.items()})
        row["reasons"] = "; ".join(reasons) or "none"
        row["assessment"] = "rule-based first pass, with overrides" if overridden else "rule-based first pass"
        given = {domain for domain in DOMAINS if (outcome, domain) in chosen}
        row["judged"] = "; ".join(d + (" (override)" if d in given else "") for d in DOMAINS
                                  if d in given or domains[d][0] not in UNJUDGED) or "none"
        row["assumed"] = "; ".join(d for d in DOMAINS if d not in given and domains[d][0] in UNJUDGED) or "none"
        row["counts_from"] = _counts_from(outcomes, outcome, timepoint, studies["study_id"])
        rows.append(row)
    columns = ["outcome", "timepoint", "studies", "n_treated", "n_control", "relative_effect",
               "control_risk_per_1000", "absolute_effect", "certainty", "level", *DOMAINS, "reasons", "assessment",
               "judged", "assumed", "counts_from"]
    return pd.DataFrame(rows, columns=columns)
