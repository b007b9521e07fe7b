"""Chapter 6's RoB 2 explorer: a student answers the signalling questions for a randomised trial of the data.

The judgments shown are the student's answers run through the RoB 2 algorithms
(:mod:`mscteach.stats.rob2`), never a verdict of the course: the course ships
no RoB 2 judgment. :func:`rob2_assessment` is the logic (answers in, the
domains' judgments and the traffic light out); :func:`rob2_explorer` only
gathers the dropdowns' values and calls it.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import Markdown
from matplotlib.figure import Figure

from .. import display as display_helpers
from ..data import in_language, is_randomised, load
from ..errors import MscteachError, UnknownNameError
from ..i18n import RTL, digits, language, say, text
from ..plots.risk_of_bias import NOT_JUDGED, redraw_traffic_light, traffic_light_figure
from ..stats.rob2 import (CONDITIONS, DOMAINS, RESPONSES, SIGNALLING_QUESTIONS, OpenQuestion, domain_judgment,
                          open_question, overall_judgment, questions_asked)

from .core import Explorer, restart_layout

__all__ = ["DESCRIPTION_FIELDS", "Rob2Explorer", "randomised_trials", "render_rob2", "rob2_assessment",
           "rob2_explorer", "trial_description"]

#: The fields of ``clinical_studies`` that describe a trial to a student judging it.
DESCRIPTION_FIELDS = ["first_author", "year", "ref_ids", "disease", "aetiology", "cell_type", "cell_origin",
                      "design", "phase", "registry_id", "n_treated", "n_control", "control_type", "dose_text",
                      "route", "follow_up_weeks", "efficacy_finding", "safety_finding", "notes"]


def _clinical(data: pd.DataFrame | str | os.PathLike[str] | None) -> pd.DataFrame:
    return data if isinstance(data, pd.DataFrame) else load("clinical_studies", data)


def randomised_trials(clinical: pd.DataFrame) -> list[str]:
    """The study ids of the randomised trials (:func:`mscteach.data.is_randomised`), in the table's order.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table.

    Returns
    -------
    list of str
        Study ids.
    """
    return [str(s) for s, design in zip(clinical["study_id"], clinical["design"]) if is_randomised(design)]


def _trial(clinical: pd.DataFrame, study_id: str) -> pd.Series:
    trials = randomised_trials(clinical)
    if study_id not in trials:
        raise UnknownNameError("randomised trial (RoB 2 judges randomised trials only)", study_id, trials)
    return clinical.set_index("study_id").loc[study_id]


def trial_description(clinical: pd.DataFrame, study_id: str) -> pd.DataFrame:
    """What the data say about one randomised trial: the fields a student reads before answering.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table.
    study_id : str
        A randomised trial's id (see :func:`randomised_trials`).

    Returns
    -------
    DataFrame
        Columns ``field`` (the reader's label) and ``value``: the :data:`DESCRIPTION_FIELDS` the
        table has and the trial fills.

    Raises
    ------
    UnknownNameError
        If ``study_id`` is not a randomised trial of the table (the message lists those that are).
    """
    trial = _trial(in_language(clinical, language()), study_id)  # its findings in the reader's language
    rows = []
    for field in DESCRIPTION_FIELDS:
        value = trial.get(field)
        if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
            continue
        values = [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        if field in display_helpers.VOCABULARY_COLUMNS:  # "allogeneic" as the chapter's tables show it
            values = [display_helpers.vocabulary_text(v) for v in values]
        shown = ", ".join(values)
        if not isinstance(value, str):  # a count, a year, reference numbers: in the reader's digits, as tables show them
            shown = digits(shown)
        rows.append((display_helpers.column_label(field), shown))
    return pd.DataFrame(rows, columns=["field", "value"])


def rob2_assessment(study_id: str, answers: Mapping[str, object]) -> tuple[pd.DataFrame, Figure]:
    """A student's answers to the signalling questions → each domain's judgment and the traffic light.

    Each domain is judged by :func:`mscteach.stats.rob2.domain_judgment` from
    the answers to the questions its algorithm asks (:func:`~mscteach.stats.rob2.questions_asked`);
    answers to questions it does not ask are left aside. A domain with an
    asked question unanswered (or answered NA) has no judgment yet, and says
    what to answer; the overall judgment waits for all five.

    Parameters
    ----------
    study_id : str
        The trial judged (shown in the traffic light).
    answers : mapping of str to str
        Question id (``"1.1"``) to answer (``"Y"``, ``"PY"``, ``"PN"``, ``"N"``, ``"NI"``, ``"NA"``);
        missing questions are unanswered.

    Returns
    -------
    tuple of (DataFrame, Figure)
        The table (columns ``domain``, ``name``, ``answers`` — the questions asked and their
        answers — ``judgment``, ``to do``; a last row ``Overall``) and
        :func:`mscteach.plots.risk_of_bias.traffic_light_figure` of the one row.

    Raises
    ------
    UnknownNameError
        For a question id that RoB 2 does not have.
    ParameterError
        For an answer a question does not allow (the message lists the allowed answers).
    """
    return _assessment(study_id, answers, None)


def _assessment(study_id: str, answers: Mapping[str, object], drawn: Figure | None) -> tuple[pd.DataFrame, Figure]:
    """:func:`rob2_assessment`, its traffic light redrawn in place into ``drawn`` where it can (English only: a
    translated edition translates a figure's texts once, when it is first shown)."""
    by_domain: dict[str, dict[str, object]] = {d: {} for d in DOMAINS}
    for qid, value in answers.items():
        domain = "D" + str(qid).split(".")[0]
        if domain not in DOMAINS:
            raise UnknownNameError("signalling question", qid, list(RESPONSES))
        by_domain[domain][str(qid)] = value
    rows, judged = [], {}
    for domain, name in DOMAINS.items():
        asked = questions_asked(domain, by_domain[domain])
        mine = {q: by_domain[domain].get(q) for q in asked}
        shown = ", ".join(f"{q} {str(mine[q] or '–').upper()}" for q in asked)
        try:
            judgment, todo = domain_judgment(domain, mine), ""
            judged[domain] = judgment
        except MscteachError as exc:
            judgment, todo = NOT_JUDGED, _next_step(domain, mine) or str(exc)
        rows.append({"domain": domain, "name": text(name), "answers": shown, "judgment": text(judgment), "to do": todo})
    overall = overall_judgment(judged) if len(judged) == len(DOMAINS) else NOT_JUDGED
    rows.append({"domain": say("Overall"), "name": say("the algorithm's proposal"), "answers": "",
                 "judgment": text(overall),
                 "to do": "" if judged.keys() == DOMAINS.keys() else say("judge every domain first")})
    table = pd.DataFrame(rows, columns=["domain", "name", "answers", "judgment", "to do"])
    light = pd.DataFrame([{"study_id": study_id, **{d.lower(): judged.get(d) for d in DOMAINS},
                           "overall": None if overall == NOT_JUDGED else overall}])
    redrawn = None if drawn is None or language() != "en" else redraw_traffic_light(drawn, light)
    if redrawn is not None:
        restart_layout(redrawn)
    return table, redrawn or traffic_light_figure(light)


def _next_step(domain: str, answers: Mapping[str, object]) -> str | None:
    """What a domain left unjudged asks for next, in the reader's language: the question
    :func:`~mscteach.stats.rob2.open_question` finds open (the one :func:`~mscteach.stats.rob2.domain_judgment`
    names, in the same words in English), or None."""
    step = open_question(domain, answers)
    if step is None:
        return None
    named = {"domain": _ltr(step.domain), "question": _ltr(step.question), "answers": _ltr(", ".join(step.allowed))}
    if step.condition is None and step.answer is None:
        return say("{domain}: question {question} is not answered; answer one of {answers}", **named)
    if step.condition is None:
        return say("{domain}: question {question} is answered NA; answer one of {answers}", **named)
    if step.answer is None:
        return say("{domain}: question {question} is not answered, but these answers ask it ({condition}); "
                   "answer one of {answers}", condition=_condition_words(step), **named)
    return say("{domain}: question {question} is answered NA, but these answers ask it ({condition}); "
               "answer one of {answers}", condition=_condition_words(step), **named)


def _ltr(code: str) -> str:
    """The tool's codes (D2, 3.1, Y/PY/NI) kept in their own left-to-right order inside a right-to-left sentence
    (Unicode's left-to-right isolate); as they are in English."""
    return f"\u2066{code}\u2069" if language() in RTL else code


def _condition_words(step: OpenQuestion) -> str:
    """A conditional question's condition as the tool words it ("if N/PN/NI to 3.1"), in the reader's language."""
    answers = _ltr("/".join(step.condition_answers))
    questions = [_ltr(q) for q in step.condition_questions]
    if len(questions) == 1:
        return say("if {answers} to {question}", answers=answers, question=questions[0])
    if len(questions) != 2:  # pragma: no cover - every condition of the tool reads one question or two
        return step.condition or ""
    if step.condition_mode == "any":
        return say("if {answers} to {question} or {other}", answers=answers, question=questions[0],
                   other=questions[1])
    return say("if {answers} to {question} and {other}", answers=answers, question=questions[0], other=questions[1])


def render_rob2(clinical: pd.DataFrame, study_id: str, **answers: Any) -> list:
    """The explorer's view: the trial as the data describe it, the student's judgments, the traffic light.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table.
    study_id : str
        A randomised trial's id.
    **answers
        Question id to answer, as :func:`rob2_assessment` takes them.

    Returns
    -------
    list
        A note (these are the student's answers, not the course's verdict), :func:`trial_description`,
        the judgments table and the traffic light.
    """
    return _rob2_view(None, clinical, study_id, answers)


def _rob2_view(shown: Figure | None, clinical: pd.DataFrame, study_id: str, answers: Mapping[str, Any]) -> list:
    """:func:`render_rob2`, its traffic light drawn anew or (``shown``, one it drew before) redrawn in place."""
    description = trial_description(clinical, study_id)
    table, light = _assessment(study_id, answers, shown)
    note = Markdown(say("The judgments below are **your answers** run through the RoB 2 algorithm for {study}, not "
                        "the course's verdict: the course ships no risk-of-bias judgment. A domain with no judgment "
                        "says which question to answer next.", study=study_id))
    return [note, description, table, light]


class Rob2Explorer(Explorer):
    """An :class:`~mscteach.widgets.Explorer` whose dropdowns sit beside their questions, one tab per domain.

    Parameters
    ----------
    name, controls, render, help, redraw
        As :class:`~mscteach.widgets.Explorer` takes them; ``controls`` are keyed by question id.
    """

    def __init__(self, name: str, controls: dict[str, w.ValueWidget], render: Any, help: str,
                 redraw: Any = None) -> None:
        super().__init__(name, controls, render, help, redraw=redraw)
        for qid, control in controls.items():  # the tool's codes (1.2), not numbers in the reader's digits
            control.description = qid
        header = self.header()
        pages = []
        for domain, questions in SIGNALLING_QUESTIONS.items():
            lines = [w.HBox([controls[qid], w.HTML(f"<span style='font-size:90%'>{text}</span>",
                                                   layout=w.Layout(width="75%"))]) for qid, text in questions]
            pages.append(w.VBox(lines))
        tabs = w.Tab(children=pages, titles=list(DOMAINS))
        self.set_trait("children", (header, tabs, self.output))  # the questions beside their dropdowns


def rob2_explorer(study_id: str, data: pd.DataFrame | str | os.PathLike[str] | None = None) -> Explorer:
    """Answer RoB 2's signalling questions for a randomised trial of the data; see the judgments and traffic light.

    Every question starts unanswered the honest way: ``NI`` (no information)
    for a question always asked, ``NA`` for a conditional one, so a domain
    whose answers ask a conditional question waits for its answer.

    Parameters
    ----------
    study_id : str
        A randomised trial of ``clinical_studies`` (see :func:`randomised_trials`).
    data : DataFrame, str or path-like, optional
        The ``clinical_studies`` table, or a data folder to load it from (default: the data
        :func:`mscteach.load` finds).

    Returns
    -------
    Explorer
        Its view is :func:`render_rob2`.

    Raises
    ------
    UnknownNameError
        If ``study_id`` is not a randomised trial of the data (the message lists those that are).
    """
    clinical = _clinical(data)
    _trial(clinical, study_id)
    controls: dict[str, w.ValueWidget] = {
        qid: w.Dropdown(description=qid, options=list(RESPONSES[qid]), value="NA" if qid in CONDITIONS else "NI",
                        style={"description_width": "40px"}, layout=w.Layout(width="130px"))
        for questions in SIGNALLING_QUESTIONS.values() for qid, _ in questions
    }
    # a static copy (the course site) precomputes the views of the first control: concealment (1.2) is where
    # D1's algorithm starts, so its answers change the traffic light (1.1's alone would not, with 1.2 at NI)
    controls = {"1.2": controls.pop("1.2"), **controls}
    return Rob2Explorer(say("RoB 2 for {study}", study=study_id), controls, lambda **v: render_rob2(clinical, study_id, **v),
                        "answer each question from what the data and the trial's report say; the judgments follow.",
                        redraw=lambda shown, **v: _rob2_view(shown[0], clinical, study_id, v))
