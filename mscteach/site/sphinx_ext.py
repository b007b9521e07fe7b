"""Sphinx extension of the course site: links citations and glossary terms, gives figures alt text and captions.

* ``[26]``, ``[10-13]`` or ``[26, 28]`` in a chapter become links to the
  review's references on the references page;
* the first use on a page of a glossary term or abbreviation links to the glossary;
* every figure gets the alt text and caption its output carries (MyST-NB keeps
  only width and height from an output's metadata);
* with a repository URL configured, each chapter links to its live version on
  Binder and on a JupyterHub (nbgitpuller);
* the sentences a static explorer or self-check wrote in English (a chapter run
  in English) are put in the page's language.

The words this extension adds or translates come from the package's own
catalogue of sentences (:func:`mscteach.i18n.say`, ``mscteach/locale/LANG/LC_MESSAGES/sentences.po``), in
the edition's Sphinx ``language``; the themes' interface words come from
``theme.po``, compiled at setup into the ``sphinx`` and ``booktheme`` catalogues Sphinx reads. A translated
edition therefore needs catalogues, not code.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from ..i18n import say
from ..i18n.messages import LIVE_NOTE, SELF_CHECK, SHOW_ANSWER, live_note, self_check_heading, show_answer

__all__ = ["CITATION", "SKIP", "VOID_ELEMENTS", "describe_figures", "launch_links", "link_citations",
           "link_glossary_terms", "setup", "theme_catalogues", "translate_explorer_notes"]

#: A citation in running text: ``[26]``, ``[10-13]``, ``[26, 28]`` (group 1: what is inside the brackets).
CITATION = re.compile(r"\[(\d{1,3}(?:\s*[-–]\s*\d{1,3})?(?:\s*,\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)*)\]")
#: Nodes whose text is never linked (code, links, titles, raw HTML, glossary terms ...).
SKIP = (nodes.literal, nodes.literal_block, nodes.reference, nodes.title, nodes.raw, addnodes.pending_xref,
        nodes.term, nodes.FixedTextElement)


def _text_nodes(doctree: nodes.Node) -> list[nodes.Text]:
    found = []
    for text in doctree.findall(nodes.Text):
        parent, skip = text.parent, False
        while parent is not None:
            if isinstance(parent, SKIP) or "cell_output" in parent.get("classes", []) \
                    or "admonition-title" in parent.get("classes", []):
                skip = True
                break
            parent = parent.parent
        if not skip:
            found.append(text)
    return found


def _replace(text: nodes.Text, pieces: list[nodes.Node]) -> None:
    parent = text.parent
    index = parent.index(text)
    parent.remove(text)
    for offset, piece in enumerate(pieces):
        parent.insert(index + offset, piece)


def link_citations(doctree: nodes.Node, known: set[int], lang: str = "en") -> int:
    """Turn the review's reference numbers in running text into links; return how many were linked.

    A bracket is linked only when every number in it is a known reference
    (``[2020]`` or ``[1, 999]`` stay text); each number becomes a link to
    ``references.html#ref-N``. Text in code, links, titles, raw HTML,
    glossary terms, cell outputs and admonition titles is left alone.

    Parameters
    ----------
    doctree : docutils.nodes.Node
        The page's doctree, changed in place.
    known : set of int
        The review's reference numbers (config value ``mscteach_references``).
    lang : str, default "en"
        The page's language, for the links' tooltips ("reference N of the review").

    Returns
    -------
    int
        How many reference numbers were linked.

    Examples
    --------
    >>> from docutils import nodes
    >>> page = nodes.paragraph("", "", nodes.Text("As shown [26, 28] in 2020 [2020]."))
    >>> link_citations(page, known={26, 28})
    2
    >>> [ref["refuri"] for ref in page.findall(nodes.reference)]
    ['references.html#ref-26', 'references.html#ref-28']
    >>> page.astext()
    'As shown [26, 28] in 2020 [2020].'
    """
    linked = 0
    for text in _text_nodes(doctree):
        source = str(text)
        if not CITATION.search(source):
            continue
        pieces: list[nodes.Node] = []
        last = 0
        for match in CITATION.finditer(source):
            numbers = [int(n) for n in re.findall(r"\d+", match.group(1))]
            if not numbers or not all(n in known for n in numbers):
                continue
            pieces.append(nodes.Text(source[last:match.start()] + "["))
            for token in re.split(r"(\d+)", match.group(1)):
                if token.isdigit():
                    ref = nodes.reference("", token, refuri=f"references.html#ref-{int(token)}",
                                          classes=["citation-link"])
                    ref["reftitle"] = say("reference {ref} of the review", lang, ref=token)
                    pieces.append(ref)
                    linked += 1
                elif token:
                    pieces.append(nodes.Text(token))
            pieces.append(nodes.Text("]"))
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(source[last:]))
            _replace(text, pieces)
    return linked


def link_glossary_terms(doctree: nodes.Node, docname: str, names: dict[str, str]) -> int:
    """Link the first use on the page of each glossary term or abbreviation (``names``: shown -> term).

    Matches are whole words (not inside a longer word or hyphenated name),
    longest name first; only the first use of each term on the page is
    linked, to the glossary entry through Sphinx's ``term`` role. Text
    skipped by :func:`link_citations` is skipped here too.

    Parameters
    ----------
    doctree : docutils.nodes.Node
        The page's doctree, changed in place.
    docname : str
        The page's document name (the cross-references' ``refdoc``).
    names : dict of str to str
        Each form as it appears in text (a term or its abbreviation) to the
        glossary term it links to (config value ``mscteach_glossary``).

    Returns
    -------
    int
        How many terms were linked (at most one link per term).
    """
    if not names:
        return 0
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?![\w-])")
    done: set[str] = set()
    for text in _text_nodes(doctree):
        source = str(text)
        pieces: list[nodes.Node] = []
        last = 0
        for match in pattern.finditer(source):
            term = names[match.group(1)]
            if term in done:
                continue
            done.add(term)
            pieces.append(nodes.Text(source[last:match.start()]))
            xref = addnodes.pending_xref("", nodes.inline(match.group(1), match.group(1),
                                                          classes=["xref", "std", "std-term"]),
                                         refdomain="std", reftype="term", reftarget=term.lower(),
                                         refexplicit=True, refwarn=True, refdoc=docname)
            pieces.append(xref)
            last = match.end()
        if pieces:
            pieces.append(nodes.Text(source[last:]))
            _replace(text, pieces)
    return len(done)


def _figure_metadata(notebook: Path) -> dict[str, dict[str, str]]:
    """sha256 of each PNG output's bytes -> its metadata (MyST-NB names image files by that hash)."""
    found = {}
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                digest = hashlib.sha256(base64.b64decode("".join(png))).hexdigest()
                found[digest] = output.get("metadata", {}).get("image/png", {})
    return found


