"""ipywidgets explorers: thin views over pure analysis and plot functions.

Each explorer is an :class:`Explorer`: a few controls, an output area, and a
``render`` function that turns the control values into a list of things to
show (DataFrames, Figures, Markdown). The render functions are plain
functions of data, so the tests call them directly; the widget only gathers
the values and calls them.

In a notebook run without a browser (papermill, CI, HTML export) an explorer
still shows its default state: ``explorer.show(interactive=False)`` displays
the rendered results as ordinary outputs instead of the widget.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import HTML, Image, Markdown, display
from matplotlib.figure import Figure

from . import evidence, i18n, plots, selfchecks, stats
from . import display as display_helpers
from .data import vocabulary
from .errors import MscteachError
from .i18n import say
from .i18n.messages import live_note, self_check_heading, show_answer
from .render import render

__all__ = [
    "Explorer",
    "SelfCheckView",
    "self_check",
    "animal_explorer",
    "cell_source_explorer",
    "ecm_explorer",
    "exclusion_checker",
    "mechanism_explorer",
    "render_animals",
    "render_cell_source",
    "render_ecm",
    "render_exclusions",
    "render_mechanisms",
    "render_timeline",
    "render_registered",
    "render_trials",
    "registered_trial_explorer",
    "registered_trials_items",
    "show_registered_trials",
    "timeline_explorer",
    "trial_explorer",
    "leave_one_out_explorer",
    "render_leave_out",
    "render_trial_size",
    "trial_size_explorer",
]

WIDE = w.Layout(width="95%")
STYLE = {"description_width": "140px"}


class Explorer(w.VBox):
    """A titled set of controls whose output is ``render(**values)``.

    Parameters
    ----------
    name : str
        Shown in the title and in ``repr`` (which stays the same on every run,
        so stored notebook outputs do not change).
    controls : dict of str to Widget
        Keyword name of each value for ``render``, and its control.
    render : callable
        ``render(**values) -> list`` of displayable objects.
    help : str
        One line telling the student what to try.
    """

    def __init__(self, name: str, controls: dict[str, w.ValueWidget], render: Callable[..., list], help: str) -> None:
        from . import i18n

        name, help = i18n.text(name), i18n.text(help)
        if i18n.language() != "en":  # labels in the reader's language; the values stay what render() expects
            for control in controls.values():
                control.description = i18n.text(control.description)
                options = getattr(control, "options", None)
                if options and all(isinstance(o, str) for o in options):
                    value = control.value
                    control.options = [(i18n.text(o), o) for o in options]
                    control.value = value
        self.name = name
        self.help = help
        self.controls = controls
        self.render = render
        self.output = w.Output()
        header = w.HTML(f"<b>{name}</b> &mdash; {help}")
        super().__init__([header, *controls.values(), self.output])
        for control in controls.values():
            control.observe(self._update, names="value")
        self._update()

    def values(self) -> dict[str, Any]:
        """The current value of every control, by keyword."""
        return {key: control.value for key, control in self.controls.items()}

    def results(self) -> list:
        """What the explorer shows for the current values."""
        return self.render(**self.values())

    def _update(self, change: dict | None = None) -> None:
        # Set the Output widget's content through its state rather than by capturing
        # display messages: the result is then the same under JupyterLab, papermill and
        # nbval, which route captured messages differently.
        # The new outputs replace the old ones in one assignment, so a browser never sees
        # an empty or half-drawn explorer in between.
        from IPython.core.interactiveshell import InteractiveShell

        formatter = InteractiveShell.instance().display_formatter
        outputs = []
        for item in self.results():
            data, metadata = formatter.format(_as_png(item) if isinstance(item, Figure) else item)
            outputs.append({"output_type": "display_data", "data": data, "metadata": metadata})
        self.output.outputs = tuple(outputs)

    def show(self, interactive: bool = True) -> None:
        """Display the live widget, or (``interactive=False``) its current results as plain outputs.

        When the chapter runs for the course site (no kernel will be there to
        answer the controls), the explorer shows a static copy instead: its
        default view and precomputed views of its main control, switched in
        the page without a kernel or network (:meth:`static_html`).
        """
        if not interactive:
            for item in self.results():
                display(item)
        elif display_helpers.site_build():
            display(HTML(self.static_html()))
        else:
            display(self)

    def static_views(self) -> list[tuple[str, dict[str, Any]]]:
        """(label, control values) for each precomputed view: the main (first) control's values, defaults first."""
        key, control = next(iter(self.controls.items()))
        current = self.values()
        views = []
        for value in _positions(control):
            label = f"{control.description}: {_shown(value)}"
            if all(label != existing for existing, _ in views):
                views.append((label, {**current, key: value}))
        return views

    def static_html(self) -> str:
        """The explorer as a static page fragment: a chooser over :meth:`static_views` and one panel per view."""
        from markupsafe import Markup

        views = self.static_views()
        # the default view as sharp as the chapter's figures; the others at screen resolution (quicker)
        shown = [{"label": label, "body": Markup("").join(_static_item(item, dpi=None if i == 0 else 96)
                                                          for item in self.render(**values))}
                 for i, (label, values) in enumerate(views)]
        ident = "explorer-" + "".join(ch if ch.isalnum() else "-" for ch in self.name.lower()).strip("-")
        return str(render("explorer.html.j2", views=shown, name=self.name, help=self.help, ident=ident,
                          main=next(iter(self.controls.values())).description,
                          live_note=Markup(live_note(len(views)))))

    def __repr__(self) -> str:
        return f"<{self.name} explorer: {len(self.controls)} controls>"


