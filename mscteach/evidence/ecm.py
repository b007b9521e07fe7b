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
    The steady state is ``s / d``.

    Returns
    -------
    DataFrame
        Columns ``week``, ``arm`` ("without MSCs", "with MSCs") and ``ecm``.
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

    Returns a DataFrame indexed by arm with ``final_ecm`` and
    ``change_vs_untreated_percent``.
    """
    final = model[model["week"] == model["week"].max()].set_index("arm")["ecm"]
    untreated = final["without MSCs"]
    change = (final / untreated - 1) * 100 if untreated else final * 0
    return pd.DataFrame({"final_ecm": final.round(2), "change_vs_untreated_percent": change.round(1)}).loc[
        ["without MSCs", "with MSCs"]]
