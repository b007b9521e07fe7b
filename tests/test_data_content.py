"""The curated data against the review it comes from (kept in data/source/)."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

import mscteach

from .conftest import DATA, REPO

REVIEW = (DATA / "source" / "moudi-2025-msc-liver-review.md").read_text(encoding="utf-8")
BODY = REVIEW[REVIEW.index("## مقدمه"):REVIEW.index("### References")]
DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
CITED_TABLES = ["timeline", "cell_sources", "differentiation", "mechanisms", "animal_studies",
                "clinical_studies", "challenges", "exclusion_criteria"]


def _fa(n: int) -> str:
    return str(n).translate(FA_DIGITS)


def _normalised(text: str) -> str:
    text = text.replace("$", "").replace("\\alpha", "α").replace("\\beta", "β")
    return re.sub(r"\s+", " ", text)


def _numbers_cited_in_body() -> set[int]:
    cited: set[int] = set()
    back = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    for group in re.findall(r"\(([۰-۹،,\-\s]+)\)", BODY):
        for part in re.split(r"[،,]", group.translate(back)):
            part = part.strip()
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-"))
                cited.update(range(lo, hi + 1))
            elif part:
                cited.add(int(part))
    return cited


def test_references_are_numbered_1_to_103_without_gaps():
    refs = mscteach.load("references")
    assert refs["ref_id"].tolist() == list(range(1, 104))


def test_every_reference_number_the_body_cites_is_in_references():
    cited = _numbers_cited_in_body()
    assert cited <= set(range(1, 104))
    assert len(cited) > 90  # the parser really found the citations


@pytest.mark.parametrize("table", CITED_TABLES)
def test_every_ref_id_is_cited_in_the_review_body(table):
    cited = _numbers_cited_in_body()
    used = {r for refs in mscteach.load(table)["ref_ids"] for r in refs}
    assert used <= cited, sorted(used - cited)


@pytest.mark.parametrize("table", CITED_TABLES)
def test_every_seed_section_is_a_heading_of_the_review(table):
    sections = DESCRIPTOR["reviewSections"]
    headings = set(re.findall(r"^#+ (.*)$", REVIEW, re.M))
    assert set(sections.values()) <= headings
    for value in mscteach.load(table)["seed_section"]:
        for part in value.split("; "):
            assert part in sections, f"{table}: unknown section {part!r}"


@pytest.mark.parametrize("table", ["clinical_studies", "animal_studies"])
def test_first_author_and_year_match_the_cited_reference(table):
    refs = mscteach.load("references").set_index("ref_id")
    for row in mscteach.load(table).itertuples():
        ref = refs.loc[row.ref_ids[0]]
        surname = re.split(r" [A-Z]{1,3}(?:,|$)", ref["authors"])[0]
        assert row.first_author == surname, (row.study_id, surname)
        assert row.year == ref["year"], row.study_id


def test_misattributed_authors_are_flagged():
    trials = mscteach.load("clinical_studies").set_index("study_id")
    assert trials.loc["fang2018", "author_as_printed"] == "Neish"
    assert "Fang X" in trials.loc["fang2018", "notes"]
    animals = mscteach.load("animal_studies").set_index("study_id")
    assert animals.loc["li2021_hfd", "author_as_printed"] == "Chen"


PERSIAN_WORDS = {1: "یک", 7: "هفت", 8: "هشت"}


def test_clinical_numbers_not_taken_from_sources_are_printed_in_the_review():
    body = _normalised(BODY)
    for row in mscteach.load("clinical_studies").itertuples():
        from_sources = {f.strip() for f in ("" if pd.isna(row.fields_from_sources) else row.fields_from_sources).split(";")}
        for field in ("n_treated", "n_control", "follow_up_weeks"):
            value = getattr(row, field)
            if pd.isna(value) or field in from_sources or row.design == "case report":
                continue
            forms = [f"{_fa(value)} ", f"{PERSIAN_WORDS.get(value, '???')} "]
            assert any(form in body for form in forms), (row.study_id, field, value)


def test_key_trial_figures_as_the_review_states_them():
    t = mscteach.load("clinical_studies").set_index("study_id")
    assert t.loc["lin2017", ["n_treated", "n_control", "n_infusions", "follow_up_weeks"]].tolist() == [56, 54, 4, 24]
    assert t.loc["lin2017", "dose_text"].startswith("10^5 × 10^-1 cells/kg")  # misprint kept
    assert "implausibly low" in t.loc["lin2017", "notes"]
    assert t.loc["zhang2012", ["n_treated", "n_control"]].tolist() == [30, 15]
    assert t.loc["suk2016", ["n_treated", "n_control"]].tolist() == [48, 24]
    assert t.loc["peng2011", "follow_up_weeks"] == 192
    assert t.loc["shi2012", ["n_treated", "dose_cells_per_kg"]].tolist() == [24, 0.5e6]
    assert t.loc["kharaziha2009", "n_treated"] == 8
    assert t.loc["nguyen2022", "n_treated"] == 19
    assert set(t.loc[t.design == "meta-analysis"].index) == {"xue2018", "liu2022"}
    assert set(t.loc[t.design == "case report"].index) == {"calore2018", "vento1996"}


def test_patient_counts_add_up():
    t = mscteach.load("clinical_studies")
    arms = t[(t.design != "meta-analysis") & t.n_treated.notna()]
    expected = arms.n_treated + arms.n_control.fillna(0)
    assert (arms.n_total == expected).all(), arms.loc[arms.n_total != expected, "study_id"].tolist()


def test_dose_ranges_are_ordered_and_single_doses_are_not_ranges():
    t = mscteach.load("clinical_studies")
    ranged = t.dropna(subset=["dose_low_cells_per_kg", "dose_high_cells_per_kg"])
    assert len(ranged) >= 1 and (ranged.dose_low_cells_per_kg <= ranged.dose_high_cells_per_kg).all()
    assert not (t.dose_cells_per_kg.notna() & t.dose_low_cells_per_kg.notna()).any()


def test_fields_from_sources_name_real_columns():
    t = mscteach.load("clinical_studies")
    for value in t.fields_from_sources.dropna():
        for field in value.split(";"):
            assert field.strip() in t.columns, field


def test_every_timeline_year_is_printed_in_the_review():
    body = _normalised(BODY)
    for row in mscteach.load("timeline").itertuples():
        assert _fa(row.year) in body, row.year


def test_persian_glossary_terms_are_as_the_review_prints_them():
    review = _normalised(REVIEW)
    for row in mscteach.load("glossary").itertuples():
        if not pd.isna(row.term_fa):
            # the one exception: a term the review breaks apart ("آنکوستاتین (OSM) M") is put back together, and the
            # note quotes the review's own form, which must be in the review
            note = "" if pd.isna(row.term_fa_note) else row.term_fa_note
            printed = re.findall(r'"([^"]*[\u0600-\u06FF][^"]*)"', note)
            assert row.term_fa in review or (printed and all(p in review for p in printed)
                                             and "puts it back" in note), row.term
    assert mscteach.load("glossary").set_index("abbreviation").loc["OSM", "term_fa"] == "آنکوستاتین M"


def test_a_glossary_term_without_a_persian_term_says_why_and_the_review_bears_it_out():
    glossary = mscteach.load("glossary")
    assert (glossary.term_fa_note[glossary.term_fa.isna()].notna()).all()  # no Persian term: the note says why
    # a note beside a Persian term says how the review garbles it, or that the abbreviation is not the review's
    both = glossary[glossary.term_fa.notna() & glossary.term_fa_note.notna()]
    assert set(both.term) == {"Oncostatin M", "Hepatocyte nuclear factor 4α", "Insulin-like growth factor",
                              "Transdifferentiation", "Orthotopic liver transplantation",
                              "Instant blood-mediated inflammatory reaction", "Acetaminophen (paracetamol)",
                              "Acute lymphoblastic leukaemia", "Acute myeloid leukaemia"}
    for row in both.itertuples():
        named = re.findall(r"abbreviation (\S+) is not in the review", row.term_fa_note)
        assert all(abbreviation not in REVIEW for abbreviation in named), row.term
        assert named or "review prints" in row.term_fa_note, row.term
    body = _normalised(BODY)
    references = mscteach.load("references").set_index("ref_id")
    missing = glossary[glossary.term_fa.isna()]
    assert len(missing) == 8 and len(glossary) - len(missing) == 90
    for row in missing.itertuples():
        note = row.term_fa_note
        if "in Latin letters" in note or "writes the Latin abbreviation" in note:
            latin = re.findall(r"(TGF-β1|Smad|Jagged-1|HepG2|H7402)", note)
            compact = body.replace(" ", "")  # the review typesets "TGF- $\\beta$ 1"
            assert latin and all(word in compact for word in latin), (row.term, latin)
        else:  # named only in the English titles of the references the note gives
            cited = [int(n) for n in re.findall(r"\b(\d+)\b", note.split("(")[0] + note)]
            titles = " ".join(references.loc[n, "title"] for n in set(cited))
            shown = (row.abbreviation if isinstance(row.abbreviation, str) else row.term.split()[0]).lower()
            assert cited and (shown in titles.lower() or "haplidentical" in titles.lower()), (row.term, cited)
            assert shown not in body.lower(), row.term


def test_every_exclusion_criterion_of_the_review_is_recorded():
    criteria = set(mscteach.load("exclusion_criteria")["criterion"])
    assert len(criteria) == 7
    assert {"Pregnancy or lactation", "Substance abuse", "Active gastrointestinal bleeding"} <= criteria


def test_hcc_studies_show_both_edges_of_the_sword():
    hcc = mscteach.load("animal_studies").query("disease == 'HCC'")
    assert {"benefit", "harm"} <= set(hcc["outcome"])


SOURCES = (DATA / "source" / "clinical-studies-published-figures.md").read_text(encoding="utf-8")


def _identifiers_in_sources() -> dict[int, dict[str, str]]:
    """Reference number -> {"pmid": ..., "doi": ...} as the sources file states them."""
    found: dict[int, dict[str, str]] = {}
    for line in SOURCES.splitlines():
        ref = re.search(r"\((?:review )?ref (\d+)\)", line)
        if not ref:
            continue
        ids = {kind.lower(): value for kind, value in re.findall(r"\b(PMID|DOI) (\S+?)[:,;]?(?:\s|$)", line)}
        if ids:
            found[int(ref.group(1))] = ids
    return found


def test_identifiers_only_where_a_source_gives_them():
    refs = mscteach.load("references").set_index("ref_id")
    stated = _identifiers_in_sources()
    assert len(stated) >= 10  # the parser really read the file
    with_ids = refs[refs.doi.notna() | refs.pmid.notna()]
    assert set(with_ids.index) == set(stated)
    assert with_ids.id_source.notna().all()
    for ref_id, ids in stated.items():
        for kind in ("doi", "pmid"):
            value = refs.loc[ref_id, kind]
            assert (None if pd.isna(value) else value) == ids.get(kind), (ref_id, kind)


# ------------------------------------------------------------------ curation corrections (audit against the review)
def test_fields_from_sources_are_exactly_the_fields_the_review_does_not_give():
    trials = mscteach.load("clinical_studies").set_index("study_id")
    from_sources = {s: set(map(str.strip, v.split(";"))) for s, v in trials["fields_from_sources"].dropna().items()}
    # Mohamadnejad 2013: neither the review nor the sources file gives the number of infusions
    assert pd.isna(trials.loc["mohamadnejad2013", "n_infusions"])
    assert "n_infusions" not in from_sources["mohamadnejad2013"]
    assert "number of infusions" not in SOURCES[SOURCES.index("## Mohamadnejad"):SOURCES.index("## Kharaziha")]
    # Sakai 2021: the review says NAFLD; NASH is the sources file's word
    assert trials.loc["sakai2021", "aetiology"] == "NASH" and "aetiology" in from_sources["sakai2021"]
    assert "NASH" not in BODY[BODY.index("(۳۶)") - 400:BODY.index("(۳۶)") + 300]
    assert "cirrhosis from NASH" in SOURCES


def test_the_review_names_seven_sources_in_the_sentence_citing_41():
    sentence = next(s for s in re.split(r"(?<=[.)])\s", BODY) if "(۴۱)" in s)
    named = ["خون بند ناف", "بافت چربی", "کبد", "ریه", "درم", "غشای آمیوتیک", "خون قاعدگی"]
    assert all(word in sentence for word in named) and "مغز استخوان" not in sentence
    cited = mscteach.load("cell_sources")
    assert (cited["ref_ids"].map(lambda refs: 41 in refs)).sum() == len(named)
    chapter = (REPO / "notebooks" / "02_differentiation.ipynb").read_text(encoding="utf-8")
    assert "nine tissue sources [41]" not in chapter and "names seven" in chapter


def test_curation_notes_say_where_the_review_is_doubtful():
    trials = mscteach.load("clinical_studies").set_index("study_id")
    lin = trials.loc["lin2017"]
    assert "10^4 cells/kg" in lin["notes"] and "implausibly low" in lin["notes"] and "impossible" not in \
        lin["notes"].replace("not impossible", "")
    assert lin["dose_as_published"] == "1.0-10 × 10^5 cells/kg weekly for 4 weeks"
    assert "Dose 1.0-10 × 10^5 cells/kg weekly for 4 weeks (abstract)" in SOURCES
    mechanisms = mscteach.load("mechanisms").set_index("mechanism_id")
    animals = mscteach.load("animal_studies").set_index("study_id")
    for note in (mechanisms.loc["M16", "notes"], mechanisms.loc["M20", "notes"], animals.loc["jang2014_taa", "notes"]):
        assert "no citation" in note and "neighbouring reference" in note or "nearest preceding citation" in note
    # the review's sentence after ref 74 really has no citation before ref 75
    after_74 = BODY[BODY.index("(۷۴)") + 4:BODY.index("(۷۵)")]
    assert "هیدروکسی پرولین" in after_74 and "Smad" in after_74 and "(" not in after_74.replace("(bone", "")
    timeline = mscteach.load("timeline").set_index("year_text")
    assert "1998" in timeline.loc["1991", "notes"] and "review's wording" in timeline.loc["1991", "notes"]
    assert "transient engraftment" in timeline.loc["1957", "notes"]
    assert "رد پیوند" in BODY  # the review's own words for 1957


def _chapter_markdown(name: str) -> str:
    nb = json.loads((REPO / "notebooks" / name).read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_chapters_attribute_claims_as_the_review_does():
    trials = _chapter_markdown("06_clinical_trials.ipynb")
    # ref 24: the review says only that short-term results need multiple doses
    assert not re.search(r"\[24, 25\] found better liver function", trials)
    assert "multiple doses" in trials
    # ref 39: remission under the transplant's immunosuppression, not a cure
    sentence = next(s for s in trials.split(". ") if "[39" in s)
    assert "cured" not in sentence and "immunosuppress" in sentence
    # Lin 2017's survival figures come from its published abstract, not the review
    for name in ("06_clinical_trials.ipynb", "07_challenges.ipynb"):
        text = _chapter_markdown(name)
        for paragraph in text.split("\n\n"):
            if "73.2%" in paragraph:
                assert "abstract" in paragraph, paragraph
    assert "۷۳٫۲" not in BODY and "73.2" not in BODY
