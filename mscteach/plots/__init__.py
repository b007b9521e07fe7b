"""One function per figure: tables in, a matplotlib :class:`~matplotlib.figure.Figure` out.

Figures are made with :class:`matplotlib.figure.Figure` rather than pyplot, so
nothing is shown or kept alive behind the caller's back: a notebook shows the
returned figure, a widget redraws it, a test inspects it. Colours come from
seaborn's colour-blind-safe palette; every figure has a title and labelled axes
and fits a notebook column (about 8 inches wide).

One module per subject:

* :mod:`~mscteach.plots.history`: the timeline and the age of the review's sources (chapter 1);
* :mod:`~mscteach.plots.mechanisms`: cells given, differentiation, mediators and targets, the ECM
  model (chapters 2-4);
* :mod:`~mscteach.plots.animal`: preclinical studies (chapter 5);
* :mod:`~mscteach.plots.clinical`: clinical studies and open challenges (chapters 6-7);
* :mod:`~mscteach.plots.synthesis`: forest plot, cumulative meta-analysis, trial size;
* :mod:`~mscteach.plots.moderators`: the bubble plot of a meta-regression;
* :mod:`~mscteach.plots.funnel`: the contour-enhanced funnel plot;
* :mod:`~mscteach.plots.risk_of_bias`: RoB 2 traffic light and summary (chapter 6);
* :mod:`~mscteach.plots.registered`: registered trials;
* :mod:`~mscteach.plots.common`: what they share (palette, figure size, empty-selection note, stacked bars,
  count heatmaps, outcome colours read from the schema).
"""
from __future__ import annotations

from .animal import outcome_heatmap, outcomes_by_disease_figure
from .clinical import (challenges_figure, design_disease_heatmap, dose_figure, evidence_map_figure, follow_up_figure,
                       sample_size_figure)
from .common import PALETTE
from .funnel import funnel_figure
from .history import reference_years_figure, timeline_figure
from .mechanisms import (ecm_balance_figure, evidence_stance_figure, mechanism_targets_figure,
                         mediator_target_heatmap, studies_per_source_figure)
from .moderators import bubble_plot
from .registered import registered_target_figure, registered_trials_figure
from .risk_of_bias import summary_figure, traffic_light_figure
from .synthesis import cumulative_figure, forest_plot, trial_size_figure

__all__ = [
    "PALETTE",
    "bubble_plot",
    "challenges_figure",
    "cumulative_figure",
    "design_disease_heatmap",
    "dose_figure",
    "ecm_balance_figure",
    "evidence_map_figure",
    "evidence_stance_figure",
    "follow_up_figure",
    "forest_plot",
    "funnel_figure",
    "mechanism_targets_figure",
    "mediator_target_heatmap",
    "outcome_heatmap",
    "outcomes_by_disease_figure",
    "reference_years_figure",
    "registered_target_figure",
    "registered_trials_figure",
    "sample_size_figure",
    "studies_per_source_figure",
    "summary_figure",
    "timeline_figure",
    "traffic_light_figure",
    "trial_size_figure",
]
