"""The curated tables' free text in Persian: every row's Persian twin, in the review's own words where it says so.

Expected values come from the review (data/source/moudi-2025-msc-liver-review.md): a cell marked
``review`` must be found in it; numbers must be those of the English cell, which the data tests
check against the review.
"""
from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal

import pandas as pd
import pytest

import mscteach
from mscteach.cli import main
from mscteach.errors import UnknownNameError
from mscteach.data.language_checks import ORIGIN_FIELD, latin_names, numbers_in, persian_problems
from mscteach.data.localised import UNTRANSLATED, in_language, persian_twins
from mscteach.evidence import mark_from_sources

from .conftest import DATA, add_row, read_rows, set_cell

REVIEW = (DATA / "source" / "moudi-2025-msc-liver-review.md").read_text(encoding="utf-8")

#: Every free-text column with its Persian twin, as the issue asks for them.
TWINS = {
    "clinical_studies": {"efficacy_finding": "efficacy_finding_fa", "safety_finding": "safety_finding_fa"},
    "animal_studies": {"finding": "finding_fa"},
    "mechanisms": {"effect": "effect_fa"},
    "challenges": {"description": "description_fa"},
    "timeline": {"headline": "headline_fa", "event": "event_fa"},
    # the curators' notes are shown where the chapters show the rows' caveats (chapter 2), so they are translated
    "cell_sources": {"properties": "properties_fa", "notes": "notes_fa"},
    "differentiation": {"detail": "detail_fa", "notes": "notes_fa"},
    "exclusion_criteria": {"detail": "detail_fa"},
    "glossary": {"definition": "definition_fa"},
}
PERSIAN_LETTERS = re.compile(r"[\u0600-\u06FF]")


def _resources() -> dict[str, dict]:
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: r for r in package["resources"]}


def _filled(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


#: The review's misprints, read as the words they stand for: فیروز (turquoise) for فیبروز (fibrosis),
#: and BM-MS / UC-MS for BM-MSC / UC-MSC; the Persian cells write the words.
MISPRINTS = ((re.compile("فیروز"), "فیبروز"), (re.compile(r"\b(BM|UC)-MS(?![Cc])"), r"\1-MSC"))
#: A reference number in brackets, "(۹۸)" or "(۱۹-۲۲، ۲۳)": the cells leave out what the ref_ids column holds.
REFERENCE = re.compile(r"\([\d۰-۹،,\s\-–]+\)")
#: Where a cell gives what its English takes from the sources file: "... (…، فایل منابع)" or "فایل منابع: …".
FROM_SOURCES_PART = re.compile(r"\([^()]*فایل منابع\)|فایل منابع:.*$")


def _squeezed(text: str) -> str:
    """The review's text and a cell, compared letter by letter: one spelling of ی and ک, no ZWNJ,
    diacritics, spaces, punctuation, reference numbers or digits' script."""
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans("يكۀة", "یکهه"))
    text = "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Cf"))  # diacritics, ZWNJ
    for misprint, word in MISPRINTS:
        text = misprint.sub(word, text)
    text = REFERENCE.sub(" ", text).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    return re.sub(r"[\W_]+", "", text)


REVIEW_SQUEEZED = _squeezed(REVIEW)


def _quoted_run(cell: str, window: int = 40) -> str | None:
    """A stretch of ``window`` letters of ``cell`` found in the review (all of it, if shorter), or None.

    The parts a cell takes from the sources file are left out first. 40 letters is about eight
    words: no translated cell of the data shares more than 32 letters with the review (phrases such as
    "سلول های بنیادی مزانشیمی" are everywhere), every cell marked ``review`` shares at least 40 or is
    found whole.
    """
    squeezed = _squeezed(FROM_SOURCES_PART.sub(" ", cell))
    if len(squeezed) <= window:
        return squeezed if squeezed and squeezed in REVIEW_SQUEEZED else None
    for start in range(len(squeezed) - window + 1):
        if squeezed[start:start + window] in REVIEW_SQUEEZED:
            return squeezed[start:start + window]
    return None


def _from_sources(row: pd.Series) -> set[str]:
    value = row.get("fields_from_sources")
    return set() if not _filled(value) else {f.strip() for f in value.split(";")}


