"""RoB 2: the guidance's algorithms case by case, a teacher's judgments file, GRADE's risk-of-bias domain, the figures
and the explorer's logic.

The expected judgments are read off the RoB 2 guidance (Higgins, Savović, Page & Sterne, eds., 22 August 2019:
each domain's algorithm figure and its table of criteria for low / some concerns / high, individually randomised
parallel-group trial, effect of assignment to intervention) and Sterne et al., BMJ 2019;366:l4898 for the overall
judgment. Each case's comment follows the algorithm's path; the exhaustive tests restate the criteria tables in
their own words (independently of the code's flowchart) and compare every combination of answers.
"""
from __future__ import annotations

import itertools
import random

import pandas as pd
import pytest
from IPython.display import Markdown
from matplotlib.figure import Figure

import mscteach
from mscteach.display import figure_alt
from mscteach.errors import DataValidationError, ParameterError, UnknownNameError
from mscteach.plots.risk_of_bias import JUDGMENT_STYLE, summary_figure, traffic_light_figure
from mscteach.stats import grade, rob2
from mscteach.widgets.rob2 import randomised_trials, render_rob2, rob2_assessment, rob2_explorer, trial_description

LOW, SOME, HIGH = "low", "some concerns", "high"


def _answers(text: str) -> dict[str, str]:
    """'1.1 Y, 1.2 PY' -> {'1.1': 'Y', '1.2': 'PY'}."""
    return dict(pair.split() for pair in text.split(","))


# ------------------------------------------------------------------------------------------- the algorithms, by case

D1_CASES = [
    ("1.1 Y, 1.2 Y, 1.3 N", LOW),              # concealed, random, no baseline problem
    ("1.1 NI, 1.2 PY, 1.3 NI", LOW),           # concealed; NI on randomness and on baseline still low
    ("1.1 Y, 1.2 Y, 1.3 PY", SOME),            # concealed, random, but baseline differences suggest a problem
    ("1.1 N, 1.2 Y, 1.3 N", SOME),             # concealed but not random
    ("1.1 PN, 1.2 PY, 1.3 Y", SOME),           # concealed, not random: some concerns whatever 1.3 says
    ("1.1 Y, 1.2 NI, 1.3 PN", SOME),           # no information on concealment, baseline compatible with chance
    ("1.1 Y, 1.2 NI, 1.3 NI", SOME),
    ("1.1 Y, 1.2 NI, 1.3 Y", HIGH),            # no information on concealment and a baseline problem
    ("1.1 Y, 1.2 N, 1.3 N", HIGH),             # not concealed
    ("1.1 Y, 1.2 PN, 1.3 N", HIGH),
]
D2_CASES = [
    ("2.1 N, 2.2 PN, 2.6 Y", LOW),             # nobody aware; appropriate analysis
    ("2.1 Y, 2.2 N, 2.3 PN, 2.6 PY", LOW),     # aware, but no deviations because of the trial context
    ("2.1 NI, 2.2 N, 2.3 NI, 2.6 Y", SOME),    # no information on deviations
    ("2.1 Y, 2.2 Y, 2.3 Y, 2.4 N, 2.6 Y", SOME),              # deviations unlikely to have affected the outcome
    ("2.1 Y, 2.2 Y, 2.3 PY, 2.4 Y, 2.5 PY, 2.6 Y", SOME),     # deviations that mattered, balanced between groups
    ("2.1 Y, 2.2 Y, 2.3 Y, 2.4 NI, 2.5 N, 2.6 Y", HIGH),      # ... not balanced
    ("2.1 PY, 2.2 Y, 2.3 Y, 2.4 PY, 2.5 NI, 2.6 Y", HIGH),    # ... no information on balance
    ("2.1 N, 2.2 N, 2.6 N, 2.7 N", SOME),      # inappropriate analysis without potential for substantial impact
    ("2.1 N, 2.2 N, 2.6 NI, 2.7 PN", SOME),
    ("2.1 N, 2.2 N, 2.6 PN, 2.7 Y", HIGH),     # ... with potential for substantial impact
    ("2.1 N, 2.2 N, 2.6 N, 2.7 NI", HIGH),
    ("2.1 Y, 2.2 Y, 2.3 NI, 2.6 N, 2.7 Y", HIGH),             # the worse part decides: some concerns + high
    ("2.1 Y, 2.2 Y, 2.3 Y, 2.4 Y, 2.5 N, 2.6 Y", HIGH),       # high + low
    ("2.1 Y, 2.2 Y, 2.3 NI, 2.6 N, 2.7 N", SOME),             # some concerns + some concerns
]
D3_CASES = [
    ("3.1 Y", LOW),                            # data for nearly all participants
    ("3.1 PY", LOW),
    ("3.1 N, 3.2 Y", LOW),                     # evidence that the result is not biased by missing data
    ("3.1 NI, 3.2 PY", LOW),
    ("3.1 PN, 3.2 N, 3.3 N", LOW),             # missingness could not depend on the true value
    ("3.1 N, 3.2 PN, 3.3 Y, 3.4 N", SOME),     # could, but unlikely that it did
    ("3.1 N, 3.2 N, 3.3 NI, 3.4 PN", SOME),
    ("3.1 N, 3.2 N, 3.3 PY, 3.4 Y", HIGH),     # likely that it did
    ("3.1 NI, 3.2 N, 3.3 Y, 3.4 NI", HIGH),
]
D4_CASES = [
    ("4.1 Y, 4.2 N", HIGH),                    # inappropriate measurement
    ("4.1 PY, 4.2 N", HIGH),
    ("4.1 N, 4.2 Y", HIGH),                    # measurement could differ between groups
    ("4.1 NI, 4.2 PY", HIGH),
    ("4.1 N, 4.2 N, 4.3 N", LOW),              # assessors unaware
    ("4.1 N, 4.2 PN, 4.3 Y, 4.4 N", LOW),      # aware, but the assessment could not be influenced
    ("4.1 N, 4.2 N, 4.3 NI, 4.4 NI, 4.5 N", SOME),   # could be, but unlikely that it was
    ("4.1 N, 4.2 N, 4.3 Y, 4.4 Y, 4.5 PY", HIGH),    # likely that it was
    ("4.1 N, 4.2 N, 4.3 Y, 4.4 Y, 4.5 NI", HIGH),
    ("4.1 N, 4.2 NI, 4.3 N", SOME),            # no information on 4.2: the low branch ends at some concerns
    ("4.1 NI, 4.2 NI, 4.3 Y, 4.4 PN", SOME),
    ("4.1 N, 4.2 NI, 4.3 Y, 4.4 Y, 4.5 N", SOME),
    ("4.1 N, 4.2 NI, 4.3 Y, 4.4 Y, 4.5 Y", HIGH),
]
D5_CASES = [
    ("5.1 Y, 5.2 N, 5.3 N", LOW),              # pre-specified plan, no selection
    ("5.1 PY, 5.2 PN, 5.3 PN", LOW),
    ("5.1 N, 5.2 N, 5.3 N", SOME),             # no selection, but no pre-specified plan
    ("5.1 NI, 5.2 N, 5.3 PN", SOME),
    ("5.1 Y, 5.2 NI, 5.3 N", SOME),            # no information on selection (neither Y/PY)
    ("5.1 Y, 5.2 N, 5.3 NI", SOME),
    ("5.1 Y, 5.2 Y, 5.3 N", HIGH),             # selected from several outcome measurements
    ("5.1 Y, 5.2 N, 5.3 PY", HIGH),            # selected from several analyses
    ("5.1 Y, 5.2 NI, 5.3 Y", HIGH),
]
CASES = [(d, text, expected) for d, cases in (("D1", D1_CASES), ("D2", D2_CASES), ("D3", D3_CASES),
                                              ("D4", D4_CASES), ("D5", D5_CASES)) for text, expected in cases]


