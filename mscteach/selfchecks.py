"""Self-checks inside the chapters: a short question every 10–15 minutes, answered from the data.

Each check is a multiple-choice question or a number. Where the answer is a
fact in the curated tables, it is computed from them (so a check follows the
data, and a test compares it with a hand count from the review). The logic here
is pure: :func:`check_answer` turns a reader's response into feedback;
:mod:`mscteach.widgets` shows a check live (JupyterLab, Voilà) or, on the
course site, as the question with its answer in a toggle.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import i18n, stats
from .data import load
from .errors import MscteachError, ParameterError, UnknownNameError
from .i18n import say

__all__ = ["Feedback", "SelfCheck", "check_answer", "chapter_checks", "get"]


@dataclass(frozen=True)
class SelfCheck:
    """One question. ``answer`` is a letter (``choice``) or a number (``number``).

    Parameters
    ----------
    chapter : str
        The chapter's notebook name without ``.ipynb``.
    number : int
        The check's number in its chapter, from 1.
    question : str
        The question, in ``lang``.
    kind : {"choice", "number"}
        A multiple-choice question or a number to type.
    answer : str or float
        The right option's letter (``"b"``) or the right number.
    explanation : str
        Why the answer is right, shown once it is found.
    options : tuple of str, optional
        The options of a choice, in order (lettered a, b, c ...).
    hint : str, optional
        Shown after a wrong answer (instead of the answer).
    tolerance : float, default 0.0
        How far a number may be from ``answer`` and still be right.
    unit : str, optional
        The number's unit, shown after it.
    lang : str, default "en"
        The language of the texts and of the feedback.

    Attributes
    ----------
    letters : list of str
        The options' letters, ``["a", "b", ...]``.
    answer_text : str
        The right answer as a reader sees it.
    """

    chapter: str
    number: int
    question: str
    kind: str  # "choice" or "number"
    answer: str | float
    explanation: str
    options: tuple[str, ...] = ()
    hint: str = ""
    tolerance: float = 0.0
    unit: str = ""
    lang: str = "en"

    @property
    def letters(self) -> list[str]:
        """The options' letters, ``["a", "b", ...]`` (empty for a number)."""
        return [chr(ord("a") + i) for i in range(len(self.options))]

    @property
    def answer_text(self) -> str:
        """The right answer as a reader sees it: ``(b) option text``, or the number (in ``lang``'s digits) and unit."""
        if self.kind == "choice":
            return f"({self.answer}) {self.options[self.letters.index(str(self.answer))]}"
        return i18n.digits(f"{self.answer:g}", self.lang) + (f" {self.unit}" if self.unit else "")


@dataclass(frozen=True)
class Feedback:
    """What a reader is told after answering.

    Parameters
    ----------
    correct : bool
        Whether the response was right (False also for a response that could
        not be read, which is asked for again).
    message : str
        What to show, in the check's language.
    """

    correct: bool
    message: str


