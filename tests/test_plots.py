"""Every figure function returns a titled, labelled Figure, for full, filtered and empty data."""
from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import mscteach
from mscteach import analysis, plots


@pytest.fixture(scope="module")
def t():
    return {name: mscteach.load(name) for name in mscteach.list_tables()}


def _figures(t, trials, animals):
    mech = t["mechanisms"]
    return {
        "timeline": plots.timeline_figure(analysis.timeline_between(t["timeline"])),
        "reference_years": plots.reference_years_figure(t["references"], [7, 8]),
        "stance": plots.evidence_stance_figure(t["differentiation"]),
        "sources": plots.studies_per_source_figure(analysis.studies_per_source(trials, animals)),
        "heatmap": plots.mediator_target_heatmap(analysis.mediator_target_matrix(mech)),
        "targets": plots.mechanism_targets_figure(mech, ["innate immunity", "adaptive immunity"]),
        "ecm": plots.ecm_balance_figure(analysis.ecm_balance(), 4),
        "outcome_heatmap": plots.outcome_heatmap(animals),
        "outcomes": plots.outcomes_by_disease_figure(animals),
        "sample_size": plots.sample_size_figure(trials),
        "dose": plots.dose_figure(trials),
        "design": plots.design_disease_heatmap(trials),
        "follow_up": plots.follow_up_figure(trials),
        "challenges": plots.challenges_figure(t["challenges"]),
    }


def _check(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title()
    assert ax.get_xlabel() or ax.get_ylabel()
    assert fig.get_figwidth() <= 8.5  # fits a notebook column


def test_every_figure_on_the_full_data(t):
    for fig in _figures(t, t["clinical_studies"], t["animal_studies"]).values():
        _check(fig)


def test_every_figure_on_an_empty_selection_says_so(t):
    no_trials = t["clinical_studies"].iloc[0:0]
    no_animals = t["animal_studies"].iloc[0:0]
    for name in ("sample_size", "dose", "follow_up", "outcome_heatmap", "outcomes", "design"):
        fig = _figures(t, no_trials, no_animals)[name]
        _check(fig)
        texts = " ".join(x.get_text() for x in fig.axes[0].texts)
        assert "No " in texts, name


def test_dose_figure_uses_a_log_axis_and_counts_studies_without_a_dose(t):
    fig = plots.dose_figure(t["clinical_studies"])
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    with_dose = t["clinical_studies"][["dose_cells_per_kg", "dose_low_cells_per_kg"]].notna().any(axis=1).sum()
    assert f"{len(t['clinical_studies']) - with_dose} studies give no dose per kg" in ax.get_xlabel()
    assert len(ax.get_yticklabels()) == with_dose


def test_sample_size_bars_match_the_data(t):
    fig = plots.sample_size_figure(analysis.choose(t["clinical_studies"], study_id="lin2017"))
    widths = sorted(round(p.get_width()) for p in fig.axes[0].patches)
    assert widths == [54, 56]


def test_ecm_figure_is_labelled_as_illustrative():
    fig = plots.ecm_balance_figure(analysis.ecm_balance())
    assert "not fitted to data" in fig.axes[0].get_title()


def test_timeline_labels_every_event(t):
    fig = plots.timeline_figure(t["timeline"])
    labels = [x.get_text() for x in fig.axes[0].texts]
    assert len(labels) == len(t["timeline"])
    assert any("Haeckel coins" in label for label in labels)
