"""Chapters 2 to 4: which cells were given, whether they become liver cells, what they act on, and fibrosis."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import evidence
from .common import PALETTE, category_colours, count_heatmap, new_figure, note_empty_selection, pairs, stacked_barh

__all__ = [
    "ecm_balance_figure",
    "ecm_balance_table",
    "evidence_stance_figure",
    "mechanism_targets_figure",
    "mediator_target_heatmap",
    "studies_per_source_figure",
]


def evidence_stance_figure(differentiation: pd.DataFrame) -> Figure:
    """Differentiation evidence items by kind, split into those for and those against.

    Parameters
    ----------
    differentiation : DataFrame
        The ``differentiation`` table or a selection of it (columns ``kind``
        and ``stance``; ``stance`` is "for" or "against").

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars, one per kind (most items at the top),
        stacked "for" (green) then "against" (red).
    """
    fig = new_figure(3.4)
    ax = fig.subplots()
    counts = pd.crosstab(differentiation["kind"], differentiation["stance"]).reindex(columns=["for", "against"], fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    stacked_barh(ax, counts, {"for": PALETTE[2], "against": PALETTE[3]}, legend="stance")
    # from the top down, as a reader meets the bars (barh draws the first row at the bottom)
    table = counts.iloc[::-1].rename_axis(index="kind of evidence", columns=None).reset_index()
    fig.mscteach_data = table  # type: ignore[attr-defined]
    ax.set_xlabel("evidence items in the review")
    ax.set_ylabel("kind of evidence")
    ax.set_title("Hepatocyte-like-cell differentiation: evidence for and against")
    sns.despine(ax=ax)
    return fig


def studies_per_source_figure(counts: pd.DataFrame) -> Figure:
    """Clinical and preclinical studies per cell type, side by side.

    Parameters
    ----------
    counts : DataFrame
        :func:`mscteach.evidence.studies_per_source` (columns ``cell_type``,
        ``evidence`` — "clinical" or "preclinical" — and ``studies``). With no
        rows the figure says so.

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars, one pair per cell type.
    """
    fig = new_figure(3.6)
    ax = fig.subplots()
    if counts.empty:
        note_empty_selection(ax)
    else:
        sns.barplot(data=counts, y="cell_type", x="studies", hue="evidence", ax=ax,
                    palette={"clinical": PALETTE[0], "preclinical": PALETTE[1]}, orient="h")
        ax.legend(title="evidence", frameon=False)
        # seaborn draws the cell types from the top in the order they first appear; a missing pair has no bar
        table = counts.pivot_table(index="cell_type", columns="evidence", values="studies", aggfunc="sum", sort=False)
        table = table.reindex(columns=[e for e in ("clinical", "preclinical") if e in table.columns]).fillna(0)
        table = table.astype(int).rename_axis(index="cell type", columns=None).reset_index()
        fig.mscteach_data = table  # type: ignore[attr-defined]
        locator = ax.xaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # matplotlib's default AutoLocator: whole studies only
            locator.set_params(integer=True)
    ax.set_xlabel("studies in the data")  # a teacher's added study is in the data, not the review
    ax.set_ylabel("cell type")
    ax.set_title("Which cells have been studied?")
    sns.despine(ax=ax)
    return fig


def mediator_target_heatmap(matrix: pd.DataFrame, title: str = "Mediators and the cells they act on") -> Figure:
    """A heatmap of how many mechanisms link each mediator to each target.

    Parameters
    ----------
    matrix : DataFrame
        :func:`mscteach.evidence.mediator_target_matrix`: whole-number counts,
        mediators as rows and targets as columns. With no rows the figure
        says so.
    title : str, default "Mediators and the cells they act on"
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        One axis with the heatmap (zero cells left empty, counts written in
        the cells).
    """
    fig = new_figure(0.35 * max(len(matrix), 4) + 2.2)
    ax = fig.subplots()
    if matrix.empty:
        note_empty_selection(ax)
    else:
        count_heatmap(ax, matrix, "Blues")
        fig.mscteach_data = pairs(matrix, "mediator", "target", "mechanisms")  # type: ignore[attr-defined]
    ax.set_xlabel("target")
    ax.set_ylabel("mediator")
    ax.set_title(title)
    return fig


def mechanism_targets_figure(mechanisms: pd.DataFrame, categories: Sequence[str]) -> Figure:
    """How many mechanisms the review describes per target, stacked by category, most-targeted first.

    A mechanism naming several targets (``"T cell; B cell"``) counts once for
    each of them.

    Parameters
    ----------
    mechanisms : DataFrame
        The ``mechanisms`` table or a selection of it (columns ``category``
        and ``target``).
    categories : sequence of str
        Values of ``mechanisms.category`` to count, in the order their
        colours and stacked segments take; filtered as
        :func:`mscteach.evidence.choose` does. A selection with no target
        says so.

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars, one per target.

    Examples
    --------
    >>> import pandas as pd
    >>> mechanisms = pd.DataFrame({"category": ["paracrine", "tumour"], "target": ["T cell; B cell", "T cell"]})
    >>> ax = mechanism_targets_figure(mechanisms, ["paracrine", "tumour"]).axes[0]
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['B cell', 'T cell']
    >>> [float(patch.get_width()) for patch in ax.patches]
    [1.0, 1.0, 0.0, 1.0]
    """
    chosen = evidence.choose(mechanisms, category=list(categories))
    rows = [(t, row.category) for row in chosen.itertuples() for t in evidence.split_items(row.target)]
    frame = pd.DataFrame(rows, columns=["target", "category"])
    fig = new_figure(0.32 * max(frame["target"].nunique(), 4) + 1.6)
    ax = fig.subplots()
    if frame.empty:
        note_empty_selection(ax)
    else:
        counts = pd.crosstab(frame["target"], frame["category"])
        counts = counts[[c for c in categories if c in counts.columns]]
        totals = counts.sum(axis=1)
        # most-targeted at the top (barh draws the first row at the bottom); ties in name order
        order = sorted(counts.index, key=lambda t: (-totals[t], t.casefold()))[::-1]
        stacked_barh(ax, counts.loc[order], category_colours(list(categories)), legend="category")
        table = counts.loc[order[::-1]].rename_axis(index="target", columns=None).reset_index()
        fig.mscteach_data = table  # type: ignore[attr-defined]
    ax.set_xlabel("mechanisms described")
    ax.set_ylabel("target")
    ax.set_title("What MSCs act on")
    sns.despine(ax=ax)
    return fig


def ecm_balance_figure(model: pd.DataFrame, msc_week: int | None = None) -> Figure:
    """The illustrative model of extracellular matrix (ECM) in the liver, with and without MSCs.

    Parameters
    ----------
    model : DataFrame
        :func:`mscteach.evidence.ecm_balance` (columns ``week``, ``ecm`` and
        ``arm``: "without MSCs" or "with MSCs").
    msc_week : int, optional
        The week the MSCs are given, marked by a dashed line; by default no
        line.

    Returns
    -------
    matplotlib.figure.Figure
        One axis with a line per arm; the title says the model is not fitted
        to data.
    """
    fig = new_figure(3.6)
    ax = fig.subplots()
    sns.lineplot(data=model, x="week", y="ecm", hue="arm", ax=ax, palette=[PALETTE[3], PALETTE[2]],
                 hue_order=["without MSCs", "with MSCs"])
    if msc_week is not None:
        ax.axvline(msc_week, color="0.4", ls="--", lw=1)
        ax.annotate("MSCs given", (msc_week, ax.get_ylim()[1]), xytext=(4, -12), textcoords="offset points",
                    fontsize=9, color="0.3")
    ax.set_xlabel("week")
    ax.set_ylabel("ECM in the liver (arbitrary units)")
    ax.set_title("Illustrative model: ECM synthesis vs degradation (not fitted to data)")
    ax.legend(title=None, frameon=False)
    fig.mscteach_data = ecm_balance_table(model)  # type: ignore[attr-defined]
    sns.despine(ax=ax)
    return fig


def ecm_balance_table(model: pd.DataFrame) -> pd.DataFrame:
    """The table :func:`ecm_balance_figure` draws (its ``mscteach_data``): ECM per week, a column per arm.

    Parameters
    ----------
    model : DataFrame
        :func:`mscteach.evidence.ecm_balance`.

    Returns
    -------
    DataFrame
        ``week``, then "without MSCs" and "with MSCs" (the arms the model holds).
    """
    table = model.pivot_table(index="week", columns="arm", values="ecm", aggfunc="first")
    table = table.reindex(columns=[a for a in ("without MSCs", "with MSCs") if a in table.columns])
    return table.rename_axis(columns=None).reset_index()
