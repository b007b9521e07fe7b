"""The contour-enhanced funnel plot: each study's ratio against its standard error, in bands of significance."""
from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ..errors import ParameterError
from ..i18n import digits, say, say_n
from ..stats.meta_analysis import MetaAnalysisResult, meta_analysis
from ..stats.small_studies import TrimAndFill
from .common import PALETTE, new_figure, note_empty_selection

__all__ = ["CONTOUR_SHADES", "funnel_figure"]

#: The shades of the significance bands, from the innermost (p above the largest level) outwards; the area
#: beyond the last contour (p at most the smallest level) is the axes' own colour.
CONTOUR_SHADES = ("white", "0.55", "0.75", "0.9")


def funnel_figure(table_or_result: pd.DataFrame | MetaAnalysisResult, contours=(0.10, 0.05, 0.01),
                  filled: TrimAndFill | None = None, measure: str = "RR") -> Figure:
    """A contour-enhanced funnel plot (Peters et al. 2008), as metafor's ``funnel(fit, level=c(90, 95, 99),
    shade=..., refline=0)``.

    Each study's ratio (log axis, across) against its standard error (down,
    reversed: the most precise studies at the top). Bands around no effect
    (ratio 1) show where a study's own two-sided p-value falls: inside the
    innermost triangle p > 0.10, then 0.05 < p ≤ 0.10, 0.01 < p ≤ 0.05, and
    beyond p ≤ 0.01. Asymmetry inside the white band (small non-significant
    studies missing) suggests publication bias; asymmetry in the significant
    bands suggests other small-study effects. The pooled ratio of the studies is
    a dashed line (random effects; with ``filled``, trim and fill's own fit, so that
    both lines come from one model); studies filled in by trim and fill are open
    circles, with the adjusted ratio dotted. The figure's alt text
    (``fig.mscteach_alt``) counts the studies in each band.

    Parameters
    ----------
    table_or_result : DataFrame or MetaAnalysisResult
        A table of two-arm binary outcomes (as :func:`mscteach.stats.meta_analysis` takes), or its result.
    contours : sequence of float, default (0.10, 0.05, 0.01)
        The significance levels whose contours are drawn: one to three, each between 0 and 1, all different.
    filled : TrimAndFill, optional
        :func:`mscteach.stats.small_studies.trim_and_fill` of the same studies, to draw its filled studies.
    measure : {"RR", "OR"}, default "RR"
        The ratio, when a table is given (a result carries its own).

    Returns
    -------
    matplotlib.figure.Figure
        One axis; the legend names the bands.

    Raises
    ------
    ParameterError
        For ``contours`` that are not one to three different levels in (0, 1), a ``table_or_result`` that is
        neither a table nor a meta-analysis result, or a ``filled`` of another measure.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"study": ["A", "B", "C"], "events_treated": [3, 5, 2], "n_treated": [20, 30, 15],
    ...                       "events_control": [6, 9, 3], "n_control": [20, 30, 15]})
    >>> ax = funnel_figure(table).axes[0]
    >>> ax.get_xscale(), bool(ax.yaxis_inverted()), [t.get_text() for t in ax.get_legend().get_texts()][:2]
    ('log', True, ['p > 0.1', '0.05 < p ≤ 0.1'])
    """
    levels = _levels(contours)
    if isinstance(table_or_result, pd.DataFrame):
        result = meta_analysis(table_or_result, measure)
    elif isinstance(table_or_result, MetaAnalysisResult):
        result = table_or_result
    else:
        raise ParameterError(f"table_or_result must be a table of binary outcomes or a MetaAnalysisResult; got "
                             f"{type(table_or_result).__name__}")
    measure = result.measure
    if filled is not None and filled.measure != measure:
        raise ParameterError(f"filled is a trim and fill of the {filled.measure}, the studies' ratio is the {measure}")
    studies = result.studies[result.studies["included"]]
    y, se = studies["log_effect"].to_numpy(float), studies["se"].to_numpy(float)
    fig = new_figure(5.2)
    ax = fig.subplots()
    ax.set_xlabel(f"{measure} (log scale); 1 = no effect")
    ax.set_ylabel("standard error of the log " + measure)
    if not len(studies):
        note_empty_selection(ax, f"No studies with information on the {measure}")
        ax.set_title("Contour-enhanced funnel plot")
        return fig
    extra_se = filled.filled["se"].to_numpy(float) if filled is not None and filled.k0 else np.array([])
    extra_y = filled.filled["log_effect"].to_numpy(float) if filled is not None and filled.k0 else np.array([])
    top = 1.08 * max(se.max(), extra_se.max() if len(extra_se) else 0.0)
    _bands(ax, levels, top)
    ax.scatter(np.exp(y), se, s=36, color=PALETTE[0], edgecolor="0.15", zorder=4, label="studies")
    if len(extra_y):
        ax.scatter(np.exp(extra_y), extra_se, s=36, facecolor="white", edgecolor=PALETTE[3], linewidth=1.4,
                   zorder=4, label="filled in by trim and fill")
    ax.axvline(1.0, color="0.2", lw=1)
    pooled = _pooled(result, filled)
    if pooled == pooled:  # not NaN
        ax.axvline(pooled, color=PALETTE[0], lw=1.2, ls="--", label=f"pooled {measure} of the studies")
    if filled is not None and filled.k0:
        ax.axvline(filled.estimate, color=PALETTE[3], lw=1.2, ls=":", label=f"pooled {measure} with the filled studies")
    reach = float(np.abs(np.concatenate([y, extra_y])).max()) if len(y) else 0.0
    # every study, and the outer contour to half the largest SE: the funnel's shape without a mostly empty page
    half_width = 1.15 * max(reach, _z(min(levels)) * top / 2)
    ax.set_xscale("log")
    ax.set_xlim(np.exp(-half_width), np.exp(half_width))
    ax.set_ylim(top, 0)
    _ratio_ticks(ax)
    handles, names = ax.get_legend_handles_labels()
    bands = _band_labels(levels)  # first, from the innermost out; then the marks and lines in the order drawn
    order = sorted(range(len(names)), key=lambda i: bands.index(names[i]) if names[i] in bands else len(bands) + i)
    ax.legend([handles[i] for i in order], [names[i] for i in order], fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1.0), frameon=False)
    title = f"Contour-enhanced funnel plot: {len(studies)} studies"
    if filled is not None:
        # L₀/R₀ as Duval & Tweedie write them: a subscript is no number for the Persian edition to turn into ۰
        estimator = {"L0": "L₀", "R0": "R₀"}.get(filled.estimator, filled.estimator)
        title += f"; trim and fill ({estimator}) filled {filled.k0} on the {filled.side}"
    ax.set_title(title, fontsize=10)
    sns.despine(ax=ax)
    fig.mscteach_alt = _alt(y, se, levels, result, filled)  # type: ignore[attr-defined]
    table = _table(studies["study"], y, se, extra_y, extra_se, levels, measure)
    fig.mscteach_data = table  # type: ignore[attr-defined]
    return fig


