"""Explorers of chapters 1-5: the history timeline, cell sources, mechanisms, the fibrosis (ECM) model, animal studies."""
from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import Markdown
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from .. import evidence, plots
from ..data import in_language, vocabulary
from ..i18n import language, say
from ..i18n import text as i18n_text

from .core import STYLE, WIDE, Explorer, dropdown, no_match, options_of, restart_layout

__all__ = [
    "animal_explorer", "cell_source_explorer", "ecm_explorer", "mechanism_explorer", "render_animals",
    "render_cell_source", "render_ecm", "render_mechanisms", "render_timeline", "timeline_explorer",
]

def render_timeline(timeline: pd.DataFrame, years: tuple[int, int], categories: Sequence[str]) -> list:
    """Events in the year range and categories: a table and the timeline figure.

    Parameters
    ----------
    timeline : DataFrame
        The ``timeline`` table.
    years : tuple of (int, int)
        The first and last year (events overlapping them count).
    categories : sequence of str
        The categories to keep; empty keeps every one.

    Returns
    -------
    list
        The events' table and :func:`mscteach.plots.timeline_figure`, or a
        Markdown note when no event matches.
    """
    events = evidence.timeline_between(timeline, years[0], years[1], list(categories) or None)
    if events.empty:
        return [no_match("events")]
    table = in_language(events, language())[["year_text", "headline", "people", "category", "ref_ids"]]
    return [table, plots.timeline_figure(events, title=f"Events {years[0]}-{years[1]}")]


def timeline_explorer(timeline: pd.DataFrame, start: int | None = None, end: int | None = None,
                      categories: Sequence[str] = ()) -> Explorer:
    """Timeline with a year-range slider (spanning the data's years) and a category filter.

    Parameters
    ----------
    timeline : DataFrame
        The ``timeline`` table.
    start, end : int, optional
        The years first chosen (default: the data's first and last), kept
        inside the data's span.
    categories : sequence of str, default ()
        The categories first chosen (none: all).

    Returns
    -------
    Explorer
        Its view is :func:`render_timeline`.
    """
    options = vocabulary("timeline", "category")
    first, last = evidence.year_span(timeline)
    start = first if start is None else max(first, min(start, last))
    end = last if end is None else max(start, min(end, last))
    controls = {
        "years": w.IntRangeSlider(description="years", min=first, max=last, value=(start, end), step=1,
                                  style=STYLE, layout=WIDE, continuous_update=False),
        "categories": w.SelectMultiple(description="categories (none = all)", options=options,
                                       value=tuple(categories), style=STYLE, rows=len(options)),
    }
    return Explorer("History", controls, lambda **v: render_timeline(timeline, **v),
                    "drag the years, pick categories (Ctrl/Cmd-click for several).",
                    static_help="choose a span of years.")


# --------------------------------------------------------------------------- 2 differentiation
def render_cell_source(cell_sources: pd.DataFrame, references: pd.DataFrame, source: str) -> list:
    """What the review says about one MSC source, with its references.

    Parameters
    ----------
    cell_sources : DataFrame
        The ``cell_sources`` table.
    references : DataFrame
        The ``references`` table.
    source : str
        A value of ``cell_sources["source"]``.

    Returns
    -------
    list
        Markdown (the properties and any curation note) and the source's
        references (:func:`mscteach.evidence.further_reading`), or a note
        when the source is not in the table.
    """
    row = evidence.choose(cell_sources, source=source)
    if row.empty:
        return [no_match("cell sources")]
    r = in_language(row, language()).iloc[0]  # the properties in the reader's language
    abbreviation = f" ({r['abbreviation']})" if pd.notna(r["abbreviation"]) else ""
    # the source's name in the reader's language too: a Persian paragraph that opened with English read left to right
    text = f"**{i18n_text(r['source'])}{abbreviation}**: {r['properties']}"
    if pd.notna(r["notes"]):
        text += "\n\n" + say("*Curation note:* {note}", note=r["notes"])
    return [Markdown(text), evidence.further_reading(references, r["ref_ids"])]


