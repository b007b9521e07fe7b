"""Evidence synthesis: forest plots, cumulative meta-analysis, and studies' size against a powered trial."""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ..i18n import say
from .common import PALETTE, new_figure, note_empty_selection

__all__ = ["cumulative_figure", "forest_plot", "trial_size_figure", "trial_size_table"]


def forest_plot(result, title: str | None = None) -> Figure:
    """Forest plot of a meta-analysis.

    One row per pooled study: a square sized by its random-effects weight and
    its confidence interval; the pooled random-effects (and fixed-effect)
    diamonds at the bottom, with the prediction interval (three or more
    studies) as a bar on its own row; a line of no effect at 1; a log axis; and the numbers at
    the right. The intervals' level is the result's (95% for ``alpha`` 0.05).
    Studies left out of the pooling are named under the axis with the reason;
    a result with no pooled estimate draws no diamond and says why.

    Parameters
    ----------
    result : MetaAnalysisResult
        :func:`mscteach.stats.meta_analysis` of one outcome, or one of the
        results of :func:`mscteach.evidence.pool_outcomes`.
    title : str, optional
        The figure's title; by default "Forest plot: " and the result's
        :meth:`~mscteach.stats.MetaAnalysisResult.summary`.

    Returns
    -------
    matplotlib.figure.Figure
        One axis, study rows above the pooled rows.

    Examples
    --------
    >>> import pandas as pd
    >>> from mscteach import stats
    >>> table = pd.DataFrame({"study": ["A", "B", "C"], "events_treated": [3, 5, 2], "n_treated": [20, 30, 15],
    ...                       "events_control": [6, 9, 3], "n_control": [20, 30, 15]})
    >>> ax = forest_plot(stats.meta_analysis(table), title="Mortality").axes[0]
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['A', 'B', 'C', 'Random effects', 'Fixed effect', '95% prediction interval']
    """
    studies = result.studies[result.studies["included"]].reset_index(drop=True)
    k = len(studies)
    level = f"{100 * (1 - result.alpha):g}%"
    fig = new_figure(0.42 * (k + 3) + 1.3 + 0.25 * len(result.excluded))
    ax = fig.subplots()
    y = np.arange(k)[::-1] + 2.5
    weights = studies["weight_random"].fillna(0).to_numpy(float) if "weight_random" in studies else np.zeros(k)
    sizes = 30 + 370 * weights / max(weights.max() if k else 0, 1e-9)
    # the numbers' column: x in axes fraction, y in data (plain texts draw faster than annotations)
    beside = ax.get_yaxis_transform()
    ax.hlines(y, studies["ci_low"], studies["ci_high"], color="0.25", lw=1.2)
    ax.scatter(studies["effect"], y, s=sizes, marker="s", color=PALETTE[0], zorder=3)
    for yy, est, lo, hi, w in zip(y, studies["effect"], studies["ci_low"], studies["ci_high"], weights):
        shown_weight = f"  {w:4.1f}%" if result.pooled else ""
        ax.text(1.02, yy, f"{est:.2f} [{lo:.2f}, {hi:.2f}]{shown_weight}", transform=beside, va="center", fontsize=9,
                family="monospace")
    labels, ticks = list(studies["study"].astype(str)), list(y)
    if result.pooled:
        diamonds = [(1.6, result.estimate, result.ci_low, result.ci_high, PALETTE[3]),
                    (0.3, result.fixed_estimate, result.fixed_ci_low, result.fixed_ci_high, PALETTE[7])]
        for yy, est, lo, hi, colour in diamonds:
            ax.fill([lo, est, hi, est], [yy, yy + 0.3, yy, yy - 0.3], color=colour, zorder=3)
            ax.text(1.02, yy, f"{est:.2f} [{lo:.2f}, {hi:.2f}]", transform=beside, va="center", fontsize=9,
                    family="monospace", weight="bold")
        labels += ["Random effects" + (" (HKSJ CI)" if result.ci_method == "hksj" else ""), "Fixed effect"]
        ticks += [1.6, 0.3]
        if result.pi_low == result.pi_low:  # a prediction interval (k >= 3)
            ax.hlines(0.95, result.pi_low, result.pi_high, color=PALETTE[3], lw=3, zorder=3)
            ax.vlines([result.pi_low, result.pi_high], 0.8, 1.1, color=PALETTE[3], lw=1.5, zorder=3)
            ax.text(1.02, 0.95, f"[{result.pi_low:.2f}, {result.pi_high:.2f}]", transform=beside, va="center",
                    fontsize=9, family="monospace")
            labels.append(f"{level} prediction interval")
            ticks.append(0.95)
    else:
        ax.text(0.5, 0.6, textwrap.fill(f"No pooled estimate: {result.reason}", 90), transform=beside, ha="center",
                va="center", fontsize=9, color="0.3")
    ax.axvline(1.0, color="0.3", lw=1, ls="--")
    ax.set_xscale("log")
    _ratio_axis(ax)
    ax.set_yticks(ticks, labels, fontsize=9)
    ax.set_ylim(-0.5, k + 3)
    xlabel = f"{result.measure} (log scale); < 1 favours treatment when the outcome is harmful"
    if result.excluded:
        xlabel += "\n" + "\n".join(f"Left out: {s} ({why})" for s, why in result.excluded)
    ax.set_xlabel(xlabel)
    # the summary is already in the reader's language: the title's own words are translated with it, as one sentence
    ax.set_title(title or textwrap.fill(say("Forest plot: {summary}", summary=result.summary()), 100), fontsize=10)
    ax.text(1.02, k + 2.6, f"{result.measure} [{level} CI]" + ("  weight" if result.pooled else ""), transform=beside,
            fontsize=9, weight="bold")
    sns.despine(ax=ax, left=True)
    fig.mscteach_data = _forest_table(result, studies, weights, labels, level)  # type: ignore[attr-defined]
    return fig


