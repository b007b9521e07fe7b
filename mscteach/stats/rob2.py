"""Risk of bias in randomised trials: the RoB 2 tool's signalling questions, its algorithms, a teacher's judgments.

RoB 2 (Sterne et al., BMJ 2019;366:l4898; the full guidance: Higgins, Savović,
Page & Sterne, eds., *Revised Cochrane risk-of-bias tool for randomized trials
(RoB 2)*, 22 August 2019) judges one result of one trial in five domains. Each
domain has signalling questions answered ``Y`` (yes), ``PY`` (probably yes),
``PN`` (probably no), ``N`` (no), ``NI`` (no information) or ``NA`` (not
applicable: a question asked only after certain answers, and not asked). The
guidance's algorithm for each domain maps the answers to a *proposed* judgment:
``low``, ``some concerns`` or ``high``.

This module follows the guidance for an **individually randomised,
parallel-group trial** and the **effect of assignment to intervention** (the
intention-to-treat effect): the guidance's criteria table and algorithm figure
of each domain, as :func:`domain_judgment` documents question by question. The
signalling questions (:data:`SIGNALLING_QUESTIONS`) are quoted verbatim from the
tool (© the RoB 2 Development Group, CC BY-NC-ND 4.0), so they are never
translated here.

The **overall** judgment (:func:`overall_judgment`) is the algorithm's
proposal: low when every domain is low, high when any domain is high, some
concerns otherwise. The guidance lets the assessor judge the result at high
risk when *several* domains raise some concerns; that is a judgement, not a
rule, so the proposal never makes it, and :func:`allowed_overall` accepts it in
a teacher's file.

A teacher's judgments are a CSV read by :func:`read_judgments` (schema
``mscteach/data/schemas/rob2.json``). The course ships none.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from ..data import read_user_table
from ..errors import DataValidationError, ParameterError, Problem, UnknownNameError

__all__ = ["ANSWERS", "CONDITIONS", "DOMAINS", "JUDGMENTS", "RESPONSES", "SIGNALLING_QUESTIONS", "OpenQuestion",
           "allowed_overall", "condition_text", "domain_judgment", "open_question", "overall_judgment",
           "questions_asked", "read_judgments"]

#: The judgments, from the least to the most risk of bias.
JUDGMENTS = ("low", "some concerns", "high")
#: The answers to a signalling question, and what each stands for.
ANSWERS = {"Y": "yes", "PY": "probably yes", "PN": "probably no", "N": "no", "NI": "no information",
           "NA": "not applicable"}
#: The five domains of RoB 2 for an individually randomised parallel-group trial (effect of assignment).
DOMAINS = {
    "D1": "Bias arising from the randomisation process",
    "D2": "Bias due to deviations from intended interventions",
    "D3": "Bias due to missing outcome data",
    "D4": "Bias in measurement of the outcome",
    "D5": "Bias in selection of the reported result",
}
#: Each domain's signalling questions (id, text), quoted from the RoB 2 tool (22 August 2019).
SIGNALLING_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "D1": [
        ("1.1", "Was the allocation sequence random?"),
        ("1.2", "Was the allocation sequence concealed until participants were enrolled and assigned to "
                "interventions?"),
        ("1.3", "Did baseline differences between intervention groups suggest a problem with the randomization "
                "process?"),
    ],
    "D2": [
        ("2.1", "Were participants aware of their assigned intervention during the trial?"),
        ("2.2", "Were carers and people delivering the interventions aware of participants' assigned intervention "
                "during the trial?"),
        ("2.3", "If Y/PY/NI to 2.1 or 2.2: Were there deviations from the intended intervention that arose because "
                "of the trial context?"),
        ("2.4", "If Y/PY to 2.3: Were these deviations likely to have affected the outcome?"),
        ("2.5", "If Y/PY/NI to 2.4: Were these deviations from intended intervention balanced between groups?"),
        ("2.6", "Was an appropriate analysis used to estimate the effect of assignment to intervention?"),
        ("2.7", "If N/PN/NI to 2.6: Was there potential for a substantial impact (on the result) of the failure to "
                "analyse participants in the group to which they were randomized?"),
    ],
    "D3": [
        ("3.1", "Were data for this outcome available for all, or nearly all, participants randomized?"),
        ("3.2", "If N/PN/NI to 3.1: Is there evidence that the result was not biased by missing outcome data?"),
        ("3.3", "If N/PN to 3.2: Could missingness in the outcome depend on its true value?"),
        ("3.4", "If Y/PY/NI to 3.3: Is it likely that missingness in the outcome depended on its true value?"),
    ],
    "D4": [
        ("4.1", "Was the method of measuring the outcome inappropriate?"),
        ("4.2", "Could measurement or ascertainment of the outcome have differed between intervention groups?"),
        ("4.3", "If N/PN/NI to 4.1 and 4.2: Were outcome assessors aware of the intervention received by study "
                "participants?"),
        ("4.4", "If Y/PY/NI to 4.3: Could assessment of the outcome have been influenced by knowledge of "
                "intervention received?"),
        ("4.5", "If Y/PY/NI to 4.4: Is it likely that assessment of the outcome was influenced by knowledge of "
                "intervention received?"),
    ],
    "D5": [
        ("5.1", "Were the data that produced this result analysed in accordance with a pre-specified analysis plan "
                "that was finalized before unblinded outcome data were available for analysis?"),
        ("5.2", "Is the numerical result being assessed likely to have been selected, on the basis of the results, "
                "from multiple eligible outcome measurements (e.g. scales, definitions, time points) within the "
                "outcome domain?"),
        ("5.3", "Is the numerical result being assessed likely to have been selected, on the basis of the results, "
                "from multiple eligible analyses of the data?"),
    ],
}

_YES = frozenset({"Y", "PY"})
_NO = frozenset({"N", "PN"})
_YES_NI = frozenset({"Y", "PY", "NI"})
_NO_NI = frozenset({"N", "PN", "NI"})
_LISTED = ("Y", "PY", "N", "PN", "NI")  # the order of the answers in the tool's conditions ("Y/PY/NI", "N/PN")

#: When a conditional question is asked: ("any" or "all", [(earlier question, the answers that ask it), ...]),
#: as the "If ... to ...:" of its text says.
CONDITIONS: dict[str, tuple[str, list[tuple[str, frozenset[str]]]]] = {
    "2.3": ("any", [("2.1", _YES_NI), ("2.2", _YES_NI)]),
    "2.4": ("all", [("2.3", _YES)]),
    "2.5": ("all", [("2.4", _YES_NI)]),
    "2.7": ("all", [("2.6", _NO_NI)]),
    "3.2": ("all", [("3.1", _NO_NI)]),
    "3.3": ("all", [("3.2", _NO)]),
    "3.4": ("all", [("3.3", _YES_NI)]),
    "4.3": ("all", [("4.1", _NO_NI), ("4.2", _NO_NI)]),
    "4.4": ("all", [("4.3", _YES_NI)]),
    "4.5": ("all", [("4.4", _YES_NI)]),
}
_ALWAYS = ("Y", "PY", "PN", "N", "NI")
#: The answers each question accepts: NA only for a conditional question (when it is not asked); 3.2 has no NI
#: in the tool ("is there evidence ...": either there is or there is not).
RESPONSES: dict[str, tuple[str, ...]] = {
    qid: (("NA", "Y", "PY", "PN", "N") if qid == "3.2" else ("NA", *_ALWAYS)) if qid in CONDITIONS else _ALWAYS
    for questions in SIGNALLING_QUESTIONS.values() for qid, _ in questions
}


def _domain(domain: str) -> str:
    key = str(domain).strip().upper()
    if key not in DOMAINS:
        raise UnknownNameError("RoB 2 domain", domain, list(DOMAINS))
    return key


def condition_text(qid: str) -> str:
    """A conditional question's condition as the tool's text words it.

    Parameters
    ----------
    qid : str
        A question of :data:`CONDITIONS`.

    Returns
    -------
    str

    Examples
    --------
    >>> condition_text("3.2")
    'if N/PN/NI to 3.1'
    """
    text = dict(SIGNALLING_QUESTIONS["D" + qid.split(".")[0]])[qid].split(":")[0]
    return text[0].lower() + text[1:]


def _normalised(domain: str, answers: Mapping[str, object]) -> dict[str, str]:
    """The answers as codes (upper case), each checked against its question; unanswered questions left out."""
    ids = [qid for qid, _ in SIGNALLING_QUESTIONS[domain]]
    given: dict[str, str] = {}
    for qid, value in answers.items():
        if str(qid) not in ids:
            raise UnknownNameError(f"signalling question of {domain}", qid, ids)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        code = str(value).strip().upper()
        if code not in RESPONSES[str(qid)]:
            raise ParameterError(f"question {qid}: the answer {value!r} is not allowed; allowed: "
                                 f"{', '.join(RESPONSES[str(qid)])}")
        given[str(qid)] = code
    return given


def _asked(domain: str, given: Mapping[str, str]) -> list[str]:
    asked: list[str] = []
    for qid, _ in SIGNALLING_QUESTIONS[domain]:
        if qid not in CONDITIONS:
            asked.append(qid)
            continue
        mode, parts = CONDITIONS[qid]
        met = [q in asked and given.get(q) in codes for q, codes in parts]
        if (any if mode == "any" else all)(met):
            asked.append(qid)
    return asked


def questions_asked(domain: str, answers: Mapping[str, object]) -> list[str]:
    """The signalling questions of a domain that the answers so far ask, in the tool's order.

    A question without a condition is always asked; a conditional one (its
    text starts "If ... to ...:", see :data:`CONDITIONS`) only when the earlier
    answers meet its condition. Unanswered questions count as not meeting any
    condition, so the list grows as a student answers.

    Parameters
    ----------
    domain : {"D1", "D2", "D3", "D4", "D5"}
        The domain (case does not matter).
    answers : mapping of str to str
        Question id (``"2.1"``) to answer (``"Y"``, ``"PY"``, ``"PN"``, ``"N"``, ``"NI"``, ``"NA"``; case
        does not matter; None or empty for no answer yet).

    Returns
    -------
    list of str
        Question ids.

    Raises
    ------
    UnknownNameError
        For an unknown domain or question id (the message lists the allowed ones).
    ParameterError
        For an answer a question does not allow (the message lists the allowed answers).

    Examples
    --------
    >>> questions_asked("D2", {"2.1": "N", "2.2": "PN", "2.6": "N"})
    ['2.1', '2.2', '2.6', '2.7']
    """
    key = _domain(domain)
    return _asked(key, _normalised(key, answers))


@dataclass(frozen=True)
class OpenQuestion:
    """The first question a domain's algorithm asks that is left open (:func:`open_question`); frozen.

    Parameters
    ----------
    domain, question : str
        The domain (``"D4"``) and the question's id (``"4.3"``).
    answer : {None, "NA"}
        None if it is not answered, ``"NA"`` if it is answered not applicable.
    allowed : tuple of str
        The answers that would close it (its :data:`RESPONSES` but NA).
    condition_mode : {"any", "all"} or None
        A conditional question (:data:`CONDITIONS`) is asked when any ("or") or all ("and") of ``condition_questions``
        have one of ``condition_answers``; None for a question always asked.
    condition_questions, condition_answers : tuple of str
        The earlier questions its condition reads and the answers that ask it, as the tool lists them
        (``("4.1", "4.2")``, ``("N", "PN", "NI")``); empty for a question always asked.
    """

    domain: str
    question: str
    answer: str | None
    allowed: tuple[str, ...]
    condition_mode: str | None = None
    condition_questions: tuple[str, ...] = ()
    condition_answers: tuple[str, ...] = ()

    @property
    def condition(self) -> str | None:
        """Its condition as the tool's text words it (:func:`condition_text`); None if it is always asked."""
        return None if self.condition_mode is None else condition_text(self.question)

    def message(self) -> str:
        """The English sentence :func:`domain_judgment` raises while this question is open."""
        why = "is not answered" if self.answer is None else "is answered NA"
        if self.condition is not None:  # say why it is asked: an earlier answer brought it in
            why += f", but these answers ask it ({self.condition})"
        return f"{self.domain}: question {self.question} {why}; answer one of {', '.join(self.allowed)}"


