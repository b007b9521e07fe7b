"""Pure analysis functions behind the chapters and explorers."""
from __future__ import annotations

import pandas as pd
import pytest

import mscteach
from mscteach import MscteachError, UnknownNameError, analysis


@pytest.fixture(scope="module")
def t():
    return {name: mscteach.load(name) for name in mscteach.list_tables()}


def test_choose_all_scalar_and_list(t):
    trials = t["clinical_studies"]
    assert len(analysis.choose(trials, disease="all")) == len(trials)
    assert len(analysis.choose(trials, disease=None, design=[])) == len(trials)
    assert set(analysis.choose(trials, design="case report").study_id) == {"calore2018", "vento1996"}
    both = analysis.choose(trials, cell_type=["UC-MSC", "ADRC"], design="RCT")
    assert set(both.study_id) == {"zhang2012", "shi2012"}


def test_choose_on_a_list_column_matches_any_item(t):
    assert analysis.choose(t["clinical_studies"], ref_ids=40).study_id.tolist() == ["vento1996"]


def test_choose_ignores_missing_values_and_rejects_unknown_columns(t):
    assert analysis.choose(t["clinical_studies"], cell_origin="autologous").cell_origin.notna().all()
    with pytest.raises(UnknownNameError, match="unknown column 'desease'.*did you mean 'disease'"):
        analysis.choose(t["clinical_studies"], desease="ACLF")


def test_one_of_accepts_all_and_members_and_suggests(t):
    assert analysis.one_of("all", ["a"], "x") == "all"
    with pytest.raises(UnknownNameError, match="unknown value for source 'Bone marow'.*did you mean 'Bone marrow'"):
        analysis.one_of("Bone marow", t["cell_sources"]["source"], "source")


def test_check_choice_reads_the_schema_vocabulary():
    assert mscteach.check_choice("clinical_studies", "design", "RCT") == "RCT"
    with pytest.raises(UnknownNameError, match="unknown value for disease 'cirrosis'.*did you mean 'cirrhosis'"):
        mscteach.check_choice("clinical_studies", "disease", "cirrosis")


def test_timeline_between_keeps_spans_that_overlap(t):
    events = analysis.timeline_between(t["timeline"], 1965, 1975)
    assert events["year_text"].tolist() == ["1960s-1970s", "1972", "1972"]
    assert analysis.timeline_between(t["timeline"], 1868, 1868)["year"].tolist() == [1868]
    assert analysis.timeline_between(t["timeline"], categories="terminology")["year"].tolist() == [1868, 1888, 1991]
    with pytest.raises(MscteachError, match="reversed"):
        analysis.timeline_between(t["timeline"], 1990, 1900)


def test_further_reading_is_ordered_and_complete(t):
    reading = analysis.further_reading(t["references"], [100, 26, 26])
    assert reading["ref_id"].tolist() == [26, 100]
    assert reading["citation"][0].startswith("Lin BL") and reading["citation"][0].endswith("doi:10.1002/hep.29189")
    with pytest.raises(UnknownNameError):
        analysis.further_reading(t["references"], [0])


def test_references_cited(t):
    assert analysis.references_cited(t["timeline"]) == [7, 8, 9, 10, 11, 12, 13, 14, 15, 16]


def test_studies_per_source_counts_both_kinds_of_evidence(t):
    counts = analysis.studies_per_source(t["clinical_studies"], t["animal_studies"])
    table = counts.pivot(index="cell_type", columns="evidence", values="studies")
    assert table.loc["BM-MSC", "clinical"] == 7
    assert table.loc["UC-MSC", "preclinical"] == 5
    assert counts["studies"].sum() == len(t["animal_studies"]) + (t["clinical_studies"].design != "meta-analysis").sum()
    assert counts["cell_type"].iloc[0] == "BM-MSC"  # most studied first


def test_mediator_target_matrix_splits_lists(t):
    matrix = analysis.mediator_target_matrix(t["mechanisms"], "adaptive immunity")
    assert matrix.loc["MMP-2", "T cell"] == 1 and matrix.loc["MMP-9", "T cell"] == 1
    assert matrix.loc["IDO", "T cell"] == 2
    assert "(none named)" in matrix.index
    assert analysis.mediator_target_matrix(t["mechanisms"], "no such category").empty


def test_mechanisms_matching_uses_exact_items(t):
    found = analysis.mechanisms_matching(t["mechanisms"], target="T cell")
    assert "CD4+ T cell" not in set(found.target)
    assert set(analysis.mechanisms_matching(t["mechanisms"], mediator="PGE2").mechanism_id) == {"M01", "M04"}
    assert analysis.distinct_items(pd.Series(["b; A", "a", None])) == ["A", "a", "b"]


def test_ecm_model_reaches_its_steady_state():
    model = analysis.ecm_balance(analysis.EcmScenario(synthesis=1.0, degradation=0.1, weeks=300))
    final = model[model.week == 300].set_index("arm")["ecm"]
    assert final["without MSCs"] == pytest.approx(10.0, rel=1e-6)  # s / d
    assert final["with MSCs"] == pytest.approx(0.5 / 0.2, rel=1e-6)
    assert model[model.week <= 4].groupby("week")["ecm"].nunique().eq(1).all()  # identical before MSCs


def test_ecm_summary_and_bad_parameters():
    summary = analysis.ecm_summary(analysis.ecm_balance())
    assert summary.loc["without MSCs", "change_vs_untreated_percent"] == 0
    assert summary.loc["with MSCs", "change_vs_untreated_percent"] < 0
    with pytest.raises(MscteachError, match="degradation"):
        analysis.ecm_balance(analysis.EcmScenario(degradation=0))
    with pytest.raises(MscteachError, match="msc_synthesis_block"):
        analysis.ecm_balance(analysis.EcmScenario(msc_synthesis_block=2))


def test_outcome_matrix(t):
    matrix = analysis.outcome_matrix(t["animal_studies"])
    assert matrix.loc["mouse", "NAFLD"] == "3 benefit"
    assert matrix.loc["mouse (nude)", "HCC"] == "1 harm"
    assert matrix.loc["monkey", "NAFLD"] == ""


def test_trial_overview_orders_by_design_strength(t):
    overview = analysis.trial_overview(t["clinical_studies"])
    ranks = analysis.design_rank(overview["design"])
    assert ranks.is_monotonic_increasing
    assert overview.iloc[0]["design"] == "RCT" and overview.iloc[-1]["design"] == "meta-analysis"
    with pytest.raises(UnknownNameError):
        analysis.design_rank(pd.Series(["RCT", "anecdote"]))


def test_check_exclusions(t):
    table = analysis.check_exclusions(t["exclusion_criteria"], ["Substance abuse", "Pregnancy or lactation"])
    assert table["applies"].tolist()[:2] == [True, True] and table["applies"].sum() == 2
    assert not analysis.check_exclusions(t["exclusion_criteria"], [])["applies"].any()
    with pytest.raises(UnknownNameError, match="unknown exclusion criterion 'smoking'"):
        analysis.check_exclusions(t["exclusion_criteria"], ["smoking"])
