"""What a table cell holds: the one test for "no value" every table function uses."""
from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["is_missing"]


def is_missing(value: Any) -> bool:
    """Whether a table cell holds no value (None, ``pd.NA`` or NaN).

    Parameters
    ----------
    value : object
        One cell's value; anything else (0, an empty string, ``pd.NaT``) counts as a value.

    Returns
    -------
    bool
        True for None, ``pd.NA`` and a NaN of type ``float`` (so also ``numpy.float64``,
        its subclass, which is what table columns hold).

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), 0, "")]
    [True, True, False, False]
    """
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