def open_question(domain: str, answers: Mapping[str, object]) -> OpenQuestion | None:
    """The question a domain's answers leave open: the first its algorithm asks that is unanswered or NA.

    Parameters
    ----------
    domain : {"D1", "D2", "D3", "D4", "D5"}
        The domain (case does not matter).
    answers : mapping of str to str
        Question id to answer, as :func:`domain_judgment` takes them (None or empty for no answer yet).

    Returns
    -------
    OpenQuestion or None
        The question :func:`domain_judgment` names when it cannot judge the domain (its error is
        :meth:`OpenQuestion.message`); None when every question asked (:func:`questions_asked`) is answered.

    Raises
    ------
    UnknownNameError, ParameterError
        As :func:`domain_judgment` refuses a domain, question or answer (also an answer to a question not asked).

    Examples
    --------
    >>> open_question("D1", {"1.1": "Y", "1.2": "Y"}).message()
    'D1: question 1.3 is not answered; answer one of Y, PY, PN, N, NI'
    >>> step = open_question("D4", {"4.1": "N", "4.2": "PN", "4.3": "NA"})
    >>> step.question, step.answer, step.condition_mode, step.condition_questions, step.condition_answers
    ('4.3', 'NA', 'all', ('4.1', '4.2'), ('N', 'PN', 'NI'))
    """
    key = _domain(domain)
    given = _normalised(key, answers)
    asked = _asked(key, given)
    for qid in (q for q, code in given.items() if q not in asked and code != "NA"):  # the first is refused
        raise ParameterError(f"question {qid} is not asked with these answers (it is asked only "
                             f"{condition_text(qid)}): answer NA or leave it out")
    for qid in (q for q in asked if given.get(q, "NA") == "NA"):  # in the tool's order: the first is named
        mode, parts = CONDITIONS.get(qid, (None, []))
        return OpenQuestion(key, qid, given.get(qid), tuple(c for c in RESPONSES[qid] if c != "NA"), mode,
                            tuple(q for q, _ in parts), tuple(c for c in _LISTED if parts and c in parts[0][1]))
    return None


