"""Each figure's data as a table (issue 24): what a plotting function drew, counted by hand from small tables, and
shown under the figure in a toggle, in the reader's language."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure

import mscteach
from mscteach import display, evidence, plots, stats
from mscteach.render import render
from mscteach.site.rendering import with_figures_in_words


def _rows(fig: Figure) -> list[tuple]:
    table = fig.mscteach_data
    return [tuple(None if v is pd.NA or (isinstance(v, float) and v != v) else v for v in row)
            for row in table.itertuples(index=False)]


# ------------------------------------------------------------------ the tables, counted by hand
def test_the_design_by_disease_table_counts_each_pair_by_hand():
    clinical = pd.DataFrame({"design": ["cohort", "RCT", "RCT", "single-arm", "RCT"],
                             "disease": ["cirrhosis", "ACLF", "cirrhosis", "NAFLD", "cirrhosis"]})
    fig = plots.design_disease_heatmap(clinical)
    # by hand: RCT x cirrhosis 2, RCT x ACLF 1, cohort x cirrhosis 1, single-arm x NAFLD 1; designs strongest
    # first (RCT, cohort, single-arm), diseases in the schema's order (cirrhosis before ACLF before NAFLD)
    assert list(fig.mscteach_data.columns) == ["design", "disease", "studies"]
    assert _rows(fig) == [("RCT", "cirrhosis", 2), ("RCT", "ACLF", 1), ("cohort", "cirrhosis", 1),
                          ("single-arm", "NAFLD", 1)]


def test_the_stance_table_reads_the_bars_from_the_top_with_both_counts():
    differentiation = pd.DataFrame({"kind": ["marker", "marker", "marker", "claim", "claim", "efficiency"],
                                    "stance": ["for", "against", "for", "for", "for", "against"]})
    fig = plots.evidence_stance_figure(differentiation)
    # marker 3 items (2 for, 1 against) is the longest bar, at the top; claim 2 (2 for); efficiency 1 (1 against)
    assert list(fig.mscteach_data.columns) == ["kind of evidence", "for", "against"]
    assert _rows(fig) == [("marker", 2, 1), ("claim", 2, 0), ("efficiency", 0, 1)]
    # the order a reader meets: the axis's labels from the top down
    ax = fig.axes[0]
    top_down = sorted(ax.get_yticklabels(), key=lambda x: -x.get_position()[1])
    assert [x.get_text() for x in top_down] == ["marker", "claim", "efficiency"]


def test_the_preclinical_tables_count_outcomes_by_hand():
    animal = pd.DataFrame({"species": ["mouse", "mouse", "rat", None, "rat"],
                           "disease": ["ALF", "ALF", "HCC", "HCC", "HCC"],
                           "outcome": ["benefit", "harm", "harm", "benefit", "harm"]})
    grid = plots.outcome_heatmap(animal)
    # rows (species) alphabetically, "(not stated)" first; each filled cell with its outcomes
    assert list(grid.mscteach_data.columns) == ["species", "disease modelled", "studies", "benefit", "harm"]
    assert _rows(grid) == [("(not stated)", "HCC", 1, 1, 0), ("mouse", "ALF", 2, 1, 1), ("rat", "HCC", 2, 0, 2)]
    bars = plots.outcomes_by_disease_figure(animal)
    # ALF (benefit 1, harm 1) above HCC (benefit 1, harm 2): the schema lists ALF before HCC
    assert _rows(bars) == [("ALF", 1, 1), ("HCC", 1, 2)]


def test_the_reference_years_table_counts_each_five_year_bin_by_hand():
    references = pd.DataFrame({"ref_id": [1, 2, 3, 4, 5], "year": [1990, 1994, 1995, 2003, 2004]})
    fig = plots.reference_years_figure(references, highlight=[2, 4])
    assert list(fig.mscteach_data.columns) == ["publication year (5-year bins)", "all references in the data (5)",
                                               "cited here (2)"]
    assert _rows(fig) == [("1990-1994", 2, 1), ("1995-1999", 1, 0), ("2000-2004", 2, 1)]


def test_the_sample_size_table_lists_the_largest_study_first_and_leaves_no_arm_blank_made_up():
    clinical = pd.DataFrame({"study_id": ["a", "b", "c", "d"], "first_author": ["Ames", "Bell", "Cole", "Dunn"],
                             "year": [2010, 2012, 2015, 2020], "design": ["RCT", "single-arm", "meta-analysis", "RCT"],
                             "n_total": pd.array([40, 12, 900, 1], dtype="Int64"),
                             "n_treated": pd.array([20, 12, 450, 1], dtype="Int64"),
                             "n_control": pd.array([20, None, 450, None], dtype="Int64")})
    fig = plots.sample_size_figure(clinical)
    # the meta-analysis pools others and Dunn's single patient has no arms: left out
    assert _rows(fig) == [("Ames 2010 (RCT)", 20, 20), ("Bell 2012 (single-arm)", 12, None)]


def test_the_mediator_table_splits_lists_as_the_heatmap_does():
    mechanisms = pd.DataFrame({"category": ["paracrine"] * 3, "mediator": ["IDO; PGE2", "PGE2", None],
                               "target": ["T cell", "T cell; B cell", "B cell"]})
    fig = plots.mediator_target_heatmap(evidence.mediator_target_matrix(mechanisms))
    # by hand: IDO-T cell 1; PGE2-T cell 2 (rows 1 and 2); PGE2-B cell 1; (none named)-B cell 1
    assert _rows(fig) == [("(none named)", "B cell", 1), ("IDO", "T cell", 1), ("PGE2", "B cell", 1),
                          ("PGE2", "T cell", 2)]


def test_the_forest_plot_table_holds_each_study_and_the_pooled_rows():
    from mscteach.datasets import bcg

    fig = plots.forest_plot(stats.meta_analysis(bcg.load(), "RR", method="DL"))
    table = fig.mscteach_data
    assert list(table.columns) == ["study", "RR", "95% CI, low", "95% CI, high", "weight (%)"]
    first = table.iloc[0]
    # Aronson 1948: 4/123 vaccinated and 11/139 controls had tuberculosis
    rr = (4 / 123) / (11 / 139)
    se = math.sqrt(1 / 4 - 1 / 123 + 1 / 11 - 1 / 139)
    assert first["study"] == "Aronson 1948"
    assert first["RR"] == pytest.approx(rr, rel=1e-9)
    assert (first["95% CI, low"], first["95% CI, high"]) == pytest.approx(
        (math.exp(math.log(rr) - 1.959964 * se), math.exp(math.log(rr) + 1.959964 * se)), rel=1e-5)
    assert table["weight (%)"].iloc[:13].sum() == pytest.approx(100)
    # metafor's rma(measure="RR", method="DL") on dat.bcg: log RR -0.7141 (-1.0644, -0.3638)
    pooled = table.set_index("study").loc["Random effects"]
    assert (pooled["RR"], pooled["95% CI, low"], pooled["95% CI, high"]) == pytest.approx(
        (math.exp(-0.7141), math.exp(-1.0644), math.exp(-0.3638)), abs=5e-4)
    assert list(table["study"].iloc[13:]) == ["Random effects", "Fixed effect", "95% prediction interval"]
    assert pd.isna(table["RR"].iloc[-1])  # an interval has no point estimate


def test_the_dose_table_marks_a_dose_from_a_study_s_own_report_and_says_so():
    clinical = pd.DataFrame({"study_id": ["a", "b"], "first_author": ["Ames", "Bell"], "year": [2010, 2012],
                             "cell_type": ["UC-MSC", "BM-MSC"], "dose_cells_per_kg": [5e5, None],
                             "dose_low_cells_per_kg": [None, 1e6], "dose_high_cells_per_kg": [None, 2e6],
                             "fields_from_sources": [None, "dose_low_cells_per_kg; dose_high_cells_per_kg"]})
    fig = plots.dose_figure(clinical)
    assert _rows(fig) == [("Bell 2012", "BM-MSC", "1-2"), ("Ames 2010", "UC-MSC", "0.5")]  # the top row first
    shown = display.figure_data_html(fig, "en")
    assert "<td>1-2 †</td>" in shown and "<td>0.5</td>" in shown
    assert "† from the study&#x27;s published report (sources file), not the review</small>" in shown


# ------------------------------------------------------------------ every figure the chapters and briefs show
def _every_figure(t) -> dict[str, Figure]:
    from mscteach.datasets import bcg
    from mscteach.stats.small_studies import trim_and_fill

    clinical, animal = t["clinical_studies"], t["animal_studies"]
    bcg_table = bcg.load()
    judgments = pd.DataFrame({"study_id": ["a", "b"], "d1": ["low", "high"], "d2": ["low", None],
                              "d3": ["some concerns", "low"], "d4": ["low", "low"], "d5": ["low", "low"],
                              "overall": ["some concerns", "high"]})
    registered = pd.DataFrame({"trial": ["NCT1", "NCT2"], "phase": ["phase 2", "phase 3"], "enrolment": [40, 300],
                               "enrolment_type": ["estimated", None], "share_of_target": [0.17, 1.3]})
    return {
        "timeline": plots.timeline_figure(evidence.timeline_between(t["timeline"])),
        "reference_years": plots.reference_years_figure(t["references"], [7, 8]),
        "stance": plots.evidence_stance_figure(t["differentiation"]),
        "sources": plots.studies_per_source_figure(evidence.studies_per_source(clinical, animal)),
        "heatmap": plots.mediator_target_heatmap(evidence.mediator_target_matrix(t["mechanisms"])),
        "targets": plots.mechanism_targets_figure(t["mechanisms"], ["innate immunity", "adaptive immunity"]),
        "ecm": plots.ecm_balance_figure(evidence.ecm_balance(), 4),
        "outcome_heatmap": plots.outcome_heatmap(animal),
        "outcomes": plots.outcomes_by_disease_figure(animal),
        "sample_size": plots.sample_size_figure(clinical),
        "dose": plots.dose_figure(clinical),
        "design": plots.design_disease_heatmap(clinical),
        "follow_up": plots.follow_up_figure(clinical),
        "evidence_map": plots.evidence_map_figure(clinical),
        "challenges": plots.challenges_figure(t["challenges"]),
        "forest": plots.forest_plot(stats.meta_analysis(bcg_table)),
        "cumulative": plots.cumulative_figure(stats.cumulative_meta_analysis(bcg_table, "year")),
        "trial_size": plots.trial_size_figure(evidence.trials_against_target(clinical, 115), 115, 0.5, 0.35),
        "bubble": plots.bubble_plot(stats.meta_regression(bcg_table, ["latitude"]), "latitude"),
        "funnel": plots.funnel_figure(bcg_table, filled=trim_and_fill(bcg_table)),
        "traffic_light": plots.traffic_light_figure(judgments),
        "rob_summary": plots.summary_figure(judgments),
        "registered_target": plots.registered_target_figure(registered, 115),
    }


@pytest.fixture(scope="module")
def t():
    return {name: mscteach.load(name) for name in mscteach.list_tables()}


def test_every_figure_of_the_chapters_and_briefs_records_the_table_it_drew(t):
    figures = _every_figure(t)
    # every plotting function but the registered trials' panels (tests/test_display.py draws those from imports)
    assert len(figures) == len(plots.__all__) - 2
    for name, fig in figures.items():
        drawn = fig.mscteach_data
        tables = drawn.values() if isinstance(drawn, dict) else [drawn]
        assert all(isinstance(x, pd.DataFrame) and len(x) > 0 for x in tables), name
        shown = display.figure_data_html(fig, "en")
        assert shown.count("<caption>") == len(tables) and "<th scope=\"col\">" in shown, name


def test_bars_are_tabled_in_the_order_a_reader_meets_them(t):
    figures = _every_figure(t)
    for name in ("stance", "sources", "targets", "outcomes", "sample_size", "challenges", "trial_size",
                 "registered_target"):
        ax = figures[name].axes[0]
        ticks = list(ax.get_yticks())
        labels = ax.yaxis.get_major_formatter().format_ticks(ticks)
        top_first = sorted(zip(ticks, labels), key=lambda pair: pair[0], reverse=not ax.yaxis_inverted())
        assert [label for _, label in top_first] == figures[name].mscteach_data.iloc[:, 0].astype(str).to_list(), name


def test_a_figure_without_rows_keeps_only_its_words():
    fig = plots.sample_size_figure(mscteach.load("clinical_studies").iloc[0:0])
    data, metadata = display.figure_png(fig)
    assert "data" not in metadata and metadata["alt"]


# ------------------------------------------------------------------ in the reader's language
def test_a_persian_figure_table_is_in_persian():
    differentiation = pd.DataFrame({"kind": ["marker", "marker", "marker", "inducing factor"],
                                    "stance": ["for", "against", "for", "for"]})
    fig = plots.evidence_stance_figure(differentiation)
    display.localise_figure(fig, "fa")
    shown = display.figure_data_html(fig)
    # the catalogue's Persian: kind of evidence, for, against, marker, inducing factor
    for persian in ("گونه شواهد", "موافق", "مخالف", "نشانگر", "عامل القاکننده"):
        assert persian in shown, persian
    cells = re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", shown)
    assert "۲" in cells and "۱" in cells and not any(re.search(r"[0-9A-Za-z]", c) for c in cells), cells
    caption = re.search(r"<caption>([^<]*)</caption>", shown).group(1)
    assert re.search(r"[\u0600-\u06FF]", caption) and "Hepatocyte" not in caption


def test_a_persian_timeline_table_takes_the_headlines_persian_twins():
    events = evidence.timeline_between(mscteach.load("timeline"), 1860, 1870)
    fig = plots.timeline_figure(events)
    display.localise_figure(fig, "fa")
    shown = display.figure_data_html(fig)
    assert "هکل اصطلاح «سلول بنیادی» را به کار می‌برد" in shown and "Haeckel" not in shown
    assert "۱۸۶۸" in shown and "headline_fa" not in shown
    english = display.figure_data_html(plots.timeline_figure(events), "en")
    assert "Haeckel coins &quot;stem cell&quot;" in english and "هکل" not in english


# ------------------------------------------------------------------ shown under the figure
def test_the_site_shows_the_table_in_a_toggle_after_the_figure_in_words():
    fig = plots.design_disease_heatmap(pd.DataFrame({"design": ["RCT"], "disease": ["ACLF"]}))
    data, metadata = display.figure_png(fig)
    output = {"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {"image/png": metadata}}
    shown = with_figures_in_words([output])
    html = "".join(shown[1]["data"]["text/html"])
    assert html.index('class="mscteach-figure-words"') < html.index('class="mscteach-figure-data"')
    assert "<summary>The figure's data</summary>" in html
    assert re.search(r"<caption>Clinical evidence by design and disease</caption>.*<td>RCT</td><td>ACLF</td>"
                     r"<td class=\"number\">1</td>", html, re.S)
    alone = {"output_type": "display_data", "data": {"image/png": "iVBOR"},
             "metadata": {"image/png": {"alt": "A chart."}}}
    assert "mscteach-figure-data" not in "".join(with_figures_in_words([alone])[1]["data"]["text/html"])


def test_the_static_explorers_figure_template_shows_the_table_when_given_it():
    from markupsafe import Markup

    fig = plots.design_disease_heatmap(pd.DataFrame({"design": ["RCT"], "disease": ["ACLF"]}))
    _, metadata = display.figure_png(fig)
    page = str(render("figure.html.j2", png="iVBOR", width=None, alt=metadata["alt"], caption=metadata["caption"],
                      data=Markup(metadata["data"])))
    assert page.index("</figure>") < page.index('<details class="mscteach-figure-data">')
    assert "<td>RCT</td>" in page
    plain = str(render("figure.html.j2", png="iVBOR", width=None, alt="A chart.", caption="A chart"))
    assert "<details" not in plain