def _positions(control: w.ValueWidget) -> list[Any]:
    """The values a static copy precomputes for a control: every option, or a handful of positions."""
    current = control.value
    values = list(getattr(control, "_options_values", getattr(control, "options", ())))  # (label, value) options
    if isinstance(control, w.SelectMultiple):
        options = values
        if set(current) == set(options):  # all chosen: the view without each one in turn
            return [tuple(current)] + [tuple(o for o in options if o != left) for left in options]
        return [tuple(current)] + [tuple(dict.fromkeys([*current, added])) for added in options if added not in current]
    if hasattr(control, "options"):
        return [current] + [o for o in values if o != current]
    if isinstance(control, w.IntRangeSlider):
        low, high = control.min, control.max
        third = (high - low) // 3
        return [tuple(current), (low, high), (low, low + third), (low + third, high - third), (high - third, high)]
    if isinstance(control, (w.FloatSlider, w.IntSlider)):
        steps = [control.min + (control.max - control.min) * k / 4 for k in range(5)]
        if isinstance(control, w.IntSlider):
            steps = [int(round(v)) for v in steps]
        else:
            steps = [round(round(v / control.step) * control.step, 10) for v in steps]
        return [current] + [v for v in steps if v != current]
    return [current]


def _shown(value: Any) -> str:
    """A control value as a static view's label names it (in the language of :mod:`mscteach.i18n`)."""
    from . import i18n

    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return ", ".join(map(i18n.text, value)) if value else i18n.text("none")
    if isinstance(value, tuple):
        return "-".join(i18n.digits(v) for v in value)
    return i18n.text(str(value))


def _static_item(item: Any, dpi: float | None = None) -> str:
    """One displayable result as static HTML (figures inline, so the page needs nothing else)."""
    import base64

    from markupsafe import Markup

    if isinstance(item, Figure):
        data, metadata = display_helpers.figure_png(item, dpi=dpi)
        return render("figure.html.j2", png=base64.b64encode(data).decode(), width=metadata.get("width"),
                      alt=metadata["alt"], caption=metadata["caption"])
    if isinstance(item, pd.DataFrame):
        return Markup(display_helpers.table_html(item, index=item.index.name is not None))
    if isinstance(item, Markdown):
        return Markup(display_helpers.markdown_html(item.data))
    return render("preformatted.html.j2", text=str(item))


