"""The course pages made from the data (glossary, references, about the data) and the API reference page."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from .config import API_MODULES

__all__ = ["ADDED", "API_PAGE", "api_page", "data_footer", "localise_page", "md_escape", "references_intro",
           "site_pages"]

#: The API reference's page name; only the English edition has it (the docstrings are English).
API_PAGE = "api"
#: How the references page marks a reference a teacher added (not one of the review's).
ADDED = "added to this course's data"
#: The about-the-data page's labels for a table's rows that differ from the packaged data (keys follow them).
ROWS_ADDED = "Rows added to this course's data"
ROWS_CHANGED = "Rows changed from the review's curated data"
ROWS_REMOVED = "Rows removed from the review's curated data"
# the references page's introduction, whatever the data: a line the figures' catalogue translates
_INTRO = re.compile(r"^(All |The review's |\d+ of the review's |The \d+ references of this course's data)")


def references_intro(total: int, added: int | None, removed: int = 0) -> str:
    """The references page's introduction: how many references are the review's and how many a teacher added.

    Parameters
    ----------
    total : int
        References in the data folder.
    added : int or None
        How many of them are not the packaged data's (a teacher's); None
        when there is no packaged data to tell the review's references by.
    removed : int, default 0
        How many of the packaged data's references the folder no longer has.

    Returns
    -------
    str
        One line of Markdown, in English (:func:`localise_page` translates it).

    Examples
    --------
    >>> references_intro(103, 0)[:48]
    "The review's 103 references, with the review's o"
    >>> references_intro(104, 1)[:60]
    "The review's 103 references, and 1 added to this course's da"
    """
    link = "A citation such as [26] in a chapter links to its entry here."
    if added is None:
        return f"The {total} references of this course's data, with their own numbers. {link}"
    review = total - added + removed
    whose = f"{review - removed} of the review's {review}" if removed else f"The review's {review}"
    whose += " references"
    if not added:
        return f"{whose}, with the review's own numbers. {link}"
    return (f"{whose}, and {added} added to this course's data ({total}). The review's references keep the "
            f"review's numbers; added ones are marked as added. {link}")


def data_footer(data: Path | None = None, lang: str = "en") -> str:
    """The line every page of the course site ends with: which data made it.

    Parameters
    ----------
    data : Path, optional
        The data folder (default: the one in use, see :func:`mscteach.data.data_dir`).
    lang : str, default "en"
        The edition's language.

    Returns
    -------
    str
        Plain text: "Data: the review's curated data (data 1a2b3c4d5e6f)." for
        the packaged data; for a folder of one's own its name and, when it
        differs from the packaged data, what was added, changed or removed
        (:meth:`mscteach.data.provenance.Provenance.summary`).

    Raises
    ------
    DataDirectoryError
        If the data folder does not exist.
    """
    from ..data.provenance import provenance_of
    from ..i18n import say

    made = provenance_of(data)
    if made.shipped:
        return say("Data: {summary}.", lang, summary=made.summary(lang))
    return say("Data ({folder}): {summary}.", lang, folder=made.folder.name, summary=made.summary(lang))


def site_pages(data: Path | None = None) -> dict[str, str]:
    """The course pages made from the data: glossary, references and "about the data" (MyST Markdown).

    The glossary is a MyST ``glossary`` directive (terms, abbreviations and
    the Persian term where the review prints one); each reference gets the
    label ``ref-N`` that citations in the chapters link to, and the page says
    how many are the review's and marks the ones a teacher added (found by
    comparing with the packaged data, :func:`references_intro`); the data page
    describes every table and its fields from ``datapackage.json``, with the
    curation notes of the data folder's ``README.md`` when it has them.

    Parameters
    ----------
    data : Path, optional
        The data folder (default: the one in use, see :func:`mscteach.data.data_dir`).

    Returns
    -------
    dict of str to str
        ``"glossary"``, ``"references"`` and ``"data"`` (the page names of
        :data:`~mscteach.site.config.PAGES`) to each page's Markdown, in English.

    Raises
    ------
    DataDirectoryError
        If the data folder does not exist or has no ``datapackage.json``.
    """
    from ..data import package_descriptor, data_dir, format_citation, list_tables, load
    from ..data.provenance import provenance_of

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
        note = getattr(row, "term_fa_note", None)  # older data: no column
        note = note if isinstance(note, str) and note else ""
        if isinstance(row.term_fa, str) and row.term_fa:  # a note beside a term says how the review prints it
            lines += ["", f"  Persian: <span lang=\"fa\" dir=\"rtl\">{row.term_fa}</span>" + (f" ({note})" if note else "")]
        elif note:
            lines += ["", f"  Persian: none. {note}"]
        lines.append("")
    lines.append(":::")
    references = load("references", folder)
    # which references are the review's is known only against the packaged data, never from a count
    changes = provenance_of(folder).changes
    added = set(changes.table("references").added) if changes is not None else set()
    refs = ["# References", "",
            references_intro(len(references), None if changes is None else len(added),
                             0 if changes is None else len(changes.table("references").removed)), ""]
    for row in references.itertuples():
        mark = f" *({ADDED})*" if row.ref_id in added else ""
        refs += [f"(ref-{row.ref_id})=", f"**[{row.ref_id}]** {md_escape(format_citation(row._asdict()))}{mark}", ""]
    descriptor = package_descriptor(folder)
    about = ["# About the data", "", md_escape(descriptor.get("description", "")), ""]
    licences = descriptor.get("licenses", [])
    if licences:
        about += ["**Licence**: " + "; ".join(f"{l.get('title', l.get('name', ''))}" for l in licences), ""]
    for source in descriptor.get("sources", []):
        about += [f"**Source**: {md_escape(source.get('title', ''))}", ""]
    for name in list_tables(folder):
        resource = next(r for r in descriptor["resources"] if r["name"] == name)
        rows = len(load(name, folder))
        about += [f"## `{name}`: {md_escape(resource.get('title', name))}", "",
                  f"{md_escape(resource.get('description', ''))} ({rows} rows.)", ""]
        if changes is not None:  # a teacher's rows are told apart from the review's, by key
            table = changes.table(name)
            for label, keys in ((ROWS_ADDED, table.added), (ROWS_CHANGED, table.changed),
                                (ROWS_REMOVED, table.removed)):
                if keys:
                    about += [f"*{label}:* " + ", ".join(f"`{_shown_key(k)}`" for k in keys), ""]
        about += ["| column | type | description |", "|---|---|---|"]
        for field in resource["schema"]["fields"]:
            allowed = field.get("constraints", {}).get("enum")
            extra = f" Allowed: {', '.join(map(str, allowed))}." if allowed else ""
            about.append(f"| `{field['name']}` | {field['type']} | "
                         f"{md_escape(field.get('description', ''))}{md_escape(extra)} |")
        about.append("")
    readme = folder / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        match = re.search(r"^## Discrepancies in the review recorded in `notes`\n(.*?)(?=^## |\Z)", text, re.S | re.M)
        if match:
            about += ["## Curation notes: where the review is doubtful", "", match.group(1).strip(), ""]
    return {"glossary": "\n".join(lines) + "\n", "references": "\n".join(refs) + "\n", "data": "\n".join(about) + "\n"}


def localise_page(page: str, lang: str, data: Path | None = None) -> str:
    """A generated course page in ``lang``: its headings, introductions and labels (the data stay as they are).

    Line by line, the words :func:`site_pages` writes (headings, the
    glossary's and references' introductions, table titles, "Licence",
    "Source", the field table's header, "Persian", row counts) are looked up
    in the figures' catalogue of :mod:`mscteach.i18n`; definitions,
    citations and field descriptions stay as the data has them. A line
    without a translation stays in English.

    Parameters
    ----------
    page : str
        One page of :func:`site_pages` (MyST Markdown, in English).
    lang : str
        The language code (``"fa"``); ``"en"`` gives the page unchanged,
        apart from digits.
    data : Path, optional
        The data folder the page was made from: the glossary's definitions
        are shown in its Persian column where it has one
        (:func:`mscteach.data.in_language`; default: the data in use).

    Returns
    -------
    str
        The page in ``lang``.
    """
    from ..i18n import say, text

    definitions: dict[str, str] = {}
    if lang != "en" and page.startswith("# Glossary"):
        from ..data import in_language, load

        glossary = load("glossary", data)
        shown = in_language(glossary, lang)
        definitions = {str(english).strip(): str(own).strip()
                       for english, own in zip(glossary["definition"], shown["definition"])}
    out = []
    for number, line in enumerate(page.split("\n")):
        if line.startswith("  ") and line.strip() in definitions:  # a glossary definition
            line = "  " + definitions[line.strip()]
        elif line.startswith("# "):
            line = "# " + text(line[2:], lang)
        elif number == 2 and _INTRO.match(line):  # the glossary's and references' introduction
            line = text(line, lang)
        elif line.startswith("**[") and line.endswith(f" *({ADDED})*"):  # a reference a teacher added
            line = line[:-len(f" *({ADDED})*")] + f" *({text(ADDED, lang)})*"
        elif line.startswith(tuple(f"*{label}:* " for label in (ROWS_ADDED, ROWS_CHANGED, ROWS_REMOVED))):
            label, _, keys = line[1:].partition(":* ")
            words = {ROWS_ADDED: say("Rows added to this course's data", lang),
                     ROWS_CHANGED: say("Rows changed from the review's curated data", lang),
                     ROWS_REMOVED: say("Rows removed from the review's curated data", lang)}
            line = f"*{words[label]}:* {keys}"
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


def _shown_key(key: object) -> str:
    """A row's key as the page shows it: its value, the values of a key of several fields joined by " / "."""
    return " / ".join(map(str, key)) if isinstance(key, tuple) else str(key)


def md_escape(text: str) -> str:
    """Escape the characters Markdown (MyST) would read as markup, so ``text`` shows as written.

    Parameters
    ----------
    text : str
        The text (any object is turned into a string first).

    Returns
    -------
    str
        ``text`` with a backslash before each of ``\\ ` * _ { } [ ] < > |``.

    Examples
    --------
    >>> print(md_escape("IL-1β [26] *in vitro* | n<10"))
    IL-1β \\[26\\] \\*in vitro\\* \\| n\\<10
    """
    return re.sub(r"([\\`*_{}\[\]<>|])", r"\\\1", str(text))




def api_page(modules: list[str] | None = None) -> str:
    """The API reference (reStructuredText for Sphinx autodoc and autosummary) of ``modules``.

    Parameters
    ----------
    modules : list of str, optional
        Module names, in the order the page shows them (default: :data:`API_MODULES`). A name that
        cannot be found is left out, so the page documents the modules this installation has.

    Returns
    -------
    str
        The page: a title, an introduction, an ``autosummary`` table of the
        modules and an ``automodule`` section for each.

    Examples
    --------
    >>> print(api_page(["mscteach.errors", "mscteach.no_such_module"]))  # doctest: +ELLIPSIS
    API reference
    =============
    ...
    .. autosummary::
    <BLANKLINE>
       mscteach.errors
    <BLANKLINE>
    ``mscteach.errors``
    -------------------
    <BLANKLINE>
    .. automodule:: mscteach.errors
    <BLANKLINE>
    """
    present = [name for name in (API_MODULES if modules is None else modules) if _findable(name)]
    title = "API reference"
    lines = [title, "=" * len(title), "",
             "The public functions and classes of the package's user-facing modules, read from their "
             "docstrings. ``import mscteach`` gives the data functions at the top level "
             "(``mscteach.load(...)``); the others are imported from their module.", "",
             ".. autosummary::", ""]
    lines += [f"   {name}" for name in present]
    for name in present:
        heading = f"``{name}``"
        lines += ["", heading, "-" * len(heading), "", f".. automodule:: {name}"]
    return "\n".join(lines) + "\n"


def _findable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent package that does not exist
        return False