def describe_figures(doctree: nodes.Node, notebook: Path, lang: str = "en") -> None:
    """Give every figure of a notebook page its alt text and a caption.

    An image is matched to its output by the SHA-256 of the PNG (the name
    MyST-NB gives its file); the output's ``image/png`` metadata gives
    ``alt`` and ``caption`` (:func:`mscteach.display.figure_png` writes
    them). Without ``alt`` the image gets a generic "A figure of the
    chapter"; with a caption it is wrapped in a figure.

    Parameters
    ----------
    doctree : docutils.nodes.Node
        The page's doctree, changed in place.
    notebook : Path
        The executed notebook the page was read from.
    lang : str, default "en"
        The page's language, for the generic alt text.
    """
    metadata = _figure_metadata(notebook)
    for image in list(doctree.findall(nodes.image)):
        digest = Path(image["uri"]).stem
        info = metadata.get(digest, {})
        image["alt"] = info.get("alt") or say("A figure of the chapter", lang)
        caption = info.get("caption")
        if caption and not isinstance(image.parent, nodes.figure):
            figure = nodes.figure("", classes=["mscteach-figure"])
            image.replace_self(figure)
            figure += image
            figure += nodes.caption(caption, caption)


def launch_links(doctree: nodes.Node, docname: str, repository: str, hub: str | None, lang: str = "en") -> None:
    """A line under the title with links to the chapter live (Binder; JupyterHub when configured).

    Parameters
    ----------
    doctree : docutils.nodes.Node
        The page's doctree, changed in place (nothing is added to a page
        without a section).
    docname : str
        The page's document name; ``index`` opens ``notebooks/00_index.ipynb``,
        any other name ``notebooks/NAME.ipynb``.
    repository : str
        The GitHub repository URL.
    hub : str or None
        A JupyterHub URL for an nbgitpuller link as well; None for Binder only.
    lang : str, default "en"
        The page's language, for the line's words.

    Raises
    ------
    MscteachError
        If ``repository`` is not a GitHub URL or ``hub`` not an http(s) URL
        (see :func:`mscteach.site.links.binder_url`).
    """
    from .links import binder_url, nbgitpuller_url

    path = f"notebooks/{'00_index' if docname == 'index' else docname}.ipynb"
    paragraph = nodes.paragraph(classes=["mscteach-launch"])
    paragraph += nodes.Text(say("Open this chapter live: ", lang))
    paragraph += nodes.reference("", "Binder", refuri=binder_url(repository, path))
    if hub:
        paragraph += nodes.Text(" · ")
        paragraph += nodes.reference("", "JupyterHub", refuri=nbgitpuller_url(hub, repository, path))
    section = next(doctree.findall(nodes.section), None)
    if section is not None:
        title = next(section.findall(nodes.title))
        section.insert(section.index(title) + 1, paragraph)


