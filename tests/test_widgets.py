"""Explorers: the render functions (the logic) and the thin widget wiring."""
from __future__ import annotations

import ipywidgets as w
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


def _shown_png(explorer) -> tuple[bytes, dict]:
    """The PNG the explorer's Output widget shows, with its metadata (alt, caption, the figure's table)."""
    import base64

    (output,) = [o for o in explorer.output.outputs if "image/png" in o["data"]]
    png = output["data"]["image/png"]
    return (png if isinstance(png, bytes) else base64.b64decode(png)), output["metadata"]["image/png"]


def _drawn_anew(explorer) -> tuple[bytes, dict]:
    """The same view's figure drawn anew by the render function, as the widget would show it."""
    from mscteach.display import figure_png

    (fig,) = [item for item in explorer.results() if isinstance(item, Figure)]
    return figure_png(fig)


def test_ecm_explorer_redraws_the_figure_it_shows(t):
    explorer = widgets.ecm_explorer()
    (shown,) = explorer._figures
    explorer.controls["msc_degradation_boost"].value = 0.0
    explorer.controls["msc_synthesis_block"].value = 1.0
    explorer.controls["msc_week"].value = 2
    assert explorer._figures == [shown]  # the figure it drew first, redrawn in place
    untreated, treated, *_, week = shown.axes[0].lines
    # by hand (synthesis 1, degradation 0.1): E[t+1] = E + 1 - 0.1 E from E[0] = 0; from week 2, with synthesis
    # fully blocked and degradation not boosted, the treated arm only decays: E[t+1] = 0.9 E
    assert untreated.get_ydata()[:4] == pytest.approx([0, 1, 1.9, 2.71])
    assert treated.get_ydata()[:5] == pytest.approx([0, 1, 1.9, 1.71, 1.539])
    assert list(week.get_xdata()) == [2, 2]
    assert shown.mscteach_data["with MSCs"].iloc[:5].tolist() == pytest.approx([0, 1, 1.9, 1.71, 1.539])
    # every change, back to the first week and to the last, shows what a figure drawn anew shows
    for key, value in [("msc_week", 30), ("synthesis", 3.0), ("degradation", 0.5), ("msc_week", 0),
                       ("msc_synthesis_block", 0.25), ("synthesis", 0.0)]:
        explorer.controls[key].value = value
        assert _shown_png(explorer) == _drawn_anew(explorer), (key, value)
    assert explorer._figures == [shown]


def test_trial_size_explorer_redraws_the_figure_it_shows(t):
    import math
    from statistics import NormalDist

    from mscteach.plots.common import PALETTE

    explorer = widgets.trial_size_explorer(t["clinical_studies"])
    (shown,) = explorer._figures
    explorer.controls["p_control"].value = 0.5
    explorer.controls["improvement"].value = 0.2
    explorer.controls["power"].value = 0.9
    assert explorer._figures == [shown]
    # Cohen's h for 50% against 70% survival, two-sided alpha 0.05, power 0.9, two equal arms
    h = 2 * math.asin(math.sqrt(0.7)) - 2 * math.asin(math.sqrt(0.5))
    z = NormalDist().inv_cdf
    per_arm = math.ceil(2 * ((z(0.975) + z(0.9)) / h) ** 2)
    assert per_arm == 125
    ax = shown.axes[0]
    assert list(ax.lines[0].get_xdata()) == [per_arm, per_arm]
    assert ax.texts[0].get_text() == f"powered trial: {per_arm} per arm"
    assert ax.get_title() == "How far below a powered trial? (50.0% vs 70.0%, 90% power, two-sided α = 0.05)"
    bars = dict(zip([label.get_text() for label in ax.get_yticklabels()], ax.containers[0].patches))
    # Lin 2017 treated 56 patients and kept 54 as controls: its smaller arm is 54, short of 125
    assert bars["Lin 2017 (RCT)"].get_width() == 54
    assert bars["Lin 2017 (RCT)"].get_facecolor()[:3] == pytest.approx(PALETTE[3])
    for key, value in [("power", 0.5), ("p_control", 0.05), ("improvement", 0.5), ("p_control", 0.95),
                       ("improvement", 0.01)]:
        explorer.controls[key].value = value
        assert _shown_png(explorer) == _drawn_anew(explorer), (key, value)
    assert explorer._figures == [shown]


def test_trial_size_figure_states_the_power_chosen(t):
    text, fig = widgets.render_trial_size(t["clinical_studies"], p_control=0.556, improvement=0.176, power=0.95)
    assert "**95%** power" in text.data
    assert "95% power" in fig.axes[0].get_title()


def test_an_explorer_shows_a_view_seen_before_without_rendering_it_again():
    rendered = []

    def render(x):
        rendered.append(x)
        return [Markdown(f"**{x}**")]

    choice = w.Dropdown(options=["a", "b", "c"], value="a")
    explorer = widgets.Explorer("Letters", {"x": choice}, render, "pick a letter")
    first = explorer.output.outputs
    choice.value = "b"
    choice.value = "a"
    assert rendered == ["a", "b"] and explorer.output.outputs == first
    choice.value = "c"
    assert rendered == ["a", "b", "c"] and "**c**" in explorer.output.outputs[0]["data"]["text/markdown"]


def test_rob2_explorer_redraws_the_traffic_light_it_shows():
    from mscteach.plots.risk_of_bias import JUDGMENT_STYLE

    explorer = widgets.rob2_explorer("lin2017")
    (shown,) = explorer._figures
    # RoB 2 guidance, domain 1: sequence random (1.1 Y), allocation concealed (1.2 Y), no baseline imbalance
    # suggesting a problem (1.3 N): low risk of bias
    for question, answer in [("1.1", "Y"), ("1.2", "Y"), ("1.3", "N")]:
        explorer.controls[question].value = answer
    assert explorer._figures == [shown]
    d1 = shown.axes[0].collections[0]
    assert d1.get_facecolor()[0][:3] == pytest.approx(JUDGMENT_STYLE["low"][0])
    assert shown.axes[0].texts[0].get_text() == "+"
    assert shown.mscteach_data["D1"].tolist() == ["low"]
    assert _shown_png(explorer) == _drawn_anew(explorer)
    # allocation not concealed (1.2 N): high, whatever the rest of the domain says
    explorer.controls["1.2"].value = "N"
    assert shown.axes[0].texts[0].get_text() == "×" and "D1 high" in shown.mscteach_alt
    assert _shown_png(explorer) == _drawn_anew(explorer)
    for question, answer in [("2.1", "N"), ("2.2", "N"), ("2.6", "Y"), ("3.1", "Y"), ("4.1", "N"), ("4.2", "N"),
                             ("5.1", "Y"), ("5.2", "N"), ("5.3", "N")]:
        explorer.controls[question].value = answer
        assert _shown_png(explorer) == _drawn_anew(explorer), (question, answer)
    assert explorer._figures == [shown]


def test_a_persian_ecm_explorer_redraws_its_figure_as_a_new_persian_figure():
    from mscteach import i18n

    i18n.set_language("fa")
    try:
        explorer = widgets.ecm_explorer()
        (shown,) = explorer._figures
        for key, value in [("msc_week", 30), ("synthesis", 3.0), ("msc_week", 2)]:
            explorer.controls[key].value = value
            assert _shown_png(explorer) == _drawn_anew(explorer), (key, value)
        assert explorer._figures == [shown]
        assert "week" not in [t.get_text() for t in shown.axes[0].get_xticklabels()] and \
            shown.axes[0].get_xlabel() != "week"  # its texts stay in Persian
    finally:
        i18n.set_language("en")
