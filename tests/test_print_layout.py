"""Briefs and the course pack as printed: words whole, headings with what follows them, a first page that says what
the brief is about, running headers and footers, code that wraps instead of being cut (issue 24).

Everything is read back from the PDFs themselves (pypdf), not from the HTML that was printed.
"""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from .test_phone import LONG_LINE, small_site  # noqa: F401  (the site fixture, built once for both modules)

pytest.importorskip("pypdf")
BRIEFS = ("disease-ACLF", "disease-NAFLD", "disease-ACLF_lang-fa", "disease-NAFLD_lang-fa")


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> Path:
    """A question with clinical and preclinical studies (ACLF), one with nothing to pool (NAFLD), each in English and
    Persian: one `mscteach report` run, as a user makes them."""
    out = tmp_path_factory.mktemp("briefs")
    result = subprocess.run([sys.executable, "-m", "mscteach", "report", "--disease", "ACLF", "--disease", "NAFLD",
                             "--lang", "en,fa", "--format", "html,pdf,json", "--jobs", "2", "-o", str(out)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted(BRIEFS)
    return out


def _normal(text: str) -> str:
    """Text as compared: Arabic presentation forms and ligatures (ﬁ) folded to their letters, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _runs(page) -> list[tuple[str, tuple[float, float]]]:
    """The page's text runs in the order Chromium painted them, each with where its line is (a line of a paragraph or
    table cell is one run, or several where the font or the direction changes)."""
    runs: list[tuple[str, tuple[float, float]]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, *_: runs.append((text, (round(cm[5], 1), round(tm[5], 1))))
                      if text.strip() else None)
    return runs


def _body_lines(page) -> list[str]:
    """The page's lines of text without its running header and footer (Chromium paints those last)."""
    lines = [line for line in page.extract_text().splitlines() if line.strip()]
    assert re.search(r"\d+ / \d+$", lines[-1]), lines[-3:]  # the footer ends with "page / pages"
    return lines[:-2]


def _cell_words(page_html: str) -> set[str]:
    """Every word of the brief's own tables (header and body cells), as written in the HTML."""
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", page_html, re.S)
    return {w.lower() for cell in cells for w in re.findall(r"\w+", _normal(html.unescape(re.sub("<[^>]+>", " ",
                                                                                                   cell))))}


def split_words(pdf: Path, words: set[str]) -> list[str]:
    """Words of ``words`` that the PDF breaks inside: one line of a cell ends with a piece, the next begins with the rest.

    A break at a hyphen (follow-|up) or between two words that are each a word of their own is not counted.
    """
    from pypdf import PdfReader

    found = []
    for page in PdfReader(str(pdf)).pages:
        runs = [(_normal(text), line) for text, line in _runs(page)]
        for (before, line), (after, next_line) in zip(runs, runs[1:]):
            if line == next_line:
                continue  # the same line, in two runs (TGF-β and 1, where the direction changes)
            head, tail = re.search(r"(\w+)$", before), re.match(r"(\w+)", after)
            if not (head and tail):
                continue  # a line ending in a space, a hyphen or punctuation, or starting with one
            piece, rest = head.group(1).lower(), tail.group(1).lower()
            if piece + rest in words and not (piece in words and rest in words):
                found.append(f"{piece}|{rest}")
    return found


@pytest.mark.parametrize("name", BRIEFS)
def test_no_word_of_a_briefs_tables_is_broken_inside(briefs, name):
    words = _cell_words((briefs / f"{name}.html").read_text(encoding="utf-8"))
    assert len(words) > 50
    assert split_words(briefs / f"{name}.pdf", words) == []


def test_the_word_check_finds_a_word_broken_inside(tmp_path):
    """The check itself: a table squeezed the old way (equal columns, breaks anywhere) is caught."""
    page = tmp_path / "squeezed.html"
    page.write_text("<!DOCTYPE html><html lang='en'><body><table style='table-layout:fixed;width:100%'><tr>"
                    + "<td style='overflow-wrap:anywhere'>transplanted peripheral</td>" * 1
                    + "<td>x</td>" * 11 + "</tr></table></body></html>", encoding="utf-8")
    # printed in a process of its own: the suite's session browser already runs Playwright in this one
    printed = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                              "from mscteach.printing import print_pdfs; print_pdfs([(Path(sys.argv[1]), "
                              "Path(sys.argv[2]))])", str(page), str(tmp_path / "squeezed.pdf")],
                             capture_output=True, text=True, timeout=300)
    assert printed.returncode == 0, printed.stderr
    assert split_words(tmp_path / "squeezed.pdf", {"transplanted", "peripheral"})


