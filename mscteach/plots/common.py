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
from functools import lru_cache
from itertools import cycle

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import Formatter

from ..data import vocabulary

__all__ = [
    "NO_ROWS",
    "PALETTE",
    "WIDTH",
    "category_colours",
    "count_heatmap",
    "fit_column_labels",
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
    fit_column_labels(ax)


#: A column label wraps onto at most this many lines before it is turned on its side instead.
LABEL_LINES = 3
#: The least space between two labels, in ems of their font.
LABEL_GAP = 0.5


def fit_column_labels(ax) -> None:
    """Fit ``ax``'s x tick labels to their columns whenever the figure is drawn, in the language it is drawn in.

    Each label is measured in its font at the resolution the figure is drawn
    at, against the width of a column: when every label fits on at most
    :data:`LABEL_LINES` lines, broken at spaces and after a slash, and no two
    neighbours come closer than :data:`LABEL_GAP` em, the labels are wrapped
    and set upright; otherwise every label is turned on its side, wrapped into
    as many lines as a column holds (and made smaller only if even one line
    does not fit). The fitting happens just before the figure's constrained
    layout, every time it is drawn, so it measures the words a translated
    figure shows (:func:`mscteach.display.localise_figure` changes them after
    the figure is made): Persian labels are not the English ones' width.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        An axis with one labelled x tick per column (a heatmap's).
    """
    fig = ax.get_figure(root=True)
    engine = fig.get_layout_engine()
    if not isinstance(engine, _FittedLayout):
        engine = _FittedLayout(**(engine.get() if engine is not None else {}))
        fig.set_layout_engine(engine)
    engine.columns.append(ax)


class _ColumnLabels(Formatter):
    """A tick formatter that writes the labels another formatter makes as :class:`_FittedLayout` fitted them."""

    def __init__(self, inner: Formatter) -> None:
        self.inner = inner
        self.fitted: dict[str, str] = {}
        self.size: float | None = None  # the labels' font size before any fitting

    def __call__(self, x, pos=None):
        text = self.inner(x, pos)
        return self.fitted.get(text, text)

    def set_locs(self, locs):
        self.inner.set_locs(locs)


class _FittedLayout(ConstrainedLayoutEngine):
    """Constrained layout that first fits the column labels of the axes in ``columns`` (:func:`fit_column_labels`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns: list = []

    def execute(self, fig):
        for ax in self.columns:
            _fit_columns(ax)
        done = super().execute(fig)
        # the columns' width is known only now: labels fitted to the first guess are fitted again if they must change
        if any([_fit_columns(ax) for ax in self.columns]):
            done = super().execute(fig)
        return done


def _fit_columns(ax) -> bool:
    """Fit ``ax``'s x tick labels to its columns as they are now; True if the labels changed."""
    axis = ax.xaxis
    formatter = axis.get_major_formatter()
    if not isinstance(formatter, _ColumnLabels):  # a new formatter (the figure was translated): wrap what it writes
        formatter = _ColumnLabels(formatter)
        axis.set_major_formatter(formatter)
    locations = list(axis.get_majorticklocs())
    if not locations:
        return False
    texts = [formatter.inner(x, i) for i, x in enumerate(locations)]
    ticks = axis.get_major_ticks(len(locations))
    font = ticks[0].label1.get_fontproperties().copy()
    if formatter.size is None:
        formatter.size = font.get_size_in_points()
    font.set_size(formatter.size)  # measured at the size the figure chose, not one an earlier fitting shrank it to
    fig = ax.get_figure(root=True)

    def size_of(line: str) -> tuple[float, float, float]:
        return _text_size(line, font, fig.dpi)  # at the dpi the figure is being drawn at (savefig sets it)

    def width(line: str) -> float:
        return size_of(line)[0]

    spacing = ax.get_window_extent().width / len(locations)
    room = spacing - LABEL_GAP * formatter.size * fig.dpi / 72
    wrapped = [_wrap(text, width, room) for text in texts]
    widths = [max(width(line) for line in lines) for lines in wrapped]
    # upright, neighbours must not meet: each label is centred on its tick, so two share the space between their
    # ticks (a word wider than its column may still stand beside narrower neighbours)
    upright = all(len(lines) <= LABEL_LINES for lines in wrapped) and \
        all((a + b) / 2 <= room for a, b in zip(widths, widths[1:]))
    size = formatter.size
    if not upright:
        # on its side a label's lines stand across its column: as many as fit, each as long as that needs
        one = size_of("Ag")[1]
        _, high, low = size_of("lp")
        step = (high - low) * 1.2  # the spacing matplotlib's Text puts between lines (linespacing 1.2)
        size *= min(1.0, room / max(one, 1e-9))
        most = max(1, int((room - one) // max(step, 1e-9)) + 1) if size == formatter.size else 1
        # one length for every label: its longest word, or the longest label shared among the lines that fit
        length = max(max(width(word) for text in texts for word in text.split() or [text]),
                     max(width(text) for text in texts) / most)
        wrapped = [_wrap(text, width, length) for text in texts]
        while any(len(lines) > most for lines in wrapped):
            length *= 1.15
            wrapped = [_wrap(text, width, length) for text in texts]
    fitted = {text: "\n".join(lines) for text, lines in zip(texts, wrapped)}
    rotation = 0 if upright else 90
    before = (dict(formatter.fitted), ticks[0].label1.get_rotation(), ticks[0].label1.get_fontsize())
    formatter.fitted = fitted
    ax.tick_params(axis="x", labelrotation=rotation, labelsize=size)
    for tick in ticks:
        tick.label1.set_horizontalalignment("center")
        tick.label1.set_rotation_mode("default")
    return before != (fitted, rotation, size)


@lru_cache(maxsize=4096)
def _text_size(line: str, font, dpi: float) -> tuple[float, float, float]:
    """(width, height, descent) of a line in pixels at ``dpi``, as Agg sets it (a figure redrawn measures nothing)."""
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, dpi).get_text_width_height_descent(line, font, ismath=False)


def _wrap(text: str, width, room: float) -> list[str]:
    """``text`` in lines no wider than ``room`` (measured by ``width``), broken at spaces and after a slash.

    A word wider than ``room`` has a line of its own.
    """
    import re

    # (piece, what joins it to the piece before): words joined by a space, a word's parts after each inner slash
    pieces = [(part, " " if j == 0 else "") for word in text.split()
              for j, part in enumerate(re.findall(r"[^/]*/(?=.)|[^/]+|/", word))]
    lines: list[str] = []
    line = ""
    for piece, glue in pieces:
        candidate = line + glue + piece if line else piece
        if line and width(candidate) > room:
            lines.append(line)
            line = piece
        else:
            line = candidate
    return lines + [line] if line or not lines else lines


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