@pytest.mark.parametrize(("domain", "answers", "expected"), CASES, ids=[f"{d}: {a}" for d, a, _ in CASES])
def test_each_domain_follows_the_guidance_algorithm(domain, answers, expected):
    assert rob2.domain_judgment(domain, _answers(answers)) == expected


def test_answers_in_lower_case_and_nas_to_questions_not_asked_are_accepted():
    assert rob2.domain_judgment("d1", {"1.1": "y", "1.2": " py ", "1.3": "n"}) == LOW
    assert rob2.domain_judgment("D2", _answers("2.1 N, 2.2 N, 2.3 NA, 2.4 NA, 2.5 NA, 2.6 Y, 2.7 NA")) == LOW


def test_which_questions_are_asked_follows_their_conditions():
    assert rob2.questions_asked("D2", _answers("2.1 N, 2.2 PN, 2.6 Y")) == ["2.1", "2.2", "2.6"]
    # 2.3 is asked on Y/PY/NI to 2.1 *or* 2.2
    assert rob2.questions_asked("D2", _answers("2.1 N, 2.2 NI, 2.3 Y, 2.6 Y")) == ["2.1", "2.2", "2.3", "2.4", "2.6"]
    # 4.3 only if N/PN/NI to 4.1 *and* 4.2
    assert rob2.questions_asked("D4", _answers("4.1 N, 4.2 Y")) == ["4.1", "4.2"]
    assert rob2.questions_asked("D4", _answers("4.1 NI, 4.2 PN")) == ["4.1", "4.2", "4.3"]
    assert rob2.questions_asked("D3", _answers("3.1 N, 3.2 N, 3.3 NI")) == ["3.1", "3.2", "3.3", "3.4"]
    assert rob2.questions_asked("D3", {}) == ["3.1"]
    assert rob2.questions_asked("D5", {}) == ["5.1", "5.2", "5.3"]


def test_the_tool_has_22_questions_and_na_only_where_a_question_is_conditional():
    assert [len(q) for q in rob2.SIGNALLING_QUESTIONS.values()] == [3, 7, 4, 5, 3]
    conditional = {qid for qid, options in rob2.RESPONSES.items() if "NA" in options}
    assert conditional == {"2.3", "2.4", "2.5", "2.7", "3.2", "3.3", "3.4", "4.3", "4.4", "4.5"}
    assert all(text.startswith("If ") for q in rob2.SIGNALLING_QUESTIONS.values() for qid, text in q
               if qid in conditional)
    assert rob2.RESPONSES["3.2"] == ("NA", "Y", "PY", "PN", "N")  # "is there evidence ...?" has no NI in the tool