def _headings(page_html: str) -> list[str]:
    return [_normal(html.unescape(re.sub("<[^>]+>", "", h))).rstrip("¶#").strip()
            for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", page_html, re.S)]


def ends_with_heading(lines: list[str], headings: list[str]) -> str | None:
    """The heading a page's last line belongs to, if it is one (words compared in any order: Persian comes out of a
    PDF in visual order)."""
    last = sorted(_normal(lines[-1]).split())
    for heading in headings:
        words = _normal(heading).split()
        whole = sorted(words) == last
        tail = 2 <= len(last) < len(words) and sorted(words[-len(last):]) == last  # a heading set on two lines
        if last and (whole or tail):
            return heading
    return None


@pytest.mark.parametrize("name", BRIEFS)
def test_no_page_of_a_brief_ends_with_a_heading(briefs, name):
    from pypdf import PdfReader

    headings = _headings((briefs / f"{name}.html").read_text(encoding="utf-8"))
    assert len(headings) >= 8
    pages = PdfReader(str(briefs / f"{name}.pdf")).pages
    ends = [(n, ends_with_heading(_body_lines(page), headings)) for n, page in enumerate(pages, 1)]
    assert [(n, h) for n, h in ends if h] == []


@pytest.mark.parametrize("name", ["disease-ACLF", "disease-ACLF_lang-fa"])
def test_a_briefs_first_page_has_its_title_question_date_and_what_it_means(briefs, name):
    from pypdf import PdfReader

    page = (briefs / f"{name}.html").read_text(encoding="utf-8")
    summary = json.loads((briefs / f"{name}.json").read_text(encoding="utf-8"))
    first = "".join(_normal(PdfReader(str(briefs / f"{name}.pdf")).pages[0].extract_text()).split())
    meaning = re.search(r'class="[^"]*celltag_brief-meaning".*?<p>(.*?)</p>', page, re.S)
    assert meaning
    if name.endswith("fa"):  # Persian comes out in visual order: its numbers and Latin words are what can be compared
        expected = re.findall(r"[A-Za-z]{3,}|[۰-۹]+", _normal(html.unescape(meaning.group(1))))
        assert expected and all(token in first or token[::-1] in first for token in expected)
        return
    title = summary["parameters"]["title"]
    question = re.search(r"<i>Question</i>: (.*?)\.<br/?>", page).group(1)
    generated = re.search(r"<i>Generated</i>: (\S+ \S+ UTC)", page).group(1)
    for text in (title, re.sub("<[^>]+>", "", question), generated, html.unescape(meaning.group(1))):
        assert "".join(_normal(text).split()) in first, text


@pytest.mark.parametrize("name", BRIEFS)
def test_a_briefs_json_title_is_its_heading(briefs, name):
    page = (briefs / f"{name}.html").read_text(encoding="utf-8")
    summary = json.loads((briefs / f"{name}.json").read_text(encoding="utf-8"))
    assert _headings(page)[0] == summary["parameters"]["title"]
    assert summary["parameters"]["title"] != "Evidence brief: MSC therapy for liver disease"


@pytest.mark.parametrize("name", BRIEFS)
def test_every_page_of_a_brief_has_its_title_above_and_its_data_and_page_number_below(briefs, name):
    from pypdf import PdfReader

    summary = json.loads((briefs / f"{name}.json").read_text(encoding="utf-8"))
    pages = PdfReader(str(briefs / f"{name}.pdf")).pages
    # letters compared in any order: Persian comes out of a PDF in visual order, its spaces moved
    title = sorted("".join(_normal(summary["parameters"]["title"]).split()))
    for n, page in enumerate(pages, 1):
        lines = [line for line in page.extract_text().splitlines() if line.strip()]
        header, footer = _normal(lines[-2]), _normal(lines[-1])
        assert sorted("".join(header.split())) == title, (n, header)
        assert footer.endswith(f"{n} / {len(pages)}") and summary["data"]["hash"][:12] in footer, (n, footer)
        assert "Moudi et al., Razi J Med Sci 2025;32:43 (CC BY-NC-SA 4.0)" in footer, (n, footer)  # whole


def test_a_brief_with_nothing_to_pool_fits_in_a_few_pages(briefs):
    from pypdf import PdfReader

    for name in ("disease-NAFLD", "disease-NAFLD_lang-fa"):
        summary = json.loads((briefs / f"{name}.json").read_text(encoding="utf-8"))
        assert summary["pooled"] == {} and summary["counts"]["clinical_studies"] == 1
        assert len(PdfReader(str(briefs / f"{name}.pdf")).pages) <= 6  # 10 A4 pages before


def test_the_course_packs_first_page_has_its_title(small_site):
    from pypdf import PdfReader

    pack = small_site / "course-pack.pdf"
    index = json.loads((small_site.parent / "notebooks" / "00_index.ipynb").read_text(encoding="utf-8"))
    title = "".join(index["cells"][0]["source"]).splitlines()[0].lstrip("# ").strip()
    first = _normal(PdfReader(str(pack)).pages[0].extract_text())
    assert _normal(title) in first


def test_a_long_code_line_is_printed_whole_in_the_course_pack(small_site):
    from pypdf import PdfReader

    assert len(LONG_LINE) > 150  # wider than the page at any readable size
    text = "".join(_normal(page.extract_text()) for page in PdfReader(str(small_site / "course-pack.pdf")).pages)
    squeezed = "".join(text.split())
    assert "".join(LONG_LINE.split()) in squeezed
    # and it was wrapped onto two lines, not printed beyond the margin
    assert not any(LONG_LINE.strip() == _normal(line) for page in PdfReader(str(small_site / "course-pack.pdf")).pages
                   for line in page.extract_text().splitlines())


def test_no_page_of_the_course_pack_ends_with_a_heading(small_site):
    from pypdf import PdfReader

    joined = (small_site.parent / ".site-cache" / "pack" / "index.html").read_text(encoding="utf-8")
    headings = [h for h in _headings(joined) if len(h.split()) >= 1]
    pages = PdfReader(str(small_site / "course-pack.pdf")).pages
    ends = [(n, ends_with_heading(_body_lines(page), headings)) for n, page in enumerate(pages, 1)]
    assert [(n, h) for n, h in ends if h] == []
