"""The course site on a phone, 390 px wide, in Chromium (issue 24): no table wider than the screen, no table row
taller than twice its text, figure text at least 9 pt, and no parameters or setup code before the first word.

One small site (the index and two chapters, both editions, with the course pack) is built once for this module and
tests/test_print_layout.py.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

#: A line of code a teacher added to chapter 1, longer than a printed page is wide (the pack must wrap it).
LONG_LINE = ('teaching_words = ["mesenchymal", "stromal", "marrow", "umbilical", "cord", "adipose", "hepatocyte", '
             '"cirrhosis", "transplant", "the end of a long line"]')
PHONE = {"width": 390, "height": 844}
PAGES = ("index.html", "01_history.html", "03_immunomodulation.html", "fa/03_immunomodulation.html")


@pytest.fixture(scope="session")
def small_site(tmp_path_factory) -> Path:
    """The index and chapters 1 and 3 (its heatmap is the figure whose labels were 5 px on a phone) in English and
    Persian, with the course pack: `mscteach build --lang en,fa --pdf`, as a user runs it. Chapter 1 has a code
    cell a teacher added, with :data:`LONG_LINE`."""
    import nbformat

    work = tmp_path_factory.mktemp("phone")
    folder = work / "notebooks"
    folder.mkdir()
    for name in ("00_index.ipynb", "01_history.ipynb", "03_immunomodulation.ipynb"):
        shutil.copy(REPO / "notebooks" / name, folder)
    chapter = nbformat.read(folder / "01_history.ipynb", as_version=4)
    chapter.cells.insert(3, nbformat.v4.new_code_cell(LONG_LINE))
    nbformat.write(chapter, folder / "01_history.ipynb")
    result = subprocess.run([sys.executable, "-m", "mscteach", "build", "--lang", "en,fa", "--notebooks", str(folder),
                             "--out", str(work / "site"), "--pdf", "--jobs", "2", "--no-progress"],
                            capture_output=True, text=True, timeout=900, cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "site"


@pytest.fixture(scope="module")
def phone(browser, small_site):
    """A page opener at phone size, offline (every request to the network fails)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, offline=True)
    opened = []

    def open_page(name: str):
        page = context.new_page()
        page.goto((small_site / name).as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        opened.append(page)
        return page

    yield open_page
    context.close()


# In the page: each visible table's width and the widest thing inside it, against the screen's width.
TABLE_WIDTHS = """() => Array.from(document.querySelectorAll("article table")).filter(t => t.checkVisibility())
  .map(t => ({html: t.outerHTML.slice(0, 120), left: t.getBoundingClientRect().left,
              right: t.getBoundingClientRect().right, scroll: t.scrollWidth, client: t.clientWidth,
              screen: document.documentElement.clientWidth}))"""


@pytest.mark.parametrize("name", PAGES)
def test_no_table_is_wider_than_a_phones_screen(phone, name):
    page = phone(name)
    tables = page.evaluate(TABLE_WIDTHS)
    assert tables, "every one of these pages shows a table"
    wide = [t for t in tables if t["left"] < -1 or t["right"] > t["screen"] + 1 or t["scroll"] > t["client"] + 1]
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# In the page: each visible table row's height, and the height its text needs at the row's width: every non-empty
# cell's text (with the column name a card shows before it) measured in the cell's font, in lines of the row's width.
ROW_HEIGHTS = """() => {
  const canvas = document.createElement("canvas").getContext("2d");
  const rows = [];
  for (const table of document.querySelectorAll("article table")) {
    if (!table.checkVisibility()) continue;
    for (const row of table.tBodies[0] ? table.tBodies[0].rows : []) {
      const box = row.getBoundingClientRect();
      let needed = 0;
      for (const cell of row.cells) {
        const text = cell.textContent.trim();
        if (!text) continue;
        const style = getComputedStyle(cell);
        canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const label = cell.dataset.label ? cell.dataset.label + ": " : "";
        const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        needed += Math.ceil(canvas.measureText(label + text).width / Math.max(box.width, 1)) * lineHeight;
      }
      rows.push({text: row.textContent.trim().slice(0, 80), height: box.height, needed});
    }
  }
  return rows;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_no_table_row_is_taller_than_twice_its_text(phone, name):
    rows = phone(name).evaluate(ROW_HEIGHTS)
    assert rows
    # 16 px: a card's own padding and border
    tall = [r for r in rows if r["height"] > 2 * r["needed"] + 16]
    assert tall == []


def _smallest_text_pt() -> float:
    """The smallest text chapter 3's heatmap draws, in points, as the chapter draws it."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.text import Text

    import mscteach
    from mscteach import chapters, evidence, plots

    immune = evidence.choose(mscteach.load("mechanisms"), category=chapters.IMMUNE_CATEGORIES)
    fig = plots.mediator_target_heatmap(evidence.mediator_target_matrix(immune),
                                        title="Immune mediators of MSCs and the cells they act on")
    fig.canvas.draw()
    return min(t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip())


# In the page: each visible figure's shown width and the width it was drawn for (PNGs at 144 dpi, meant for 96 px an
# inch, where a label of N pt is N pt on the screen).
FIGURES = """() => Array.from(document.querySelectorAll("article figure img, article .cell_output img"))
  .filter(img => img.checkVisibility() && img.naturalWidth > 0)
  .map(img => ({alt: img.alt.slice(0, 60), shown: img.getBoundingClientRect().width,
                drawn: img.naturalWidth * 96 / 144}))"""


@pytest.mark.parametrize("name", ["03_immunomodulation.html", "fa/03_immunomodulation.html"])
def test_figure_text_is_at_least_9_pt_on_a_phone(phone, name):
    smallest = _smallest_text_pt()
    assert smallest < 9  # the heatmap's counts: shrunk to the screen, they were about 5 px
    figures = phone(name).evaluate(FIGURES)
    assert len(figures) >= 2
    small = [(f["alt"], round(smallest * f["shown"] / f["drawn"], 1)) for f in figures
             if smallest * f["shown"] / f["drawn"] < 9]
    assert small == []


# In the page: the visible code of code cells.
SHOWN_CODE = """() => Array.from(document.querySelectorAll("article div.cell_input"))
  .filter(c => c.checkVisibility()).map(c => c.textContent)"""


@pytest.mark.parametrize("name", PAGES)
def test_no_parameters_or_setup_code_is_shown_before_the_content(phone, name):
    page = phone(name)
    shown = page.evaluate(SHOWN_CODE)
    for code in shown:
        assert "course.setup(" not in code and 'lang = "' not in code and "# Parameters" not in code, code
    # papermill's injected cells are gone; the chapter's own parameters and setup are folded, one click away
    assert page.locator(".tag_injected-parameters").count() == 0
    folded = page.locator("div.cell.tag_hide-input details")
    assert folded.count() >= 2
    folded.first.locator("summary").click()
    assert any("=" in code for code in page.evaluate(SHOWN_CODE))


@pytest.mark.parametrize("name", ["03_immunomodulation.html", "fa/03_immunomodulation.html"])
def test_every_figure_of_a_chapter_can_be_read_in_words_under_it(phone, name):
    page = phone(name)
    pairs = page.evaluate("""() => Array.from(document.querySelectorAll("article div.cell_output"))
      .filter(output => output.querySelector(":scope > figure img, :scope > img"))
      .map(output => ({alt: output.querySelector("img").alt,
                       words: output.querySelector("details.mscteach-figure-words p")?.textContent ?? null}))""")
    assert len(pairs) >= 2
    assert all(p["words"] == p["alt"] and len(p["alt"]) > 40 for p in pairs), pairs
    toggle = page.locator("details.mscteach-figure-words").first
    assert not toggle.locator("p").is_visible()
    toggle.locator("summary").click()
    assert toggle.locator("p").is_visible()


# In the page: each figure of a chapter (not an explorer's view) with the data table under it, if any.
FIGURE_TABLES = """() => Array.from(document.querySelectorAll("article div.cell_output"))
  .filter(output => output.querySelector(":scope > figure img, :scope > img"))
  .map(output => {
    const table = output.querySelector("details.mscteach-figure-data table");
    return {alt: output.querySelector("img").alt.slice(0, 60),
            caption: table?.caption?.textContent.trim() ?? null,
            head: table ? Array.from(table.tHead.rows[0].cells, c => c.textContent.trim()) : [],
            cells: table ? Array.from(table.tBodies[0].querySelectorAll("td"), c => c.textContent.trim()) : []};
  })"""


@pytest.mark.parametrize("name", ["01_history.html", "03_immunomodulation.html", "fa/03_immunomodulation.html"])
def test_every_figure_has_its_data_as_a_table_that_fits_a_phone(phone, name):
    page = phone(name)
    figures = page.evaluate(FIGURE_TABLES)
    assert len(figures) >= 2
    assert all(f["caption"] and f["head"] and f["cells"] for f in figures), figures
    # the figures a reader sees (a static explorer's other views are hidden until chosen)
    toggles = page.locator("article details.mscteach-figure-data:visible")
    assert not toggles.first.locator("table").is_visible()  # folded until a reader opens it
    for i in range(toggles.count()):
        toggles.nth(i).locator("summary").click()
    tables = page.evaluate(TABLE_WIDTHS.replace('"article table"', '"article details.mscteach-figure-data[open] table"'))
    assert len(tables) == toggles.count()  # every one open and shown
    wide = [t for t in tables if t["left"] < -1 or t["right"] > t["screen"] + 1 or t["scroll"] > t["client"] + 1]
    assert wide == []
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    # a table of cards: every value under its column's name
    assert page.locator("article details.mscteach-figure-data table.mscteach-cards td[data-label]").count() > 0


def test_a_persian_page_s_figure_tables_are_in_persian(phone):
    figures = phone("fa/03_immunomodulation.html").evaluate(FIGURE_TABLES)
    persian = re.compile(r"[\u0600-\u06FF]")
    for figure in figures:
        assert persian.search(figure["caption"]), figure
        assert all(persian.search(label) for label in figure["head"]), figure
        # counts in Persian digits; names such as IDO or PGE2 keep their Latin letters, as the figure writes them
        numbers = [c for c in figure["cells"] if re.fullmatch(r"[\d۰-۹٫,.]+", c)]
        assert numbers and all(re.fullmatch(r"[۰-۹٫]+", n) for n in numbers), figure
