"""Figures, explorers and table labels in Persian: the catalogue, digits, shaping, and every chapter covered."""
from __future__ import annotations

import json
import re

import nbformat
import numpy as np
import pytest

import mscteach
from mscteach import i18n, plots, runner, widgets
from mscteach.display import column_label, figure_png

from .conftest import REPO


@pytest.fixture
def persian():
    i18n.set_language("fa")
    i18n.MISSING.clear()
    yield
    i18n.set_language("en")


def test_english_is_left_as_it_is():
    assert i18n.language() == "en"
    assert i18n.text("Clinical studies") == "Clinical studies" and i18n.digits("0.48") == "0.48"


def test_persian_digits_decimal_separator_and_per_cent(persian):
    assert i18n.digits("0.48") == "۰٫۴۸" and i18n.digits("95%") == "۹۵٪" and i18n.digits("1868-1991") == "۱۸۶۸-۱۹۹۱"


def test_messages_with_numbers_are_looked_up_with_placeholders(persian):
    assert i18n.text("powered trial: 115 per arm") == "کارآزمایی با توان کافی: ۱۱۵ در هر بازو"
    assert i18n.text("{n}  Haeckel coins \"stem cell\"".replace("{n}", "1868")) == "۱۸۶۸  هکل اصطلاح «سلول بنیادی» را می سازد"
    # names and abbreviations are kept as written, Latin digits included
    assert i18n.text("IL-10") == "IL-10" and i18n.text("Lin 2017 (RCT)") == "Lin 2017 (RCT)"
    assert i18n.text("cirrhosis") == "سیروز" and column_label("n_treated") == "درمان شده (تعداد)"
    # a label the figure wrapped is translated whole
    assert i18n.text("ACLF and\nchronic liver\ndisease").replace("\n", " ") == "ACLF و بیماری مزمن کبد"
    assert i18n.MISSING == {}
    assert i18n.text("A sentence nobody translated (3 times)") == "A sentence nobody translated (3 times)"
    assert i18n.MISSING == {"fa": {"A sentence nobody translated ({n} times)"}}


def test_an_unknown_language_is_refused():
    with pytest.raises(mscteach.UnknownNameError, match="unknown language 'de'"):
        i18n.set_language("de")
    from mscteach import chapters

    with pytest.raises(mscteach.UnknownNameError, match="lang"):
        chapters.check_parameters("06_clinical_trials", lang="de")


def test_a_figure_is_translated_with_persian_digits_and_the_shipped_font(persian):
    fig = plots.sample_size_figure(mscteach.load("clinical_studies"))
    data, metadata = figure_png(fig)
    ax = fig.axes[0]
    assert ax.get_title() == "هر مطالعه چند بیمار را وارد کرد" and ax.get_xlabel() == "بیماران"
    assert "Lin 2017 (RCT)" in [t.get_text() for t in ax.get_yticklabels()]  # study names stay as written
    numbers = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert numbers and all(set(n) <= set("۰۱۲۳۴۵۶۷۸۹٫-") for n in numbers), numbers
    assert ax.title.get_fontname() == "Vazirmatn" and metadata["caption"] == "هر مطالعه چند بیمار را وارد کرد"
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and i18n.MISSING == {}
    # the alt text is Persian too: its frame from sentences.po around the figure's own (translated) labels
    assert metadata["alt"].startswith("هر مطالعه چند بیمار را وارد کرد. نمودار میله ای بیماران برای هر ")
    assert "A bar chart" not in metadata["alt"] and "Lin 2017 (RCT)" in metadata["alt"]


def test_an_explorer_shows_persian_labels_and_keeps_its_values(persian):
    explorer = widgets.trial_explorer(mscteach.load("clinical_studies"))
    disease = explorer.controls["disease"]
    assert disease.description == "بیماری" and ("سیروز", "cirrhosis") in list(zip(disease._options_labels,
                                                                                  disease._options_values))
    disease.value = "cirrhosis"  # render() still receives the data's own value
    table = explorer.results()[0]
    assert set(table["disease"]) == {"cirrhosis"}


def _ink(image: np.ndarray) -> np.ndarray:
    """The dark pixels of a rendering, cropped to their bounding box and scaled to a common size."""
    from PIL import Image

    grey = image if image.ndim == 2 else image[..., :3].mean(axis=2)
    ys, xs = np.nonzero(grey < 128)
    crop = (grey[ys.min():ys.max() + 1, xs.min():xs.max() + 1] < 128).astype(np.uint8) * 255
    return np.asarray(Image.fromarray(crop).resize((240, 60))) > 127


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / (a | b).sum())


def _matplotlib(text: str) -> np.ndarray:
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=(6, 1.2), dpi=100)
    fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=40, fontfamily=["Vazirmatn"])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return np.asarray(Image.open(buffer).convert("L"))