def _bands_of(y: np.ndarray, se: np.ndarray, levels: list[float]) -> list[str]:
    """Each study's band of significance, named as the legend names it."""
    band = np.searchsorted([_z(a) for a in levels], np.abs(y) / se, side="left")
    labels = _band_labels(levels)
    return [labels[int(b)] for b in band]


def _table(names: pd.Series, y: np.ndarray, se: np.ndarray, extra_y: np.ndarray, extra_se: np.ndarray,
           levels: list[float], measure: str) -> pd.DataFrame:
    """Each study's ratio, standard error and band of significance; studies filled in by trim and fill after them."""
    error = f"standard error of the log {measure}"
    table = pd.DataFrame({"study": names.astype(str).to_list(), measure: np.exp(y), error: se,
                          "p-value": _bands_of(y, se, levels)})
    if len(extra_y):
        filled = pd.DataFrame({"study": ["filled in by trim and fill"] * len(extra_y),
                               measure: np.exp(extra_y), error: extra_se,
                               "p-value": _bands_of(extra_y, extra_se, levels)})
        table = pd.concat([table, filled], ignore_index=True)
    return table


def _levels(contours) -> list[float]:
    try:
        levels = sorted({float(a) for a in contours}, reverse=True)
    except (TypeError, ValueError):
        levels = []
    if not 1 <= len(levels) <= 3 or len(levels) != len(list(contours)) or not all(0 < a < 1 for a in levels):
        raise ParameterError(f"contours must be one to three different significance levels between 0 and 1, "
                             f"e.g. (0.10, 0.05, 0.01); got {contours!r}")
    return levels


