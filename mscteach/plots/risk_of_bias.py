"""Risk of bias (RoB 2) figures: the traffic-light plot and the weighted summary, as robvis draws them.

Each judgment has a colour *and* a symbol, so nothing depends on telling the
colours apart: ``+`` low (green), ``−`` some concerns (yellow), ``×`` high
(vermilion), ``?`` no judgment (grey), colours from the colour-blind-safe palette.
"""
from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..errors import ParameterError
from ..i18n import say
from ..stats.rob2 import DOMAINS, JUDGMENTS
from .common import PALETTE, new_figure, note_empty_selection, stacked_barh

__all__ = ["JUDGMENT_STYLE", "NOT_JUDGED", "redraw_traffic_light", "summary_figure", "traffic_light_figure"]

#: What a missing judgment is called in the figures (a domain not answered yet, a study not assessed).
NOT_JUDGED = "no judgment"
#: Each judgment's colour and symbol.
JUDGMENT_STYLE: dict[str, tuple[tuple[float, float, float], str]] = {
    "low": (PALETTE[2], "+"), "some concerns": (PALETTE[8], "−"), "high": (PALETTE[3], "×"),
    NOT_JUDGED: (PALETTE[7], "?"),
}
_COLUMNS = [d.lower() for d in DOMAINS] + ["overall"]
_HEADINGS = [*DOMAINS, "Overall"]


def _judgments(table: pd.DataFrame) -> pd.DataFrame:
    """The d1-d5 and overall columns, lower case, missing cells as :data:`NOT_JUDGED`; anything else refused."""
    missing = [c for c in ["study_id", *_COLUMNS] if c not in table.columns]
    if missing:
        raise ParameterError(f"the judgments lack the column(s) {', '.join(missing)}; expected study_id, "
                             f"d1 ... d5 and overall (mscteach.stats.rob2.read_judgments)")
    cells = table[_COLUMNS].astype(object).where(table[_COLUMNS].notna(), NOT_JUDGED)
    cells = cells.apply(lambda column: column.map(lambda v: str(v).strip().lower()))
    for column in _COLUMNS:
        bad = sorted(set(cells[column]) - set(JUDGMENT_STYLE))
        if bad:
            raise ParameterError(f"judgments, column {column}: {bad[0]!r} is not allowed; allowed: "
                                 f"{', '.join(JUDGMENTS)} (or empty: {NOT_JUDGED})")
    return cells


def _row_labels(table: pd.DataFrame) -> list[str]:
    if "outcome" in table.columns and table["outcome"].nunique() > 1:
        return [f"{s} ({o})" for s, o in zip(table["study_id"], table["outcome"])]
    return [str(s) for s in table["study_id"]]


def _legend_handles(present: list[str]) -> list[Line2D]:
    return [Line2D([], [], linestyle="none", marker="o", markersize=11, markerfacecolor=JUDGMENT_STYLE[j][0],
                   markeredgecolor="0.3", label=f"{JUDGMENT_STYLE[j][1]}  {j}") for j in present]


