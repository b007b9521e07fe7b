"""Translated editions of the course site: gettext catalogues of the pages' narrative, managed with Babel.

A chapter's narrative is its markdown cells, as the site shows them (after
:func:`mscteach.lessons.lesson_blocks`). Each block of text between blank lines
(a paragraph, a list, a table, a heading) is one message: its English text is
the ``msgid``, its translation the ``msgstr``. The catalogues are standard
gettext PO files, one per page, under ``mscteach/locale/LANG/LC_MESSAGES/``
(``01_history.po``, ...), so translators use the tools they know (Poedit,
Weblate, a text editor). (They are kept apart from Sphinx's ``locale_dirs``,
which Sphinx would compile in place, inside an installed package.) Code, outputs and numbers computed by the chapters are
not in the catalogues: they come from the chapter's run.

* :func:`update` (``mscteach translations update``) writes or refreshes the
  catalogues from the chapters: new blocks are added untranslated, changed
  blocks keep their old translation marked *fuzzy* (shown in English until a
  translator confirms it), vanished blocks are dropped;
* :func:`translate_markdown` gives a block's translation, or the English text
  when there is none, and says which blocks fell back to English, so a build
  can list them (never silently drop them);
* :func:`status` counts translated and untranslated blocks per page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MscteachError
from .catalogues import SENTENCES, catalogue_file, read_catalogue
from .languages import SOURCE, check_language

__all__ = ["Translation", "blocks", "catalogue", "missing", "package_sentences", "page_blocks", "page_name",
           "status", "translate_markdown", "update"]


# --------------------------------------------------------------------------- blocks
_STRUCTURE = re.compile(r"^(:::.*|:class:.*|```.*)$")


def _split(markdown: str) -> list[tuple[str, str, bool]]:
    """The markdown as (prefix, piece, translatable) lines and blocks, in order.

    Blank lines separate blocks; fenced code stays whole and untranslated; the
    fences and options of MyST directives (``:::{admonition} ...``, ``:class:``)
    stay as written around the text they hold, but an admonition's title (the
    lesson parts: "Key points", ...) is a message of its own.
    """
    pieces: list[tuple[str, str, bool]] = []
    lines = markdown.split("\n")
    i = 0
    block: list[str] = []

    def flush() -> None:
        if block:
            pieces.append(("", "\n".join(block), True))
            block.clear()

    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):  # fenced code: up to the closing fence, untouched
            flush()
            end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("```")), len(lines) - 1)
            pieces.append(("", "\n".join(lines[i:end + 1]), False))
            i = end + 1
            continue
        title = re.match(r"^(:::\{admonition\} )(.+)$", line)
        if title:
            flush()
            pieces.append((title.group(1), title.group(2), True))
        elif _STRUCTURE.match(line) or not line.strip():
            flush()
            pieces.append(("", line, False))
        else:
            block.append(line)
        i += 1
    flush()
    return pieces


def blocks(markdown: str) -> list[str]:
    """The translatable blocks of a markdown text, in order.

    Blank lines separate blocks; fenced code, directive fences and blocks with
    nothing to translate (markup, numbers and links only) are left out.

    Parameters
    ----------
    markdown : str
        A markdown cell's text, as the site shows it.

    Returns
    -------
    list of str

    Examples
    --------
    >>> blocks("# Title\\n\\nA paragraph.\\n\\n---")
    ['# Title', 'A paragraph.']
    """
    return [piece for _, piece, translatable in _split(markdown) if translatable and _worth_translating(piece)]


def _worth_translating(piece: str) -> bool:
    """Blocks made only of markup, numbers and links (e.g. ``---``) have nothing to translate."""
    return bool(re.search(r"[A-Za-z]{2}", re.sub(r"\]\([^)]*\)|`[^`]*`", "", piece)))


# --------------------------------------------------------------------------- catalogues
def catalogue(lang: str, page: str, locale: Path | None = None) -> dict[str, str]:
    """The confirmed translations of a page (English text -> translation); empty when there is no catalogue.

    Parameters
    ----------
    lang : str
        The language (``"fa"``); the source language has no catalogue.
    page : str
        The page's catalogue name (:func:`page_name`), or ``"sentences"``.
    locale : Path, optional
        The catalogues' folder (default: the package's ``mscteach/locale``).

    Returns
    -------
    dict
        English block -> translation, fuzzy and empty entries left out.

    Raises
    ------
    UnknownNameError
        For a language the course does not have.
    """
    check_language(lang)
    path = catalogue_file(lang, page, locale)
    if lang == SOURCE or not path.is_file():
        return {}
    return read_catalogue(path)


@dataclass
class Translation:
    """A translated text and the blocks that fell back to English.

    Parameters
    ----------
    text : str
        The markdown, every block with a translation translated.
    translated : int
        How many blocks were translated.
    missing : list of str
        The blocks left in English for want of a translation.
    """

    text: str
    translated: int = 0
    missing: list[str] = field(default_factory=list)


def translate_markdown(markdown: str, translations: dict[str, str]) -> Translation:
    """``markdown`` with every block that has a translation translated; the others stay English and are listed.

    Parameters
    ----------
    markdown : str
        A markdown text.
    translations : dict
        English block -> translation (:func:`catalogue`).

    Returns
    -------
    Translation

    Examples
    --------
    >>> result = translate_markdown("Key points\\n\\nMore text.", {"Key points": "نکات کلیدی"})
    >>> result.text.splitlines()[0], result.translated, result.missing
    ('نکات کلیدی', 1, ['More text.'])
    """
    out, result = [], Translation("")
    for prefix, piece, translatable in _split(markdown):
        if translatable and _worth_translating(piece):
            if piece in translations:
                out.append(prefix + translations[piece])
                result.translated += 1
                continue
            result.missing.append(piece)
        out.append(prefix + piece)
    result.text = "\n".join(out)
    return result


def page_blocks(notebook: Path) -> list[tuple[str, str]]:
    """(cell id, block) for every translatable block of a notebook's markdown cells, as the site shows them.

    Parameters
    ----------
    notebook : Path
        A chapter notebook (or the brief's template).

    Returns
    -------
    list of tuple
        ``(cell id, block)`` in the notebook's order.
    """
    import json

    from ..lessons import lesson_blocks

    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for block in blocks(lesson_blocks("".join(cell["source"]))):
                found.append((cell.get("id", ""), block))
    return found


def page_name(notebook: Path, index: str = "00_index") -> str:
    """A notebook's page (and catalogue) name: ``index`` for the course index, else its stem.

    Parameters
    ----------
    notebook : Path
        The notebook.
    index : str, default "00_index"
        The stem of the course's index notebook.

    Returns
    -------
    str

    Examples
    --------
    >>> page_name(Path("notebooks/00_index.ipynb")), page_name(Path("notebooks/06_clinical_trials.ipynb"))
    ('index', '06_clinical_trials')
    """
    return "index" if Path(notebook).stem == index else Path(notebook).stem


HEADER = """\
# {language} translation of the course page "{page}" (mscteach).
# The English text and its translation are adapted from Moudi B, Karbalaie-Harofteh M, Moudi M. A Review of
# Stem Cell-based Therapies for Human Liver Diseases. Razi J Med Sci. 2025;32:43, under CC BY-NC-SA 4.0.
# Keep reference numbers, study names and numbers as in the English text (numbers in Persian digits);
# leave `code` as it is. Refresh with `mscteach translations update`.
#"""


def update(notebooks: list[Path], lang: str, locale: Path | None = None) -> dict[str, dict[str, int]]:
    """Write or refresh the catalogues of ``lang`` from the notebooks; return :func:`status` afterwards.

    New blocks are added untranslated, a changed block keeps its old
    translation marked fuzzy (a translator confirms it), vanished blocks are
    dropped. Files are written only when their content changes. The catalogue
    of the sentences the package writes (``sentences.po``) is refreshed the same
    way from the package's source.

    Parameters
    ----------
    notebooks : list of Path
        The pages to refresh the catalogues of.
    lang : str
        The language; not the source language.
    locale : Path, optional
        The catalogues' folder (default: the package's ``mscteach/locale``).

    Returns
    -------
    dict
        :func:`status` after the update.

    Raises
    ------
    UnknownNameError
        For a language the course does not have.
    MscteachError
        For the source language, or a ``say`` message Babel cannot read.
    """
    check_language(lang)
    if lang == SOURCE:
        raise MscteachError(f"{lang!r} is the course's own language: it has no catalogue")
    for notebook in notebooks:
        messages: dict[str, list[str]] = {}
        for cell_id, block in page_blocks(notebook):
            messages.setdefault(block, []).append(f"{Path(notebook).name}#{cell_id}")
        _write_catalogue(lang, page_name(notebook), messages, locale)
    _write_catalogue(lang, SENTENCES, {message: [f"{file}:{line}" for file, line in where]
                                       for message, where in package_sentences().items()}, locale, brace=True)
    return status(notebooks, lang, locale)


def _write_catalogue(lang: str, page: str, messages: dict[Any, list[str]], locale: Path | None,
                     brace: bool = False) -> None:
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(locale=lang, domain=page, project="mscteach", fuzzy=False, header_comment=HEADER.format(
        language={"fa": "Persian"}.get(lang, lang), page=page))
    for message, where in messages.items():
        template.add(message, locations=[(w, None) for w in where],  # type: ignore[misc]  # Babel allows no line
                     flags=["python-brace-format"] if brace and "{" in "".join(message) else [])
    path = catalogue_file(lang, page, locale)
    if path.is_file():
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        catalog.update(template, no_fuzzy_matching=False)
        catalog.header_comment = template.header_comment
    else:
        catalog = template
    catalog.obsolete.clear()
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=False, ignore_obsolete=True,
             include_previous=False)
    text = re.sub(rb"^\"POT-Creation-Date: .*\\n\"\n|^\"PO-Revision-Date: .*\\n\"\n", b"", buffer.getvalue(),
                  flags=re.M)  # dates would change every file on every run
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != text:
        path.write_bytes(text)


