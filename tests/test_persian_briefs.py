"""Persian evidence briefs (`mscteach report --lang fa`) and the sentences the package writes (`i18n.say`).

The numbers a Persian brief states must be the English brief's numbers: both are written for the same
question and compared number by number after the Persian digits are read back.
"""
from __future__ import annotations

import collections
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from mscteach import data, i18n, report
from mscteach.i18n import SENTENCES, pages

from .test_report import _pdf_text, run

PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٫٪", "0123456789.%")
SECTIONS = ["counts", "meaning", "clinical", "effects", "certainty", "preclinical", "mechanisms", "registered",
            "caveats", "references"]


class _Text(HTMLParser):
    """The text a reader sees: no styles, scripts or embedded images."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, text):
        if not self._skip:
            self.parts.append(text)


class _RootAttributes(HTMLParser):
    """The attributes of a page's <html> element."""

    def __init__(self) -> None:
        super().__init__()
        self.attributes: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "html" and self.attributes is None:
            self.attributes = dict(attrs)


def root_attributes(page: str) -> dict[str, str | None] | None:
    parser = _RootAttributes()
    parser.feed(page)
    return parser.attributes


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(parser.parts)


def stated_numbers(page: str) -> collections.Counter:
    """Every number the page states, Persian digits read as Latin; the generation time left out."""
    text = visible_text(page).translate(PERSIAN_DIGITS)
    text = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "", text)
    return collections.Counter(re.findall(r"\d+(?:\.\d+)?", text))


QUESTIONS = {
    "aclf-uc": ["--disease", "ACLF", "--cell-type", "UC-MSC"],
    "aclf": ["--disease", "ACLF"],
    "cirrhosis-rct": ["--disease", "cirrhosis", "--design", "RCT", "--year-from", "2010", "--year-to", "2020"],
    "all-clinical-only": ["--no-preclinical"],
}


@pytest.fixture(scope="module")
def briefs(tmp_path_factory):
    """Each question written in English and in Persian by one batch command."""
    made = {}
    for name, args in QUESTIONS.items():
        out = tmp_path_factory.mktemp(name)
        result = run(*args, "--lang", "en", "--lang", "fa", "-o", str(out))
        assert result.returncode == 0, result.stderr
        pages = sorted(out.glob("*.html"))
        english = next(p for p in pages if "lang-fa" not in p.name)
        persian = next(p for p in pages if "lang-fa" in p.name)
        made[name] = (english.read_text(encoding="utf-8"), persian.read_text(encoding="utf-8"), persian)
    return made


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_a_persian_brief_states_the_same_numbers_as_the_english_one(briefs, question):
    english, persian, _ = briefs[question]
    assert stated_numbers(persian) == stated_numbers(english)
    assert sum(stated_numbers(english).values()) > 50  # a real brief, with its tables and references


def test_a_persian_brief_is_right_to_left_in_persian_with_its_font_inside(briefs):
    english, persian, path = briefs["aclf-uc"]
    assert root_attributes(persian) == {"lang": "fa", "dir": "rtl"} and root_attributes(english) == {"lang": "en"}
    assert "@font-face { font-family: Vazirmatn" in persian and "data:font/woff2;base64," in persian
    text = visible_text(persian)
    for heading in ("شواهد به زبان اعداد", "مطالعات بالینی", "برآورد اثرها", "مطالعات پیش بالینی", "منابع"):
        assert heading in text
    for english_heading in ("The evidence in numbers", "What this means", "Effect estimates", "Caveats"):
        assert english_heading not in text
    # Shi 2012, the review's one UC-MSC trial in ACLF: "(۱۰۰)، ۲۴ بیمار ... UC-MS" -- 24 patients given cells
    assert "<b>\u200f۲۴</b> بیمار سلول دریافت کردند" in persian
    assert "Shi 2012" in text and "UC-MSC" in text  # names keep their Latin letters and digits
    assert json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["parameters"]["lang"] == "fa"


