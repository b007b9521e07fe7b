"""BCG vaccine trials against tuberculosis (Colditz et al. 1994)"""
from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["COPYRIGHT", "DESCRSHORT", "NOTE", "REFERENCE", "REGRESSION_REFERENCE", "SOURCE", "TITLE", "load"]

TITLE = __doc__

COPYRIGHT = """The counts are facts reported by 13 published trials and compiled in a published
meta-analysis; no copyright is claimed on them. mscteach uses them as the R package metafor
distributes them (dat.bcg, GPL-2 or later), in a CSV file of its own."""

SOURCE = """
Colditz GA, Brewer TF, Berkey CS, Wilson ME, Burdick E, Fineberg HV, Mosteller F. Efficacy of BCG
vaccine in the prevention of tuberculosis: meta-analysis of the published literature. JAMA.
1994;271(9):698-702.

Distributed as dat.bcg with the R package metafor: Viechtbauer W. Conducting meta-analyses in R with
the metafor package. J Stat Softw. 2010;36(3):1-48.
"""

DESCRSHORT = """Tuberculosis cases among vaccinated and unvaccinated people in 13 trials of the BCG vaccine."""

NOTE = """::

    Number of observations - 13 trials
    Number of variables - 8

    Variable name definitions::

        study          - first author(s) and year, e.g. "Aronson 1948"
        year           - year of publication
        events_treated - tuberculosis cases among the vaccinated
        n_treated      - people vaccinated
        events_control - tuberculosis cases among the unvaccinated
        n_control      - people not vaccinated
        latitude       - absolute latitude of the trial's place, in degrees (metafor's ablat)
        allocation     - how people were allocated: random, alternate or systematic
                         (metafor's alloc)

    The outcome is harmful, so a risk ratio below 1 favours the vaccine.
    Not about MSCs: mscteach uses it to teach forest plots, leave-one-out
    analysis, subgroup analysis (by allocation) and meta-regression (on
    latitude: the vaccine protects more far from the equator), and to check
    its meta-analysis against metafor's published results (REFERENCE,
    REGRESSION_REFERENCE). latitude and allocation are metafor's dat.bcg
    columns ablat and alloc, in the same row order.
"""

#: Published results for these trials (risk ratio, inverse variance), from the R package
#: metafor's test suite comparing rma() with Stata's metan (fixed effect and DerSimonian-Laird).
REFERENCE = {
    "fixed_log_estimate": -0.4303, "fixed_ci_low_log": -0.5097, "fixed_ci_high_log": -0.3509,
    "fixed_estimate": 0.6503, "fixed_ci_low": 0.6007, "fixed_ci_high": 0.7040, "q": 152.2330,
    "dl_log_estimate": -0.7141, "dl_ci_low_log": -1.0644, "dl_ci_high_log": -0.3638,
}

#: The mixed-effects meta-regression of the log risk ratio on latitude (REML), ``rma(yi, vi, mods = ~ ablat,
#: data = dat)``, published in Viechtbauer W, J Stat Softw 2010;36(3): coefficients, τ², QM and R² as printed
#: there; I² and QE as metafor 3.8 prints them. metafor stops REML at a change in τ² below 1e-5 by default, so
#: a last printed digit may differ from a fully converged fit (τ² 0.076348, R² 75.6266%).
REGRESSION_REFERENCE = {"intercept": 0.2515, "latitude": -0.0291, "tau2": 0.0764, "qm": 16.36, "r2": 75.63,
                        "i2": 68.39, "qe": 30.7331}


def load() -> pd.DataFrame:
    """The 13 trials as a DataFrame (see :data:`NOTE` for the columns, :data:`SOURCE` for where they come from)."""
    with resources.files(__package__).joinpath("bcg_trials.csv").open(encoding="utf-8") as f:
        table = pd.read_csv(f)
    table["study"] = table["study"] + " " + table["year"].astype(str)
    return table