def _z(alpha: float) -> float:
    from scipy import stats

    return float(stats.norm.isf(alpha / 2))


def _band_labels(levels: list[float]) -> list[str]:
    """From the innermost band out: "p > 0.1", "0.05 < p ≤ 0.1", ..., "p ≤ 0.01"."""
    labels = [f"p > {levels[0]:g}"]
    labels += [f"{low:g} < p ≤ {high:g}" for high, low in zip(levels, levels[1:])]
    return labels + [f"p ≤ {levels[-1]:g}"]


def _bands(ax, levels: list[float], top: float) -> None:
    """Triangles about no effect, the widest first, so each narrower one covers the middle of the one before."""
    labels = _band_labels(levels)
    shades = CONTOUR_SHADES[:len(levels)][::-1]
    ax.set_facecolor(CONTOUR_SHADES[len(levels)])
    for alpha, shade, label in zip(levels[::-1], shades, labels[:-1][::-1]):
        edge = _z(alpha) * top
        ax.fill([np.exp(-edge), 1.0, np.exp(edge)], [top, 0.0, top], color=shade, zorder=1, label=label,
                edgecolor="0.5", linewidth=0.6)
    ax.fill([], [], color=CONTOUR_SHADES[len(levels)], label=labels[-1])  # the area beyond: its legend entry


def _ratio_ticks(ax) -> None:
    """A log axis labelled with plain ratios (0.2, 0.5, 1, 2), not powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    low, high = ax.get_xlim()
    nice = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    ax.xaxis.set_major_locator(FixedLocator([t for t in nice if low <= t <= high] or [1]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _pooled(result: MetaAnalysisResult, filled: TrimAndFill | None) -> float:
    """The dashed line: trim and fill's own estimate of the observed studies (its model), else the random-effects one."""
    return filled.observed_estimate if filled is not None else result.estimate


def _alt(y: np.ndarray, se: np.ndarray, levels: list[float], result: MetaAnalysisResult,
         filled: TrimAndFill | None) -> str:
    """What the figure shows, with the number of studies in each band of significance."""
    z = np.abs(y) / se
    bounds = [_z(a) for a in levels]  # increasing
    band = np.searchsorted(bounds, z, side="left")  # 0: inside the innermost contour (|z| < its bound)
    counts = ", ".join(digits(f"{label}: {int((band == i).sum())}") for i, label in enumerate(_band_labels(levels)))
    text = say("Contour-enhanced funnel plot of {k} studies: each study's {measure} (log scale, across) against its "
               "standard error (down, the most precise at the top), over bands of significance about no effect "
               "({measure} 1). Studies by their own two-sided p-value: {counts}.", None, k=len(y),
               measure=result.measure, counts=counts)
    if _pooled(result, filled) == _pooled(result, filled):  # not NaN
        text += " " + say("Dashed line: the pooled {measure}, {estimate:.2f}.", None, measure=result.measure,
                          estimate=_pooled(result, filled))
    if filled is not None and filled.k0 == 0:
        text += " " + say("Trim and fill ({estimator}) found no study missing.", None, estimator=filled.estimator)
    elif filled is not None:
        side = say("on the left", None) if filled.side == "left" else say("on the right", None)
        text += " " + say_n("Trim and fill ({estimator}) filled in {n} study {side}, drawn as an open circle; with it "
                            "the pooled {measure} is {estimate:.2f} (dotted line).",
                            "Trim and fill ({estimator}) filled in {n} studies {side}, drawn as open circles; with "
                            "them the pooled {measure} is {estimate:.2f} (dotted line).", filled.k0, None,
                            estimator=filled.estimator, side=side, measure=filled.measure, estimate=filled.estimate)
    return text
