"""The course pack: the rendered site printed as one PDF, in the order of its contents."""
from __future__ import annotations

from pathlib import Path

from ..errors import MscteachError
from .config import CONF_DIR, sphinx_config
from .pages import API_PAGE
from .rendering import fresh_translations

__all__ = ["render_pack"]


def render_pack(work: Path, target: Path, paper: str = "A4") -> Path:
    """Print the rendered site as one course-pack PDF: index, chapters in order, glossary, references.

    Sphinx's ``singlehtml`` builder joins the pages :func:`mscteach.site.rendering.render` prepared in
    ``work`` into one, in the order of the site's contents; headless Chromium
    prints it (:mod:`mscteach.printing`). Explorers print their default view,
    self-checks their question. The API reference is for the screen, not the pack.

    Parameters
    ----------
    work : Path
        The work folder of a render (``work/src`` holds the Sphinx sources
        :func:`~mscteach.site.rendering.render` wrote); the joined page is
        written to ``work/pack``.
    target : Path
        The PDF to write (atomically).
    paper : {"A4", "Letter"}, default "A4"
        The paper size.

    Returns
    -------
    Path
        ``target``.

    Raises
    ------
    MscteachError
        If Chromium or playwright is missing (said before any work), Sphinx
        cannot join the pages, or ``paper`` is not a known size.
    """
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    from ..printing import print_pdfs, printer

    printer()  # before the work: say now if PDFs cannot be printed here
    warnings = io.StringIO()
    config = sphinx_config()
    # the contents' link to the API reference then points nowhere, which is what the pack wants: not a warning
    leave_out = {"exclude_patterns": [*config["exclude_patterns"], f"{API_PAGE}.rst"],
                 "suppress_warnings": [*config["suppress_warnings"], "toc.excluded"]}
    fresh_translations()
    try:
        with docutils_namespace():
            app = Sphinx(str(work / "src"), str(CONF_DIR), str(work / "pack"), str(work / "pack-doctrees"),
                         "singlehtml", status=None, warning=warnings, freshenv=False, confoverrides=leave_out,
                         parallel=0)
            app.build()
    except Exception as exc:  # Sphinx raises its own error types for broken sources
        raise MscteachError(f"the course pack could not be rendered: {type(exc).__name__}: {exc}") from None
    print_pdfs([(work / "pack" / "index.html", target)], paper, timeout_ms=300_000)
    return target
