"""Chapters 6 and 7: the clinical studies (size, dose, design, follow-up, an evidence map) and the open challenges."""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .. import evidence
from ..display import SOURCE_MARK
from .common import PALETTE, WIDTH, count_heatmap, new_figure, note_empty_selection, pairs, stacked_barh

__all__ = [
    "challenges_figure",
    "design_disease_heatmap",
    "dose_figure",
    "evidence_map_figure",
    "follow_up_figure",
    "sample_size_figure",
]

def sample_size_figure(clinical: pd.DataFrame) -> Figure:
    """Patients per arm of each clinical study, smallest study at the bottom.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table or a selection of it (columns
        ``design``, ``first_author``, ``year``, ``n_total``, ``n_treated``,
        ``n_control``). Meta-analyses and studies of one patient are left
        out; if none is left the figure says so.

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars, treated then control stacked, labelled
        "author year (design)".

    Examples
    --------
    >>> import mscteach
    >>> from mscteach import evidence
    >>> lin = evidence.choose(mscteach.load("clinical_studies"), study_id="lin2017")
    >>> ax = sample_size_figure(lin).axes[0]
    >>> [label.get_text() for label in ax.get_yticklabels()], [float(patch.get_width()) for patch in ax.patches]
    (['Lin 2017 (RCT)'], [56.0, 54.0])
    """
    # case reports have one patient and no arms to compare; meta-analyses pool other studies
    studies = clinical[evidence.primary(clinical) & (clinical["n_total"].fillna(0) > 1)]
    studies = studies.assign(study=studies["first_author"] + " " + studies["year"].astype(str))
    studies = studies.sort_values("n_total", kind="stable")
    fig = new_figure(0.33 * max(len(studies), 4) + 1.4)
    ax = fig.subplots()
    if studies.empty:
        note_empty_selection(ax)
    else:
        y = np.arange(len(studies))
        treated = studies["n_treated"].fillna(0).to_numpy(dtype=float)
        control = studies["n_control"].fillna(0).to_numpy(dtype=float)
        ax.barh(y, treated, color=PALETTE[0], label="treated")
        ax.barh(y, control, left=treated, color=PALETTE[7], label="control")
        labels = [f"{s} ({d})" for s, d in zip(studies["study"], studies["design"])]
        ax.set_yticks(y, labels, fontsize=9)
        ax.legend(frameon=False)
        # the largest study first, as a reader meets the bars; a count the data lack stays blank (no bar drawn)
        table = pd.DataFrame({"study": labels, "treated": studies["n_treated"].to_list(),
                              "control": studies["n_control"].to_list()})
        fig.mscteach_data = table.iloc[::-1].reset_index(drop=True)  # type: ignore[attr-defined]
    ax.set_xlabel("patients")
    ax.set_title("How many patients each study enrolled")
    sns.despine(ax=ax)
    return fig


def dose_figure(clinical: pd.DataFrame) -> Figure:
    """Doses in cells per kg per infusion on a log axis: points for single doses, lines for ranges.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table or a selection of it (columns
        ``study_id``, ``first_author``, ``year``, ``cell_type``,
        ``dose_cells_per_kg``, ``dose_low_cells_per_kg``,
        ``dose_high_cells_per_kg``, ``fields_from_sources``). Studies with no
        dose per kg are counted in the axis label; a dose taken from the
        study's own report rather than the review (named in
        ``fields_from_sources``) is marked †. If no study gives a dose the
        figure says so.

    Returns
    -------
    matplotlib.figure.Figure
        One axis, a row per study with a dose, UC-MSC in one colour and other
        cells in another.
    """
    single = clinical.dropna(subset=["dose_cells_per_kg"])
    ranged = clinical.dropna(subset=["dose_low_cells_per_kg", "dose_high_cells_per_kg"])
    shown = pd.concat([single, ranged]).drop_duplicates("study_id")
    fig = new_figure(0.45 * max(len(shown), 3) + 1.6)
    ax = fig.subplots()
    if shown.empty:
        note_empty_selection(ax, "No dose in cells/kg for the current selection")
    else:
        from_sources = [_dose_from_sources(value) for value in shown["fields_from_sources"]]
        labels = [f"{a} {y}" + (f" {SOURCE_MARK}" if marked else "")
                  for a, y, marked in zip(shown["first_author"], shown["year"], from_sources)]
        for i, row in enumerate(shown.itertuples()):
            colour = PALETTE[0] if row.cell_type == "UC-MSC" else PALETTE[1]
            if pd.notna(row.dose_cells_per_kg):
                ax.plot(row.dose_cells_per_kg, i, "o", color=colour, ms=8)
            else:
                ax.plot([row.dose_low_cells_per_kg, row.dose_high_cells_per_kg], [i, i], "-", color=colour, lw=4,
                        solid_capstyle="round")
        ax.set_xscale("log")
        ax.set_yticks(range(len(shown)), [f"{l} ({c})" for l, c in zip(labels, shown["cell_type"])])
        ax.plot([], [], "o", color=PALETTE[0], label="UC-MSC")
        ax.plot([], [], "o", color=PALETTE[1], label="other cells")
        ax.legend(frameon=False, fontsize=9, loc="lower right")
        ax.set_ylim(-0.7, len(shown) - 0.3)
        fig.mscteach_data = _dose_table(shown)  # type: ignore[attr-defined]
    missing = len(clinical) - len(shown)
    xlabel = f"cells per kg per infusion (log scale); {missing} studies give no dose per kg"
    if not shown.empty and any(_dose_from_sources(v) for v in shown["fields_from_sources"]):
        xlabel += f"\n{SOURCE_MARK} dose from the study's published report, not the review (see the data's notes)"
    ax.set_xlabel(xlabel)
    ax.set_title("Doses used in clinical studies")
    sns.despine(ax=ax)
    return fig