# the criteria tables, restated: a judgment from the answers that matter, with no path through a flowchart
Y, N = {"Y", "PY"}, {"N", "PN"}


def _criteria(domain: str, a: dict[str, str]) -> str:
    if domain == "D1":
        if a["1.2"] in Y and a["1.1"] in Y | {"NI"} and a["1.3"] in N | {"NI"}:
            return LOW
        return HIGH if a["1.2"] in N or (a["1.2"] == "NI" and a["1.3"] in Y) else SOME
    if domain == "D2":
        part1 = LOW if (a["2.1"] in N and a["2.2"] in N) or a.get("2.3") in N else \
            HIGH if a.get("2.3") in Y and a.get("2.4") in Y | {"NI"} and a.get("2.5") in N | {"NI"} else SOME
        part2 = LOW if a["2.6"] in Y else HIGH if a.get("2.7") in Y | {"NI"} else SOME
        return HIGH if HIGH in (part1, part2) else SOME if SOME in (part1, part2) else LOW
    if domain == "D3":
        if a["3.1"] in Y or a.get("3.2") in Y or a.get("3.3") in N:
            return LOW
        return HIGH if a.get("3.4") in Y | {"NI"} else SOME
    if domain == "D4":
        if a["4.1"] in Y or a["4.2"] in Y or a.get("4.5") in Y | {"NI"}:
            return HIGH
        return LOW if a["4.2"] in N and (a.get("4.3") in N or a.get("4.4") in N) else SOME
    if a["5.2"] in Y or a["5.3"] in Y:
        return HIGH
    return LOW if a["5.1"] in Y and a["5.2"] in N and a["5.3"] in N else SOME


@pytest.mark.parametrize("domain", list(rob2.DOMAINS))
def test_every_combination_of_answers_agrees_with_the_criteria_table(domain):
    ids = [qid for qid, _ in rob2.SIGNALLING_QUESTIONS[domain]]
    options = [[o for o in rob2.RESPONSES[q] if o != "NA"] for q in ids]
    seen = set()
    for combination in itertools.product(*options):
        answers = dict(zip(ids, combination))
        asked = {q: answers[q] for q in rob2.questions_asked(domain, answers)}
        key = tuple(sorted(asked.items()))
        if key in seen:
            continue
        seen.add(key)
        assert rob2.domain_judgment(domain, asked) == _criteria(domain, asked), asked
    assert len({_criteria(domain, dict(k)) for k in seen}) == 3  # every judgment is reachable


def test_bad_answers_are_refused_naming_the_question_and_the_allowed_values():
    with pytest.raises(UnknownNameError, match=r"RoB 2 domain 'D6'; available: D1, D2, D3, D4, D5"):
        rob2.domain_judgment("D6", {})
    with pytest.raises(UnknownNameError, match=r"signalling question of D1 '1.4'; available: 1.1, 1.2, 1.3"):
        rob2.domain_judgment("D1", _answers("1.1 Y, 1.2 Y, 1.3 N, 1.4 Y"))
    with pytest.raises(ParameterError, match=r"question 1.1: the answer 'maybe' is not allowed; allowed: Y, PY, PN, "
                                             r"N, NI$"):
        rob2.domain_judgment("D1", {"1.1": "maybe", "1.2": "Y", "1.3": "N"})
    with pytest.raises(ParameterError, match=r"question 1.1: the answer 'NA' is not allowed"):
        rob2.domain_judgment("D1", _answers("1.1 NA, 1.2 Y, 1.3 N"))
    with pytest.raises(ParameterError, match=r"question 3.2: the answer 'NI' is not allowed; allowed: NA, Y, PY, PN, "
                                             r"N$"):
        rob2.domain_judgment("D3", _answers("3.1 N, 3.2 NI"))
    with pytest.raises(ParameterError, match=r"D1: question 1.3 is not answered; answer one of Y, PY, PN, N, NI"):
        rob2.domain_judgment("D1", _answers("1.1 Y, 1.2 Y"))
    with pytest.raises(ParameterError, match=r"D2: question 2.3 is answered NA, but these answers ask it \(if Y/PY/NI "
                                             r"to 2.1 or 2.2\)"):
        rob2.domain_judgment("D2", _answers("2.1 Y, 2.2 N, 2.3 NA, 2.6 Y"))
    with pytest.raises(ParameterError, match=r"question 2.4 is not asked with these answers \(it is asked only if "
                                             r"Y/PY to 2.3\): answer NA or leave it out"):
        rob2.domain_judgment("D2", _answers("2.1 Y, 2.2 N, 2.3 N, 2.4 Y, 2.6 Y"))


ALWAYS = ("Y", "PY", "PN", "N", "NI")


