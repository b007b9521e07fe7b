"""Every output names the data it was made from, and a teacher's rows are called added, never the review's.

The modified folder is a copy of the shipped data edited by hand here (``teacher_copy``): reference 104, a study
citing it (a copy of shi2012 as teacher2025), an outcome of that study, shi2012's dose edited, the timeline's last
event removed, and the schema's ``ref_id`` maximum raised so 104 is allowed. Every expected count below is that
edit's, counted by hand.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from mscteach import report
from mscteach.data import content_hash
from mscteach.data.provenance import compare_data, provenance_of
from mscteach.report.sections import section
from mscteach.site import pages
from mscteach.site.config import CONF_DIR, sphinx_config

from .conftest import DATA, read_rows, set_cell, write_rows

RLM = "\u200f"  # Persian digits after Latin text carry a right-to-left mark (mscteach.i18n.say)
#: What the hand edit of ``teacher_copy`` changed, table by table, in the datapackage's table order.
CHANGES = ("1 row added in references; 1 row removed in timeline; 1 row added, 1 row changed in clinical_studies; "
           "1 row added in outcomes; other changes in datapackage.json")


def _append(path: Path, values: dict[str, str], like: str | None = None) -> None:
    """Add a row: a copy of the row whose first cell is ``like`` (or an empty row) with ``values`` set."""
    rows = read_rows(path)
    header = rows[0]
    row = list(next(r for r in rows if r[0] == like)) if like else [""] * len(header)
    for column, value in values.items():
        row[header.index(column)] = value
    write_rows(path, rows + [row])


@pytest.fixture
def teacher_copy(data_copy: Path) -> Path:
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    references = next(r for r in descriptor["resources"] if r["name"] == "references")
    ref_id = next(f for f in references["schema"]["fields"] if f["name"] == "ref_id")
    ref_id.setdefault("constraints", {})["maximum"] = 999
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
    _append(data_copy / "references.csv", {"ref_id": "104", "title": "A teacher's 2025 trial", "year": "2025",
                                           "doi": "", "pmid": ""}, like="103")
    _append(data_copy / "clinical_studies.csv", {"study_id": "teacher2025", "first_author": "Teacher",
                                                 "author_as_printed": "Teacher", "year": "2025", "ref_ids": "104"},
            like="shi2012")
    rows = read_rows(data_copy / "clinical_studies.csv")
    shi = next(i for i, r in enumerate(rows, start=1) if r[0] == "shi2012")
    set_cell(data_copy / "clinical_studies.csv", shi, "dose_text", "0.5 × 10^6 cells/kg (edited by a teacher)")
    outcomes = read_rows(data_copy / "outcomes.csv")
    _append(data_copy / "outcomes.csv", {
        "outcome_row": str(max(int(r[0]) for r in outcomes[1:]) + 1), "study_id": "teacher2025", "ref_ids": "104",
        "outcome": "severe infection", "outcome_type": "binary", "arm": "MSC", "arm_role": "treated",
        "events": "2", "total": "24", "source": "a teacher's reading of the trial"})
    timeline = read_rows(data_copy / "timeline.csv")
    write_rows(data_copy / "timeline.csv", timeline[:-1])
    return data_copy


# --------------------------------------------------------------------------- the summary
def test_the_packaged_data_is_the_reviews_curated_data():
    made = provenance_of()
    short = content_hash(DATA)[:12]
    assert made.packaged and made.label == "packaged" and not made.changes
    assert made.summary() == f"the review's curated data (data {short})"
    assert made.summary("fa") == f"داده های گردآوری شده از مقاله مروری (داده {short})"
    assert made.as_json() == {"folder": "packaged", "hash": content_hash(DATA), "packaged": True,
                              "summary": f"the review's curated data (data {short})",
                              "changes": {"tables": {}, "files": []}}


def test_an_unchanged_copy_is_the_reviews_data_under_its_own_path(data_copy):
    made = provenance_of(data_copy)
    assert made.packaged and made.label == str(data_copy)
    assert made.summary() == f"the review's curated data (data {content_hash(DATA)[:12]})"


def test_a_modified_copy_says_what_was_added_changed_and_removed(teacher_copy):
    made = provenance_of(teacher_copy)
    short = content_hash(teacher_copy)[:12]
    assert not made.packaged and made.label == str(teacher_copy)
    assert made.summary() == f"modified: {CHANGES} (data {short})"
    assert made.added("references") == (104,) and made.added("clinical_studies") == ("teacher2025",)
    assert made.added("glossary") == ()
    changes = made.as_json()["changes"]
    assert changes["tables"]["clinical_studies"] == {"added": ["teacher2025"], "changed": ["shi2012"],
                                                     "removed": [], "columns_changed": False}
    last_event = read_rows(DATA / "timeline.csv")[-1][read_rows(DATA / "timeline.csv")[0].index("event")]
    assert changes["tables"]["timeline"]["removed"] == [last_event]
    assert set(changes["tables"]) == {"references", "timeline", "clinical_studies", "outcomes"}
    assert changes["files"] == ["datapackage.json"]
    # Persian: one form for every count, digits in Persian, table names as they are
    assert made.summary("fa").startswith(f"تغییر یافته: {RLM}۱ ردیف افزوده شده در references؛ "
                                         f"{RLM}۱ ردیف حذف شده در timeline؛ ")
    assert made.summary("fa").endswith(f"تغییرهای دیگر در datapackage.json (داده {short})")


def test_counts_are_per_table_and_plural_where_several(data_copy):
    rows = read_rows(data_copy / "glossary.csv")
    term = rows[0].index("definition")
    for i in (1, 2, 3):
        rows[i][term] += " Edited."
    write_rows(data_copy / "glossary.csv", rows)
    (data_copy / "README.md").write_text("A teacher's notes.\n", encoding="utf-8")
    assert compare_data(data_copy).describe() == "3 rows changed in glossary; other changes in README.md"


def test_a_file_saved_otherwise_changes_no_row(data_copy):
    text = (data_copy / "challenges.csv").read_bytes()
    (data_copy / "challenges.csv").write_bytes(text.replace(b"\n", b"\r\n"))  # Excel's line endings
    changes = compare_data(data_copy)
    assert not changes.tables and changes.files == ("challenges.csv",)
    assert compare_data(DATA, data_copy).describe() == "other changes in challenges.csv"


def test_a_table_only_one_folder_has_is_all_added_or_all_removed(data_copy):
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "registry_interventions"]
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    (data_copy / "registry_interventions.csv").unlink()
    rows = len(read_rows(DATA / "registry_interventions.csv")) - 1  # the header is no row
    assert compare_data(data_copy).describe() == f"{rows} rows removed in registry_interventions"
    # a folder with one more table than the one it is compared with (a registry import adds three):
    # datapackage.json differs only by that table, so it is not another change
    assert compare_data(DATA, data_copy).describe() == f"{rows} rows added in registry_interventions"


# --------------------------------------------------------------------------- the course site
def test_the_footer_names_the_data(teacher_copy):
    short = content_hash(DATA)[:12]
    assert pages.data_footer() == f"Data: the review's curated data (data {short})."
    assert pages.data_footer(lang="fa") == f"داده ها: داده های گردآوری شده از مقاله مروری (داده {short})."
    mine = content_hash(teacher_copy)[:12]
    assert pages.data_footer(teacher_copy) == f"Data (data): modified: {CHANGES} (data {mine})."
    # every page's footer shows it: the theme's footer items include the template that prints html_context's value
    assert "mscteach-data.html" in sphinx_config()["html_theme_options"]["footer_content_items"]
    template = jinja2.Environment(loader=jinja2.FileSystemLoader(CONF_DIR / "_templates"))
    shown = template.get_template("mscteach-data.html").render(mscteach_data=pages.data_footer(teacher_copy))
    assert f'<p class="mscteach-data">Data (data): modified: 1 row added in references;' in shown
    assert template.get_template("mscteach-data.html").render(mscteach_data="a <b>").strip() == \
        '<p class="mscteach-data">a &lt;b&gt;</p>'


def test_every_page_of_a_rendered_edition_ends_with_its_data(teacher_copy, tmp_path):
    """A one-page Persian edition (no API page, so Sphinx is quick): the footer is on every page Sphinx writes."""
    from mscteach.site import rendering

    notebook = tmp_path / "00_index.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "id": "a", "metadata": {},
                                               "source": "# Index"}],
                                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    rendering.render({"00_index": notebook}, tmp_path / "out", tmp_path / "work", data=teacher_copy, lang="fa")
    footer = f'<p class="mscteach-data">{pages.data_footer(teacher_copy, "fa")}</p>'
    assert footer.startswith('<p class="mscteach-data">داده ها (data): تغییر یافته: ')
    written = sorted((tmp_path / "out").glob("*.html"))
    assert {p.name for p in written} >= {"index.html", "glossary.html", "references.html", "data.html"}
    assert all(footer in p.read_text(encoding="utf-8") for p in written)


def test_the_references_page_calls_a_teachers_reference_added(teacher_copy):
    # the review has 103 references (its list ends at 103); the teacher added one
    shipped = pages.site_pages()["references"].split("\n")
    assert shipped[2].startswith("The review's 103 references, with the review's own numbers.")
    page = pages.site_pages(teacher_copy)["references"]
    intro = page.split("\n")[2]
    assert intro.startswith("The review's 103 references, and 1 added to this course's data (104).")
    assert "The review's 104" not in page
    entry = next(line for line in page.split("\n") if line.startswith("**[104]**"))
    assert entry.endswith(" *(added to this course's data)*")
    assert sum(line.endswith("*(added to this course's data)*") for line in page.split("\n")) == 1
    persian = pages.localise_page(page, "fa").split("\n")
    assert persian[2].startswith("۱۰۳ منبع مقاله مروری، و ۱ منبع افزوده به داده های این دوره (در مجموع ۱۰۴).")
    assert next(line for line in persian if line.startswith("**[104]**")).endswith(
        " *(افزوده به داده های این دوره)*")


def test_the_references_page_counts_the_reviews_references_a_teacher_removed():
    assert pages.references_intro(101, 1, removed=3).startswith(
        "100 of the review's 103 references, and 1 added to this course's data (101).")


# --------------------------------------------------------------------------- briefs
def test_a_brief_names_its_data_and_says_whose_numbers_its_references_are(teacher_copy):
    shipped = report.evidence_brief({"disease": "ACLF", "cell_type": "UC-MSC"})
    html = "".join(item.data for item in section(shipped, "references"))
    assert f"Numbers are the review's own. Data: the review&#39;s curated data (data {content_hash(DATA)[:12]})." \
        in html
    assert "added to this course" not in html

    mine = report.evidence_brief({"disease": "ACLF", "cell_type": "UC-MSC"}, teacher_copy)
    html = "".join(item.data for item in section(mine, "references"))
    assert "Numbers are the review's own" not in html
    assert f"Data (data): modified: {CHANGES} (data {content_hash(teacher_copy)[:12]})." in html
    assert "Reference 104 was added to this course's data; it is not one of the review's." in html
    entry = re.search(r'<p class="reference" id="ref-104">.*?</p>', html).group(0)
    assert "A teacher&#39;s 2025 trial" in entry and entry.endswith(
        "<em class=\"added\">(added to this course's data)</em></p>")
    assert re.search(r'id="ref-100">\[100\] Shi M[^<]*</p>', html)  # the review's own stays unmarked

    summary = mine.summary()
    assert summary["source"].startswith("Moudi B, Karbalaie-Harofteh M, Moudi M.")
    assert summary["data"]["folder"] == str(teacher_copy) and summary["data"]["hash"] == content_hash(teacher_copy)
    assert summary["data"]["summary"] == f"modified: {CHANGES} (data {content_hash(teacher_copy)[:12]})"
    assert summary["data"]["changes"]["tables"]["references"]["added"] == [104]

    persian = report.evidence_brief({"disease": "ACLF", "cell_type": "UC-MSC", "lang": "fa"}, teacher_copy)
    html = "".join(item.data for item in section(persian, "references"))
    assert "منابع افزوده به داده های این دوره، که از منابع مقاله مروری نیستند: ۱۰۴." in html
    assert "(افزوده به داده های این دوره)" in html


def test_mscteach_report_on_a_modified_copy_names_it_in_the_html_and_the_json(teacher_copy, tmp_path):
    out = tmp_path / "brief.html"
    env = {k: v for k, v in os.environ.items() if k != "MSCTEACH_DATA_DIR"}
    result = subprocess.run([sys.executable, "-m", "mscteach", "--data", str(teacher_copy), "report", "--no-progress",
                             "--disease", "ACLF", "--cell-type", "UC-MSC", "-o", str(out)],
                            capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    short = content_hash(teacher_copy)[:12]
    assert f"Data (data): modified: {CHANGES} (data {short})." in page
    assert "Numbers are the review's own" not in page and "Numbers are the review&#39;s own" not in page
    summary = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert summary["data"]["folder"] == str(teacher_copy) and summary["data"]["packaged"] is False
    assert summary["data"]["summary"] == f"modified: {CHANGES} (data {short})"
    assert summary["source"].startswith("Moudi B, Karbalaie-Harofteh M, Moudi M.")
    assert "teacher2025" in summary["clinical_study_ids"] and 104 in summary["reference_ids"]


# --------------------------------------------------------------------------- mscteach validate
def _validate(*data: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "MSCTEACH_DATA_DIR"}
    return subprocess.run([sys.executable, "-m", "mscteach", *data, "validate"], capture_output=True, text=True,
                          timeout=300, env=env)


def test_validate_prints_the_same_summary_after_all_tables_valid(teacher_copy):
    result = _validate("--data", str(teacher_copy))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{teacher_copy}: all tables valid",
        f"{teacher_copy}: modified: {CHANGES} (data {content_hash(teacher_copy)[:12]})"]
    shipped = _validate()
    assert shipped.returncode == 0, shipped.stderr
    assert shipped.stdout.splitlines()[1].endswith(f": the review's curated data (data {content_hash(DATA)[:12]})")
