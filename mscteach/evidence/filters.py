"""Choosing rows: filters by column values, years and curated mappings, and reading lists.

Filter arguments follow one convention: ``None`` or ``"all"`` means "no
filter", a string selects one value, and a list selects any of several.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..data import format_citation, vocabulary
from ..errors import MscteachError, UnknownNameError

ALL = "all"

__all__ = [
    "ALL",
    "caveats_for",
    "choose",
    "distinct_items",
    "filter_values",
    "further_reading",
    "in_schema_order",
    "one_of",
    "references_cited",
    "related",
    "split_items",
    "timeline_between",
    "year_span",
]


def filter_values(value: Any) -> list[Any] | None:
    """The values a filter argument selects: ``None`` for no filter (``None``, ``"all"`` or an empty list).

    Parameters
    ----------
    value : object
        A filter argument: ``None``, ``"all"``, one value (a string or any
        non-iterable), or an iterable of values. An iterable that holds
        ``"all"`` is no filter either.

    Returns
    -------
    list or None
        The values to keep, in the order given; None to keep everything.

    Examples
    --------
    >>> filter_values("all"), filter_values("RCT"), filter_values(["RCT", "cohort"])
    (None, ['RCT'], ['RCT', 'cohort'])
    """
    if value is None or (isinstance(value, str) and value == ALL):
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    values = list(value)
    return None if not values or ALL in values else values


def choose(table: pd.DataFrame, **criteria: Any) -> pd.DataFrame:
    """Rows of ``table`` matching every criterion ``column=value``.

    Parameters
    ----------
    table : DataFrame
        Any table, e.g. as :func:`mscteach.load` returns it.
    **criteria
        ``column=value``: ``None`` or ``"all"`` keeps every row; a scalar keeps
        rows equal to it; a list keeps rows equal to any of its values. For a
        list column (``ref_ids``) a row is kept if it contains any value.

    Returns
    -------
    DataFrame
        The matching rows, in the table's order, with a fresh index.

    Raises
    ------
    UnknownNameError
        If a criterion names a column the table does not have.

    Examples
    --------
    >>> import mscteach
    >>> trials = mscteach.load("clinical_studies")
    >>> choose(trials, disease="ACLF", design=["RCT", "cohort"]).study_id.tolist()
    ['lin2017', 'shi2012']
    """
    mask = pd.Series(True, index=table.index)
    for column, value in criteria.items():
        if column not in table.columns:
            raise UnknownNameError("column", column, list(table.columns))
        wanted = filter_values(value)
        if wanted is None:
            continue
        series = table[column]
        if series.dtype == object and series.map(lambda v: isinstance(v, list)).all():
            mask &= series.map(lambda items, wanted=wanted: any(w in items for w in wanted))
        else:
            mask &= series.isin(wanted).fillna(False).astype(bool)
    return table[mask].reset_index(drop=True)


def one_of(value: Any, options: Iterable[Any], parameter: str) -> Any:
    """Return ``value`` if it is ``"all"`` or one of ``options``; else raise a clear error.

    Parameters
    ----------
    value : object
        The value given for a parameter.
    options : iterable
        The values allowed besides ``"all"``.
    parameter : str
        The parameter's name, for the message.

    Returns
    -------
    object
        ``value`` itself.

    Raises
    ------
    UnknownNameError
        Naming the parameter, the value, the allowed values and the closest match.

    Examples
    --------
    >>> one_of("ACLF", ["ACLF", "cirrhosis"], "disease")
    'ACLF'
    >>> one_of("ALCF", ["ACLF", "cirrhosis"], "disease")
    Traceback (most recent call last):
    ...
    mscteach.errors.UnknownNameError: unknown value for disease 'ALCF'; available: all, ACLF, cirrhosis (did you mean 'ACLF'?)
    """
    options = list(options)
    if value == ALL or value in options:
        return value
    raise UnknownNameError(f"value for {parameter}", value, [ALL, *map(str, options)])


def timeline_between(timeline: pd.DataFrame, start: int | None = None, end: int | None = None,
                     categories: Any = None) -> pd.DataFrame:
    """Timeline events overlapping the years ``start``-``end`` (inclusive), oldest first.

    An event spanning years (``year_end``) is kept if any part of the span
    falls in the range. ``categories`` filters like :func:`choose`.

    Parameters
    ----------
    timeline : DataFrame
        The ``timeline`` table (``year``, ``year_end``, ``year_text``, ``category``).
    start, end : int, optional
        The first and last year; None leaves that end open.
    categories : str or list of str, optional
        The ``category`` values to keep; None or ``"all"`` keeps every one.

    Returns
    -------
    DataFrame
        The events, sorted by ``year`` then ``year_text``, with a fresh index.

    Raises
    ------
    MscteachError
        If ``start`` is after ``end``.

    Examples
    --------
    >>> import mscteach
    >>> events = timeline_between(mscteach.load("timeline"), 1900, 1960)
    >>> events["year"].tolist()  # the 1960-1970 event overlaps the range
    [1902, 1939, 1957, 1958, 1960]
    """
    if start is not None and end is not None and start > end:
        raise MscteachError(f"year range is reversed: start {start} is after end {end}")
    last = timeline["year_end"].fillna(timeline["year"])
    keep = pd.Series(True, index=timeline.index)
    if start is not None:
        keep &= last >= start
    if end is not None:
        keep &= timeline["year"] <= end
    events = choose(timeline[keep.astype(bool)], category=categories)
    return events.sort_values(["year", "year_text"], kind="stable").reset_index(drop=True)


def related(table: pd.DataFrame, column: str, mapping: pd.DataFrame, mapped: str, disease: Any) -> pd.DataFrame:
    """Rows of ``table`` related to a clinical disease through a curation mapping.

    ``mapping`` is a table such as ``related_models`` (columns ``disease`` and
    ``mapped``); a row of ``table`` is kept when its ``column`` is mapped to
    ``disease``. ``"all"`` (or ``None``) keeps every row; a disease with no
    mapping keeps none.

    Parameters
    ----------
    table : DataFrame
        The rows to choose from, e.g. ``animal_studies``.
    column : str
        The column of ``table`` holding the mapped values (e.g. ``"disease"``).
    mapping : DataFrame
        The curation mapping, with a ``disease`` column and the ``mapped`` column.
    mapped : str
        The column of ``mapping`` matched against ``table[column]`` (e.g. ``"animal_disease"``).
    disease : str, list of str or None
        The clinical disease(s); None or ``"all"`` for no filter.

    Returns
    -------
    DataFrame
        The related rows in the table's order, with a fresh index.

    Examples
    --------
    >>> import mscteach
    >>> animals = related(mscteach.load("animal_studies"), "disease", mscteach.load("related_models"),
    ...                   "animal_disease", "liver failure")
    >>> sorted(set(animals["disease"]))
    ['ALF']
    """
    if filter_values(disease) is None:
        return table.reset_index(drop=True)
    wanted = set(mapping.loc[mapping["disease"].isin(filter_values(disease)), mapped])
    return table[table[column].isin(wanted).fillna(False).astype(bool)].reset_index(drop=True)


def year_span(timeline: pd.DataFrame) -> tuple[int, int]:
    """The first and last year of a timeline (spans count to their last year).

    Parameters
    ----------
    timeline : DataFrame
        The ``timeline`` table, or a selection of it.

    Returns
    -------
    tuple of (int, int)
        The earliest ``year`` and the latest ``year_end`` or ``year``.

    Raises
    ------
    MscteachError
        If the timeline has no events.

    Examples
    --------
    >>> import mscteach
    >>> year_span(mscteach.load("timeline"))
    (1868, 1991)
    """
    if timeline.empty:
        raise MscteachError("the timeline has no events")
    last = timeline["year_end"].fillna(timeline["year"]).max()
    return int(timeline["year"].min()), int(max(last, timeline["year"].max()))


def references_cited(table: pd.DataFrame) -> list[int]:
    """Sorted reference numbers cited anywhere in ``table['ref_ids']``.

    Parameters
    ----------
    table : DataFrame
        A table with a ``ref_ids`` list column (as :func:`mscteach.load` returns it).

    Returns
    -------
    list of int
        Each number once, ascending.

    Examples
    --------
    >>> import mscteach
    >>> references_cited(mscteach.load("clinical_studies"))[:3]
    [24, 25, 26]
    """
    return sorted({r for refs in table["ref_ids"] for r in refs})


def caveats_for(challenges: pd.DataFrame, disease: str = ALL, cell_type: str = ALL,
                cell_origin: str = ALL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The review's challenges split into those that name the question and the general rest.

    A challenge is specific to a question when its title or description names
    the question's disease, cell type or cell origin (as a word, ignoring case:
    "UC-MSCs" names UC-MSC); the others apply to MSC therapy in general. With
    every parameter ``"all"`` nothing is specific.

    Parameters
    ----------
    challenges : DataFrame
        The ``challenges`` table (``challenge``, ``description``).
    disease, cell_type, cell_origin : str, default "all"
        The question; ``"all"`` (or an empty value) names nothing.

    Returns
    -------
    (specific, general) : tuple of DataFrame
        Both in the table's order, keeping the table's index.

    Examples
    --------
    >>> import mscteach
    >>> specific, general = caveats_for(mscteach.load("challenges"), cell_origin="autologous")
    >>> specific["challenge"].tolist(), len(general)
    (['Autologous cells from diseased patients'], 15)
    """
    import re

    wanted = [v for v in (disease, cell_type, cell_origin) if v and v != ALL]
    if not wanted:
        return challenges.iloc[0:0], challenges
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(v)}s?(?![\w-])" for v in wanted), re.IGNORECASE)
    text = challenges["challenge"].astype(str) + " " + challenges["description"].astype(str)
    named = text.map(lambda t: bool(pattern.search(t)))
    return challenges[named], challenges[~named]


