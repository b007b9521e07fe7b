"""Executed chapters rendered into the course website by Sphinx + MyST-NB + sphinx-book-theme, offline.

:func:`render` turns a folder of executed notebooks into the site: it writes
the Sphinx sources (the notebooks with their lesson parts as styled blocks, a
glossary page, a references page and an "about the data" page, all generated
from the data, and in the English edition the API reference), then runs Sphinx
with the configuration of :func:`mscteach.site.config.sphinx_config` (the one
place it is defined; ``mscteach/sitecfg/conf.py`` only loads it).

Nothing on a page is fetched from the network: MyST-NB's widget scripts (from a
CDN) are turned off, explorers carry static views made when the chapters ran
for the site, and the theme's scripts and styles come from installed packages.
"""
from __future__ import annotations

import hashlib
import importlib.resources
import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from ..errors import MscteachError
from ..lessons import lesson_blocks

from .config import CONF_DIR, PAGES, sphinx_config
from .pages import API_PAGE, api_page, data_footer, localise_page, site_pages

__all__ = ["PARAMETER_TAGS", "boilerplate", "clean", "fresh_translations", "mark_direction", "out_of_the_way",
           "prepare", "render", "site_notebook", "source_hash", "with_figures_in_words",
           "write_if_changed"]


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``path`` only when its content changes, so Sphinx re-reads only what changed.

    Parameters
    ----------
    path : Path
        The file (UTF-8); missing parent folders are created.
    text : str
        Its new content.

    Returns
    -------
    bool
        True when the file was written, False when it already held ``text``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = Path(tmp) / "src" / "glossary.md"
    ...     write_if_changed(page, "# Glossary\\n"), write_if_changed(page, "# Glossary\\n")
    (True, False)
    """
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def site_notebook(executed: Path, contents: list[str] | None, failure: str | None = None, lang: str = "en",
                  translations: dict[str, str] | None = None, missing: list[str] | None = None) -> str:
    """An executed notebook as the site shows it: lesson blocks, and (the root page) the site's contents.

    In a translated edition (``lang``, with ``translations``, the page's catalogue) each narrative block is
    translated; a block without a translation stays in English and is appended to ``missing``.

    Code cells keep their results but lose error outputs and stderr streams.

    Parameters
    ----------
    executed : Path
        The executed notebook (``.ipynb``).
    contents : list of str or None
        For the root page only: the chapters' page names, in order, for the
        site's hidden tables of contents (chapters, course pages and, in
        English, the API reference under "Appendix"); None for any other page.
    failure : str, optional
        Why the chapter failed, shown in a warning block after its first
        Markdown cell.
    lang : str, default "en"
        The edition's language (for the contents' captions).
    translations : dict of str to str, optional
        The page's catalogue (English block to translation, see
        :func:`mscteach.translations.catalogue`); None leaves the narrative in English.
    missing : list of str, optional
        A list the untranslated blocks are appended to (changed in place).

    Returns
    -------
    str
        The notebook's JSON, as Sphinx reads it.
    """
    from ..i18n.pages import translate_markdown

    nb = json.loads(executed.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = lesson_blocks("".join(cell["source"]))
            if translations is not None:
                translated = translate_markdown(cell["source"], translations)
                cell["source"] = translated.text
                if missing is not None:
                    missing += translated.missing
        if cell["cell_type"] == "code":  # a reader sees results, not tracebacks or warnings
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if o.get("output_type") != "error" and o.get("name") != "stderr"]
            out_of_the_way(cell, lang)
            cell["outputs"] = with_figures_in_words(cell["outputs"], lang)
            # Markdown a cell printed links chapters as notebooks (``01_history.ipynb``): read as MyST, such a link
            # is a link to that page of the site, so it stays as it is
    if failure:
        warning = f":::{{warning}}\nThis page could not be built completely: {failure}\n:::\n"
        first = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"), -1)
        nb["cells"].insert(first + 1, {"cell_type": "markdown", "id": "site-failure", "metadata": {},
                                       "source": warning})
    if contents is not None:
        from ..i18n import text

        toc = ["```{toctree}", ":hidden:", f":caption: {text('Chapters', lang)}", "", *contents, "```", "",
               "```{toctree}", ":hidden:", f":caption: {text('Course pages', lang)}", "", *PAGES, "```"]
        if lang == "en":
            toc += ["", "```{toctree}", ":hidden:", ":caption: Appendix", "", API_PAGE, "```"]
        nb["cells"].append({"cell_type": "markdown", "id": "site-contents", "metadata": {},
                            "source": "\n".join(toc)})
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


#: Tags papermill gives the cells that set a chapter's parameters (its own, and the ones it injects for a run).
PARAMETER_TAGS = ("parameters", "injected-parameters")


def boilerplate(cell: Mapping) -> str | None:
    """What a code cell is, if it is boilerplate a reader of the site or the pack need not see first.

    Parameters
    ----------
    cell : mapping
        A notebook cell (nbformat 4, as JSON).

    Returns
    -------
    str or None
        ``"parameters"`` for a cell papermill reads or writes (tagged
        ``parameters`` or ``injected-parameters``), ``"setup"`` for a chapter's
        setup cell (its imports and ``course.setup(...)``), None otherwise.

    Examples
    --------
    >>> boilerplate({"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "source": "lang = 'fa'"})
    'parameters'
    >>> boilerplate({"cell_type": "code", "metadata": {}, "source": ["import mscteach\\n", "course.setup(lang)"]})
    'setup'
    >>> boilerplate({"cell_type": "code", "metadata": {}, "source": "plots.timeline_figure(events)"}) is None
    True
    """
    if cell.get("cell_type") != "code":
        return None
    if set(cell.get("metadata", {}).get("tags", [])) & set(PARAMETER_TAGS):
        return "parameters"
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    # a chapter's setup cell is the one that calls course.setup; a later cell that imports one name and shows a
    # result is content, and stays
    if re.search(r"^\s*(?:\w+\.)?setup\(", source, re.M) and re.search(r"^\s*(?:import|from)\s", source, re.M):
        return "setup"
    return None


def out_of_the_way(cell: dict, lang: str = "en") -> None:
    """Tag a boilerplate code cell (:func:`boilerplate`) so MyST-NB leaves it out or folds it (changed in place).

    The cells papermill injects for a run are removed (``remove-cell``); the
    chapter's own parameters cell and its setup cell are folded behind toggles
    that say what they hold (``hide-input``: a reader who wants to change a
    parameter still finds the cell the chapter's text points to), their
    output, if any, shown. Tags are set here, by the build, never by hand in
    the chapters.

    Parameters
    ----------
    cell : dict
        A code cell (nbformat 4, as JSON); other cells are left as they are.
    lang : str, default "en"
        The language of the setup toggle's words.
    """
    kind = boilerplate(cell)
    if kind is None:
        return
    from ..i18n import say

    metadata = cell.setdefault("metadata", {})
    tags = metadata.setdefault("tags", [])
    if "injected-parameters" in tags:
        tags.append("remove-cell")
        return
    tags.append("hide-input")
    # the site's default toggle words are the challenges' ("Show the solution"): these say what they hide
    if kind == "parameters":
        prompts = say("Show the parameters", lang), say("Hide the parameters", lang)
    else:
        prompts = say("Show the setup code", lang), say("Hide the setup code", lang)
    metadata["mystnb"] = {**metadata.get("mystnb", {}), "code_prompt_show": prompts[0],
                          "code_prompt_hide": prompts[1]}


def with_figures_in_words(outputs: list[dict], lang: str = "en") -> list[dict]:
    """A cell's outputs with, after each figure, its alt text and its data table, each in a toggle a reader can open.

    The alt text says what the figure shows, each category with its value
    (:func:`mscteach.display.figure_alt`); on a phone, where a figure scrolls
    sideways to keep its labels legible, the toggle gives the same facts in
    the page's own text. A figure whose plotting function recorded the table
    it drew has it in its metadata (``data``, from
    :func:`mscteach.display.figure_data_html`: a toggle holding a captioned
    table, already in the chapter's language), shown after the words; a
    figure without one keeps its words only. Outputs without a figure are
    returned as they are.

    Parameters
    ----------
    outputs : list of dict
        A code cell's outputs (nbformat 4, as JSON).
    lang : str, default "en"
        The language of the toggle's words.

    Returns
    -------
    list of dict
        The outputs, each figure followed by an HTML output holding its toggles.

    Examples
    --------
    >>> figure = {"output_type": "display_data", "data": {"image/png": "iVBOR"},
    ...           "metadata": {"image/png": {"alt": "A bar chart: T cell (7), B cell (2)."}}}
    >>> shown = with_figures_in_words([figure])
    >>> len(shown), "T cell (7), B cell (2)." in "".join(shown[1]["data"]["text/html"])
    (2, True)
    """
    from html import escape

    from ..i18n import say

    shown = []
    for output in outputs:
        shown.append(output)
        described = output.get("metadata", {}).get("image/png", {}) if "image/png" in output.get("data", {}) else {}
        alt, data = described.get("alt"), described.get("data")
        toggles = ""
        if alt:
            summary = say("The figure in words", lang)  # a call of its own: Babel reads no call inside an f-string
            toggles = (f'<details class="mscteach-figure-words"><summary>{escape(summary)}'
                       f"</summary><p>{escape(alt)}</p></details>")
        if isinstance(data, str) and data.startswith('<details class="mscteach-figure-data">'):
            toggles += data  # written by display.figure_data_html, every value escaped there
        if toggles:
            shown.append({"output_type": "display_data", "data": {"text/html": toggles}, "metadata": {}})
    return shown


def prepare(data: Path | None = None) -> dict[str, str]:
    """Load the Sphinx stack and write the course pages' text, ahead of :func:`render`.

    The build runs this in a thread while the chapters execute (the build's own
    process is idle then), so the render that follows starts warm. Returns
    :func:`site_pages`, for ``render(..., course_pages=...)``.

    Parameters
    ----------
    data : Path, optional
        The data folder the course pages are made from (default: the one in use).

    Returns
    -------
    dict of str to str
        The course pages' Markdown by page name (see
        :func:`mscteach.site.pages.site_pages`).
    """
    from ..runner import skip_unused_format_checkers

    skip_unused_format_checkers()
    import myst_nb.sphinx_ext  # noqa: F401  (the heaviest part of starting Sphinx)
    import sphinx.application  # noqa: F401
    import sphinx_book_theme  # noqa: F401

    return site_pages(data)


def render(executed: Mapping[str, Path], out: Path, work: Path, data: Path | None = None,
           repository: str | None = None, hub: str | None = None, failures: Mapping[str, str] | None = None,
           course_pages: Mapping[str, str] | None = None, lang: str = "en",
           other_edition: tuple[str, str] | None = None) -> dict[str, list[str]]:
    """Render executed notebooks into the course site at ``out``; return the blocks left untranslated, per page.

    ``lang`` is the edition's language: its chapters' narrative is translated
    from the catalogues of :mod:`mscteach.translations` (a block without a
    translation stays in English and is returned, never dropped), Sphinx's own
    words follow ``language``, and a right-to-left language gets ``dir="rtl"``
    on every page. ``other_edition`` is ``(language, relative root)`` of the
    edition to link to from every page (e.g. ``("fa", "fa/")``).

    ``executed`` maps each page name (``00_index``, ``01_history``, ...) to its
    executed notebook (the first, ``00_index``, becomes ``index.html``); ``work``
    keeps the Sphinx sources and its environment between builds, so a rebuild
    re-reads only what changed. ``course_pages`` are the glossary, references and
    data pages from :func:`prepare` (made here when not given). The English
    edition also gets the API reference (:func:`mscteach.site.pages.api_page`),
    under "Appendix" in its contents.

    Parameters
    ----------
    executed : mapping of str to Path
        Page name to executed notebook; the first name in sorted order is the
        site's index.
    out : Path
        The site folder Sphinx writes.
    work : Path
        The folder for Sphinx's sources (``work/src``) and environment
        (``work/doctrees``); files in ``work/src`` that are no longer part of
        the site are removed.
    data : Path, optional
        The data folder for the course pages when ``course_pages`` is not given.
    repository : str, optional
        Repository URL for the chapters' launch links (None: no links).
    hub : str, optional
        JupyterHub URL for nbgitpuller links beside the Binder ones.
    failures : mapping of str to str, optional
        Page name to the error of a chapter that failed (shown in a warning on its page).
    course_pages : mapping of str to str, optional
        The course pages' English Markdown by name (from :func:`prepare`); made
        here from the data when None.
    lang : str, default "en"
        The edition's language (``"en"`` or ``"fa"``).
    other_edition : tuple of (str, str), optional
        ``(language, relative root)`` of the other edition to link to.

    Returns
    -------
    dict of str to list of str
        Page name (``index`` for the root) to the narrative blocks shown in
        English for want of a translation; empty for English, and pages with
        nothing missing are left out.

    Raises
    ------
    UnknownNameError
        If ``lang`` (or the other edition's language) has no edition.
    MscteachError
        If Sphinx fails (the message gives its last error line).
    """
    import io

    from ..runner import skip_unused_format_checkers

    skip_unused_format_checkers()
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    src = work / "src"
    names = sorted(executed)
    # the course index (00_index), or the first notebook of a folder without one, is the site's index.html
    root = names[0]
    pages = {name: ("index" if name == root else name) for name in names}
    chapters = names[1:]
    wanted = {f"{page}.ipynb" for page in pages.values()} | {f"{name}.md" for name in PAGES}
    if lang == "en":
        wanted.add(f"{API_PAGE}.rst")
    if src.is_dir():
        for stale in src.iterdir():
            if stale.is_file() and stale.name not in wanted:
                stale.unlink()
    from ..i18n import LANGUAGE_NAMES, RTL, check_language
    from ..i18n.pages import catalogue

    check_language(lang)
    untranslated: dict[str, list[str]] = {}
    for name in names:
        missing: list[str] = []
        known = None if lang == "en" else catalogue(lang, pages[name])
        text = site_notebook(executed[name], chapters if name == root else None, (failures or {}).get(name),
                             lang, known, missing)
        if missing:
            untranslated[pages[name]] = missing
        text = text.replace(f"]({root}.ipynb)", "](index.ipynb)")  # links to the index notebook
        write_if_changed(src / f"{pages[name]}.ipynb", text)
    for name, text in (course_pages if course_pages is not None else site_pages(data)).items():
        write_if_changed(src / f"{name}.md", text if lang == "en" else localise_page(text, lang, data))
    if lang == "en":
        # the package's hash in a comment: Sphinx reads the page again, with fresh docstrings, when the code changes
        write_if_changed(src / f"{API_PAGE}.rst", api_page() + f"\n.. mscteach source {source_hash()}\n")
    warnings = io.StringIO()
    context = dict(sphinx_config()["html_context"], mscteach_data=data_footer(data, lang))
    if other_edition:
        other, href = other_edition
        context.update(mscteach_edition_lang=check_language(other), mscteach_edition_name=LANGUAGE_NAMES[other],
                       mscteach_edition_href=href,
                       # the API reference (docstrings are English) and its module index exist in English only
                       mscteach_one_edition_pages=[API_PAGE, "py-modindex"])
    from ..i18n import say, text as localised

    config = sphinx_config()
    overrides = {"mscteach_repository": repository, "mscteach_hub": hub, "language": lang,
                 "html_context": context, "html_title": localised(config["html_title"], lang)}
    if lang != "en":  # the footer's words; the names and licences in them stay as written
        overrides.update(author=say("mscteach contributors; text and data adapted from Moudi, Karbalaie-Harofteh & "
                                    "Moudi (2025)", lang),
                         copyright=say("code MIT; text and data CC BY-NC-SA 4.0", lang),
                         nb_code_prompt_show=say("Show the solution (code and result)", lang),
                         nb_code_prompt_hide=say("Hide the solution", lang))
    fresh_translations()
    try:
        with docutils_namespace():
            app = Sphinx(str(src), str(CONF_DIR), str(out), str(work / "doctrees"), "html", status=None,
                         warning=warnings, freshenv=False, confoverrides={k: v for k, v in overrides.items() if v},
                         parallel=0)
            app.build()
    except Exception as exc:  # Sphinx raises its own error types for broken sources
        raise MscteachError(f"the site could not be rendered: {type(exc).__name__}: {exc}") from None
    if app.statuscode:
        last = (warnings.getvalue().strip().splitlines() or ["(no message)"])[-1]
        raise MscteachError(f"the site could not be rendered: {last}")
    if lang in RTL:
        mark_direction(out, lang)
    return untranslated


def fresh_translations() -> None:
    """Forget the interface translations a previous Sphinx run in this process loaded.

    Sphinx keeps its message catalogues in a process-wide table and merges a
    new language into the old one, so without this the English pages (and the
    course pack) printed after the Persian edition say "Contents" in Persian.
    """
    import sphinx.locale

    sphinx.locale.translators.clear()


def mark_direction(out: Path, lang: str) -> None:
    """Give every page of a right-to-left edition ``dir="rtl"`` (the theme writes only ``lang``).

    Each HTML page under ``out`` (not under ``_static``) whose ``<html>`` tag
    has ``lang="LANG"`` and no ``dir`` gets ``dir="rtl"``; the files are
    rewritten in place, and a page already marked is left alone.

    Parameters
    ----------
    out : Path
        The edition's site folder.
    lang : str
        The edition's language code, as in its pages' ``lang`` attribute (``"fa"``).
    """
    for page in out.rglob("*.html"):
        if "_static" in page.relative_to(out).parts:
            continue
        text = page.read_text(encoding="utf-8")
        marked = re.sub(rf'<html([^>]*) lang="{lang}"(?![^>]*\bdir=)', rf'<html\1 lang="{lang}" dir="rtl"', text,
                        count=1)
        if marked != text:
            page.write_text(marked, encoding="utf-8")


def source_hash() -> str:
    """A hash of everything in the package that shapes the site (code, configuration, static files).

    Part of every chapter's cache key, and written into the API page so its
    docstrings are read again when the code changes.

    Returns
    -------
    str
        A SHA-256 hex digest of the names and bytes of the package's ``.py``,
        ``.css``, ``.js``, ``.html``, ``.po``, ``.json`` and ``.csv`` files
        (the packaged course folders, ``_data``, left out).
    """
    digest = hashlib.sha256()
    root = Path(str(importlib.resources.files("mscteach")))
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".css", ".js", ".html", ".po", ".json", ".csv"} \
                and "__pycache__" not in path.parts and "_data" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def clean(out: Path) -> None:
    """Remove a site folder that mscteach built (refusing any other folder).

    A folder counts as built by mscteach when it holds the build's stamp,
    ``.mscteach-build.json`` (a build that failed leaves none). A path that
    does not exist is left as it is.

    Parameters
    ----------
    out : Path
        The site folder.

    Raises
    ------
    MscteachError
        If ``out`` exists but has no build stamp.
    """
    if (out / ".mscteach-build.json").is_file():
        shutil.rmtree(out)
    elif out.exists():
        raise MscteachError(f"{str(out)!r} was not built by mscteach; not removing it")
