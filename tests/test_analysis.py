"""Pure analysis functions behind the chapters and explorers."""
from __future__ import annotations

import subprocess
import sys
import warnings

import pandas as pd
import pytest

import mscteach
from mscteach import MscteachError, UnknownNameError, evidence


@pytest.fixture(scope="module")
def t():
    return {name: mscteach.load(name) for name in mscteach.list_tables()}


def test_choose_all_scalar_and_list(t):
    trials = t["clinical_studies"]
    assert len(evidence.choose(trials, disease="all")) == len(trials)
    assert len(evidence.choose(trials, disease=None, design=[])) == len(trials)
    assert set(evidence.choose(trials, design="case report").study_id) == {"calore2018", "vento1996"}
    both = evidence.choose(trials, cell_type=["UC-MSC", "ADRC"], design="RCT")
    assert set(both.study_id) == {"zhang2012", "shi2012"}


def test_choose_on_a_list_column_matches_any_item(t):
    assert evidence.choose(t["clinical_studies"], ref_ids=40).study_id.tolist() == ["vento1996"]


def test_choose_ignores_missing_values_and_rejects_unknown_columns(t):
    assert evidence.choose(t["clinical_studies"], cell_origin="autologous").cell_origin.notna().all()
    with pytest.raises(UnknownNameError, match="unknown column 'desease'.*did you mean 'disease'"):
        evidence.choose(t["clinical_studies"], desease="ACLF")


def test_one_of_accepts_all_and_members_and_suggests(t):
    assert evidence.one_of("all", ["a"], "x") == "all"
    with pytest.raises(UnknownNameError, match="unknown value for source 'Bone marow'.*did you mean 'Bone marrow'"):
        evidence.one_of("Bone marow", t["cell_sources"]["source"], "source")


def test_check_choice_reads_the_schema_vocabulary():
    assert mscteach.check_choice("clinical_studies", "design", "RCT") == "RCT"
    with pytest.raises(UnknownNameError, match="unknown value for disease 'cirrosis'.*did you mean 'cirrhosis'"):
        mscteach.check_choice("clinical_studies", "disease", "cirrosis")


def _timeline(*events) -> pd.DataFrame:
    """A small timeline whose answers are known by construction: (year, year_end, category, ref_ids)."""
    return pd.DataFrame({
        "year": pd.array([e[0] for e in events], dtype="Int64"),
        "year_end": pd.array([e[1] for e in events], dtype="Int64"),
        "year_text": [str(e[0]) if e[1] is None else f"{e[0]}-{e[1]}" for e in events],
        "category": [e[2] for e in events],
        "ref_ids": [list(e[3]) for e in events]})


SMALL_TIMELINE = _timeline((1900, None, "a", [3]), (1950, 1970, "b", [1, 2]), (1972, None, "a", []),
                           (1972, None, "b", [2]), (1990, None, "a", [5]))


def test_timeline_between_keeps_spans_that_overlap():
    # 1965-1975 overlaps the 1950-1970 span and both 1972 events, nothing else
    assert evidence.timeline_between(SMALL_TIMELINE, 1965, 1975)["year_text"].tolist() == ["1950-1970", "1972", "1972"]
    assert evidence.timeline_between(SMALL_TIMELINE, 1900, 1900)["year"].tolist() == [1900]
    assert evidence.timeline_between(SMALL_TIMELINE, categories="a")["year"].tolist() == [1900, 1972, 1990]
    with pytest.raises(MscteachError, match="reversed"):
        evidence.timeline_between(SMALL_TIMELINE, 1990, 1900)


def test_year_span_counts_a_span_to_its_last_year():
    assert evidence.year_span(SMALL_TIMELINE) == (1900, 1990)
    assert evidence.year_span(_timeline((1950, 2000, "a", []), (1960, None, "a", []))) == (1950, 2000)


def test_further_reading_is_ordered_and_complete(t):
    reading = evidence.further_reading(t["references"], [100, 26, 26])
    assert reading["ref_id"].tolist() == [26, 100]
    assert reading["citation"][0].startswith("Lin BL") and reading["citation"][0].endswith("doi:10.1002/hep.29189")
    with pytest.raises(UnknownNameError):
        evidence.further_reading(t["references"], [0])


def test_references_cited():
    assert evidence.references_cited(SMALL_TIMELINE) == [1, 2, 3, 5]


def test_studies_per_source_counts_both_kinds_of_evidence():
    clinical = pd.DataFrame({"cell_type": ["BM-MSC", "BM-MSC", "UC-MSC", "MSC"],
                             "design": ["RCT", "cohort", "RCT", "meta-analysis"]})
    animal = pd.DataFrame({"cell_type": ["UC-MSC (human)", "BM-MSC", "adipose-derived MSC", "MSC"]})
    counts = evidence.studies_per_source(clinical, animal)
    table = counts.pivot(index="cell_type", columns="evidence", values="studies")
    # BM-MSC: 2 clinical + 1 preclinical; the meta-analysis is left out; "MSC" (animal) is "other"
    assert table.loc["BM-MSC", "clinical"] == 2 and table.loc["BM-MSC", "preclinical"] == 1
    assert table.loc["UC-MSC", "clinical"] == 1 and table.loc["UC-MSC", "preclinical"] == 1
    assert table.loc["adipose MSC", "preclinical"] == 1
    assert table.loc["MSC (other or unspecified)", "preclinical"] == 1
    assert counts["studies"].sum() == 3 + 4
    assert counts["cell_type"].iloc[0] == "BM-MSC"  # most studied first