def package_sentences() -> dict[str | tuple[str, str], list[tuple[str, int]]]:
    """Every sentence the package writes with :func:`~mscteach.i18n.say` or :func:`~mscteach.i18n.say_n`, found by Babel.

    Every module of the package is read, subpackages included; a location is the
    module's path inside the package (``evidence/outcomes.py``).

    Returns
    -------
    dict
        A ``say`` message, or a ``say_n`` pair ``(singular, plural)`` -> its ``[(file, line)]``.

    Raises
    ------
    MscteachError
        For a message that is not a plain string (an f-string or a name cannot be looked up).
    """
    from babel.messages.extract import extract_python

    found: dict[str | tuple[str, str], list[tuple[str, int]]] = {}
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        where = path.relative_to(package).as_posix()
        with path.open("rb") as f:
            for line, function, message, _ in extract_python(f, {"say": None, "say_n": None}, [], {}):
                parts = tuple(message) if isinstance(message, (tuple, list)) else (message,)
                wanted = parts[:2] if function == "say_n" else parts[:1]
                if len(wanted) < (2 if function == "say_n" else 1) or not all(isinstance(p, str) and p
                                                                               for p in wanted):
                    raise MscteachError(f"{where}, line {line}: {function}() needs its English message(s) as plain "
                                        "strings (named fields, no f-string), so the catalogue can hold them")
                key: str | tuple[str, str] = (wanted[0], wanted[1]) if function == "say_n" else wanted[0]
                found.setdefault(key, []).append((where, line))
    return found


