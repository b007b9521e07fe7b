"""Words for counts in English sentences."""
from __future__ import annotations

__all__ = ["plural"]


def plural(n: int, one: str, many: str) -> str:
    """The English word for ``n`` things (``plural(1, "study", "studies")`` is "study").

    Parameters
    ----------
    n : int
        How many things.
    one, many : str
        The word for exactly one thing, and for any other number (0 included).

    Returns
    -------
    str
        ``one`` when ``n == 1``, else ``many``.

    Examples
    --------
    >>> plural(2, "study", "studies")
    'studies'
    """
    return one if n == 1 else many
