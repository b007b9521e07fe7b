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
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import analysis
from .data import load
from .errors import MscteachError, UnknownNameError

__all__ = ["Feedback", "SelfCheck", "check_answer", "chapter_checks", "get"]


@dataclass(frozen=True)
class SelfCheck:
    """One question. ``answer`` is a letter (``choice``) or a number (``number``)."""

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

    @property
    def letters(self) -> list[str]:
        return [chr(ord("a") + i) for i in range(len(self.options))]

    @property
    def answer_text(self) -> str:
        """The right answer as a reader sees it."""
        if self.kind == "choice":
            return f"({self.answer}) {self.options[self.letters.index(str(self.answer))]}"
        return f"{self.answer:g}{' ' + self.unit if self.unit else ''}"


@dataclass(frozen=True)
class Feedback:
    """What a reader is told after answering."""

    correct: bool
    message: str


def check_answer(check: SelfCheck, response: object) -> Feedback:
    """Feedback on one response: right (with the explanation) or not yet (with a hint, not the answer).

    A choice is given as its letter (``"b"``, ``"(b)"``) or its option text; a
    number as a number or a string such as ``"6"``. An empty or unreadable
    response is asked for again, never marked wrong.
    """
    if response is None or (isinstance(response, str) and not response.strip()):
        return Feedback(False, "Choose an answer first." if check.kind == "choice" else "Type a number first.")
    if check.kind == "choice":
        given = str(response).strip().lower().strip("()")
        by_text = {o.lower(): letter for letter, o in zip(check.letters, check.options)}
        letter = given if given in check.letters else by_text.get(given)
        if letter is None:
            return Feedback(False, f"Answer with one of the letters {', '.join(check.letters)}.")
        right = letter == check.answer
    else:
        try:
            value = float(str(response).strip().replace(",", ""))
        except ValueError:
            return Feedback(False, f"{response!r} is not a number: type digits, e.g. 12 or 3.5.")
        if math.isnan(value):
            return Feedback(False, "Type a number, not NaN.")
        right = abs(value - float(check.answer)) <= check.tolerance
    if right:
        return Feedback(True, f"Right. {check.explanation}")
    return Feedback(False, f"Not yet. {check.hint or 'Look again at the section above.'}")


# --------------------------------------------------------------------------- the checks, chapter by chapter
def _letter(options: tuple[str, ...], right: str) -> str:
    if right not in options:
        raise MscteachError(f"self-check: the data's answer {right!r} is not among the options {options}")
    return chr(ord("a") + options.index(right))


def _history() -> list[SelfCheck]:
    timeline = load("timeline")
    discovery = int(timeline.loc[timeline["category"] == "MSC discovery", "year"].min())
    decades = ("the 1900s", "the 1960s", "the 1990s")
    first_transplant = int(timeline.loc[timeline["category"] == "transplantation", "year"].min())
    named = int(timeline.loc[timeline["event"].str.contains('"mesenchymal stem cells"', regex=False), "year"].iloc[0])
    return [
        SelfCheck("01_history", 1, "In which decade did Friedenstein's studies of bone-marrow aspirates describe "
                  "the adherent, colony-forming cells we now call MSCs?", "choice",
                  _letter(decades, f"the {discovery // 10 * 10}s"),
                  f"The timeline dates Friedenstein's series of studies to {discovery}; the name \"mesenchymal "
                  f"stem cells\" came only in {named}.", decades, hint="Find the 'MSC discovery' event."),
        SelfCheck("01_history", 2, "How many years passed between the first published case report of a human "
                  "bone-marrow transplant and the introduction of the term \"mesenchymal stem cells\"?", "number",
                  named - first_transplant,
                  f"From {first_transplant} (the case report) to {named} (the term).",
                  hint="Subtract the two years shown in the timeline.", unit="years"),
    ]