def _as_png(fig: Figure) -> Image:
    """A figure as a PNG image, so the widget shows it whatever matplotlib backend is active."""
    data, metadata = display_helpers.figure_png(fig)
    return Image(data=data, format="png", metadata=metadata)


def _options(table: str, field: str) -> list[str]:
    return [evidence.ALL, *vocabulary(table, field)]


def _dropdown(description: str, options: Sequence[str], value: str = evidence.ALL) -> w.Dropdown:
    return w.Dropdown(description=description, options=list(options), value=value, style=STYLE)


def _no_match(what: str) -> Markdown:
    return Markdown(say("*No {what} match this selection.* Widen a filter (choose **all**) to see more.",
                        what=i18n.text(what)))


# --------------------------------------------------------------------------- 1 history
def render_timeline(timeline: pd.DataFrame, years: tuple[int, int], categories: Sequence[str]) -> list:
    """Events in the year range and categories: a table and the timeline figure."""
    events = evidence.timeline_between(timeline, years[0], years[1], list(categories) or None)
    if events.empty:
        return [_no_match("events")]
    table = events[["year_text", "headline", "people", "category", "ref_ids"]]
    return [table, plots.timeline_figure(events, title=f"Events {years[0]}-{years[1]}")]


def timeline_explorer(timeline: pd.DataFrame, start: int | None = None, end: int | None = None,
                      categories: Sequence[str] = ()) -> Explorer:
    """Timeline with a year-range slider (spanning the data's years) and a category filter."""
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
                    "drag the years, pick categories (Ctrl/Cmd-click for several).")


# --------------------------------------------------------------------------- 2 differentiation
def render_cell_source(cell_sources: pd.DataFrame, references: pd.DataFrame, source: str) -> list:
    """What the review says about one MSC source, with its references."""
    row = evidence.choose(cell_sources, source=source)
    if row.empty:
        return [_no_match("cell sources")]
    r = row.iloc[0]
    abbreviation = f" ({r['abbreviation']})" if pd.notna(r["abbreviation"]) else ""
    text = f"**{r['source']}{abbreviation}**: {r['properties']}"
    if pd.notna(r["notes"]):
        text += "\n\n" + say("*Curation note:* {note}", note=r["notes"])
    return [Markdown(text), evidence.further_reading(references, r["ref_ids"])]


def cell_source_explorer(cell_sources: pd.DataFrame, references: pd.DataFrame, source: str = "Umbilical cord") -> Explorer:
    """Pick an MSC tissue source; read what the review says and which references support it."""
    controls = {"source": _dropdown("tissue source", cell_sources["source"].tolist(), source)}
    return Explorer("MSC sources", controls, lambda **v: render_cell_source(cell_sources, references, **v),
                    "choose a tissue to see what the review says about MSCs from it.")


# --------------------------------------------------------------------------- 3 immunomodulation (and 4)
def render_mechanisms(mechanisms: pd.DataFrame, category: str, target: str, mediator: str) -> list:
    """Mechanisms matching a category, target cell and mediator: a table and a heatmap."""
    chosen = evidence.mechanisms_matching(mechanisms, category=category, target=target, mediator=mediator)
    if chosen.empty:
        return [_no_match("mechanisms")]
    matrix = evidence.mediator_target_matrix(chosen)
    return [chosen[["mechanism_id", "category", "mediator", "target", "effect", "ref_ids"]],
            plots.mediator_target_heatmap(matrix)]


def mechanism_explorer(mechanisms: pd.DataFrame, categories: Sequence[str] | None = None,
                       category: str = evidence.ALL) -> Explorer:
    """Filter mechanisms by category, target cell and mediator."""
    subset = evidence.choose(mechanisms, category=list(categories) if categories else None)
    controls = {
        "category": _dropdown("category", [evidence.ALL, *sorted(subset["category"].unique())], category),
        "target": _dropdown("target cell", [evidence.ALL, *evidence.distinct_items(subset["target"])]),
        "mediator": _dropdown("mediator", [evidence.ALL, *evidence.distinct_items(subset["mediator"])]),
    }
    return Explorer("Mechanisms", controls, lambda **v: render_mechanisms(subset, **v),
                    "pick an immune cell or a molecule to see what the review says MSCs do to it.")


