"""Does the effect differ between studies? Subgroup analysis and meta-regression on study characteristics.

Conventions: metafor's ``rma(yi, vi, mods = ~ ...)`` for meta-regression, RevMan's (Cochrane Handbook 10.11) for
the test for subgroup differences; ``tests/test_metafor_moderators.py`` checks both against metafor.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MscteachError, ParameterError, UnknownNameError
from ..i18n import say, say_n
from .effects import BINARY_COLUMNS, check_alpha, normal_quantile, study_effects
from .meta_analysis import CI_METHODS, SAME_ACROSS_STUDIES, MetaAnalysisResult, meta_analysis, pool
from .regression import fit_regression, residual_tau2, weighted_trace, wls
from .values import is_missing

__all__ = ["REGRESSION_METHODS", "STUDIES_PER_TERM", "MetaRegressionResult", "SubgroupResult", "meta_regression",
           "subgroup_analysis"]

#: The τ² estimators of :func:`meta_regression` (``"FE"``: no τ², a fixed-effect meta-regression).
REGRESSION_METHODS = {"FE": "fixed effect", "DL": "DerSimonian-Laird", "REML": "restricted maximum likelihood",
                      "ML": "maximum likelihood", "PM": "Paule-Mandel"}
#: The Cochrane Handbook (10.11.5.1): meta-regression "should generally not be considered when there are
#: fewer than ten studies" per characteristic; fewer studies than this per term draw a warning.
STUDIES_PER_TERM = 10


@dataclass(frozen=True)
class SubgroupResult:
    """Pooled estimates per subgroup and the test for subgroup differences (made by :func:`subgroup_analysis`).

    Parameters
    ----------
    by : str
        The column the studies were grouped by.
    measure, method, ci_method : str
        As given to :func:`subgroup_analysis`.
    alpha : float
        1 - the intervals' confidence level.
    subgroups : DataFrame
        One row per subgroup (sorted): ``subgroup``, ``k``, ``estimate``, ``ci_low``, ``ci_high``
        (ratio scale), ``log_estimate``, ``se`` (the random-effects Wald SE the test uses), ``tau2``,
        ``i2``, ``q``, ``q_pvalue``. A subgroup of one study has its own estimate and Wald interval
        (τ², I², Q NaN); one without an informative study has NaNs and takes no part in the test.
    q_between, df, p_value : float, int, float
        The test for subgroup differences: Q, its df (subgroups tested - 1) and its χ² p-value.
    i2_between : float
        100·max(0, (Q - df)/Q): the share of Q between subgroups beyond its df, in percent.
    overall : MetaAnalysisResult
        All the studies of the subgroups pooled together.
    dropped : tuple of (str, str)
        Studies left out before grouping (no value in ``by``), each with why.
    warnings : tuple of str
        What a reader should know (few studies for the number of subgroups, a subgroup of one study).
    """

    by: str
    measure: str
    method: str
    ci_method: str
    alpha: float
    subgroups: pd.DataFrame
    q_between: float
    df: int
    p_value: float
    i2_between: float
    overall: MetaAnalysisResult
    dropped: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    def summary(self, lang: str | None = None) -> str:
        """One line per subgroup, then the test for subgroup differences, then what was left out.

        Parameters
        ----------
        lang : str, optional
            The language (default: :func:`mscteach.i18n.language`).

        Returns
        -------
        str
            Lines separated by newlines.
        """
        level = 100 * (1 - self.alpha)
        lines = []
        for row in self.subgroups.itertuples(index=False):
            if row.estimate == row.estimate:  # not NaN
                lines.append(say_n("{subgroup}: {measure} {estimate:.2f} ({level:g}% CI {low:.2f}-{high:.2f}), "
                                   "{n} study", "{subgroup}: {measure} {estimate:.2f} ({level:g}% CI "
                                   "{low:.2f}-{high:.2f}), {n} studies", int(row.k), lang, subgroup=row.subgroup,
                                   measure=self.measure, estimate=row.estimate, level=level, low=row.ci_low,
                                   high=row.ci_high))
            else:
                lines.append(say("{subgroup}: no study with information on the {measure}", lang,
                                 subgroup=row.subgroup, measure=self.measure))
        lines.append(say("Test for subgroup differences ({by}): Q = {q:.2f}, df = {df}, p = {p:.3g}; I² = {i2:.0f}%",
                         lang, by=self.by, q=self.q_between, df=self.df, p=self.p_value, i2=self.i2_between))
        if self.dropped:
            lines.append(say("Left out: {studies}", lang, studies=", ".join(f"{s} ({w})" for s, w in self.dropped)))
        return "\n".join(lines + list(self.warnings))


@dataclass(frozen=True)
class MetaRegressionResult:
    """A meta-regression of the studies' log ratios on moderators (made by :func:`meta_regression`).

    Parameters
    ----------
    measure, method, ci_method : str
        As given to :func:`meta_regression`.
    alpha : float
        1 - the intervals' confidence level.
    moderators : tuple of str
        The moderator columns, in the order given.
    k : int
        The studies in the model.
    coefficients : DataFrame
        One row per term (``intercept``, a numeric moderator by its name, a level of a categorical one
        as ``name[level]``): ``term``, ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``statistic``
        (z, or t with k - p df under HKSJ) and ``p``, on the log scale.
    vcov : DataFrame
        The coefficients' covariance matrix, rows and columns named by term.
    tau2 : float
        The residual between-study variance (0 for ``"FE"``).
    tau2_no_moderators : float
        τ² of the same studies without moderators (same estimator), for R²; NaN for ``"FE"``.
    i2 : float
        Residual I² (%), metafor's 100·τ²/(τ² + s²), s² = (k - p)/tr P (P the fixed-effect residual
        projection); for ``"FE"``, 100·max(0, (QE - (k - p))/QE).
    r2 : float
        The share of τ² the moderators account for (%), metafor's 100·max(0, (τ²_RE - τ²)/τ²_RE), 0 when
        τ²_RE is 0; for ``"FE"``, metafor's adjusted R² of the weighted least-squares fit.
    qm, qm_df, qm_pvalue : float, tuple of int, float
        The omnibus test of the moderators (every coefficient but the intercept is 0): Wald χ² with
        ``qm_df = (m,)``, or under HKSJ an F statistic with ``qm_df = (m, k - p)``.
    qe, qe_df, qe_pvalue : float, int, float
        The test for residual heterogeneity (fixed-effect weights, χ² with k - p df).
    studies : DataFrame
        The studies in the model: ``study``, ``log_effect``, ``variance``, the moderators, ``weight``
        (percent of 1/(v + τ²)) and ``fitted`` (log scale).
    categories : dict of str to tuple of str
        The levels of each categorical moderator, the reference first.
    dropped : tuple of (str, str)
        Studies left out (no information on the ratio, or a missing moderator value), each with why.
    warnings : tuple of str
        What a reader should know (too few studies per term).
    """

    measure: str
    method: str
    ci_method: str
    alpha: float
    moderators: tuple[str, ...]
    k: int
    coefficients: pd.DataFrame
    vcov: pd.DataFrame
    tau2: float
    tau2_no_moderators: float
    i2: float
    r2: float
    qm: float
    qm_df: tuple[int, ...]
    qm_pvalue: float
    qe: float
    qe_df: int
    qe_pvalue: float
    studies: pd.DataFrame
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dropped: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()

    def predict(self, values: Mapping[str, Sequence[Any]]) -> pd.DataFrame:
        """The model's mean effect, with its confidence interval, at given moderator values.

        Parameters
        ----------
        values : mapping of str to sequence
            One sequence per moderator, all of the same length (a categorical moderator takes its levels).

        Returns
        -------
        DataFrame
            ``log_prediction``, ``se``, then on the ratio scale ``prediction``, ``ci_low``, ``ci_high`` (z, or t(k - p)).

        Raises
        ------
        ParameterError
            For a moderator missing from ``values``, or a level the model does not know.
        """
        from scipy import stats

        missing = [m for m in self.moderators if m not in values]
        if missing:
            raise ParameterError(f"predict needs a value for every moderator; missing: {', '.join(missing)} "
                                 f"(moderators: {', '.join(self.moderators)})")
        x = _design(pd.DataFrame({m: list(values[m]) for m in self.moderators}), self.moderators, self.categories)[0]
        beta = self.coefficients["estimate"].to_numpy(float)
        mean = x @ beta
        se = np.sqrt(np.einsum("ij,jk,ik->i", x, self.vcov.to_numpy(float), x))
        crit = (normal_quantile(self.alpha) if self.ci_method == "z"
                else float(stats.t.isf(self.alpha / 2, self.k - len(beta))))
        return pd.DataFrame({"log_prediction": mean, "se": se, "prediction": np.exp(mean),
                             "ci_low": np.exp(mean - crit * se), "ci_high": np.exp(mean + crit * se)})

    def summary(self, lang: str | None = None) -> str:
        """The model, the residual heterogeneity, the test of moderators and each coefficient, a line each.

        Parameters
        ----------
        lang : str, optional
            The language (default: :func:`mscteach.i18n.language`).

        Returns
        -------
        str
            Lines separated by newlines; coefficients on the log scale.
        """
        lines = [say_n("Meta-regression of the log {measure} on {moderators}: {n} study, {method}",
                       "Meta-regression of the log {measure} on {moderators}: {n} studies, {method}", self.k, lang,
                       measure=self.measure, moderators=", ".join(self.moderators), method=self.method),
                 say("Residual heterogeneity: τ² = {tau2:.4f}, I² = {i2:.1f}%, R² = {r2:.1f}%; "
                     "QE = {qe:.2f} (df = {df}), p = {p:.3g}", lang, tau2=self.tau2, i2=self.i2, r2=self.r2,
                     qe=self.qe, df=self.qe_df, p=self.qe_pvalue)]
        if self.ci_method == "z":
            lines.append(say("Test of moderators: QM = {qm:.2f} (df = {df}), p = {p:.3g}", lang, qm=self.qm,
                             df=self.qm_df[0], p=self.qm_pvalue))
        else:
            lines.append(say("Test of moderators (HKSJ): F = {f:.2f} (df = {df1}, {df2}), p = {p:.3g}", lang,
                             f=self.qm, df1=self.qm_df[0], df2=self.qm_df[1], p=self.qm_pvalue))
        level = 100 * (1 - self.alpha)
        for row in self.coefficients.itertuples(index=False):
            lines.append(say("{term}: {estimate:.4f} (SE {se:.4f}; {level:g}% CI {low:.4f} to {high:.4f}), "
                             "p = {p:.3g}", lang, term=row.term, estimate=row.estimate, se=row.se, level=level,
                             low=row.ci_low, high=row.ci_high, p=row.p))
        if self.dropped:
            lines.append(say("Left out: {studies}", lang, studies=", ".join(f"{s} ({w})" for s, w in self.dropped)))
        return "\n".join(lines + list(self.warnings))


def subgroup_analysis(table: pd.DataFrame, by: str, measure: str = "RR", method: str = "DL", ci: str = "z",
                      alpha: float = 0.05) -> SubgroupResult:
    """Pool each subgroup of studies on its own, and test whether the subgroups' effects differ.

    Each subgroup (a value of the column ``by``) is pooled by :func:`meta_analysis` with its own τ².
    The test for subgroup differences is RevMan's (Cochrane Handbook 10.11.3.1): Cochran's Q of the
    subgroups' random-effects estimates around their inverse-variance mean, each weighted by
    1/SE², with the Wald SE whatever ``ci``, χ² with (subgroups - 1) df. In metafor that is
    ``rma(estimates, sei = ses, method = "FE")$QE``; it is not the QM of ``rma(yi, vi, mods = ~ factor(g))``,
    which assumes one τ² common to all subgroups.

    Parameters
    ----------
    table : DataFrame
        The columns :func:`meta_analysis` takes, and ``by``.
    by : str
        The column whose values define the subgroups; a study without a value is left out (``dropped``).
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio.
    method : {"DL", "PM", "REML"}, default "DL"
        The τ² estimator within each subgroup.
    ci : {"z", "hksj"}, default "z"
        The subgroups' intervals: normal (Wald) or Hartung-Knapp-Sidik-Jonkman.
    alpha : float, default 0.05
        1 - confidence level.

    Returns
    -------
    SubgroupResult
        A subgroup of one informative study takes part in the test with its own estimate and SE (RevMan).

    Raises
    ------
    UnknownNameError
        For a ``by`` that is not a column (the message lists them), or an unknown measure, method or ``ci``.
    MscteachError
        For fewer than two subgroups with an estimate, or counts that cannot be pooled.

    Examples
    --------
    >>> from mscteach.datasets import bcg
    >>> result = subgroup_analysis(bcg.load(), by="allocation")
    >>> result.subgroups[["subgroup", "k"]].values.tolist()
    [['alternate', 2], ['random', 7], ['systematic', 4]]
    >>> round(result.q_between, 2), result.df
    (1.54, 2)
    """
    _check(table, [by], "subgroup column", method, ci, alpha, ["DL", "PM", "REML"])
    keep = np.array([not is_missing(v) for v in table[by]], dtype=bool)
    dropped = tuple((str(s), say("no {column}", None, column=by)) for s in table.loc[~keep, "study"])
    used = table.loc[keep].reset_index(drop=True)
    overall = meta_analysis(used, measure, method, alpha, ci)
    studies = overall.studies.assign(subgroup=used[by].astype(str))
    rows = [_subgroup_row(name, studies[studies["subgroup"] == name], method, ci, alpha)
            for name in sorted(set(studies["subgroup"]))]
    groups = pd.DataFrame(rows)
    tested = groups[groups["se"].notna()]
    if len(tested) < 2:
        raise MscteachError(f"a test for subgroup differences needs two or more subgroups of {by!r} with an "
                            f"estimate; got {len(tested)} ({', '.join(map(str, tested['subgroup'])) or 'none'})")
    y, v = tested["log_estimate"].to_numpy(float), tested["se"].to_numpy(float) ** 2
    between = pool(y, v, "DL", "z", alpha)
    q, df = float(between["q"]), len(tested) - 1
    warnings = [say("{k} studies for {groups} subgroups: the Cochrane Handbook (10.11.5.1) advises about ten "
                    "studies per characteristic, so the test for subgroup differences has little power", None,
                    k=overall.k, groups=len(tested))] if overall.k < STUDIES_PER_TERM * df else []
    singles = groups.loc[groups["k"] == 1, "subgroup"].tolist()
    warnings += [say("subgroups of one study (their own estimate, no τ²): {groups}", None,
                     groups=", ".join(singles))] if singles else []
    return SubgroupResult(by=by, measure=measure, method=method, ci_method=ci, alpha=alpha, subgroups=groups,
                          q_between=q, df=df, p_value=float(between["q_pvalue"]),
                          i2_between=100 * max(0.0, (q - df) / q) if q > 0 else 0.0, overall=overall,
                          dropped=dropped, warnings=tuple(warnings))


def _subgroup_row(name: str, studies: pd.DataFrame, method: str, ci: str, alpha: float) -> dict[str, Any]:
    """One subgroup pooled as :func:`meta_analysis` pools (its single study as it is), with the Wald SE."""
    informative = studies[studies["included"]]
    row: dict[str, Any] = {"subgroup": name, "k": len(informative), **dict.fromkeys(
        ["estimate", "ci_low", "ci_high", "log_estimate", "se", "tau2", "i2", "q", "q_pvalue"], float("nan"))}
    if len(informative) == 1:
        single = informative.iloc[0]
        row.update(estimate=float(single["effect"]), ci_low=float(single["ci_low"]), ci_high=float(single["ci_high"]),
                   log_estimate=float(single["log_effect"]), se=float(single["se"]))
    elif len(informative) > 1:
        pooled = pool(informative["log_effect"].to_numpy(float), informative["se"].to_numpy(float) ** 2, method, ci,
                      alpha)  # "se" is the Wald SE whatever ci; the interval uses "se_ci"
        row.update({c: float(np.exp(pooled[c])) for c in ("ci_low", "ci_high")}, estimate=float(np.exp(
            pooled["mu"])), log_estimate=float(pooled["mu"]), **{n: float(pooled[n]) for n in ("se", "tau2", "i2", "q",
                                                                                                  "q_pvalue")})
    return row


def meta_regression(table: pd.DataFrame, moderators: Sequence[str], measure: str = "RR", method: str = "REML",
                    ci: str = "z", alpha: float = 0.05) -> MetaRegressionResult:
    """Regress the studies' log ratios on study characteristics (mixed-effects meta-regression).

    metafor's ``rma(yi, vi, mods = ~ ...)``: y_i = x_i'β + u_i + e_i, u_i ~ N(0, τ²), e_i ~ N(0, v_i),
    fitted by weighted least squares with weights 1/(v_i + τ²), τ² the residual between-study variance.

    Parameters
    ----------
    table : DataFrame
        The columns :func:`meta_analysis` takes, and the moderator columns.
    moderators : sequence of str
        Moderator columns. A numeric column enters as it is; any other is categorical, dummy-coded with
        its first level (sorted) as the reference, as R's ``factor()``. An intercept is always included.
    measure : {"RR", "OR"}, default "RR"
        Risk ratio or odds ratio.
    method : {"REML", "ML", "DL", "PM", "FE"}, default "REML"
        The residual τ² estimator (:data:`REGRESSION_METHODS`), truncated at 0; ``"FE"`` fits no τ².
    ci : {"z", "hksj"}, default "z"
        ``"z"``: Wald tests and intervals, QM a χ² test. ``"hksj"``: Knapp & Hartung's, as metafor's
        ``test="knha"``: the covariance scaled by Σw(y - ŷ)²/(k - p) (not truncated), t tests with
        k - p df and QM an F test with (m, k - p) df. Not for ``"FE"``.
    alpha : float, default 0.05
        1 - confidence level.

    Returns
    -------
    MetaRegressionResult
        With ``warnings`` when there are fewer than :data:`STUDIES_PER_TERM` studies per
        moderator term (Cochrane Handbook 10.11.5.1).

    Raises
    ------
    UnknownNameError
        For a moderator that is not a column (the message lists them), or an unknown measure, method or ``ci``.
    ParameterError
        For no moderators, a moderator given twice, or ``ci="hksj"`` with ``method="FE"``.
    MscteachError
        For no more studies than parameters, collinear moderators (or a categorical one with a single
        level), counts that cannot be pooled, or an iteration that does not converge.

    Notes
    -----
    Studies without information on the ratio or with a missing moderator value (R's ``na.omit``) are
    left out; ``dropped`` says which and why. τ² is :func:`~mscteach.stats.regression.residual_tau2`'s
    (REML and ML: metafor's Fisher scoring from the Hedges estimate, with its half-step remedy; DL: the
    closed form on the residual Q; PM solves Σw(y - ŷ)² = k - p). τ²_RE for R² is :func:`meta_analysis`'s
    (ML: the intercept-only ML fit).

    Examples
    --------
    >>> from mscteach.datasets import bcg
    >>> result = meta_regression(bcg.load(), ["latitude"])
    >>> result.coefficients[["term", "estimate"]].round(4).values.tolist()
    [['intercept', 0.2515], ['latitude', -0.0291]]
    >>> round(result.tau2, 4), round(result.qm, 2), round(result.r2, 2)
    (0.0763, 16.36, 75.63)
    """
    if not isinstance(moderators, (list, tuple)) or not moderators or len(set(moderators)) < len(moderators):
        raise ParameterError(f"moderators must be a list of column names, none given twice, e.g. ['latitude']; "
                             f"got {moderators!r}")
    moderators = list(moderators)
    _check(table, moderators, "moderator column", method, ci, alpha, list(REGRESSION_METHODS))
    if method == "FE" and ci != "z":
        raise ParameterError("ci='hksj' is for random-effects models; a fixed-effect one (method='FE') takes ci='z'")
    studies = study_effects(table, measure, alpha)
    dropped = [(str(s), str(r)) for s, r in
               studies.loc[~studies["included"], ["study", "excluded_reason"]].itertuples(index=False)]
    keep = studies["included"].to_numpy(bool).copy()
    for m in moderators:
        missing = keep & np.array([is_missing(v) for v in table[m]], dtype=bool)
        dropped += [(str(s), say("no {column}", None, column=m)) for s in studies.loc[missing, "study"]]
        keep &= ~missing
    used = studies.loc[keep].reset_index(drop=True)
    x, terms, categories = _design(used, moderators, None)
    k, p = x.shape
    if k <= p:
        raise MscteachError(f"a meta-regression with {p} parameters ({', '.join(terms)}) needs more than {p} "
                            f"studies with information and moderator values; got {k}")
    if np.linalg.matrix_rank(x) < p:
        raise MscteachError(f"the moderators {', '.join(moderators)} are collinear in these {k} studies "
                            f"(one is a combination of the others): leave one out")
    y, v = used["log_effect"].to_numpy(float), used["se"].to_numpy(float) ** 2
    fit = _fit(y, v, x, method, ci, alpha)
    # τ² without moderators: the one meta_analysis reports for these studies (ML: its own intercept-only fit)
    re_tau2 = float("nan") if method == "FE" else residual_tau2(y, v, np.ones((k, 1)), "ML") if method == "ML" \
        else float(pool(y, v, method)["tau2"])
    r2 = fit["r2"] if method == "FE" else 0.0 if re_tau2 == 0 else 100 * max(0.0, (re_tau2 - fit["tau2"]) / re_tau2)
    warnings = [say_n("{k} studies for {n} moderator term: the Cochrane Handbook (10.11.5.1) advises about ten "
                      "studies per term, so these estimates are unreliable", "{k} studies for {n} moderator terms: the "
                      "Cochrane Handbook (10.11.5.1) advises about ten studies per term, so these estimates are "
                      "unreliable", p - 1, None, k=k)] if k < STUDIES_PER_TERM * (p - 1) else []
    w = 1 / (v + fit["tau2"])
    shown = pd.concat([used[["study", "log_effect"]].assign(variance=v), used[moderators]], axis=1).assign(
        weight=100 * w / w.sum(), fitted=fit["fitted"])
    coefficients = pd.DataFrame({"term": terms, "estimate": fit["beta"], "se": fit["se"], "ci_low": fit["ci_low"],
                                 "ci_high": fit["ci_high"], "statistic": fit["statistic"], "p": fit["p"]})
    return MetaRegressionResult(
        measure=measure, method=method, ci_method=ci, alpha=alpha, moderators=tuple(moderators), k=k,
        coefficients=coefficients, vcov=pd.DataFrame(fit["vcov"], index=terms, columns=terms), tau2=fit["tau2"],
        tau2_no_moderators=re_tau2, i2=fit["i2"], r2=r2, qm=fit["qm"], qm_df=fit["qm_df"], qm_pvalue=fit["qm_p"],
        qe=fit["qe"], qe_df=k - p, qe_pvalue=fit["qe_p"], studies=shown, categories=categories,
        dropped=tuple(dropped), warnings=tuple(warnings))


def _check(table: pd.DataFrame, columns: Sequence[str], kind: str, method: str, ci: str, alpha: float,
           methods: Sequence[str]) -> None:
    """Known method, interval and columns, alpha in (0, 1); as :func:`meta_analysis`, only like with like."""
    allowed = [str(c) for c in table.columns if c not in BINARY_COLUMNS]
    checks = [("method", method, list(methods)), ("confidence interval method", ci, list(CI_METHODS))]
    for name, value, known in checks + [(kind, c, allowed) for c in columns]:
        if value not in known:
            raise UnknownNameError(name, value, known)
    check_alpha(alpha)
    for column in SAME_ACROSS_STUDIES:
        values = sorted({str(v) for v in table.get(column, []) if not is_missing(v)})
        if len(values) > 1:
            raise MscteachError(f"cannot model rows of different {column}s ({', '.join(values)}) together: "
                                f"one {column} at a time")


def _design(data: pd.DataFrame, moderators: Sequence[str],
            categories: Mapping[str, tuple[str, ...]] | None) -> tuple[np.ndarray, list[str], dict[str, tuple[str, ...]]]:
    """The design matrix (intercept, numbers, dummies), its terms and levels (learnt, sorted, if ``categories`` is None)."""
    columns, terms, levels = [np.ones(len(data))], ["intercept"], {}
    for m in moderators:
        values = data[m]
        if (m not in categories) if categories is not None else \
                (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
            try:
                columns.append(values.to_numpy(float))
            except (TypeError, ValueError) as error:
                raise ParameterError(f"moderator {m!r} is numeric in the model; got {list(values)!r}") from error
            terms.append(m)
            continue
        text = values.astype(str)
        known = tuple(sorted(set(text))) if categories is None else categories[m]
        unknown = sorted(set(text) - set(known))
        if unknown:
            raise ParameterError(f"moderator {m!r} has no level {unknown[0]!r} in the model; levels: {', '.join(known)}")
        if len(known) < 2:
            raise MscteachError(f"the categorical moderator {m!r} has a single value ({known[0]}) in the studies "
                                f"modelled: it cannot explain differences between them")
        levels[m] = known
        for level in known[1:]:
            columns.append((text == level).to_numpy(float))
            terms.append(f"{m}[{level}]")
    return np.column_stack(columns), terms, levels


def _fit(y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str, ci: str, alpha: float) -> dict[str, Any]:
    """Coefficients, their tests and intervals, QM, QE and the residual I² of one meta-regression."""
    from scipy import stats

    k, p = x.shape
    fit = fit_regression(y, v, x, method, ci, alpha)
    tau2, beta, vcov, m = fit["tau2"], fit["beta"], fit["vcov"], p - 1
    try:
        qm = float(beta[1:] @ np.linalg.solve(vcov[1:, 1:], beta[1:]))
    except np.linalg.LinAlgError:  # a perfect Knapp-Hartung fit has a zero covariance: no test (metafor: NA)
        qm = float("nan")
    qm_df: tuple[int, ...] = (m,) if ci == "z" else (m, k - p)  # under HKSJ an F test, as metafor's test="knha"
    if ci == "z":
        qm_p = float(stats.chi2.sf(qm, m))
    else:
        qm = qm / m
        qm_p = float(stats.f.sf(qm, m, k - p))
    w_fixed = 1 / v  # QE and I² take the fixed-effect fit whatever the method, as metafor
    inverse_fixed, _, r_fixed = wls(y, x, w_fixed)
    qe = max(0.0, float((w_fixed * r_fixed ** 2).sum()))
    # FE: metafor's R² is the adjusted R² of the weighted least-squares fit, 1 - (QE/Q)·(k - 1)/(k - p), ≥ 0
    q = float((w_fixed * (y - (w_fixed * y).sum() / w_fixed.sum()) ** 2).sum())
    r2 = 100 * max(0.0, 1 - qe / q * (k - 1) / (k - p)) if q > 0 else 0.0
    if method == "FE":
        i2 = 100 * max(0.0, (qe - (k - p)) / qe) if qe > 0 else 0.0
    else:  # metafor's: τ² over τ² + the typical within-study variance (k - p)/tr P
        i2 = 100 * tau2 / ((k - p) / (w_fixed.sum() - weighted_trace(inverse_fixed, x, w_fixed ** 2)) + tau2)
    return {**fit, "qm": qm, "qm_df": qm_df, "qm_p": qm_p, "qe": qe, "qe_p": float(stats.chi2.sf(qe, k - p)),
            "i2": float(i2), "fitted": x @ beta, "r2": r2}
