"""The meta-analysis engine: inverse-variance pooling of the studies' ratios (fixed and random effects).

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
from .effects import BINARY_COLUMNS, MEASURES, TIMEPOINT_NOT_STATED, check_alpha, normal_quantile, study_effects  # noqa: F401 (BINARY_COLUMNS: the examples)
from .values import is_missing

__all__ = ["CI_METHODS", "I2_DEFINITION", "MEASURES", "METHODS", "REML_MAX_ITERATIONS", "REML_TOLERANCE",
           "SAME_ACROSS_STUDIES", "TIMEPOINT_NOT_STATED", "MetaAnalysisResult", "meta_analysis", "pool"]
METHODS = {"DL": "DerSimonian-Laird", "PM": "Paule-Mandel", "REML": "restricted maximum likelihood"}
#: How the confidence interval of a random-effects estimate is made: normal (Wald) or Hartung-Knapp-Sidik-Jonkman.
CI_METHODS = {"z": "normal (Wald)", "hksj": "Hartung-Knapp-Sidik-Jonkman"}
#: I² is Higgins & Thompson's (2002) share of Q beyond its degrees of freedom for every τ² estimator (metafor
#: uses 100·τ²/(τ² + s²): equal for DL, not for REML or PM; tests/test_metafor_agreement.py asserts both).
I2_DEFINITION = "100 * max(0, (Q - (k - 1)) / Q)"
#: REML's fixed-point iteration stops when τ² changes by less than this (metafor's default threshold is 1e-5).
REML_TOLERANCE = 1e-12
#: ... or refuses after this many steps (none of the differential tests' datasets needs 100).
REML_MAX_ITERATIONS = 1000
#: Columns that must hold one value across the studies pooled: pooling mixes nothing else.
SAME_ACROSS_STUDIES = ["outcome", "timepoint", "measure"]


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

    I² is Higgins and Thompson's (Q - (k - 1)) / Q, floored at 0, whatever the
    τ² estimator (:data:`I2_DEFINITION`; as RevMan and R's meta). metafor's
    ``rma()`` reports 100·τ²/(τ² + s²) instead, s² the typical within-study
    variance, which is the same number for DL but follows the τ² of REML or PM.
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
    check_alpha(alpha)
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
    z = normal_quantile(alpha)
    rows = studies["included"].to_numpy()
    for column, w in (("weight_fixed", pooled["w_fixed"]), ("weight_random", pooled["w_random"])):
        studies[column] = np.nan
        studies.loc[rows, column] = 100 * w / w.sum()
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
    (Viechtbauer's 2005 fixed-point iteration to :data:`REML_TOLERANCE`), truncated at zero.

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
        For fewer than two estimates, ``y`` and ``v`` of different lengths, an alpha outside (0, 1),
        or a REML iteration that does not converge (:data:`REML_MAX_ITERATIONS`).
    UnknownNameError
        For an unknown ``method`` or ``ci``.

    Notes
    -----
    The prediction interval is Higgins, Thompson & Spiegelhalter (2009): μ ± t(k-2)·√(τ² + SE²)
    with the Wald SE whatever ``ci``, for k ≥ 3 (NaN otherwise): metafor's
    ``predict(rma(..., test="z"), pi.type="riley")``. metafor's default ``predict()`` uses the
    normal quantile (``test="z"``), or t(k-1) and the HKSJ SE (``test="knha"``), and gives an
    interval for k = 2 too.

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
    check_alpha(alpha)
    pooled = _inverse_variance(y, v, method)
    k, mu, se = len(y), pooled["mu"], pooled["se"]
    if ci == "z":
        half = normal_quantile(alpha) * se
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
    elif method == "REML":  # Viechtbauer's (2005) fixed-point iteration from the DL value, truncated at zero
        tau2 = max(0.0, (q - df) / c)
        for _ in range(REML_MAX_ITERATIONS):
            wt = 1 / (v + tau2)
            mu = (wt * y).sum() / wt.sum()
            new = max(0.0, float((wt ** 2 * ((y - mu) ** 2 - v)).sum() / (wt ** 2).sum() + 1 / wt.sum()))
            change, tau2 = abs(new - tau2), new
            if change < REML_TOLERANCE:
                break
        else:
            raise MscteachError(f"the REML estimate of tau² did not converge in {REML_MAX_ITERATIONS} iterations "
                                f"(last change {change:.1e}): try method='PM' or 'DL'")
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