def further_reading(references: pd.DataFrame, ref_ids: Iterable[int]) -> pd.DataFrame:
    """The references with the given numbers, in number order, with a citation column.

    A chapter or report shows it as its reading list.

    Parameters
    ----------
    references : DataFrame
        The ``references`` table.
    ref_ids : iterable of int
        Reference numbers, in any order, repeats allowed.

    Returns
    -------
    DataFrame
        ``ref_id``, ``citation`` (Vancouver style, :func:`mscteach.data.format_citation`)
        and ``year``, one row per number, ascending.

    Raises
    ------
    UnknownNameError
        For a number that is not in ``references`` (the smallest such), with the range there is.

    Examples
    --------
    >>> import mscteach
    >>> further_reading(mscteach.load("references"), [3, 1, 3])["ref_id"].tolist()
    [1, 3]
    """
    wanted = sorted(set(int(r) for r in ref_ids))
    missing = sorted(set(wanted) - set(references["ref_id"]))
    if missing:
        raise UnknownNameError("reference number", missing[0], [f"{references.ref_id.min()}-{references.ref_id.max()}"])
    rows = references.set_index("ref_id").loc[wanted]
    citation = [format_citation(r) for _, r in rows.iterrows()]
    frame = pd.DataFrame({"ref_id": wanted, "citation": citation, "year": rows["year"].tolist()})
    frame.attrs["reading_list"] = True  # a static explorer gathers its views' reading lists into one
    return frame