def _worst(judgments: Iterable[str]) -> str:
    return JUDGMENTS[max(JUDGMENTS.index(j) for j in judgments)]


def _d1(a: Mapping[str, str]) -> str:
    # the algorithm starts from concealment (1.2): unconcealed allocation is high whatever else is known
    if a["1.2"] in _NO:
        return "high"
    if a["1.2"] in _YES:
        if a["1.1"] in _NO:
            return "some concerns"
        return "some concerns" if a["1.3"] in _YES else "low"
    return "high" if a["1.3"] in _YES else "some concerns"  # 1.2 NI


def _d2(a: Mapping[str, str]) -> str:
    # part 1 (2.1-2.5): deviations that arose because of the trial context
    if a["2.1"] in _NO and a["2.2"] in _NO:
        part1 = "low"
    elif a["2.3"] in _NO:
        part1 = "low"
    elif a["2.3"] == "NI":
        part1 = "some concerns"
    elif a["2.4"] in _NO:
        part1 = "some concerns"
    else:
        part1 = "some concerns" if a["2.5"] in _YES else "high"
    # part 2 (2.6-2.7): the analysis; the domain is the worse of the two parts
    if a["2.6"] in _YES:
        part2 = "low"
    else:
        part2 = "some concerns" if a["2.7"] in _NO else "high"
    return _worst([part1, part2])