class _Sentences(HTMLParser):
    """Where, in an HTML fragment, the English sentences of explorers and self-checks are (their text's offsets).

    Finds the text of ``<p class="mscteach-live-note">``, of the ``<b>`` heading inside
    ``<div class="mscteach-selfcheck-question">`` and of ``<summary>``; :attr:`found` holds
    ``(start, end, kind)`` for each, in document order.
    """

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(fragment) if ch == "\n"]
        self.found: list[tuple[int, int, str]] = []
        self.open: list[tuple[str, int, str]] = []  # (tag, where its text starts, kind) of the elements sought
        self.in_question = 0  # depth inside a self-check's question (its <b> is the heading)
        self.feed(fragment)
        self.close()
        self.found.sort()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        kind = ("live-note" if tag == "p" and "mscteach-live-note" in classes
                else "heading" if tag == "b" and self.in_question == 1
                else "toggle" if tag == "summary" else None)
        if self.in_question:
            self.in_question += tag not in VOID_ELEMENTS
        elif tag == "div" and "mscteach-selfcheck-question" in classes:
            self.in_question = 1
        if kind:
            self.open.append((tag, self._offset() + len(self.get_starttag_text() or ""), kind))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass  # a self-closed element (<br/>) holds no sentence and opens nothing

    def handle_endtag(self, tag: str) -> None:
        if self.in_question:
            self.in_question -= 1
        if self.open and self.open[-1][0] == tag:
            _, start, kind = self.open.pop()
            self.found.append((start, self._offset(), kind))


#: Elements without an end tag (they never close a self-check's question).
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _translated(sentence: str, kind: str, lang: str) -> str | None:
    """An English sentence of an explorer or self-check in ``lang``; None when it is not one of them."""
    if kind == "heading":
        return self_check_heading(lang) if sentence == SELF_CHECK else None
    if kind == "toggle":
        return show_answer(lang) if sentence == SHOW_ANSWER else None
    before, _, after = LIVE_NOTE.partition("{views}")
    views = sentence[len(before):len(sentence) - len(after)]
    if sentence.startswith(before) and sentence.endswith(after) and views.isdigit():
        return live_note(int(views), lang)
    return None