def check_answer(check: SelfCheck, response: object) -> Feedback:
    """Feedback on one response: right (with the explanation) or not yet (with a hint, not the answer).

    A choice is given as its letter (``"b"``, ``"(b)"``) or its option text; a
    number as a number or a string such as ``"6"``. An empty or unreadable
    response is asked for again, never marked wrong.

    Parameters
    ----------
    check : SelfCheck
        The question.
    response : object
        The reader's answer: for a choice its letter, with or without
        parentheses, or its option text (any case); for a number an int,
        float or text (Persian digits and separators are read too). None or
        blank text means no answer yet.

    Returns
    -------
    Feedback
        ``correct`` and the message to show: the explanation when right, the
        hint when wrong, or what to type when the response could not be read.

    Examples
    --------
    >>> check = SelfCheck("01_history", 9, "2 + 2?", "number", 4, "Four.", hint="Count.")
    >>> check_answer(check, "4")
    Feedback(correct=True, message='Right. Four.')
    >>> check_answer(check, 5).message
    'Not yet. Count.'
    """
    lang = check.lang
    if response is None or (isinstance(response, str) and not response.strip()):
        return Feedback(False, say("Choose an answer first.", lang) if check.kind == "choice"
                        else say("Type a number first.", lang))
    if check.kind == "choice":
        given = str(response).strip().lower().strip("()")
        by_text = {o.lower(): letter for letter, o in zip(check.letters, check.options)}
        letter = given if given in check.letters else by_text.get(given)
        if letter is None:
            return Feedback(False, say("Answer with one of the letters {letters}.", lang,
                                       letters=", ".join(check.letters)))
        right = letter == check.answer
    else:
        try:  # Persian digits and separators are read as well as Latin ones
            value = float(str(response).strip().translate(_LATIN_DIGITS).replace(",", ""))
        except ValueError:
            return Feedback(False, say("{response} is not a number: type digits, e.g. 12 or 3.5.", lang,
                                       response=repr(response)))
        if math.isnan(value):
            return Feedback(False, say("Type a number, not NaN.", lang))
        right = abs(value - float(check.answer)) <= check.tolerance
    if right:
        return Feedback(True, say("Right. {explanation}", lang, explanation=check.explanation))
    return Feedback(False, say("Not yet. {hint}", lang, hint=check.hint or say("Look again at the section above.", lang)))


_LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٫٬", "0123456789.,")


# --------------------------------------------------------------------------- the checks, chapter by chapter
def _letter(options: tuple[str, ...], right: str) -> str:
    if right not in options:
        raise MscteachError(f"self-check: the data's answer {right!r} is not among the options {options}")
    return chr(ord("a") + options.index(right))