def _d3(a: Mapping[str, str]) -> str:
    if a["3.1"] in _YES or a["3.2"] in _YES:
        return "low"
    if a["3.3"] in _NO:
        return "low"
    return "some concerns" if a["3.4"] in _NO else "high"


def _d4(a: Mapping[str, str]) -> str:
    if a["4.1"] in _YES or a["4.2"] in _YES:
        return "high"
    # 4.2 NI: the measurement may have differed between groups, so the best left is some concerns
    best = "low" if a["4.2"] in _NO else "some concerns"
    if a["4.3"] in _NO or a["4.4"] in _NO:
        return best
    return "some concerns" if a["4.5"] in _NO else "high"


def _d5(a: Mapping[str, str]) -> str:
    if a["5.2"] in _YES or a["5.3"] in _YES:
        return "high"
    if a["5.2"] in _NO and a["5.3"] in _NO:
        return "low" if a["5.1"] in _YES else "some concerns"
    return "some concerns"  # NI to 5.2 or 5.3, neither Y/PY


_ALGORITHMS = {"D1": _d1, "D2": _d2, "D3": _d3, "D4": _d4, "D5": _d5}


def domain_judgment(domain: str, answers: Mapping[str, object]) -> str:
    """The judgment the RoB 2 guidance's algorithm proposes for one domain, from the signalling questions' answers.

    The algorithms of the guidance (22 August 2019) for an individually
    randomised parallel-group trial, effect of assignment to intervention
    (Y/PY, N/PN read alike):

    * **D1** (1.1-1.3): 1.2 N/PN: high. 1.2 Y/PY: 1.1 N/PN gives some
      concerns; otherwise 1.3 Y/PY gives some concerns, N/PN/NI low. 1.2 NI:
      1.3 Y/PY gives high, N/PN/NI some concerns.
    * **D2** (2.1-2.7), the worse of two parts. Part 1: 2.1 and 2.2 both N/PN,
      or 2.3 N/PN: low; 2.3 NI: some concerns; 2.3 Y/PY with 2.4 N/PN: some
      concerns; 2.4 Y/PY/NI with 2.5 Y/PY: some concerns, N/PN/NI: high.
      Part 2: 2.6 Y/PY: low; 2.7 N/PN: some concerns; Y/PY/NI: high.
    * **D3** (3.1-3.4): 3.1 Y/PY, 3.2 Y/PY or 3.3 N/PN: low; 3.4 N/PN: some
      concerns; Y/PY/NI: high.
    * **D4** (4.1-4.5): 4.1 or 4.2 Y/PY: high. Then, with 4.2 N/PN: 4.3 or
      4.4 N/PN give low, 4.5 N/PN some concerns, Y/PY/NI high; with 4.2 NI the
      same path gives some concerns where it gave low.
    * **D5** (5.1-5.3): 5.2 or 5.3 Y/PY: high; both N/PN: low if 5.1 Y/PY,
      some concerns otherwise; an NI to 5.2 or 5.3 (neither Y/PY): some
      concerns.

    Every question the tool asks (:func:`questions_asked`) must be answered;
    a conditional question it does not ask may be answered NA or left out.

    Parameters
    ----------
    domain : {"D1", "D2", "D3", "D4", "D5"}
        The domain (case does not matter).
    answers : mapping of str to str
        Question id (``"1.1"``) to answer: one of :data:`RESPONSES` for that
        question (``"Y"``, ``"PY"``, ``"PN"``, ``"N"``, ``"NI"``, and ``"NA"``
        for a conditional question not asked); case does not matter.

    Returns
    -------
    str
        ``"low"``, ``"some concerns"`` or ``"high"`` (see :data:`JUDGMENTS`).

    Raises
    ------
    UnknownNameError
        For an unknown domain or question id (the message lists the allowed ones).
    ParameterError
        For an answer a question does not allow, a question asked but not answered or answered NA (the first:
        :func:`open_question`), or an answer to a question not asked (each message names the question and the
        allowed answers).

    Examples
    --------
    >>> domain_judgment("D1", {"1.1": "Y", "1.2": "Y", "1.3": "N"})
    'low'
    >>> domain_judgment("D5", {"5.1": "NI", "5.2": "PN", "5.3": "N"})
    'some concerns'
    """
    if (step := open_question(domain, answers)) is not None:
        raise ParameterError(step.message())
    key = _domain(domain)
    given = _normalised(key, answers)
    return _ALGORITHMS[key]({q: given[q] for q in _asked(key, given)})  # reading a question not asked fails