def test_no_brief_page_asks_a_server_for_anything(briefs):
    """JupyterLab's HTML template would fetch require.js and MathJax from CDNs; a brief is read offline."""
    for english, persian, _ in briefs.values():
        for page in (english, persian):
            assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_the_json_summary_does_not_depend_on_the_language(tmp_path):
    english = report.evidence_brief({"disease": "ACLF"}).summary()
    persian = report.evidence_brief({"disease": "ACLF", "lang": "fa"}).summary()
    assert persian.pop("parameters")["lang"] == "fa" and english.pop("parameters")["lang"] == "en"
    assert persian == english


def test_a_persian_pdf_brief_is_set_in_the_shipped_font(tmp_path):
    out = tmp_path / "aclf-fa.html"
    result = run("--disease", "ACLF", "--cell-type", "UC-MSC", "--lang", "fa", "--format", "pdf", "-o", str(out))
    assert result.returncode == 0, result.stderr
    _, pages = _pdf_text(out.with_suffix(".pdf"))
    fonts = {str(font["/BaseFont"]) for page in pages for font in page["/Resources"]["/Font"].values()
             if "/BaseFont" in font.get_object()}
    assert any("Vazirmatn" in font for font in fonts), fonts


def test_report_refuses_an_unknown_language_before_any_kernel(tmp_path):
    result = run("--disease", "ACLF", "--lang", "de", "-o", str(tmp_path / "b.html"))
    assert result.returncode == 2 and "--lang" in result.stderr and "fa" in result.stderr
    assert not list(tmp_path.iterdir())


def test_report_names_say_the_language():
    assert report.report_name({"disease": "ACLF", "lang": "fa"}) == "disease-ACLF_lang-fa"
    assert report.report_name({"disease": "ACLF", "lang": "en"}) == "disease-ACLF"


def _questions() -> list[dict]:
    every = {name: data.vocabulary("clinical_studies", name) for name in ("disease", "design", "cell_type",
                                                                            "cell_origin")}
    return [{name: value, "lang": "fa"} for name, values in every.items() for value in ["all", *values]] + \
        [{"disease": "ACLF", "cell_type": "UC-MSC", "year_from": 2010, "year_to": 2020, "include_preclinical": False,
          "lang": "fa", "author": "A"}]


def test_every_sentence_of_every_brief_of_the_course_data_has_its_persian():
    """Headings come from evidence_brief.po; sentences, vocabulary and table labels from the package's catalogues."""
    i18n.MISSING.clear()
    for question in _questions():
        brief = report.evidence_brief(question)
        report.header_html(brief.parameters, "2026-11-26 09:00 UTC")
        for name in SECTIONS:
            report.section(brief, name)
    assert not i18n.MISSING.get("fa"), sorted(i18n.MISSING["fa"])
    counts = pages.status([report.template_path()], "fa")["evidence_brief"]
    assert counts["blocks"] == counts["translated"] > 10


# --------------------------------------------------------------------------- the sentences' catalogue
def _fields(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)(?::[^}]*)?\}", template))


def test_every_sentence_the_package_writes_has_a_persian_translation_with_the_same_fields():
    from mscteach.i18n.catalogues import catalogue_file, read_plurals

    sentences = pages.package_sentences()
    known = pages.catalogue("fa", SENTENCES)
    plurals = read_plurals(catalogue_file("fa", SENTENCES))
    assert len(sentences) > 50 and sum(isinstance(m, tuple) for m in sentences) >= 4
    for message in sentences:
        if isinstance(message, tuple):  # say_n: every form of the translation, against the English plural
            translations = plurals.forms.get(message)
            assert translations, message
            english = message[1]
        else:
            assert message in known, message
            translations, english = (known[message],), message
        for persian in translations:
            assert _fields(persian) <= _fields(english), message  # no field the code does not give
            assert {f for f in _fields(english) if not f.endswith("_word")} <= _fields(persian), message
            specs = sorted(re.findall(r"\{\w+:[^}]*\}", english))  # a number keeps its format ({estimate:.2f})
            assert sorted(re.findall(r"\{\w+:[^}]*\}", persian)) == specs, message


