"""Chapter 1's figures: how the idea of a stem cell grew into MSCs, and how old the review's sources are."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .common import PALETTE, category_colours, new_figure, note_empty_selection

__all__ = ["reference_years_figure", "timeline_figure"]


def timeline_figure(events: pd.DataFrame, title: str = "From \"stem cell\" to MSCs") -> Figure:
    """Dated events on a year axis, one colour per category, each labelled with its headline.

    An event spanning years (``year_end``) is drawn as a bar from its first
    year to its last; events are ordered by year, oldest at the top.

    Parameters
    ----------
    events : DataFrame
        Rows of the ``timeline`` table (columns ``year``, ``year_end``,
        ``year_text``, ``category``, ``headline``), e.g. from
        :func:`mscteach.evidence.timeline_between`. With no rows the figure
        says so.
    title : str, default 'From "stem cell" to MSCs'
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One axis with a year axis and a legend of categories.

    Examples
    --------
    >>> import mscteach
    >>> from mscteach import evidence
    >>> events = evidence.timeline_between(mscteach.load("timeline"), 1960, 1980)
    >>> fig = timeline_figure(events, title="1960-1980")
    >>> fig.axes[0].get_title(), fig.axes[0].get_xlabel(), len(fig.axes[0].texts) == len(events)
    ('1960-1980', 'year', True)
    """
    fig = new_figure(0.55 * max(len(events), 4) + 1.2)
    ax = fig.subplots()
    if events.empty:
        note_empty_selection(ax)
    else:
        events = events.sort_values(["year", "year_text"], kind="stable").reset_index(drop=True)
        colours = category_colours(sorted(events["category"].unique()))
        for i, row in events.iterrows():
            end = row["year_end"] if pd.notna(row["year_end"]) else row["year"]
            colour = colours[row["category"]]
            ax.plot([row["year"], end], [i, i], color=colour, lw=6, solid_capstyle="round")
            ax.plot(row["year"], i, "o", color=colour, ms=8)
            ax.annotate(f"{row['year_text']}  {row['headline']}", (end, i), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=9)
        for category, colour in colours.items():
            ax.plot([], [], "o", color=colour, label=category)
        ax.legend(title="category", loc="upper right", fontsize=9, title_fontsize=9, frameon=False)
        ax.set_yticks([])
        ax.invert_yaxis()
        first, last = int(events["year"].min()), int(events["year_end"].fillna(events["year"]).max())
        ax.set_xlim(first - 5, last + 0.45 * max(last - first, 20))
        sns.despine(ax=ax, left=True)
        # as drawn, oldest first; a headline's Persian twin travels with it (display.figure_data_html)
        fig.mscteach_data = events[["year_text", "category", "headline",  # type: ignore[attr-defined]
                                    *[c for c in events.columns if c.startswith("headline_")]]]
    ax.set_xlabel("year")
    ax.set_title(title)
    return fig


def reference_years_figure(references: pd.DataFrame, highlight: Sequence[int] = ()) -> Figure:
    """How old the review's sources are: references per 5-year bin, with a chapter's citations on top.

    Parameters
    ----------
    references : DataFrame
        The ``references`` table (columns ``ref_id`` and ``year``), all of it
        or a selection; it must have at least one row.
    highlight : sequence of int, optional
        Reference numbers (``ref_id``) to draw as a second, darker histogram,
        e.g. the references a chapter cites; by default none.

    Returns
    -------
    matplotlib.figure.Figure
        One axis: references per 5-year bin, with a legend giving both counts.
    """
    fig = new_figure(3.2)
    ax = fig.subplots()
    bins = np.arange(5 * (references["year"].min() // 5), references["year"].max() + 6, 5).tolist()
    years = references["year"].astype(float)
    everything = f"all references in the data ({len(references)})"
    ax.hist(years, bins=bins, color=PALETTE[0], alpha=0.45, label=everything)
    # each bin [a, a + 5) holds the whole years a to a + 4: the last edge lies beyond the newest year
    table = pd.DataFrame({"publication year (5-year bins)": [f"{int(a)}-{int(a) + 4}" for a in bins[:-1]],
                          everything: np.histogram(years, bins=bins)[0]})
    if len(highlight):
        chosen = references[references["ref_id"].isin(list(highlight))]["year"].astype(float)
        ax.hist(chosen, bins=bins, color=PALETTE[0], label=f"cited here ({len(chosen)})")
        table[f"cited here ({len(chosen)})"] = np.histogram(chosen, bins=bins)[0]
    fig.mscteach_data = table  # type: ignore[attr-defined]
    ax.set_xlabel("publication year (5-year bins)")
    ax.set_ylabel("references")
    ax.set_title("When the review's sources were published")
    ax.legend(frameon=False)
    sns.despine(ax=ax)
    return fig