# --------------------------------------------------------------------------- 4 fibrosis
def render_ecm(**parameters: Any) -> list:
    """The illustrative ECM model for one scenario: its figure and a summary table."""
    scenario = evidence.EcmScenario(**parameters)
    model = evidence.ecm_balance(scenario)
    return [plots.ecm_balance_figure(model, scenario.msc_week), evidence.ecm_summary(model)]


def ecm_explorer(scenario: evidence.EcmScenario = evidence.EcmScenario()) -> Explorer:
    """Sliders for the illustrative ECM balance model (a conceptual model, not fitted to data)."""
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
    return Explorer("ECM balance (illustrative model, not fitted to data)", controls, render_ecm,
                    "move the sliders to see how blocking synthesis or boosting degradation changes scar tissue.")


# --------------------------------------------------------------------------- 5 animal models
def render_animals(animal: pd.DataFrame, disease: str, species: str, cell_type: str) -> list:
    """Preclinical studies matching the filters: a table and the species × disease heatmap."""
    chosen = evidence.choose(animal, disease=disease, species=species, cell_type=cell_type)
    if chosen.empty:
        return [_no_match("preclinical studies")]
    table = chosen[["first_author", "year", "species", "model", "disease", "cell_type", "outcome", "finding", "ref_ids"]]
    return [table, plots.outcome_heatmap(chosen)]


def animal_explorer(animal: pd.DataFrame, disease: str = evidence.ALL) -> Explorer:
    """Filter preclinical studies by disease, species and cell type."""
    controls = {
        "disease": _dropdown("disease", _options("animal_studies", "disease"), disease),
        "species": _dropdown("species", _options("animal_studies", "species")),
        "cell_type": _dropdown("cells given", [evidence.ALL, *sorted(animal["cell_type"].unique())]),
    }
    return Explorer("Preclinical studies", controls, lambda **v: render_animals(animal, **v),
                    "filter by disease, species or cells; the heatmap shows what remains.")


# --------------------------------------------------------------------------- 6 clinical trials
TRIAL_CHARTS = {"sample sizes": plots.sample_size_figure, "doses": plots.dose_figure}


def render_trials(clinical: pd.DataFrame, disease: str, cell_type: str, cell_origin: str, design: str,
                  chart: str = "sample sizes") -> list:
    """Clinical studies matching the filters: overview table and one chart (sample sizes or doses)."""
    chosen = evidence.choose(clinical, disease=disease, cell_type=cell_type, cell_origin=cell_origin, design=design)
    if chosen.empty:
        return [_no_match("clinical studies")]
    return [evidence.trial_overview(chosen), TRIAL_CHARTS[chart](chosen)]


def trial_explorer(clinical: pd.DataFrame, disease: str = evidence.ALL, cell_type: str = evidence.ALL) -> Explorer:
    """Filter clinical studies by disease, cell type, origin and design."""
    controls = {
        "disease": _dropdown("disease", _options("clinical_studies", "disease"), disease),
        "cell_type": _dropdown("cell type", _options("clinical_studies", "cell_type"), cell_type),
        "cell_origin": _dropdown("origin", _options("clinical_studies", "cell_origin")),
        "design": _dropdown("design", _options("clinical_studies", "design")),
        # one chart at a time keeps each update to a single figure (well under 100 ms)
        "chart": w.ToggleButtons(description="chart", options=list(TRIAL_CHARTS), value="sample sizes", style=STYLE),
    }
    return Explorer("Clinical studies", controls, lambda **v: render_trials(clinical, **v),
                    "narrow the studies down, then compare their sizes or their doses.")


