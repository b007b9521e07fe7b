"""Every figure function returns a titled, labelled Figure, for full, filtered and empty data."""
from __future__ import annotations

import pytest
from matplotlib.figure import Figure

import mscteach
from mscteach import evidence, plots


@pytest.fixture(scope="module")
def t():
    return {name: mscteach.load(name) for name in mscteach.list_tables()}


def _figures(t, trials, animals):
    mech = t["mechanisms"]
    return {
        "timeline": plots.timeline_figure(evidence.timeline_between(t["timeline"])),
        "reference_years": plots.reference_years_figure(t["references"], [7, 8]),
        "stance": plots.evidence_stance_figure(t["differentiation"]),
        "sources": plots.studies_per_source_figure(evidence.studies_per_source(trials, animals)),
        "heatmap": plots.mediator_target_heatmap(evidence.mediator_target_matrix(mech)),
        "targets": plots.mechanism_targets_figure(mech, ["innate immunity", "adaptive immunity"]),
        "ecm": plots.ecm_balance_figure(evidence.ecm_balance(), 4),
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
    fig = plots.sample_size_figure(evidence.choose(t["clinical_studies"], study_id="lin2017"))
    widths = sorted(round(p.get_width()) for p in fig.axes[0].patches)
    assert widths == [54, 56]


def test_ecm_figure_is_labelled_as_illustrative():
    fig = plots.ecm_balance_figure(evidence.ecm_balance())
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
    comparison = evidence.trials_against_target(t["clinical_studies"], 200)
    fig = plots.trial_size_figure(comparison, 200, 0.5, 0.6, power=0.9, alpha=0.01)
    title = fig.axes[0].get_title()
    assert "90% power" in title and "α = 0.01" in title and "50.0% vs 60.0%" in title
    five = t["references"].head(5)
    legend = [x.get_text() for x in plots.reference_years_figure(five, [1]).axes[0].get_legend().get_texts()]
    assert legend == ["all references in the data (5)", "cited here (1)"]


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


# ------------------------------------------------------------------ outcome colours come from the schema
def test_an_outcome_the_colours_do_not_know_still_gets_its_bar():
    import pandas as pd

    animal = pd.DataFrame({"disease": ["ALF", "ALF", "HCC", "HCC"], "outcome": ["benefit", "unclear", "unclear", "harm"]})
    ax = plots.outcomes_by_disease_figure(animal).axes[0]
    drawn = _bars(ax)
    assert drawn[("ALF", "unclear")] == 1 and drawn[("HCC", "unclear")] == 1
    assert sum(drawn.values()) == len(animal)
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    assert legend == ["benefit", "harm", "unclear"]  # the schema's outcomes first, in its order
    colours = {c.get_label(): c.patches[0].get_facecolor() for c in ax.containers}
    assert len(set(colours.values())) == 3  # the unknown outcome is not drawn in another outcome's colour


def test_outcome_colours_follow_the_schema(data_copy, monkeypatch):
    import json

    from mscteach.plots.common import outcome_colours

    shipped = outcome_colours()
    assert list(shipped) == mscteach.vocabulary("animal_studies", "outcome")
    descriptor_path = data_copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    animal = next(r for r in descriptor["resources"] if r["name"] == "animal_studies")
    outcome = next(f for f in animal["schema"]["fields"] if f["name"] == "outcome")
    outcome["constraints"]["enum"].insert(1, "unclear")
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setenv(mscteach.ENV_VAR, str(data_copy))
    extended = outcome_colours()
    assert list(extended) == ["benefit", "unclear", "harm", "mixed", "neutral"]
    assert all(extended[o] == shipped[o] for o in shipped)  # today's outcomes keep their colours
    assert extended["unclear"] not in shipped.values()


def test_the_package_offers_every_figure_by_the_name_chapters_and_widgets_use():
    from matplotlib.figure import Figure as MplFigure

    used = {"PALETTE", "bubble_plot", "funnel_figure", "summary_figure", "traffic_light_figure", "challenges_figure", "cumulative_figure", "design_disease_heatmap", "dose_figure",
            "ecm_balance_figure", "evidence_stance_figure", "evidence_map_figure", "follow_up_figure", "forest_plot",
            "mechanism_targets_figure", "mediator_target_heatmap", "outcome_heatmap", "outcomes_by_disease_figure",
            "reference_years_figure", "registered_target_figure", "registered_trials_figure", "sample_size_figure",
            "studies_per_source_figure", "timeline_figure", "trial_size_figure"}
    assert set(plots.__all__) == used
    for name in used - {"PALETTE"}:
        assert getattr(plots, name).__annotations__["return"] in ("Figure", MplFigure), name


def test_registered_trials_figure_says_when_there_are_none():
    import pandas as pd

    columns = ["registry_id", "status", "phase_registered", "start_date", "enrolment", "enrolment_type"]
    fig = plots.registered_trials_figure(pd.DataFrame(columns=columns))
    assert [" ".join(x.get_text() for x in ax.texts) for ax in fig.axes] == ["No registered trials"] * 3
    assert fig.get_suptitle().endswith("(0)")


def test_forest_plot_states_the_confidence_level_the_meta_analysis_used():
    import pandas as pd

    from mscteach import stats

    table = pd.DataFrame({"study": ["A", "B", "C"], "events_treated": [3, 5, 2], "n_treated": [20, 30, 15],
                          "events_control": [6, 9, 3], "n_control": [20, 30, 15]})
    for alpha, level in ((0.05, "95%"), (0.1, "90%")):
        ax = plots.forest_plot(stats.meta_analysis(table, alpha=alpha)).axes[0]
        texts = [x.get_text() for x in ax.texts] + [x.get_text() for x in ax.get_yticklabels()]
        assert f"RR [{level} CI]  weight" in texts and f"{level} prediction interval" in texts
        assert not any(other in text for text in texts for other in {"95%", "90%"} - {level})


# ------------------------------------------------------------------ heatmap labels in both languages
def _heatmaps(t) -> dict:
    from mscteach import chapters

    immune = evidence.choose(t["mechanisms"], category=chapters.IMMUNE_CATEGORIES)
    return {"chapter 3": plots.mediator_target_heatmap(evidence.mediator_target_matrix(immune),
                                                       title="Immune mediators of MSCs and the cells they act on"),
            "every mechanism": plots.mediator_target_heatmap(evidence.mediator_target_matrix(t["mechanisms"])),
            "design x disease": plots.design_disease_heatmap(t["clinical_studies"]),
            "species x disease": plots.outcome_heatmap(t["animal_studies"])}


def _overlapping(boxes) -> list[tuple[int, int]]:
    from itertools import combinations

    return [(i, j) for (i, a), (j, b) in combinations(enumerate(boxes), 2) if a.overlaps(b)]


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_no_two_tick_labels_of_a_heatmap_overlap_in_either_language(t, lang):
    """Chapter 3's heatmap in Persian set its column labels over each other (issue 24): the labels' boxes, as the
    renderer lays them out at the notebook's and at the site's resolution, now keep apart, and every word is shown."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from mscteach import display, i18n

    for name, fig in _heatmaps(t).items():
        english = {ax: [x.get_text() for x in ax.get_xticklabels()] for ax in fig.axes[:1]}
        display.localise_figure(fig, lang)
        for dpi in (80, 144):  # the notebook's and the course site's
            fig.set_dpi(dpi)
            canvas = FigureCanvasAgg(fig)
            canvas.draw()
            renderer = canvas.get_renderer()
            ax = fig.axes[0]
            columns = [x for x in ax.get_xticklabels() if x.get_visible() and x.get_text()]
            rows = [x for x in ax.get_yticklabels() if x.get_visible() and x.get_text()]
            assert len(columns) == len(english[ax]) and rows, name
            for labels in (columns, rows):
                assert _overlapping([x.get_window_extent(renderer) for x in labels]) == [], (name, lang, dpi)
            page = fig.bbox
            for x in columns + rows:  # nothing cut off at the figure's edge
                box = x.get_window_extent(renderer)
                assert box.x0 >= page.x0 - 1 and box.x1 <= page.x1 + 1 and box.y0 >= page.y0 - 1, (name, x.get_text())
            # wrapped, not shortened: every label says all its words, in the language
            shown = ["".join(x.get_text().split()) for x in columns]
            assert shown == ["".join(i18n.text(w, lang).split()) for w in english[ax]], name
