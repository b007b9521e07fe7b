"""Print pages to PDF with headless Chromium: the evidence briefs and the course pack share it.

One browser prints a whole batch; pages open from ``file://`` in an offline
context (nothing is fetched), and every PDF is written atomically with page
numbers in its footer.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .errors import MscteachError

__all__ = ["PAPERS", "print_pdfs", "printer"]

#: The paper sizes PDFs can be printed on (name -> Chromium's format name).
PAPERS = {"A4": "A4", "Letter": "Letter"}


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


def print_pdfs(pages: Iterable[tuple[Path, Path]], paper: str = "A4", timeout_ms: float = 120_000) -> None:
    """Print each HTML page to its PDF, with one headless Chromium for all of them.

    Pages open from ``file://`` in an offline browser context (nothing is
    fetched); each PDF has page numbers in its footer and is written
    atomically. Nothing happens for an empty ``pages``.

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
    footer = ('<div style="font-size:8px;width:100%;text-align:center;color:#555">'
              '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox"])
        try:
            context = browser.new_context(offline=True)
            for source, target in pages:
                page = context.new_page()
                page.goto(Path(source).resolve().as_uri(), wait_until="load", timeout=timeout_ms)
                write_atomically(Path(target), lambda part: page.pdf(
                    path=str(part), format=PAPERS[paper], print_background=True, display_header_footer=True,
                    header_template="<span></span>", footer_template=footer,
                    margin={"top": "15mm", "bottom": "18mm", "left": "12mm", "right": "12mm"}))
                page.close()
        finally:
            browser.close()
