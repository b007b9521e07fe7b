"""Trial sizing: how many patients a two-arm trial comparing two proportions needs."""
from __future__ import annotations

import numpy as np

from ..errors import MscteachError

__all__ = ["trial_size"]


def trial_size(p_control: float, p_treatment: float, alpha: float = 0.05, power: float = 0.8,
               ratio: float = 1.0) -> int:
    """Patients per arm for a two-arm trial comparing two proportions.

    Uses statsmodels' power analysis for two independent proportions with
    Cohen's effect size h (arcsine transformation), two-sided test.

    Parameters
    ----------
    p_control, p_treatment : float
        Expected proportion with the outcome (e.g. survival) in each arm, in (0, 1); not equal.
    alpha : float, default 0.05
        Two-sided significance level, in (0, 1).
    power : float, default 0.8
        Probability of detecting the difference if it is real, in (0, 1).
    ratio : float, default 1.0
        Patients in the treated arm per patient in the control arm.

    Returns
    -------
    int
        Patients needed in the control arm (rounded up); the treated arm needs
        ``ceil(n * ratio)``.

    Raises
    ------
    MscteachError
        If a proportion is outside (0, 1), the two are equal, or alpha/power are out of range.

    Examples
    --------
    Survival of 50% without treatment, 70% hoped for with it:

    >>> trial_size(0.5, 0.7)
    93
    >>> trial_size(0.5, 0.7, ratio=2)  # control arm; the treated arm needs 140
    70
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    for name, p in (("p_control", p_control), ("p_treatment", p_treatment)):
        if not 0 < p < 1:
            raise MscteachError(f"{name} must be a proportion between 0 and 1 (exclusive); got {p}")
    if p_control == p_treatment:
        raise MscteachError("p_control and p_treatment are equal: no trial can detect a zero difference")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise MscteachError(f"alpha and power must be between 0 and 1; got alpha={alpha}, power={power}")
    h = proportion_effectsize(p_treatment, p_control)
    n = NormalIndPower().solve_power(effect_size=abs(h), alpha=alpha, power=power, ratio=ratio,
                                     alternative="two-sided")
    return int(np.ceil(n - 1e-9))
