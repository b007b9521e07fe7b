"""A teacher's course, end to end: their folder (a 2025 RCT, its reference 104, its outcome rows) built into both
editions of the site and into a brief; the pages and the brief state the new numbers and say the data were changed.

The expected numbers follow from the rows the fixture adds (tests/conftest.py, make_teacher_folder) and the
review's 103 references; nothing is copied from an earlier build.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA, make_teacher_folder

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = ("00_index.ipynb", "01_history.ipynb", "06_clinical_trials.ipynb")


def _text(page: Path) -> str:
    """A page's visible text, roughly: tags dropped, whitespace folded."""
    html = page.read_text(encoding="utf-8")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace("&#39;", "'").replace("&#x27;", "'").replace("&amp;", "&").replace("\u2019", "'")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The teacher's folder, built as `mscteach --data FOLDER build --lang en,fa` and `report`."""
    work = tmp_path_factory.mktemp("teacher")
    data = make_teacher_folder(Path(shutil.copytree(DATA, work / "my-data")))
    notebooks = work / "notebooks"
    notebooks.mkdir()
    for name in CHAPTERS:
        shutil.copy(REPO / "notebooks" / name, notebooks)
    build = subprocess.run([sys.executable, "-m", "mscteach", "--data", str(data), "build", "--lang", "en,fa",
                            "--notebooks", str(notebooks), "-o", str(work / "site"), "--no-progress"],
                           capture_output=True, text=True, timeout=900, cwd=work)
    assert build.returncode == 0, build.stderr
    (work / "build.out").write_text(build.stdout, encoding="utf-8")
    report = subprocess.run([sys.executable, "-m", "mscteach", "report", "--data", str(data), "--disease", "ACLF",
                             "--format", "html,json", "-o", str(work / "briefs" / "aclf.html"), "--no-progress"],
                            capture_output=True, text=True, timeout=600, cwd=work)
    assert report.returncode == 0, report.stderr
    return work


def test_the_index_and_chapter_1_count_the_added_reference_apart_from_the_review_s(course):
    index = _text(course / "site" / "index.html")
    assert "(1-103), and [104] for the 1 reference added to this course's data" in index
    history = _text(course / "site" / "01_history.html")
    assert "the review's 103 references and the 1 reference added to this course's data [104]" in history


def test_no_page_credits_the_review_with_104_references(course):
    pages = [*(course / "site").glob("*.html"), *(course / "site" / "fa").glob("*.html")]
    assert len(pages) >= 10
    for page in pages:
        text = _text(page)
        assert "104 references" not in text, page.name
        assert "۱۰۴ منبع" not in text, page.name


def test_chapter_6_lists_and_rates_the_teacher_s_trial(course):
    chapter = _text(course / "site" / "06_clinical_trials.html")
    # 16 studies with treated patients; the new RCT [104] joins the randomised list
    assert "Of the 16 clinical studies with treated patients" in chapter
    assert "Randomised trials exist [26, 28, 31, 60, 97, 100, 104]" in chapter
    # GRADE: two trials on severe infection, 29/116 vs 38/114, 230 patients against 930 needed
    assert "severe infection in 2 studies (Lin 2017, Teacher 2025): 29 of 116 treated patients against 38 of " \
           "114 controls in all" in chapter
    assert "2 randomised trials start at High" in chapter and "rates it Low" in chapter
    assert "Not assessed, so assumed not serious: risk of bias, publication bias." in chapter


def test_every_page_s_footer_says_the_data_were_modified(course):
    for page in (course / "site" / "index.html", course / "site" / "06_clinical_trials.html"):
        text = _text(page)
        assert "Data (my-data): modified: 1 row added in references" in text, page.name
        assert "2 rows added in outcomes" in text and "1 row added in clinical_studies" in text
    persian = _text(course / "site" / "fa" / "index.html")
    assert "my-data" in persian and "۱۰۴" not in persian.split("my-data")[0][-20:]


def test_the_about_the_data_page_names_the_rows_a_teacher_added(course):
    about = _text(course / "site" / "data.html")
    assert "Rows added to this course's data: teacher2025" in about
    assert "Rows added to this course's data: 104" in about
    persian = (course / "site" / "fa" / "data.html").read_text(encoding="utf-8")
    assert "teacher2025" in persian and "Rows added to this course's data" not in persian


def test_the_brief_says_which_data_made_it(course):
    summary = json.loads((course / "briefs" / "aclf.json").read_text(encoding="utf-8"))
    text = json.dumps(summary, ensure_ascii=False)
    assert "modified: 1 row added in references" in text
    html = _text(course / "briefs" / "aclf.html")
    assert "modified: 1 row added in references" in html
    assert "Reference 104 was added to this course's data; it is not one of the review's." in html


def test_the_build_and_the_translation_status_list_the_teacher_s_row_shown_in_english(course):
    # the fixture's study has an English efficacy_finding and no efficacy_finding_fa (its safety_finding is empty)
    built = (course / "build.out").read_text(encoding="utf-8")
    assert "fa edition: 1 data cell shown in English for want of a translation (clinical_studies 1)" in built
    status = subprocess.run([sys.executable, "-m", "mscteach", "translations", "--data", str(course / "my-data"),
                             "status", "--missing"], capture_output=True, text=True, timeout=300)
    assert status.returncode == 0, status.stderr
    assert "fa: 1 data cell without a translation (clinical_studies 1)" in status.stdout
    assert "[data: clinical_studies]\nteacher2025: efficacy_finding" in status.stdout