def _judgment_list(judgments: Mapping[str, object] | Sequence[object]) -> list[str]:
    if isinstance(judgments, Mapping):
        by_domain = {str(k).strip().upper(): v for k, v in judgments.items()}
        unknown = sorted(set(by_domain) - set(DOMAINS))
        if unknown:
            raise UnknownNameError("RoB 2 domain", unknown[0], list(DOMAINS))
        missing = [d for d in DOMAINS if d not in by_domain]
        if missing:
            raise ParameterError(f"no judgment for {', '.join(missing)}: every domain (D1-D5) needs one of "
                                 f"{', '.join(JUDGMENTS)}")
        values = [by_domain[d] for d in DOMAINS]
    else:
        values = list(judgments)
        if len(values) != len(DOMAINS):
            raise ParameterError(f"{len(values)} judgments given; RoB 2 needs one for each of D1-D5")
    out = []
    for domain, value in zip(DOMAINS, values):
        text = str(value).strip().lower()
        if text not in JUDGMENTS:
            raise ParameterError(f"{domain}: the judgment {value!r} is not allowed; allowed: {', '.join(JUDGMENTS)}")
        out.append(text)
    return out


def overall_judgment(judgments: Mapping[str, object] | Sequence[object]) -> str:
    """The overall judgment RoB 2's algorithm proposes from the five domains' judgments.

    Low when every domain is low, high when any domain is high, some concerns
    otherwise. An assessor may judge a result with *several* domains at some
    concerns to be at high risk overall (Sterne et al. 2019); that call is
    theirs, so it is not made here (:func:`allowed_overall` accepts it).

    Parameters
    ----------
    judgments : mapping of str to str, or sequence of str
        ``{"D1": "low", ..., "D5": "high"}`` (keys' case does not matter), or
        the five judgments in the order D1-D5; each one of :data:`JUDGMENTS`.

    Returns
    -------
    str
        ``"low"``, ``"some concerns"`` or ``"high"``.

    Raises
    ------
    UnknownNameError
        For a key that is not a domain.
    ParameterError
        For a missing domain or a judgment not in :data:`JUDGMENTS`.

    Examples
    --------
    >>> overall_judgment(["low", "some concerns", "low", "low", "low"])
    'some concerns'
    """
    return _worst(_judgment_list(judgments))