def _dose_table(shown: pd.DataFrame) -> pd.DataFrame:
    """The dose figure's rows from the top down: a dose in millions of cells per kg, a range as "low-high".

    A dose from the study's own report is marked as tables mark such values (:data:`~mscteach.display.FROM_SOURCES`).
    """
    from ..display import FROM_SOURCES

    def millions(value) -> str:
        return f"{float(value) / 1e6:g}"

    doses = [millions(row.dose_cells_per_kg) if pd.notna(row.dose_cells_per_kg)
             else f"{millions(row.dose_low_cells_per_kg)}-{millions(row.dose_high_cells_per_kg)}"
             for row in shown.itertuples()]
    dose = "dose (million cells/kg per infusion)"
    table = pd.DataFrame({"study": [f"{a} {y}" for a, y in zip(shown["first_author"], shown["year"])],
                          "cell_type": shown["cell_type"].to_list(), dose: doses}).iloc[::-1].reset_index(drop=True)
    marked = [_dose_from_sources(v) for v in shown["fields_from_sources"]][::-1]
    table.attrs[FROM_SOURCES] = {i: [dose] for i, mark in enumerate(marked) if mark}
    return table


def _dose_from_sources(fields_from_sources) -> bool:
    """Whether a study's ``fields_from_sources`` (a ";"-separated list, or missing) names a dose field."""
    fields = set() if pd.isna(fields_from_sources) else {f.strip() for f in str(fields_from_sources).split(";")}
    return bool(fields & {"dose_cells_per_kg", "dose_low_cells_per_kg", "dose_high_cells_per_kg"})


def design_disease_heatmap(clinical: pd.DataFrame) -> Figure:
    """Clinical studies counted by design (rows, strongest first) and disease (columns, schema order).

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table or a selection of it (columns
        ``design`` and ``disease``). With no rows the figure says so.

    Returns
    -------
    matplotlib.figure.Figure
        One axis with the count heatmap (zero cells left empty).
    """
    fig = new_figure(3.4)
    ax = fig.subplots()
    if clinical.empty:
        note_empty_selection(ax)
    else:
        counts = pd.crosstab(clinical["design"], clinical["disease"])
        counts = counts.reindex([d for d in evidence.design_order() if d in counts.index])
        counts = counts[evidence.in_schema_order(counts.columns, "clinical_studies", "disease")]
        count_heatmap(ax, counts, "Purples")
        fig.mscteach_data = pairs(counts, "design", "disease", "studies")  # type: ignore[attr-defined]
    ax.set_xlabel("disease")
    ax.set_ylabel("design")
    ax.set_title("Clinical evidence by design and disease")
    return fig


def follow_up_figure(clinical: pd.DataFrame) -> Figure:
    """Follow-up length in weeks of each clinical study, grouped by design, with a line at one year.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table or a selection of it (columns
        ``design`` and ``follow_up_weeks``). Studies with no follow-up length
        are left out; if none is left the figure says so.

    Returns
    -------
    matplotlib.figure.Figure
        One axis with a swarm of points per design (strongest design at the
        top).
    """
    studies = clinical.dropna(subset=["follow_up_weeks"])
    fig = new_figure(3.4)
    ax = fig.subplots()
    if studies.empty:
        note_empty_selection(ax, "No follow-up length for the current selection")
    else:
        order = [d for d in evidence.design_order() if d in set(studies["design"])]
        # a swarm (not a jittered strip) keeps the figure identical on every run
        sns.swarmplot(data=studies.astype({"follow_up_weeks": float}), x="follow_up_weeks", y="design", order=order,
                      ax=ax, size=8, color=PALETTE[0])
        ax.axvline(52, color="0.5", ls="--", lw=1)
        ax.annotate("1 year", (52, -0.45), xytext=(4, 0), textcoords="offset points", fontsize=9, color="0.35")
        # each point, strongest design first and the shortest follow-up first within it (the swarm's order)
        table = studies.assign(rank=studies["design"].map({d: i for i, d in enumerate(order)}),
                               weeks=studies["follow_up_weeks"].astype(float))
        table = table.sort_values(["rank", "weeks"], kind="stable")
        named = {"study": table["first_author"] + " " + table["year"].astype(str)} \
            if {"first_author", "year"} <= set(table.columns) else {}
        fig.mscteach_data = pd.DataFrame({"design": table["design"].to_list(),  # type: ignore[attr-defined]
                                          **{k: v.to_list() for k, v in named.items()},
                                          "follow-up (weeks)": table["weeks"].to_list()})
    ax.set_xlabel("follow-up (weeks)")
    ax.set_ylabel("design")
    ax.set_title("How long were patients followed?")
    sns.despine(ax=ax)
    return fig


