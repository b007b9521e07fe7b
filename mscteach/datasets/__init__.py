"""Public teaching datasets that are not part of the review's evidence.

They are used to teach methods (forest plots, leave-one-out) and to check
mscteach's meta-analysis against published reference results.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["BCG_REFERENCE", "load_bcg_trials"]

#: Published results for the BCG trials (risk ratio, inverse variance), from the
#: R package metafor's test suite comparing rma() with Stata's metan.
BCG_REFERENCE = {
    "fixed_log_estimate": -0.4303, "fixed_ci_low_log": -0.5097, "fixed_ci_high_log": -0.3509,
    "fixed_estimate": 0.6503, "fixed_ci_low": 0.6007, "fixed_ci_high": 0.7040, "q": 152.2330,
    "dl_log_estimate": -0.7141, "dl_ci_low_log": -1.0644, "dl_ci_high_log": -0.3638,
}


def load_bcg_trials() -> pd.DataFrame:
    """The 13 BCG vaccine trials against tuberculosis, a classic meta-analysis teaching dataset.

    Columns: ``study`` (first authors), ``year``, ``events_treated`` and
    ``n_treated`` (tuberculosis cases and people vaccinated),
    ``events_control`` and ``n_control`` (cases and people not vaccinated).
    The outcome is harmful, so a risk ratio below 1 favours the vaccine.

    Source: Colditz GA, Brewer TF, Berkey CS, et al. Efficacy of BCG vaccine in
    the prevention of tuberculosis: meta-analysis of the published literature.
    JAMA. 1994;271:698-702; distributed as ``dat.bcg`` with the R package
    metafor. Not about MSCs: used here to teach forest plots and to check the
    meta-analysis code (:data:`BCG_REFERENCE`).
    """
    table = pd.read_csv(Path(__file__).with_name("bcg_trials.csv"))
    table["study"] = table["study"] + " " + table["year"].astype(str)
    return table
