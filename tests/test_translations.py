"""Translated editions: narrative blocks, gettext catalogues (Babel), the Persian site (lang, dir, switch, font).

Every block of the index, the seven chapters and the brief template is translated, and a test keeps it so;
a block without a translation is shown in English and the build lists it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from mscteach import report
from mscteach.errors import UnknownNameError
from mscteach.i18n import LOCALE, check_language, pages as translations
from mscteach.site import lesson_blocks

from .conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٫", "0123456789.")  # with the Persian decimal separator


def test_blocks_are_paragraphs_lists_and_headings_never_code_or_directive_fences():
    text = lesson_blocks("## Key points\n\n- one [26]\n- two\n\nA paragraph\nin two lines.\n\n```python\nx = 1\n```\n\n---")
    # the heading became an admonition whose title is a message; its body runs to the next heading
    assert translations.blocks(text) == ["Key points", "- one [26]\n- two", "A paragraph\nin two lines."]
    assert translations.translate_markdown(text, {"Key points": "نکات کلیدی"}).text.startswith(
        ":::{admonition} نکات کلیدی\n:class: keypoints\n")
    text = "# Title\n\nA paragraph\nin two lines.\n\n```python\nprint('no')\n```\n\n| name | value |\n|---|---|\n| dose | 2 |\n\n---"
    assert translations.blocks(text) == ["# Title", "A paragraph\nin two lines.", "| name | value |\n|---|---|\n| dose | 2 |"]


def test_a_block_without_a_translation_stays_english_and_is_listed():
    text = "# Title\n\nKept in English.\n\n```\ncode\n```"
    result = translations.translate_markdown(text, {"# Title": "# عنوان"})
    assert result.text == "# عنوان\n\nKept in English.\n\n```\ncode\n```"
    assert (result.translated, result.missing) == (1, ["Kept in English."])


def _notebook(path: Path, *cells: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(c) for c in cells])
    for n, cell in enumerate(nb.cells):
        cell.id = f"cell{n}"
    nbformat.write(nb, path)
    return path


def test_update_adds_new_blocks_keeps_changed_ones_fuzzy_and_drops_vanished_ones(tmp_path):
    locale = tmp_path / "locale"
    page = _notebook(tmp_path / "01_demo.ipynb", "# Demo\n\nFirst paragraph.\n\nSecond paragraph.")
    assert translations.update([page], "fa", locale) == {"01_demo": {"blocks": 3, "translated": 0}}
    po = locale / "fa" / "LC_MESSAGES" / "01_demo.po"
    text = po.read_text(encoding="utf-8")
    assert "#: 01_demo.ipynb#cell0" in text and "CC BY-NC-SA 4.0" in text and "POT-Creation-Date" not in text
    text = text.replace('msgid "First paragraph."\nmsgstr ""', 'msgid "First paragraph."\nmsgstr "بند نخست."')
    text = text.replace('msgid "Second paragraph."\nmsgstr ""', 'msgid "Second paragraph."\nmsgstr "بند دوم."')
    po.write_text(text, encoding="utf-8")
    assert translations.status([page], "fa", locale)["01_demo"]["translated"] == 2
    _notebook(page, "# Demo\n\nFirst paragraph, edited.\n\nA new paragraph.")
    translations.update([page], "fa", locale)
    with po.open("rb") as f:
        catalog = read_po(f)
    edited = catalog["First paragraph, edited."]
    assert edited.fuzzy and edited.string == "بند نخست."  # kept for the translator, not shown until confirmed
    assert catalog.get("Second paragraph.") is None and not catalog.obsolete
    assert translations.catalogue("fa", "01_demo", locale) == {}
    before = po.read_bytes()
    translations.update([page], "fa", locale)
    assert po.read_bytes() == before  # a second run changes nothing


@pytest.mark.parametrize("name", [p.stem for p in NOTEBOOKS])
def test_every_chapter_block_has_a_persian_translation(name):
    """Whoever edits a chapter's text updates its catalogue in the same change (README, contributors)."""
    counts = translations.status([REPO / "notebooks" / f"{name}.ipynb"], "fa")
    page = translations.page_name(REPO / "notebooks" / f"{name}.ipynb")
    assert counts[page]["blocks"] == counts[page]["translated"] > 10


def _numbers(text: str) -> list[str]:
    """The numbers a text states, in Latin digits, outside code spans."""
    text = re.sub(r"`[^`]*`|\]\([^)]*\)", "", text).translate(PERSIAN_DIGITS)
    return sorted(re.findall(r"\d+(?:\.\d+)?", text))