MECHANISMS = pd.DataFrame({
    "mechanism_id": ["A", "B", "C", "D"],
    "category": ["x", "x", "y", "x"],
    "mediator": ["MMP-2; MMP-9", "IDO", "IDO; PGE2", None],
    "target": ["T cell", "T cell; CD4+ T cell", "macrophage", "B cell"]})


def test_mediator_target_matrix_splits_lists():
    matrix = evidence.mediator_target_matrix(MECHANISMS, "x")
    assert matrix.loc["MMP-2", "T cell"] == 1 and matrix.loc["MMP-9", "T cell"] == 1
    assert matrix.loc["IDO", "T cell"] == 1 and matrix.loc["IDO", "CD4+ T cell"] == 1
    assert matrix.loc["(none named)", "B cell"] == 1
    assert int(matrix.to_numpy().sum()) == 5  # 2 + 2 + 1 pairs in category x
    assert evidence.mediator_target_matrix(MECHANISMS, "no such category").empty


def test_mechanisms_matching_uses_exact_items():
    assert evidence.mechanisms_matching(MECHANISMS, target="T cell")["mechanism_id"].tolist() == ["A", "B"]
    assert evidence.mechanisms_matching(MECHANISMS, target="CD4+ T cell")["mechanism_id"].tolist() == ["B"]
    assert evidence.mechanisms_matching(MECHANISMS, mediator="IDO")["mechanism_id"].tolist() == ["B", "C"]
    assert evidence.mechanisms_matching(MECHANISMS, category="y", mediator="IDO")["mechanism_id"].tolist() == ["C"]
    assert evidence.distinct_items(pd.Series(["b; A", "a", None])) == ["A", "a", "b"]


def test_ecm_model_reaches_its_steady_state():
    model = evidence.ecm_balance(evidence.EcmScenario(synthesis=1.0, degradation=0.1, weeks=300))
    final = model[model.week == 300].set_index("arm")["ecm"]
    assert final["without MSCs"] == pytest.approx(10.0, rel=1e-6)  # s / d
    assert final["with MSCs"] == pytest.approx(0.5 / 0.2, rel=1e-6)
    assert model[model.week <= 4].groupby("week")["ecm"].nunique().eq(1).all()  # identical before MSCs


def test_ecm_summary_and_bad_parameters():
    summary = evidence.ecm_summary(evidence.ecm_balance())
    assert summary.loc["without MSCs", "change_vs_untreated_percent"] == 0
    assert summary.loc["with MSCs", "change_vs_untreated_percent"] < 0
    with pytest.raises(MscteachError, match="degradation"):
        evidence.ecm_balance(evidence.EcmScenario(degradation=0))
    with pytest.raises(MscteachError, match="msc_synthesis_block"):
        evidence.ecm_balance(evidence.EcmScenario(msc_synthesis_block=2))


def test_outcome_matrix():
    animal = pd.DataFrame({"species": ["mouse", "mouse", "mouse", "rat", None],
                           "disease": ["NAFLD", "NAFLD", "HCC", "NAFLD", "HCC"],
                           "outcome": ["benefit", "benefit", "harm", "benefit", "mixed"]})
    matrix = evidence.outcome_matrix(animal)
    assert matrix.loc["mouse", "NAFLD"] == "2 benefit"
    assert matrix.loc["mouse", "HCC"] == "1 harm"
    assert matrix.loc["rat", "HCC"] == ""
    assert matrix.loc["(not stated)", "HCC"] == "1 mixed"


def test_trial_overview_orders_by_design_strength(t):
    overview = evidence.trial_overview(t["clinical_studies"])
    ranks = evidence.design_rank(overview["design"])
    assert ranks.is_monotonic_increasing
    assert overview.iloc[0]["design"] == "RCT" and overview.iloc[-1]["design"] == "meta-analysis"
    with pytest.raises(UnknownNameError):
        evidence.design_rank(pd.Series(["RCT", "anecdote"]))


def test_check_exclusions(t):
    table = evidence.check_exclusions(t["exclusion_criteria"], ["Substance abuse", "Pregnancy or lactation"])
    assert table["applies"].tolist()[:2] == [True, True] and table["applies"].sum() == 2
    assert not evidence.check_exclusions(t["exclusion_criteria"], [])["applies"].any()
    with pytest.raises(UnknownNameError, match="unknown exclusion criterion 'smoking'"):
        evidence.check_exclusions(t["exclusion_criteria"], ["smoking"])


@pytest.mark.parametrize("old, new", [("analysis", "mscteach.evidence and mscteach.stats"),
                                      ("grade", "mscteach.stats.grade")])
def test_the_old_module_names_warn_that_they_have_moved(old, new):
    code = ("import warnings; warnings.simplefilter('error', DeprecationWarning)\n"
            f"try:\n    import mscteach.{old}\nexcept DeprecationWarning as w:\n    print(w)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == f"mscteach.{old} has moved to {new}"


def test_the_old_module_names_re_export_the_same_objects():
    from mscteach import stats
    from mscteach.stats import grade as new_grade

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from mscteach import analysis, grade
    for name in analysis.__all__:
        moved = getattr(evidence, name, None) if name in evidence.__all__ else getattr(stats, name)
        assert getattr(analysis, name) is moved, name
    assert analysis.pool is stats.pool and analysis.caveats_for is evidence.caveats_for
    assert analysis.MscteachError is MscteachError and analysis.MEASURES is stats.MEASURES
    for name in [*grade.__all__, "FIRST_PASS"]:
        assert getattr(grade, name) is getattr(new_grade, name), name
    assert grade.summary_of_findings is stats.summary_of_findings
