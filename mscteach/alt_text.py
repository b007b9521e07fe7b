"""A figure in words (its alt text and the site's "figure in words"), read from the figure's own title, axes and marks.

:func:`mscteach.display.figure_alt` uses it for a figure whose plotting function
did not say more itself (``fig.mscteach_alt``).
"""
from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

__all__ = ["ALT_EXTREMES", "ALT_LISTED", "describe"]

#: Up to this many categories an alt text names them all; beyond, it names the extremes.
ALT_LISTED = 12
#: How many of the largest and of the smallest categories an alt text names when it cannot name them all.
ALT_EXTREMES = 3


def describe(fig: Figure, lang: str) -> str:
    """A figure in words, made from the figure itself: its title, then each axis's marks, colours and panel.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A finished figure (localised to ``lang`` if not English).
    lang : str
        The language of the sentences.

    Returns
    -------
    str
        The sentences, joined by spaces.
    """
    from .i18n import say

    comma = say(", ", lang)
    title = fig.get_suptitle() or next((ax.get_title() for ax in fig.axes if ax.get_title()),
                                       say("A figure", lang))
    parts = [title if title.endswith(("?", "!", "؟")) else f"{title.rstrip('.')}."]  # "studied?." read badly
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>" or not (ax.get_xlabel() or ax.get_ylabel()):
            continue
        kind = _axes_alt(ax, lang)
        legend = ax.get_legend()
        if legend is not None and legend.get_texts():
            kind += " " + say("Colours: {colours}.", lang, colours=comma.join(t.get_text() for t in legend.get_texts()))
        panel = ax.get_title()
        if panel and panel != title:  # one panel of several: which one is described
            kind = say("{panel}: {description}", lang, panel=panel, description=kind)
        parts.append(kind)
    return " ".join(parts)


def _axes_alt(ax: Any, lang: str) -> str:
    """One axis's marks in a sentence."""
    from matplotlib.patches import Rectangle

    from .i18n import say

    meshes = [c for c in ax.collections if c.__class__.__name__ == "QuadMesh"]
    if meshes:
        rows = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        columns = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        return say("A grid of counts: {rows_label} in rows ({rows}) by {columns_label} in columns ({columns}).",
                   lang, rows_label=ax.get_ylabel(), rows=_listing(rows, lang), columns_label=ax.get_xlabel(),
                   columns=_listing(columns, lang))
    categories = _bar_categories(ax)
    if categories:
        horizontal, totals = categories
        values = (ax.get_xlabel() if horizontal else ax.get_ylabel()) or say("values", lang)
        category = (ax.get_ylabel() if horizontal else ax.get_xlabel()) or say("category", lang)
        return _bars_alt(totals, values, category, lang)
    x_label, y_label = ax.get_xlabel() or say("values", lang), ax.get_ylabel() or say("values", lang)
    if any(type(p) is Rectangle and p.get_width() and p.get_height() for p in ax.patches):
        sideways = any(getattr(c, "orientation", None) == "horizontal" for c in ax.containers)
        return say("A bar chart of {values} for each {category}.", lang, values=x_label if sideways else y_label,
                   category=(ax.get_ylabel() if sideways else ax.get_xlabel()) or say("category", lang))
    return say("A chart of {y} against {x}.", lang, y=y_label, x=x_label)


def _bar_categories(ax: Any) -> tuple[bool, list[tuple[str, float]]] | None:
    """(horizontal?, [(category, total), ...] in reading order) for bars that stand on labelled ticks.

    Stacked segments add up to their bar's total. None where a bar stands on no
    labelled tick (a histogram's bins): its categories are not names to read.
    """
    from matplotlib.category import StrCategoryLocator
    from matplotlib.container import BarContainer
    from matplotlib.ticker import FixedLocator

    containers = [c for c in ax.containers if isinstance(c, BarContainer)]
    if not containers:
        return None
    horizontal = containers[0].orientation == "horizontal"
    axis = ax.yaxis if horizontal else ax.xaxis
    # ticks placed one per category, not a scale's numbers (a histogram's bins may be centred on those too)
    if not isinstance(axis.get_major_locator(), (FixedLocator, StrCategoryLocator)):
        return None
    formatter = axis.get_major_formatter()
    locations = list(axis.get_majorticklocs())
    # the formatter, not the Text objects: those hold the labels only once the figure has been drawn
    names = formatter.format_ticks(locations)
    totals: dict[float, float] = {}
    ordered = sorted(locations)
    # a bar belongs to the tick it stands on, or (bars side by side, one per colour) the nearest within half a step
    half_step = min((b - a for a, b in zip(ordered, ordered[1:])), default=1.0) / 2
    for container in containers:
        for patch in container.patches:
            size = patch.get_height() if horizontal else patch.get_width()
            centre = (patch.get_y() if horizontal else patch.get_x()) + size / 2
            tick = min(locations, key=lambda loc: abs(loc - centre)) if locations else None
            if tick is None or abs(tick - centre) > half_step:
                return None
            totals[tick] = totals.get(tick, 0.0) + float(patch.get_width() if horizontal else patch.get_height())
    labelled = {loc: name for loc, name in zip(locations, names) if loc in totals}
    if not all(labelled.get(loc) for loc in totals):
        return None
    # as a sighted reader meets them: horizontal bars from the top down, vertical ones from the left
    backwards = (not ax.yaxis_inverted()) if horizontal else bool(ax.xaxis_inverted())
    order = sorted(totals, reverse=backwards)
    return horizontal, [(labelled[loc], totals[loc]) for loc in order]


def _bars_alt(totals: list[tuple[str, float]], values: str, category: str, lang: str) -> str:
    from .i18n import say

    comma = say(", ", lang)

    def named(pairs: list[tuple[str, float]]) -> str:
        return comma.join(f"{name} ({_number(total, lang)})" for name, total in pairs)

    if len(totals) <= ALT_LISTED:
        return say("A bar chart of {values} for each {category}: {items}.", lang, values=values, category=category,
                   items=named(totals))
    by_size = sorted(totals, key=lambda pair: pair[1], reverse=True)  # stable: ties in reading order
    smallest = sorted(totals, key=lambda pair: pair[1])[:ALT_EXTREMES]
    return say("A bar chart of {values} for each {category}, {n} in all; the largest: {largest}; the smallest: "
               "{smallest}.", lang, values=values, category=category, n=len(totals),
               largest=named(by_size[:ALT_EXTREMES]), smallest=named(smallest))


def _number(value: float, lang: str) -> str:
    from .i18n import digits

    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return digits(text, lang)


def _listing(names: list[str], lang: str) -> str:
    """All the names, or the first :data:`ALT_LISTED` and how many more."""
    from .i18n import say

    comma = say(", ", lang)
    if len(names) <= ALT_LISTED:
        return comma.join(names)
    return say("{listed} and {n} more", lang, listed=comma.join(names[:ALT_LISTED]), n=len(names) - ALT_LISTED)
