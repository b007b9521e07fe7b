"""Explorers of chapters 6-7: clinical trials, registered trials, exclusion criteria, leave-one-out pooling, trial size."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import Markdown, display
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.text import Annotation

from .. import evidence, i18n, plots, stats
from ..data import in_language
from ..errors import MscteachError
from ..i18n import say

from .core import STYLE, WIDE, Explorer, dropdown, no_match, options_of, restart_layout

__all__ = [
    "NO_REGISTERED_TRIALS", "REGISTERED_STATUS", "TRIAL_CHARTS", "exclusion_checker",
    "leave_one_out_explorer", "no_registered_trials", "registered_trial_explorer", "registered_trials_items",
    "render_exclusions", "render_leave_out", "render_registered", "render_trial_size", "render_trials",
    "show_registered_trials", "trial_explorer", "trial_size_explorer",
]

TRIAL_CHARTS = {"sample sizes": plots.sample_size_figure, "doses": plots.dose_figure}


def render_trials(clinical: pd.DataFrame, disease: str, cell_type: str, cell_origin: str, design: str,
                  chart: str = "sample sizes") -> list:
    """Clinical studies matching the filters: overview table and one chart (sample sizes or doses).

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table.
    disease, cell_type, cell_origin, design : str
        One value each, or ``"all"``.
    chart : {"sample sizes", "doses"}, default "sample sizes"
        Which chart (a key of :data:`TRIAL_CHARTS`).

    Returns
    -------
    list
        :func:`mscteach.evidence.trial_overview` and the chart, or a note
        when no study matches.
    """
    chosen = evidence.choose(clinical, disease=disease, cell_type=cell_type, cell_origin=cell_origin, design=design)
    if chosen.empty:
        return [no_match("clinical studies")]
    return [evidence.trial_overview(chosen), TRIAL_CHARTS[chart](chosen)]


def trial_explorer(clinical: pd.DataFrame, disease: str = evidence.ALL, cell_type: str = evidence.ALL) -> Explorer:
    """Filter clinical studies by disease, cell type, origin and design.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table.
    disease, cell_type : str, default "all"
        The values first chosen.

    Returns
    -------
    Explorer
        Its view is :func:`render_trials`.
    """
    controls = {
        "disease": dropdown("disease", options_of("clinical_studies", "disease"), disease),
        "cell_type": dropdown("cell type", options_of("clinical_studies", "cell_type"), cell_type),
        "cell_origin": dropdown("origin", options_of("clinical_studies", "cell_origin")),
        "design": dropdown("design", options_of("clinical_studies", "design")),
        # one chart at a time keeps each update to a single figure (well under 100 ms)
        "chart": w.ToggleButtons(description="chart", options=list(TRIAL_CHARTS), value="sample sizes", style=STYLE),
    }
    return Explorer("Clinical studies", controls, lambda **v: render_trials(clinical, **v),
                    "narrow the studies down, then compare their sizes or their doses.")


REGISTERED_STATUS = [evidence.ALL, "ongoing", "finished"]
#: What chapter 6 says where the data folder holds no registered trials.
def no_registered_trials(lang: str | None = None) -> str:
    """What chapter 6 says where no registry export has been imported, and how to import one.

    Parameters
    ----------
    lang : str, optional
        The language (default: :func:`mscteach.i18n.language`).

    Returns
    -------
    str
        Markdown.
    """
    return say("*No trial-registry export has been imported into this data folder*, so this section has nothing to "
               "count yet. To see what has been registered since the review: download the cell-therapy trials in "
               "liver disease from ClinicalTrials.gov (Download: JSON or CSV) or the WHO ICTRP portal (Export: CSV), "
               "then run `mscteach registry import FILE --data DIR` on a data folder of your own (`mscteach init "
               "DIR` makes one) and rebuild the course. data/README.md (\"Registered trials\") explains each step.",
               lang)


NO_REGISTERED_TRIALS = no_registered_trials("en")


def render_registered(trials: pd.DataFrame, disease: str, cell_type: str, status: str) -> list:
    """Registered trials matching the filters: the overview table and the counts by phase, status and year.

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`.
    disease, cell_type : str
        One value each, or ``"all"``.
    status : {"all", "ongoing", "finished"}
        As :func:`mscteach.evidence.matching_registered` takes it.

    Returns
    -------
    list
        :func:`mscteach.evidence.registered_overview` and
        :func:`mscteach.plots.registered_trials_figure`, or a note when none
        matches.
    """
    chosen = evidence.matching_registered(trials, disease, cell_type, status)
    if chosen.empty:
        return [no_match("registered trials")]
    return [evidence.registered_overview(chosen), plots.registered_trials_figure(chosen)]


def registered_trial_explorer(trials: pd.DataFrame, disease: str = evidence.ALL,
                              cell_type: str = evidence.ALL) -> Explorer:
    """Filter registered trials by status, disease and cell type.

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`.
    disease, cell_type : str, default "all"
        The values first chosen.

    Returns
    -------
    Explorer
        Its view is :func:`render_registered`.
    """
    controls = {
        "status": w.ToggleButtons(description="status", options=REGISTERED_STATUS, value=evidence.ALL, style=STYLE),
        "disease": dropdown("disease", options_of("clinical_studies", "disease"), disease),
        "cell_type": dropdown("cell type", options_of("clinical_studies", "cell_type"), cell_type),
    }
    return Explorer("Registered trials", controls, lambda **v: render_registered(trials, **v),
                    "which trials are still running? which used the cells you are interested in?")


def registered_trials_items(trials: pd.DataFrame | None, per_arm: int, last_import: dict[str, Any] | None = None,
                            study: str = "Lin 2017") -> list:
    """What chapter 6 shows of the registered trials (before its explorer), or how to add them.

    Parameters
    ----------
    trials : DataFrame or None
        :func:`mscteach.registry.registered_trials` (None: no export imported).
    per_arm : int
        The patients per arm a powered trial needs (:func:`mscteach.stats.trial_size`).
    last_import : dict, optional
        :func:`mscteach.registry.last_import`, for the counts of the import.
    study : str, default "Lin 2017"
        The trial whose survival gain ``per_arm`` is powered for (named in the text).

    Returns
    -------
    list
        The summary in words, the trials by phase, status and year, the
        target in words and the ongoing trials against it; without trials,
        one Markdown note saying how to import them.
    """
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
    """Chapter 6's registered-trials section: :func:`registered_trials_items`, then the explorer (if any trials).

    Parameters
    ----------
    trials : DataFrame or None
        :func:`mscteach.registry.registered_trials` (None: no export imported).
    per_arm : int
        The patients per arm a powered trial needs.
    disease, cell_type : str, default "all"
        The explorer's first values.
    interactive : bool, default True
        As :meth:`Explorer.show` takes it.
    last_import : dict, optional
        :func:`mscteach.registry.last_import`.
    """
    display(*registered_trials_items(trials, per_arm, last_import))
    if trials is not None:
        registered_trial_explorer(trials, disease, cell_type).show(interactive)


# --------------------------------------------------------------------------- 7 challenges
def render_exclusions(criteria: pd.DataFrame, conditions: Sequence[str]) -> list:
    """Would a patient with these conditions be excluded from the trials the review describes?

    Parameters
    ----------
    criteria : DataFrame
        The ``exclusion_criteria`` table.
    conditions : sequence of str
        Criterion names that apply to the patient.

    Returns
    -------
    list
        The verdict (Markdown) and :func:`mscteach.evidence.check_exclusions`.

    Raises
    ------
    UnknownNameError
        If a condition is not one of the criteria.

    Examples
    --------
    >>> import mscteach
    >>> render_exclusions(mscteach.load("exclusion_criteria"), ["Pregnancy or lactation"])[0].data
    '**Excluded** by 1 criterion(s): Pregnancy or lactation.'
    """
    table = evidence.check_exclusions(criteria, conditions)
    shown = in_language(criteria, i18n.language()).set_index("criterion")["detail"]  # the details in the reader's
    table = table.assign(detail=table["criterion"].map(shown))                       # language; names stay keys
    applying = table.loc[table["applies"], "criterion"].tolist()
    if applying:
        verdict = say("**Excluded** by {n} criterion(s): {criteria}.", n=len(applying), criteria=", ".join(applying))
    else:
        verdict = say("**Eligible** as far as the review's exclusion criteria go (other trial criteria may apply).")
    return [Markdown(verdict), table]


def exclusion_checker(criteria: pd.DataFrame, conditions: Sequence[str] = ()) -> Explorer:
    """Tick a patient's conditions to see whether trials would exclude them.

    Parameters
    ----------
    criteria : DataFrame
        The ``exclusion_criteria`` table.
    conditions : sequence of str, default ()
        The conditions first ticked.

    Returns
    -------
    Explorer
        Its view is :func:`render_exclusions`.

    Examples
    --------
    >>> import mscteach
    >>> exclusion_checker(mscteach.load("exclusion_criteria"))
    <Exclusion-criteria checker explorer: 1 controls>
    """
    controls = {"conditions": w.SelectMultiple(description="patient has", options=criteria["criterion"].tolist(),
                                               value=tuple(conditions), rows=len(criteria), style=STYLE, layout=WIDE)}
    return Explorer("Exclusion-criteria checker", controls, lambda **v: render_exclusions(criteria, **v),
                    "select the conditions a patient has (Ctrl/Cmd-click for several).",
                    static_help="choose a condition the patient has.")


# --------------------------------------------------------------------------- evidence analysis
def render_leave_out(table: pd.DataFrame, included: Sequence[str], measure: str = "RR", method: str = "DL") -> list:
    """The meta-analysis of the included studies: its forest plot and a summary, or why it cannot be done.

    Parameters
    ----------
    table : DataFrame
        One outcome's two-arm counts, a ``study`` column naming each study
        (as :func:`mscteach.stats.meta_analysis` takes them).
    included : sequence of str
        The studies to pool.
    measure : {"RR", "OR"}, default "RR"
        The effect measure.
    method : {"DL", "PM", "REML"}, default "DL"
        The random-effects estimator.

    Returns
    -------
    list
        The summary with its continuity correction and warnings (Markdown)
        and the forest plot; a Markdown note alone with fewer than two
        studies or when nothing can be pooled.

    Examples
    --------
    >>> import pandas as pd
    >>> print(render_leave_out(pd.DataFrame({"study": ["Lin 2017"]}), ["Lin 2017"])[0].data)
    *Pooling needs at least two studies; 1 selected.* Select more studies.
    """
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
    """Toggle studies in and out of a meta-analysis and watch the pooled estimate move.

    Parameters
    ----------
    table : DataFrame
        As :func:`render_leave_out` takes it; every study is first included.
    measure : {"RR", "OR"}, default "RR"
        The measure first chosen.
    method : {"DL", "PM", "REML"}, default "DL"
        The estimator first chosen.

    Returns
    -------
    Explorer
        Its view is :func:`render_leave_out`.
    """
    studies = table["study"].tolist()
    controls = {
        "included": w.SelectMultiple(description="studies included", options=studies, value=tuple(studies),
                                     rows=min(len(studies), 14), style=STYLE, layout=WIDE),
        "measure": dropdown("measure", list(stats.MEASURES), measure),
        "method": dropdown("random effects", list(stats.METHODS), method),
    }
    return Explorer("Leave studies out", controls, lambda **v: render_leave_out(table, **v),
                    "Ctrl/Cmd-click to drop a study: does one study drive the result?",
                    static_help="choose a study to leave out: does one study drive the result?")


def render_trial_size(clinical: pd.DataFrame, p_control: float, improvement: float, power: float,
                      alpha: float = 0.05) -> list:
    """Patients per arm for the chosen survival figures, beside the arm sizes of the actual trials.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table.
    p_control : float
        Survival without cells, in (0, 1).
    improvement : float
        The survival gain hoped for (treated survival is capped at 0.99).
    power : float
        The power wanted, in (0, 1).
    alpha : float, default 0.05
        The two-sided significance level.

    Returns
    -------
    list
        The size in words and :func:`mscteach.plots.trial_size_figure`; a
        Markdown note alone for figures :func:`mscteach.stats.trial_size`
        refuses.
    """
    return _trial_size_view(None, clinical, p_control, improvement, power, alpha)


def _trial_size_view(shown: Figure | None, clinical: pd.DataFrame, p_control: float, improvement: float,
                     power: float, alpha: float = 0.05) -> list:
    """:func:`render_trial_size`, its figure drawn anew or (``shown``, a figure it drew before) redrawn in place."""
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
    figure = None if shown is None else _redraw_trial_size(shown, comparison, per_arm, p_control, p_treatment, power,
                                                           alpha)
    return [Markdown(text),
            figure or plots.trial_size_figure(comparison, per_arm, p_control, p_treatment, power=power, alpha=alpha)]


def _redraw_trial_size(fig: Figure, comparison: pd.DataFrame, per_arm: int, p_control: float, p_treatment: float,
                       power: float, alpha: float) -> Figure | None:
    """:func:`mscteach.plots.trial_size_figure` drawn into ``fig``, a figure it drew of as many studies.

    The studies stay (each controlled study of the data); their bars' lengths,
    colours and order, the powered trial's line and label, the title and the
    figure's table change. None where ``fig`` does not hold those bars (then
    the caller draws a new figure), or in a translated edition, whose texts
    are translated once per figure when it is first shown.
    """
    from ..plots.common import PALETTE

    ax = fig.axes[0]
    bars = ax.containers[0].patches if len(ax.containers) == 1 and isinstance(ax.containers[0], BarContainer) else []
    label = ax.texts[0] if len(ax.texts) == 1 else None
    if i18n.language() != "en" or comparison.empty or len(bars) != len(comparison) or len(ax.lines) != 1 \
            or not isinstance(label, Annotation):
        return None
    for bar, arm, share in zip(bars, comparison["smaller_arm"].astype(float), comparison["share_of_target"]):
        bar.set_width(arm)
        bar.set_facecolor(PALETTE[2] if share >= 1 else PALETTE[3])
    ax.lines[0].set_xdata([per_arm, per_arm])
    label.set_text(f"powered trial: {per_arm} per arm")
    label.xy = (per_arm, len(comparison) - 0.4)
    table = plots.synthesis.trial_size_table(comparison)
    ax.set_yticks(range(len(comparison)), table["study"].iloc[::-1].tolist(), fontsize=9)
    ax.set_title(f"How far below a powered trial? ({p_control:.1%} vs {p_treatment:.1%}, "
                 f"{power:.0%} power, two-sided α = {alpha:g})")
    fig.mscteach_data = table  # type: ignore[attr-defined]
    ax.relim()
    ax.autoscale_view()
    restart_layout(fig)
    return fig


def trial_size_explorer(clinical: pd.DataFrame, p_control: float = 0.556, improvement: float = 0.176,
                        power: float = 0.8) -> Explorer:
    """Sliders for a phase III sample-size calculation (defaults: Lin 2017's 24-week survival).

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table.
    p_control : float, default 0.556
        Survival without cells first shown (slider 0.05-0.95).
    improvement : float, default 0.176
        The gain first shown (slider 0.01-0.5).
    power : float, default 0.8
        The power first shown (slider 0.5-0.99).

    Returns
    -------
    Explorer
        Its view is :func:`render_trial_size`.
    """
    def slider(description, value, lo, hi, step):
        return w.FloatSlider(description=description, value=value, min=lo, max=hi, step=step, readout_format=".2f",
                             style=STYLE, layout=WIDE, continuous_update=False)
    controls = {
        "p_control": slider("control survival", p_control, 0.05, 0.95, 0.01),
        "improvement": slider("hoped-for gain", improvement, 0.01, 0.5, 0.01),
        "power": slider("power", power, 0.5, 0.99, 0.01),
    }
    return Explorer("Sizing a phase III trial", controls, lambda **v: render_trial_size(clinical, **v),
                    "how many patients would a trial need to detect the survival gain you hope for?",
                    redraw=lambda shown, **v: _trial_size_view(shown[0], clinical, **v))


# --------------------------------------------------------------------------- self-checks
