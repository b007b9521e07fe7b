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

    Raises
    ------
    UnknownNameError
        Naming the parameter, the value, the allowed values and the closest match.
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
    """Sorted reference numbers cited anywhere in ``table['ref_ids']``."""
    return sorted({r for refs in table["ref_ids"] for r in refs})


def caveats_for(challenges: pd.DataFrame, disease: str = ALL, cell_type: str = ALL,
                cell_origin: str = ALL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The review's challenges split into those that name the question and the general rest.

    A challenge is specific to a question when its title or description names
    the question's disease, cell type or cell origin (as a word, ignoring case:
    "UC-MSCs" names UC-MSC); the others apply to MSC therapy in general. With
    every parameter ``"all"`` nothing is specific.

    Returns
    -------
    (specific, general) : tuple of DataFrame
        Both in the table's order.
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

    Returns a DataFrame with ``ref_id``, ``citation`` (Vancouver style) and
    ``year``; a chapter or report shows it as its reading list.
    """
    wanted = sorted(set(int(r) for r in ref_ids))
    missing = sorted(set(wanted) - set(references["ref_id"]))
    if missing:
        raise UnknownNameError("reference number", missing[0], [f"{references.ref_id.min()}-{references.ref_id.max()}"])
    rows = references.set_index("ref_id").loc[wanted]
    citation = [format_citation(r) for _, r in rows.iterrows()]
    return pd.DataFrame({"ref_id": wanted, "citation": citation, "year": rows["year"].tolist()})


def in_schema_order(values: Iterable[Any], table: str, field: str) -> list[Any]:
    """``values`` (deduplicated) in the order of a field's vocabulary; values outside it last, sorted."""
    order = vocabulary(table, field)
    present = set(values)
    return [v for v in order if v in present] + sorted(present - set(order), key=str)


def distinct_items(values: pd.Series) -> list[str]:
    """The distinct items of a column of ``";"``-separated lists, sorted case-insensitively."""
    return sorted({item for v in values for item in split_items(v)}, key=lambda s: (s.casefold(), s))


def split_items(value: Any) -> list[str]:
    if value is None or (not isinstance(value, list) and pd.isna(value)):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]
