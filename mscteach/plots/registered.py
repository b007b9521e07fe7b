"""Registered trials: what the registers hold, and whether ongoing trials are large enough."""
from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .. import evidence
from .common import PALETTE, new_figure, note_empty_selection

__all__ = ["registered_target_figure", "registered_trials_figure"]


def registered_trials_figure(trials: pd.DataFrame) -> Figure:
    """Registered trials counted by phase, by status and by start year, in three panels.

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`, all of it or a
        selection; each panel is :func:`mscteach.evidence.registered_counts`
        by one of :data:`mscteach.evidence.REGISTERED_BY`. With no rows each
        panel says so.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes (phase, status, start year) under a title giving the
        number of trials.
    """
    fig = new_figure(3.4)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.2]})
    tables = {}
    for ax, by, colour in zip(axes, evidence.REGISTERED_BY, (PALETTE[0], PALETTE[2], PALETTE[4])):
        counts = evidence.registered_counts(trials, by)
        # each panel's bars in reading order: the first from the top, or (start years) from the left
        tables[f"by {by}"] = counts[["label", "trials"]].rename(columns={"label": by}).reset_index(drop=True)
        if counts.empty:
            note_empty_selection(ax, "No registered trials")
        elif by == "start year":
            ax.bar(counts["label"], counts["trials"], color=colour)
            ax.tick_params(axis="x", labelrotation=90, labelsize=9)
            ax.set_ylabel("trials")
            ax.yaxis.get_major_locator().set_params(integer=True)
        else:
            y = np.arange(len(counts))[::-1]
            ax.barh(y, counts["trials"], color=colour)
            ax.set_yticks(y, counts["label"], fontsize=9)
            ax.set_xlabel("trials")
            ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(f"by {by}", fontsize=10)
        sns.despine(ax=ax)
    fig.suptitle(f"Registered trials of cell therapies in liver disease ({len(trials)})")
    fig.mscteach_data = tables  # type: ignore[attr-defined]
    return fig


def registered_target_figure(comparison: pd.DataFrame, per_arm: int) -> Figure:
    """Ongoing phase 2 and 3 trials' enrolment against a powered two-arm trial (``2 × per_arm`` patients).

    Parameters
    ----------
    comparison : DataFrame
        :func:`mscteach.evidence.ongoing_against_target` (columns ``trial``,
        ``phase``, ``enrolment``, ``enrolment_type``, ``share_of_target``).
        With no rows the figure says so.
    per_arm : int
        Patients per arm the powered trial needs (e.g.
        :func:`mscteach.stats.trial_size`); the line is drawn at twice it.

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars labelled "trial (phase, enrolment type)",
        green for a trial at least as large as the powered one, red for a
        smaller one.
    """
    fig = new_figure(0.33 * max(len(comparison), 4) + 1.6)
    ax = fig.subplots()
    target = 2 * per_arm
    if comparison.empty:
        note_empty_selection(ax, "No ongoing phase 2 or 3 trial gives its enrolment")
    else:
        y = np.arange(len(comparison))
        colours = [PALETTE[2] if s >= 1 else PALETTE[3] for s in comparison["share_of_target"]]
        ax.barh(y, comparison["enrolment"].astype(float), color=colours)
        ax.axvline(target, color="0.2", ls="--", lw=1.2)
        ax.set_xlim(0, 1.45 * max(target, float(comparison["enrolment"].max())))  # room for the line's label
        ax.annotate(f"powered trial:\n{target} patients", (target, len(comparison) - 0.6), xytext=(4, 0),
                    textcoords="offset points", fontsize=9, va="top")
        kinds = comparison["enrolment_type"].astype(object).where(comparison["enrolment_type"].notna(), None)
        labels = [f"{t} ({p}{', ' + k if k else ''})"
                  for t, p, k in zip(comparison["trial"], comparison["phase"], kinds)]
        ax.set_yticks(y, labels, fontsize=9)
        table = pd.DataFrame({"trial": labels, "patients enrolled or planned": comparison["enrolment"].to_list(),
                              "share of target": comparison["share_of_target"].astype(float).to_list()})
        fig.mscteach_data = table.iloc[::-1].reset_index(drop=True)  # type: ignore[attr-defined]
    ax.set_xlabel("patients enrolled or planned")
    ax.set_title("Ongoing phase 2 and 3 trials against a powered trial")
    sns.despine(ax=ax)
    return fig
