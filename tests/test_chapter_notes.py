"""Chapters 3, 5, 6 and 7's data-dependent boxes (mscteach.evidence.chapter_notes): right, and following edits.

Expected values are counted by hand from data/*.csv (the counts are written out
in the comments), or follow from the rows a test adds to a copy of the data.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

import mscteach
from mscteach import evidence

from .conftest import add_row, read_rows, write_rows


def _set(path: Path, key: str, column: str, value: str) -> None:
    rows = read_rows(path)
    header = rows[0]
    for row in rows[1:]:
        if row[0] == key:
            row[header.index(column)] = value
    write_rows(path, rows)


# ---- chapter 3


def test_the_mechanisms_box_counts_single_study_mechanisms_and_the_clinical_ones():
    note = evidence.mechanism_evidence_note(mscteach.load("mechanisms"), mscteach.load("clinical_studies"), "en")
    # mechanisms.csv: 37 rows; ref_ids with no ";" in 32 of them (M01 has 62;63;64, four rows have two refs);
    # of all the mechanisms' refs only 60 (xu2014) is a clinical study's reference
    assert "32 of these 37 mechanisms rest on a single cited study" in note
    assert note.endswith("Only ref 60 is a clinical study in patients.")


def test_the_mechanisms_box_follows_a_mechanism_a_teacher_adds(data_copy):
    add_row(data_copy / "mechanisms.csv", {
        "mechanism_id": "M99", "category": "adaptive immunity", "mediator": "IDO", "target": "T cell",
        "effect": "A teacher's added observation in patients.", "ref_ids": "28",
        "seed_section": "Adaptive immune response and MSCs"})
    note = evidence.mechanism_evidence_note(mscteach.load("mechanisms", data=data_copy),
                                            mscteach.load("clinical_studies", data=data_copy), "en")
    # one more single-reference mechanism, and ref 28 is zhang2012's
    assert "33 of these 38 mechanisms" in note
    assert note.endswith("Only refs 28 and 60 are clinical studies in patients.")


# ---- chapter 5


def test_the_animal_box_counts_species_routes_and_outcomes():
    note = evidence.animal_evidence_note(mscteach.load("animal_studies"), "en")
    # animal_studies.csv, 20 rows: species mouse 7, "mouse (SCID)" 1, "mouse (nude)" 1, rat 3, rodent 1 = 13;
    # species blank in 4; route given in 3 (intravenous 2, peripheral intravenous 1), so 17 blank;
    # outcome benefit 17, harm 2, neutral 1
    assert "Of the 20 preclinical studies, 13 are in mice or rats; 4 name no species and 17 no route" in note
    assert "17 of 20 report benefit" in note


def test_the_animal_box_follows_a_study_a_teacher_adds(data_copy):
    add_row(data_copy / "animal_studies.csv", {
        "study_id": "teacher2025_rat", "first_author": "Teacher", "author_as_printed": "Teacher", "year": "2025",
        "ref_ids": "74", "species": "rat", "disease": "ALF", "cell_type": "BM-MSC", "route": "intravenous",
        "setting": "in vivo", "outcome": "neutral", "finding": "No effect.", "seed_section": "Acute liver injury"})
    note = evidence.animal_evidence_note(mscteach.load("animal_studies", data=data_copy), "en")
    assert "Of the 21 preclinical studies, 14 are in mice or rats; 4 name no species and 17 no route" in note
    assert "17 of 21 report benefit" in note


# ---- chapter 6


def test_the_survival_sentence_names_the_studies_that_give_only_percentages():
    sentence = evidence.survival_reporting_sentence(mscteach.load("outcomes"), mscteach.load("clinical_studies"),
                                                    "en")
    # outcomes.csv: survival rows are lin2017 (73.2% / 55.6%) and guo2019 (71.2% / 52.1%), with no events
    assert sentence.startswith("Survival, the outcome that matters most, is reported only as percentages "
                               "(Lin 2017, Guo 2019), which cannot be turned into counts.")


def test_the_survival_sentence_drops_a_study_once_its_deaths_are_counted(data_copy):
    rows = read_rows(data_copy / "outcomes.csv")
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("study_id")] == "lin2017" and row[header.index("outcome")] == "survival":
            treated = row[header.index("arm_role")] == "treated"
            row[header.index("events")], row[header.index("total")] = ("41", "56") if treated else ("30", "54")
    write_rows(data_copy / "outcomes.csv", rows)
    sentence = evidence.survival_reporting_sentence(mscteach.load("outcomes", data=data_copy),
                                                    mscteach.load("clinical_studies", data=data_copy), "en")
    assert "(Guo 2019)" in sentence and "Lin 2017" not in sentence


# ---- chapter 7


def test_the_sizing_sentence_states_the_trial_s_percentages_and_their_source():
    sentence = evidence.proportions_sentence(mscteach.load("outcomes"), "lin2017", "survival", "en")
    # outcomes.csv rows 3-4: lin2017 survival at 24 weeks, 73.2% treated and 55.6% control, from ref 26's abstract
    assert sentence == ("Survival at 24 weeks was 55.6% in the control arm and 73.2% with MSCs "
                        "(source: abstract of ref 26).")


def test_the_target_sentence_names_what_reaches_the_target():
    # smaller arms per clinical_studies.csv: Lin 2017 54, Guo 2019 (cohort) 282; every RCT's smaller arm <= 54
    sentence = evidence.trials_against_target_sentence(
        evidence.trials_against_target(mscteach.load("clinical_studies"), 115), 115, "en")
    assert sentence == "Every randomised trial in the data is below that size (only Guo 2019 (cohort) is larger)."
    # a target of 50: Lin 2017 (RCT, 54) reaches it, and so do the cohorts Fang 2018 (50) and Guo 2019 (282)
    # and the non-randomised Peng 2011 (53)
    small = evidence.trials_against_target_sentence(
        evidence.trials_against_target(mscteach.load("clinical_studies"), 50), 50, "en")
    assert small.startswith("1 randomised trial in the data reaches that size (Lin 2017); the others are below it")
    assert "Fang 2018 (cohort)" in small and "Peng 2011 (non-randomised controlled)" in small
    assert small.endswith("are larger).")


def test_the_target_sentence_with_no_study_large_enough():
    table = pd.DataFrame({"study": ["A 2020", "B 2021"], "design": ["RCT", "cohort"], "smaller_arm": [10, 20]})
    assert evidence.trials_against_target_sentence(table, 100, "en") == \
        "Every randomised trial in the data is below that size."


def test_the_uncited_challenges_sentence_counts_the_review_s_own_judgements():
    sentence = evidence.uncited_challenges_sentence(mscteach.load("challenges"), "en")
    # challenges.csv, 16 rows; ref_ids blank in 8: minimum cell number, route, timing, follow-up, few/small
    # trials, contraindications, MSC quality, exosomes
    assert sentence.startswith("8 of the 16 challenges in the data are the review's own judgement")
    assert "Follow-up is one of them." in sentence


def test_the_uncited_challenges_sentence_follows_a_citation_a_teacher_adds(data_copy):
    _set(data_copy / "challenges.csv", "Clinical assessment during follow-up", "ref_ids", "26")
    sentence = evidence.uncited_challenges_sentence(mscteach.load("challenges", data=data_copy), "en")
    assert sentence.startswith("7 of the 16 challenges") and "Follow-up is one of them." not in sentence


# ---- briefs: subgroups only where the data permit


def _two_by_two(cells: dict[str, tuple[str, int, int, int, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """outcomes and clinical_studies tables for studies given as id -> (cell type, e1, n1, e2, n2), outcome death."""
    clinical = pd.DataFrame({"study_id": list(cells), "first_author": list(cells), "year": 2020,
                             "cell_type": [c[0] for c in cells.values()], "design": "RCT", "disease": "ACLF"})
    rows = []
    for study, (_, e1, n1, e2, n2) in cells.items():
        rows += [{"study_id": study, "outcome": "death", "outcome_type": "binary", "timepoint": "1 year",
                  "arm_role": "treated", "events": e1,
                  "total": n1},
                 {"study_id": study, "outcome": "death", "outcome_type": "binary", "timepoint": "1 year",
                  "arm_role": "control", "events": e2,
                  "total": n2}]
    return pd.DataFrame(rows).astype({"events": "Int64", "total": "Int64"}), clinical


def test_the_subgroup_statement_runs_the_test_where_two_subgroups_have_two_studies_each():
    outcomes, clinical = _two_by_two({"a1": ("BM-MSC", 10, 100, 20, 100), "a2": ("BM-MSC", 10, 100, 20, 100),
                                      "b1": ("UC-MSC", 20, 100, 20, 100), "b2": ("UC-MSC", 20, 100, 20, 100)})
    sentence = evidence.subgroup_statement(outcomes, clinical, lang="en")
    # by hand: BM log RR ln 0.5, each study's variance 1/10 - 1/100 + 1/20 - 1/100 = 0.13, two alike pool to 0.065
    # (tau² 0); UC log RR 0, variance 0.08 each, pooled 0.04; Q = ln(0.5)² / (0.065 + 0.04) = 4.5757, df 1,
    # p = P(chi²₁ > 4.5757) = 0.0324
    assert sentence.startswith("death at 1 year by cell type: test for subgroup differences Q = 4.58, df = 1, "
                               "p = 0.0324 (4 studies;")


def test_the_subgroup_statement_says_why_there_is_none():
    one_each, clinical = _two_by_two({"a1": ("BM-MSC", 10, 100, 20, 100), "b1": ("UC-MSC", 20, 100, 20, 100),
                                      "b2": ("UC-MSC", 20, 100, 20, 100)})
    assert evidence.subgroup_statement(one_each, clinical, lang="en") == \
        "No subgroup analysis by cell type: no outcome has two or more subgroups of at least 2 studies each."
    # the review's data: severe infection and HCC are each counted by one study only
    assert evidence.subgroup_statement(mscteach.load("outcomes"), mscteach.load("clinical_studies"), lang="en") == \
        "No subgroup analysis: no outcome is counted in both arms by two or more studies."


def test_a_brief_says_why_it_has_no_subgroup_analysis():
    from mscteach.report import sections
    from mscteach.report.content import evidence_brief

    html = "".join(getattr(item, "data", "") or "" for item in sections.effects(evidence_brief({"disease": "ACLF"})))
    assert "No subgroup analysis: no outcome is counted in both arms by two or more studies." in html
