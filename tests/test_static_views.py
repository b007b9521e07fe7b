"""The static copy of an explorer on the course site shows what its views share once, and one reading list.

A chapter's static explorer precomputes a panel per value of its main control. What every panel would
show alike (a trial's description above the part that changes) and the references each panel cites are
shown once: the panels then carry only what differs, and the page does not repeat a citation per view.
"""
from __future__ import annotations

import re

import ipywidgets as w
import pandas as pd
import pytest
from IPython.display import Markdown

import mscteach
from mscteach import display, evidence, i18n, widgets
from mscteach.data import format_citation
from mscteach.widgets.core import Explorer, shared_ends


@pytest.fixture
def site_build(monkeypatch):
    monkeypatch.setenv(display.SITE_BUILD, "1")
    yield
    i18n.set_language("en")


def panels(html: str) -> list[str]:
    return re.findall(r'<div class="mscteach-view" data-view="\d+"(?: hidden)?>(.*?)</div>(?=<div class="mscteach-view"|\s*<p|$)',
                      html, re.S)


@pytest.mark.parametrize("bodies, expected", [
    ([["a", "b", "z"], ["a", "c", "z"]], (1, 1)),
    ([["a", "b", "c"], ["a", "b", "d"]], (2, 0)),
    ([["x", "b"], ["y", "b"]], (0, 1)),
    ([["a", "b"], ["a", "b"]], (1, 0)),  # identical views keep one part in their panels
    ([["a"], ["a"]], (0, 0)),
    ([["a", "b", "c"], ["a", "c"]], (1, 0)),  # "c" shared at the end too, but the shorter view would be left empty
])
def test_shared_ends_counts_the_parts_every_view_has_alike(bodies, expected):
    assert shared_ends(bodies) == expected


def test_what_every_view_shares_is_shown_once_and_what_differs_in_its_panel(site_build):
    table = pd.DataFrame({"field": ["first author", "year"], "value": ["Zeta", "2017"]})
    explorer = Explorer("Shared parts", {"answer": w.Dropdown(description="answer", options=["Y", "PN", "N"])},
                        lambda answer: [Markdown("An introduction every view gives."), table,
                                        Markdown(f"Judged from the answer **{answer}**."), Markdown("A closing line.")],
                        "choose an answer.")
    html = explorer.static_html()
    assert html.count("An introduction every view gives.") == 1
    assert html.count("Zeta") == 1 and html.count("A closing line.") == 1
    shown = panels(html)
    assert len(shown) == 3
    for answer, panel in zip(["Y", "PN", "N"], shown):
        assert f"<strong>{answer}</strong>" in panel and "Zeta" not in panel and "introduction" not in panel
    # the shared parts keep their place: before the chooser what comes first, after the panels what comes last
    assert html.index("introduction") < html.index("<select") < html.index("Judged") < html.index("A closing line.")


def test_the_views_reading_lists_are_gathered_into_one_list(site_build):
    references = mscteach.load("references")
    cited = {"first": [1, 3], "second": [3, 5], "third": [5]}
    explorer = Explorer("Reading", {"which": w.Dropdown(description="which", options=list(cited))},
                        lambda which: [Markdown(f"About {which}."), evidence.further_reading(references, cited[which])],
                        "choose one.")
    html = explorer.static_html()
    rows = references.set_index("ref_id")
    for number in (1, 3, 5):  # each reference once on the page, though 3 and 5 are cited by two views each
        citation = format_citation(rows.loc[number].rename(number))
        title = citation.split(". ")[1]
        assert html.count(title) == 1, number
    assert html.count("<table") == 1
    shown = panels(html)
    assert [re.search(r"\(listed under the explorer\): ([\d, ]+)", p).group(1) for p in shown] == ["1, 3", "3, 5", "5"]
    # the gathered list in number order
    gathered = html[html.index("The references of these views"):]
    assert [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", gathered)][::2] == [1, 3, 5]


def test_the_cell_source_explorer_cites_each_reference_once_in_either_edition(site_build):
    sources, references = mscteach.load("cell_sources"), mscteach.load("references")
    per_reference = pd.Series([int(r) for ids in sources["ref_ids"] for r in ids]).value_counts()
    repeated = int(per_reference.index[0])
    assert per_reference.iloc[0] > 1  # a reference several sources cite: once per view before the change
    title = format_citation(references.set_index("ref_id").loc[repeated].rename(repeated)).split(". ")[1]
    for lang in ("en", "fa"):
        i18n.set_language(lang)
        html = widgets.cell_source_explorer(sources, references).static_html()
        assert html.count(title) == 1, (lang, repeated)
        assert len(panels(html)) == len(sources)


def test_each_static_views_figure_has_its_data_behind_a_toggle(site_build):
    from mscteach import plots

    counts = {"two": pd.DataFrame({"cell_type": ["BM-MSC", "UC-MSC"], "evidence": ["clinical", "clinical"],
                                   "studies": [6, 3]}),
              "one": pd.DataFrame({"cell_type": ["BM-MSC"], "evidence": ["clinical"], "studies": [4]})}
    explorer = Explorer("Figures", {"which": w.Dropdown(description="which", options=list(counts))},
                        lambda which: [plots.studies_per_source_figure(counts[which])], "choose one.")
    shown = panels(explorer.static_html())
    assert len(shown) == 2 and all("The figure&#39;s data" in p or "The figure's data" in p for p in shown)
    cells = [re.findall(r"<td[^>]*>([^<]*)</td>", p) for p in shown]
    assert cells[0] == ["BM-MSC", "6", "UC-MSC", "3"] and cells[1] == ["BM-MSC", "4"]  # each view's own counts