# --------------------------------------------------------------------------- the schema
def test_every_free_text_column_has_a_persian_twin_declared_with_its_language():
    resources = _resources()
    for table, twins in TWINS.items():
        fields = {f["name"]: f for f in resources[table]["schema"]["fields"]}
        for english, persian in twins.items():
            assert fields[persian]["language"] == "fa" and fields[persian]["translationOf"] == english
            assert fields[persian]["type"] == "string" and not fields[persian].get("constraints", {}).get("required")
        assert fields[ORIGIN_FIELD]["constraints"]["enum"] == ["review", "translated"]
        assert not fields[ORIGIN_FIELD]["constraints"].get("required")
        assert set(persian_twins(mscteach.load(table).columns).items()) == set(twins.items())


def test_the_data_dictionary_documents_every_persian_column():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for twins in TWINS.values():
        for persian in twins.values():
            assert f"`{persian}`" in readme
    assert f"`{ORIGIN_FIELD}`" in readme and "`review`" in readme and "`translated`" in readme


# --------------------------------------------------------------------------- every row filled
@pytest.mark.parametrize("table", sorted(TWINS))
def test_every_shipped_row_has_its_persian_text_and_says_where_it_comes_from(table):
    rows = mscteach.load(table)
    for _, row in rows.iterrows():
        for english, persian in TWINS[table].items():
            assert _filled(row[persian]) == _filled(row[english]), (table, row.iloc[0], persian)
            if _filled(row[persian]):
                assert PERSIAN_LETTERS.search(row[persian]), (table, row.iloc[0], persian)
        assert row[ORIGIN_FIELD] in ("review", "translated")


@pytest.mark.parametrize("table", sorted(TWINS))
def test_every_persian_cell_states_the_numbers_of_its_english_cell(table):
    rows = mscteach.load(table)
    for _, row in rows.iterrows():
        for english, persian in TWINS[table].items():
            if _filled(row[persian]):
                assert numbers_in(row[persian], persian=True) == numbers_in(row[english]), (row.iloc[0], persian)
                assert latin_names(row[persian]) <= latin_names(row[english]), (row.iloc[0], persian)
    resource = _resources()[table]
    text = [*TWINS[table], *TWINS[table].values(), ORIGIN_FIELD]
    columns = {c: [None if pd.isna(v) else v for v in rows[c]] for c in text}
    assert persian_problems(resource["path"], resource["schema"], list(range(2, len(rows) + 2)), columns) == []


def test_numbers_the_review_prints_are_the_persian_cells_numbers():
    """Spot checks against the review's own sentences (Persian digits as it prints them)."""
    clinical = mscteach.load("clinical_studies").set_index("study_id")
    assert "در ۲۴ هفته پس از پیوند" in clinical.loc["kharaziha2009", "safety_finding_fa"]  # the review: ۲۴ هفته
    assert "طی ۲ هفته" in clinical.loc["peng2011", "efficacy_finding_fa"]
    assert "۱۹۲ هفته پیگیری" in clinical.loc["peng2011", "efficacy_finding_fa"]
    assert "مرد ۱۹ ساله ای با سابقه ۴ ساله" in clinical.loc["vento1996", "efficacy_finding_fa"]
    assert "۷۱٫۲٪" in clinical.loc["guo2019", "efficacy_finding_fa"]  # the sources file's 71.2%
    timeline = mscteach.load("timeline")
    assert "دختر ۱۶ ساله" in timeline.loc[timeline["event"].str.contains("16-year-old"), "event_fa"].item()
    differentiation = mscteach.load("differentiation").set_index("item")
    assert "کمتر از ۳ درصد از کل توده کبد" in differentiation.loc[
        "Transdifferentiation below 3% of liver mass", "detail_fa"]


def test_numbers_are_read_back_from_persian_and_arabic_indic_digits():
    assert numbers_in("۰/۵ × ۱۰ و ٧١٫٢", persian=True) == {Decimal("0.5"), Decimal("10"), Decimal("71.2")}
    assert numbers_in("0.5 × 10 and 71.2") == {Decimal("0.5"), Decimal("10"), Decimal("71.2")}
    assert numbers_in("indoleamine 2,3-dioxygenase; 1,000 cells") == {Decimal(2), Decimal(3), Decimal(1000)}
    assert numbers_in("۱٬۰۰۰ سلول", persian=True) == {Decimal(1000)}
    assert numbers_in("G0/G1 and M1/M2", persian=True) == {Decimal(0), Decimal(1), Decimal(2)}
    assert numbers_in("3/4 patients") == {Decimal(3), Decimal(4)}  # a slash is a decimal point in Persian only