def _differentiation() -> list[SelfCheck]:
    sources = load("cell_sources")
    evidence = load("differentiation")
    options = ("LDL uptake", "Transdifferentiation rate below 3%", "Glucose (glycogen) storage")
    against = [o for o in options if (evidence.loc[evidence["item"] == o, "stance"] == "against").any()]
    if len(against) != 1:
        raise MscteachError(f"self-check 02/2 needs exactly one option against, found {against}")
    return [
        SelfCheck("02_differentiation", 1, "From how many tissue sources can MSCs be isolated, according to the "
                  "cell_sources table?", "number", len(sources),
                  "One row per source, from bone marrow and umbilical cord to menstrual blood.", hint="Count the rows of the table shown above."),
        SelfCheck("02_differentiation", 2, "Which of these findings argues *against* MSCs becoming true "
                  "hepatocytes?", "choice", _letter(options, against[0]),
                  "Fewer than 3% of MSCs transdifferentiate; the other two are functions of hepatocyte-like cells "
                  "that support differentiation.", options,
                  hint="Look at the evidence marked 'against' in the figure."),
    ]


def _immunomodulation() -> list[SelfCheck]:
    mechanisms = load("mechanisms")
    options = ("PGE2", "IDO", "Jagged-1")
    macrophage = mechanisms.loc[mechanisms["target"] == "M1/M2 macrophage", "mediator"].iloc[0]
    t_rows = mechanisms[mechanisms["target"] == "T cell"]
    t_cell = len(t_rows)
    return [
        SelfCheck("03_immunomodulation", 1, "Through which mediator do MSCs turn pro-inflammatory M1 macrophages "
                  "into anti-inflammatory M2 macrophages?", "choice", _letter(options, macrophage),
                  "The conversion is PGE2-dependent; IDO acts on T cells and Jagged-1 gathers regulatory T cells.",
                  options, hint="Find the macrophage row of the heatmap."),
        SelfCheck("03_immunomodulation", 2, "How many mechanism rows in the data have T cells (target exactly "
                  "\"T cell\") as their target?", "number", t_cell,
                  f"The T-cell rows name the mediators {', '.join(t_rows['mediator'].dropna())}.",
                  hint='mechanisms[mechanisms["target"] == "T cell"] and count the rows.'),
    ]


def _fibrosis() -> list[SelfCheck]:
    mechanisms = load("mechanisms")
    options = ("HGF", "TGF-β1", "MMP-13")
    driver = mechanisms.loc[mechanisms["effect"].str.contains("primary mediator of liver fibrosis"), "mediator"].iloc[0]
    anti = int((mechanisms["category"] == "anti-fibrotic").sum())
    return [
        SelfCheck("04_fibrosis", 1, "Which mediator does the review call a primary mediator of liver fibrosis, "
                  "because it stimulates ECM synthesis and prevents its degradation?", "choice",
                  _letter(options, driver),
                  "TGF-β1 (through TGF-β/Smad signalling); HGF and MMP-13 are among the tools MSCs use against "
                  "fibrosis.", options, hint="Which mediator is on the 'synthesis' side of the imbalance?"),
        SelfCheck("04_fibrosis", 2, "How many anti-fibrotic mechanisms does the data record?", "number", anti,
                  "The rows of the category 'anti-fibrotic': the table at the start of the chapter.",
                  hint='Count the rows whose category is "anti-fibrotic".'),
    ]


def _animal_models() -> list[SelfCheck]:
    animals = load("animal_studies")
    harmful = animals[animals["outcome"] == "harm"]
    harm = len(harmful)
    where = sorted(set(harmful["disease"]))
    hcc = set(animals.loc[animals["disease"] == "HCC", "outcome"])
    options = ("MSCs always suppress the tumour", "Both suppression and promotion are reported",
               "No animal study of HCC is cited")
    right = options[1] if {"benefit", "harm"} <= hcc else options[0]
    return [
        SelfCheck("05_animal_models", 1, "How many of the animal studies report harm from MSCs?", "number", harm,
                  f"{' and '.join(harmful['first_author'])}, in {' and '.join(where)} models: MSCs "
                  "helped tumour cells grow and invade, or tumours grow blood vessels.",
                  hint='Count the rows whose outcome is "harm".'),
        SelfCheck("05_animal_models", 2, "What do the HCC models say about MSCs?", "choice",
                  _letter(options, right),
                  "A double-edged sword: some studies report slower tumour growth, others more proliferation and "
                  "invasion or more vessels.", options, hint="Look at the HCC row of the evidence map."),
    ]


