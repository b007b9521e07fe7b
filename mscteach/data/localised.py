"""A curated table's free text in the reader's language: the Persian twins in the Persian edition.

The free-text columns (``finding``, ``effect``, ``description``, ``event``, ``definition``, ...) have
Persian twins named with ``_fa`` (``finding_fa``): the review's own Persian sentence where it states
the row, the curators' translation otherwise (the row's ``text_fa_origin`` says which; see
:mod:`mscteach.data.language_checks`). :func:`in_language` puts them in place of the English, so a
chapter, explorer or brief shows a table by its usual column names in either language.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..i18n import check_language
from .language_checks import translated_columns
from .locate import data_dir
from .schema import package_descriptor

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["UNTRANSLATED", "in_language", "persian_twins", "untranslated_cells"]

#: The ``attrs`` key of :func:`in_language`'s result listing the cells left in English.
UNTRANSLATED = "untranslated"


def persian_twins(columns: Any, data: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The English free-text columns of a table that have a Persian twin, each with its twin.

    The twins are the fields the data folder's schema declares with ``"language": "fa"`` and
    ``"translationOf"`` (in any table): a name ending in ``_fa`` is not enough, since the
    glossary's ``term_fa`` is the review's Persian term, shown beside the English one, not
    instead of it.

    Parameters
    ----------
    columns : iterable of str
        The table's columns (a DataFrame's ``columns``).
    data : str or path-like, optional
        Data folder whose schema declares the twins; defaults to the one in use
        (see :func:`~mscteach.data.data_dir`).

    Returns
    -------
    dict of str to str
        English column to Persian column (``{"finding": "finding_fa"}``), for every declared pair
        whose two columns are both in ``columns``, in the table's order.

    Examples
    --------
    >>> persian_twins(["study_id", "finding", "finding_fa", "notes"])
    {'finding': 'finding_fa'}
    >>> persian_twins(["term", "term_fa", "definition", "definition_fa"])
    {'definition': 'definition_fa'}
    """
    declared = {english: persian for r in package_descriptor(data_dir(data))["resources"]
                for persian, english in translated_columns(r.get("schema", {})).items()}
    names = [str(c) for c in columns]
    return {name: declared[name] for name in names if name in declared and declared[name] in names}


def _empty(value: Any) -> bool:
    import pandas as pd

    if isinstance(value, str):
        return not value.strip()
    return value is None or bool(pd.isna(value))  # None, NaN or pd.NA: a missing cell


def in_language(table: "pd.DataFrame", lang: str, data: str | os.PathLike[str] | None = None) -> "pd.DataFrame":
    """The table with its free text in ``lang``: in Persian, each English column holds its ``_fa`` twin.

    For ``"fa"``, every English free-text column that has a Persian twin declared in the schema
    (``finding`` and ``finding_fa``; see :func:`persian_twins`) takes the twin's value wherever the twin is filled;
    where it is empty (a row a teacher added without Persian), the English stays. Column names,
    order, index, the other columns (the ``_fa`` columns themselves included) and ``attrs`` (such
    as the sources marks of :func:`mscteach.evidence.mark_from_sources`) are kept, so code that
    shows ``finding`` shows it in the reader's language. For ``"en"`` the table is returned as it
    is (a copy).

    The cells left in English are listed in the result's ``attrs["untranslated"]``
    (:data:`UNTRANSLATED`): ``(index label, column)`` pairs, in table order; empty for English
    and for a fully translated table. An English cell that is itself empty is not listed.

    Parameters
    ----------
    table : DataFrame
        A curated table, or any selection of its rows and columns that keeps each English column
        beside its ``_fa`` twin (from :func:`mscteach.load`).
    lang : str
        ``"en"`` or ``"fa"``.
    data : str or path-like, optional
        Data folder whose schema declares the twins (see :func:`persian_twins`); defaults to the
        one in use.

    Returns
    -------
    DataFrame
        A copy of ``table`` with the free text in ``lang`` and ``attrs["untranslated"]``.

    Raises
    ------
    UnknownNameError
        If ``lang`` is not a language of the course.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"finding": ["Liver function improved.", "Survival rose."],
    ...                       "finding_fa": ["عملکرد کبد بهبود یافت.", None]}, index=["a", "b"])
    >>> shown = in_language(table, "fa")
    >>> shown["finding"].tolist(), shown.attrs["untranslated"]
    (['عملکرد کبد بهبود یافت.', 'Survival rose.'], [('b', 'finding')])
    >>> in_language(table, "en")["finding"].tolist()
    ['Liver function improved.', 'Survival rose.']
    """
    check_language(lang)
    shown = table.copy()
    untranslated: list[tuple[Any, str]] = []
    if lang == "fa":
        twins = persian_twins(table.columns, data)
        for label, row in zip(table.index, table.itertuples(index=False, name=None)):
            values = dict(zip(map(str, table.columns), row))
            untranslated += [(label, english) for english, persian in twins.items()
                             if _empty(values[persian]) and not _empty(values[english])]
        for english, persian in twins.items():
            filled = table[persian].map(lambda v: not _empty(v))
            shown[english] = table[english].where(~filled, table[persian])
    shown.attrs[UNTRANSLATED] = untranslated
    return shown


def untranslated_cells(lang: str, data: str | os.PathLike[str] | None = None) -> dict[str, list[str]]:
    """The data cells an edition in ``lang`` shows in English for want of a translation, table by table.

    A row a teacher adds may leave its ``_fa`` cells empty: :func:`in_language` then shows the
    English, and the build and ``mscteach translations status`` list such cells from here.

    Parameters
    ----------
    lang : str
        A language of the course; English has nothing to translate.
    data : str or path-like, optional
        The data folder (default: the one in use).

    Returns
    -------
    dict of str to list of str
        Each table with untranslated cells, in the data package's order, to its cells as
        ``"KEY: column"`` (the row's primary key, a key of several fields joined by " / ").

    Raises
    ------
    UnknownNameError
        If ``lang`` is not a language of the course.

    Examples
    --------
    >>> untranslated_cells("fa")  # the curated data: every free-text cell has its Persian
    {}
    """
    from .read import load
    from .schema import list_tables

    check_language(lang)
    if lang == "en":
        return {}
    descriptor = package_descriptor(data_dir(data))
    found: dict[str, list[str]] = {}
    for name in list_tables(data):
        resource = next(r for r in descriptor["resources"] if r["name"] == name)
        table = load(name, data)
        if not persian_twins(table.columns, data):
            continue
        key = resource["schema"].get("primaryKey") or [table.columns[0]]
        key = [key] if isinstance(key, str) else list(key)
        cells = in_language(table, lang, data).attrs[UNTRANSLATED]
        if cells:
            found[name] = [" / ".join(str(table.at[label, k]) for k in key) + f": {column}"
                           for label, column in cells]
    return found