# --------------------------------------------------------------------------- the review's own words
def _review_cells() -> list[tuple[str, str, str, str]]:
    cells = []
    for table, twins in TWINS.items():
        rows = mscteach.load(table)
        key = rows.columns[0]
        for _, row in rows.iterrows():
            if row[ORIGIN_FIELD] != "review":
                continue
            for english, persian in twins.items():
                # a headline and a note are the curators' words, as in English; a cell from the sources file is
                # translated
                if english in ("headline", "notes") or english in _from_sources(row) or not _filled(row[persian]):
                    continue
                cells.append((table, str(row[key]), persian, row[persian]))
    return cells


REVIEW_CELLS = _review_cells()


def test_the_review_states_every_row_but_three_outside_the_glossary():
    """The glossary's definitions are mostly the curators' (the review defines few terms); every other row
    follows the review's Persian, except a finding the review does not report (mohamadnejad2013, from the
    sources file) and two mechanisms the curators split off the review's list of soluble factors."""
    translated = {(table, str(row.iloc[0])) for table in TWINS if table != "glossary"
                  for _, row in mscteach.load(table).iterrows() if row[ORIGIN_FIELD] == "translated"}
    assert translated == {("clinical_studies", "mohamadnejad2013"), ("mechanisms", "M04"), ("mechanisms", "M05")}
    assert len(REVIEW_CELLS) > 140
    glossary = mscteach.load("glossary")
    assert 10 <= (glossary[ORIGIN_FIELD] == "review").sum() < len(glossary) / 2


@pytest.mark.parametrize("table, key, column, text", REVIEW_CELLS[::3],
                         ids=[f"{t}-{k}-{c}" for t, k, c, _ in REVIEW_CELLS[::3]])
def test_a_cell_marked_review_is_found_in_the_review(table, key, column, text):
    assert _quoted_run(text), f"{table} {key} {column}: no stretch of the review's text found in {text!r}"


def test_every_cell_marked_review_quotes_the_review_somewhere():
    missing = [(t, k, c) for t, k, c, text in REVIEW_CELLS if not _quoted_run(text)]
    assert missing == []


def test_whole_sentences_are_the_reviews():
    exclusion = mscteach.load("exclusion_criteria")
    listed = ("زنان باردار و شیرده، نارسایی شدید عملکرد قلب یا ریه، سایر اختلالات مهم ارگان ها، سایر بدخیمی های "
              "اثبات شده، پریتونیت خود به خود یا عفونت همزمان، خونریزی فعال دستگاه گوارش")
    assert listed in REVIEW
    for detail in exclusion["detail_fa"]:
        assert _squeezed(detail) in REVIEW_SQUEEZED
    mechanisms = mscteach.load("mechanisms").set_index("mechanism_id")
    sentence = "سلولهای بنیادی مزانشیمی با کاهش سیکلین D2 و تنظیم مثبت p27kip1 باعث توقف چرخه سلولی میشوند"
    assert sentence in REVIEW
    assert _squeezed("سلولهای بنیادی مزانشیمی با کاهش سیکلین D2 و تنظیم مثبت p27kip1 باعث توقف چرخه سلولی") \
        in _squeezed(mechanisms.loc["M06", "effect_fa"])


def test_the_quote_check_finds_no_review_sentence_in_a_translation():
    assert _quoted_run("سلولی استرومایی چند توان که می تواند خود نوسازی کند و به چند رده تمایز یابد") is None
    assert _quoted_run("اصطلاح «سلول بنیادی» اولین بار توسط زیست شناس برجسته آلمانی ارنست هکل")  # the review's
    assert _quoted_run("اصطلاح سلول‌بنیادي اولين بار توسط زيست‌شناس برجسته آلماني ارنست هكل")  # ي, ك, ZWNJ


def test_text_taken_from_the_sources_file_is_a_translation_and_says_so():
    clinical = mscteach.load("clinical_studies").set_index("study_id")
    for study, row in clinical.iterrows():
        persian_from_sources = [c for c in ("efficacy_finding", "safety_finding") if c in _from_sources(row)
                                and _filled(row[f"{c}_fa"])]
        filled = [c for c in ("efficacy_finding", "safety_finding") if _filled(row[f"{c}_fa"])]
        if filled and filled == persian_from_sources:
            assert row[ORIGIN_FIELD] == "translated", study  # nothing of the review's in it
        for column in filled:
            if "source file" in row[column].lower():
                assert "فایل منابع" in row[f"{column}_fa"], (study, column)
    assert clinical.loc["mohamadnejad2013", ORIGIN_FIELD] == "translated"