REGISTERED_STATUS = [evidence.ALL, "ongoing", "finished"]
#: What chapter 6 says where the data folder holds no registered trials.
def no_registered_trials(lang: str | None = None) -> str:
    """What chapter 6 says where no registry export has been imported, and how to import one."""
    return say("*No trial-registry export has been imported into this data folder*, so this section has nothing to "
               "count yet. To see what has been registered since the review: download the cell-therapy trials in "
               "liver disease from ClinicalTrials.gov (Download: JSON or CSV) or the WHO ICTRP portal (Export: CSV), "
               "then run `mscteach registry import FILE --data DIR` on a data folder of your own (`mscteach init "
               "DIR` makes one) and rebuild the course. data/README.md (\"Registered trials\") explains each step.",
               lang)


NO_REGISTERED_TRIALS = no_registered_trials("en")


def render_registered(trials: pd.DataFrame, disease: str, cell_type: str, status: str) -> list:
    """Registered trials matching the filters: the overview table and the counts by phase, status and year."""
    chosen = evidence.matching_registered(trials, disease, cell_type, status)
    if chosen.empty:
        return [_no_match("registered trials")]
    return [evidence.registered_overview(chosen), plots.registered_trials_figure(chosen)]


def registered_trial_explorer(trials: pd.DataFrame, disease: str = evidence.ALL,
                              cell_type: str = evidence.ALL) -> Explorer:
    """Filter registered trials by status, disease and cell type."""
    controls = {
        "status": w.ToggleButtons(description="status", options=REGISTERED_STATUS, value=evidence.ALL, style=STYLE),
        "disease": _dropdown("disease", _options("clinical_studies", "disease"), disease),
        "cell_type": _dropdown("cell type", _options("clinical_studies", "cell_type"), cell_type),
    }
    return Explorer("Registered trials", controls, lambda **v: render_registered(trials, **v),
                    "which trials are still running? which used the cells you are interested in?")


def registered_trials_items(trials: pd.DataFrame | None, per_arm: int, last_import: dict[str, Any] | None = None,
                            study: str = "Lin 2017") -> list:
    """What chapter 6 shows of the registered trials (before its explorer), or how to add them."""
    if trials is None:
        return [Markdown(no_registered_trials())]
    comparison = evidence.ongoing_against_target(trials, per_arm)
    reaching = int((comparison["share_of_target"] >= 1).sum())
    target = say("A two-arm trial powered to confirm {study}'s survival gain needs **{per_arm} patients per arm** "
                 "({total} in all; chapter 7 computes it). {ongoing} ongoing phase 2 or 3 {gives_word} an enrolment; "
                 "{reaching} {reach_word} it. Planned (anticipated) numbers are targets, not patients treated.",
                 study=study, per_arm=per_arm, total=2 * per_arm, ongoing=len(comparison),
                 gives_word=evidence.plural(len(comparison), "trial gives", "trials give"), reaching=reaching,
                 reach_word=evidence.plural(reaching, "reaches", "reach"))
    return [Markdown(evidence.registered_summary(trials, last_import)), plots.registered_trials_figure(trials),
            Markdown(target), plots.registered_target_figure(comparison, per_arm)]


def show_registered_trials(trials: pd.DataFrame | None, per_arm: int, disease: str = evidence.ALL,
                           cell_type: str = evidence.ALL, interactive: bool = True,
                           last_import: dict[str, Any] | None = None) -> None:
    """Chapter 6's registered-trials section: :func:`registered_trials_items`, then the explorer (if any trials)."""
    display(*registered_trials_items(trials, per_arm, last_import))
    if trials is not None:
        registered_trial_explorer(trials, disease, cell_type).show(interactive)


