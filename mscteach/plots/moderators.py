"""Does the effect change with a study characteristic? The bubble plot of a meta-regression."""
from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ..errors import ParameterError, UnknownNameError
from ..i18n import say
from .common import PALETTE, new_figure

__all__ = ["bubble_plot"]

#: Grid points the regression line and its band are drawn through.
LINE_POINTS = 200


def bubble_plot(result, moderator: str, title: str | None = None) -> Figure:
    """A bubble plot: each study's ratio against a numeric moderator, with the meta-regression line and its CI.

    Each study is a circle whose area is proportional to its weight in the model (1/(v + τ²)); the
    line is the model's mean ratio along the moderator, with its confidence band (the result's
    level; z, or t with k - p df under HKSJ), on a log axis with the line of no effect at 1, as
    metafor's ``regplot()``. Other moderators are held at their mean (numeric) or reference level
    (categorical), as the axis label says.

    Parameters
    ----------
    result : MetaRegressionResult
        :func:`mscteach.stats.meta_regression`.
    moderator : str
        One of the result's numeric moderators.
    title : str, optional
        The figure's title; by default "Meta-regression: <measure> against <moderator>" with the number
        of studies and the τ² estimator.

    Returns
    -------
    matplotlib.figure.Figure
        One axis; its alt text (``fig.mscteach_alt``) states the slope as a ratio per unit.

    Raises
    ------
    UnknownNameError
        For a moderator that is not one of the result's (the message lists them).
    ParameterError
        For a categorical moderator (a bubble plot needs a numeric axis).

    Examples
    --------
    >>> from mscteach import stats
    >>> from mscteach.datasets import bcg
    >>> fig = bubble_plot(stats.meta_regression(bcg.load(), ["latitude"]), "latitude")
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel(), ax.get_yscale(), len(ax.collections[-1].get_offsets())  # the circles
    ('latitude', 'log', 13)
    """
    if moderator not in result.moderators:
        raise UnknownNameError("moderator of this meta-regression", moderator, list(result.moderators))
    if moderator in result.categories:
        numeric = [m for m in result.moderators if m not in result.categories]
        raise ParameterError(f"a bubble plot needs a numeric moderator; {moderator!r} is categorical "
                             f"(numeric moderators of this model: {', '.join(numeric) or 'none'})")
    studies = result.studies
    x = studies[moderator].to_numpy(float)
    grid = np.linspace(x.min(), x.max(), LINE_POINTS)
    held = {m: ([float(studies[m].mean())] if m not in result.categories else [result.categories[m][0]])
            for m in result.moderators if m != moderator}
    line = result.predict({moderator: grid, **{m: v * LINE_POINTS for m, v in held.items()}})
    fig = new_figure(5.0)
    ax = fig.subplots()
    weights = studies["weight"].to_numpy(float)
    level = f"{100 * (1 - result.alpha):g}%"
    ax.fill_between(grid, line["ci_low"], line["ci_high"], color=PALETTE[0], alpha=0.2, lw=0, label=f"{level} CI")
    ax.plot(grid, line["prediction"], color=PALETTE[0], lw=2, label="the model's mean")
    ax.scatter(x, np.exp(studies["log_effect"].to_numpy(float)), s=20 + 600 * weights / weights.max(),
               facecolor="none", edgecolor="0.25", lw=1, zorder=3, label="a study (area: its weight)")
    ax.axhline(1.0, color="0.3", lw=1, ls="--")
    ax.set_yscale("log")
    _plain_ratio_ticks(ax)
    ax.legend(frameon=False, fontsize=9)
    xlabel = moderator
    if held:
        xlabel += "\n(other moderators held at " + ", ".join(
            f"{m} = {v[0]:.3g}" if isinstance(v[0], float) else f"{m} = {v[0]}" for m, v in held.items()) + ")"
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"{result.measure} (log scale)")
    ax.set_title(title or f"Meta-regression: {result.measure} against {moderator} ({result.k} studies, "
                          f"{result.method})", fontsize=10)
    sns.despine(ax=ax)
    # each circle: the study, where it stands, and its share of the model's weight (its area)
    table = pd.DataFrame({"study": studies["study"].astype(str).to_list(), moderator: x,
                          result.measure: np.exp(studies["log_effect"].to_numpy(float)),
                          "weight (%)": 100 * weights / weights.sum()})
    fig.mscteach_data = table  # type: ignore[attr-defined]
    row = result.coefficients.set_index("term").loc[moderator]
    # display.figure_alt reads this: a sentence about the slope says more than one made from the axes
    setattr(fig, "mscteach_alt", say("A bubble plot of each study's {measure} against {moderator}, circles sized by "
                                     "weight, with the meta-regression line and its {level:g}% confidence band: the "
                                     "{measure} is multiplied by {factor:.3f} per unit of {moderator} (p = {p:.3g}).",
                                     None, measure=result.measure, moderator=moderator,
                                     level=100 * (1 - result.alpha), factor=float(np.exp(row["estimate"])),
                                     p=float(row["p"])))
    return fig


def _plain_ratio_ticks(ax) -> None:
    """Ratios on a log axis labelled with plain numbers (0.2, 0.5, 1, 2), not powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    low, high = ax.get_ylim()
    nice = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    ax.yaxis.set_major_locator(FixedLocator([t for t in nice if low <= t <= high] or [1]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
