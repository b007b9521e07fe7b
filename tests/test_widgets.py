"""Explorers: the render functions (the logic) and the thin widget wiring."""
from __future__ import annotations

import pandas as pd
import pytest
from IPython.display import Markdown
from matplotlib.figure import Figure

import mscteach
from mscteach import widgets


@pytest.fixture(scope="module")
def t():
    return {name: mscteach.load(name) for name in mscteach.list_tables()}


def test_render_trials_filters_and_draws(t):
    table, sizes = widgets.render_trials(t["clinical_studies"], disease="ACLF", cell_type="all",
                                         cell_origin="all", design="RCT")
    # the review's two randomised ACLF trials: Lin 2017 (ref 26) and Shi 2012 (ref 100), oldest first
    assert table["study"].tolist() == ["Shi 2012", "Lin 2017"]
    assert sizes.axes[0].get_title() == "How many patients each study enrolled"
    _, doses = widgets.render_trials(t["clinical_studies"], disease="ACLF", cell_type="all", cell_origin="all",
                                     design="RCT", chart="doses")
    assert doses.axes[0].get_title() == "Doses used in clinical studies"


def test_render_functions_say_when_nothing_matches(t):
    (message,) = widgets.render_trials(t["clinical_studies"], disease="NAFLD", cell_type="UC-MSC",
                                       cell_origin="all", design="all")
    assert isinstance(message, Markdown) and "No clinical studies match" in message.data
    (message,) = widgets.render_animals(t["animal_studies"], disease="HCC", species="monkey", cell_type="all")
    assert "No preclinical studies match" in message.data


def test_render_timeline_and_mechanisms(t):
    table, fig = widgets.render_timeline(t["timeline"], years=(1900, 1960), categories=["transplantation"])
    # the review dates three transplant events before 1960: 1939, Thomas 1957, Mathé 1958
    assert table["year_text"].tolist() == ["1939", "1957", "1958"]
    mechanisms = pd.DataFrame({"mechanism_id": ["A", "B", "C"], "category": ["x", "x", "y"],
                               "mediator": ["Jagged-1", "IDO", None], "target": ["Treg", "T cell; Treg", "B cell"],
                               "effect": ["e1", "e2", "e3"], "ref_ids": [[1], [2], [3]]})
    table, fig = widgets.render_mechanisms(mechanisms, category="all", target="Treg", mediator="all")
    assert table["mechanism_id"].tolist() == ["A", "B"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["T cell", "Treg"]


def test_render_cell_source_and_exclusions(t):
    text, refs = widgets.render_cell_source(t["cell_sources"], t["references"], "Umbilical cord")
    assert "**Umbilical cord (UC-MSC)**" in text.data and refs["ref_id"].tolist() == [101]
    verdict, table = widgets.render_exclusions(t["exclusion_criteria"], [])
    assert verdict.data.startswith("**Eligible**") and not table["applies"].any()


def test_render_ecm_returns_figure_and_summary():
    fig, summary = widgets.render_ecm(synthesis=1.0, degradation=0.1, msc_synthesis_block=0.0,
                                      msc_degradation_boost=0.0, msc_week=4)
    assert isinstance(fig, Figure) and summary["change_vs_untreated_percent"].abs().max() == 0


def test_explorer_updates_its_output_when_a_control_changes(t):
    explorer = widgets.trial_explorer(t["clinical_studies"])
    before = explorer.output.outputs
    assert "Suk 2016" in before[0]["data"]["text/html"]
    explorer.controls["disease"].value = "ACLF"
    after = explorer.output.outputs
    assert "Suk 2016" not in after[0]["data"]["text/html"] and "Lin 2017" in after[0]["data"]["text/html"]
    assert "image/png" in after[1]["data"]
    explorer.controls["chart"].value = "doses"
    assert len(explorer.output.outputs) == 2 and explorer.output.outputs[1] != after[1]


def test_explorer_options_come_from_the_schema(t):
    explorer = widgets.trial_explorer(t["clinical_studies"])
    assert list(explorer.controls["design"].options) == ["all", *mscteach.vocabulary("clinical_studies", "design")]
    animals = widgets.animal_explorer(t["animal_studies"])
    assert list(animals.controls["disease"].options)[1:] == mscteach.vocabulary("animal_studies", "disease")


def test_every_explorer_builds_with_a_default_view_and_a_stable_repr(t):
    explorers = [
        widgets.timeline_explorer(t["timeline"]),
        widgets.cell_source_explorer(t["cell_sources"], t["references"]),
        widgets.mechanism_explorer(t["mechanisms"]),
        widgets.ecm_explorer(),
        widgets.animal_explorer(t["animal_studies"]),
        widgets.trial_explorer(t["clinical_studies"]),
        widgets.exclusion_checker(t["exclusion_criteria"]),
    ]
    again = widgets.trial_explorer(t["clinical_studies"])
    for explorer in explorers:
        assert explorer.output.outputs, explorer.name
        assert "0x" not in repr(explorer)  # no memory address: stored notebook outputs stay the same
    assert repr(again) == repr(explorers[5])


def test_show_without_a_browser_displays_plain_results(t, monkeypatch):
    shown = []
    monkeypatch.setattr(widgets.core, "display", shown.append)  # Explorer.show displays through its own module
    explorer = widgets.exclusion_checker(t["exclusion_criteria"], ["Substance abuse"])
    explorer.show(interactive=False)
    assert isinstance(shown[0], Markdown) and isinstance(shown[1], pd.DataFrame)
    shown.clear()
    explorer.show(interactive=True)
    assert shown == [explorer]