def _clinical_trials() -> list[SelfCheck]:
    clinical = load("clinical_studies")
    pooled = clinical[clinical["design"] == "meta-analysis"]
    meta = len(pooled)
    options = ("The treatment certainly works", "The data are compatible with no effect",
               "The studies must be wrong")
    return [
        SelfCheck("06_clinical_trials", 1, "How many of the clinical studies in the data are meta-analyses?",
                  "number", meta, f"{' and '.join(pooled['study_id'])}: they pool other studies rather than "
                  "enrol patients of their own.", hint='Count the rows whose design is "meta-analysis".'),
        SelfCheck("06_clinical_trials", 2, "A pooled risk ratio's 95% confidence interval (the diamond) crosses 1. "
                  "What does that mean?", "choice", _letter(options, options[1]),
                  "An interval that includes 1 (no effect) means the data cannot rule out no effect; it does not "
                  "prove there is none.", options, hint="What does a risk ratio of 1 mean?"),
    ]


def _challenges() -> list[SelfCheck]:
    challenges = load("challenges")
    most = challenges["category"].value_counts()
    options = ("dose", "safety", "route")
    top = str(most.index[0])
    per_arm = analysis.trial_size(0.556, 0.732)
    clinical = load("clinical_studies")
    largest = clinical[clinical["design"] == "RCT"].sort_values("n_total", ascending=False, kind="stable").iloc[0]
    return [
        SelfCheck("07_challenges", 1, "Which category of open challenge does the data record most often?", "choice",
                  _letter(options, top), f"{top}: {int(most.iloc[0])} of the {len(challenges)} challenges.",
                  options, hint="Look at the longest bar of the challenges figure."),
        SelfCheck("07_challenges", 2, "How many patients per arm does a trial need to detect survival rising from "
                  "55.6% to 73.2% with 80% power (two-sided α = 0.05)?", "number", per_arm,
                  f"{2 * per_arm} patients in all: about twice the largest randomised trial in the data "
                  f"({largest['first_author']} {largest['year']}, {largest['n_total']} patients).",
                  hint="Use the trial-size explorer with the default survival figures.", unit="patients"),
    ]


_BUILDERS: dict[str, Callable[[], list[SelfCheck]]] = {
    "01_history": _history, "02_differentiation": _differentiation, "03_immunomodulation": _immunomodulation,
    "04_fibrosis": _fibrosis, "05_animal_models": _animal_models, "06_clinical_trials": _clinical_trials,
    "07_challenges": _challenges,
}


def chapter_checks(chapter: str) -> list[SelfCheck]:
    """Every self-check of a chapter, in order."""
    if chapter not in _BUILDERS:
        raise UnknownNameError("chapter", chapter, list(_BUILDERS))
    return _BUILDERS[chapter]()


def get(chapter: str, number: int) -> SelfCheck:
    """One self-check: ``get("06_clinical_trials", 2)``."""
    checks = chapter_checks(chapter)
    if not 1 <= number <= len(checks):
        raise MscteachError(f"{chapter} has self-checks 1 to {len(checks)}, not {number}")
    return checks[number - 1]


def as_table(chapter: str) -> pd.DataFrame:
    """A chapter's checks with their answers (for instructors)."""
    return pd.DataFrame([{"check": c.number, "question": c.question, "answer": c.answer_text}
                         for c in chapter_checks(chapter)])