def test_every_say_call_has_a_message_the_catalogue_can_hold():
    """Babel finds say("...") and say_n("...", "...") calls; one inside an f-string or with a computed message
    would be missed."""
    found = pages.package_sentences()
    per_file = collections.Counter(file for where in found.values() for file, _ in where)
    package = Path(pages.__file__).parent.parent
    calls: collections.Counter = collections.Counter()  # by path inside the package, as Babel's finds are
    for path in sorted(package.rglob("*.py")):
        code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                         if not line.lstrip().startswith((">>>", "def say(", "def say_n(")))
        calls[path.relative_to(package).as_posix()] += len(re.findall(r"(?<![\w.])say(?:_n)?\((?!\))", code))
        # Babel does not read `i18n.say(...)`: such a sentence would never reach the catalogue
        assert not re.findall(r"\.say(?:_n)?\(", code), path
    assert sum(calls.values()) > 50
    for name in sorted(calls):
        assert calls[name] == per_file[name], f"{name}: {calls[name]} say( calls, {per_file[name]} found by Babel"


def test_say_fills_fields_in_the_languages_digits():
    assert i18n.say("{n} clinical {study_word}", "en", n=1, study_word="study") == "1 clinical study"
    persian = i18n.say_n("<b>{n}</b> clinical study ({designs})", "<b>{n}</b> clinical studies ({designs})", 12,
                         "fa", designs="RCT")
    assert persian == "<b>\u200f۱۲</b> مطالعه بالینی (RCT)"
    estimate = i18n.say("; {level:g}% prediction interval {low:.2f}-{high:.2f}", "fa", low=0.3, high=1.25,
                        level=95.0)
    assert estimate == "؛ بازه پیش بینی \u200f۹۵٪: \u200f۰٫۳۰-\u200f۱٫۲۵"


def test_a_sentence_without_translation_stays_english_and_is_recorded():
    i18n.MISSING.clear()
    assert i18n.say("No such sentence for {n} studies", "fa", n=3) == "No such sentence for 3 studies"
    assert i18n.MISSING["fa"] == {"No such sentence for {n} studies"}


def test_update_writes_the_sentences_catalogue_and_keeps_translations(tmp_path):
    locale = tmp_path / "locale"
    template = report.template_path()
    pages.update([template], "fa", locale)
    po = locale / "fa" / "LC_MESSAGES" / "sentences.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    assert set(m.id for m in catalog if m.id) == set(pages.package_sentences())
    assert all("python-brace-format" in m.flags for m in catalog if m.id and "{" in m.id)
    message = catalog["None."]
    message.string = "هیچ."
    from babel.messages.pofile import write_po

    with po.open("wb") as f:
        write_po(f, catalog)
    pages.update([template], "fa", locale)
    assert pages.catalogue("fa", "sentences", locale)["None."] == "هیچ."


def test_a_grid_gets_one_brief_per_language_unless_a_row_chooses_its_own(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text("disease,lang\nACLF,\ncirrhosis,fa\n", encoding="utf-8")
    result = run("--grid", str(grid), "--lang", "en", "--lang", "fa", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.html")) == [
        "disease-ACLF.html", "disease-ACLF_lang-fa.html", "disease-cirrhosis_lang-fa.html"]


def test_a_persian_briefs_general_caveats_are_named_in_persian_with_persian_reference_numbers():
    import csv

    from mscteach.report import content, sections

    from .conftest import REPO

    with (REPO / "data" / "challenges.csv").open(encoding="utf-8") as f:
        challenges = {row["challenge"]: row["ref_ids"] for row in csv.DictReader(f)}
    assert challenges["Long-term survival benefit unproven"] == "25;98;100"  # read from the file
    brief = content.evidence_brief({"disease": "cirrhosis", "lang": "fa"})
    listed = re.sub(r"<[^>]+>", " ", str(sections.caveats(brief)[-1].data))
    assert "سود بقای بلندمدت اثبات نشده" in listed and "[۲۵، ۹۸، ۱۰۰]" in listed
    for name in challenges:
        assert name not in listed, name  # every challenge's name in Persian
    assert re.findall(r"[A-Za-z]+", listed) == ["MSC"]  # the one Latin name the English has too
