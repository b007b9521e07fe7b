"""Values from the sources file (data/source/), not the review, are marked † wherever a table shows them.

The expected cells are read by hand from clinical_studies.csv's ``fields_from_sources`` column:

- lin2017: "dose_as_published; dose_low_cells_per_kg; dose_high_cells_per_kg": of the overview's columns only
  the dose (the review's dose shown with the published one) is from the sources file;
- mohamadnejad2013: "aetiology; cell_type; cell_origin; n_total; n_treated; n_control; dose_text; route;
  follow_up_weeks; efficacy_finding; registry_id": cells, origin, both arms, dose and follow-up (not its design);
- shi2012: "aetiology; design; n_total; n_control; control_type; n_infusions; follow_up_weeks": design, the
  control arm and follow-up (not its 24 treated);
- calore2018: empty, so nothing.

Over the overview's columns (study, disease, cells, origin, design, arms, dose, follow-up, references) that makes
2 (kharaziha2009) + 2 (zhang2012) + 5 (elansary2012) + 3 (fang2018) + 6 (mohamadnejad2013) + 3 (nguyen2022)
+ 3 (guo2019) + 2 (sakai2021) + 1 (lin2017) + 3 (xu2014) + 3 (suk2016) + 4 (peng2011) + 3 (shi2012) = 40 cells.
"""
from __future__ import annotations

import re

import pytest

import mscteach
from mscteach import display, evidence, report, widgets
from mscteach.evidence.studies import mark_from_sources

FOOTNOTE = "† from the study&#x27;s published report (sources file), not the review"
CELL = re.compile(r"<td[^>]*>(.*?)</td>")


@pytest.fixture(scope="module")
def clinical():
    return mscteach.load("clinical_studies")


def _rows(page: str) -> dict[str, list[str]]:
    """The cells of each row of an HTML table, by the row's first cell."""
    return {cells[0]: cells for cells in (CELL.findall(row) for row in page.split("<tr>")[2:])}


def _marked(table) -> dict[str, list[str]]:
    """The marked columns of each row of a display table, by the row's study."""
    marks = table.attrs[display.FROM_SOURCES]
    return {table.loc[label, "study"]: columns for label, columns in marks.items()}


def test_the_overview_marks_exactly_the_fields_the_sources_file_gave(clinical):
    marked = _marked(evidence.trial_overview(clinical))
    assert marked["Lin 2017"] == ["dose"]
    assert marked["Mohamadnejad 2013"] == ["cell_type", "cell_origin", "n_treated", "n_control", "dose",
                                           "follow_up_weeks"]
    assert marked["Shi 2012"] == ["design", "n_control", "follow_up_weeks"]
    assert "Calore 2018" not in marked and "Xue 2018" not in marked  # Xue's n_total is not a column here
    assert sum(len(columns) for columns in marked.values()) == 40


def test_a_marked_cell_shows_the_mark_and_the_table_its_footnote(clinical):
    page = display.table_html(evidence.trial_overview(clinical), lang="en")
    rows = _rows(page)
    lin = rows["Lin 2017"]
    assert lin[7].endswith("published: 1.0-10 × 10^5 cells/kg weekly for 4 weeks] †")  # dose
    assert lin[5:7] == ['56', '54']  # arms: the review's, unmarked
    assert rows["Shi 2012"][4:7] == ["RCT †", "24", "19 †"]
    assert page.count("†") == 40 + 1 and page.count(FOOTNOTE) == 1
    assert '<td class="number">19 †</td>' in page  # a number stays a number (right-aligned)


def test_persian_digits_and_footnote(clinical):
    page = display.table_html(evidence.trial_overview(clinical), lang="fa")
    assert '<td class="number">۱۹ †</td>' in page
    assert "† از گزارش منتشر شده خود مطالعه (فایل منابع)، نه از مقاله مروری" in page


def test_a_table_without_marks_has_no_footnote(clinical):
    calore = clinical[clinical["study_id"] == "calore2018"]
    assert "†" not in display.table_html(evidence.trial_overview(calore))
    # a selection without the column: nothing is claimed either way
    assert "†" not in display.table_html(evidence.trial_overview(clinical.drop(columns="fields_from_sources")))


def test_chapter_6s_evidence_table_keeps_its_marks_in_a_selection_of_columns(clinical):
    levels = evidence.evidence_table(clinical)
    shown = levels[["study_id", "design", "evidence_level", "n_treated", "follow_up_weeks", "flags"]]
    rows = _rows(display.table_html(shown))
    assert rows["shi2012"][1:5] == ["RCT †", "1", "24", "48 †"]  # design and follow-up from the sources file
    assert rows["lin2017"][1:5] == ["RCT", "1", "56", "24"]  # the review's
    assert rows["mohamadnejad2013"][3:5] == ["14 †", "52 †"]  # 14 given BM-MSCs, 12 months


def test_the_trial_explorer_marks_them(clinical):
    table, _ = widgets.render_trials(clinical, disease="ACLF", cell_type="all", cell_origin="all", design="RCT")
    assert _marked(table) == {"Shi 2012": ["design", "n_control", "follow_up_weeks"], "Lin 2017": ["dose"]}
    assert FOOTNOTE in display.table_html(table)


def test_the_briefs_tables_mark_them_each_with_its_footnote():
    brief = report.evidence_brief(dict(disease="ACLF", design="RCT"))
    studies, _, found = (item.data for item in report.section(brief, "clinical"))
    rows = _rows(studies)
    # columns: study, disease, cells, design, evidence level, treated, controls, dose, route, follow-up, flags
    assert rows["Shi 2012"][3] == "RCT †" and rows["Shi 2012"][6] == "19 †" and rows["Shi 2012"][9] == "48 †"
    assert rows["Shi 2012"][8] == "cubital (peripheral) vein"  # route: the review's
    assert rows["Lin 2017"][7].endswith("] †") and rows["Lin 2017"][5:7] == ["56", "54"]
    assert studies.count(FOOTNOTE) == 1
    assert "†" not in found  # neither finding of the two trials is from the sources file


def test_one_mark_and_one_key_for_chapters_explorers_and_briefs():
    assert report.SOURCE_MARK is display.SOURCE_MARK == "†"
    # evidence may not import display (display draws): both name the marks by the data's own field
    assert display.FROM_SOURCES == evidence.studies.FIELDS_FROM_SOURCES == "fields_from_sources"


def test_marks_follow_the_index_labels_they_were_given(clinical):
    table = clinical.set_index("study_id")[["n_total", "route", "design"]]
    marked = mark_from_sources(table, clinical.set_index("study_id")["fields_from_sources"])
    assert marked.attrs[display.FROM_SOURCES]["xue2018"] == ["n_total"]
    assert marked.attrs[display.FROM_SOURCES]["sakai2021"] == ["route", "design"]
    assert "lin2017" not in marked.attrs[display.FROM_SOURCES] and "calore2018" not in marked.attrs[display.FROM_SOURCES]
    assert table.attrs == {}  # the table given is left as it was
