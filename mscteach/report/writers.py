"""Writing a brief: the template notebook run with papermill, rendered without code, as HTML, PDF and JSON.

The brief's content is computed once, in this process (:func:`~mscteach.report.content.evidence_brief`):
the JSON summary is taken from it, and the template's kernel is handed the same brief to display. The
page is rendered by nbconvert with the brief's own template (``brief_page.html.j2`` in
:mod:`mscteach.render`): its title, language and direction, and its CSS for readers, paper and Persian.
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import MscteachError, ReportOutputError
from ..printing import PAPERS, print_pdfs, printer
from ..runner import OFFLINE_TEMPLATE, ensure_writable_folder, execute_notebook, skip_unused_format_checkers, \
    write_atomically
from .content import evidence_brief, save_brief
from .questions import check_parameters, shown_title

__all__ = ["FORMATS", "TEMPLATE_PAGE", "brief_page", "check_formats", "check_output", "font_css", "template_path",
           "tag_sections", "translate_headings", "write_brief"]

FORMATS = ("html", "pdf", "json")
#: The template's own page name in the translation catalogues (``mscteach/locale/LANG/LC_MESSAGES/evidence_brief.po``).
TEMPLATE_PAGE = "evidence_brief"


def template_path() -> Path:
    """The report template notebook: the workspace's, the installed copy, or the checkout's.

    Returns
    -------
    Path
        ``evidence_brief.ipynb`` in the ``reports`` folder that
        :func:`mscteach.resources.course_folder` chooses (not checked to
        exist).

    Raises
    ------
    MscteachError
        If there is no workspace, installed or checkout copy of the reports.
    """
    from ..resources import course_folder

    return course_folder("reports") / "evidence_brief.ipynb"


def check_output(path: Path) -> Path:
    """A brief's output must be an ``.html`` file name; its JSON summary is written beside it.

    Parameters
    ----------
    path : Path
        The output the user gave (a str is accepted too).

    Returns
    -------
    Path
        ``path`` as a :class:`~pathlib.Path`, if its suffix is ``.html`` (any case).

    Raises
    ------
    ReportOutputError
        For any other suffix (``brief.json`` would be overwritten by its own summary).

    Examples
    --------
    >>> check_output("briefs/aclf.html").as_posix()
    'briefs/aclf.html'
    >>> check_output("brief.json")
    Traceback (most recent call last):
    ...
    mscteach.errors.ReportOutputError: the output must be an .html file (the JSON summary is written beside it,
    as brief.json); got 'brief.json': try -o brief.html
    """
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise ReportOutputError(f"the output must be an .html file (the JSON summary is written beside it, "
                                f"as {path.with_suffix('.json').name}); got {str(path)!r}: "
                                f"try -o {path.with_suffix('.html')}")
    return path


def check_formats(formats: Iterable[str], paper: str = "A4") -> tuple[str, ...]:
    """The output formats asked for (a non-empty subset of html, pdf, json), checked before any kernel starts.

    Parameters
    ----------
    formats : iterable of str
        Format names from :data:`FORMATS`, in any case and with spaces
        around them; empty names are ignored, repeats kept once.
    paper : {"A4", "Letter"}, default "A4"
        The PDF paper size (checked even without ``"pdf"``).

    Returns
    -------
    tuple of str
        The formats in lower case, in the order first given.

    Raises
    ------
    ReportOutputError
        For an unknown format or paper size, no format at all, or PDF
        without a printer (Chromium and playwright).

    Examples
    --------
    >>> check_formats(["JSON", " html", "json", ""])
    ('json', 'html')
    """
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ReportOutputError(f"unknown output format {', '.join(unknown) or '(none)'}: choose from "
                                f"{', '.join(FORMATS)}, e.g. --format html,pdf,json")
    if paper not in PAPERS:
        raise ReportOutputError(f"unknown paper size {paper!r}: choose {' or '.join(PAPERS)}")
    if "pdf" in chosen:
        try:
            printer()
        except MscteachError as exc:
            raise ReportOutputError(f"{exc}, or leave pdf out of --format") from None
    return chosen


def _check_writable(path: Path) -> None:
    ensure_writable_folder(path.parent, "folder")
    if path.is_dir():
        raise MscteachError(f"{str(path)!r} is a folder; give a file name ending in .html")


def write_brief(parameters: Mapping[str, Any], out: Path, template: Path | None = None,
                data: Path | None = None, formats: Iterable[str] = ("html", "json"),
                paper: str = "A4") -> dict[str, Any]:
    """Run the report template for ``parameters`` and write ``out`` (HTML), ``out.json`` and ``out.pdf``.

    ``formats`` chooses which of the three are written (default HTML and JSON;
    PDF is printed by headless Chromium on ``paper``, A4 or Letter). Every file
    is written atomically: a failed run leaves no partial file and an existing
    file is replaced only by a complete new one. ``data`` is the data folder
    (the template's kernel reads the same one).

    Parameters
    ----------
    parameters : mapping of str to object
        Report parameters (:func:`~mscteach.report.check_parameters`).
    out : Path
        The HTML file; the JSON and PDF take its name with their suffix. Its
        folder is made if needed.
    template : Path, optional
        A template notebook of one's own (default: :func:`template_path`).
    data : Path, optional
        The data folder (default: the one in use, ``$MSCTEACH_DATA_DIR`` or
        the packaged data).
    formats : iterable of str, default ("html", "json")
        Which files to write (:func:`check_formats`).
    paper : {"A4", "Letter"}, default "A4"
        The PDF's paper size.

    Returns
    -------
    dict
        The JSON summary written beside the HTML.

    Raises
    ------
    DataValidationError
        Before anything else, if the data folder has problems (nothing is written).
    ReportParameterError
        Before any kernel starts, for a bad parameter.
    ReportOutputError
        Before any kernel starts, for an output that is not an .html file, an
        unknown format or paper size, or PDF without a printer.
    MscteachError
        If the output cannot be written (also before any kernel starts for a
        folder that cannot be written to, or an output that is a folder).
    NotebookFailure
        If the template fails.
    """
    from ..data.validation import require_valid

    require_valid(data, "writing a brief")
    skip_unused_format_checkers()
    values = check_parameters(parameters, data)
    out = check_output(Path(out))
    formats = check_formats(formats, paper)
    _check_writable(out)
    brief = evidence_brief(values, data)
    summary = brief.summary()
    with tempfile.TemporaryDirectory(prefix="mscteach-report-") as tmp:
        computed, executed = Path(tmp) / "brief.pickle", Path(tmp) / "brief.ipynb"
        save_brief(brief, computed)
        # a template of one's own from an older workspace has no brief_file: it computes the brief itself
        execute_notebook(template or template_path(), executed, {**values, "brief_file": str(computed)}, data=data)
        made = brief.provenance.summary(values["lang"]) if brief.provenance is not None else ""
        page = brief_page(executed, values, made)
        if "html" in formats:
            write_atomically(out, lambda part: part.write_text(page, encoding="utf-8"))
        if "pdf" in formats:
            printed = Path(tmp) / "brief.html"
            printed.write_text(page, encoding="utf-8")
            print_pdfs([(printed, out.with_suffix(".pdf"))], paper)
    if "json" in formats:
        write_atomically(out.with_suffix(".json"), lambda part: part.write_text(
            json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"))
    return summary


def brief_page(executed: Path, values: Mapping[str, Any], data: str = "") -> str:
    """An executed template as a standalone page without code, in the brief's language, asking no server for anything.

    Each section's cells are tagged with its name (``brief-clinical`` for the
    cell that shows it, ``brief-clinical-heading`` for the heading before it),
    which the page's print stylesheet uses (the first page is the summary). The
    page names its running header (the title) and footer (the data and the
    review it comes from) for :func:`mscteach.printing.print_pdfs`.

    Parameters
    ----------
    executed : Path
        The executed template notebook.
    values : mapping of str to object
        The checked parameters: ``lang`` chooses the markdown cells'
        translation, the page's language and direction (and, right to left,
        the embedded Persian font); the title is
        :func:`~mscteach.report.questions.shown_title`.
    data : str, default ""
        Which data made the brief, in words
        (:meth:`mscteach.data.provenance.Provenance.summary`), for the
        printed footer; "" names the review only.

    Returns
    -------
    str
        The page's HTML (nbconvert's lab template through ``brief_page.html.j2``,
        without inputs or prompts).
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    from .. import render
    from ..i18n import RTL, say

    lang = values["lang"]
    notebook = nbformat.read(str(executed), as_version=4)
    if lang != "en":
        _translate_markdown(notebook, lang)
    notebook.metadata["title"] = shown_title(values)
    tag_sections(notebook)
    rtl = lang in RTL
    # The source first and short (the first page cites it in full): a footer too long for its line is cut at its
    # end, which must never be the review's attribution (a right-to-left page lost its first author that way)
    source = say("Moudi et al., Razi J Med Sci 2025;32:43 (CC BY-NC-SA 4.0)", lang)
    footer = say("Source: {source}. Data: {data}", lang, data=data, source=source) if data else source
    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, language_code=lang,
                            extra_loaders=[jinja2.DictLoader({"mscteach-offline.html.j2": OFFLINE_TEMPLATE}),
                                           render.loader()],
                            template_file="brief_page.html.j2")
    page, _ = exporter.from_notebook_node(notebook, resources={"brief": {
        "direction": None if lang == "en" else "rtl" if rtl else "ltr", "fonts": font_css() if rtl else "",
        "title": notebook.metadata["title"], "footer": footer}})
    return page


