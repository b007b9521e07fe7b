"""Self-checks in the chapters: answers equal hand counts from the review's tables, and feedback is honest."""
from __future__ import annotations

import json
import math
import re
from statistics import NormalDist

import pytest

from mscteach import selfchecks, widgets

from .conftest import REPO


def _arcsine_trial_size(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Patients per arm for two proportions with Cohen's h (arcsine), two-sided, computed here by hand."""
    z_a, z_b = NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(power)
    h = abs(2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1)))
    return math.ceil(2 * ((z_a + z_b) / h) ** 2)


# Expected answers, from the review's text as curated in data/ (counted by hand from the CSV files):
EXPECTED = {
    ("01_history", 1): "b",   # Friedenstein's studies: 1960 (timeline)
    ("01_history", 2): 52,    # first marrow-transplant case report 1939; "mesenchymal stem cells" 1991
    ("02_differentiation", 1): 9,  # nine sources in cell_sources.csv
    ("02_differentiation", 2): "b",  # "transdifferentiation below 3% of liver mass" is the 'against' item
    ("03_immunomodulation", 1): "a",  # M1 -> M2 conversion is PGE2-dependent
    ("03_immunomodulation", 2): 6,    # mechanisms M003-M008 target "T cell"
    ("04_fibrosis", 1): "b",  # TGF-beta1, "a primary mediator of liver fibrosis"
    ("04_fibrosis", 2): 5,    # five anti-fibrotic rows
    ("05_animal_models", 1): 2,   # Teshima and Gong report harm
    ("05_animal_models", 2): "b",  # HCC: benefit (Yin, Qiao) and harm (Teshima, Gong)
    ("06_clinical_trials", 1): 2,  # Xue 2018 and Liu 2022
    ("06_clinical_trials", 2): "b",
    # BCG on latitude: slope -0.0291 (Viechtbauer 2010, J Stat Softw 36(3)), p < 0.001: more protection
    # (a lower risk ratio) the farther from the equator
    ("06_clinical_trials", 3): "a",
    ("07_challenges", 1): "b",  # safety: 4 of 16 challenges
    ("07_challenges", 2): _arcsine_trial_size(0.556, 0.732),  # 115
}


@pytest.mark.parametrize("chapter, number", sorted(EXPECTED))
def test_each_answer_is_the_hand_computed_one(chapter, number):
    check = selfchecks.get(chapter, number)
    assert check.answer == EXPECTED[(chapter, number)]
    assert selfchecks.check_answer(check, check.answer).correct


def test_the_trial_size_oracle_is_the_textbook_value():
    assert _arcsine_trial_size(0.556, 0.732) == 115


def test_every_chapter_asks_its_checks_in_order_before_its_challenge():
    # two formative checks per chapter; chapter 6 a third, on its heterogeneity section
    counts = {chapter: 3 if chapter == "06_clinical_trials" else 2 for chapter in selfchecks._BUILDERS}
    for chapter in selfchecks._BUILDERS:
        checks = selfchecks.chapter_checks(chapter)
        numbers = list(range(1, counts[chapter] + 1))
        assert [c.number for c in checks] == numbers
        nb = json.loads((REPO / "notebooks" / f"{chapter}.ipynb").read_text(encoding="utf-8"))
        sources = ["".join(c["source"]) for c in nb["cells"]]
        calls = [i for i, s in enumerate(sources) if "widgets.self_check(" in s]
        assert [f'widgets.self_check("{chapter}", {n}).show()' in sources[i] for n, i in zip(numbers, calls)] == \
            [True] * len(numbers), chapter
        assert len(calls) == len(numbers), chapter
        challenge = next(i for i, s in enumerate(sources) if s.startswith("## Challenge"))
        assert calls == sorted(calls) and calls[-1] < challenge, chapter
        assert calls[0] < len(sources) // 2, chapter  # the first comes early, not with the second


@pytest.mark.parametrize("response, correct, says", [
    ("b", True, "Right."), ("(B)", True, "Right."), ("The data are compatible with no effect", True, "Right."),
    ("a", False, "Not yet."), ("z", False, "one of the letters a, b, c"), ("", False, "Choose an answer first"),
    (None, False, "Choose an answer first"),
])
def test_choice_feedback(response, correct, says):
    feedback = selfchecks.check_answer(selfchecks.get("06_clinical_trials", 2), response)
    assert feedback.correct is correct and says in feedback.message


@pytest.mark.parametrize("response, correct, says", [
    ("52", True, "Right."), (52.0, True, "Right."), (" 52 ", True, "Right."), ("51", False, "Not yet."),
    ("fifty", False, "is not a number"), ("nan", False, "not NaN"), ("", False, "Type a number first"),
])
def test_number_feedback_never_gives_the_answer_away_when_wrong(response, correct, says):
    feedback = selfchecks.check_answer(selfchecks.get("01_history", 2), response)
    assert feedback.correct is correct and says in feedback.message
    if not correct:
        assert "52" not in feedback.message


def test_the_live_check_marks_the_chosen_answer():
    view = widgets.self_check("03_immunomodulation", 1)
    view.answer.value = "b"
    assert not view.on_check().correct and "Not yet" in view.feedback.value
    view.answer.value = "a"
    assert view.on_check().correct and "Right." in view.feedback.value


def test_the_static_copy_shows_the_question_then_the_answer_in_a_toggle():
    page = widgets.self_check("07_challenges", 1).static_html()
    assert page.index("<ol type=\"a\">") < page.index("<details>") < page.index("(b) safety")
    assert "<summary>Show the answer</summary>" in page


def test_an_unknown_chapter_or_number_is_named():
    with pytest.raises(selfchecks.UnknownNameError, match="unknown chapter '08_more'"):
        selfchecks.get("08_more", 1)
    with pytest.raises(selfchecks.MscteachError, match="self-checks 1 to 2, not 3"):
        selfchecks.get("01_history", 3)


PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٫٪", "0123456789.%")


def _numbers(text: str) -> list[str]:
    return sorted(re.findall(r"\d+(?:\.\d+)?", text.translate(PERSIAN_DIGITS)))


@pytest.mark.parametrize("chapter, number", sorted(EXPECTED))
def test_a_persian_self_check_asks_the_same_question_with_the_same_answer(chapter, number):
    from mscteach import i18n

    i18n.MISSING.clear()
    english, persian = selfchecks.get(chapter, number, "en"), selfchecks.get(chapter, number, "fa")
    assert persian.answer == english.answer == EXPECTED[(chapter, number)] and persian.lang == "fa"
    for part in ("question", "explanation", "hint"):
        assert _numbers(getattr(persian, part)) == _numbers(getattr(english, part)), part
        assert getattr(persian, part) != getattr(english, part)
        assert re.search("[\u0600-\u06ff]", getattr(persian, part))  # written in Persian letters
    assert _numbers(" ".join(persian.options)) == _numbers(" ".join(english.options))
    typed = str(english.answer).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    feedback = selfchecks.check_answer(persian, typed)
    assert feedback.correct and feedback.message.startswith("درست است.")
    assert selfchecks.check_answer(persian, "").message in ("نخست یک پاسخ را برگزینید.", "نخست یک عدد بنویسید.")
    assert not i18n.MISSING.get("fa")  # every sentence and option had its translation