@pytest.mark.parametrize("po", sorted(LOCALE.glob("*/LC_MESSAGES/*.po")), ids=lambda p: p.stem)
def test_every_translation_keeps_the_numbers_and_the_code_of_its_english_text(po):
    with po.open("rb") as f:
        catalog = read_po(f)
    checked = 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        # a plural entry (say_n): every form of the translation against the English plural
        english = message.id[1] if isinstance(message.id, (tuple, list)) else message.id
        forms = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for translation in forms:
            assert _numbers(translation) == _numbers(english), (english, translation)
            assert re.findall(r"`[^`]*`", translation) == re.findall(r"`[^`]*`", english), english
            assert translation.startswith(("#", "- ", "> ", "---")) == english.startswith(("#", "- ", "> ", "---"))
        checked += 1
    assert po.stem != "index" or checked > 10


def test_unknown_language_is_a_clear_error():
    with pytest.raises(UnknownNameError, match="unknown language 'de'; available: en, fa"):
        check_language("de")


# ------------------------------------------------------------------ the Persian edition of the site
ADDED = "A paragraph a teacher added, not yet translated."

@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Both editions of a small course (the index, chapters 1-2, 5 and 6), built as `mscteach build --lang en,fa`."""
    work = tmp_path_factory.mktemp("editions")
    folder = work / "notebooks"
    folder.mkdir()
    for name in ("00_index.ipynb", "01_history.ipynb", "02_differentiation.ipynb", "05_animal_models.ipynb",
                 "06_clinical_trials.ipynb"):
        shutil.copy(REPO / "notebooks" / name, folder)
    import nbformat

    edited = nbformat.read(folder / "02_differentiation.ipynb", as_version=4)  # a teacher adds a paragraph
    edited.cells.insert(3, nbformat.v4.new_markdown_cell(ADDED))
    nbformat.write(edited, folder / "02_differentiation.ipynb")
    result = subprocess.run([sys.executable, "-m", "mscteach", "build", "--lang", "en,fa", "--notebooks",
                             str(folder), "--out", str(work / "site"), "--no-progress"], capture_output=True,
                            text=True, timeout=900, cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "site", result


def test_the_persian_edition_is_right_to_left_and_linked_to_the_english_one(editions):
    out, _ = editions
    fa_pages = sorted((out / "fa").glob("*.html"))
    assert {p.name for p in fa_pages} >= {"index.html", "01_history.html", "glossary.html", "references.html"}
    for page in fa_pages:
        html = page.read_text(encoding="utf-8")
        assert re.search(r'<html[^>]* lang="fa" dir="rtl"', html), page.name
        assert f'href="../{page.name}" hreflang="en"' in html, page.name
    for page in (out / "index.html", out / "01_history.html"):
        html = page.read_text(encoding="utf-8")
        assert re.search(r'<html[^>]* lang="en"', html) and 'dir="rtl"' not in html
        assert f'href="fa/{page.name}" hreflang="fa"' in html


def test_every_edition_link_leads_to_a_page_the_other_edition_has(editions):
    """The English-only API reference offers no Persian edition (there is no fa/api.html to go to)."""
    out, _ = editions
    links = 0
    for page in [*out.glob("*.html"), *(out / "fa").glob("*.html")]:
        for href in re.findall(r'<a class="btn btn-sm mscteach-edition" href="([^"]+)"', page.read_text("utf-8")):
            assert (page.parent / href).resolve().is_file(), f"{page.relative_to(out)} links to missing {href}"
            links += 1
    assert links >= 8
    assert (out / "api.html").is_file() and not (out / "fa" / "api.html").exists()
    assert "mscteach-edition" not in (out / "api.html").read_text("utf-8")


def test_every_persian_page_states_the_numbers_of_its_english_page(editions):
    """Narrative, computed sentences, tables, self-checks, reference lists: the same numbers, digit for digit."""
    from .test_persian_briefs import stated_numbers

    out, _ = editions
    compared = 0
    from mscteach.site.pages import API_PAGE

    for english in sorted(out.glob("*.html")):
        if english.stem == API_PAGE:  # the API reference is English only: the docstrings are
            assert not (out / "fa" / english.name).exists()
            continue
        if english.stem == "genindex":  # Sphinx's index lists the API reference's entries: English only
            continue
        persian = out / "fa" / english.name
        assert stated_numbers(persian.read_text(encoding="utf-8")) == \
            stated_numbers(english.read_text(encoding="utf-8")), english.name
        compared += 1
    assert compared >= 9  # index, chapters 1, 2, 5 and 6, glossary, references, about the data, search


class _ReadersText(HTMLParser):
    """A page's text as a reader reads the chapter: code cells, navigation, header and footer aside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._open: list[bool] = []  # for each open element: is it (or is it in) a part left aside

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr", "col", "source", "wbr", "area", "base"):
            return
        classes = (dict(attrs).get("class") or "").split()
        aside = tag in ("script", "style", "nav", "header", "footer") or bool(
            {"highlight", "cell_input", "bd-sidebar", "bd-sidebar-primary", "bd-sidebar-secondary"} & set(classes))
        self._open.append(aside or (bool(self._open) and self._open[-1]))

    def handle_endtag(self, tag):
        if tag not in ("br", "img", "meta", "link", "input", "hr", "col", "source", "wbr", "area", "base") and self._open:
            self._open.pop()

    def handle_data(self, data):
        if not (self._open and self._open[-1]):
            self.parts.append(data)


