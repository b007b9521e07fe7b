"""The site's pieces as pure functions: lesson blocks, citation and glossary links, explorer notes."""
from __future__ import annotations

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.utils import new_document

from mscteach import messages, site, widgets
from mscteach.site import sphinx_ext

HEADER = """# 6. Clinical trials

| | |
|---|---|
| **Questions** | Is it safe?<br>Does it work? |
| **Estimated time** | 50 minutes |
| **Prerequisites** | chapter 2 |

**Learning objectives.** By the end of this chapter you can:

1. describe the trials

*Parameters.* The next cell holds this chapter's parameters."""


def test_the_lesson_header_becomes_overview_objectives_and_parameters_blocks():
    out = site.lesson_blocks(HEADER)
    assert out.startswith("# 6. Clinical trials\n\n:::{admonition} Overview\n:class: overview\n")
    assert "**Questions**: Is it safe? Does it work?" in out and "**Estimated time**: 50 minutes" in out
    assert ":::{admonition} Learning objectives\n:class: objectives\n\nBy the end of this chapter you can:\n\n" \
           "1. describe the trials\n:::" in out
    assert ":::{admonition} Parameters\n:class: parameters note\n\nThe next cell holds" in out
    assert "| **Questions**" not in out


def test_challenge_key_points_and_notes_become_blocks_and_other_sections_stay():
    out = site.lesson_blocks("## Key points\n\n- a\n\n## Instructor notes\n\nTalk.\n\n## Further\n\nText.")
    assert ":::{admonition} Key points\n:class: keypoints\n\n- a\n:::" in out
    assert ":::{admonition} Instructor notes\n:class: instructor\n\nTalk.\n:::" in out
    assert out.endswith("## Further\n\nText.")
    assert site.lesson_blocks("Plain text [26].") == "Plain text [26]."


def _document(text: str) -> nodes.document:
    document = new_document("test", get_default_settings())
    paragraph = nodes.paragraph()
    paragraph += nodes.Text(text)
    document += paragraph
    return document


def test_citations_link_to_the_references_page_and_unknown_numbers_do_not():
    document = _document("As shown [26] and [10-13], but not [999] or [a].")
    linked = sphinx_ext.link_citations(document, {10, 13, 26})
    assert linked == 3
    refs = [(r.astext(), r["refuri"]) for r in document.findall(nodes.reference)]
    assert refs == [("26", "references.html#ref-26"), ("10", "references.html#ref-10"),
                    ("13", "references.html#ref-13")]
    assert document.astext() == "As shown [26] and [10-13], but not [999] or [a]."


def test_only_the_first_use_of_a_glossary_term_links():
    document = _document("MSC therapy: MSC again, and HGF.")
    assert sphinx_ext.link_glossary_terms(document, "06", {"MSC": "MSC", "HGF": "HGF"}) == 2
    from sphinx import addnodes

    assert [x["reftarget"] for x in document.findall(addnodes.pending_xref)] == ["msc", "hgf"]
    assert document.astext() == "MSC therapy: MSC again, and HGF."


def test_an_english_explorer_note_is_shown_in_the_pages_language():
    document = new_document("test", get_default_settings())
    note = messages.live_note(7, "en")
    assert note == messages.LIVE_NOTE.format(views=7)
    document += nodes.raw("", f'<p class="mscteach-live-note">{note}</p>', format="html")
    sphinx_ext.translate_explorer_notes(document, "fa")
    assert "\u200f۷" in document.astext() and "static copy" not in document.astext()
    assert "<code>mscteach lab</code>" in document.astext()  # the command stays as it is


def test_a_self_checks_heading_and_toggle_are_shown_in_the_pages_language():
    document = new_document("test", get_default_settings())
    document += nodes.raw("", widgets.self_check("06_clinical_trials", 1).static_html(), format="html")
    sphinx_ext.translate_explorer_notes(document, "fa")
    text = document.astext()
    assert f"<b>{messages.self_check_heading('fa')}</b>" in text and "<summary>نمایش پاسخ</summary>" in text
    assert "Check your understanding" not in text and "Show the answer" not in text


def test_a_chapter_run_in_persian_writes_its_notes_in_persian():
    from mscteach import i18n

    i18n.set_language("fa")
    try:
        page = widgets.self_check("06_clinical_trials", 1).static_html()
    finally:
        i18n.set_language("en")
    assert "<summary>نمایش پاسخ</summary>" in page and "Show the answer" not in page