def _forest_table(result, studies: pd.DataFrame, weights: np.ndarray, labels: list[str],
                  level: str) -> pd.DataFrame:
    """The forest plot's rows from the top: each study, the pooled estimates, the prediction interval, those left out."""
    low, high = f"{level} CI, low", f"{level} CI, high"
    rows = [{"study": label, result.measure: est, low: lo, high: hi, **({"weight (%)": w} if result.pooled else {})}
            for label, est, lo, hi, w in zip(labels, studies["effect"], studies["ci_low"], studies["ci_high"], weights)]
    if result.pooled:
        rows.append({"study": labels[len(studies)], result.measure: result.estimate, low: result.ci_low,
                     high: result.ci_high})
        rows.append({"study": labels[len(studies) + 1], result.measure: result.fixed_estimate,
                     low: result.fixed_ci_low, high: result.fixed_ci_high})
        if len(labels) > len(studies) + 2:
            rows.append({"study": labels[-1], low: result.pi_low, high: result.pi_high})
    rows += [{"study": study, "left out because": why} for study, why in result.excluded]
    columns = ["study", result.measure, low, high] + (["weight (%)"] if result.pooled else []) \
        + (["left out because"] if result.excluded else [])
    return pd.DataFrame(rows, columns=columns)


def _ratio_axis(ax) -> None:
    """A log axis for ratios labelled with plain numbers (0.2, 0.5, 1, 2), not powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    low, high = ax.get_xlim()
    nice = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    ticks = [t for t in nice if low <= t <= high] or [1]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    # unlabelled minor ticks between 0.1 and 10 add a score of tick marks (each a Tick of texts to lay out) for
    # no number a reader can read off
    ax.xaxis.set_minor_locator(NullLocator())


def trial_size_table(comparison: pd.DataFrame) -> pd.DataFrame:
    """The table :func:`trial_size_figure` draws (its ``mscteach_data``): a row per bar, from the top down.

    Parameters
    ----------
    comparison : DataFrame
        :func:`mscteach.evidence.trials_against_target` (columns ``study``,
        ``design``, ``smaller_arm``, ``share_of_target``).

    Returns
    -------
    DataFrame
        ``study`` (labelled "study (design)", as the bars are), ``patients in
        the smaller arm`` and ``share of target``: the largest first, as a
        reader meets the bars (the first row of ``comparison`` is drawn at the
        bottom).
    """
    labels = [f"{s} ({d})" for s, d in zip(comparison["study"], comparison["design"])]
    table = pd.DataFrame({"study": labels, "patients in the smaller arm": comparison["smaller_arm"].to_list(),
                          "share of target": comparison["share_of_target"].astype(float).to_list()})
    return table.iloc[::-1].reset_index(drop=True)


def cumulative_figure(cumulative: pd.DataFrame, measure: str = "RR", title: str | None = None) -> Figure:
    """A cumulative meta-analysis: the pooled estimate and its CI each time a study joins.

    The first row is the first study alone; the rows are on a log axis with
    the line of no effect, so a reader sees when the evidence settled, or did
    not.

    Parameters
    ----------
    cumulative : DataFrame
        :func:`mscteach.stats.cumulative_meta_analysis` (columns ``step``,
        ``study``, ``k``, ``estimate``, ``ci_low``, ``ci_high``, ...; its
        first other column, the order the studies were added in, is named in
        the axis label).
    measure : str, default "RR"
        The ratio pooled ("RR" or "OR"), for the axis label.
    title : str, optional
        The figure's title; by default "Cumulative meta-analysis: the pooled
        estimate as studies accrue".

    Returns
    -------
    matplotlib.figure.Figure
        One axis, a row per step labelled "+ study".
    """
    rows = cumulative.reset_index(drop=True)
    k = len(rows)
    fig = new_figure(0.38 * k + 1.6)
    ax = fig.subplots()
    y = np.arange(k)[::-1]
    ax.hlines(y, rows["ci_low"].astype(float), rows["ci_high"].astype(float), color="0.25", lw=1.2)
    ax.plot(rows["estimate"].astype(float), y, "o", color=PALETTE[3], zorder=3)
    ax.axvline(1.0, color="0.3", lw=1, ls="--")
    ax.set_xscale("log")
    _ratio_axis(ax)
    order = [c for c in rows.columns if c not in ("step", "study", "k", "estimate", "ci_low", "ci_high",
                                                  "pi_low", "pi_high", "tau2", "i2")]
    ax.set_yticks(y, [f"+ {s}" for s in rows["study"].astype(str)], fontsize=9)
    # the CI's level is not in the table it was given: the columns do not state one
    table = pd.DataFrame({"study": [f"+ {s}" for s in rows["study"].astype(str)],
                          measure: rows["estimate"].astype(float).to_list(),
                          "CI, low": rows["ci_low"].astype(float).to_list(),
                          "CI, high": rows["ci_high"].astype(float).to_list()})
    fig.mscteach_data = table  # type: ignore[attr-defined]
    for yy, est, lo, hi in zip(y, rows["estimate"], rows["ci_low"], rows["ci_high"]):
        if est == est:
            ax.annotate(f"{est:.2f} [{lo:.2f}, {hi:.2f}]", (1.02, yy), xycoords=("axes fraction", "data"),
                        va="center", fontsize=9, family="monospace")
    ax.set_xlabel(f"pooled {measure} (log scale) after each study is added"
                  + (f", in order of {order[0]}" if order else ""))
    ax.set_title(title or "Cumulative meta-analysis: the pooled estimate as studies accrue", fontsize=10)
    sns.despine(ax=ax, left=True)
    return fig


def trial_size_figure(comparison: pd.DataFrame, per_arm: int, p_control: float, p_treatment: float,
                      power: float = 0.8, alpha: float = 0.05) -> Figure:
    """Each controlled study's smaller arm against the patients per arm a powered trial needs.

    Parameters
    ----------
    comparison : DataFrame
        :func:`mscteach.evidence.trials_against_target` (columns ``study``,
        ``design``, ``smaller_arm``, ``share_of_target``). With no rows the
        figure says so.
    per_arm : int
        Patients per arm the powered trial needs (e.g.
        :func:`mscteach.stats.trial_size`), drawn as a dashed line.
    p_control, p_treatment : float
        The event proportions (0-1) ``per_arm`` was computed for, stated in
        the title.
    power : float, default 0.8
        The power ``per_arm`` was computed with, stated in the title.
    alpha : float, default 0.05
        The two-sided significance level ``per_arm`` was computed with,
        stated in the title.

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars, green for a study at least as large as
        the powered trial, red for a smaller one.
    """
    fig = new_figure(0.33 * max(len(comparison), 4) + 1.6)
    ax = fig.subplots()
    if comparison.empty:
        note_empty_selection(ax)
    else:
        y = np.arange(len(comparison))
        colours = [PALETTE[2] if s >= 1 else PALETTE[3] for s in comparison["share_of_target"]]
        ax.barh(y, comparison["smaller_arm"].astype(float), color=colours)
        ax.axvline(per_arm, color="0.2", ls="--", lw=1.2)
        ax.annotate(f"powered trial: {per_arm} per arm", (per_arm, len(comparison) - 0.4), xytext=(4, 0),
                    textcoords="offset points", fontsize=9)
        table = trial_size_table(comparison)
        ax.set_yticks(y, table["study"].iloc[::-1].tolist(), fontsize=9)
        fig.mscteach_data = table  # type: ignore[attr-defined]
    ax.set_xlabel("patients in the smaller arm")
    ax.set_title(f"How far below a powered trial? ({p_control:.1%} vs {p_treatment:.1%}, "
                 f"{power:.0%} power, two-sided α = {alpha:g})")
    sns.despine(ax=ax)
    return fig
