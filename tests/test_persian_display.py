"""The Persian edition shows the curated tables' Persian twins (data.in_language) where the English edition shows
the English: the glossary page, and every chapter cell that displays a free-text column.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd

import mscteach
from mscteach.site.pages import localise_page, site_pages

from .conftest import read_rows, write_rows

REPO = Path(__file__).resolve().parents[1]
#: The free-text columns that have a Persian twin (data/datapackage.json, "translationOf"), but mechanisms'
#: "effect", a word other tables use for numbers (a mechanism's rows are told by their mechanism_id instead).
TWINNED = ("definition", "headline", "event", "properties", "detail", "finding", "description",
           "efficacy_finding", "safety_finding", "mechanism_id")


def test_the_persian_glossary_page_defines_every_term_in_persian():
    glossary = mscteach.load("glossary")
    page = localise_page(site_pages()["glossary"], "fa")
    for english, persian in zip(glossary["definition"], glossary["definition_fa"]):
        assert f"  {english.strip()}" not in page.split("\n")
        assert f"  {persian.strip()}" in page.split("\n")
    english_page = site_pages()["glossary"]
    assert f"  {glossary['definition'].iloc[0].strip()}" in english_page.split("\n")


def test_a_term_a_teacher_adds_without_persian_stays_in_english(data_copy):
    rows = read_rows(data_copy / "glossary.csv")
    header = rows[0]
    added = dict.fromkeys(header, "")
    added.update(term="Zebrafish model", definition="A small fish used in regeneration studies.")
    rows.append([added[c] for c in header])
    write_rows(data_copy / "glossary.csv", rows)
    page = localise_page(site_pages(data_copy)["glossary"], "fa", data_copy)
    assert "  A small fish used in regeneration studies." in page.split("\n")


def test_every_chapter_cell_showing_a_free_text_column_shows_it_in_the_reader_s_language():
    shown = re.compile(r'\[\[[^\]]*"(' + "|".join(TWINNED) + r')"[^\]]*\]\]')
    cells = 0
    for notebook in sorted((REPO / "notebooks").glob("0*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            if cell["cell_type"] == "code" and shown.search(source):
                assert "in_language(" in source, f"{notebook.name}: {source}"
                cells += 1
    assert cells >= 9


def test_a_persian_brief_shows_the_findings_mechanisms_and_caveats_in_persian():
    from mscteach.report import sections
    from mscteach.report.content import evidence_brief

    def html(items) -> str:
        return "".join(getattr(item, "data", "") or "" for item in items)

    clinical = mscteach.load("clinical_studies").set_index("study_id")
    persian = evidence_brief({"disease": "ACLF", "lang": "fa"})
    english = evidence_brief({"disease": "ACLF", "lang": "en"})
    # lin2017 is an ACLF trial: its finding in the brief's language, and only there
    fa, en = clinical.loc["lin2017", "efficacy_finding_fa"], clinical.loc["lin2017", "efficacy_finding"]
    assert fa[:40] in html(sections.clinical(persian)) and en[:40] not in html(sections.clinical(persian))
    assert en[:40] in html(sections.clinical(english))
    mechanisms = mscteach.load("mechanisms")
    shown = html(sections.mechanisms(persian))
    assert any(str(text)[:30] in shown for text in mechanisms["effect_fa"])
    assert not any(str(text)[:30] in shown for text in mechanisms["effect"])


def test_the_explorers_show_the_data_s_text_in_the_reader_s_language():
    from mscteach import i18n
    from mscteach.widgets import (render_animals, render_cell_source, render_exclusions, render_mechanisms,
                                  render_timeline, trial_description)

    animal, mechanisms = mscteach.load("animal_studies"), mscteach.load("mechanisms")
    criteria, sources = mscteach.load("exclusion_criteria"), mscteach.load("cell_sources")
    timeline = mscteach.load("timeline")
    i18n.set_language("fa")
    try:
        shown = {
            "finding": render_animals(animal, "all", "all", "all")[0]["finding"].tolist(),
            "effect": render_mechanisms(mechanisms, "all", "all", "all")[0]["effect"].tolist(),
            "detail": render_exclusions(criteria, [])[1]["detail"].tolist(),
            "headline": render_timeline(timeline, (1900, 2030), [])[0]["headline"].tolist(),
            "properties": render_cell_source(sources, mscteach.load("references"), "Umbilical cord")[0].data,
            "trial": trial_description(mscteach.load("clinical_studies"), "lin2017")["value"].tolist(),
        }
    finally:
        i18n.set_language("en")
    assert set(shown["finding"]) <= set(animal["finding_fa"]) and shown["finding"]
    assert set(shown["effect"]) <= set(mechanisms["effect_fa"]) and shown["effect"]
    assert set(shown["detail"]) == set(criteria["detail_fa"])
    assert set(shown["headline"]) <= set(timeline["headline_fa"]) and shown["headline"]
    cord = sources.set_index("source").loc["Umbilical cord"]
    assert cord["properties_fa"] in shown["properties"] and cord["properties"] not in shown["properties"]
    assert f"*یادداشت گردآورندگان:* {cord['notes_fa']}" in shown["properties"]  # the curation note too
    assert shown["properties"].startswith("**بند ناف (UC-MSC)**: ")  # figures.po: "Umbilical cord" -> بند ناف
    lin = mscteach.load("clinical_studies").set_index("study_id").loc["lin2017"]
    assert lin["efficacy_finding_fa"] in shown["trial"] and lin["efficacy_finding"] not in shown["trial"]
    english = render_animals(animal, "all", "all", "all")[0]["finding"].tolist()  # and English stays English
    assert set(english) <= set(animal["finding"])


def test_a_persian_table_shows_vocabulary_values_in_persian_and_names_as_written():
    from mscteach import display, i18n

    table = mscteach.load("animal_studies")[["first_author", "species", "outcome", "model"]].head(2)
    html = display.table_html(table, lang="fa")
    # figures.po: "mouse" -> موش, "benefit" -> سود; names and free text (the model) stay as the data hold them
    assert "<td>موش</td>" in html and "<td>سود</td>" in html and "<td>Liu</td>" in html
    assert "acetaminophen-induced acute liver failure" in html
    assert "<td>mouse</td>" in display.table_html(table, lang="en")
    # a value the catalogue lacks is shown as written, and not reported as a missing figure text
    before = set(i18n.MISSING.get("fa", set()))
    odd = display.table_html(table.assign(species=["axolotl", "mouse"]), lang="fa")
    assert "<td>axolotl</td>" in odd and set(i18n.MISSING.get("fa", set())) == before


def test_a_persian_funnel_plot_has_persian_digits_on_every_tick_and_band_and_keeps_the_estimators_name():
    import re

    from mscteach import datasets, display, i18n, plots, stats

    bcg = datasets.load_bcg_trials()
    i18n.set_language("fa")
    try:
        fig = plots.funnel_figure(bcg, filled=stats.trim_and_fill(bcg, method="REML"))
        display.figure_png(fig)  # drawn as the site draws it: localised, then every tick formatted
        ax = fig.axes[0]
        ticks = [t.get_text() for axis in (ax.xaxis, ax.yaxis) for t in axis.get_ticklabels(which="both")]
        shown = [t for t in ticks if t]
        assert "۰٫۲" in shown and "۰٫۵" in shown and "۵" in shown  # the log axis's minor labels too
        assert not [t for t in shown if re.search(r"[0-9]", t)], shown
        bands = [t.get_text() for t in ax.get_legend().get_texts()][:4]
        assert bands == ["۰٫۱ < p", "p ∈ (۰٫۰۵, ۰٫۱]", "p ∈ (۰٫۰۱, ۰٫۰۵]", "۰٫۰۱ ≥ p"]
        assert "(L₀)" in ax.get_title() and "L۰" not in ax.get_title()
    finally:
        i18n.set_language("en")


def test_a_persian_forest_plots_title_is_persian_from_its_first_word():
    from mscteach import datasets, i18n, plots, stats

    result = stats.meta_analysis(datasets.load_bcg_trials(), "RR", "DL")
    i18n.set_language("fa")
    try:
        title = plots.forest_plot(result).axes[0].get_title()
    finally:
        i18n.set_language("en")
    assert title.startswith("نمودار جنگلی: RR") and "Forest plot" not in title
    assert plots.forest_plot(result).axes[0].get_title().startswith("Forest plot: RR 0.49 (95% CI 0.34-0.70)")


def test_english_left_in_a_persian_table_is_laid_out_left_to_right():
    from mscteach import display

    note = 'The review prints "لئوفوزیون محیطی" (peripheral infusion).'  # a curation note quoting the review
    table = pd.DataFrame({"notes": [note, "MSCها کبد را ترمیم کردند", "سلول"], "n": [1, 2, 3]})
    persian = display.table_html(table, lang="fa")
    assert f'<td dir="ltr">{html.escape(note)}</td>' in persian
    assert "<td>MSCها کبد را ترمیم کردند</td>" in persian and "<td>سلول</td>" in persian  # Persian stays right to left
    assert 'dir="ltr"' not in display.table_html(table, lang="en")


def test_a_persian_explorers_static_sentences_and_captions_carry_their_direction_and_english_ones_none():
    from mscteach import datasets, i18n, widgets

    bcg = datasets.load_bcg_trials()
    english = widgets.leave_one_out_explorer(bcg).static_html()
    assert " dir=" not in english  # a left-to-right edition marks nothing
    i18n.set_language("fa")
    try:
        persian = widgets.leave_one_out_explorer(bcg).static_html()
    finally:
        i18n.set_language("en")
    assert '<div dir="rtl"><p><strong>RR ' in persian  # the summary opens with the measure, and is Persian
    assert '<figcaption dir="rtl">نمودار جنگلی: RR ' in persian
    assert '<div dir="ltr">' not in persian and '<figcaption dir="ltr">' not in persian  # all of it Persian


def test_the_persian_rob2_explorer_keeps_the_tools_codes_and_translates_its_table():
    import mscteach
    from mscteach import i18n, widgets

    i18n.set_language("fa")
    try:
        explorer = widgets.rob2_explorer("lin2017")
        table, _ = widgets.rob2_assessment("lin2017", {})
        described = widgets.trial_description(mscteach.load("clinical_studies"), "lin2017")
    finally:
        i18n.set_language("en")
    assert explorer.name == "خطر سوگیری (RoB 2) در lin2017"  # the study's id as written, not "lin۲۰۱۷"
    assert [c.description for c in list(explorer.controls.values())[:3]] == ["1.2", "1.1", "1.3"]
    # the domains' names as the traffic light's key names them
    assert table["name"].tolist()[:5] == ["سوگیری ناشی از فرایند تصادفی سازی",
                                          "سوگیری ناشی از انحراف از مداخله های موردنظر",
                                          "سوگیری ناشی از داده های گمشده پیامد", "سوگیری در اندازه گیری پیامد",
                                          "سوگیری در گزینش نتیجه گزارش شده"]
    values = dict(zip(described["field"], described["value"]))
    assert values["منشأ"] == "آلوژنیک" and values["نوع کنترل"] == "درمان استاندارد پزشکی"
    assert values["راه تجویز"] == "ورید محیطی" and values["نویسنده نخست"] == "Lin"
    assert values["سال"] == "۲۰۱۷" and values["درمان شده (تعداد)"] == "۵۶" and values["منابع"] == "۲۶"
    assert values["دوز (همان گونه که چاپ شده)"].startswith("10^5 × 10^-1 cells/kg")  # the review's text as printed


def test_a_live_persian_explorer_lays_its_sentences_out_right_to_left_and_an_english_one_is_unchanged():
    """JupyterLab and Voilà lay Markdown out left to right: a Persian sentence that opens with "RR" would read out
    of order, so a live Persian explorer sends it as HTML in its direction."""
    from IPython.core.interactiveshell import InteractiveShell

    from mscteach import datasets, i18n, widgets

    InteractiveShell.instance()
    bcg = datasets.load_bcg_trials()
    english = widgets.leave_one_out_explorer(bcg).output.outputs[0]["data"]
    assert english["text/markdown"].startswith("**RR 0.49") and "text/html" not in english
    i18n.set_language("fa")
    try:
        persian = widgets.leave_one_out_explorer(bcg).output.outputs[0]["data"]
    finally:
        i18n.set_language("en")
    assert persian["text/html"].startswith('<div dir="rtl"><p><strong>RR ') and "text/markdown" not in persian
    i18n.set_language("fa")
    try:
        headers = [widgets.leave_one_out_explorer(bcg).children[0].value,
                   widgets.rob2_explorer("lin2017").children[0].value]
    finally:
        i18n.set_language("en")
    assert all(h.startswith('<div dir="rtl"><b>') for h in headers), headers  # its name and help, which say Ctrl/Cmd
    assert widgets.leave_one_out_explorer(bcg).children[0].value.startswith("<b>Leave studies out</b> &mdash; ")