def test_every_persian_chapter_has_at_least_twice_as_many_persian_letters_as_latin(editions):
    """Issue 26's goal: the curated tables' free text (findings, notes, explorers' messages) no longer outweighs
    the Persian; reference titles, authors' names and RoB 2's own wording stay as published."""
    out, _ = editions
    measured = {}
    for page in sorted((out / "fa").glob("0[1-7]_*.html")):
        reader = _ReadersText()
        reader.feed(page.read_text(encoding="utf-8"))
        text = " ".join(reader.parts)
        persian, latin = len(re.findall(r"[\u0600-\u06FF]", text)), len(re.findall(r"[A-Za-z]", text))
        measured[page.stem] = round(persian / latin, 2)
        assert persian >= 2 * latin, (page.name, persian, latin)
    assert sorted(measured) == ["01_history", "02_differentiation", "05_animal_models", "06_clinical_trials"]


def test_a_persian_chapter_computes_its_sentences_in_persian(editions):
    from .test_persian_briefs import visible_text

    out, _ = editions
    page = visible_text((out / "fa" / "06_clinical_trials.html").read_text(encoding="utf-8"))
    for english in ("Nothing can be pooled", "Check your understanding", "Show the answer", "static copy of the",
                    "Further reading", "Skip to main content", "Contents"):
        assert english not in page, english
    assert "هیچ پیامدی را نمی توان تجمیع کرد" in page and "دانسته های خود را بسنجید." in page


def test_the_persian_index_shows_its_translation_and_the_glossary_every_persian_term(editions):
    out, _ = editions
    home = (out / "fa" / "index.html").read_text(encoding="utf-8")
    assert "درمان بیماری های کبدی انسان با سلول های بنیادی مزانشیمی" in home
    assert "Mesenchymal stem cell therapy for human liver disease: a course" not in home.split("<body")[1]
    import mscteach

    glossary = (out / "fa" / "glossary.html").read_text(encoding="utf-8")
    terms = mscteach.load("glossary")
    for term in terms["term_fa"].dropna():
        assert term in glossary, term


def test_the_build_lists_what_it_shows_in_english(editions):
    out, result = editions
    assert "fa edition: 1 narrative block shown in English for want of a translation (02_differentiation 1); " \
        "listed in " in result.stdout
    listing = Path(result.stdout.split("listed in ")[1].split()[0]).read_text(encoding="utf-8")
    assert listing == f"## 02_differentiation\n\n{ADDED}\n\n"
    page = (out / "fa" / "02_differentiation.html").read_text(encoding="utf-8")
    assert ADDED in page and "سه دلیل برای امید" in page  # the new paragraph in English, not dropped


def test_a_persian_chapter_links_its_persian_reference_numbers(editions):
    page = (out_page := editions[0] / "fa" / "01_history.html").read_text(encoding="utf-8")
    assert "ارنست هکل" in page and "The review opens its history with a word." not in page, out_page
    # [۷] in the Persian text links to reference 7, as [7] does in the English chapter
    assert re.search(r'<a class="citation-link reference external" href="references.html#ref-7"[^>]*>۷</a>', page) \
        or re.search(r'href="references.html#ref-7"[^>]*>۷<', page)


