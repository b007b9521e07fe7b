"""The illustrative ECM balance model of fibrosis: a teaching model, not fitted to any data."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import MscteachError

__all__ = ["EcmScenario", "ecm_balance", "ecm_summary"]


@dataclass(frozen=True)
class EcmScenario:
    """Parameters of the illustrative ECM balance model (arbitrary units).

    Not fitted to any data: a teaching model of the review's statement that
    fibrosis is an imbalance between ECM synthesis and degradation.

    Parameters
    ----------
    synthesis : float, default 1.0
        ECM made per week by activated stellate cells (at least 0).
    degradation : float, default 0.1
        Fraction of the ECM degraded per week (MMP activity), in (0, 1].
    msc_synthesis_block : float, default 0.5
        Share of synthesis the MSCs suppress (HGF, IL-10, TGF-β1/Smad), in [0, 1].
    msc_degradation_boost : float, default 1.0
        Relative rise in degradation with MSCs (MMP-9, MMP-13), at least 0.
    msc_week : int, default 4
        The week the MSCs are given.
    weeks : int, default 30
        How many weeks are simulated.

    Examples
    --------
    >>> EcmScenario(msc_week=8).synthesis
    1.0
    """

    synthesis: float = 1.0  # ECM made per week by activated stellate cells
    degradation: float = 0.1  # fraction of ECM degraded per week (MMP activity)
    msc_synthesis_block: float = 0.5  # share of synthesis MSCs suppress (HGF, IL-10, TGF-β1/Smad)
    msc_degradation_boost: float = 1.0  # relative rise in degradation with MSCs (MMP-9, MMP-13)
    msc_week: int = 4  # week the MSCs are given
    weeks: int = 30


def ecm_balance(scenario: EcmScenario = EcmScenario()) -> pd.DataFrame:
    """Simulate the illustrative ECM model with and without MSCs.

    The ECM stock follows ``E[t+1] = E[t] + s - d * E[t]`` (weekly steps from
    ``E[0] = 0``); from ``msc_week`` on, the MSC arm uses
    ``s * (1 - msc_synthesis_block)`` and ``d * (1 + msc_degradation_boost)``.
    The steady state is ``s / d``. The boosted degradation is capped at 1.

    Parameters
    ----------
    scenario : EcmScenario, default EcmScenario()
        The model's parameters.

    Returns
    -------
    DataFrame
        Columns ``week`` (0 to ``weeks``), ``arm`` ("without MSCs", "with MSCs")
        and ``ecm``; the arm without MSCs first.

    Raises
    ------
    MscteachError
        If synthesis is negative, degradation outside (0, 1], the synthesis
        block outside [0, 1] or the degradation boost negative.

    Examples
    --------
    >>> model = ecm_balance(EcmScenario(weeks=2))
    >>> model["ecm"].round(2).tolist()  # 0, then 0 + 1, then 1 + 1 - 0.1
    [0.0, 1.0, 1.9, 0.0, 1.0, 1.9]
    """
    s, d = scenario.synthesis, scenario.degradation
    if s < 0 or not 0 < d <= 1:
        raise MscteachError("synthesis must be >= 0 and degradation between 0 (excluded) and 1")
    if not 0 <= scenario.msc_synthesis_block <= 1 or scenario.msc_degradation_boost < 0:
        raise MscteachError("msc_synthesis_block must be in [0, 1] and msc_degradation_boost >= 0")
    weeks = np.arange(scenario.weeks + 1)
    rows = []
    for arm, treated in (("without MSCs", False), ("with MSCs", True)):
        ecm = 0.0
        for week in weeks:
            rows.append((int(week), arm, ecm))
            on = treated and week >= scenario.msc_week
            syn = s * (1 - scenario.msc_synthesis_block) if on else s
            deg = min(1.0, d * (1 + scenario.msc_degradation_boost)) if on else d
            ecm = ecm + syn - deg * ecm
    return pd.DataFrame(rows, columns=["week", "arm", "ecm"])


def ecm_summary(model: pd.DataFrame) -> pd.DataFrame:
    """ECM at the end of the illustrative model in each arm, and the change with MSCs.

    Parameters
    ----------
    model : DataFrame
        From :func:`ecm_balance`.

    Returns
    -------
    DataFrame
        Indexed by arm ("without MSCs", then "with MSCs") with ``final_ecm``
        (2 decimals) and ``change_vs_untreated_percent`` (1 decimal; 0 when
        the untreated arm ends at 0).

    Examples
    --------
    >>> ecm_summary(ecm_balance())
                  final_ecm  change_vs_untreated_percent
    arm
    without MSCs       9.58                          0.0
    with MSCs          2.50                        -73.9
    """
    final = model[model["week"] == model["week"].max()].set_index("arm")["ecm"]
    untreated = final["without MSCs"]
    change = (final / untreated - 1) * 100 if untreated else final * 0
    return pd.DataFrame({"final_ecm": final.round(2), "change_vs_untreated_percent": change.round(1)}).loc[
        ["without MSCs", "with MSCs"]]
