"""Print pages to PDF with headless Chromium: the evidence briefs and the course pack share it.

One browser prints a whole batch; pages open from ``file://`` in an offline
context (nothing is fetched), and every PDF is written atomically with a running
header (the page's title) and a footer (where its data come from, and "page / pages").
A page says what its running header and footer hold with ``<meta name="mscteach-print-header">``
and ``<meta name="mscteach-print-footer">`` (default: its ``<title>`` and the text of its
``.mscteach-data`` element); both follow the page's direction and, where the page carries its
font inside itself (a Persian brief), its font.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import MscteachError

__all__ = ["MARGINS", "PAPERS", "print_pdfs", "printer", "running_templates"]

#: The paper sizes PDFs can be printed on (name -> Chromium's format name).
PAPERS = {"A4": "A4", "Letter": "Letter"}
#: The sheet's margins: room above and below for the running header and footer.
MARGINS = {"top": "16mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}

# What a page says about itself for its running header and footer (read in the page, after it has loaded).
_PAGE_FACTS = """() => {
  const meta = (name) => { const m = document.querySelector(`meta[name="${name}"]`); return m ? m.content : null; };
  const data = document.querySelector(".mscteach-data");
  const fonts = [];
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch (e) { continue; }
    for (const rule of rules) {
      if (rule instanceof CSSFontFaceRule && rule.cssText.includes("data:")) fonts.push(rule.cssText);
    }
  }
  return {header: meta("mscteach-print-header") ?? document.title,
          footer: meta("mscteach-print-footer") ?? (data ? data.textContent.trim() : ""),
          direction: document.documentElement.dir === "rtl" ? "rtl" : "ltr",
          lang: document.documentElement.lang || "en",
          font: getComputedStyle(document.body).fontFamily, fonts: fonts.join("\\n")};
}"""


def printer() -> str:
    """The Chromium that prints PDFs, or an error saying what to install.

    Call it before long work that ends in a PDF, so a missing browser is
    said at once.

    Returns
    -------
    str
        The path of the first of ``chromium``, ``chromium-browser`` and
        ``google-chrome`` found on ``PATH``.

    Raises
    ------
    MscteachError
        If no such browser is on ``PATH`` or the ``playwright`` package is not
        installed (the message names what to install).
    """
    import importlib.util
    import shutil

    browser = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                    if shutil.which(name)), None)
    playwright = importlib.util.find_spec("playwright")
    if browser is None or playwright is None:
        missing = " and ".join(n for n, ok in (("Chromium (Debian/Ubuntu: apt install chromium)", browser),
                                               ("playwright (pip install 'mscteach[pdf]')", playwright)) if not ok)
        raise MscteachError(f"PDFs are printed by headless Chromium: install {missing}")
    return browser


def running_templates(header: str, footer: str, direction: str = "ltr", lang: str = "en", font: str = "sans-serif",
                      fonts: str = "") -> tuple[str, str]:
    """Chromium's header and footer templates for one page: its title above, its data and page numbers below.

    Parameters
    ----------
    header : str
        The running header (the title), shown on one line (cut with an ellipsis).
    footer : str
        The footer's note (where the data come from), one line, before
        "page / pages".
    direction : {"ltr", "rtl"}, default "ltr"
        The page's direction: right to left, the note starts at the right.
    lang : str, default "en"
        The page's language code.
    font : str, default "sans-serif"
        A CSS font-family list (the page's body font).
    fonts : str, default ""
        ``@font-face`` rules to load first (a font the page carries inside itself).

    Returns
    -------
    tuple of (str, str)
        The header and footer templates (HTML; the texts are escaped).

    Examples
    --------
    >>> head, foot = running_templates("A <b> title", "the review's data")
    >>> "A &lt;b&gt; title" in head, 'class="pageNumber"' in foot
    (True, True)
    """
    from html import escape

    box = (f'<style>{fonts}</style><div dir="{escape(direction)}" lang="{escape(lang)}" style="font-family:'
           f'{escape(font)};font-size:7.5pt;color:#555;width:100%;box-sizing:border-box;padding:0 15mm;display:flex;'
           'gap:6mm;'
           'align-items:baseline;-webkit-print-color-adjust:exact">')
    one_line = "white-space:nowrap;overflow:hidden;text-overflow:ellipsis"
    head = f'{box}<span style="flex:1;{one_line}">{escape(header)}</span></div>'
    # "page / pages" stays in Latin digits and left to right, as Chromium fills it in
    foot = (f'{box}<span style="flex:1;{one_line}">{escape(footer)}</span><span dir="ltr" style="white-space:nowrap">'
            '<span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')
    return head, foot


def print_pdfs(pages: Iterable[tuple[Path, Path]], paper: str = "A4", timeout_ms: float = 120_000) -> None:
    """Print each HTML page to its PDF, with one headless Chromium for all of them.

    Pages open from ``file://`` in an offline browser context (nothing is
    fetched); each PDF has a running header and a footer with page numbers
    (:func:`running_templates`, filled from what the page says of itself) and
    is written atomically. Nothing happens for an empty ``pages``.

    Parameters
    ----------
    pages : iterable of tuple of (Path, Path)
        ``(html, pdf)`` pairs: the page to print and the PDF to write.
    paper : {"A4", "Letter"}, default "A4"
        The paper size (see :data:`PAPERS`).
    timeout_ms : float, default 120000
        How long a page may take to load, in milliseconds.

    Raises
    ------
    MscteachError
        If ``paper`` is not a known size, or Chromium or playwright is missing
        (see :func:`printer`).
    """
    from .atomic import write_atomically

    pages = list(pages)
    if not pages:
        return
    if paper not in PAPERS:
        raise MscteachError(f"unknown paper size {paper!r}: choose {' or '.join(PAPERS)}")
    browser_path = printer()  # before importing playwright: without it, the clear "install ..." error
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        try:
            context = browser.new_context(offline=True)
            for source, target in pages:
                page = context.new_page()
                page.goto(Path(source).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
                page.emulate_media(media="print")
                page.evaluate("document.fonts.ready.then(() => true)")  # the text measured in its own font
                header, footer = running_templates(**page.evaluate(_PAGE_FACTS))
                write_atomically(Path(target), lambda part: page.pdf(
                    path=str(part), format=PAPERS[paper], print_background=True, display_header_footer=True,
                    header_template=header, footer_template=footer,
                    margin={"top": MARGINS["top"], "bottom": MARGINS["bottom"], "left": MARGINS["left"],
                            "right": MARGINS["right"]}))
                page.close()
        finally:
            browser.close()