def test_the_persian_pages_load_their_font_and_nothing_from_the_network(editions, browser):
    out, _ = editions
    for name in ("index.html", "01_history.html", "glossary.html"):
        page = browser.new_page()
        leaving, errors = [], []
        page.on("request", lambda r: leaving.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((out / "fa" / name).as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('16px Vazirmatn', 'سلول'))")
        assert page.evaluate("getComputedStyle(document.querySelector('pre')).direction") == "ltr" \
            if page.locator("pre").count() else True
        assert leaving == [] and errors == [], (name, leaving, errors)
        page.close()


def test_cli_status_counts_the_translated_blocks():
    result = subprocess.run([sys.executable, "-m", "mscteach", "translations", "status", "--lang", "fa"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    counts = translations.status([*NOTEBOOKS, report.template_path()], "fa")  # the chapters and the brief's headings
    total = sum(c["blocks"] for c in counts.values())
    done = sum(c["translated"] for c in counts.values())
    assert result.stdout.splitlines()[-2] == f"fa: {done} of {total} narrative blocks translated"
    # the curated data: every free-text cell has its Persian twin (a teacher's row may not: test_teacher_course)
    assert result.stdout.splitlines()[-1] == "fa: 0 data cells without a translation"
    assert re.search(r"^index +(\d+) of +\1 blocks translated$", result.stdout, re.M)
    assert re.search(r"^evidence_brief +(\d+) of +\1 blocks translated$", result.stdout, re.M)


def test_no_persian_page_lets_text_overflow_its_box(editions, browser):
    """Every Persian page, at a laptop's and a phone's width: no text block wider than the box it sits in.

    Wide tables and code scroll inside their own box by design (checked elsewhere); everything else must wrap.
    """
    out, _ = editions
    script = """() => {
      const found = [];
      for (const el of document.querySelectorAll('article p, article li, article h1, article h2, article h3, '
                                                 + 'article figcaption, article dt, article dd, .bd-sidebar-primary a')) {
        if (el.closest('pre, table, .mscteach-table, .highlight, .cell_input, mjx-container')) continue;
        const box = el.getBoundingClientRect();
        const parent = el.parentElement.getBoundingClientRect();
        if (box.width === 0) continue;
        if (el.scrollWidth > el.clientWidth + 1 || box.left < parent.left - 1 || box.right > parent.right + 1)
          found.push(el.tagName + ': ' + el.textContent.trim().slice(0, 60));
      }
      return found;
    }"""
    for width in (1280, 390):
        for page_file in sorted((out / "fa").glob("*.html")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(page_file.as_uri())
            page.wait_for_load_state("load")
            overflowing = page.evaluate(script)
            page.close()
            assert overflowing == [], (width, page_file.name, overflowing[:5])


def test_a_persian_explorer_sentence_that_opens_with_a_code_reads_right_to_left(editions, browser):
    """Chapter 6's explorers in Persian: the leave-one-out summary ("RR ۰٫۴۹ ...") and every figure caption lay
    out right to left, though they open with Latin letters; the RoB 2 explorer is named in Persian, its question
    codes keep their Latin digits, and an English curation note stays left to right."""
    out, _ = editions
    page = browser.new_page()
    page.goto((out / "fa" / "06_clinical_trials.html").as_uri())
    page.wait_for_load_state("load")
    found = page.evaluate("""() => {
      const explorers = [...document.querySelectorAll('.mscteach-explorer')];
      const direction = el => getComputedStyle(el).direction;
      const summaries = explorers.flatMap(e => [...e.querySelectorAll('.mscteach-view p')])
        .filter(p => p.textContent.trim().startsWith('RR'));
      const captions = explorers.flatMap(e => [...e.querySelectorAll('figcaption')]);
      const rob = explorers.find(e => e.querySelector('.mscteach-explorer-title').textContent.includes('lin2017'));
      const english = explorers.flatMap(e => [...e.querySelectorAll('div[dir] p')])
        .filter(p => !/[\\u0621-\\u06D3]/.test(p.textContent));
      return {summaries: summaries.map(direction), captions: [...new Set(captions.map(direction))],
              robTitle: rob.querySelector('.mscteach-explorer-title b').textContent,
              robChoice: rob.querySelector('label').textContent.trim(),
              english: [...new Set(english.map(direction))]};
    }""")
    page.close()
    assert found["summaries"] and set(found["summaries"]) == {"rtl"}, found
    assert found["captions"] == ["rtl"], found
    assert found["robTitle"] == "خطر سوگیری (RoB 2) در lin2017"
    assert found["robChoice"] == "1.2"
    assert set(found["english"]) <= {"ltr"}, found