def test_the_open_question_is_the_first_one_asked_and_left_open():
    # worked out from the tool: with no answers D1 asks 1.1 first, a question always asked
    step = rob2.open_question("d1", {})
    assert step == rob2.OpenQuestion("D1", "1.1", None, ALWAYS)
    assert step.condition is None
    assert step.message() == "D1: question 1.1 is not answered; answer one of Y, PY, PN, N, NI"
    # 2.1 Y asks 2.3 ("If Y/PY/NI to 2.1 or 2.2"); it comes before 2.6, which is open too
    step = rob2.open_question("D2", _answers("2.1 Y, 2.2 N"))
    assert step == rob2.OpenQuestion("D2", "2.3", None, ALWAYS, "any", ("2.1", "2.2"), ("Y", "PY", "NI"))
    assert step.condition == "if Y/PY/NI to 2.1 or 2.2"
    # 2.1 and 2.2 N/PN leave 2.3 unasked; 2.6 PN asks 2.7 ("If N/PN/NI to 2.6"), answered NA
    step = rob2.open_question("D2", _answers("2.1 N, 2.2 PN, 2.6 PN, 2.7 NA"))
    assert step == rob2.OpenQuestion("D2", "2.7", "NA", ALWAYS, "all", ("2.6",), ("N", "PN", "NI"))
    assert step.message() == ("D2: question 2.7 is answered NA, but these answers ask it (if N/PN/NI to 2.6); "
                              "answer one of Y, PY, PN, N, NI")
    # 3.1 NI asks 3.2, which has no NI in the tool
    assert rob2.open_question("D3", _answers("3.1 NI")) == rob2.OpenQuestion(
        "D3", "3.2", None, ("Y", "PY", "PN", "N"), "all", ("3.1",), ("N", "PN", "NI"))
    # 4.3 is asked only if N/PN/NI to 4.1 *and* 4.2
    assert rob2.open_question("D4", _answers("4.1 NI, 4.2 N")) == rob2.OpenQuestion(
        "D4", "4.3", None, ALWAYS, "all", ("4.1", "4.2"), ("N", "PN", "NI"))
    # every question asked is answered: nothing open, and the domain is judged
    assert rob2.open_question("D2", _answers("2.1 N, 2.2 N, 2.3 NA, 2.6 Y")) is None
    assert rob2.open_question("D5", _answers("5.1 Y, 5.2 N, 5.3 NI")) is None
    # refused as domain_judgment refuses them
    with pytest.raises(ParameterError, match=r"question 2.4 is not asked with these answers"):
        rob2.open_question("D2", _answers("2.1 Y, 2.2 N, 2.3 N, 2.4 Y"))
    with pytest.raises(UnknownNameError, match=r"RoB 2 domain 'D6'"):
        rob2.open_question("D6", {})


def test_the_algorithm_error_is_the_open_questions_message():
    answers = _answers("4.1 N, 4.2 N, 4.3 Y, 4.4 NA")
    with pytest.raises(ParameterError) as raised:
        rob2.domain_judgment("D4", answers)
    assert str(raised.value) == ("D4: question 4.4 is answered NA, but these answers ask it (if Y/PY/NI to 4.3); "
                                 "answer one of Y, PY, PN, N, NI")
    assert str(raised.value) == rob2.open_question("D4", answers).message()


def test_each_open_conditional_question_words_its_condition_as_the_tools_text_does():
    # the explorer words a condition from the data (questions, answers, any/all); the error quotes the tool's text
    found = {}
    for domain, questions in rob2.SIGNALLING_QUESTIONS.items():
        ids = [qid for qid, _ in questions]
        for combination in itertools.product(*[[o for o in rob2.RESPONSES[q] if o != "NA"] for q in ids]):
            answers = dict(zip(ids, combination))
            asked = rob2.questions_asked(domain, answers)
            for qid in asked:
                if qid in rob2.CONDITIONS and qid not in found:  # the answers before it, it left open
                    found[qid] = rob2.open_question(domain, {q: answers[q] for q in asked[:asked.index(qid)]})
    assert sorted(found) == sorted(rob2.CONDITIONS)
    for qid, step in found.items():
        assert step.question == qid and step.condition is not None
        joined = {"any": " or ", "all": " and "}[step.condition_mode]
        assert step.condition == rob2.condition_text(qid) == (f"if {'/'.join(step.condition_answers)} to "
                                                              f"{joined.join(step.condition_questions)}")


def test_the_overall_proposal_and_what_the_definitions_allow():
    assert rob2.overall_judgment([LOW] * 5) == LOW
    assert rob2.overall_judgment([LOW, SOME, LOW, LOW, LOW]) == SOME
    assert rob2.overall_judgment([SOME, SOME, SOME, SOME, SOME]) == SOME  # several concerns: high is the assessor's
    assert rob2.overall_judgment({"d1": LOW, "D2": "High", "D3": SOME, "D4": LOW, "D5": LOW}) == HIGH
    assert rob2.allowed_overall([LOW] * 5) == (LOW,)
    assert rob2.allowed_overall([SOME, LOW, LOW, LOW, LOW]) == (SOME,)
    assert rob2.allowed_overall([SOME, LOW, SOME, LOW, LOW]) == (SOME, HIGH)
    assert rob2.allowed_overall([SOME, HIGH, SOME, LOW, LOW]) == (HIGH,)
    with pytest.raises(ParameterError, match=r"no judgment for D4, D5: every domain \(D1-D5\) needs one of low, some "
                                             r"concerns, high"):
        rob2.overall_judgment({"D1": LOW, "D2": LOW, "D3": LOW})
    with pytest.raises(ParameterError, match=r"D3: the judgment 'unclear' is not allowed; allowed: low, some "
                                             r"concerns, high"):
        rob2.overall_judgment([LOW, LOW, "unclear", LOW, LOW])
    with pytest.raises(ParameterError, match=r"4 judgments given"):
        rob2.overall_judgment([LOW] * 4)
    with pytest.raises(UnknownNameError, match=r"RoB 2 domain 'D7'"):
        rob2.overall_judgment({**{f"D{i}": LOW for i in range(1, 6)}, "D7": LOW})