def _shown(options: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """Options as a reader sees them: names kept, words from the figures' catalogue."""
    return tuple(i18n.text(o, lang) for o in options)


def _history(lang: str) -> list[SelfCheck]:
    timeline = load("timeline")
    discovery = int(timeline.loc[timeline["category"] == "MSC discovery", "year"].min())
    decades = ("the 1900s", "the 1960s", "the 1990s")
    first_transplant = int(timeline.loc[timeline["category"] == "transplantation", "year"].min())
    named = int(timeline.loc[timeline["event"].str.contains('"mesenchymal stem cells"', regex=False), "year"].iloc[0])
    return [
        SelfCheck("01_history", 1, say("In which decade did Friedenstein's studies of bone-marrow aspirates describe "
                                       "the adherent, colony-forming cells we now call MSCs?", lang), "choice",
                  _letter(decades, f"the {discovery // 10 * 10}s"),
                  say("The timeline dates Friedenstein's series of studies to {discovery}; the name \"mesenchymal "
                      "stem cells\" came only in {named}.", lang, discovery=discovery, named=named),
                  _shown(decades, lang), hint=say("Find the 'MSC discovery' event.", lang), lang=lang),
        SelfCheck("01_history", 2, say("How many years passed between the first published case report of a human "
                                       "bone-marrow transplant and the introduction of the term \"mesenchymal stem "
                                       "cells\"?", lang), "number",
                  named - first_transplant,
                  say("From {first} (the case report) to {named} (the term).", lang, first=first_transplant,
                      named=named),
                  hint=say("Subtract the two years shown in the timeline.", lang), unit=say("years", lang), lang=lang),
    ]


def _differentiation(lang: str) -> list[SelfCheck]:
    sources = load("cell_sources")
    evidence = load("differentiation")
    options = ("LDL uptake", "Transdifferentiation below 3% of liver mass", "Glucose storage")
    against = [o for o in options if (evidence.loc[evidence["item"] == o, "stance"] == "against").any()]
    if len(against) != 1:
        raise MscteachError(f"self-check 02/2 needs exactly one option against, found {against}")
    return [
        SelfCheck("02_differentiation", 1, say("From how many tissue sources can MSCs be isolated, according to the "
                                               "cell_sources table?", lang), "number", len(sources),
                  say("One row per source, from bone marrow and umbilical cord to menstrual blood.", lang),
                  hint=say("Count the rows of the table shown above.", lang), lang=lang),
        SelfCheck("02_differentiation", 2, say("Which of these findings argues *against* MSCs becoming true "
                                               "hepatocytes?", lang), "choice", _letter(options, against[0]),
                  say("Only a small fraction of MSCs transdifferentiated into hepatocytes: less than 3% of total "
                      "liver mass. The other two are liver functions that fully differentiated MSCs may have, which "
                      "supports differentiation.", lang), _shown(options, lang),
                  hint=say("Look at the evidence marked 'against' in the figure.", lang), lang=lang),
    ]


def _immunomodulation(lang: str) -> list[SelfCheck]:
    mechanisms = load("mechanisms")
    options = ("PGE2", "IDO", "Jagged-1")
    macrophage = mechanisms.loc[mechanisms["target"] == "M1/M2 macrophage", "mediator"].iloc[0]
    t_rows = mechanisms[mechanisms["target"] == "T cell"]
    t_cell = len(t_rows)
    return [
        SelfCheck("03_immunomodulation", 1, say("Through which mediator do MSCs turn pro-inflammatory M1 macrophages "
                                                "into anti-inflammatory M2 macrophages?", lang), "choice",
                  _letter(options, macrophage),
                  say("The conversion is PGE2-dependent; IDO acts on T cells and Jagged-1 gathers regulatory T "
                      "cells.", lang), options, hint=say("Find the macrophage row of the heatmap.", lang), lang=lang),
        SelfCheck("03_immunomodulation", 2, say("How many mechanism rows in the data have T cells (target exactly "
                                                "\"T cell\") as their target?", lang), "number", t_cell,
                  say("The T-cell rows name the mediators {mediators}.", lang,
                      mediators=say(", ", lang).join(t_rows["mediator"].dropna())),
                  hint=say('mechanisms[mechanisms["target"] == "T cell"] and count the rows.', lang), lang=lang),
    ]


def _fibrosis(lang: str) -> list[SelfCheck]:
    mechanisms = load("mechanisms")
    options = ("HGF", "TGF-β1", "MMP-13")
    driver = mechanisms.loc[mechanisms["effect"].str.contains("primary mediator of liver fibrosis"), "mediator"].iloc[0]
    anti = int((mechanisms["category"] == "anti-fibrotic").sum())
    return [
        SelfCheck("04_fibrosis", 1, say("Which mediator does the review call a primary mediator of liver fibrosis, "
                                        "because it stimulates ECM synthesis and prevents its degradation?", lang),
                  "choice", _letter(options, driver),
                  say("TGF-β1 (through TGF-β/Smad signalling); HGF and MMP-13 are among the tools MSCs use against "
                      "fibrosis.", lang), options,
                  hint=say("Which mediator is on the 'synthesis' side of the imbalance?", lang), lang=lang),
        SelfCheck("04_fibrosis", 2, say("How many anti-fibrotic mechanisms does the data record?", lang), "number",
                  anti, say("The rows of the category 'anti-fibrotic': the table at the start of the chapter.", lang),
                  hint=say('Count the rows whose category is "anti-fibrotic".', lang), lang=lang),
    ]


def _animal_models(lang: str) -> list[SelfCheck]:
    animals = load("animal_studies")
    harmful = animals[animals["outcome"] == "harm"]
    harm = len(harmful)
    where = sorted(set(harmful["disease"]))
    hcc = set(animals.loc[animals["disease"] == "HCC", "outcome"])
    options = ("MSCs always suppress the tumour", "Both suppression and promotion are reported",
               "No animal study of HCC is cited")
    right = options[1] if {"benefit", "harm"} <= hcc else options[0]
    both = say(" and ", lang)
    return [
        SelfCheck("05_animal_models", 1, say("How many of the animal studies report harm from MSCs?", lang), "number",
                  harm, say("{studies}, in {models} models: MSCs helped tumour cells grow and invade, or tumours grow "
                            "blood vessels.", lang, studies=both.join(harmful["first_author"]),
                            models=both.join(i18n.text(d, lang) for d in where)),
                  hint=say('Count the rows whose outcome is "harm".', lang), lang=lang),
        SelfCheck("05_animal_models", 2, say("What do the HCC models say about MSCs?", lang), "choice",
                  _letter(options, right),
                  say("A double-edged sword: some studies report slower tumour growth, others more proliferation and "
                      "invasion or more vessels.", lang), _shown(options, lang),
                  hint=say("Look at the HCC row of the evidence map.", lang), lang=lang),
    ]


def _latitude_check(lang: str) -> SelfCheck:
    """Chapter 6's third check: what the BCG meta-regression on latitude says (its answer read from the fit)."""
    from .datasets import load_bcg_trials

    fit = stats.meta_regression(load_bcg_trials(), ["latitude"], method="REML")
    slope = fit.coefficients.set_index("term").loc["latitude"]
    options = ("The farther from the equator, the more BCG protected",
               "The farther from the equator, the less BCG protected",
               "Latitude explains none of the differences")
    # a lower log risk ratio is more protection: a negative slope means more protection far from the equator
    right = options[2] if slope["p"] >= 0.05 else options[0] if slope["estimate"] < 0 else options[1]
    return SelfCheck("06_clinical_trials", 3, say("What does the BCG meta-regression on latitude say?", lang), "choice",
                     _letter(options, right),
                     say("The slope is {slope:.3f} per degree (p = {p:.2g}): each degree farther from the equator "
                         "multiplies the risk ratio by {factor:.3f}. Latitude explains {r2:.0f}% of the differences "
                         "between trials (τ²), an observational finding: the trials were not randomised to their "
                         "latitude.", lang, slope=float(slope["estimate"]), p=float(slope["p"]),
                         factor=math.exp(float(slope["estimate"])), r2=float(fit.r2)),
                     _shown(options, lang), hint=say("Read the slope's sign: a lower risk ratio means fewer cases "
                                                     "among the vaccinated.", lang), lang=lang)


def _clinical_trials(lang: str) -> list[SelfCheck]:
    clinical = load("clinical_studies")
    pooled = clinical[clinical["design"] == "meta-analysis"]
    meta = len(pooled)
    options = ("The treatment certainly works", "The data are compatible with no effect",
               "The studies must be wrong")
    return [
        SelfCheck("06_clinical_trials", 1, say("How many of the clinical studies in the data are meta-analyses?",
                                               lang), "number", meta,
                  say("{studies}: they pool other studies rather than enrol patients of their own.", lang,
                      studies=say(" and ", lang).join(pooled["study_id"])),
                  hint=say('Count the rows whose design is "meta-analysis".', lang), lang=lang),
        SelfCheck("06_clinical_trials", 2, say("A pooled risk ratio's 95% confidence interval (the diamond) crosses "
                                               "1. What does that mean?", lang), "choice", _letter(options, options[1]),
                  say("An interval that includes 1 (no effect) means the data cannot rule out no effect; it does not "
                      "prove there is none.", lang), _shown(options, lang),
                  hint=say("What does a risk ratio of 1 mean?", lang), lang=lang),
        _latitude_check(lang),
    ]


def _challenges(lang: str) -> list[SelfCheck]:
    challenges = load("challenges")
    most = challenges["category"].value_counts()
    options = ("dose", "safety", "route")
    top = str(most.index[0])
    from .evidence.studies import reported_proportions

    lin = reported_proportions(load("outcomes"), "lin2017", "survival")
    per_arm = stats.trial_size(lin["control"], lin["treated"])
    clinical = load("clinical_studies")
    largest = clinical[clinical["design"] == "RCT"].sort_values("n_total", ascending=False, kind="stable").iloc[0]
    return [
        SelfCheck("07_challenges", 1, say("Which category of open challenge does the data record most often?", lang),
                  "choice", _letter(options, top),
                  say("{category}: {n} of the {total} challenges.", lang, category=i18n.text(top, lang),
                      n=int(most.iloc[0]), total=len(challenges)),
                  _shown(options, lang), hint=say("Look at the longest bar of the challenges figure.", lang),
                  lang=lang),
        SelfCheck("07_challenges", 2, say("How many patients per arm does a trial need to detect survival rising "
                                          "from {control} to {treated} with 80% power (two-sided α = 0.05)?", lang,
                                          control=i18n.digits(f"{100 * lin['control']:.1f}%", lang),
                                          treated=i18n.digits(f"{100 * lin['treated']:.1f}%", lang)), "number",
                  per_arm,
                  say("{total} patients in all, against {n_total} in the largest randomised trial in the data "
                      "({study}).", lang, total=2 * per_arm,
                      study=f"{largest['first_author']} {largest['year']}", n_total=int(largest["n_total"])),
                  hint=say("Use the trial-size explorer with the default survival figures.", lang),
                  unit=say("patients", lang), lang=lang),
    ]


_BUILDERS: dict[str, Callable[[str], list[SelfCheck]]] = {
    "01_history": _history, "02_differentiation": _differentiation, "03_immunomodulation": _immunomodulation,
    "04_fibrosis": _fibrosis, "05_animal_models": _animal_models, "06_clinical_trials": _clinical_trials,
    "07_challenges": _challenges,
}


def chapter_checks(chapter: str, lang: str | None = None) -> list[SelfCheck]:
    """Every self-check of a chapter, in order, in ``lang`` (default: the language of :mod:`mscteach.i18n`).

    The answers are computed from the data in use.

    Parameters
    ----------
    chapter : str
        The chapter's notebook name without ``.ipynb`` (``01_history`` to
        ``07_challenges``; the index has none).
    lang : str, optional
        The language of questions, options and explanations.

    Returns
    -------
    list of SelfCheck
        The chapter's checks, numbered from 1.

    Raises
    ------
    UnknownNameError
        If the chapter has no self-checks.
    MscteachError
        If the data no longer give one of the options as the answer.

    Examples
    --------
    >>> [check.kind for check in chapter_checks("06_clinical_trials", "en")]
    ['number', 'choice', 'choice']
    """
    if chapter not in _BUILDERS:
        raise UnknownNameError("chapter", chapter, list(_BUILDERS))
    return _BUILDERS[chapter](lang or i18n.language())


def get(chapter: str, number: int, lang: str | None = None) -> SelfCheck:
    """One self-check: ``get("06_clinical_trials", 2)``.

    Parameters
    ----------
    chapter : str
        The chapter's notebook name without ``.ipynb``.
    number : int
        The check's number in the chapter, from 1.
    lang : str, optional
        The language (default: the language of :mod:`mscteach.i18n`).

    Returns
    -------
    SelfCheck
        The check.

    Raises
    ------
    UnknownNameError
        If the chapter has no self-checks.
    ParameterError
        If ``number`` is not a whole number of a check of the chapter (the message gives the range).

    Examples
    --------
    >>> get("06_clinical_trials", 2, "en").answer
    'b'
    """
    checks = chapter_checks(chapter, lang)
    # a bool is an int to Python, and a float (1.5, or 2.0) cannot index the list
    whole = isinstance(number, numbers.Integral) and not isinstance(number, bool)
    if not whole or not 1 <= number <= len(checks):
        raise ParameterError(f"{chapter} has self-checks 1 to {len(checks)}, not {number if whole else repr(number)}")
    return checks[number - 1]


def as_table(chapter: str) -> pd.DataFrame:
    """A chapter's checks with their answers (for instructors).

    Parameters
    ----------
    chapter : str
        The chapter's notebook name without ``.ipynb``.

    Returns
    -------
    pandas.DataFrame
        Columns ``check``, ``question`` and ``answer`` (as a reader sees it),
        in the language of :mod:`mscteach.i18n`.
    """
    return pd.DataFrame([{"check": c.number, "question": c.question, "answer": c.answer_text}
                         for c in chapter_checks(chapter)])

