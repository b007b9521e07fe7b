"""Words for counts in English sentences."""
from __future__ import annotations

__all__ = ["plural"]


def plural(n: int, one: str, many: str) -> str:
    """The English word for ``n`` things (``plural(1, "study", "studies")`` is "study").

    >>> plural(2, "study", "studies")
    'studies'
    """
    return one if n == 1 else many