def evidence_map_figure(clinical: pd.DataFrame) -> Figure:
    """Clinical evidence map: design × disease and design × cell type, bubbles sized by total patients.

    Each bubble is labelled "studies (patients)" beside it. The two maps are
    stacked, so each has the figure's full width for its labels.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table or a selection of it (columns
        ``study_id``, ``design``, ``disease``, ``cell_type``, ``n_total``).
        Meta-analyses are left out (they pool other studies); if none is left
        both maps say so.

    Returns
    -------
    matplotlib.figure.Figure
        Two axes, disease above and cells given below, under one title.
    """
    primary = clinical[evidence.primary(clinical)]
    fig = new_figure(9.0, width=WIDTH)
    axes = fig.subplots(2, 1)
    if primary.empty:
        note_empty_selection(axes[0])
        note_empty_selection(axes[1])
    else:
        designs = [d for d in evidence.design_order() if d in set(primary["design"])]
        tables = {}
        for ax, column, label in ((axes[0], "disease", "disease"), (axes[1], "cell_type", "cells given")):
            tables[label] = _bubbles(ax, primary, column, designs).rename(columns={column: label})
            ax.set_xlabel(label)
            ax.set_ylabel("design")
    fig.suptitle("Evidence map: studies (patients) by design, disease and cells given")
    if not primary.empty:
        fig.mscteach_data = tables  # type: ignore[attr-defined]
    return fig


def _bubbles(ax, primary: pd.DataFrame, column: str, designs: list[str]) -> pd.DataFrame:
    """One map of :func:`evidence_map_figure`: ``column`` across, ``designs`` down, a labelled bubble per pair.

    Returns the bubbles as a table (``design``, ``column``, ``studies``, ``patients``), row by row from the top.
    """
    grouped = primary.groupby([column, "design"]).agg(studies=("study_id", "size"),
                                                      patients=("n_total", "sum")).reset_index()
    columns = evidence.in_schema_order(grouped[column].unique(), "clinical_studies", column)
    x = grouped[column].map({c: i for i, c in enumerate(columns)})
    y = grouped["design"].map({d: i for i, d in enumerate(designs)})
    ax.scatter(x, y, s=30 + grouped["patients"].astype(float) * 0.8, color=PALETTE[0], alpha=0.55)
    for xi, yi, n, p in zip(x, y, grouped["studies"], grouped["patients"]):
        ax.annotate(f"{n} ({p})", (xi, yi), xytext=(9, 7), textcoords="offset points", ha="left", va="bottom",
                    fontsize=9)
    ax.set_xticks(range(len(columns)), [textwrap.fill(c, 14) for c in columns], fontsize=9)
    ax.set_yticks(range(len(designs)), designs, fontsize=9)
    ax.set_xlim(-0.5, len(columns) - 0.2)
    ax.set_ylim(len(designs) - 0.4, -0.8)
    ax.grid(alpha=0.25)
    order = grouped.assign(row=y, column=x).sort_values(["row", "column"], kind="stable")
    return order[["design", column, "studies", "patients"]].reset_index(drop=True)


def challenges_figure(challenges: pd.DataFrame) -> Figure:
    """Open challenges per category, split by whether the review cites evidence for them.

    Parameters
    ----------
    challenges : DataFrame
        The ``challenges`` table as :func:`mscteach.load` reads it (columns
        ``category`` and ``ref_ids``, a list per row; an empty list is the
        review's own statement).

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars, one per category (most challenges at
        the top), stacked "cited" then "review's own statement".
    """
    frame = challenges.assign(support=np.where(challenges["ref_ids"].map(len) > 0, "cited", "review's own statement"))
    fig = new_figure(3.6)
    ax = fig.subplots()
    counts = pd.crosstab(frame["category"], frame["support"]).reindex(columns=["cited", "review's own statement"], fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    stacked_barh(ax, counts, {"cited": PALETTE[0], "review's own statement": PALETTE[7]}, legend=None)
    fig.mscteach_data = counts.iloc[::-1].rename_axis(columns=None).reset_index()  # type: ignore[attr-defined]
    ax.set_xlabel("challenges named")
    ax.set_ylabel("category")
    ax.set_title("Open challenges, and whether the review cites evidence for them")
    sns.despine(ax=ax)
    return fig