def tag_sections(notebook: Any) -> None:
    """Tag each cell that shows a section of the brief, and the heading cell before it, with the section's name.

    A cell that calls ``report.section(brief, 'NAME')`` gets the tag
    ``brief-NAME``, the Markdown cell just before it ``brief-NAME-heading``
    (nbconvert turns tags into ``celltag_...`` classes); other cells are left as
    they are, so a template of one's own still prints, only without these hooks.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        An executed brief template, changed in place.
    """
    import re

    previous = None
    for cell in notebook.cells:
        found = re.search(r"report\.section\(\s*brief\s*,\s*['\"](\w+)['\"]", cell.source) \
            if cell.cell_type == "code" else None
        if found:
            cell.metadata.setdefault("tags", []).append(f"brief-{found.group(1)}")
            if previous is not None and previous.cell_type == "markdown":
                previous.metadata.setdefault("tags", []).append(f"brief-{found.group(1)}-heading")
        previous = cell


def _translate_markdown(notebook: Any, lang: str) -> None:
    from ..i18n import pages

    known = pages.catalogue(lang, TEMPLATE_PAGE)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = pages.translate_markdown(cell.source, known).text


def translate_headings(notebook: Path, lang: str) -> None:
    """Translate an executed brief's markdown cells (headings, introductions) in place (untranslated ones stay English).

    Parameters
    ----------
    notebook : Path
        The executed notebook, rewritten in place.
    lang : str
        The language of the catalogue :data:`TEMPLATE_PAGE` to translate with.
    """
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    _translate_markdown(nb, lang)
    nbformat.write(nb, str(notebook))


@lru_cache(maxsize=2)
def font_css(family: str = "Vazirmatn") -> str:
    """@font-face rules carrying the Persian font inside the page (a brief is one file; PDF needs the font too).

    Parameters
    ----------
    family : str, default "Vazirmatn"
        The font-family name the rules declare.

    Returns
    -------
    str
        One ``@font-face`` rule a line, per weight of
        :data:`mscteach.i18n.FONT_FILES`, the WOFF2 file inlined as base64
        (cached).
    """
    import base64

    from ..i18n import FONT_FILES

    return "".join(
        f"@font-face {{ font-family: {family}; font-weight: {weight}; font-display: block; "
        f"src: url(data:font/woff2;base64,{base64.b64encode(path.read_bytes()).decode('ascii')}) format('woff2'); }}\n"
        for weight, path in FONT_FILES.items())