# --------------------------------------------------------------------------- 7 challenges
def render_exclusions(criteria: pd.DataFrame, conditions: Sequence[str]) -> list:
    """Would a patient with these conditions be excluded from the trials the review describes?"""
    table = evidence.check_exclusions(criteria, conditions)
    applying = table.loc[table["applies"], "criterion"].tolist()
    if applying:
        verdict = say("**Excluded** by {n} criterion(s): {criteria}.", n=len(applying), criteria=", ".join(applying))
    else:
        verdict = say("**Eligible** as far as the review's exclusion criteria go (other trial criteria may apply).")
    return [Markdown(verdict), table]


def exclusion_checker(criteria: pd.DataFrame, conditions: Sequence[str] = ()) -> Explorer:
    """Tick a patient's conditions to see whether trials would exclude them."""
    controls = {"conditions": w.SelectMultiple(description="patient has", options=criteria["criterion"].tolist(),
                                               value=tuple(conditions), rows=len(criteria), style=STYLE, layout=WIDE)}
    return Explorer("Exclusion-criteria checker", controls, lambda **v: render_exclusions(criteria, **v),
                    "select the conditions a patient has (Ctrl/Cmd-click for several).")


# --------------------------------------------------------------------------- evidence analysis
def render_leave_out(table: pd.DataFrame, included: Sequence[str], measure: str = "RR", method: str = "DL") -> list:
    """The meta-analysis of the included studies: its forest plot and a summary, or why it cannot be done."""
    chosen = table[table["study"].isin(list(included))]
    if len(chosen) < 2:
        return [Markdown(say("*Pooling needs at least two studies; {n} selected.* Select more studies.",
                             n=len(chosen)))]
    result = stats.meta_analysis(chosen, measure, method)
    if not result.pooled:
        return [Markdown(say("*{summary}.* Select other studies.", summary=result.summary()))]
    notes = [_continuity_note(result), *(i18n.text(warning) for warning in result.warnings)]
    return [Markdown(f"**{result.summary()}**. " + " ".join(notes)), plots.forest_plot(result)]


def _continuity_note(result: stats.MetaAnalysisResult) -> str:
    """Which studies had 0.5 added to every cell (zero events), in the reader's language."""
    studies = result.studies
    corrected = studies.loc[studies["included"].astype(bool) & studies["corrected"].astype(bool), "study"]
    if corrected.empty:
        return say("Continuity correction: none needed.")
    return say("Continuity correction: {value} added to every cell of: {studies}.", value=0.5,
               studies=", ".join(corrected.astype(str)))


def leave_one_out_explorer(table: pd.DataFrame, measure: str = "RR", method: str = "DL") -> Explorer:
    """Toggle studies in and out of a meta-analysis and watch the pooled estimate move."""
    studies = table["study"].tolist()
    controls = {
        "included": w.SelectMultiple(description="studies included", options=studies, value=tuple(studies),
                                     rows=min(len(studies), 14), style=STYLE, layout=WIDE),
        "measure": _dropdown("measure", list(stats.MEASURES), measure),
        "method": _dropdown("random effects", list(stats.METHODS), method),
    }
    return Explorer("Leave studies out", controls, lambda **v: render_leave_out(table, **v),
                    "Ctrl/Cmd-click to drop a study: does one study drive the result?")


def render_trial_size(clinical: pd.DataFrame, p_control: float, improvement: float, power: float,
                      alpha: float = 0.05) -> list:
    """Patients per arm for the chosen survival figures, beside the arm sizes of the actual trials."""
    p_treatment = min(p_control + improvement, 0.99)
    try:
        per_arm = stats.trial_size(p_control, p_treatment, alpha=alpha, power=power)
    except MscteachError as exc:
        return [Markdown(f"*{exc}*")]
    text = say("To detect survival rising from **{p_control:.0%}** to **{p_treatment:.0%}** with **{power:.0%}** "
               "power (two-sided α = {alpha}), a trial needs **{per_arm} patients per arm** ({total} in all).",
               p_control=p_control, p_treatment=p_treatment, power=power, alpha=alpha, per_arm=per_arm,
               total=2 * per_arm)
    comparison = evidence.trials_against_target(clinical, per_arm)
    return [Markdown(text), plots.trial_size_figure(comparison, per_arm, p_control, p_treatment)]


