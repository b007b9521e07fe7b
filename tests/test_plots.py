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


# ------------------------------------------------------------------ what the figures draw is what the data says
def _bars(ax) -> dict[tuple[str, str], float]:
    """(y label, legend label) -> width of each drawn bar."""
    labels = [t.get_text() for t in ax.get_yticklabels()]
    drawn = {}
    for container in ax.containers:
        for label, patch in zip(labels, container.patches):
            drawn[(label, container.get_label())] = patch.get_width()
    return drawn


def test_mechanism_targets_are_stacked_not_hidden():
    import pandas as pd

    mechanisms = pd.DataFrame({"mechanism_id": ["A", "B", "C", "D"], "category": ["x", "y", "y", "x"],
                               "target": ["T cell; B cell", "T cell", "T cell", "B cell"]})
    fig = plots.mechanism_targets_figure(mechanisms, ["x", "y"])
    ax = fig.axes[0]
    # by hand: T cell is targeted by A (x), B (y) and C (y); B cell by A (x) and D (x)
    assert _bars(ax) == {("T cell", "x"): 1, ("T cell", "y"): 2, ("B cell", "x"): 2, ("B cell", "y"): 0}
    lefts = {(label.get_text(), c.get_label()): p.get_x() for c in ax.containers
             for label, p in zip(ax.get_yticklabels(), c.patches)}
    assert lefts[("T cell", "y")] == 1  # stacked after the x bar, not drawn over it
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B cell", "T cell"]  # most-targeted on top


def test_mechanism_targets_match_a_crosstab_of_the_review_data(t):
    import pandas as pd

    categories = ["innate immunity", "adaptive immunity", "immunomodulation (general)"]
    chosen = t["mechanisms"][t["mechanisms"]["category"].isin(categories)]
    pairs = [(target.strip(), c) for targets, c in zip(chosen["target"], chosen["category"])
             for target in targets.split(";")]
    expected = pd.crosstab(pd.Series([p[0] for p in pairs]), pd.Series([p[1] for p in pairs]))
    drawn = _bars(plots.mechanism_targets_figure(t["mechanisms"], categories).axes[0])
    assert sum(drawn.values()) == len(pairs)
    for (target, category), width in drawn.items():
        assert width == expected.loc[target, category]


def test_figure_text_is_computed_from_the_arguments(t):
    comparison = analysis.trials_against_target(t["clinical_studies"], 200)
    fig = plots.trial_size_figure(comparison, 200, 0.5, 0.6, power=0.9, alpha=0.01)
    title = fig.axes[0].get_title()
    assert "90% power" in title and "α = 0.01" in title and "50.0% vs 60.0%" in title
    five = t["references"].head(5)
    legend = [x.get_text() for x in plots.reference_years_figure(five, [1]).axes[0].get_legend().get_texts()]
    assert legend == ["all 5 references", "cited here (1)"]


def test_count_heatmaps_have_whole_number_colour_bars_and_a_one_differs_from_zero():
    import pandas as pd

    animal = pd.DataFrame({"species": ["mouse", "rat", "rat", "rat"], "disease": ["ALF", "HCC", "HCC", "HCC"],
                           "outcome": ["benefit", "harm", "harm", "benefit"]})
    fig = plots.outcome_heatmap(animal)
    mesh = fig.axes[0].collections[0]
    colourbar = fig.axes[1]
    ticks = [float(x.get_text().replace("−", "-")) for x in colourbar.get_yticklabels() if x.get_text()]
    assert ticks and all(v.is_integer() for v in ticks)
    values = mesh.get_array()
    # mouse/ALF holds 1 and is drawn; mouse/HCC holds 0 and is left empty (masked)
    grid = pd.DataFrame([[1, 0], [0, 3]])
    assert list(values.mask.ravel()) == list((grid == 0).to_numpy().ravel())
    colours = mesh.get_facecolors()
    assert len(colours) == 4 and tuple(colours[0]) != (1.0, 1.0, 1.0, 1.0)


def test_the_dose_figure_marks_doses_taken_from_published_sources(t):
    fig = plots.dose_figure(t["clinical_studies"])
    labels = [x.get_text() for x in fig.axes[0].get_yticklabels()]
    assert "Lin 2017 † (BM-MSC)" in labels and "Shi 2012 (UC-MSC)" in labels  # Shi's dose is the review's
    assert "† dose from the study's published report" in fig.axes[0].get_xlabel()