def cell_source_explorer(cell_sources: pd.DataFrame, references: pd.DataFrame, source: str = "Umbilical cord") -> Explorer:
    """Pick an MSC tissue source; read what the review says and which references support it.

    Parameters
    ----------
    cell_sources, references : DataFrame
        The ``cell_sources`` and ``references`` tables.
    source : str, default "Umbilical cord"
        The source first chosen.

    Returns
    -------
    Explorer
        Its view is :func:`render_cell_source`.
    """
    controls = {"source": dropdown("tissue source", cell_sources["source"].tolist(), source)}
    return Explorer("MSC sources", controls, lambda **v: render_cell_source(cell_sources, references, **v),
                    "choose a tissue to see what the review says about MSCs from it.")


# --------------------------------------------------------------------------- 3 immunomodulation (and 4)
def render_mechanisms(mechanisms: pd.DataFrame, category: str, target: str, mediator: str) -> list:
    """Mechanisms matching a category, target cell and mediator: a table and a heatmap.

    Parameters
    ----------
    mechanisms : DataFrame
        The ``mechanisms`` table, or a selection.
    category, target, mediator : str
        One value each, or ``"all"`` (:func:`mscteach.evidence.mechanisms_matching`).

    Returns
    -------
    list
        The mechanisms' table and the mediator × target heatmap, or a note
        when none matches.
    """
    chosen = evidence.mechanisms_matching(mechanisms, category=category, target=target, mediator=mediator)
    if chosen.empty:
        return [no_match("mechanisms")]
    matrix = evidence.mediator_target_matrix(chosen)
    return [in_language(chosen, language())[["mechanism_id", "category", "mediator", "target", "effect", "ref_ids"]],
            plots.mediator_target_heatmap(matrix)]


def mechanism_explorer(mechanisms: pd.DataFrame, categories: Sequence[str] | None = None,
                       category: str = evidence.ALL) -> Explorer:
    """Filter mechanisms by category, target cell and mediator.

    Parameters
    ----------
    mechanisms : DataFrame
        The ``mechanisms`` table.
    categories : sequence of str, optional
        Only these categories (default: all); the controls offer their values.
    category : str, default "all"
        The category first chosen.

    Returns
    -------
    Explorer
        Its view is :func:`render_mechanisms`.
    """
    subset = evidence.choose(mechanisms, category=list(categories) if categories else None)
    controls = {
        "category": dropdown("category", [evidence.ALL, *sorted(subset["category"].unique())], category),
        "target": dropdown("target cell", [evidence.ALL, *evidence.distinct_items(subset["target"])]),
        "mediator": dropdown("mediator", [evidence.ALL, *evidence.distinct_items(subset["mediator"])]),
    }
    return Explorer("Mechanisms", controls, lambda **v: render_mechanisms(subset, **v),
                    "pick an immune cell or a molecule to see what the review says MSCs do to it.")


# --------------------------------------------------------------------------- 4 fibrosis
def render_ecm(**parameters: Any) -> list:
    """The illustrative ECM model for one scenario: its figure and a summary table.

    Parameters
    ----------
    **parameters
        Fields of :class:`mscteach.evidence.EcmScenario` (the others keep
        their defaults).

    Returns
    -------
    list
        :func:`mscteach.plots.ecm_balance_figure` and
        :func:`mscteach.evidence.ecm_summary`.

    Raises
    ------
    MscteachError
        For values the model does not accept (:func:`mscteach.evidence.ecm_balance`).
    """
    return _ecm_view(None, **parameters)


def _ecm_view(shown: Figure | None, **parameters: Any) -> list:
    """:func:`render_ecm`, its figure drawn anew or (``shown``, a figure it drew before) redrawn in place."""
    scenario = evidence.EcmScenario(**parameters)
    model = evidence.ecm_balance(scenario)
    figure = None if shown is None else _redraw_ecm(shown, model, scenario.msc_week)
    return [figure or plots.ecm_balance_figure(model, scenario.msc_week), evidence.ecm_summary(model)]


_ECM_ARMS = ("without MSCs", "with MSCs")  # as plots.ecm_balance_figure orders its lines