# ------------------------------------------------------------------------------------------- a teacher's judgments

HEADER = "study_id,outcome,d1,d2,d3,d4,d5,overall"


def _csv(tmp_path, *lines: str, header: str = HEADER):
    path = tmp_path / "rob2.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def test_a_good_judgments_file_is_read_in_its_order(tmp_path):
    path = _csv(tmp_path, "lin2017,severe infection,low,some concerns,some concerns,low,low,high,open label",
                "lin2017,HCC,low,low,low,low,low,low,", header=HEADER + ",notes")
    table = rob2.read_judgments(path, studies=["lin2017", "shi2012"])
    assert table.columns.tolist() == ["study_id", "outcome", "d1", "d2", "d3", "d4", "d5", "overall", "notes"]
    assert table.values.tolist() == [
        ["lin2017", "severe infection", LOW, SOME, SOME, LOW, LOW, HIGH, "open label"],  # two concerns: high allowed
        ["lin2017", "HCC", LOW, LOW, LOW, LOW, LOW, LOW, None]]
    assert rob2.read_judgments(_csv(tmp_path, "a,x,low,low,high,low,low,high"))["notes"].tolist() == [None]


def _problems(path, **kwargs):
    with pytest.raises(DataValidationError) as caught:
        rob2.read_judgments(path, **kwargs)
    return caught.value


def test_an_unknown_judgment_names_file_row_field_and_allowed_values(tmp_path):
    path = _csv(tmp_path, "lin2017,severe infection,low,low,low,low,low,low", "shi2012,survival,low,Low,low,low,low,low")
    error = _problems(path)
    [(problem)] = error.problems
    assert (problem.row, problem.field, problem.value, problem.allowed) == (3, "d2", "Low", (LOW, SOME, HIGH))
    assert f"{path}, row 3, field 'd2': 'Low' is not an allowed value; allowed: low, some concerns, high" in str(error)


def test_a_missing_column_is_named(tmp_path):
    path = _csv(tmp_path, "lin2017,severe infection,low,low,low,low,low", header="study_id,outcome,d1,d2,d4,d5,overall")
    error = _problems(path)
    assert [(p.row, p.field, p.allowed) for p in error.problems] == [(1, "d3", (LOW, SOME, HIGH))]
    assert f"{path}, row 1, field 'd3'" in str(error) and "missing" in str(error)


def test_an_overall_judgment_better_than_its_domains_is_refused_naming_the_row(tmp_path):
    path = _csv(tmp_path, "a,x,low,high,low,low,low,some concerns",      # lower than the worst domain
                "b,x,low,low,low,low,low,low",
                "c,x,some concerns,low,low,low,low,high",                 # high needs several concerns (or a high)
                "d,x,low,low,low,low,low,some concerns")                  # low domains make a low result
    error = _problems(path)
    assert [(p.row, p.field, p.value, p.allowed) for p in error.problems] == [
        (2, "overall", SOME, (HIGH,)), (4, "overall", HIGH, (SOME,)), (5, "overall", SOME, (LOW,))]
    assert f"{path}, row 2, field 'overall': 'some concerns' does not agree with the domains (the worst is 'high'); " \
           "allowed: high" in str(error)


def test_duplicates_and_studies_not_in_the_data_are_refused(tmp_path):
    error = _problems(_csv(tmp_path, "a,x,low,low,low,low,low,low", "a,x,low,low,low,low,low,low"))
    assert [p.row for p in error.problems] == [3]
    error = _problems(_csv(tmp_path, "lin2017,x,low,low,low,low,low,low", "nobody,x,low,low,low,low,low,low"),
                      studies=["shi2012", "lin2017"])
    assert [(p.row, p.field, p.allowed) for p in error.problems] == [(3, "study_id", ("lin2017", "shi2012"))]
    assert "'nobody' is not a study of the data; allowed: lin2017, shi2012" in str(error)


# ------------------------------------------------------------------------------------------- GRADE