def allowed_overall(judgments: Mapping[str, object] | Sequence[object]) -> tuple[str, ...]:
    """The overall judgments RoB 2's definitions allow for the five domains' judgments.

    Sterne et al. (2019) define the overall judgment: low only if every domain
    is low; some concerns if at least one domain raises some concerns and none
    is high; high if at least one domain is high, *or* if several domains raise
    some concerns in a way that substantially lowers confidence in the result.

    Parameters
    ----------
    judgments : mapping of str to str, or sequence of str
        As :func:`overall_judgment` takes them.

    Returns
    -------
    tuple of str
        ``("low",)``, ``("some concerns",)``, ``("some concerns", "high")``
        (two or more domains at some concerns, none high) or ``("high",)``.

    Raises
    ------
    UnknownNameError
        For a key that is not a domain.
    ParameterError
        For a missing domain or a judgment not in :data:`JUDGMENTS`.

    Examples
    --------
    >>> allowed_overall(["some concerns", "low", "some concerns", "low", "low"])
    ('some concerns', 'high')
    """
    values = _judgment_list(judgments)
    proposed = _worst(values)
    if proposed == "some concerns" and values.count("some concerns") >= 2:
        return ("some concerns", "high")
    return (proposed,)


#: The columns of a judgments table, in order.
_COLUMNS = ["study_id", "outcome", "d1", "d2", "d3", "d4", "d5", "overall", "notes"]


def read_judgments(path: str | os.PathLike[str], studies: Iterable[str] | None = None) -> pd.DataFrame:
    """A teacher's RoB 2 judgments (a CSV file), validated before use.

    The file is read by :func:`mscteach.data.read_user_table` against the
    shipped ``rob2`` Table Schema: columns ``study_id``, ``outcome``, ``d1`` ...
    ``d5`` and ``overall`` (each one of :data:`JUDGMENTS`), every cell filled,
    one row per study and outcome, and an optional ``notes`` column. Then each
    row's ``overall`` must be one its domains allow (:func:`allowed_overall`):
    never better than its worst domain, low only when every domain is low.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8, with or without a byte-order mark).
    studies : iterable of str, optional
        The study ids the judgments may name (e.g. ``clinical_studies.study_id``);
        by default any.

    Returns
    -------
    DataFrame
        Columns ``study_id``, ``outcome``, ``d1`` ... ``d5``, ``overall``, ``notes`` (strings, object
        dtype; ``notes`` None where empty), one row per line of the file, in its order.

    Raises
    ------
    DataValidationError
        Listing every problem, each naming the file, row, field, value and the
        allowed values (also when the file is missing, empty or not UTF-8).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "rob2.csv"
    >>> _ = path.write_text("study_id,outcome,d1,d2,d3,d4,d5,overall\\n"
    ...                     "lin2017,severe infection,low,high,low,low,low,low\\n", encoding="utf-8")
    >>> try:
    ...     read_judgments(path)
    ... except DataValidationError as exc:
    ...     print(exc.problems[0].row, exc.problems[0].field, exc.problems[0].allowed)
    2 overall ('high',)
    """
    rows = read_user_table(path, "rob2", what="RoB 2 judgments")
    file = str(path)
    known = None if studies is None else sorted({str(s) for s in studies})
    problems = []
    for row in rows:
        if known is not None and row["study_id"] not in known:
            problems.append(Problem(
                file, row=row.row, field="study_id", value=row["study_id"], allowed=tuple(known),
                message=f"{row['study_id']!r} is not a study of the data; allowed: {', '.join(known)}"))
        allowed = allowed_overall([row[f"d{i}"] for i in range(1, 6)])
        if row["overall"] not in allowed:
            worst = _worst(row[f"d{i}"] for i in range(1, 6))
            problems.append(Problem(
                file, row=row.row, field="overall", value=row["overall"], allowed=allowed,
                message=f"{row['overall']!r} does not agree with the domains (the worst is {worst!r}); allowed: "
                        f"{', '.join(allowed)}"))
    if problems:
        raise DataValidationError(problems, context=f"cannot read the RoB 2 judgments {file}")
    return pd.DataFrame([[r.get(c) for c in _COLUMNS] for r in rows], columns=_COLUMNS, dtype=object)