def _redraw_ecm(fig: Figure, model: pd.DataFrame, msc_week: int | None) -> Figure | None:
    """:func:`mscteach.plots.ecm_balance_figure` of ``model`` drawn into ``fig``, a figure it drew with the week marked.

    Only the arms' lines, the week's line and its label, the axes' limits and
    the figure's table change from one scenario to the next; everything else
    is kept. None where ``fig`` is not laid out as expected (then the caller
    draws a new figure).
    """
    ax = fig.axes[0]
    label = ax.texts[0] if len(ax.texts) == 1 else None
    # the arms' two lines, seaborn's two legend entries (no data) and the week's line, and the week's label
    if msc_week is None or len(fig.axes) != 1 or len(ax.lines) != 5 or not isinstance(label, Annotation):
        return None
    for line, arm in zip(ax.lines[:2], _ECM_ARMS):
        rows = model.loc[model["arm"] == arm].sort_values("week", kind="stable")
        line.set_data(rows["week"].to_numpy(float), rows["ecm"].to_numpy(float))
    week = ax.lines[-1]
    week.set_xdata([msc_week, msc_week])
    # the limits from the arms alone, as a new figure takes them: the week's line spans the axis, not data
    week.set_visible(False)
    ax.relim(visible_only=True)
    week.set_visible(True)
    ax.autoscale_view()
    label.xy = (msc_week, ax.get_ylim()[1])
    fig.mscteach_data = plots.mechanisms.ecm_balance_table(model)  # type: ignore[attr-defined]
    restart_layout(fig)
    return fig


def ecm_explorer(scenario: evidence.EcmScenario = evidence.EcmScenario()) -> Explorer:
    """Sliders for the illustrative ECM balance model (a conceptual model, not fitted to data).

    Parameters
    ----------
    scenario : EcmScenario, default EcmScenario()
        The sliders' first values; its ``weeks`` is both the model's length and
        the last week MSCs can be given.

    Returns
    -------
    Explorer
        Its view is :func:`render_ecm`.
    """
    def slider(description, value, lo, hi, step):
        return w.FloatSlider(description=description, value=value, min=lo, max=hi, step=step, style=STYLE,
                             layout=WIDE, continuous_update=False)
    controls = {
        "synthesis": slider("ECM synthesis", scenario.synthesis, 0.0, 3.0, 0.1),
        "degradation": slider("degradation rate", scenario.degradation, 0.02, 0.5, 0.01),
        "msc_synthesis_block": slider("MSC: synthesis block", scenario.msc_synthesis_block, 0.0, 1.0, 0.05),
        "msc_degradation_boost": slider("MSC: MMP boost", scenario.msc_degradation_boost, 0.0, 3.0, 0.1),
        "msc_week": w.IntSlider(description="MSCs given at week", value=scenario.msc_week, min=0, max=scenario.weeks,
                                style=STYLE, layout=WIDE, continuous_update=False),
    }
    return Explorer("ECM balance (illustrative model, not fitted to data)", controls,
                    functools.partial(render_ecm, weeks=scenario.weeks),  # the slider's last week is the model's
                    "move the sliders to see how blocking synthesis or boosting degradation changes scar tissue.",
                    redraw=lambda shown, **v: _ecm_view(shown[0], weeks=scenario.weeks, **v))


# --------------------------------------------------------------------------- 5 animal models
def render_animals(animal: pd.DataFrame, disease: str, species: str, cell_type: str) -> list:
    """Preclinical studies matching the filters: a table and the species × disease heatmap.

    Parameters
    ----------
    animal : DataFrame
        The ``animal_studies`` table.
    disease, species, cell_type : str
        One value each, or ``"all"``.

    Returns
    -------
    list
        The studies' table and :func:`mscteach.plots.outcome_heatmap`, or a
        note when none matches.
    """
    chosen = evidence.choose(animal, disease=disease, species=species, cell_type=cell_type)
    if chosen.empty:
        return [no_match("preclinical studies")]
    table = in_language(chosen, language())[["first_author", "year", "species", "model", "disease", "cell_type",
                                             "outcome", "finding", "ref_ids"]]
    return [table, plots.outcome_heatmap(chosen)]


def animal_explorer(animal: pd.DataFrame, disease: str = evidence.ALL) -> Explorer:
    """Filter preclinical studies by disease, species and cell type.

    Parameters
    ----------
    animal : DataFrame
        The ``animal_studies`` table.
    disease : str, default "all"
        The disease first chosen.

    Returns
    -------
    Explorer
        Its view is :func:`render_animals`.
    """
    controls = {
        "disease": dropdown("disease", options_of("animal_studies", "disease"), disease),
        "species": dropdown("species", options_of("animal_studies", "species")),
        "cell_type": dropdown("cells given", [evidence.ALL, *sorted(animal["cell_type"].unique())]),
    }
    return Explorer("Preclinical studies", controls, lambda **v: render_animals(animal, **v),
                    "filter by disease, species or cells; the heatmap shows what remains.")


# --------------------------------------------------------------------------- 6 clinical trials
