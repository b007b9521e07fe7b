"""Continuous outcomes in both arms: each study's mean difference or Hedges' g, and their inverse-variance pooling.

The effects are metafor's ``escalc(measure="MD")`` and ``escalc(measure="SMD")`` (its default
large-sample variance, ``vtype="LS"``); the pooling is :func:`mscteach.stats.meta_analysis.pool`'s,
so the τ² estimators, intervals and I² are those of :func:`~mscteach.stats.meta_analysis.meta_analysis`.
Tables in, results out; nothing is drawn or read from disk.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MscteachError, UnknownNameError
from .effects import check_alpha, normal_quantile
from .meta_analysis import CI_METHODS, METHODS, pool
from .values import is_missing

__all__ = ["CONTINUOUS_COLUMNS", "CONTINUOUS_MEASURES", "ContinuousMetaAnalysisResult", "continuous_effects",
           "continuous_meta_analysis", "continuous_table", "hedges_correction"]

#: The columns of a table of continuous outcomes, one row per study (mean, SD and patients per arm).
CONTINUOUS_COLUMNS = ["study", "mean_treated", "sd_treated", "n_treated", "mean_control", "sd_control", "n_control"]
#: The effect measures of a continuous outcome (treated minus control).
CONTINUOUS_MEASURES = {"MD": "mean difference", "SMD": "standardised mean difference (Hedges' g)"}


def hedges_correction(m: Any) -> np.ndarray:
    """Hedges' small-sample correction J(m) = Γ(m/2) / (√(m/2) · Γ((m-1)/2)), in metafor's exact gamma form.

    Computed as metafor's ``.cmicalc`` does, ``exp(lgamma(m/2) - log(sqrt(m/2)) - lgamma((m-1)/2))``,
    so that Hedges' g agrees with ``escalc(measure="SMD")`` to the last digits.

    Parameters
    ----------
    m : array-like
        The degrees of freedom, n_treated + n_control - 2 (greater than 1).

    Returns
    -------
    ndarray
        J for each m; NaN where m ≤ 1 (as metafor).

    Notes
    -----
    J ≈ 1 - 3/(4m - 1) (Hedges 1981). For m in the hundreds of thousands the difference of two
    log-gammas loses digits (about 3e-10 of J at m = 10⁶); metafor's value has the same rounding, and
    it is metafor's that is matched here.

    Examples
    --------
    √(1/π) and √(2/π) for m = 2 and 4; for m = 38, a little below Hedges' 1 - 3/(4·38 - 1) = 0.98013:

    >>> [round(float(j), 6) for j in hedges_correction([2, 4, 38])]
    [0.56419, 0.797885, 0.98011]
    """
    from scipy import special

    m = np.asarray(m, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        j = np.exp(special.gammaln(m / 2) - np.log(np.sqrt(m / 2)) - special.gammaln((m - 1) / 2))
    return np.where(m <= 1, np.nan, j)


def continuous_table(table: pd.DataFrame) -> pd.DataFrame:
    """The :data:`CONTINUOUS_COLUMNS` of ``table``, checked: finite means, positive SDs, at least 2 patients per arm.

    Parameters
    ----------
    table : DataFrame
        One row per study with (at least) :data:`CONTINUOUS_COLUMNS`.

    Returns
    -------
    DataFrame
        Those columns, means and SDs as float64, patients as int64, index reset.

    Raises
    ------
    MscteachError
        Naming the missing columns, or the study and column of a missing or non-numeric value, an SD that
        is not above 0, or an arm size that is not a whole number of at least 2.
    """
    if not isinstance(table, pd.DataFrame):
        raise MscteachError(f"table must be a pandas DataFrame with columns {', '.join(CONTINUOUS_COLUMNS)}; "
                            f"got {type(table).__name__}")
    missing = [c for c in CONTINUOUS_COLUMNS if c not in table.columns]
    if missing:
        raise MscteachError(f"the table needs columns {', '.join(CONTINUOUS_COLUMNS)}; missing: {', '.join(missing)}")
    data = table[CONTINUOUS_COLUMNS].reset_index(drop=True).copy()
    for values in data.to_numpy(object):
        row = dict(zip(CONTINUOUS_COLUMNS, values))
        study = row["study"]
        if is_missing(study):
            raise MscteachError("study is missing in a row: every row needs a study name")
        for column in CONTINUOUS_COLUMNS[1:]:
            value = row[column]
            if is_missing(value):
                raise MscteachError(f"study {study}: {column} is missing (every study needs the mean, SD and "
                                    f"number of patients of both arms)")
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not np.isfinite(float(value)):
                raise MscteachError(f"study {study}: {column} must be a finite number; got {value!r}")
            if column.startswith("sd_") and not value > 0:
                raise MscteachError(f"study {study}: {column} must be greater than 0; got {value!r}")
            if column.startswith("n_") and (not float(value).is_integer() or value < 2):
                raise MscteachError(f"study {study}: {column} must be a whole number of at least 2 "
                                    f"(an SD needs two patients); got {value!r}")
    return data.astype({**{c: "float64" for c in CONTINUOUS_COLUMNS[1:]}, "n_treated": "int64", "n_control": "int64"})


def continuous_effects(table: pd.DataFrame, measure: str = "MD", alpha: float = 0.05) -> pd.DataFrame:
    """Each study's own mean difference or Hedges' g (treated minus control) with its variance and Wald CI.

    ``"MD"`` is the raw difference of means, m₁ - m₂, with variance sd₁²/n₁ + sd₂²/n₂.
    ``"SMD"`` is Hedges' g = J·d, d = (m₁ - m₂)/s_p with the pooled SD
    s_p = √(((n₁-1)sd₁² + (n₂-1)sd₂²)/(n₁+n₂-2)) and J = :func:`hedges_correction` of n₁+n₂-2,
    with the large-sample variance 1/n₁ + 1/n₂ + g²/(2(n₁+n₂)): metafor's
    ``escalc(measure="SMD")`` with its default ``vtype="LS"``.

    Parameters
    ----------
    table : DataFrame
        One row per study with :data:`CONTINUOUS_COLUMNS`: ``study``, ``mean_treated``, ``sd_treated``,
        ``n_treated``, ``mean_control``, ``sd_control``, ``n_control`` (SDs above 0, at least 2
        patients per arm). Other columns are kept.
    measure : {"MD", "SMD"}, default "MD"
        Mean difference or standardised mean difference (Hedges' g).
    alpha : float, default 0.05
        1 - confidence level of each study's CI, in (0, 1).

    Returns
    -------
    DataFrame
        :data:`CONTINUOUS_COLUMNS`, then the table's other columns, then ``effect``, ``variance``,
        ``se``, ``ci_low``, ``ci_high`` (effect ± z·se); one row per study in the table's order,
        with a fresh index.

    Raises
    ------
    MscteachError
        For a missing column or value, an SD not above 0, fewer than 2 patients in an arm, or an
        alpha outside (0, 1). The message names the study and the column.
    UnknownNameError
        For an unknown measure.

    Examples
    --------
    >>> import pandas as pd
    >>> one = pd.DataFrame([["A", 12.0, 4.0, 20, 10.0, 3.0, 25]], columns=CONTINUOUS_COLUMNS)
    >>> row = continuous_effects(one).iloc[0]
    >>> float(row["effect"]), round(float(row["variance"]), 4)  # 12 - 10, 16/20 + 9/25
    (2.0, 1.16)
    """
    if measure not in CONTINUOUS_MEASURES:
        raise UnknownNameError("measure", measure, list(CONTINUOUS_MEASURES))
    check_alpha(alpha)
    data = continuous_table(table)
    m1, s1, n1, m2, s2, n2 = (data[c].to_numpy(dtype=float) for c in CONTINUOUS_COLUMNS[1:])
    if measure == "MD":
        effect = m1 - m2
        variance = s1 ** 2 / n1 + s2 ** 2 / n2
    else:  # metafor's escalc("SMD"), vtype="LS", in its order of operations
        df = n1 + n2 - 2
        pooled_sd = np.sqrt(((n1 - 1) * s1 ** 2 + (n2 - 1) * s2 ** 2) / df)
        effect = hedges_correction(df) * ((m1 - m2) / pooled_sd)
        variance = 1 / n1 + 1 / n2 + effect ** 2 / (2 * (n1 + n2))
    se, z = np.sqrt(variance), normal_quantile(alpha)
    others = [c for c in table.columns if c not in CONTINUOUS_COLUMNS]
    rest = table[others].reset_index(drop=True)
    columns = {**{c: data[c] for c in CONTINUOUS_COLUMNS}, **{c: rest[c] for c in others},
               "effect": effect, "variance": variance, "se": se, "ci_low": effect - z * se, "ci_high": effect + z * se}
    return pd.DataFrame(columns)


@dataclass(frozen=True)
class ContinuousMetaAnalysisResult:
    """A pooled mean difference or standardised mean difference from two-arm continuous outcomes.

    Made by :func:`continuous_meta_analysis`; frozen. Everything is on the scale of the measure
    (no log scale: a difference, not a ratio).

    Parameters
    ----------
    measure : {"MD", "SMD"}
        The effect pooled: mean difference or Hedges' g (treated minus control).
    method : {"DL", "PM", "REML"}
        The τ² estimator of the random-effects model.
    ci_method : {"z", "hksj"}
        How the random-effects interval was made: normal (Wald) or Hartung-Knapp-Sidik-Jonkman.
    k : int
        The number of studies pooled.
    estimate, se, ci_low, ci_high : float
        The random-effects estimate, the standard error the interval uses (Wald, or HKSJ for
        ``ci_method="hksj"``) and the confidence limits.
    fixed_estimate, fixed_se, fixed_ci_low, fixed_ci_high : float
        The fixed-effect (inverse-variance) estimate, its standard error and Wald limits.
    tau2 : float
        The between-study variance (never negative).
    i2 : float
        Higgins & Thompson's share of variability due to heterogeneity, in percent (0-100).
    q, q_pvalue : float
        Cochran's Q and its p-value (χ² with k - 1 degrees of freedom).
    pi_low, pi_high : float
        The prediction interval for the effect in a new study (NaN for fewer than three studies).
    alpha : float
        1 - the confidence level of every interval.
    studies : DataFrame
        One row per study (see :func:`continuous_effects`) with ``weight_fixed`` and ``weight_random``
        in percent.
    """

    measure: str
    method: str
    ci_method: str
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    fixed_estimate: float
    fixed_se: float
    fixed_ci_low: float
    fixed_ci_high: float
    tau2: float
    i2: float
    q: float
    q_pvalue: float
    pi_low: float
    pi_high: float
    alpha: float
    studies: pd.DataFrame

    def summary(self, lang: str | None = None) -> str:
        """One line: the random-effects estimate with its CI and heterogeneity.

        Parameters
        ----------
        lang : str, optional
            The language (default: :func:`mscteach.i18n.language`).

        Returns
        -------
        str
            The measure with its CI (limits written "-0.24 to 3.01", as they may be negative; marked HKSJ
            for a Hartung-Knapp-Sidik-Jonkman interval), the
            number of studies, the τ² estimator, I² and τ², then the prediction interval when there is one.

        Examples
        --------
        >>> import pandas as pd
        >>> table = pd.DataFrame([["A", 12.0, 4.0, 20, 10.0, 3.0, 25], ["B", 11.0, 5.0, 30, 10.5, 5.0, 30]],
        ...                      columns=CONTINUOUS_COLUMNS)
        >>> continuous_meta_analysis(table).summary("en")
        'MD 1.38 (95% CI -0.24 to 3.01), 2 studies, random effects (DL); I² = 0%, τ² = 0.000'
        """
        from ..i18n import say

        values = {"measure": self.measure, "estimate": self.estimate, "level": 100 * (1 - self.alpha),
                  "low": self.ci_low, "high": self.ci_high, "k": self.k, "method": self.method, "i2": self.i2,
                  "tau2": self.tau2}
        if self.ci_method == "hksj":
            line = say("{measure} {estimate:.2f} ({level:g}% CI, HKSJ {low:.2f} to {high:.2f}), {k} studies, random "
                       "effects ({method}); I² = {i2:.0f}%, τ² = {tau2:.3f}", lang, **values)
        else:
            line = say("{measure} {estimate:.2f} ({level:g}% CI {low:.2f} to {high:.2f}), {k} studies, random "
                       "effects ({method}); I² = {i2:.0f}%, τ² = {tau2:.3f}", lang, **values)
        if self.pi_low == self.pi_low:  # not NaN
            line += say("; {level:g}% prediction interval {low:.2f} to {high:.2f}", lang, level=values["level"],
                        low=self.pi_low, high=self.pi_high)
        return line


def continuous_meta_analysis(table: pd.DataFrame, measure: str = "MD", method: str = "DL", ci: str = "z",
                             alpha: float = 0.05) -> ContinuousMetaAnalysisResult:
    """Pool two-arm continuous outcomes: inverse-variance fixed effect and random effects.

    Each study's effect (:func:`continuous_effects`) is pooled by
    :func:`mscteach.stats.meta_analysis.pool`: τ² by DerSimonian-Laird, Paule-Mandel or REML,
    truncated at zero; I² is Higgins & Thompson's whatever the estimator (metafor's ``rma()``
    reports 100·τ²/(τ² + s²), the same for DL only).

    Parameters
    ----------
    table : DataFrame
        One row per study with :data:`CONTINUOUS_COLUMNS` (two or more studies).
    measure : {"MD", "SMD"}, default "MD"
        Mean difference or standardised mean difference (Hedges' g), treated minus control.
    method : {"DL", "PM", "REML"}, default "DL"
        The between-study variance estimator.
    ci : {"z", "hksj"}, default "z"
        The random-effects confidence interval: normal (Wald) or Hartung-Knapp-Sidik-Jonkman.
    alpha : float, default 0.05
        1 - confidence level, in (0, 1).

    Returns
    -------
    ContinuousMetaAnalysisResult

    Raises
    ------
    MscteachError
        For fewer than two studies, a missing column or value, an SD not above 0, fewer than 2
        patients in an arm, or an alpha outside (0, 1); the message names the study and the column.
    UnknownNameError
        For an unknown measure, method or ``ci``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame([["A", 12.0, 4.0, 20, 10.0, 3.0, 25], ["B", 11.0, 5.0, 30, 10.5, 5.0, 30],
    ...                       ["C", 14.0, 6.0, 40, 12.0, 6.0, 40]], columns=CONTINUOUS_COLUMNS)
    >>> result = continuous_meta_analysis(table, "SMD", "REML", ci="hksj")
    >>> result.k, round(result.estimate, 3)
    (3, 0.309)
    """
    if measure not in CONTINUOUS_MEASURES:
        raise UnknownNameError("measure", measure, list(CONTINUOUS_MEASURES))
    if method not in METHODS:
        raise UnknownNameError("method", method, list(METHODS))
    if ci not in CI_METHODS:
        raise UnknownNameError("confidence interval method", ci, list(CI_METHODS))
    check_alpha(alpha)
    studies = continuous_effects(table, measure, alpha)
    if len(studies) < 2:
        raise MscteachError(f"a pooled {measure} needs at least two studies; {len(studies)} given")
    y, v = studies["effect"].to_numpy(float), studies["variance"].to_numpy(float)
    pooled = pool(y, v, method, ci, alpha)
    for column, w in (("weight_fixed", pooled["w_fixed"]), ("weight_random", pooled["w_random"])):
        studies[column] = 100 * w / w.sum()
    z = normal_quantile(alpha)
    fe, se_fe = float(pooled["mu_fixed"]), float(pooled["se_fixed"])
    return ContinuousMetaAnalysisResult(
        measure=measure, method=method, ci_method=ci, k=len(studies), estimate=float(pooled["mu"]),
        se=float(pooled["se_ci"]), ci_low=float(pooled["ci_low"]), ci_high=float(pooled["ci_high"]),
        fixed_estimate=fe, fixed_se=se_fe, fixed_ci_low=fe - z * se_fe, fixed_ci_high=fe + z * se_fe,
        tau2=float(pooled["tau2"]), i2=float(pooled["i2"]), q=float(pooled["q"]),
        q_pvalue=float(pooled["q_pvalue"]), pi_low=float(pooled["pi_low"]), pi_high=float(pooled["pi_high"]),
        alpha=alpha, studies=studies)