def traffic_light_figure(judgments: pd.DataFrame) -> Figure:
    """RoB 2 judgments as a traffic light: one row per study (and outcome), one column per domain and overall.

    Parameters
    ----------
    judgments : DataFrame
        Columns ``study_id``, ``d1`` ... ``d5``, ``overall`` (each ``"low"``,
        ``"some concerns"``, ``"high"``, or empty: no judgment), and optionally
        ``outcome`` (shown beside the study when the rows hold several), e.g.
        :func:`mscteach.stats.rob2.read_judgments`. With no rows the figure says so.

    Returns
    -------
    matplotlib.figure.Figure
        One axis: a circle per judgment in its colour with its symbol
        (:data:`JUDGMENT_STYLE`), a legend, the domains' names under the grid;
        ``fig.mscteach_alt`` reads every row's judgments.

    Raises
    ------
    ParameterError
        If a column is missing or a cell is not a judgment (the message lists the allowed values).
    """
    cells = _judgments(judgments)
    labels = _row_labels(judgments)
    fig = new_figure(0.45 * max(len(cells), 1) + 2.2)
    ax = fig.subplots()
    fig.suptitle("Risk of bias (RoB 2) by domain")
    if cells.empty:
        note_empty_selection(ax, "No RoB 2 judgments to show")
        fig.mscteach_alt = say("Risk of bias (RoB 2) by domain: no judgments to show.")  # type: ignore[attr-defined]
        return fig
    for y, (_, row) in enumerate(cells.iterrows()):
        for x, column in enumerate(_COLUMNS):
            colour, symbol = JUDGMENT_STYLE[row[column]]
            ax.scatter([x], [y], s=420, color=colour, edgecolors="0.3", linewidths=0.8, zorder=2)
            ax.text(x, y, symbol, ha="center", va="center", fontsize=13, fontweight="bold", color="black", zorder=3)
    ax.set_xticks(range(len(_COLUMNS)), _HEADINGS)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(cells)), labels)
    ax.set_xlim(-0.6, len(_COLUMNS) - 0.4)
    ax.set_ylim(len(cells) - 0.5, -0.5)  # the first study at the top, as in the table
    ax.axvline(len(DOMAINS) - 0.5, color="0.6", linewidth=1)
    ax.set_xlabel("domain")
    ax.set_ylabel("study")
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    _judged(fig, labels, cells)
    ax.xaxis.set_label_position("top")
    _domain_key(fig)
    return fig


def _judged(fig: Figure, labels: list[str], cells: pd.DataFrame) -> None:
    """What follows the judgments: the legend of those shown, the alt text and the figure's table."""
    present = [j for j in JUDGMENT_STYLE if (cells == j).to_numpy().any()]
    fig.axes[0].legend(handles=_legend_handles(present), title="judgment", loc="upper left",
                       bbox_to_anchor=(1.01, 1), frameon=False)
    rows = "; ".join(f"{label}: " + ", ".join(f"{h} {row[c]}" for h, c in zip(_HEADINGS, _COLUMNS))
                     for label, (_, row) in zip(labels, cells.iterrows()))
    alt = say("Risk of bias (RoB 2) by domain, a traffic-light plot of {n} rows: {rows}.", n=len(cells), rows=rows)
    fig.mscteach_alt = alt  # type: ignore[attr-defined]
    table = pd.DataFrame({"study": labels, **{h: cells[c].to_list() for h, c in zip(_HEADINGS, _COLUMNS)}})
    fig.mscteach_data = table  # type: ignore[attr-defined]


def redraw_traffic_light(fig: Figure, judgments: pd.DataFrame) -> Figure | None:
    """:func:`traffic_light_figure` of ``judgments`` drawn into ``fig``, a traffic light of the same rows, in place.

    Only the circles' colours and symbols, the legend, the alt text and the
    figure's table change (a live explorer redraws its figure so, rather than
    drawing a new one).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure :func:`traffic_light_figure` drew, with judgments, for the same
        rows (studies and outcomes, in the same order).
    judgments : DataFrame
        As :func:`traffic_light_figure` takes it.

    Returns
    -------
    matplotlib.figure.Figure or None
        ``fig``; or None where it holds other rows or none (draw a new figure then).
    """
    cells = _judgments(judgments)
    labels = _row_labels(judgments)
    ax = fig.axes[0]
    circles = list(ax.collections)  # one per judgment, row by row, each with its symbol in ax.texts
    if cells.empty or len(circles) != cells.size or len(ax.texts) != cells.size \
            or [t.get_text() for t in ax.get_yticklabels()] != labels:
        return None
    for (circle, symbol), judgment in zip(zip(circles, ax.texts), cells.to_numpy().ravel()):
        colour, mark = JUDGMENT_STYLE[judgment]
        circle.set_facecolor(colour)
        symbol.set_text(mark)
    legend = ax.get_legend()
    if legend is not None:
        legend.remove()
    _judged(fig, labels, cells)
    return fig


