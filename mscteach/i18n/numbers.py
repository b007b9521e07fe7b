"""Numbers in a language's own digits and symbols, from the Unicode CLDR data Babel ships."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from .languages import language

__all__ = ["digits"]

# CLDR names a locale's numbering system; Babel gives its symbols but not its digits, which Unicode names.
_ZERO = {"arab": "ARABIC-INDIC DIGIT ZERO", "arabext": "EXTENDED ARABIC-INDIC DIGIT ZERO"}


@lru_cache(maxsize=8)
def _number_writing(lang: str) -> tuple[dict[int, str], str] | None:
    """(a str.translate table for digits and the per cent sign, the decimal separator), or None for Latin digits."""
    from babel import Locale

    locale = Locale.parse(lang)
    system = locale.default_numbering_system
    if system not in _ZERO:
        return None
    zero = ord(unicodedata.lookup(_ZERO[system]))
    symbols = locale.number_symbols[system]
    table = {ord(str(d)): chr(zero + d) for d in range(10)}
    table[ord("%")] = symbols["percentSign"]
    return table, symbols["decimal"]


def digits(value: Any, lang: str | None = None) -> str:
    """``value`` as text written with the language's digits: ``0.48`` is ``۰٫۴۸`` in Persian.

    The digits, decimal separator and per cent sign are those of the language's
    default numbering system in the Unicode CLDR (Persian: ``arabext``).

    Parameters
    ----------
    value : object
        A number or a text with numbers (its ``str``).
    lang : str, optional
        The language (default: :func:`~mscteach.i18n.language`).

    Returns
    -------
    str

    Examples
    --------
    >>> digits("0.48 (25%)", "fa")
    '۰٫۴۸ (۲۵٪)'
    >>> digits(1.5, "en")
    '1.5'
    """
    lang = lang or language()
    out = str(value)
    writing = _number_writing(lang)
    if writing is None:
        return out
    table, decimal = writing
    out = re.sub(r"(?<=\d)\.(?=\d)", decimal, out)
    return out.replace("\u2212", "-").translate(table)
