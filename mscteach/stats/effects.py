"""Each study's effect: binary outcomes in both arms as risk or odds ratios with their variances."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import MscteachError, UnknownNameError
from .values import is_missing

__all__ = ["BINARY_COLUMNS", "MEASURES", "TIMEPOINT_NOT_STATED", "binary_outcomes", "binary_table", "check_alpha", "normal_quantile", "study_effects"]

#: The columns of a table of binary outcomes, one row per study.
BINARY_COLUMNS = ["study", "events_treated", "n_treated", "events_control", "n_control"]
#: The ratio measures and statsmodels' names for them.
MEASURES = {"RR": "risk-ratio", "OR": "odds-ratio"}
#: What an outcome row without a time point is pooled under.
TIMEPOINT_NOT_STATED = "time point not stated"


def check_alpha(alpha: Any) -> None:
    """Refuse a significance level that is not a number strictly between 0 and 1.

    Parameters
    ----------
    alpha : float
        The significance level (0.05 for 95% intervals).

    Raises
    ------
    MscteachError
        For a bool, a non-number, or a value outside (0, 1).
    """
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)) or not 0 < alpha < 1:
        raise MscteachError(f"alpha must be a number between 0 and 1 (exclusive); got {alpha!r}")


def normal_quantile(alpha: float) -> float:
    """The two-sided standard normal quantile for ``alpha``: 1.96 for 0.05.

    Parameters
    ----------
    alpha : float
        The significance level.

    Returns
    -------
    float

    Examples
    --------
    >>> round(normal_quantile(0.05), 4), round(normal_quantile(0.10), 4)
    (1.96, 1.6449)
    """
    from scipy import stats

    return float(stats.norm.isf(alpha / 2))

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
    check_alpha(alpha)
    data = binary_table(table)
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
    se, z = np.where(included, np.sqrt(np.where(included, var, 1.0)), np.nan), normal_quantile(alpha)
    others = [c for c in table.columns if c not in BINARY_COLUMNS]  # keep e.g. outcome, study_id
    rest = table[others].reset_index(drop=True)  # Series keep their dtypes
    columns = {**{c: data[c] for c in BINARY_COLUMNS}, **{c: rest[c] for c in others},
               "log_effect": eff, "se": se, "effect": np.exp(eff), "ci_low": np.exp(eff - z * se),
               "ci_high": np.exp(eff + z * se), "corrected": zero, "included": included, "excluded_reason": reason}
    return pd.DataFrame(columns)

def binary_table(table: pd.DataFrame) -> pd.DataFrame:
    """The :data:`BINARY_COLUMNS` of ``table``, checked: whole counts, at least one patient per arm, events ≤ patients.

    Parameters
    ----------
    table : DataFrame
        One row per study with (at least) :data:`BINARY_COLUMNS`.

    Returns
    -------
    DataFrame
        Those columns, counts as int64, index reset.

    Raises
    ------
    MscteachError
        Naming the study and column of a missing, fractional or impossible count, or the missing columns.
    """
    missing = [c for c in BINARY_COLUMNS if c not in table.columns]
    if missing:
        raise MscteachError(f"the table needs columns {', '.join(BINARY_COLUMNS)}; missing: {', '.join(missing)}")
    data = table[BINARY_COLUMNS].reset_index(drop=True).copy()
    for values in data.to_numpy(object):  # the cells as iterrows gives them, without a Series per row
        row = dict(zip(BINARY_COLUMNS, values))
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
    return data.astype({column: "int64" for column in BINARY_COLUMNS[1:]})

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
