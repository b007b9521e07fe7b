"""Text the package shows, in the reader's language: figure texts (:func:`text`) and sentences (:func:`say`).

A chapter run with ``lang = "fa"`` (``course.setup(lang)``) shows its figures,
its explorers' controls and its tables' column labels in Persian. The plotting
functions stay in English; :func:`mscteach.display.localise_figure` translates a finished
figure's texts (titles, axis labels, tick labels, legends, notes) with :func:`text`
from the catalogue ``mscteach/locale/LANG/LC_MESSAGES/figures.po`` just before it is
drawn, and sets them in Vazirmatn (:mod:`mscteach.i18n.fonts`). Matplotlib (3.11 and
later) shapes Persian and lays it out right to left itself, so the text is
given to it as written (reshaping it beforehand would reverse it twice).

Numbers: Persian text takes Persian digits (:func:`~mscteach.i18n.numbers.digits`);
a figure text with numbers is looked up with each number replaced by ``{n}``
(``"Registered trials ({n})"``), so one entry serves every count. An entry
translated as itself (a name or abbreviation: ``IL-{n}``, ``Lin {n} (RCT)``)
keeps its Latin letters and digits. A text without a translation stays in
English and is recorded in :data:`MISSING`, so a build can list it.
"""
from __future__ import annotations

import numbers
import re
import string
from typing import Any

from .catalogues import SENTENCES, shipped_catalogue, shipped_plurals
from .languages import RLM, RTL, language
from .numbers import digits

__all__ = ["MISSING", "say", "say_n", "text"]

#: English texts met without a translation, per language (for the build's list).
MISSING: dict[str, set[str]] = {}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def text(message: str, lang: str | None = None) -> str:
    """A figure's or table's text in the language: its translation (numbers in the language's digits), or English.

    Parameters
    ----------
    message : str
        The English text; numbers in it are matched as ``{n}`` in the ``figures`` catalogue.
    lang : str, optional
        The language (default: :func:`~mscteach.i18n.language`).

    Returns
    -------
    str
        The translation, or ``message`` (recorded in :data:`MISSING`) when there is none.

    Examples
    --------
    >>> text("Registered trials (3)", "en")
    'Registered trials (3)'
    """
    lang = lang or language()
    if lang == "en" or not message or not re.search(r"[A-Za-z]", message):
        return digits(message, lang)
    if re.search(r"[\u0600-\u06FF]", message) or "$" in message:  # already Persian, or mathtext (10^5)
        return message
    if "\n" in message:  # a label the figure wrapped: translate it whole, then wrap it as wide again
        import textwrap

        lines = message.split("\n")
        known = shipped_catalogue(lang)
        # joined with spaces, or (a word the figure broke, "fibrosis/cir" + "rhosis") without
        joined = next((j for j in (" ".join(lines), "".join(lines)) if _NUMBER.sub("{n}", j) in known),
                      " ".join(lines))
        whole = text(joined, lang)
        return whole if whole == joined else textwrap.fill(whole, max(max(len(line) for line in lines), 8))
    known = shipped_catalogue(lang)
    numbers = _NUMBER.findall(message)
    key = _NUMBER.sub("{n}", message)
    if key not in known:
        MISSING.setdefault(lang, set()).add(key)
        return message
    if known[key] == key:  # a name or abbreviation kept as it is (IL-10, BM-MSC, Lin 2017): digits too
        return message
    parts = known[key].split("{n}")
    filled = parts[0]
    for number, rest in zip(numbers, parts[1:]):
        filled += digits(number, lang) + rest
    return filled


class _DigitFormatter(string.Formatter):
    """str.format that writes numbers (formatted with their field's spec) in a language's digits."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        formatted = super().format_field(value, format_spec)
        if not isinstance(value, numbers.Number) or isinstance(value, bool):
            return formatted
        # Persian digits are European numbers to the bidi algorithm: after Latin text ("2 RCT, 1 ...") they would
        # join its left-to-right run; a right-to-left mark in front keeps each number in the sentence's order
        return (RLM if self.lang in RTL else "") + digits(formatted, self.lang)


def say(message: str, lang: str | None = None, /, **values: Any) -> str:
    """A sentence the package writes, in the language.

    ``message`` is an English :meth:`str.format` template with named fields
    (``"{studies} clinical {study_word} match"``); its translation comes from
    the catalogue ``sentences.po``, keyed by the template, and is filled with
    the same values. Numbers among the values are written in the language's
    digits after their format spec (``{estimate:.2f}`` gives ``۰٫۴۸``); text
    values are inserted as given (names keep their Latin letters). Fields ending
    in ``_word`` hold English words chosen for a count (``study``/``studies``),
    which a translation may leave out. Without a translation the English
    sentence is given and recorded in :data:`MISSING`. A sentence about one count
    is written with :func:`say_n`, the gettext way.

    Parameters
    ----------
    message : str
        The English template.
    lang : str, optional
        The language (default: :func:`~mscteach.i18n.language`).
    **values
        The template's fields.

    Returns
    -------
    str

    Examples
    --------
    >>> say("{n} {study_word} match", "en", n=2, study_word="studies")
    '2 studies match'
    >>> say("{n} {study_word} match", "fa", n=2, study_word="studies")  # not in the catalogue: English
    '2 studies match'
    """
    lang = lang or language()
    if lang == "en":
        return message.format(**values)
    template = shipped_catalogue(lang, SENTENCES).get(message)
    if template is None:
        MISSING.setdefault(lang, set()).add(message)
        return message.format(**values)
    return _DigitFormatter(lang).format(template, **values)


def say_n(singular: str, plural: str, n: int, lang: str | None = None, /, **values: Any) -> str:
    """A sentence about a count ``n``, in the language, in the grammatical form the count takes.

    The gettext way (``ngettext``): the English singular and plural templates
    are one catalogue entry (``msgid`` / ``msgid_plural``) whose translation has
    as many forms as the language has, chosen by the catalogue's ``Plural-Forms``
    rule (English: one for 1, the other for every other count; Persian: a
    noun after a number stays singular, so one form serves every count).
    ``n`` is also a field of the templates (``{n}``); the other fields are
    filled as in :func:`say`, numbers in the language's digits. Without a
    translation the English sentence is given and recorded in :data:`MISSING`.

    Parameters
    ----------
    singular, plural : str
        The English :meth:`str.format` templates for one and for any other count.
    n : int
        The count: chooses the form and fills ``{n}``.
    lang : str, optional
        The language (default: :func:`~mscteach.i18n.language`).
    **values
        The templates' other fields.

    Returns
    -------
    str

    Examples
    --------
    >>> say_n("{n} clinical study", "{n} clinical studies", 1, "en")
    '1 clinical study'
    >>> say_n("{n} clinical study", "{n} clinical studies", 0, "en")
    '0 clinical studies'
    """
    lang = lang or language()
    english = singular if n == 1 else plural
    if lang == "en":
        return english.format(n=n, **values)
    template = shipped_plurals(lang).choose((singular, plural), n)
    if template is None:
        MISSING.setdefault(lang, set()).add(singular)
        return english.format(n=n, **values)
    return _DigitFormatter(lang).format(template, n=n, **values)