def _domain_key(fig: Figure) -> None:
    """The domains' names under the figure: the columns and bars are headed D1-D5 only."""
    key = "; ".join(f"{d}: {name.lower()}" for d, name in DOMAINS.items())
    fig.supxlabel(textwrap.fill(key, 110), fontsize=8, color="0.3")


def _row_weights(judgments: pd.DataFrame, weights: Mapping[str, float] | pd.Series | None) -> np.ndarray:
    if weights is None:
        return np.ones(len(judgments))
    given = {str(k): v for k, v in dict(weights).items()}
    missing = sorted({str(s) for s in judgments["study_id"]} - set(given))
    if missing:
        raise ParameterError(f"weights: no weight for {', '.join(missing)}; give one for every study_id of the "
                             f"judgments ({', '.join(sorted(map(str, judgments['study_id'])))})")
    values = np.array([given[str(s)] for s in judgments["study_id"]], dtype=float)
    if not np.isfinite(values).all() or (values < 0).any() or values.sum() <= 0:
        raise ParameterError("weights must be finite, not negative, and not all zero")
    return values


def summary_figure(judgments: pd.DataFrame, weights: Mapping[str, float] | pd.Series | None = None) -> Figure:
    """Stacked bars of the share of studies (or of the weight) at each judgment, per domain and overall.

    Parameters
    ----------
    judgments : DataFrame
        As :func:`traffic_light_figure` takes them; each row counts once (pass the rows of one
        outcome for that outcome's summary).
    weights : mapping of str to float, optional
        A weight per ``study_id`` (e.g. the meta-analysis's ``weight_random``): the bars then
        show the share of the weight, not of the studies.

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars from 0 to 100%, D1 at the top and the overall judgment at
        the bottom; ``fig.mscteach_alt`` gives every bar's shares.

    Raises
    ------
    ParameterError
        If a column or a study's weight is missing, a weight is negative or not finite, or a
        cell is not a judgment.
    """
    cells = _judgments(judgments)
    unit = "weight" if weights is not None else "studies"
    fig = new_figure(3.2)
    ax = fig.subplots()
    fig.suptitle("Risk of bias (RoB 2): summary across studies")
    if cells.empty:
        note_empty_selection(ax, "No RoB 2 judgments to show")
        fig.mscteach_alt = say("Risk of bias (RoB 2) summary: no judgments to show.")  # type: ignore[attr-defined]
        return fig
    w = _row_weights(judgments, weights)
    shares = pd.DataFrame({j: [100 * w[(cells[c] == j).to_numpy()].sum() / w.sum() for c in _COLUMNS]
                           for j in JUDGMENT_STYLE}, index=_HEADINGS)
    shares = shares.loc[:, (shares > 0).any()]
    stacked_barh(ax, shares.iloc[::-1], {j: JUDGMENT_STYLE[j][0] for j in shares.columns}, "judgment")
    ax.legend(title="judgment", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)  # beside the bars
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"% of {unit}")
    ax.set_ylabel("domain")
    _domain_key(fig)
    bars = "; ".join(f"{h}: " + ", ".join(f"{j} {v:.0f}%" for j, v in row.items() if v > 0)
                     for h, row in shares.iterrows())
    # two literal sentences, not one with {unit}: a translation must not have an English word dropped into it
    alt = say("Risk of bias (RoB 2) summary, the share of the weight at each judgment: {bars}.", bars=bars) \
        if weights is not None else \
        say("Risk of bias (RoB 2) summary, the share of the studies at each judgment: {bars}.", bars=bars)
    fig.mscteach_alt = alt  # type: ignore[attr-defined]
    fig.mscteach_data = shares.rename_axis("domain").reset_index()  # type: ignore[attr-defined]
    return fig
