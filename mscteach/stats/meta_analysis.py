"""The meta-analysis engine: each study's ratio, inverse-variance pooling, cumulative and leave-one-out views.

Tables in, results out; nothing is drawn or read from disk. The conventions
(continuity correction, τ² truncation, intervals) are metafor's and RevMan's,
stated in :func:`meta_analysis`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n
from ..errors import MscteachError, UnknownNameError
from ..i18n import say
from .values import is_missing

__all__ = [
    "BINARY_COLUMNS",
    "CI_METHODS",
    "MEASURES",
    "METHODS",
    "SAME_ACROSS_STUDIES",
    "TIMEPOINT_NOT_STATED",
    "MetaAnalysisResult",
    "binary_outcomes",
    "cumulative_meta_analysis",
    "leave_one_out",
    "meta_analysis",
    "pool",
    "study_effects",
]

MEASURES = {"RR": "risk-ratio", "OR": "odds-ratio"}
METHODS = {"DL": "DerSimonian-Laird", "PM": "Paule-Mandel", "REML": "restricted maximum likelihood"}
#: How the confidence interval of a random-effects estimate is made: normal (Wald) or Hartung-Knapp-Sidik-Jonkman.
CI_METHODS = {"z": "normal (Wald)", "hksj": "Hartung-Knapp-Sidik-Jonkman"}
BINARY_COLUMNS = ["study", "events_treated", "n_treated", "events_control", "n_control"]
#: Columns that must hold one value across the studies pooled: pooling mixes nothing else.
SAME_ACROSS_STUDIES = ["outcome", "timepoint", "measure"]
TIMEPOINT_NOT_STATED = "time point not stated"


@dataclass(frozen=True)
class MetaAnalysisResult:
    """A pooled estimate of a ratio measure from two-arm binary outcomes.

    Made by :func:`meta_analysis`; frozen. Estimates and confidence limits are
    on the ratio scale, ``log_estimate`` and ``se`` on the log scale.

    When fewer than two studies carry information, nothing is pooled: the
    estimates are NaN and ``reason`` says why (``pooled`` is False).

    Parameters
    ----------
    measure : {"RR", "OR"}
        The ratio pooled: risk ratio or odds ratio (treated vs control).
    method : {"DL", "PM", "REML"}
        The τ² estimator of the random-effects model.
    k : int
        The number of studies pooled (those with information on the ratio).
    estimate, ci_low, ci_high : float
        The random-effects estimate and its confidence limits (ratio scale).
    log_estimate, se : float
        The random-effects estimate on the log scale and the standard error the
        interval uses (Wald, or Hartung-Knapp-Sidik-Jonkman for ``ci_method="hksj"``).
    fixed_estimate, fixed_ci_low, fixed_ci_high : float
        The fixed-effect (inverse-variance) estimate and its Wald limits (ratio scale).
    fixed_log_estimate, fixed_se : float
        The fixed-effect estimate and its standard error on the log scale.
    tau2 : float
        The between-study variance on the log scale (never negative).
    i2 : float
        The share of variability due to heterogeneity, in percent (0-100).
    q, q_pvalue : float
        Cochran's Q and its p-value (χ² with k - 1 degrees of freedom).
    studies : DataFrame
        One row per study given (see :func:`study_effects`), with ``weight_fixed`` and
        ``weight_random`` in percent of the pooled studies (empty for a study left out).
    continuity_correction : str
        Which studies got 0.5 added to every cell, or ``"none needed"``.
    excluded : tuple of (str, str), default ()
        The studies left out, each with why.
    reason : str, optional
        Why there is no pooled estimate; None when there is one.
    warnings : tuple of str, default ()
        What a reader should know about a pooled result (e.g. studies of different diseases).
    ci_method : {"z", "hksj"}, default "z"
        How the random-effects interval was made: normal (Wald) or Hartung-Knapp-Sidik-Jonkman.
    pi_low, pi_high : float, default NaN
        The prediction interval for the effect in a new study (ratio scale; NaN for fewer
        than three studies).
    alpha : float, default 0.05
        1 - the confidence level of every interval (0.05: 95% intervals).

    Attributes
    ----------
    pooled : bool
        Whether there is a pooled estimate (``reason`` is None).
    """

    measure: str
    method: str
    k: int
    estimate: float
    ci_low: float
    ci_high: float
    log_estimate: float
    se: float
    fixed_estimate: float
    fixed_ci_low: float
    fixed_ci_high: float
    fixed_log_estimate: float
    fixed_se: float
    tau2: float
    i2: float
    q: float
    q_pvalue: float
    studies: pd.DataFrame
    continuity_correction: str
    excluded: tuple[tuple[str, str], ...] = ()
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    ci_method: str = "z"
    pi_low: float = float("nan")
    pi_high: float = float("nan")
    alpha: float = 0.05

    @property
    def pooled(self) -> bool:
        """Whether there is a pooled estimate.

        Returns
        -------
        bool
            True unless fewer than two studies carried information (then ``reason`` says why).
        """
        return self.reason is None

    def summary(self, lang: str | None = None) -> str:
        """One line: the random-effects estimate with its CI and heterogeneity, or why there is none.

        The confidence level shown is ``1 - alpha`` (95% for the default 0.05), for
        the estimate's and the prediction interval alike.

        Parameters
        ----------
        lang : str, optional
            The language of the line; by default the one figures are shown in
            (:func:`mscteach.i18n.language`).

        Returns
        -------
        str
            The ratio with its CI (marked HKSJ for a Hartung-Knapp-Sidik-Jonkman interval),
            the number of studies, the τ² estimator, I² and τ², then the prediction interval
            and the studies left out when there are any; or ``"No pooled ..."`` and why.

        Examples
        --------
        >>> import pandas as pd
        >>> table = pd.DataFrame([["A 2010", 9, 56, 18, 54], ["B 2012", 4, 40, 10, 41]], columns=BINARY_COLUMNS)
        >>> meta_analysis(table).summary("en")
        'RR 0.46 (95% CI 0.25-0.83), 2 studies, random effects (DL); I² = 0%, τ² = 0.000'
        >>> meta_analysis(table.iloc[:1]).summary("en")
        'No pooled RR: a pooled estimate needs at least two studies with information on the RR; 1 of 1 given'
        """
        if not self.pooled:
            reason = self.reason if (lang or i18n.language()) == "en" else \
                _too_few_studies(self.measure, self.k, len(self.studies), self.excluded, lang)
            return say("No pooled {measure}: {reason}", lang, measure=self.measure, reason=reason)
        level = 100 * (1 - self.alpha)
        values = dict(measure=self.measure, estimate=self.estimate, low=self.ci_low, high=self.ci_high, k=self.k,
                      method=self.method, i2=self.i2, tau2=self.tau2, level=level)
        if self.ci_method == "z":
            line = say("{measure} {estimate:.2f} ({level:g}% CI {low:.2f}-{high:.2f}), {k} studies, random effects "
                       "({method}); I² = {i2:.0f}%, τ² = {tau2:.3f}", lang, **values)
        else:
            line = say("{measure} {estimate:.2f} ({level:g}% CI, HKSJ {low:.2f}-{high:.2f}), {k} studies, random "
                       "effects ({method}); I² = {i2:.0f}%, τ² = {tau2:.3f}", lang, **values)
        if self.pi_low == self.pi_low:  # not NaN
            line += say("; {level:g}% prediction interval {low:.2f}-{high:.2f}", lang, low=self.pi_low,
                        high=self.pi_high, level=level)
        if self.excluded:
            line += say("; left out: {studies}", lang, studies=", ".join(
                f"{s} ({i18n.text(why, lang)})" for s, why in self.excluded))
        return line


def _too_few_studies(measure: str, informative: int, total: int, excluded: Sequence[tuple[str, str]],
                     lang: str | None) -> str:
    """Why nothing was pooled: fewer than two studies with information, and which were left out and why."""
    reason = say("a pooled estimate needs at least two studies with information on the {measure}; "
                 "{informative} of {total} given", lang, measure=measure, informative=informative, total=total)
    if excluded:
        reason += say(" (left out: {studies})", lang, studies=say("; ", lang).join(
            f"{s}: {i18n.text(why, lang)}" for s, why in excluded))
    return reason


def meta_analysis(table: pd.DataFrame, measure: str = "RR", method: str = "DL",
                  alpha: float = 0.05, ci: str = "z") -> MetaAnalysisResult:
    """Pool two-arm binary outcomes: inverse-variance fixed effect and random effects.

    Each study's log risk ratio or log odds ratio (:func:`study_effects`) is
    pooled on the log scale by :func:`pool`, and the estimates and limits are
    taken back to the ratio scale.

    Parameters
    ----------
    table : DataFrame
        One row per study with columns ``study``, ``events_treated``,
        ``n_treated``, ``events_control``, ``n_control``. Optional columns
        ``outcome``, ``timepoint`` and ``measure`` must hold one value across
        the rows (only like is pooled with like); a ``disease`` column with
        several values adds a warning.
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio (treated vs control).
    method : {"DL", "PM", "REML"}, default "DL"
        Between-study variance estimator for the random-effects model:
        DerSimonian-Laird, Paule-Mandel or restricted maximum likelihood, all
        truncated at zero.
    alpha : float, default 0.05
        1 - confidence level, in (0, 1).
    ci : {"z", "hksj"}, default "z"
        The random-effects confidence interval: normal (Wald), or
        Hartung-Knapp-Sidik-Jonkman (see :func:`pool`).

    Returns
    -------
    MetaAnalysisResult
        With ``reason`` set (and NaN estimates) when fewer than two studies
        carry information.

    Raises
    ------
    MscteachError
        For a missing column, a count that is not a whole number, events
        outside 0..n, an alpha outside (0, 1), or rows of different outcomes,
        time points or measures. The message names the study and the field.
    UnknownNameError
        For an unknown measure, method or ``ci``.

    Notes
    -----
    As in metafor and RevMan:

    * a study with no events in either arm, or with every patient having the
      event in both arms, carries no information on a ratio and is left out
      (``excluded`` says which and why);
    * a study with one zero cell gets 0.5 added to all four of its cells;
      other studies are left as they are;
    * τ² is truncated at 0, so when Cochran's Q is at most k - 1 the
      random-effects result equals the fixed-effect one. The Paule-Mandel τ²
      solves the generalised Q equation Σ w_i (y_i - μ)² = k - 1.

    I² is Higgins and Thompson's (Q - (k - 1)) / Q, floored at 0.
    statsmodels' ``combine_effects`` is not used for the pooling because it
    does not truncate the DerSimonian-Laird τ² at zero (it gives negative
    weights when Q < k - 1).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame([["A 2010", 9, 56, 18, 54], ["B 2012", 4, 40, 10, 41], ["C 2015", 12, 60, 15, 58]],
    ...                      columns=BINARY_COLUMNS)
    >>> result = meta_analysis(table)
    >>> result.k, round(result.estimate, 3), round(result.ci_low, 3), round(result.ci_high, 3), result.tau2
    (3, 0.577, 0.371, 0.899, 0.0)
    >>> hksj = meta_analysis(table, ci="hksj")
    >>> round(hksj.estimate, 3), round(hksj.ci_low, 2), round(hksj.ci_high, 2)  # same estimate, wider interval
    (0.577, 0.26, 1.29)
    """
    if method not in METHODS:
        raise UnknownNameError("method", method, list(METHODS))
    if ci not in CI_METHODS:
        raise UnknownNameError("confidence interval method", ci, list(CI_METHODS))
    _check_alpha(alpha)
    _check_like_with_like(table)
    studies = study_effects(table, measure, alpha)
    informative = studies[studies["included"]]
    excluded = tuple((str(s), str(r)) for s, r in studies.loc[~studies["included"], ["study", "excluded_reason"]]
                     .itertuples(index=False))
    corrected = informative.loc[informative["corrected"], "study"].astype(str).tolist()
    correction = ("0.5 added to every cell of: " + ", ".join(corrected)) if corrected else "none needed"
    warnings = _pooling_warnings(table)
    nan = float("nan")
    if len(informative) < 2:
        reason = _too_few_studies(measure, len(informative), len(studies), excluded, "en")
        return MetaAnalysisResult(
            measure=measure, method=method, k=len(informative), estimate=nan, ci_low=nan, ci_high=nan,
            log_estimate=nan, se=nan, fixed_estimate=nan, fixed_ci_low=nan, fixed_ci_high=nan,
            fixed_log_estimate=nan, fixed_se=nan, tau2=nan, i2=nan, q=nan, q_pvalue=nan,
            studies=studies.assign(weight_fixed=nan, weight_random=nan), continuity_correction=correction,
            excluded=excluded, reason=reason, warnings=warnings, ci_method=ci, alpha=alpha)
    y, v = informative["log_effect"].to_numpy(float), informative["se"].to_numpy(float) ** 2
    pooled = pool(y, v, method, ci, alpha)
    z = _z(alpha)
    weights = pd.DataFrame({"weight_fixed": 100 * pooled["w_fixed"] / pooled["w_fixed"].sum(),
                            "weight_random": 100 * pooled["w_random"] / pooled["w_random"].sum()},
                           index=informative.index)
    studies = studies.join(weights)
    re_, se, fe, se_fe = pooled["mu"], pooled["se_ci"], pooled["mu_fixed"], pooled["se_fixed"]
    return MetaAnalysisResult(
        measure=measure, method=method, k=len(informative),
        estimate=float(np.exp(re_)), ci_low=float(np.exp(pooled["ci_low"])), ci_high=float(np.exp(pooled["ci_high"])),
        log_estimate=float(re_), se=float(se),
        fixed_estimate=float(np.exp(fe)), fixed_ci_low=float(np.exp(fe - z * se_fe)),
        fixed_ci_high=float(np.exp(fe + z * se_fe)), fixed_log_estimate=float(fe), fixed_se=float(se_fe),
        tau2=float(pooled["tau2"]), i2=float(pooled["i2"]), q=float(pooled["q"]), q_pvalue=float(pooled["q_pvalue"]),
        studies=studies, continuity_correction=correction, excluded=excluded, warnings=warnings, ci_method=ci,
        pi_low=float(np.exp(pooled["pi_low"])), pi_high=float(np.exp(pooled["pi_high"])), alpha=alpha)


def pool(y: Any, v: Any, method: str = "DL", ci: str = "z", alpha: float = 0.05) -> dict[str, Any]:
    """Inverse-variance pooling of estimates ``y`` with sampling variances ``v`` (on the analysis scale).

    The fixed-effect estimate weights each study by 1/v; the random-effects
    one by 1/(v + τ²), with τ² from DerSimonian-Laird, Paule-Mandel or REML
    (Fisher scoring), truncated at zero.

    Parameters
    ----------
    y, v : array-like
        One estimate (e.g. a log risk ratio) and its variance per study; two or more studies.
    method : {"DL", "PM", "REML"}, default "DL"
        The τ² estimator (truncated at zero).
    ci : {"z", "hksj"}, default "z"
        ``"z"``: μ ± z·SE with SE = √(1/Σw*). ``"hksj"``: the Hartung-Knapp-Sidik-Jonkman
        interval μ ± t(k-1)·SE_HK with SE_HK² = Σw*(y - μ)² / ((k - 1)·Σw*), not truncated
        (as metafor's ``test="knha"``).
    alpha : float, default 0.05
        1 - confidence level, in (0, 1).

    Returns
    -------
    dict
        ``mu``, ``se`` (Wald), ``se_ci`` (the one the interval uses), ``ci_low``, ``ci_high``,
        ``pi_low``, ``pi_high``, ``mu_fixed``, ``se_fixed``, ``tau2``, ``q``, ``q_pvalue``,
        ``i2``, and the weights ``w_fixed``, ``w_random``, all on the scale of ``y``.

    Raises
    ------
    MscteachError
        For fewer than two estimates, ``y`` and ``v`` of different lengths, or an alpha outside (0, 1).
    UnknownNameError
        For an unknown ``method`` or ``ci``.

    Notes
    -----
    The prediction interval is Higgins, Thompson & Spiegelhalter (2009): μ ± t(k-2)·√(τ² + SE²)
    with the Wald SE, for k ≥ 3 (NaN otherwise). metafor's ``predict()`` uses other quantiles.

    Examples
    --------
    Two estimates 1 apart with variance 0.1 each: Q = 5, so the DerSimonian-Laird
    τ² is (Q - 1) / (Σw - Σw²/Σw) = 4 / 10.

    >>> result = pool([0.0, 1.0], [0.1, 0.1])
    >>> float(result["mu"]), float(result["tau2"]), float(result["q"]), float(result["i2"])
    (0.5, 0.4, 5.0, 80.0)
    """
    from scipy import stats

    y, v = np.asarray(y, float), np.asarray(v, float)
    if len(y) < 2 or len(y) != len(v):
        raise MscteachError(f"pooling needs two or more estimates with one variance each; got {len(y)} and {len(v)}")
    if method not in METHODS:
        raise UnknownNameError("method", method, list(METHODS))
    if ci not in CI_METHODS:
        raise UnknownNameError("confidence interval method", ci, list(CI_METHODS))
    _check_alpha(alpha)
    pooled = _inverse_variance(y, v, method)
    k, mu, se = len(y), pooled["mu"], pooled["se"]
    if ci == "z":
        half = _z(alpha) * se
        se_ci = se
    else:
        w = pooled["w_random"]
        se_ci = float(np.sqrt((w * (y - mu) ** 2).sum() / ((k - 1) * w.sum())))
        half = float(stats.t.isf(alpha / 2, k - 1)) * se_ci
    nan = float("nan")
    spread = float(stats.t.isf(alpha / 2, k - 2)) * float(np.sqrt(pooled["tau2"] + se ** 2)) if k >= 3 else nan
    return {**pooled, "se_ci": float(se_ci), "ci_low": mu - half, "ci_high": mu + half,
            "pi_low": mu - spread, "pi_high": mu + spread}


def _inverse_variance(y: np.ndarray, v: np.ndarray, method: str) -> dict[str, Any]:
    """Fixed-effect and random-effects inverse-variance pooling of log effects ``y`` with variances ``v``."""
    from scipy import optimize, stats

    k = len(y)
    w = 1 / v
    mu_fixed = float((w * y).sum() / w.sum())
    q = float((w * (y - mu_fixed) ** 2).sum())
    df = k - 1
    c = w.sum() - (w ** 2).sum() / w.sum()
    if method == "DL":
        tau2 = max(0.0, (q - df) / c)
    elif method == "REML":  # Fisher scoring from the DL value (Viechtbauer 2005), truncated at zero
        tau2 = max(0.0, (q - df) / c)
        for _ in range(1000):
            wt = 1 / (v + tau2)
            mu = (wt * y).sum() / wt.sum()
            new = max(0.0, float((wt ** 2 * ((y - mu) ** 2 - v)).sum() / (wt ** 2).sum() + 1 / wt.sum()))
            if abs(new - tau2) < 1e-12:
                tau2 = new
                break
            tau2 = new
    else:  # Paule-Mandel: the tau² at which the generalised Q equals its expectation k - 1
        def excess(t2: float) -> float:
            wt = 1 / (v + t2)
            mu = (wt * y).sum() / wt.sum()
            return float((wt * (y - mu) ** 2).sum() - df)

        if excess(0.0) <= 0:
            tau2 = 0.0
        else:
            high = max(float(np.var(y)), float(v.max()), 1e-8)
            while excess(high) > 0:
                high *= 2
            tau2 = float(optimize.brentq(excess, 0.0, high, xtol=1e-12))
    w_random = 1 / (v + tau2)
    return {"mu_fixed": mu_fixed, "se_fixed": float(np.sqrt(1 / w.sum())), "w_fixed": w,
            "mu": float((w_random * y).sum() / w_random.sum()), "se": float(np.sqrt(1 / w_random.sum())),
            "w_random": w_random, "tau2": tau2, "q": q, "q_pvalue": float(stats.chi2.sf(q, df)),
            "i2": 100 * max(0.0, (q - df) / q) if q > 0 else 0.0}


def _check_alpha(alpha: Any) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)) or not 0 < alpha < 1:
        raise MscteachError(f"alpha must be a number between 0 and 1 (exclusive); got {alpha!r}")


def _check_like_with_like(table: pd.DataFrame) -> None:
    for column in SAME_ACROSS_STUDIES:
        if column in table.columns:
            values = sorted({str(v) for v in table[column] if not is_missing(v)})
            if len(values) > 1:
                raise MscteachError(f"cannot pool rows of different {column}s ({', '.join(values)}): "
                                    f"meta-analyse one {column} at a time")


def _pooling_warnings(table: pd.DataFrame) -> tuple[str, ...]:
    if "disease" in table.columns:
        diseases = sorted({str(v) for v in table["disease"] if not is_missing(v)})
        if len(diseases) > 1:
            return (f"the studies are of different diseases ({', '.join(diseases)}): a pooled estimate assumes "
                    "the effect is comparable across them",)
    return ()


def _z(alpha: float) -> float:
    from scipy import stats

    return float(stats.norm.isf(alpha / 2))


def cumulative_meta_analysis(table: pd.DataFrame, order: str = "year", measure: str = "RR", method: str = "DL",
                             ci: str = "z", alpha: float = 0.05) -> pd.DataFrame:
    """The pooled estimate as studies accrue: the view a living review uses.

    Studies are added one at a time in the order of the column ``order``
    (ties keep the table's order), as metafor's ``cumul()``. Step 1 is the
    first study alone (its own estimate and interval); from two studies on,
    each step is :func:`meta_analysis` of the studies so far. A study with no
    information on the ratio is added but changes nothing.

    Parameters
    ----------
    table : DataFrame
        The columns :func:`meta_analysis` takes, and the ``order`` column.
    order : str, default "year"
        The column the studies are added in (ascending).
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio.
    method : {"DL", "PM", "REML"}, default "DL"
        The τ² estimator.
    ci : {"z", "hksj"}, default "z"
        The random-effects interval: normal (Wald) or Hartung-Knapp-Sidik-Jonkman.
    alpha : float, default 0.05
        1 - confidence level.

    Returns
    -------
    DataFrame
        One row per step: ``step``, ``study`` (the one added), ``order`` value,
        ``k`` (studies pooled), ``estimate``, ``ci_low``, ``ci_high``,
        ``pi_low``, ``pi_high``, ``tau2`` and ``i2``, on the ratio scale.

    Raises
    ------
    MscteachError
        If ``order`` is not a column of the table, or (from :func:`meta_analysis`) for counts
        that cannot be pooled or an alpha outside (0, 1).
    UnknownNameError
        For an unknown measure, method or ``ci``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame([["C 2015", 12, 60, 15, 58, 2015], ["A 2010", 9, 56, 18, 54, 2010],
    ...                       ["B 2012", 4, 40, 10, 41, 2012]], columns=[*BINARY_COLUMNS, "year"])
    >>> cumulative_meta_analysis(table)[["study", "k", "estimate"]].round(3)
        study  k  estimate
    0  A 2010  1     0.482
    1  B 2012  2     0.459
    2  C 2015  3     0.577
    """
    if order not in table.columns:
        raise MscteachError(f"cannot order studies by {order!r}: the table's columns are {', '.join(table.columns)}")
    ordered = table.sort_values(order, kind="stable").reset_index(drop=True)
    own = study_effects(ordered, measure, alpha)
    rows = []
    for step in range(1, len(ordered) + 1):
        first = ordered.iloc[:step]
        result = meta_analysis(first, measure, method, alpha, ci) if step > 1 else None
        row = {"step": step, "study": ordered["study"].iloc[step - 1], order: ordered[order].iloc[step - 1]}
        if result is not None and result.pooled:
            row.update(k=result.k, estimate=result.estimate, ci_low=result.ci_low, ci_high=result.ci_high,
                       pi_low=result.pi_low, pi_high=result.pi_high, tau2=result.tau2, i2=result.i2)
        else:
            included = own.iloc[:step][own["included"].iloc[:step]]
            single = included.iloc[0] if len(included) else None
            nan = float("nan")
            row.update(k=len(included), estimate=single["effect"] if single is not None else nan,
                       ci_low=single["ci_low"] if single is not None else nan,
                       ci_high=single["ci_high"] if single is not None else nan,
                       pi_low=nan, pi_high=nan, tau2=nan, i2=nan)
        rows.append(row)
    return pd.DataFrame(rows)


def study_effects(table: pd.DataFrame, measure: str = "RR", alpha: float = 0.05) -> pd.DataFrame:
    """Each study's own ratio (RR or OR, treated vs control) with its CI, without pooling.

    Takes the same columns as :func:`meta_analysis` (other columns are kept)
    and works for one study. Adds ``log_effect``, ``se``, ``effect``,
    ``ci_low``, ``ci_high``, ``corrected`` (a zero cell got the 0.5
    continuity correction), ``included`` and ``excluded_reason``: a study with
    no events in either arm (or events in every patient of both arms) has no
    ratio, so its effect columns are empty and the reason says why.

    ``log_effect`` and ``se`` are on the log scale (statsmodels'
    ``effectsize_2proportions``); ``effect`` and its Wald CI on the ratio scale.

    Parameters
    ----------
    table : DataFrame
        One row per study with ``study``, ``events_treated``, ``n_treated``,
        ``events_control``, ``n_control`` (whole numbers, events within 0..n, n at least 1).
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio (treated vs control).
    alpha : float, default 0.05
        1 - confidence level of each study's CI.

    Returns
    -------
    DataFrame
        The count columns, then the table's other columns, then the columns above; one row
        per study in the table's order, with a fresh index.

    Raises
    ------
    MscteachError
        For a missing column or count, a count that is not a whole number, an arm with no
        patients, events outside 0..n, or an alpha outside (0, 1). The message names the study.
    UnknownNameError
        For an unknown measure.

    Examples
    --------
    >>> import pandas as pd
    >>> one = pd.DataFrame([["A", 9, 56, 18, 54]], columns=BINARY_COLUMNS)
    >>> round(float(study_effects(one)["effect"].iloc[0]), 3)  # (9/56) / (18/54)
    0.482
    """
    from statsmodels.stats.meta_analysis import effectsize_2proportions

    if measure not in MEASURES:
        raise UnknownNameError("measure", measure, list(MEASURES))
    _check_alpha(alpha)
    data = _binary_table(table)
    e1, n1, e2, n2 = (data[c].to_numpy(dtype=float) for c in BINARY_COLUMNS[1:])
    no_events = (e1 == 0) & (e2 == 0)
    all_events = (e1 == n1) & (e2 == n2)
    included = ~(no_events | all_events)
    reason = np.where(no_events, "no events in either arm", np.where(all_events, "every patient had the event in "
                                                                                  "both arms", ""))
    zero = included & ((e1 == 0) | (e1 == n1) | (e2 == 0) | (e2 == n2))
    # 0.5 to each cell (events and non-events) of the studies with a zero cell only.
    # statsmodels' own zero_correction adds 0.5 to the events of *every* study, which
    # would bias studies without zeros, so the correction is applied here instead.
    e1, e2 = e1 + 0.5 * zero, e2 + 0.5 * zero
    n1, n2 = n1 + 1.0 * zero, n2 + 1.0 * zero
    with np.errstate(divide="ignore", invalid="ignore"):
        eff, var = effectsize_2proportions(e1, n1, e2, n2, statistic=MEASURES[measure])
    eff = np.where(included, eff, np.nan)
    se, z = np.where(included, np.sqrt(np.where(included, var, 1.0)), np.nan), _z(alpha)
    others = [c for c in table.columns if c not in BINARY_COLUMNS]  # keep e.g. outcome, study_id
    return pd.concat([data, table[others].reset_index(drop=True)], axis=1).assign(
        log_effect=eff, se=se, effect=np.exp(eff), ci_low=np.exp(eff - z * se), ci_high=np.exp(eff + z * se),
        corrected=zero, included=included, excluded_reason=reason)


def _binary_table(table: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in BINARY_COLUMNS if c not in table.columns]
    if missing:
        raise MscteachError(f"the table needs columns {', '.join(BINARY_COLUMNS)}; missing: {', '.join(missing)}")
    data = table[BINARY_COLUMNS].reset_index(drop=True).copy()
    for i, row in data.iterrows():
        study = row["study"]
        for column in BINARY_COLUMNS[1:]:
            value = row[column]
            if is_missing(value):
                raise MscteachError(f"study {study}: {column} is missing (every study needs all four counts)")
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not float(value).is_integer():
                raise MscteachError(f"study {study}: {column} must be a whole number; got {value!r}")
        for events, total in (("events_treated", "n_treated"), ("events_control", "n_control")):
            if row[total] < 1:
                raise MscteachError(f"study {study}: {total} must be at least 1; got {row[total]}")
            if not 0 <= row[events] <= row[total]:
                raise MscteachError(f"study {study}: {events} must be between 0 and {total} ({row[total]}); "
                                    f"got {row[events]}")
    for column in BINARY_COLUMNS[1:]:
        data[column] = data[column].astype("int64")
    return data


def leave_one_out(table: pd.DataFrame, measure: str = "RR", method: str = "DL") -> pd.DataFrame:
    """Sensitivity analysis: the pooled estimate with each study left out in turn.

    Each subset is pooled by :func:`meta_analysis` (random effects, normal 95%
    CI, on the ratio scale). Columns other than the counts are not used.

    Parameters
    ----------
    table : DataFrame
        The count columns :func:`meta_analysis` takes; three or more studies.
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio.
    method : {"DL", "PM", "REML"}, default "DL"
        The τ² estimator.

    Returns
    -------
    DataFrame
        One row per omitted study with ``omitted``, ``estimate``, ``ci_low``,
        ``ci_high``, ``i2``, ``tau2`` and ``reason`` (why a subset could not be
        pooled; empty when it was).

    Raises
    ------
    MscteachError
        For fewer than three studies, or counts that cannot be pooled.
    UnknownNameError
        For an unknown measure or method.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame([["A 2010", 9, 56, 18, 54], ["B 2012", 4, 40, 10, 41], ["C 2015", 12, 60, 15, 58]],
    ...                      columns=BINARY_COLUMNS)
    >>> leave_one_out(table)[["omitted", "estimate"]].round(3)
      omitted  estimate
    0  A 2010     0.648
    1  B 2012     0.619
    2  C 2015     0.459
    """
    data = _binary_table(table)
    if len(data) < 3:
        raise MscteachError(f"leave-one-out needs at least three studies; got {len(data)}")
    rows = []
    for i, study in enumerate(data["study"]):
        res = meta_analysis(data.drop(index=i), measure, method)
        rows.append({"omitted": study, "estimate": res.estimate, "ci_low": res.ci_low, "ci_high": res.ci_high,
                     "i2": res.i2, "tau2": res.tau2, "reason": res.reason or ""})
    return pd.DataFrame(rows)


def binary_outcomes(outcomes: pd.DataFrame, clinical: pd.DataFrame) -> pd.DataFrame:
    """Two-arm binary outcomes in the wide layout :func:`meta_analysis` takes.

    One row per study, outcome and time point that reports events and totals
    for both a treated and a control arm, with ``outcome``, ``timepoint``,
    ``study`` (author year), ``study_id`` and ``disease`` besides the count
    columns.

    Parameters
    ----------
    outcomes : DataFrame
        The ``outcomes`` table (or a selection): rows with ``outcome_type`` binary
        and both ``events`` and ``total`` are used; ``arm_role`` says treated or control.
    clinical : DataFrame
        The ``clinical_studies`` table, for each study's ``first_author``, ``year`` and ``disease``.

    Returns
    -------
    DataFrame
        Columns ``outcome``, ``timepoint`` (:data:`TIMEPOINT_NOT_STATED` when empty),
        ``study_id``, then :data:`BINARY_COLUMNS`, then ``disease``; in the order the
        treated arms appear in ``outcomes``.

    Examples
    --------
    >>> import pandas as pd
    >>> clinical = pd.DataFrame([{"study_id": "lin2017", "first_author": "Lin", "year": 2017, "disease": "ACLF"}])
    >>> outcomes = pd.DataFrame({"study_id": "lin2017", "outcome": "severe infection", "timepoint": None,
    ...                          "outcome_type": "binary", "arm_role": ["treated", "control"],
    ...                          "events": [9, 18], "total": [56, 54]})
    >>> print(binary_outcomes(outcomes, clinical)[["timepoint", *BINARY_COLUMNS]].to_string())
                   timepoint     study  events_treated  n_treated  events_control  n_control
    0  time point not stated  Lin 2017               9         56              18         54
    """
    binary = outcomes[(outcomes["outcome_type"] == "binary") & outcomes["events"].notna() & outcomes["total"].notna()]
    binary = binary.assign(timepoint=binary["timepoint"].fillna(TIMEPOINT_NOT_STATED))
    keys = ["study_id", "outcome", "timepoint"]
    arms = {role: binary[binary["arm_role"] == role][[*keys, "events", "total"]] for role in ("treated", "control")}
    wide = arms["treated"].merge(arms["control"], on=keys, suffixes=("_t", "_c"), how="inner")
    names = clinical.set_index("study_id")
    wide["study"] = [f"{names.loc[s, 'first_author']} {names.loc[s, 'year']}" for s in wide["study_id"]]
    wide["disease"] = [names.loc[s, "disease"] for s in wide["study_id"]]
    wide = wide.rename(columns={"events_t": "events_treated", "total_t": "n_treated",
                                "events_c": "events_control", "total_c": "n_control"})
    return wide[["outcome", "timepoint", "study_id", *BINARY_COLUMNS, "disease"]].reset_index(drop=True)