def trial_size_explorer(clinical: pd.DataFrame, p_control: float = 0.556, improvement: float = 0.176,
                        power: float = 0.8) -> Explorer:
    """Sliders for a phase III sample-size calculation (defaults: Lin 2017's 24-week survival)."""
    def slider(description, value, lo, hi, step):
        return w.FloatSlider(description=description, value=value, min=lo, max=hi, step=step, readout_format=".2f",
                             style=STYLE, layout=WIDE, continuous_update=False)
    controls = {
        "p_control": slider("control survival", p_control, 0.05, 0.95, 0.01),
        "improvement": slider("hoped-for gain", improvement, 0.01, 0.5, 0.01),
        "power": slider("power", power, 0.5, 0.99, 0.01),
    }
    return Explorer("Sizing a phase III trial", controls, lambda **v: render_trial_size(clinical, **v),
                    "how many patients would a trial need to detect the survival gain you hope for?")


# --------------------------------------------------------------------------- self-checks
class SelfCheckView(w.VBox):
    """A self-check: the question, a way to answer, and feedback when the reader presses "Check".

    The feedback comes from :func:`mscteach.selfchecks.check_answer`; on the
    course site (no kernel) the check is shown as the question with its answer
    in a toggle (:meth:`static_html`).

    Parameters
    ----------
    check : mscteach.selfchecks.SelfCheck
        The question, its options or number, answer and language.
    """

    def __init__(self, check: selfchecks.SelfCheck) -> None:
        self.check = check
        question = w.HTML(f'<div class="mscteach-selfcheck-question"><b>{self_check_heading(check.lang)}</b> '
                          f'{display_helpers.markdown_html(check.question)}</div>')
        if check.kind == "choice":
            self.answer = w.RadioButtons(options=[(f"({letter}) {option}", letter) for letter, option
                                                  in zip(check.letters, check.options)], value=None, layout=WIDE)
        else:
            self.answer = w.Text(placeholder=i18n.text("type a number"), description=i18n.text("your answer"),
                                 style=STYLE)
        self.button = w.Button(description=i18n.text("Check"), button_style="info",
                               tooltip=i18n.text("check your answer"))
        self.feedback = w.HTML("")
        self.button.on_click(self.on_check)
        super().__init__([question, self.answer, w.HBox([self.button, self.feedback])],
                         layout=w.Layout(border="1px solid #bbb", padding="4px 8px", margin="8px 0"))

    def on_check(self, _button: Any = None) -> selfchecks.Feedback:
        """Mark the current answer and show the feedback (also called by the "Check" button)."""
        feedback = selfchecks.check_answer(self.check, self.answer.value)
        self.feedback.value = str(render("selfcheck_feedback.html.j2", correct=feedback.correct,
                                         message=feedback.message))
        return feedback

    def show(self) -> None:
        """Display the live check, or (when the chapter runs for the course site) its static copy."""
        display(HTML(self.static_html())) if display_helpers.site_build() else display(self)

    def static_html(self) -> str:
        """The question, its options, and the answer with its explanation in a toggle."""
        from markupsafe import Markup

        lang = self.check.lang
        # a Persian check reads right to left inside an output
        return str(render("selfcheck.html.j2", rtl=lang in i18n.RTL, heading=Markup(self_check_heading(lang)),
                          question=Markup(display_helpers.markdown_html(self.check.question)),
                          options=self.check.options, show_answer=Markup(show_answer(lang)),
                          answer=self.check.answer_text, explanation=self.check.explanation))

    def __repr__(self) -> str:
        return f"<self-check {self.check.chapter} {self.check.number}: {self.check.question}>"


def self_check(chapter: str, number: int) -> SelfCheckView:
    """The self-check ``number`` of ``chapter`` as a widget: ``widgets.self_check("06_clinical_trials", 1).show()``."""
    return SelfCheckView(selfchecks.get(chapter, number))