# --------------------------------------------------------------------------- validation
def test_validate_reports_a_persian_number_that_differs(data_copy, capsys):
    path = data_copy / "clinical_studies.csv"
    rows = read_rows(path)
    line = next(i for i, r in enumerate(rows, start=1) if r[0] == "kharaziha2009")
    persian = rows[line - 1][rows[0].index("safety_finding_fa")]
    set_cell(path, line, "safety_finding_fa", persian.replace("۲۴", "۲۶"))
    (problem,) = mscteach.validate(data_copy)
    assert (problem.file, problem.row, problem.field) == ("data/clinical_studies.csv", line, "safety_finding_fa")
    assert "26" in problem.message and "24" in problem.message and "safety_finding" in problem.message
    assert main(["validate", "--data", str(data_copy)]) != 0
    out = capsys.readouterr()
    printed = out.out + out.err
    assert f"row {line}" in printed and "safety_finding_fa" in printed and "26" in printed and "24" in printed


def test_validate_reports_a_latin_name_the_english_does_not_have(data_copy):
    path = data_copy / "mechanisms.csv"
    set_cell(path, 2, "effect_fa", read_rows(path)[1][read_rows(path)[0].index("effect_fa")] + " (IL-10)")
    problems = mscteach.validate(data_copy)
    assert [(p.row, p.field) for p in problems] == [(2, "effect_fa"), (2, "effect_fa")]  # a number and a name
    assert any("IL" in p.message for p in problems)


def test_a_teacher_may_leave_the_persian_empty(data_copy):
    add_row(data_copy / "animal_studies.csv", {
        "study_id": "teacher2026", "first_author": "Teacher", "author_as_printed": "Teacher", "year": "2024",
        "ref_ids": "71", "species": "mouse", "model": "acetaminophen", "disease": "ALF", "cell_type": "UC-MSC",
        "route": "intravenous", "setting": "in vivo", "outcome": "benefit",
        "finding": "Survival rose from 20% to 60%.", "seed_section": "not in the review",
        "notes": "Added by a teacher."})
    assert mscteach.validate(data_copy) == []
    animals = mscteach.load("animal_studies", data_copy).set_index("study_id")
    shown = in_language(animals, "fa")
    assert shown.attrs[UNTRANSLATED] == [("teacher2026", "finding")]
    assert shown.loc["teacher2026", "finding"] == "Survival rose from 20% to 60%."
    assert PERSIAN_LETTERS.search(shown.loc["liu2014_alf", "finding"])


def test_persian_text_must_say_where_it_comes_from(data_copy):
    set_cell(data_copy / "challenges.csv", 3, ORIGIN_FIELD, "")
    (problem,) = mscteach.validate(data_copy)
    assert (problem.row, problem.field, problem.allowed) == (3, ORIGIN_FIELD, ("review", "translated"))
    set_cell(data_copy / "challenges.csv", 3, ORIGIN_FIELD, "quoted")
    (problem,) = mscteach.validate(data_copy)
    assert problem.field == ORIGIN_FIELD and "review" in problem.message and "translated" in problem.message


# --------------------------------------------------------------------------- shown by language
@pytest.mark.parametrize("table", sorted(TWINS))
def test_in_persian_every_shipped_free_text_cell_is_persian(table):
    rows = mscteach.load(table)
    shown = in_language(rows, "fa")
    assert shown.attrs[UNTRANSLATED] == []
    assert list(shown.columns) == list(rows.columns)
    for english, persian in TWINS[table].items():
        filled = rows[english].map(_filled)
        assert shown.loc[filled, english].tolist() == rows.loc[filled, persian].tolist()


@pytest.mark.parametrize("table", sorted(TWINS))
def test_in_english_the_table_is_unchanged(table):
    rows = mscteach.load(table)
    shown = in_language(rows, "en")
    pd.testing.assert_frame_equal(shown, rows)
    assert shown.attrs[UNTRANSLATED] == []


def test_in_language_keeps_the_sources_marks_and_refuses_an_unknown_language():
    clinical = mscteach.load("clinical_studies").set_index("study_id")
    marked = mark_from_sources(clinical[["efficacy_finding", "efficacy_finding_fa"]], clinical["fields_from_sources"])
    shown = in_language(marked, "fa")
    assert shown.attrs["fields_from_sources"]["mohamadnejad2013"] == ["efficacy_finding"]
    assert shown.loc["mohamadnejad2013", "efficacy_finding"] == clinical.loc["mohamadnejad2013",
                                                                             "efficacy_finding_fa"]
    with pytest.raises(UnknownNameError):
        in_language(clinical, "de")