def test_persian_labels_are_joined_and_right_to_left_as_chromium_draws_them(persian, browser, tmp_path):
    """Matplotlib's rendering of a Persian label against HarfBuzz's (Chromium) with the same font."""
    from PIL import Image

    word = "سلول های بنیادی"
    font = REPO / "mscteach" / "sitecfg" / "_static" / "fonts" / "Vazirmatn-Regular.woff2"
    page = browser.new_page(viewport={"width": 800, "height": 200})
    html = tmp_path / "reference.html"
    html.write_text(f'<meta charset="utf-8"><style>@font-face {{ font-family: V; src: url("{font.as_uri()}"); }} '
                    f'body {{ margin: 20px; }} span {{ font: 53px V; color: black; }}</style>'
                    f'<span dir="rtl">{word}</span>', encoding="utf-8")
    page.goto(html.as_uri())
    assert page.evaluate("document.fonts.ready.then(() => document.fonts.check('53px V', 'سلول'))")
    page.wait_for_timeout(200)
    shot = tmp_path / "chromium.png"
    page.locator("span").screenshot(path=str(shot))
    page.close()
    reference = _ink(np.asarray(Image.open(shot).convert("L")))
    ours = _ink(_matplotlib(word))
    # the same letters forced apart (a zero-width non-joiner between each), and in the reverse order
    isolated = _ink(_matplotlib("\u200c".join(word)))
    reversed_order = _ink(_matplotlib(word[::-1]))
    assert _overlap(ours, reference) > 0.6
    assert _overlap(ours, reference) > _overlap(isolated, reference) + 0.15
    assert _overlap(ours, reference) > _overlap(reversed_order, reference) + 0.15


def _output_numbers(notebook) -> dict[int, list[str]]:
    """Per code cell, the numbers its outputs state (text, Markdown, HTML; not images), Persian digits read back."""
    from .test_persian_briefs import PERSIAN_DIGITS, visible_text

    found = {}
    for number, cell in enumerate(notebook.cells):
        texts = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts += [output.get("text", ""), data.get("text/markdown", ""),
                      visible_text(data.get("text/html", "")) if "text/html" in data else data.get("text/plain", "")]
        if cell.cell_type == "code" and any(texts):
            found[number] = sorted(re.findall(r"\d+(?:\.\d+)?", " ".join(texts).translate(PERSIAN_DIGITS)))
    return found


def test_every_chapter_run_in_persian_meets_no_untranslated_text_and_states_the_english_numbers(tmp_path):
    """Each chapter run with lang = "fa" (as the site build runs it) meets no untranslated figure, label or sentence,
    and every code cell's output states the numbers the same cell states in English."""
    found, differing = {}, {}
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(
            "import json\nfrom mscteach import i18n\nprint('MISSING' + json.dumps(sorted(i18n.MISSING.get('fa', []))))"))
        source = tmp_path / path.name
        nbformat.write(nb, source)
        runs = {}
        for lang in ("en", "fa"):
            runner.execute_notebook(source, tmp_path / f"{lang}-{path.name}", {"lang": lang},
                                    environment={"MSCTEACH_SITE_BUILD": "1"})
            runs[lang] = nbformat.read(tmp_path / f"{lang}-{path.name}", as_version=4)
        printed = "".join(o.get("text", "") for o in runs["fa"].cells[-1].outputs)
        found[path.stem] = json.loads(printed.split("MISSING", 1)[1])
        english, persian = _output_numbers(runs["en"]), _output_numbers(runs["fa"])
        differing[path.stem] = sorted(cell for cell in english.keys() | persian.keys()
                                      if english.get(cell) != persian.get(cell))
    assert found == {name: [] for name in found}
    assert differing == {name: [] for name in differing}


# --------------------------------------------------------------------------- plural forms (gettext)
PLURAL_PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\\n"

msgid "{n} study"
msgid_plural "{n} studies"
msgstr[0] "one: {n}"
msgstr[1] "two: {n}"
msgstr[2] "many: {n}"

#, fuzzy
msgid "{n} trial"
msgid_plural "{n} trials"
msgstr[0] "unconfirmed"
msgstr[1] "unconfirmed"
msgstr[2] "unconfirmed"
'''


def test_a_plural_entry_takes_the_form_the_catalogues_rule_chooses(tmp_path):
    """A made-up three-form rule (one, two, many), so the choice cannot be English's by accident."""
    from mscteach.i18n.catalogues import read_plurals

    po = tmp_path / "sentences.po"
    po.write_text(PLURAL_PO, encoding="utf-8")
    entries = read_plurals(po)
    forms = [entries.choose(("{n} study", "{n} studies"), n) for n in (1, 2, 3, 0)]
    assert forms == ["one: {n}", "two: {n}", "many: {n}", "many: {n}"]
    assert entries.choose(("{n} trial", "{n} trials"), 1) is None  # fuzzy: not confirmed


def test_say_n_is_english_grammar_without_a_catalogue_and_records_what_is_missing():
    i18n.MISSING.clear()
    assert i18n.say_n("{n} study matches {what}", "{n} studies match {what}", 1, "en", what="ACLF") == \
        "1 study matches ACLF"
    assert i18n.say_n("{n} study matches {what}", "{n} studies match {what}", 3, "en", what="ACLF") == \
        "3 studies match ACLF"
    assert i18n.say_n("{n} unknown thing", "{n} unknown things", 2, "fa") == "2 unknown things"
    assert i18n.MISSING["fa"] == {"{n} unknown thing"}


def test_babel_finds_say_n_sentences_as_plural_pairs(tmp_path, monkeypatch):
    from mscteach.i18n import pages

    found = pages.package_sentences()
    pairs = [key for key in found if isinstance(key, tuple)]
    assert pairs and all(len(pair) == 2 and all(isinstance(p, str) and p for p in pair) for pair in pairs)
    assert all(isinstance(key, str) for key in found if not isinstance(key, tuple))
