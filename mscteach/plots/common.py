"""What every figure shares: the palette, the figure size, the empty-selection note, stacked bars, count heatmaps.

Figures are made with :class:`matplotlib.figure.Figure` rather than pyplot, so
nothing is shown or kept alive behind the caller's back: a notebook shows the
returned figure, a widget redraws it, a test inspects it. Colours come from
seaborn's colour-blind-safe palette; every figure fits a notebook column
(:data:`WIDTH` inches wide).
"""
from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from itertools import cycle

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ..data import vocabulary

__all__ = [
    "NO_ROWS",
    "PALETTE",
    "WIDTH",
    "category_colours",
    "count_heatmap",
    "new_figure",
    "note_empty_selection",
    "outcome_colours",
    "pairs",
    "stacked_barh",
    "wrap_xticklabels",
]

#: The colour-blind-safe palette every figure draws from.
PALETTE = sns.color_palette("colorblind")
#: Width of every figure in inches: a notebook column.
WIDTH = 8.0
#: What an axis says when a selection leaves no rows to draw.
NO_ROWS = "No rows match the current selection"

# An outcome's colour carries its meaning (green helps, red harms), so it is tied to the value, not to its place in
# the vocabulary; a value added to the schema later takes one of the colours no outcome uses.
_OUTCOME_MEANING_COLOURS = {"benefit": PALETTE[2], "harm": PALETTE[3], "mixed": PALETTE[1], "neutral": PALETTE[7]}
_SPARE_OUTCOME_COLOURS = [c for c in PALETTE if c not in _OUTCOME_MEANING_COLOURS.values()]


def new_figure(height: float, width: float = WIDTH) -> Figure:
    """A blank figure with constrained layout, not registered with pyplot.

    Parameters
    ----------
    height : float
        Height in inches; figures grow with the rows they draw.
    width : float, default :data:`WIDTH`
        Width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with no axes yet.
    """
    return Figure(figsize=(width, height), layout="constrained", dpi=80)


def note_empty_selection(ax, message: str = NO_ROWS) -> None:
    """Write ``message`` in the middle of an axis that has nothing to draw, and drop its ticks.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The empty axis.
    message : str, default :data:`NO_ROWS`
        What to say; it starts with "No " so readers and tests recognise it.
    """
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="0.35")
    ax.set_xticks([])
    ax.set_yticks([])


def stacked_barh(ax, counts: pd.DataFrame, colours: dict[str, tuple], legend: str | None) -> None:
    """Horizontal bars stacked by column of a crosstab (rows are the bars), with a whole-number count axis.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    counts : DataFrame
        A crosstab: one row per bar (the first drawn at the bottom), one column per stacked segment.
    colours : dict of str to colour
        A colour for every column of ``counts``.
    legend : str or None
        The legend's title (None for none).
    """
    left = np.zeros(len(counts))
    for column in counts.columns:
        ax.barh(counts.index, counts[column], left=left, color=colours[column], label=column)
        left += counts[column].to_numpy()
    ax.legend(title=legend, frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)


def count_heatmap(ax, counts: pd.DataFrame, cmap: str, annot=True, colourbar: str | None = None) -> None:
    """A heatmap of whole-number counts: one colour per count, empty cells for zero, an integer colour bar.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    counts : DataFrame
        Whole-number counts; rows and columns are drawn in their order.
    cmap : str
        A matplotlib colour map name, e.g. ``"Blues"``.
    annot : bool or array of str, default True
        True writes each count in its cell; an array of the same shape writes its strings instead.
    colourbar : str, optional
        The colour bar's label; without one no colour bar is drawn.
    """
    from matplotlib.colors import BoundaryNorm
    from matplotlib.ticker import MaxNLocator

    top = max(int(counts.to_numpy().max()), 1)
    # one band per whole number from 1 up: a cell of 1 never shares a colour with 0 (shown empty)
    norm = BoundaryNorm(np.arange(0.5, top + 1.5), ncolors=256)
    sns.heatmap(counts, annot=annot, fmt="" if not isinstance(annot, bool) else "d", cmap=cmap, norm=norm,
                mask=counts == 0, cbar=colourbar is not None, linewidths=0.5, linecolor="0.85", ax=ax,
                annot_kws={"fontsize": 8}, cbar_kws={"label": colourbar, "ticks": MaxNLocator(integer=True)}
                if colourbar else None)
    if colourbar:
        ax.collections[0].colorbar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_facecolor("white")


def pairs(counts: pd.DataFrame, rows: str, columns: str, value: str) -> pd.DataFrame:
    """A count grid's non-empty cells as a table, one row per cell, in reading order (row by row, left to right).

    A figure's data table (``fig.mscteach_data``) for a heatmap: the cells a
    reader sees filled, each with its row, its column and its count.

    Parameters
    ----------
    counts : DataFrame
        Whole-number counts, rows and columns in the order drawn.
    rows, columns, value : str
        The names of the table's columns: the grid's rows, its columns, the count.

    Returns
    -------
    DataFrame
        Columns ``rows``, ``columns`` and ``value``; zero cells are left out.

    Examples
    --------
    >>> grid = pd.DataFrame({"T cell": [2, 0], "B cell": [0, 1]}, index=["IDO", "PGE2"])
    >>> pairs(grid, "mediator", "target", "mechanisms").to_dict("list")
    {'mediator': ['IDO', 'PGE2'], 'target': ['T cell', 'B cell'], 'mechanisms': [2, 1]}
    """
    found = [(row, column, int(count)) for row, line in counts.iterrows() for column, count in line.items()
             if count == count and count != 0]
    return pd.DataFrame(found, columns=[rows, columns, value])


def wrap_xticklabels(ax, width: int = 12) -> None:
    """Wrap long category labels onto several lines instead of rotating them.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        An axis whose x tick labels are set.
    width : int, default 12
        Characters per line.
    """
    ax.set_xticks(ax.get_xticks(), [textwrap.fill(t.get_text(), width) for t in ax.get_xticklabels()], rotation=0)


def category_colours(values: Sequence[str]) -> dict[str, tuple]:
    """A palette colour for each value, in order (the palette repeats after ten values).

    Parameters
    ----------
    values : sequence of str
        Category names, in the order they should take the palette's colours.

    Returns
    -------
    dict of str to tuple
        Each value's RGB colour.
    """
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}


def outcome_colours(outcomes: Iterable[str] = ()) -> dict[str, tuple]:
    """The colour of each preclinical outcome, in the order of the schema's vocabulary.

    Parameters
    ----------
    outcomes : iterable of str, optional
        Outcome values met in a table; any not in the vocabulary of
        ``animal_studies.outcome`` is added after it (sorted), so no outcome
        goes without a colour.

    Returns
    -------
    dict of str to tuple
        Each outcome's RGB colour: benefit green, harm red, mixed orange,
        neutral grey; any other value one of the palette's colours these
        do not use.

    Examples
    --------
    >>> list(outcome_colours())
    ['benefit', 'harm', 'mixed', 'neutral']
    >>> list(outcome_colours(["neutral", "unclear"]))
    ['benefit', 'harm', 'mixed', 'neutral', 'unclear']
    """
    known = vocabulary("animal_studies", "outcome")
    values = known + sorted(set(outcomes) - set(known), key=str)
    spare = cycle(_SPARE_OUTCOME_COLOURS)
    return {v: _OUTCOME_MEANING_COLOURS[v] if v in _OUTCOME_MEANING_COLOURS else next(spare) for v in values}
