"""Small-study effects: Egger's regression test and Duval & Tweedie's trim and fill, computed as metafor does.

Both read the funnel plot (effects against standard errors): when small studies with
unwelcome results go unpublished, it is lopsided. :func:`egger_test` regresses the log
ratios on their standard errors (metafor's ``regtest``); :func:`trim_and_fill` counts the
studies missing from the thin side, fills in their mirror images and pools again
(metafor's ``trimfill``). The Cochrane Handbook (13.3.5.4) advises these tests only with at
least :data:`FEW_STUDIES` studies: with fewer, results carry a warning; fewer than
:data:`MIN_STUDIES` are refused. Tables in, results out; nothing is drawn.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MscteachError, UnknownNameError
from ..i18n import digits, say, say_n
from .effects import check_alpha
from .meta_analysis import CI_METHODS, METHODS as RANDOM_EFFECTS_METHODS, meta_analysis
from .regression import fit_regression

__all__ = ["ESTIMATORS", "FEW_STUDIES", "METHODS", "MIN_STUDIES", "SIDES", "TRIM_AND_FILL_MAX_ITERATIONS",
           "EggerTest", "TrimAndFill", "egger_regression", "egger_test", "trim_and_fill", "trim_and_fill_effects"]

#: The models: fixed effect (weighted regression), or random effects with a τ² estimator (mixed-effects regression).
METHODS = {"FE": "fixed effect", **RANDOM_EFFECTS_METHODS}
#: Duval & Tweedie's estimators of the number of missing studies.
ESTIMATORS = {"L0": "L0 (from the sum of the positive ranks)", "R0": "R0 (from the rightmost run of ranks)"}
#: The sides of the funnel where studies may be missing (ratios below or above the pooled one).
SIDES = ("left", "right")
#: Below this many studies, asymmetry methods are too weak (Cochrane Handbook 13.3.5.4): results carry a warning.
FEW_STUDIES = 10
#: Below this many studies nothing is computed: a line through two points leaves nothing to test.
MIN_STUDIES = 3
#: Trim and fill stops with an error when k0 still changes after this many rounds (metafor's ``maxiter``).
TRIM_AND_FILL_MAX_ITERATIONS = 100


@dataclass(frozen=True)
class EggerTest:
    """Egger's regression test for funnel plot asymmetry (:func:`egger_test`, :func:`egger_regression`); frozen.

    Parameters
    ----------
    measure : str
        The ratio regressed ("RR" or "OR"), on the log scale.
    method : {"FE", "DL", "REML", "PM"}
        Fixed effect (weighted regression) or the τ² estimator of the mixed-effects regression.
    ci_method : {"z", "hksj"}
        Normal (Wald) tests and intervals, or Knapp-Hartung's t with k - 2 degrees of freedom.
    k : int
        The number of studies in the regression.
    statistic, pvalue : float
        The slope over its standard error (z, or t) and its two-sided p-value (no asymmetry: slope 0).
    df : int or None
        The t statistic's degrees of freedom (k - 2); None for a z statistic.
    slope, slope_se : float
        The coefficient of the standard error and its standard error.
    limit_log_estimate, limit_se : float
        The intercept (the log ratio as SE → 0) and its standard error.
    limit_estimate, limit_ci_low, limit_ci_high : float
        The limit estimate and its confidence limits on the ratio scale.
    tau2 : float
        The residual between-study variance (0 for fixed effect).
    alpha : float, default 0.05
        1 - the confidence level of the interval.
    warnings : tuple of str, default ()
        What a reader should know: fewer than :data:`FEW_STUDIES` studies, or studies of different diseases.
    """

    measure: str
    method: str
    ci_method: str
    k: int
    statistic: float
    df: int | None
    pvalue: float
    slope: float
    slope_se: float
    limit_log_estimate: float
    limit_se: float
    limit_estimate: float
    limit_ci_low: float
    limit_ci_high: float
    tau2: float
    alpha: float = 0.05
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str | None = None) -> str:
        """One line: the test statistic, its p-value and the limit estimate, with a caution for few studies.

        Parameters
        ----------
        lang : str, optional
            The language of the line (default: :func:`mscteach.i18n.language`).

        Returns
        -------
        str
        """
        # p as "= 0.032" or "< 0.001" (not 1.2e-05); digits() as say() gives numbers, in the language's digits
        p = f"< {digits('0.001', lang)}" if self.pvalue < 0.001 else f"= {digits(f'{self.pvalue:.2g}', lang)}"
        values = dict(method=self.method, statistic=self.statistic, p=p, measure=self.measure,
                      estimate=self.limit_estimate, low=self.limit_ci_low, high=self.limit_ci_high,
                      level=100 * (1 - self.alpha), k=self.k, df=self.df)
        if self.df is None:
            line = say("Egger's test ({method}): z = {statistic:.2f}, p {p}; limit estimate {measure} "
                       "{estimate:.2f} ({level:g}% CI {low:.2f}-{high:.2f}), {k} studies", lang, **values)
        else:
            line = say("Egger's test ({method}, Knapp-Hartung): t({df}) = {statistic:.2f}, p {p}; limit "
                       "estimate {measure} {estimate:.2f} ({level:g}% CI {low:.2f}-{high:.2f}), {k} studies",
                       lang, **values)
        return line + "".join(say("; caution: {warning}", lang, warning=w) for w in _cautions(self.k, lang))


@dataclass(frozen=True)
class TrimAndFill:
    """Duval & Tweedie's trim and fill (:func:`trim_and_fill`, :func:`trim_and_fill_effects`); frozen.

    Parameters
    ----------
    measure : str
        The ratio pooled ("RR" or "OR").
    method : {"FE", "DL", "REML", "PM"}
        Fixed effect or the random-effects τ² estimator, used for every fit.
    estimator : {"L0", "R0"}
        How the number of missing studies was estimated.
    side : {"left", "right"}
        The side of the funnel where studies were taken to be missing.
    side_given : bool
        Whether the caller chose the side (else metafor's rule chose it: see :func:`trim_and_fill_effects`).
    k, k0 : int
        The number of studies observed, and filled in.
    se_k0 : float
        Duval & Tweedie's standard error of the estimator (NaN where its variance formula goes negative).
    iterations : int
        Rounds of trimming until the number of missing studies stopped changing.
    filled : DataFrame
        One row per study filled in: ``study`` ("Filled 1", ...), ``mirror_of`` (the observed study mirrored),
        ``log_effect``, ``se`` and ``effect`` (ratio scale).
    estimate, ci_low, ci_high : float
        The pooled ratio of the observed and filled studies with its Wald CI (the observed one when k0 = 0).
    log_estimate, se, tau2 : float
        The same estimate on the log scale, its standard error and the τ² of that fit.
    observed_estimate, observed_ci_low, observed_ci_high : float
        The pooled ratio of the observed studies alone, for comparison.
    alpha : float, default 0.05
        1 - the confidence level of the intervals.
    warnings : tuple of str, default ()
        As :attr:`EggerTest.warnings`.
    """

    measure: str
    method: str
    estimator: str
    side: str
    side_given: bool
    k: int
    k0: int
    se_k0: float
    iterations: int
    filled: pd.DataFrame
    estimate: float
    ci_low: float
    ci_high: float
    log_estimate: float
    se: float
    tau2: float
    observed_estimate: float
    observed_ci_low: float
    observed_ci_high: float
    alpha: float = 0.05
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str | None = None) -> str:
        """One line: how many studies were filled on which side, and the pooled ratio before and after.

        Parameters
        ----------
        lang : str, optional
            The language of the line (default: :func:`mscteach.i18n.language`).

        Returns
        -------
        str
        """
        values = dict(estimator=self.estimator, method=self.method, k0=self.k0, k=self.k, measure=self.measure,
                      observed=self.observed_estimate, olow=self.observed_ci_low, ohigh=self.observed_ci_high,
                      adjusted=self.estimate, low=self.ci_low, high=self.ci_high, level=100 * (1 - self.alpha),
                      study_word="study" if self.k0 == 1 else "studies")
        if self.k0 == 0:
            line = say("Trim and fill ({estimator}, {method}): no study missing; {measure} {observed:.2f} "
                       "({level:g}% CI {olow:.2f}-{ohigh:.2f}), {k} studies", lang, **values)
        else:
            side = say("on the left", lang) if self.side == "left" else say("on the right", lang)
            line = say("Trim and fill ({estimator}, {method}): {k0} {study_word} filled {side}; {measure} "
                       "{observed:.2f} ({level:g}% CI {olow:.2f}-{ohigh:.2f}) from {k} studies becomes {adjusted:.2f} "
                       "({level:g}% CI {low:.2f}-{high:.2f})", lang, side=side, **values)
        return line + "".join(say("; caution: {warning}", lang, warning=w) for w in _cautions(self.k, lang))


def _cautions(k: int, lang: str | None) -> tuple[str, ...]:
    """The Cochrane Handbook's caution for fewer than :data:`FEW_STUDIES` studies, or none."""
    return () if k >= FEW_STUDIES else (say_n(
        "only {n} study: the Cochrane Handbook (13.3.5.4) advises tests for funnel plot asymmetry only with at least "
        "10 studies, as with fewer they cannot tell chance from real asymmetry",
        "only {n} studies: the Cochrane Handbook (13.3.5.4) advises tests for funnel plot asymmetry only with at "
        "least 10 studies, as with fewer they cannot tell chance from real asymmetry", k, lang),)


def egger_test(table: pd.DataFrame, measure: str = "RR", method: str = "DL", ci: str = "z",
               alpha: float = 0.05) -> EggerTest:
    """Egger's regression test for small-study effects in two-arm binary outcomes (see :func:`egger_regression`).

    The studies' log ratios are :func:`~mscteach.stats.meta_analysis`'s (its continuity correction and exclusions).

    Parameters
    ----------
    table : DataFrame
        One row per study, the columns :func:`~mscteach.stats.meta_analysis` takes.
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio (treated vs control).
    method : {"DL", "REML", "PM", "FE"}, default "DL"
        The τ² estimator of the mixed-effects regression, or "FE" for a weighted regression without τ².
    ci : {"z", "hksj"}, default "z"
        Normal tests, or Knapp-Hartung's t with k - 2 degrees of freedom (metafor's ``test="knha"``).
    alpha : float, default 0.05
        1 - the confidence level of the limit estimate's interval.

    Returns
    -------
    EggerTest
        With a warning when there are fewer than :data:`FEW_STUDIES` studies.

    Raises
    ------
    MscteachError
        For fewer than :data:`MIN_STUDIES` informative studies, equal standard errors (no funnel), or a table
        :func:`~mscteach.stats.meta_analysis` refuses.
    UnknownNameError
        For an unknown measure, method or ``ci``.
    """
    y, se, _, warnings = _informative(table, measure, "Egger's test")
    return egger_regression(y, se, measure, method, ci, alpha, warnings)


def egger_regression(log_effects: Any, se: Any, measure: str = "RR", method: str = "DL", ci: str = "z",
                     alpha: float = 0.05, warnings: tuple[str, ...] = ()) -> EggerTest:
    """Egger's test on log ratios and their standard errors: y = β₀ + β₁·SE, weighted by 1/(SE² + τ²).

    The model is metafor's ``rma(yi, vi, mods=~sqrt(vi), method=method, test=test)``:
    for "FE" a weighted regression whose coefficients' variances are (X'WX)⁻¹
    (no multiplicative dispersion), else a mixed-effects meta-regression with the
    residual τ² of the estimator (DerSimonian-Laird's generalised to regression,
    REML by Fisher scoring, or Paule-Mandel), truncated at 0. With ``ci="hksj"``
    the variances are scaled by Σw(y - ŷ)²/(k - 2) (not truncated) and t(k - 2) is used.
    The fit is :func:`~mscteach.stats.regression.fit_regression`'s, as :func:`~mscteach.stats.meta_regression`'s.

    Parameters
    ----------
    log_effects, se : array-like
        One log ratio and its standard error per study.
    measure : str, default "RR"
        The ratio's name, for the summary (the limit estimate is exponentiated).
    method : {"DL", "REML", "PM", "FE"}, default "DL"
        The model (see above).
    ci : {"z", "hksj"}, default "z"
        Normal, or Knapp-Hartung t tests and intervals.
    alpha : float, default 0.05
        1 - the confidence level of the limit estimate's interval.
    warnings : tuple of str, default ()
        Warnings to carry (the caution for fewer than :data:`FEW_STUDIES` studies is added here).

    Returns
    -------
    EggerTest

    Raises
    ------
    MscteachError
        For fewer than :data:`MIN_STUDIES` estimates, lengths that differ, a standard error that is not
        positive, standard errors all the same, or a REML fit that does not converge.
    UnknownNameError
        For an unknown method or ``ci``.

    Examples
    --------
    Four studies, fixed effect, worked by hand in ``tests/test_small_studies.py``: slope 0.5 with
    variance 2.5, so z = 0.5/√2.5 = 1/√10; intercept 0 with variance 1.

    >>> result = egger_regression([0.0, 0.0, 1.0, 0.5], [1.0, 0.5, 1.0, 0.5], method="FE")
    >>> [round(x, 6) for x in (result.slope, result.statistic, result.limit_log_estimate, result.limit_se)]
    [0.5, 0.316228, 0.0, 1.0]
    """
    y, v = _check_effects(log_effects, se, method, "Egger's test")
    if ci not in CI_METHODS:
        raise UnknownNameError("confidence interval method", ci, list(CI_METHODS))
    check_alpha(alpha)
    sd = np.sqrt(v)
    _check_spread(sd, "Egger's test regresses the effects on their standard errors")
    fit = fit_regression(y, v, np.column_stack([np.ones(len(y)), sd]), method, ci, alpha)
    k = len(y)
    return EggerTest(
        measure=measure, method=method, ci_method=ci, k=k, statistic=float(fit["statistic"][1]), df=fit["df"],
        pvalue=float(fit["p"][1]), slope=float(fit["beta"][1]), slope_se=float(fit["se"][1]),
        limit_log_estimate=float(fit["beta"][0]), limit_se=float(fit["se"][0]),
        limit_estimate=math.exp(fit["beta"][0]), limit_ci_low=math.exp(fit["ci_low"][0]),
        limit_ci_high=math.exp(fit["ci_high"][0]), tau2=fit["tau2"], alpha=alpha,
        warnings=tuple(warnings) + _cautions(k, "en"))


def trim_and_fill(table: pd.DataFrame, measure: str = "RR", method: str = "DL", estimator: str = "L0",
                  side: str | None = None, alpha: float = 0.05) -> TrimAndFill:
    """Duval & Tweedie's trim and fill for two-arm binary outcomes (the algorithm: :func:`trim_and_fill_effects`).

    The studies' log ratios are :func:`~mscteach.stats.meta_analysis`'s. The adjusted estimate is a
    sensitivity analysis for one form of publication bias, not a corrected answer.

    Parameters
    ----------
    table : DataFrame
        One row per study, the columns :func:`~mscteach.stats.meta_analysis` takes.
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio (treated vs control).
    method : {"DL", "REML", "PM", "FE"}, default "DL"
        The model of every fit: random effects with this τ² estimator, or fixed effect.
    estimator : {"L0", "R0"}, default "L0"
        Duval & Tweedie's estimator of the number of missing studies.
    side : {"left", "right"}, optional
        Where studies are missing; by default metafor's rule chooses (see :func:`trim_and_fill_effects`).
    alpha : float, default 0.05
        1 - the confidence level of the intervals.

    Returns
    -------
    TrimAndFill
        With a warning when there are fewer than :data:`FEW_STUDIES` studies.

    Raises
    ------
    MscteachError
        As :func:`trim_and_fill_effects`, or for a table :func:`~mscteach.stats.meta_analysis` refuses.
    UnknownNameError
        For an unknown measure, method, estimator or side.
    """
    y, se, labels, warnings = _informative(table, measure, "trim and fill")
    return trim_and_fill_effects(y, se, labels, measure, method, estimator, side, alpha, warnings)


def trim_and_fill_effects(log_effects: Any, se: Any, labels: Any = None, measure: str = "RR", method: str = "DL",
                          estimator: str = "L0", side: str | None = None, alpha: float = 0.05,
                          warnings: tuple[str, ...] = ()) -> TrimAndFill:
    """Trim and fill on log ratios and their standard errors, step for step as metafor's ``trimfill``.

    1. The side: unless given, a regression of the effects on their standard
       errors (as :func:`egger_regression`, same ``method``); a negative slope
       (small studies lower) puts the missing studies on the right, otherwise on the left.
    2. Effects are flipped when the side is the right, so the missing ones are
       always below; they are sorted (ties keep their order).
    3. Round after round, the k0 largest are trimmed, the rest pooled (``method``),
       and each study's distance from that estimate ranked by size (ties: first
       come first); from the ranks, L0 = (4·S - k(k + 1))/(2k - 1), S the sum of the
       ranks above the estimate, or R0 = k - r - 1, r the largest rank below it;
       rounded (half to even), at least 0. Until k0 does not change
       (:data:`TRIM_AND_FILL_MAX_ITERATIONS` rounds at most).
    4. The k0 most extreme studies are mirrored about the last estimate
       (2·μ - y, same standard error), and all are pooled again with a Wald interval.

    Parameters
    ----------
    log_effects, se : array-like
        One log ratio and its standard error per study.
    labels : sequence of str, optional
        The studies' names (default "Study 1", "Study 2", ...), for ``mirror_of``.
    measure : str, default "RR"
        The ratio's name (estimates are exponentiated).
    method : {"DL", "REML", "PM", "FE"}, default "DL"
        The model of every fit.
    estimator : {"L0", "R0"}, default "L0"
        The estimator of the number of missing studies.
    side : {"left", "right"}, optional
        Where studies are missing; by default chosen as in step 1.
    alpha : float, default 0.05
        1 - the confidence level of the intervals.
    warnings : tuple of str, default ()
        Warnings to carry (the caution for fewer than :data:`FEW_STUDIES` studies is added here).

    Returns
    -------
    TrimAndFill

    Raises
    ------
    MscteachError
        For fewer than :data:`MIN_STUDIES` estimates, lengths that differ, a standard error that is not positive,
        standard errors all the same without a side, R0 with no study below the estimate, or k0 still changing
        after :data:`TRIM_AND_FILL_MAX_ITERATIONS` rounds.
    UnknownNameError
        For an unknown method, estimator or side.

    Examples
    --------
    Five studies of equal precision, worked by hand in ``tests/test_small_studies.py``:

    >>> result = trim_and_fill_effects([0.0, 0.1, 0.2, 0.9, 1.0], [0.2] * 5, method="FE", side="left")
    >>> result.k0, result.iterations, list(result.filled["log_effect"].round(10)), round(result.log_estimate, 10)
    (1, 2, [-0.4], 0.3)
    """
    y, v = _check_effects(log_effects, se, method, "trim and fill")
    if estimator not in ESTIMATORS:
        raise UnknownNameError("trim and fill estimator", estimator, list(ESTIMATORS))
    if side is not None and side not in SIDES:
        raise UnknownNameError("side", side, list(SIDES))
    check_alpha(alpha)
    k = len(y)
    names = [f"Study {i + 1}" for i in range(k)] if labels is None else [str(s) for s in labels]
    if len(names) != k:
        raise MscteachError(f"trim and fill needs one label per study; got {len(names)} for {k} studies")
    sd, ones = np.sqrt(v), np.ones((k, 1))
    side_given = side is not None
    if side is None:
        _check_spread(sd, "the side of the missing studies is chosen by regressing the effects on their standard "
                          "errors, which are all the same here; give side='left' or side='right'")
        side = "right" if fit_regression(y, v, np.column_stack([ones, sd]), method)["beta"][1] < 0 else "left"
    sign = -1.0 if side == "right" else 1.0
    order = np.argsort(sign * y, kind="stable")
    ys, vs = sign * y[order], v[order]
    k0, previous, iterations, se_k0, beta = 0, -1, 0, float("nan"), float("nan")
    while k0 != previous:
        previous, iterations = k0, iterations + 1
        if iterations > TRIM_AND_FILL_MAX_ITERATIONS:
            raise MscteachError(f"trim and fill did not settle in {TRIM_AND_FILL_MAX_ITERATIONS} rounds (the number "
                                f"of missing studies kept changing): try estimator='R0' or another method")
        beta = float(fit_regression(ys[:k - k0], vs[:k - k0], ones[:k - k0], method)["beta"][0])
        k0, se_k0 = _missing(ys - beta, estimator)
    mirrored = order[k - k0:]
    filled_y = sign * (2 * beta - ys[k - k0:])  # the original scale: mirrored about the last estimate
    filled = pd.DataFrame({"study": [f"Filled {i + 1}" for i in range(k0)],
                           "mirror_of": [names[i] for i in mirrored], "log_effect": filled_y,
                           "se": sd[mirrored], "effect": np.exp(filled_y)})
    observed = fit_regression(y, v, ones, method, "z", alpha)
    adjusted = fit_regression(np.concatenate([y, filled_y]), np.concatenate([v, v[mirrored]]), np.ones((k + k0, 1)),
                              method, "z", alpha) if k0 else observed
    return TrimAndFill(
        measure=measure, method=method, estimator=estimator, side=side, side_given=side_given, k=k, k0=k0,
        se_k0=se_k0, iterations=iterations, filled=filled,
        estimate=math.exp(adjusted["beta"][0]), ci_low=math.exp(adjusted["ci_low"][0]),
        ci_high=math.exp(adjusted["ci_high"][0]), log_estimate=float(adjusted["beta"][0]),
        se=float(adjusted["se"][0]), tau2=adjusted["tau2"], observed_estimate=math.exp(observed["beta"][0]),
        observed_ci_low=math.exp(observed["ci_low"][0]), observed_ci_high=math.exp(observed["ci_high"][0]),
        alpha=alpha,
        warnings=tuple(warnings) + _cautions(k, "en"))


def _missing(centred: np.ndarray, estimator: str) -> tuple[int, float]:
    """(k0, its standard error) from the effects' distances to the trimmed estimate, as metafor computes them."""
    from scipy.stats import rankdata

    k = len(centred)
    signed = np.sign(centred) * rankdata(np.abs(centred), method="ordinal")
    if estimator == "R0":
        below = -signed[signed < 0]
        if not len(below):
            raise MscteachError("the R0 estimator needs a study below the pooled estimate and there is none "
                                "(every study has the same effect): use estimator='L0'")
        k0 = float(k - below.max() - 1)
        se_k0 = math.sqrt(2 * max(0.0, k0) + 2)
    else:
        s = float(signed[signed > 0].sum())
        k0 = (4 * s - k * (k + 1)) / (2 * k - 1)
        variance = (k * (k + 1) * (2 * k + 1) + 10 * k0 ** 3 + 27 * k0 ** 2 + 17 * k0 - 18 * k * k0 ** 2
                    - 18 * k * k0 + 6 * k ** 2 * k0) / 24
        # metafor's max(0, NaN) stays NaN where the variance formula goes negative
        se_k0 = max(0.0, 4 * math.sqrt(variance) / (2 * k - 1)) if variance >= 0 else float("nan")
    return max(0, round(k0)), se_k0  # round() is half to even, as R's; L0 never lands on a half (2k - 1 is odd)


def _informative(table: pd.DataFrame, measure: str, what: str) -> tuple[np.ndarray, np.ndarray, list[str],
                                                                        tuple[str, ...]]:
    """The log ratios, standard errors and names of the studies with information, and the pooling's warnings."""
    pooled = meta_analysis(table, measure)  # its checks, exclusions and warnings; its τ² is not used
    studies = pooled.studies[pooled.studies["included"]]
    if len(studies) < MIN_STUDIES:
        left_out = "; ".join(f"{s}: {why}" for s, why in pooled.excluded)
        raise MscteachError(f"{what} needs at least {MIN_STUDIES} studies with information on the {measure}; "
                            f"{len(studies)} of {len(pooled.studies)} given"
                            + (f" (left out: {left_out})" if left_out else ""))
    return (studies["log_effect"].to_numpy(float), studies["se"].to_numpy(float),
            studies["study"].astype(str).tolist(), pooled.warnings)


def _check_effects(log_effects: Any, se: Any, method: str, what: str) -> tuple[np.ndarray, np.ndarray]:
    if method not in METHODS:
        raise UnknownNameError("method", method, list(METHODS))
    y, sd = np.asarray(log_effects, float).ravel(), np.asarray(se, float).ravel()
    if len(y) != len(sd) or len(y) < MIN_STUDIES:
        raise MscteachError(f"{what} needs at least {MIN_STUDIES} studies, one standard error per effect; got "
                            f"{len(y)} effects and {len(sd)} standard errors")
    if not (np.isfinite(y).all() and np.isfinite(sd).all() and (sd > 0).all()):
        raise MscteachError(f"{what} needs finite effects and positive standard errors; got {y.tolist()}, "
                            f"{sd.tolist()}")
    return y, sd ** 2


def _check_spread(sd: np.ndarray, why: str) -> None:
    # lm() in metafor finds the standard-error column collinear with the intercept at about this relative spread
    if np.ptp(sd) <= 1e-7 * sd.max():
        raise MscteachError(f"{why} ({sd[0]:.3g} for every study): there is no funnel to read")