def in_schema_order(values: Iterable[Any], table: str, field: str) -> list[Any]:
    """``values`` (deduplicated) in the order of a field's vocabulary; values outside it last, sorted.

    Parameters
    ----------
    values : iterable
        The values to order (hashable).
    table, field : str
        The table and field whose ``enum`` (in the data folder's schema) gives the order.

    Returns
    -------
    list
        The vocabulary's values present in ``values``, then the others sorted as strings.

    Raises
    ------
    UnknownNameError
        If the table or field does not exist, or the field has no vocabulary.

    Examples
    --------
    >>> in_schema_order(["cohort", "RCT", "other", "RCT"], "clinical_studies", "design")
    ['RCT', 'cohort', 'other']
    """
    order = vocabulary(table, field)
    present = set(values)
    return [v for v in order if v in present] + sorted(present - set(order), key=str)


def distinct_items(values: pd.Series) -> list[str]:
    """The distinct items of a column of ``";"``-separated lists, sorted case-insensitively.

    Parameters
    ----------
    values : Series
        Cells such as ``"MMP-2; MMP-9"``; empty cells add nothing.

    Returns
    -------
    list of str
        Each item once, stripped, sorted ignoring case (ties: upper case first).

    Examples
    --------
    >>> import pandas as pd
    >>> distinct_items(pd.Series(["b; A", "a", None]))
    ['A', 'a', 'b']
    """
    return sorted({item for v in values for item in split_items(v)}, key=lambda s: (s.casefold(), s))


def split_items(value: Any) -> list[str]:
    """The items of one ``";"``-separated cell, stripped, empty items left out.

    Parameters
    ----------
    value : object
        A cell: a string, or None/NaN/``pd.NA`` for no items. Anything else is read as its
        ``str()``.

    Returns
    -------
    list of str
        The items in the cell's order.

    Examples
    --------
    >>> split_items("MMP-2; MMP-9;"), split_items(None)
    (['MMP-2', 'MMP-9'], [])
    """
    if value is None or (not isinstance(value, list) and pd.isna(value)):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]