def test_a_chapter_links_to_its_live_version_when_the_repository_is_known():
    document = new_document("test", get_default_settings())
    section = nodes.section()
    section += nodes.title("", "6. Clinical trials")
    section += nodes.paragraph("", "Text.")
    document += section
    sphinx_ext.launch_links(document, "06_clinical_trials", "https://github.com/example/mscteach",
                            "https://hub.example.org")
    links = [(r.astext(), r["refuri"]) for r in document.findall(nodes.reference)]
    assert links[0] == ("Binder", "https://mybinder.org/v2/gh/example/mscteach/main?urlpath=lab/tree/"
                                  "notebooks/06_clinical_trials.ipynb")
    assert links[1][0] == "JupyterHub" and links[1][1].startswith("https://hub.example.org/hub/user-redirect/git-pull?")
    assert section.children[1].astext().startswith("Open this chapter live: ")  # right under the title


def test_a_data_folder_from_before_the_glossary_notes_still_gets_its_glossary_page(data_copy):
    """An instructor's copy made by an earlier mscteach has no term_fa_note column: the site is still built."""
    import json

    from .conftest import read_rows, write_rows

    rows = read_rows(data_copy / "glossary.csv")
    write_rows(data_copy / "glossary.csv", [row[:-1] for row in rows])  # term_fa_note is the last column
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    glossary = next(r for r in descriptor["resources"] if r["name"] == "glossary")
    glossary["schema"]["fields"] = [f for f in glossary["schema"]["fields"] if f["name"] != "term_fa_note"]
    (data_copy / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    page = site.site_pages(data_copy)["glossary"]
    assert "Persian: none." not in page and "Kasai operation" in page and page.count("  Persian: ") == 90


def test_the_api_page_documents_the_modules_this_installation_has():
    from mscteach.site import pages

    page = pages.api_page(["mscteach.data", "mscteach.no_such_module", "mscteach.plots"])
    assert ".. automodule:: mscteach.data" in page and ".. automodule:: mscteach.plots" in page
    assert "no_such_module" not in page
    assert page.index("mscteach.data") < page.index("mscteach.plots")  # in the order given


def test_only_the_english_edition_links_to_the_api_reference(tmp_path):
    import json

    from mscteach.site import rendering

    notebook = tmp_path / "00_index.ipynb"
    notebook.write_text(json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Index"}],
                                    "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    english = json.loads(rendering.site_notebook(notebook, ["01_history"], lang="en"))["cells"][-1]["source"]
    persian = json.loads(rendering.site_notebook(notebook, ["01_history"], lang="fa"))["cells"][-1]["source"]
    assert ":caption: Appendix" in english and "\napi\n" in english
    assert "Appendix" not in persian and "\napi\n" not in persian


def test_translating_an_explorers_note_changes_only_its_sentences():
    note = messages.live_note(3, "en")
    fragment = (f'<div class="mscteach-explorer"><p>Views<br/><b>{messages.SELF_CHECK}</b></p>'
                f'<div class="mscteach-view" data-view="0">&agrave;<img src="x.png" alt="a"></div>'
                f'<p class="mscteach-live-note">{note}</p></div>')
    document = new_document("test", get_default_settings())
    document += nodes.raw("", fragment, format="html")
    sphinx_ext.translate_explorer_notes(document, "fa")
    translated = document.astext()
    # the note is in Persian; a bold line that is not a self-check's heading, and the rest, stay as written
    assert translated == fragment.replace(note, messages.live_note(3, "fa"))


def test_the_glossary_shows_a_note_beside_a_persian_term():
    """Terms whose Persian the review prints garbled keep the review's form in a note, shown with the term."""
    page = site.site_pages()["glossary"]
    entry = page[page.index("Oncostatin M"):]
    entry = entry[:entry.index("\n\n", entry.index("Persian:"))]
    assert "آنکوستاتین M" in entry and 'The review prints "آنکوستاتین (OSM) M"' in entry


def test_the_index_lists_each_chapter_s_objectives_as_a_list():
    from mscteach import course

    table = course.chapter_overview().data
    row = next(line for line in table.splitlines() if line.startswith("| 6 |"))
    # chapter 6's header lists five objectives, the first "describe every clinical study, ..."
    assert row.count("<li>") == 5 and "<ul><li>describe every clinical study" in row
    assert "<br>- " not in table
