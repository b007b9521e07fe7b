"""Sensitivity views of a meta-analysis: pooled as the studies accumulate, and with each study left out."""
from __future__ import annotations

import pandas as pd

from ..errors import MscteachError
from .effects import BINARY_COLUMNS, binary_table, study_effects  # noqa: F401 (BINARY_COLUMNS: the examples)
from .meta_analysis import meta_analysis

__all__ = ["cumulative_meta_analysis", "leave_one_out"]


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

def leave_one_out(table: pd.DataFrame, measure: str = "RR", method: str = "DL", ci: str = "z",
                  alpha: float = 0.05) -> pd.DataFrame:
    """Sensitivity analysis: the pooled estimate with each study left out in turn.

    Each subset is pooled by :func:`meta_analysis` (random effects, on the
    ratio scale), as metafor's ``leave1out()``. Columns other than the counts
    are not used. Leaving out a study that carries no information on the ratio
    (no events, or all events, in both arms) gives the pooled result of all
    studies; metafor gives no row for it.

    Parameters
    ----------
    table : DataFrame
        The count columns :func:`meta_analysis` takes; three or more studies.
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
        One row per omitted study with ``omitted``, ``estimate``, ``ci_low``,
        ``ci_high``, ``i2``, ``tau2`` and ``reason`` (why a subset could not be
        pooled; empty when it was).

    Raises
    ------
    MscteachError
        For fewer than three studies, counts that cannot be pooled, or an alpha outside (0, 1).
    UnknownNameError
        For an unknown measure, method or ``ci``.

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
    data = binary_table(table)
    if len(data) < 3:
        raise MscteachError(f"leave-one-out needs at least three studies; got {len(data)}")
    rows = []
    for i, study in enumerate(data["study"]):
        res = meta_analysis(data.drop(index=i), measure, method, alpha, ci)
        rows.append({"omitted": study, "estimate": res.estimate, "ci_low": res.ci_low, "ci_high": res.ci_high,
                     "i2": res.i2, "tau2": res.tau2, "reason": res.reason or ""})
    return pd.DataFrame(rows)