def status(notebooks: list[Path], lang: str, locale: Path | None = None) -> dict[str, dict[str, int]]:
    """Per page: how many blocks there are, and how many have a confirmed translation.

    Parameters
    ----------
    notebooks : list of Path
        The pages.
    lang : str
        The language.
    locale : Path, optional
        The catalogues' folder (default: the package's ``mscteach/locale``).

    Returns
    -------
    dict
        Page name -> ``{"blocks": n, "translated": n}``.
    """
    result = {}
    for notebook in notebooks:
        page = page_name(notebook)
        known = catalogue(lang, page, locale)
        found = [block for _, block in page_blocks(notebook)]
        result[page] = {"blocks": len(found), "translated": sum(block in known for block in found)}
    return result


def missing(notebooks: list[Path], lang: str, locale: Path | None = None) -> dict[str, list[str]]:
    """Per page, the blocks without a confirmed translation.

    Parameters
    ----------
    notebooks : list of Path
        The pages.
    lang : str
        The language.
    locale : Path, optional
        The catalogues' folder (default: the package's ``mscteach/locale``).

    Returns
    -------
    dict
        Page name -> its untranslated blocks, in order.
    """
    out: dict[str, Any] = {}
    for notebook in notebooks:
        page = page_name(notebook)
        known = catalogue(lang, page, locale)
        out[page] = [block for _, block in page_blocks(notebook) if block not in known]
    return out
