"""The Persian twins of the free-text columns say what their English says: the same numbers and names.

A table's schema declares each Persian column with ``"language": "fa"`` and
``"translationOf"`` (the English column it renders, e.g. ``finding_fa`` of
``finding``), and the row's ``text_fa_origin`` says where its Persian comes
from: ``review`` (the review's own sentence) or ``translated`` (the
curators'). A teacher adding a row may leave the Persian empty: it is shown
in English and listed as untranslated (:func:`mscteach.data.localised.in_language`),
never an error.

A Persian cell that is filled must agree with its English cell:

* **numbers**: the same set of numbers, reference numbers included (a Persian
  ``(۹۸)`` is the English ``(98)``). Persian (۰-۹) and Arabic-Indic (٠-٩) digits
  are read back as numbers; ``٫``, and ``/`` between two digits, are decimal
  separators in Persian (``۷۱٫۲``, ``۷۱/۲``), ``.`` in both languages; a
  comma between digits separates numbers (``2,3-dioxygenase``), except before
  a group of three digits (``1,000``, ``۱٬۰۰۰``).
* **Latin names**: every name the Persian writes in Latin letters (MSC,
  CXCR4, HepG2, IL-6) is in the English cell. Not the other way round: the
  review writes many names in Persian words (فاکتور رشد کبدی for HGF), and the
  Persian follows it. A plural ``s`` after an abbreviation is not part of the
  name (``MSCs`` is ``MSC``).

:mod:`mscteach.data.validation` reports every disagreement with the file, row,
column and both values.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ..errors import Problem
from ..i18n import say

__all__ = ["ORIGIN_FIELD", "ORIGINS", "latin_names", "numbers_in", "persian_problems", "translated_columns"]

#: The column saying where a row's Persian text comes from, and its values.
ORIGIN_FIELD = "text_fa_origin"
ORIGINS = ("review", "translated")

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# A number: digits, with decimal parts ("71.2", after Persian separators are read as ".") and
# thousands groups ("1,000"); a comma before anything but three digits ends the number.
_NUMBER = re.compile(r"\d+(?:,\d{3}(?!\d))*(?:\.\d+)?")
_LATIN = re.compile(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*")


def translated_columns(schema: dict[str, Any]) -> dict[str, str]:
    """The Persian columns a table schema declares, each with the English column it translates.

    Parameters
    ----------
    schema : dict
        A table schema (a resource's ``schema`` in ``datapackage.json``).

    Returns
    -------
    dict of str to str
        Persian column name to English column name, in schema order: the fields with
        ``"language": "fa"`` and a ``"translationOf"``.

    Examples
    --------
    >>> translated_columns({"fields": [{"name": "finding"},
    ...                                {"name": "finding_fa", "language": "fa", "translationOf": "finding"}]})
    {'finding_fa': 'finding'}
    """
    return {f["name"]: f["translationOf"] for f in schema.get("fields", [])
            if f.get("language") == "fa" and f.get("translationOf")}


def numbers_in(text: str, persian: bool = False) -> set[Decimal]:
    """The numbers a sentence states, read the same way from English and from Persian.

    Parameters
    ----------
    text : str
        The sentence.
    persian : bool, default False
        Whether it is Persian: then ``/`` between two digits is a decimal separator
        (``۰/۵`` is 0.5), as Persian writing often has it. ``٫`` is a decimal separator,
        ``٬`` a thousands separator, and Persian and Arabic-Indic digits are digits, in
        either language.

    Returns
    -------
    set of Decimal
        Each number once (``10`` and ``10.0`` are the same number).

    Examples
    --------
    >>> sorted(numbers_in("HCC 21.1% vs 20.4% (ref 98)"))
    [Decimal('20.4'), Decimal('21.1'), Decimal('98')]
    >>> sorted(numbers_in("(HCC ۲۱٫۱٪ در برابر ۲۰/۴٪، مرجع ۹۸)", persian=True))
    [Decimal('20.4'), Decimal('21.1'), Decimal('98')]
    """
    text = text.translate(_DIGITS).replace("٫", ".").replace("٬", ",")
    if persian:
        text = re.sub(r"(?<=\d)/(?=\d)", ".", text)
    return {Decimal(match.replace(",", "")) for match in _NUMBER.findall(text)}


def latin_names(text: str) -> set[str]:
    """The names a sentence writes in Latin letters, as compared between a Persian cell and its English.

    Parameters
    ----------
    text : str
        The sentence.

    Returns
    -------
    set of str
        Each word of Latin letters and digits (hyphens, ``+`` and ``/`` split it), without the plural ``s``
        of an abbreviation (``MSCs`` gives ``MSC``, ``Tregs`` gives ``Treg``).

    Examples
    --------
    >>> sorted(latin_names("پیوند UC-MSCs و CD4+ T"))
    ['CD4', 'MSC', 'T', 'UC']
    """
    names = set()
    for word in _LATIN.findall(text):
        if len(word) > 2 and word.endswith("s") and any(c.isupper() for c in word[:-1]):
            word = word[:-1]
        names.add(word)
    return names


def _numbers_shown(numbers: set[Decimal]) -> str:
    return ", ".join(str(n) for n in sorted(numbers)) or say("none")


def persian_problems(rel: str, schema: dict[str, Any], rows: list[int], columns: dict[str, list[Any]]) -> list[Problem]:
    """Every Persian cell of a table that disagrees with its English cell, and Persian text of unknown origin.

    A cell left empty is no problem (it is shown in English and listed as
    untranslated). A filled cell is a problem when its numbers differ from its
    English cell's, or when it writes a Latin name its English does not (a cell
    whose English is empty is not compared: the schema says whether the English
    may be empty); a row with Persian text must say where the text comes from in
    ``text_fa_origin``.

    Parameters
    ----------
    rel : str
        The file, as problems name it (``data/clinical_studies.csv``).
    schema : dict
        The table's schema.
    rows : list of int
        The file's line number of each row (the header is line 1).
    columns : dict of str to list
        Each column's values, one per row (None where a cell is empty).

    Returns
    -------
    list of Problem
        One per disagreement, naming the row, the Persian column and both values.

    Examples
    --------
    >>> schema = {"fields": [{"name": "finding"}, {"name": "finding_fa", "language": "fa", "translationOf": "finding"},
    ...                      {"name": "text_fa_origin"}]}
    >>> columns = {"finding": ["12 of 30 improved"], "finding_fa": ["۱۲ از ۳۵ بهبود یافتند"],
    ...            "text_fa_origin": ["translated"]}
    >>> [(p.row, p.field) for p in persian_problems("data/x.csv", schema, [2], columns)]
    [(2, 'finding_fa')]
    """
    twins = {fa: en for fa, en in translated_columns(schema).items() if fa in columns and en in columns}
    problems: list[Problem] = []
    origins = columns.get(ORIGIN_FIELD)
    for i, row in enumerate(rows):
        filled = False
        for fa, en in twins.items():
            persian, english = columns[fa][i], columns[en][i]
            if persian is None or not str(persian).strip():
                continue
            filled = True
            persian, english = str(persian), "" if english is None else str(english)
            if not english.strip():
                continue  # nothing to agree with; an English cell that must be filled is reported as empty
            fa_numbers, en_numbers = numbers_in(persian, persian=True), numbers_in(english)
            if fa_numbers != en_numbers:
                problems.append(Problem(rel, row=row, field=fa, value=persian, message=say(
                    "the Persian text states the numbers {fa_numbers} but its English ({english}) states "
                    "{en_numbers}: the same numbers must be in both (or empty the Persian cell: the Persian edition "
                    "then shows the English); Persian: \"{persian}\"; English: \"{text}\"",
                    fa_numbers=_numbers_shown(fa_numbers), english=en, en_numbers=_numbers_shown(en_numbers),
                    persian=persian, text=english)))
            unknown = latin_names(persian) - latin_names(english)
            if unknown:
                problems.append(Problem(rel, row=row, field=fa, value=persian, message=say(
                    "the Persian text names {names}, which its English ({english}) does not: a name in Latin "
                    "letters must be the English cell's (or empty the Persian cell: the Persian edition then shows "
                    "the English); English: \"{text}\"",
                    names=", ".join(sorted(unknown)), english=en, text=english)))
        if filled and origins is not None and origins[i] is None:
            problems.append(Problem(rel, row=row, field=ORIGIN_FIELD, allowed=ORIGINS, message=say(
                "the row has Persian text but does not say where it comes from: set {field} to review (the review's "
                "own sentence) or translated (the curators' translation)", field=ORIGIN_FIELD)))
    return problems
