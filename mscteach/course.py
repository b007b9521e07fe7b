"""Small presentation helpers the chapter notebooks share.

They format what the data says (reading lists, table overviews) so that no
chapter writes the same display code twice.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from IPython.display import Markdown

from . import analysis
from .data import describe, list_tables, load

__all__ = ["reading_list", "setup", "table_overview"]


def setup() -> None:
    """Display settings for the chapters: wide text columns, compact numbers, no index noise."""
    pd.set_option("display.max_colwidth", None)  # findings are sentences: show them whole
    pd.set_option("display.max_columns", 20)
    pd.set_option("display.width", 120)
    pd.set_option("display.precision", 2)


def reading_list(ref_ids: Iterable[int], heading: str = "Further reading") -> Markdown:
    """A numbered Markdown reading list of the review's references, in reference order.

    The numbers are the review's own, so a student can match them with the
    citations in the chapter text.
    """
    refs = analysis.further_reading(load("references"), ref_ids)
    lines = [f"### {heading}", ""] + [f"- **[{row.ref_id}]** {row.citation}" for row in refs.itertuples()]
    return Markdown("\n".join(lines))


def table_overview() -> pd.DataFrame:
    """One row per curated table: name, title, rows and description."""
    rows = []
    for name in list_tables():
        info = describe(name)
        rows.append({"table": name, "title": info.title, "rows": info.n_rows, "description": info.description})
    return pd.DataFrame(rows)