def translate_explorer_notes(doctree: nodes.Node, lang: str = "en") -> None:
    """The sentences static explorers and self-checks add, in the page's language (for a chapter run in English).

    Each output's HTML is parsed to find the sentences; only their text is replaced, the rest of the
    HTML stays byte for byte as the chapter wrote it.

    The sentences are an explorer's note (``<p class="mscteach-live-note">``),
    a self-check's heading and its "Show the answer" toggle; other text, and
    raw nodes holding none of them, are left alone.

    Parameters
    ----------
    doctree : docutils.nodes.Node
        The page's doctree; its raw HTML nodes are replaced in place.
    lang : str, default "en"
        The page's language.
    """
    for raw in list(doctree.findall(nodes.raw)):
        fragment = raw.astext()
        if "mscteach-live-note" not in fragment and "mscteach-selfcheck" not in fragment:
            continue
        pieces, last = [], 0
        for start, end, kind in _Sentences(fragment).found:
            translated = _translated(fragment[start:end], kind, lang)
            if translated is not None:
                pieces += [fragment[last:start], translated]
                last = end
        raw.replace_self(nodes.raw("", "".join(pieces) + fragment[last:], format="html"))


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    source = Path(env.doc2path(docname))
    known = app.config.mscteach_references
    lang = app.config.language or "en"
    if source.suffix == ".ipynb":
        describe_figures(doctree, source, lang)
        translate_explorer_notes(doctree, lang)
        if app.config.mscteach_repository:
            launch_links(doctree, docname, app.config.mscteach_repository, app.config.mscteach_hub, lang)
    if docname not in ("references", "glossary"):
        link_citations(doctree, known, lang)
        link_glossary_terms(doctree, docname, app.config.mscteach_glossary)


def _glossary_names() -> dict[str, str]:
    from ..data import load

    names = {}
    for row in load("glossary").itertuples():
        if isinstance(row.abbreviation, str) and len(row.abbreviation) >= 2:
            names[row.abbreviation] = row.abbreviation
        if len(row.term.split()) >= 2:
            names[row.term] = row.term
    return names


def theme_catalogues(lang: str, folder: Path) -> Path | None:
    """Compile the themes' interface words in ``lang`` (``mscteach/locale/LANG/LC_MESSAGES/theme.po``) into
    ``folder`` as the catalogues the themes read (``sphinx``, ``booktheme``); None when there is none.

    Parameters
    ----------
    lang : str
        The language code (``"fa"``).
    folder : Path
        Where to write ``LANG/LC_MESSAGES/sphinx.mo`` and ``booktheme.mo``
        (created if needed).

    Returns
    -------
    Path or None
        ``folder`` (a locale folder for ``app.add_message_catalog``), or None
        when the package has no ``theme.po`` for ``lang``.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from ..i18n import LOCALE

    source = LOCALE / lang / "LC_MESSAGES" / "theme.po"
    if not source.is_file():
        return None
    with source.open("rb") as f:
        catalog = read_po(f, locale=lang)
    target = folder / lang / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    for domain in ("sphinx", "booktheme"):
        with (target / f"{domain}.mo").open("wb") as f:
            write_mo(f, catalog)
    return folder


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the extension with Sphinx (Sphinx calls this; ``sphinx_config`` lists the extension).

    Adds the config values ``mscteach_repository`` and ``mscteach_hub``
    (launch links; default None), ``mscteach_references`` and
    ``mscteach_glossary`` (read from the data in use), the themes'
    catalogues for a language other than English, and the ``doctree-read``
    handler that links citations and glossary terms, describes figures,
    translates explorers' sentences and adds launch links.

    Parameters
    ----------
    app : sphinx.application.Sphinx
        The Sphinx application.

    Returns
    -------
    dict of str to object
        The extension's metadata: its version, and that it is safe for
        parallel reading and writing.
    """
    from ..data import load

    app.add_config_value("mscteach_repository", None, "env")
    app.add_config_value("mscteach_hub", None, "env")
    app.add_config_value("mscteach_references", set(load("references")["ref_id"].tolist()), "env")
    app.add_config_value("mscteach_glossary", _glossary_names(), "env")
    lang = app.config.language or "en"
    compiled = theme_catalogues(lang, Path(app.doctreedir) / "mscteach-locale") if lang != "en" else None
    if compiled:  # after Sphinx's own catalogue: its translations come first, these fill what the themes lack
        app.add_message_catalog("sphinx", str(compiled))
        app.add_message_catalog("booktheme", str(compiled))
    app.connect("doctree-read", _on_doctree_read)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
