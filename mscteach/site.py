"""The course website: executed chapters rendered by Sphinx + MyST-NB + sphinx-book-theme, offline.

:func:`render` turns a folder of executed notebooks into the site: it writes
the Sphinx sources (the notebooks with their lesson parts as styled blocks, a
glossary page, a references page and an "about the data" page, all generated
from the data), then runs Sphinx with the configuration of :func:`sphinx_config`
(the one place it is defined; ``mscteach/sitecfg/conf.py`` only loads it).

Nothing on a page is fetched from the network: MyST-NB's widget scripts (from a
CDN) are turned off, explorers carry static views made when the chapters ran
for the site, and the theme's scripts and styles come from installed packages.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import MscteachError
from .lessons import lesson_blocks

__all__ = ["CONF_DIR", "lesson_blocks", "render", "site_pages", "sphinx_config"]

CONF_DIR = Path(__file__).resolve().parent / "sitecfg"
PAGES = ["glossary", "references", "data"]


def sphinx_config(repository: str | None = None, hub: str | None = None) -> dict[str, Any]:
    """The Sphinx configuration of the course site (``conf.py`` loads exactly this)."""
    return {
        "project": "MSC therapy for human liver disease",
        "author": "mscteach contributors; text and data adapted from Moudi, Karbalaie-Harofteh & Moudi (2025)",
        "copyright": "code MIT; text and data CC BY-NC-SA 4.0",
        "extensions": ["myst_nb", "mscteach.sphinx_ext"],
        "root_doc": "index",
        "exclude_patterns": ["_build", "**.ipynb_checkpoints"],
        "language": "en",
        "locale_dirs": [str(CONF_DIR / "locale")],
        "gettext_compact": False,
        "html_static_path": [str(CONF_DIR / "_static")],
        "html_css_files": ["mscteach.css"],
        "html_js_files": ["mscteach.js"],
        "html_title": "MSC therapy for human liver disease",
        "html_theme": "sphinx_book_theme",
        "templates_path": [str(CONF_DIR / "_templates")],
        "html_theme_options": {
            # a link to the course in the other language, when both editions are built
            "article_header_end": ["mscteach-edition.html", "article-header-buttons.html"],
            "home_page_in_toc": True,
            "use_download_button": False,
            "show_toc_level": 2,
            "navigation_with_keys": False,
        },
        "html_context": {"default_mode": "auto"},  # light or dark as the reader's system says; a toggle switches
        "html_show_sourcelink": False,
        "html_copy_source": False,
        "html_last_updated_fmt": None,
        # MyST-NB: the notebooks were executed by mscteach (papermill), never again here
        "nb_execution_mode": "off",
        # MyST-NB would load require.js and the widget manager from CDNs: the site needs neither
        "nb_ipywidgets_js": {},
        "nb_mime_priority_overrides": [("html", "application/vnd.jupyter.widget-view+json", None),
                                       ("html", "application/vnd.jupyter.widget-state+json", None)],
        "nb_code_prompt_show": "Show the solution (code and result)",
        "nb_code_prompt_hide": "Hide the solution",
        "nb_merge_streams": True,
        # Markdown a cell displays (the index's chapter table, briefs' sections) is read as MyST, with tables:
        # MyST-NB's default, CommonMark, shows a table as a paragraph of pipes
        "nb_render_markdown_format": "myst",
        "myst_enable_extensions": ["colon_fence", "deflist"],
        "suppress_warnings": ["mystnb.unknown_mime_type", "myst.header"],
        "mscteach_repository": repository,
        "mscteach_hub": hub,
    }


# --------------------------------------------------------------------------- lesson blocks
def site_pages(data: Path | None = None) -> dict[str, str]:
    """The course pages made from the data: glossary, references and "about the data" (MyST Markdown)."""
    from .data import package_descriptor, data_dir, format_citation, list_tables, load

    folder = data_dir(data)
    glossary = load("glossary", folder)
    lines = ["# Glossary", "",
             f"All {len(glossary)} terms and abbreviations of the course, in English and, where the review uses "
             "one, the Persian term it prints. Terms in the chapters link here.", "", ":::{glossary}"]
    for row in glossary.itertuples():
        names = [row.term] + ([row.abbreviation] if isinstance(row.abbreviation, str) and row.abbreviation else [])
        lines += names
        definition = row.definition.strip()
        lines.append(f"  {definition}")
        if isinstance(row.term_fa, str) and row.term_fa:
            lines += ["", f"  Persian: <span lang=\"fa\" dir=\"rtl\">{row.term_fa}</span>"]
        elif isinstance(getattr(row, "term_fa_note", None), str) and row.term_fa_note:  # older data: no column
            lines += ["", f"  Persian: none. {row.term_fa_note}"]
        lines.append("")
    lines.append(":::")
    references = load("references", folder)
    refs = ["# References", "",
            f"The review's {len(references)} references, with the review's own numbers. A citation such as "
            "[26] in a chapter links to its entry here.", ""]
    for row in references.itertuples():
        refs += [f"(ref-{row.ref_id})=", f"**[{row.ref_id}]** {_md_escape(format_citation(row._asdict()))}", ""]
    descriptor = package_descriptor(folder)
    about = ["# About the data", "", _md_escape(descriptor.get("description", "")), ""]
    licences = descriptor.get("licenses", [])
    if licences:
        about += ["**Licence**: " + "; ".join(f"{l.get('title', l.get('name', ''))}" for l in licences), ""]
    for source in descriptor.get("sources", []):
        about += [f"**Source**: {_md_escape(source.get('title', ''))}", ""]
    for name in list_tables(folder):
        resource = next(r for r in descriptor["resources"] if r["name"] == name)
        rows = len(load(name, folder))
        about += [f"## `{name}`: {_md_escape(resource.get('title', name))}", "",
                  f"{_md_escape(resource.get('description', ''))} ({rows} rows.)", "",
                  "| column | type | description |", "|---|---|---|"]
        for field in resource["schema"]["fields"]:
            allowed = field.get("constraints", {}).get("enum")
            extra = f" Allowed: {', '.join(map(str, allowed))}." if allowed else ""
            about.append(f"| `{field['name']}` | {field['type']} | "
                         f"{_md_escape(field.get('description', ''))}{_md_escape(extra)} |")
        about.append("")
    readme = folder / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        match = re.search(r"^## Discrepancies in the review recorded in `notes`\n(.*?)(?=^## |\Z)", text, re.S | re.M)
        if match:
            about += ["## Curation notes: where the review is doubtful", "", match.group(1).strip(), ""]
    return {"glossary": "\n".join(lines) + "\n", "references": "\n".join(refs) + "\n", "data": "\n".join(about) + "\n"}


def _localise_page(page: str, lang: str) -> str:
    """A generated course page in ``lang``: its headings, introductions and labels (the data stay as they are)."""
    from .i18n import text

    out = []
    for number, line in enumerate(page.split("\n")):
        if line.startswith("# "):
            line = "# " + text(line[2:], lang)
        elif number == 2 and line.startswith(("All ", "The review's ")):  # the glossary's and references' introduction
            line = text(line, lang)
        elif line.startswith("## `"):  # a table on the about-the-data page: its name stays, its title is translated
            name, _, title = line.partition(": ")
            line = f"{name}: {text(title.replace(chr(92), ''), lang)}" if title else line
        elif line.startswith(("**Licence**: ", "**Source**: ")):
            label, _, rest = line[2:].partition("**: ")
            line = f"**{text(label, lang)}**: {rest}"
        elif line == "| column | type | description |":
            line = "| " + " | ".join(text(c, lang) for c in ("column", "type", "description")) + " |"
        elif line.startswith("## Curation notes: "):
            line = "## " + text(line[3:], lang)
        elif re.search(r" \(\d+ rows\.\)$", line):
            body, _, count = line.rpartition(" (")
            line = f"{body} {text('(' + count, lang)}"
        elif line.startswith("  Persian: "):
            label = text("Persian", lang)
            rest = line[len("  Persian: "):]
            line = f"  {label}: " + (text(rest, lang) if rest.startswith("none.") else rest)
        out.append(line)
    return "\n".join(out)


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>|])", r"\\\1", str(text))


# --------------------------------------------------------------------------- render
def _write_if_changed(path: Path, text: str) -> bool:
    """Write ``path`` only when its content changes, so Sphinx re-reads only what changed."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def _site_notebook(executed: Path, contents: list[str] | None, failure: str | None = None, lang: str = "en",
                   translations: dict[str, str] | None = None, missing: list[str] | None = None) -> str:
    """An executed notebook as the site shows it: lesson blocks, and (the root page) the site's contents.

    In a translated edition (``lang``, with ``translations``, the page's catalogue) each narrative block is
    translated; a block without a translation stays in English and is appended to ``missing``.
    """
    from .translations import translate_markdown

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
            # Markdown a cell printed links chapters as notebooks (``01_history.ipynb``): read as MyST, such a link
            # is a link to that page of the site, so it stays as it is
    if failure:
        warning = f":::{{warning}}\nThis page could not be built completely: {failure}\n:::\n"
        first = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown")
        nb["cells"].insert(first + 1, {"cell_type": "markdown", "id": "site-failure", "metadata": {},
                                       "source": warning})
    if contents is not None:
        from .i18n import text

        toc = ["```{toctree}", ":hidden:", f":caption: {text('Chapters', lang)}", "", *contents, "```", "",
               "```{toctree}", ":hidden:", f":caption: {text('Course pages', lang)}", "", *PAGES, "```"]
        nb["cells"].append({"cell_type": "markdown", "id": "site-contents", "metadata": {},
                            "source": "\n".join(toc)})
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def prepare(data: Path | None = None) -> dict[str, str]:
    """Load the Sphinx stack and write the course pages' text, ahead of :func:`render`.

    The build runs this in a thread while the chapters execute (the build's own
    process is idle then), so the render that follows starts warm. Returns
    :func:`site_pages`, for ``render(..., course_pages=...)``.
    """
    from .runner import skip_unused_format_checkers

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
    executed notebook (the first, ``00_index``, becomes ``index.html``); ``work`` keeps the Sphinx sources and its environment
    between builds, so a rebuild re-reads only what changed. ``course_pages`` are
    the glossary, references and data pages from :func:`prepare` (made here when not given).

    Raises
    ------
    MscteachError
        If Sphinx fails (the message gives its last error line).
    """
    import io

    from .runner import skip_unused_format_checkers

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
    if src.is_dir():
        for stale in src.iterdir():
            if stale.is_file() and stale.name not in wanted:
                stale.unlink()
    from .translations import LANGUAGES, RTL, catalogue, check_language

    check_language(lang)
    untranslated: dict[str, list[str]] = {}
    for name in names:
        missing: list[str] = []
        known = None if lang == "en" else catalogue(lang, pages[name])
        text = _site_notebook(executed[name], chapters if name == root else None, (failures or {}).get(name),
                              lang, known, missing)
        if missing:
            untranslated[pages[name]] = missing
        text = text.replace(f"]({root}.ipynb)", "](index.ipynb)")  # links to the index notebook
        _write_if_changed(src / f"{pages[name]}.ipynb", text)
    for name, text in (course_pages if course_pages is not None else site_pages(data)).items():
        _write_if_changed(src / f"{name}.md", text if lang == "en" else _localise_page(text, lang))
    warnings = io.StringIO()
    context = dict(sphinx_config()["html_context"])
    if other_edition:
        other, href = other_edition
        context.update(mscteach_edition_lang=check_language(other), mscteach_edition_name=LANGUAGES[other],
                       mscteach_edition_href=href)
    from .i18n import text as localised

    from .i18n import say

    config = sphinx_config()
    overrides = {"mscteach_repository": repository, "mscteach_hub": hub, "language": lang,
                 "html_context": context, "html_title": localised(config["html_title"], lang)}
    if lang != "en":  # the footer's words; the names and licences in them stay as written
        overrides.update(author=say("mscteach contributors; text and data adapted from Moudi, Karbalaie-Harofteh & "
                                    "Moudi (2025)", lang),
                         copyright=say("code MIT; text and data CC BY-NC-SA 4.0", lang),
                         nb_code_prompt_show=say("Show the solution (code and result)", lang),
                         nb_code_prompt_hide=say("Hide the solution", lang))
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
        _mark_direction(out, lang)
    return untranslated


def _mark_direction(out: Path, lang: str) -> None:
    """Give every page of a right-to-left edition ``dir="rtl"`` (the theme writes only ``lang``)."""
    for page in out.rglob("*.html"):
        if "_static" in page.relative_to(out).parts:
            continue
        text = page.read_text(encoding="utf-8")
        marked = re.sub(rf'<html([^>]*) lang="{lang}"(?![^>]*\bdir=)', rf'<html\1 lang="{lang}" dir="rtl"', text,
                        count=1)
        if marked != text:
            page.write_text(marked, encoding="utf-8")


def render_pack(work: Path, target: Path, paper: str = "A4") -> Path:
    """Print the rendered site as one course-pack PDF: index, chapters in order, glossary, references.

    Sphinx's ``singlehtml`` builder joins the pages :func:`render` prepared in
    ``work`` into one, in the order of the site's contents; headless Chromium
    prints it (:mod:`mscteach.printing`). Explorers print their default view,
    self-checks their question.
    """
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    from .printing import print_pdfs, printer

    printer()  # before the work: say now if PDFs cannot be printed here
    warnings = io.StringIO()
    try:
        with docutils_namespace():
            app = Sphinx(str(work / "src"), str(CONF_DIR), str(work / "pack"), str(work / "pack-doctrees"),
                         "singlehtml", status=None, warning=warnings, freshenv=False, parallel=0)
            app.build()
    except Exception as exc:  # Sphinx raises its own error types for broken sources
        raise MscteachError(f"the course pack could not be rendered: {type(exc).__name__}: {exc}") from None
    print_pdfs([(work / "pack" / "index.html", target)], paper, timeout_ms=300_000)
    return target


def source_hash() -> str:
    """A hash of everything in the package that shapes the site (code, configuration, static files)."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".css", ".js", ".html", ".po", ".json", ".csv"} \
                and "__pycache__" not in path.parts and "_data" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def clean(out: Path) -> None:
    """Remove a site folder that mscteach built (refusing any other folder)."""
    if (out / ".mscteach-build.json").is_file():
        shutil.rmtree(out)
    elif out.exists():
        raise MscteachError(f"{str(out)!r} was not built by mscteach; not removing it")
