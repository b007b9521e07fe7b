"""What a table cell holds: the one test for "no value" every table function uses."""
from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["is_missing"]


def is_missing(value: Any) -> bool:
    """Whether a table cell holds no value (None, ``pd.NA`` or NaN).

    >>> [is_missing(v) for v in (None, float("nan"), 0, "")]
    [True, True, False, False]
    """
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
