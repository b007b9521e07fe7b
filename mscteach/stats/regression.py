"""The weighted meta-regression that meta-regression, Egger's test and trim and fill all fit: τ² and the coefficients.

metafor's ``rma.uni(yi, vi, mods = X)``: y_i = x_i'β + u_i + e_i, u_i ~ N(0, τ²), e_i ~ N(0, v_i), β by weighted
least squares with weights 1/(v_i + τ²). :func:`residual_tau2` estimates τ² (DerSimonian-Laird, Paule-Mandel,
REML or ML); :func:`fit_regression` fits β with Wald or Knapp-Hartung tests and intervals.
:mod:`.moderators` and :mod:`.small_studies` both fit through here, so one τ² routine answers for both.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import MscteachError
from .effects import normal_quantile
from .meta_analysis import REML_MAX_ITERATIONS, REML_TOLERANCE

__all__ = ["fit_regression", "residual_tau2", "weighted_trace", "wls"]


def weighted_trace(inverse: np.ndarray, x: np.ndarray, weights: np.ndarray) -> float:
    """tr((X'WX)⁻¹ X' diag(weights) X), without forming a k×k matrix.

    Parameters
    ----------
    inverse : ndarray
        (X'WX)⁻¹, p×p.
    x : ndarray
        The k×p design matrix.
    weights : ndarray
        k weights.

    Returns
    -------
    float
    """
    return float(np.trace(inverse @ (x.T @ (weights[:, None] * x))))


def wls(y: np.ndarray, x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted least squares of ``y`` on ``x`` with weights ``w``.

    Parameters
    ----------
    y, w : ndarray
        k values and their weights.
    x : ndarray
        The k×p design matrix, of full column rank.

    Returns
    -------
    tuple of ndarray
        (X'WX)⁻¹, β and the residuals y - Xβ.
    """
    inverse = np.linalg.inv(x.T @ (w[:, None] * x))
    beta = inverse @ (x.T @ (w * y))
    return inverse, beta, y - x @ beta


def residual_tau2(y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str) -> float:
    """The residual τ² (truncated at 0) of the meta-regression of ``y`` on ``x``, as metafor's ``rma.uni``.

    Parameters
    ----------
    y, v : ndarray
        One estimate and its sampling variance per study (k of each).
    x : ndarray
        The k×p design matrix (its first column the intercept), of full column rank, k > p.
    method : {"DL", "PM", "REML", "ML"}
        DerSimonian-Laird generalised to regression (the closed form on the residual Q), Paule-Mandel
        (Σw(y - ŷ)² = k - p), or restricted / full maximum likelihood.

    Returns
    -------
    float
        τ², never negative.

    Raises
    ------
    MscteachError
        For a REML or ML iteration that does not converge in
        :data:`~mscteach.stats.meta_analysis.REML_MAX_ITERATIONS` steps, even with half steps.

    Notes
    -----
    REML and ML: metafor's Fisher scoring from the Hedges (least squares) estimate to
    :data:`~mscteach.stats.meta_analysis.REML_TOLERANCE`. A step below 0 goes to 0 where the likelihood
    falls from 0 on, else is halved until it stays at or above 0. Where the iteration overshoots and does
    not settle, it runs again with half steps (metafor's remedy, ``stepadj=0.5``); a stationary point below
    the likelihood at τ² = 0 gives way to 0, as metafor's ``ll0check``.

    No k×k matrix is formed: with P = W - WX(X'WX)⁻¹X'W, Py = W·r (r the WLS residuals), so
    y'PPy = Σ(w r)², tr P = Σw - tr(A⁻¹X'W²X) and tr PP = Σw² - 2 tr(A⁻¹X'W³X) + tr((A⁻¹X'W²X)²).

    Examples
    --------
    Two studies 1 apart with variance 0.1 each, intercept only: Q = 5 on 1 df, so DerSimonian-Laird's τ²
    is (Q - 1) / (Σw - Σw²/Σw) = 4/10.

    >>> import numpy as np
    >>> round(residual_tau2(np.array([0.0, 1.0]), np.array([0.1, 0.1]), np.ones((2, 1)), "DL"), 12)
    0.4
    """
    from scipy import optimize

    k, p = x.shape
    if method == "DL":
        w = 1 / v
        inverse, _, r = wls(y, x, w)
        return max(0.0, float(((w * r ** 2).sum() - (k - p)) / (w.sum() - weighted_trace(inverse, x, w ** 2))))
    if method == "PM":
        def excess(t2: float) -> float:
            w = 1 / (v + t2)
            return float((w * wls(y, x, w)[2] ** 2).sum() - (k - p))

        high = max(float(np.var(y)), float(v.max()), 1e-8)
        while excess(high) > 0:
            high *= 2
        return 0.0 if excess(0.0) <= 0 else float(optimize.brentq(excess, 0.0, high, xtol=1e-14, rtol=1e-15))
    ols_inverse = np.linalg.inv(x.T @ x)
    residual = y - x @ (ols_inverse @ (x.T @ y))
    start = max(0.0, float(((residual ** 2).sum() - v.sum() + weighted_trace(ols_inverse, x, v)) / (k - p)))
    for adjust in (1.0, 0.5):
        tau2, change = start, math.inf
        for _ in range(REML_MAX_ITERATIONS):
            step = adjust * _scoring_step(y, v, x, tau2, method)
            if tau2 + step < 0:
                if _scoring_step(y, v, x, 0.0, method) <= 0:  # the likelihood falls from τ² = 0 on: the maximum is 0
                    step = -tau2
                while tau2 + step < 0:  # metafor halves a step that would leave the parameter space
                    step /= 2
            tau2, change = tau2 + step, abs(step)
            if change < REML_TOLERANCE:
                break
        if change < REML_TOLERANCE:
            break
    else:
        raise MscteachError(f"the {method} estimate of tau² did not converge in {REML_MAX_ITERATIONS} iterations, "
                            f"even with half steps (last change {change:.1e}): try method='PM' or 'DL'")
    if tau2 > 0 and _log_likelihood(y, v, x, 0.0, method) > _log_likelihood(y, v, x, tau2, method) + 1e-12:
        tau2 = 0.0  # as metafor: a stationary point below the likelihood at τ² = 0 is not the maximum
    return tau2


def _scoring_step(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float, method: str) -> float:
    """One Fisher scoring step for τ²: (y'PPy - tr P) / tr PP for REML, (y'PPy - Σw) / Σw² for ML."""
    w = 1 / (v + tau2)
    inverse, _, r = wls(y, x, w)
    score = float(((w * r) ** 2).sum())
    if method == "ML":
        return (score - float(w.sum())) / float((w ** 2).sum())
    b2 = inverse @ (x.T @ ((w ** 2)[:, None] * x))
    trace_pp = (w ** 2).sum() - 2 * weighted_trace(inverse, x, w ** 3) + np.trace(b2 @ b2)
    return float((score - w.sum() + np.trace(b2)) / trace_pp)


def _log_likelihood(y: np.ndarray, v: np.ndarray, x: np.ndarray, tau2: float, method: str) -> float:
    """The (restricted) log-likelihood at τ², without the constant: it only compares two values of τ²."""
    w = 1 / (v + tau2)
    inverse, _, r = wls(y, x, w)
    restricted = 0.0 if method == "ML" else 0.5 * float(np.linalg.slogdet(inverse)[1])
    return restricted - 0.5 * float(np.log(v + tau2).sum() + (w * r ** 2).sum())


def fit_regression(y: np.ndarray, v: np.ndarray, x: np.ndarray, method: str, ci: str = "z",
                   alpha: float = 0.05) -> dict[str, Any]:
    """Weighted (``"FE"``) or mixed-effects (τ² by ``method``) regression of ``y`` on ``x``, with tests and intervals.

    Parameters
    ----------
    y, v : ndarray
        One estimate and its sampling variance per study (k of each).
    x : ndarray
        The k×p design matrix, of full column rank, k ≥ p.
    method : {"FE", "DL", "PM", "REML", "ML"}
        ``"FE"``: no τ²; else the :func:`residual_tau2` estimator.
    ci : {"z", "hksj"}, default "z"
        Wald tests and intervals, or Knapp & Hartung's (metafor's ``test="knha"``): the covariance scaled
        by Σw(y - ŷ)²/(k - p), not truncated (0 for a perfect fit, as metafor), and t(k - p).
    alpha : float, default 0.05
        1 - the intervals' confidence level.

    Returns
    -------
    dict
        ``tau2``; per coefficient ``beta``, ``se``, ``statistic`` (z or t), ``p`` (two-sided), ``ci_low``,
        ``ci_high``; ``vcov`` (their covariance); ``df`` (k - p under Knapp-Hartung, else None); ``w`` (the
        weights 1/(v + τ²)).

    Raises
    ------
    MscteachError
        As :func:`residual_tau2`.

    Notes
    -----
    With as many coefficients as studies (k = p: trim and fill's last untrimmed study), τ² is 0 and β solves
    Xβ = y exactly rather than through the weights, which would round it.

    Examples
    --------
    Egger's regression of four studies, fixed effect (worked by hand in ``tests/test_small_studies.py``):
    slope 0.5 with variance 2.5, intercept 0 with variance 1.

    >>> import numpy as np
    >>> sd = np.array([1.0, 0.5, 1.0, 0.5])
    >>> fit = fit_regression(np.array([0.0, 0.0, 1.0, 0.5]), sd ** 2, np.column_stack([np.ones(4), sd]), "FE")
    >>> [round(float(b), 6) for b in fit["beta"]], [round(float(s) ** 2, 6) for s in fit["se"]]
    ([0.0, 0.5], [1.0, 2.5])
    """
    from scipy import stats

    k, p = x.shape
    tau2 = 0.0 if method == "FE" or k == p else residual_tau2(y, v, x, method)
    w = 1 / (v + tau2)
    vcov, beta, r = wls(y, x, w)
    if k == p:
        beta = np.linalg.solve(x, y)
        r = y - x @ beta
    df = None
    if ci == "hksj":  # Knapp & Hartung: metafor's s², not truncated at 1; 0 for a perfect fit, as metafor
        rss = float((w * r ** 2).sum())
        vcov = vcov * (rss / (k - p) if rss > np.finfo(float).eps else 0.0)
        df = k - p
    se = np.sqrt(np.diag(vcov))
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = beta / se
    if df is None:
        crit, pvalue = normal_quantile(alpha), 2 * stats.norm.sf(np.abs(statistic))
    else:
        crit, pvalue = float(stats.t.isf(alpha / 2, df)), 2 * stats.t.sf(np.abs(statistic), df)
    return {"tau2": float(tau2), "beta": beta, "vcov": vcov, "se": se, "statistic": statistic, "p": pvalue,
            "ci_low": beta - crit * se, "ci_high": beta + crit * se, "df": df, "w": w}