def _two_studies(sizes=(1000, 3000), outcome="death"):
    """Two randomised trials, both RR 0.5 (10% vs 20%): I² = 0, so the random-effects weights are 1/v.

    With n per arm, v = 1/(0.1 n) - 1/n + 1/(0.2 n) - 1/n = 13/n; for n = 1000 and 3000 the weights are 25% and 75%.
    8000 participants exceed the optimal information size (2 × 452 by Cohen's h for 20% → 15%) and the CI excludes 1:
    every other domain is not serious, so the certainty starts and stays High unless risk of bias lowers it.
    """
    outcomes, clinical = [], []
    for i, n in enumerate(sizes):
        clinical.append({"study_id": f"s{i}", "first_author": f"Author{i}", "year": 2010 + i, "disease": "cirrhosis",
                         "design": "RCT"})
        for role, events in (("treated", n // 10), ("control", n // 5)):
            outcomes.append({"study_id": f"s{i}", "outcome": outcome, "timepoint": "1 year", "outcome_type": "binary",
                             "arm_role": role, "events": events, "total": n})
    return pd.DataFrame(outcomes), pd.DataFrame(clinical)


def _judged(*overall, outcome="death"):
    return pd.DataFrame([{"study_id": f"s{i}", "outcome": outcome, "overall": j} for i, j in enumerate(overall)
                         if j is not None], columns=["study_id", "outcome", "overall"])


def _row(risk_of_bias=None, sizes=(1000, 3000), overrides=None):
    outcomes, clinical = _two_studies(sizes)
    return grade.summary_of_findings(outcomes, clinical, risk_of_bias=risk_of_bias, overrides=overrides).iloc[0]


WEIGHTS = "random-effects weights; RoB 2 overall judgments"


@pytest.mark.parametrize(("s0", "s1", "domain", "level"), [
    # s0 carries 25% of the information, s1 75%
    (LOW, LOW, f"not serious: studies at low risk of bias carry 100% of the information ({WEIGHTS})", "High"),
    (HIGH, LOW, f"not serious: studies at low risk of bias carry 75% of the information ({WEIGHTS})", "High"),
    (LOW, SOME, f"serious: studies at some concerns or high risk of bias carry 75% of the information ({WEIGHTS})",
     "Moderate"),
    (SOME, HIGH, f"very serious: studies at high risk of bias carry 75% of the information ({WEIGHTS})", "Low"),
])
def test_grade_rates_risk_of_bias_by_the_studies_carrying_most_information(s0, s1, domain, level):
    row = _row(_judged(s0, s1))
    assert row["risk of bias"] == domain and row["level"] == level
    assert row["judged"].startswith("risk of bias; ") and "risk of bias" not in row["assumed"]


def test_half_the_information_is_enough_to_step_down():
    row = _row(_judged(SOME, LOW), sizes=(2000, 2000))
    assert row["risk of bias"].startswith("serious: studies at some concerns or high risk of bias carry 50% ")
    assert row["level"] == "Moderate"


def test_without_judgments_risk_of_bias_is_not_assessed_and_assumed_never_not_serious():
    for table in (None, _judged(LOW, LOW, outcome="survival"), _judged(None, None)):
        row = _row(table)
        assert row["risk of bias"].startswith("not assessed: ") and row["level"] == "High"
        assert row["assumed"] == "risk of bias; publication bias"
        assert "not serious" not in row["risk of bias"]
    assert _row(_judged(LOW, LOW, outcome="survival"))["risk of bias"] == "not assessed: no RoB 2 judgment for s0, s1"


def test_a_study_without_a_judgment_is_never_counted_as_low():
    row = _row(_judged(LOW, None))
    assert row["risk of bias"] == "not assessed: no RoB 2 judgment for s1 (75% of the information)"
    assert "risk of bias" in row["assumed"]
    # the judged studies alone already step down: at least that, the unjudged one said
    row = _row(_judged(None, HIGH))
    assert row["risk of bias"] == (f"very serious: at least very serious: studies at high risk of bias carry 75% of "
                                   f"the information ({WEIGHTS}); no RoB 2 judgment for s0 (25% of the information)")
    assert row["level"] == "Low"


def test_an_override_decides_over_the_judgments():
    overrides = pd.DataFrame([{"outcome": "death", "domain": "risk of bias", "decision": "not serious",
                               "reason": "sensitivity analysis without the high-risk trial agrees"}])
    row = _row(_judged(HIGH, HIGH), overrides=overrides)
    assert row["risk of bias"].startswith("not serious: override:") and row["level"] == "High"


def test_the_reviews_one_trial_of_severe_infection_at_some_concerns_is_low_certainty():
    judged = pd.DataFrame([{"study_id": "lin2017", "outcome": "severe infection", "overall": SOME}])
    sof = grade.summary_of_findings(mscteach.load("outcomes"), mscteach.load("clinical_studies"),
                                    risk_of_bias=judged).set_index("outcome")
    # High, minus imprecision (110 < 930 participants), minus risk of bias (the one study: 100% at some concerns)
    assert sof.loc["severe infection", "risk of bias"] == ("serious: studies at some concerns or high risk of bias "
                                                           "carry 100% of the information (the one study with an "
                                                           "estimate; RoB 2 overall judgments)")
    assert sof.loc["severe infection", "level"] == "Low"
    assert sof.loc["HCC", "risk of bias"] == "not assessed: no RoB 2 judgment for lin2017"


def test_a_judgments_table_grade_cannot_read_is_refused():
    with pytest.raises(ParameterError, match=r"risk_of_bias lacks the column\(s\) overall"):
        _row(pd.DataFrame({"study_id": ["s0"], "outcome": ["death"]}))
    with pytest.raises(ParameterError, match=r"study 's0', outcome 'death': the overall judgment 'unclear' is not "
                                             r"allowed; allowed: low, some concerns, high"):
        _row(_judged("unclear", LOW))


# ------------------------------------------------------------------------------------------- figures

FOUR = pd.DataFrame({"study_id": ["a", "b", "c", "d"], "outcome": "death",
                     "d1": [LOW, LOW, SOME, HIGH], "d2": LOW, "d3": [LOW, None, LOW, LOW], "d4": LOW,
                     "d5": [SOME, SOME, LOW, LOW], "overall": [SOME, SOME, SOME, HIGH]})


def test_the_traffic_light_draws_a_coloured_symbol_per_judgment():
    fig = traffic_light_figure(FOUR)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["D1", "D2", "D3", "D4", "D5", "Overall"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c", "d"]
    symbols = [t.get_text() for t in ax.texts]
    # row by row: a = + + + + − −, b = + + ? + − −, c = − + + + + −, d = × + + + + ×
    assert "".join(symbols) == "++++−−" "++?+−−" "−++++−" "×++++×"
    colours = [tuple(c.get_facecolor()[0][:3]) for c in ax.collections]
    assert colours[2 * 6 + 0] == pytest.approx(JUDGMENT_STYLE[SOME][0])
    assert colours[3 * 6 + 5] == pytest.approx(JUDGMENT_STYLE[HIGH][0])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["+  low", "−  some concerns", "×  high",
                                                                     "?  no judgment"]
    alt = figure_alt(fig)
    assert "4 rows" in alt and "b: D1 low, D2 low, D3 no judgment, D4 low, D5 some concerns, Overall some concerns" in alt


def test_the_traffic_light_names_outcomes_when_there_are_several_and_refuses_what_is_not_a_judgment():
    two = pd.concat([FOUR.iloc[:1], FOUR.iloc[:1].assign(outcome="HCC")])
    assert [t.get_text() for t in traffic_light_figure(two).axes[0].get_yticklabels()] == ["a (death)", "a (HCC)"]
    empty = traffic_light_figure(FOUR.iloc[:0])
    assert empty.axes[0].texts[0].get_text() == "No RoB 2 judgments to show"
    with pytest.raises(ParameterError, match=r"column d2: 'unclear' is not allowed; allowed: low, some concerns, high"):
        traffic_light_figure(FOUR.assign(d2="unclear"))
    with pytest.raises(ParameterError, match=r"lack the column\(s\) overall"):
        traffic_light_figure(FOUR.drop(columns="overall"))


def _bars(fig: Figure) -> dict[str, dict[str, float]]:
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    return {container.get_label(): {lab: round(p.get_width(), 6) for lab, p in zip(labels, container.patches)}
            for container in ax.containers}


def test_the_summary_shows_shares_of_studies_or_of_weight():
    bars = _bars(summary_figure(FOUR))
    # D1: a, b low; c some concerns; d high -> 50%, 25%, 25% of four studies
    assert (bars[LOW]["D1"], bars[SOME]["D1"], bars[HIGH]["D1"]) == (50, 25, 25)
    assert (bars[LOW]["D3"], bars["no judgment"]["D3"]) == (75, 25)
    assert (bars[SOME]["Overall"], bars[HIGH]["Overall"]) == (75, 25)
    # weighted 1 : 1 : 2 : 4 (total 8): D1 low 2/8, some concerns 2/8, high 4/8
    fig = summary_figure(FOUR, weights={"a": 1, "b": 1, "c": 2, "d": 4})
    bars = _bars(fig)
    assert (bars[LOW]["D1"], bars[SOME]["D1"], bars[HIGH]["D1"]) == (25, 25, 50)
    assert (bars[SOME]["Overall"], bars[HIGH]["Overall"]) == (50, 50)
    assert fig.axes[0].get_xlabel() == "% of weight"
    assert "D1: low 25%, some concerns 25%, high 50%" in figure_alt(fig)


def test_the_summary_refuses_weights_it_cannot_use():
    with pytest.raises(ParameterError, match=r"no weight for c, d"):
        summary_figure(FOUR, weights={"a": 1, "b": 1})
    with pytest.raises(ParameterError, match=r"not negative"):
        summary_figure(FOUR, weights={"a": 1, "b": 1, "c": -1, "d": 1})


# ------------------------------------------------------------------------------------------- the explorer's logic

ALL_LOW = _answers("1.1 Y, 1.2 Y, 1.3 N, 2.1 N, 2.2 N, 2.6 Y, 3.1 Y, 4.1 N, 4.2 N, 4.3 N, 5.1 Y, 5.2 N, 5.3 N")


def test_the_assessment_turns_answers_into_judgments_and_a_traffic_light():
    answers = {**ALL_LOW, "1.2": "NI", "4.3": "Y", "4.4": "Y", "4.5": "PN"}   # D1 and D4 at some concerns
    table, fig = rob2_assessment("lin2017", answers)
    assert table["judgment"].tolist() == [SOME, LOW, LOW, SOME, LOW, SOME]
    assert table.loc[3, "answers"] == "4.1 N, 4.2 N, 4.3 Y, 4.4 Y, 4.5 PN"
    assert "".join(t.get_text() for t in fig.axes[0].texts) == "−++−+−"
    table, _ = rob2_assessment("lin2017", {**ALL_LOW, "2.4": "Y"})  # a question not asked is left aside
    assert table["judgment"].tolist() == [LOW] * 6


def test_an_unfinished_assessment_says_what_to_answer_next():
    table, fig = rob2_assessment("lin2017", {**ALL_LOW, "3.1": "N"})
    assert table.loc[2, "judgment"] == "no judgment" and table.loc[5, "judgment"] == "no judgment"
    assert table.loc[2, "to do"] == "D3: question 3.2 is not answered, but these answers ask it (if N/PN/NI to 3.1); " \
                                    "answer one of Y, PY, PN, N"
    assert "".join(t.get_text() for t in fig.axes[0].texts) == "++?++?"
    with pytest.raises(UnknownNameError, match=r"signalling question '6.1'"):
        rob2_assessment("lin2017", {"6.1": "Y"})


def test_the_explorer_offers_the_randomised_trials_and_describes_the_one_chosen():
    clinical = mscteach.load("clinical_studies")
    assert randomised_trials(clinical) == clinical.loc[clinical["design"] == "RCT", "study_id"].tolist()
    described = trial_description(clinical, "lin2017").set_index("field")["value"]
    assert (described["treated (n)"], described["controls (n)"], described["design"]) == ("56", "54", "RCT")
    with pytest.raises(UnknownNameError, match=r"randomised trial .* 'guo2019'; available: .*lin2017"):
        trial_description(clinical, "guo2019")
    note, description, table, fig = render_rob2(clinical, "lin2017", **ALL_LOW)
    assert isinstance(note, Markdown) and "not the course's verdict" in note.data
    assert table["judgment"].tolist() == [LOW] * 6 and isinstance(fig, Figure)


def test_the_explorer_updates_when_a_student_answers():
    explorer = rob2_explorer("lin2017")
    assert len(explorer.controls) == 22 and list(explorer.controls["3.2"].options) == ["NA", "Y", "PY", "PN", "N"]
    assert repr(explorer) == "<RoB 2 for lin2017 explorer: 22 controls>"
    before = explorer.output.outputs
    assert len(before) == 4 and "image/png" in before[3]["data"]
    # the start: NI everywhere asked, NA where conditional; D1 (1.2 NI, 1.3 NI) some concerns
    assert explorer.results()[2]["judgment"].tolist()[0] == SOME
    explorer.controls["1.2"].value = "N"
    assert explorer.results()[2]["judgment"].tolist()[0] == HIGH
    assert explorer.output.outputs[2] != before[2]


def test_the_static_copy_shows_the_views_of_concealment_where_d1_starts():
    explorer = rob2_explorer("shi2012")
    views = explorer.static_views()
    assert [label for label, _ in views] == ["1.2: NI", "1.2: Y", "1.2: PY", "1.2: PN", "1.2: N"]
    # 1.1 and 1.3 at NI: concealed -> low, not concealed -> high, no information -> some concerns
    assert [explorer.render(**values)[2]["judgment"].iloc[0] for _, values in views] == [SOME, LOW, LOW, HIGH, HIGH]


def test_the_next_step_names_the_question_the_algorithm_stops_at_for_any_answers():
    # two paths to the same question: the explorer's own (translatable) words and the algorithm's error
    from mscteach.widgets.rob2 import _next_step

    rng = random.Random(26)
    checked = 0
    for domain, questions in rob2.SIGNALLING_QUESTIONS.items():
        for _ in range(400):
            answers = {qid: rng.choice([None, *rob2.RESPONSES[qid]]) for qid, _ in questions}
            asked = rob2.questions_asked(domain, answers)
            mine = {q: answers[q] for q in asked}
            try:
                rob2.domain_judgment(domain, mine)
            except ParameterError as exc:
                assert _next_step(domain, mine) == str(exc)
                checked += 1
            else:
                assert _next_step(domain, mine) is None
    assert checked > 500


def test_an_unfinished_assessment_speaks_persian_in_the_persian_edition():
    from mscteach import i18n

    i18n.set_language("fa")
    try:
        table, _ = rob2_assessment("lin2017", {**ALL_LOW, "3.1": "N", "4.3": "NA"})
    finally:
        i18n.set_language("en")
    assert table["judgment"].tolist() == ["پایین", "پایین", "بدون داوری", "بدون داوری", "پایین", "بدون داوری"]
    # the tool's codes each kept left to right (an isolate) inside the right-to-left sentence
    ltr = "\u2066{}\u2069".format
    assert table.loc[2, "to do"] == (f"{ltr('D3')}: به پرسش {ltr('3.2')} پاسخ داده نشده است، ولی این پاسخ ها آن را "
                                     f"می پرسند (اگر پاسخ {ltr('3.1')} {ltr('N/PN/NI')} باشد)؛ یکی از این ها را "
                                     f"پاسخ دهید: {ltr('Y, PY, PN, N')}")
    assert table.loc[3, "to do"] == (f"{ltr('D4')}: پاسخ پرسش {ltr('4.3')} NA است، ولی این پاسخ ها آن را می پرسند "
                                     f"(اگر پاسخ {ltr('4.1')} و {ltr('4.2')} {ltr('N/PN/NI')} باشد)؛ یکی از این ها "
                                     f"را پاسخ دهید: {ltr('Y, PY, PN, N, NI')}")
    assert table.loc[5, ["domain", "name", "to do"]].tolist() == ["کلی", "پیشنهاد الگوریتم",
                                                                 "نخست همه حوزه ها را داوری کنید"]
