"""The data-dependent boxes and sentences of chapters 3, 5, 6 and 7: tables in, Markdown out.

Like :mod:`.narrative` (the index and chapters 1 and 6), each function counts
what a chapter's words would otherwise state as typed numbers, so that the text
follows a teacher's edits to the data, in either edition. What belongs to a
cited paper rather than to the data (that ref 56 concerns islet grafts) stays
in the chapter's prose.
"""
from __future__ import annotations

import pandas as pd

from ..data import randomised_designs
from ..i18n import digits, say, say_n, text
from .narrative import sentence_list

__all__ = ["RODENTS", "animal_evidence_note", "mechanism_evidence_note", "survival_reporting_sentence",
           "proportions_sentence", "trials_against_target_sentence", "uncited_challenges_sentence"]

#: Species values counted as rodents (the first word of ``animal_studies.species``: "mouse (SCID)" is a mouse).
RODENTS = ("mouse", "rat", "rodent")


def mechanism_evidence_note(mechanisms: pd.DataFrame, clinical: pd.DataFrame, lang: str | None = None) -> str:
    """Chapter 3's "How strong is this evidence?" box: how many mechanisms rest on one study, which on patients.

    A mechanism counts as observed in patients when one of its references is
    a clinical study of the data (``clinical_studies.ref_ids``).

    Parameters
    ----------
    mechanisms, clinical : DataFrame
        The ``mechanisms`` and ``clinical_studies`` tables.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        A Markdown block quote.

    Examples
    --------
    >>> import mscteach
    >>> print(mechanism_evidence_note(mscteach.load("mechanisms"), mscteach.load("clinical_studies"), "en"))
    ... # doctest: +NORMALIZE_WHITESPACE
    > **How strong is this evidence?** 32 of these 37 mechanisms rest on a single cited study, many
    of them in cell culture or in other organs (ref 56 concerns islet grafts). Only ref 60 is a clinical
    study in patients.
    """
    single = int((mechanisms["ref_ids"].map(len) == 1).sum())
    note = say("> **How strong is this evidence?** {single} of these {total} mechanisms rest on a single "
               "cited study, many of them in cell culture or in other organs (ref 56 concerns islet grafts).", lang,
               single=single, total=len(mechanisms))
    clinical_refs = {int(r) for refs in clinical["ref_ids"] for r in refs}
    in_patients = sorted({int(r) for refs in mechanisms["ref_ids"] for r in refs} & clinical_refs)
    if not in_patients:
        return note + " " + say("None is a clinical study in patients.", lang)
    return note + " " + say_n("Only ref {refs} is a clinical study in patients.",
                              "Only refs {refs} are clinical studies in patients.", len(in_patients), lang,
                              refs=sentence_list([digits(str(n), lang) for n in in_patients], lang))


def animal_evidence_note(animal: pd.DataFrame, lang: str | None = None) -> str:
    """Chapter 5's "What is missing?" box: species, routes and outcomes of the preclinical studies, counted.

    Parameters
    ----------
    animal : DataFrame
        The ``animal_studies`` table.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        A Markdown block quote.

    Examples
    --------
    >>> import mscteach
    >>> print(animal_evidence_note(mscteach.load("animal_studies"), "en"))  # doctest: +NORMALIZE_WHITESPACE
    > **What is missing?** Of the 20 preclinical studies, 13 are in mice or rats; 4 name no species and 17 no
    route, and some species or models come from the reference's title rather than the review (see `notes`).
    17 of 20 report benefit: negative animal studies are rarely cited in reviews, so this map cannot show how
    often MSCs fail.
    """
    species = animal["species"].fillna("").astype(str).str.split().str[0].fillna("")
    rodents = int(species.isin(RODENTS).sum())
    benefit = int((animal["outcome"] == "benefit").sum())
    return say("> **What is missing?** Of the {studies} preclinical studies, {rodents} are in mice or rats; "
               "{no_species} name no species and {no_route} no route, and some species or models come from the "
               "reference's title rather than the review (see `notes`). {benefit} of {studies} report benefit: "
               "negative animal studies are rarely cited in reviews, so this map cannot show how often MSCs fail.",
               lang, studies=len(animal), rodents=rodents, no_species=int(animal["species"].isna().sum()),
               no_route=int(animal["route"].isna().sum()), benefit=benefit)


def survival_reporting_sentence(outcomes: pd.DataFrame, clinical: pd.DataFrame, lang: str | None = None) -> str:
    """Chapter 6: which studies report survival only as percentages, which cannot be pooled as counts.

    Parameters
    ----------
    outcomes, clinical : DataFrame
        The ``outcomes`` and ``clinical_studies`` tables.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        A Markdown paragraph (ending with a colon: the chapter's study effects follow it).

    Examples
    --------
    >>> import mscteach
    >>> print(survival_reporting_sentence(mscteach.load("outcomes"), mscteach.load("clinical_studies"), "en"))
    ... # doctest: +NORMALIZE_WHITESPACE
    Survival, the outcome that matters most, is reported only as percentages (Lin 2017, Guo 2019), which cannot
    be turned into counts. What we can always compute is each study's own risk ratio (below 1 means fewer events
    with MSCs); a study with no events in either arm has none:
    """
    rows = outcomes[outcomes["outcome"] == "survival"]
    counted = set(rows.loc[rows["events"].notna(), "study_id"])
    percent_only = [s for s in dict.fromkeys(rows.loc[rows["percent"].notna(), "study_id"]) if s not in counted]
    names = (clinical["first_author"] + " " + clinical["year"].astype(str)).set_axis(clinical["study_id"])
    shown = [str(names.get(s, s)) for s in percent_only]
    closing = say("What we can always compute is each study's own risk ratio (below 1 means fewer events with "
                  "MSCs); a study with no events in either arm has none:", lang)
    if not shown:
        return (say("Survival, the outcome that matters most, is counted as events in both arms wherever the data "
                    "report it.", lang) + " " + closing)
    return (say("Survival, the outcome that matters most, is reported only as percentages ({studies}), which "
                "cannot be turned into counts.", lang, studies=say(", ", lang).join(shown)) + " " + closing)


def proportions_sentence(outcomes: pd.DataFrame, study_id: str, outcome: str, lang: str | None = None) -> str:
    """Chapter 7: the percentages a study reports for an outcome, per arm, and where they come from.

    Parameters
    ----------
    outcomes : DataFrame
        The ``outcomes`` table.
    study_id : str
        The study, e.g. ``"lin2017"``.
    outcome : str
        An outcome it reports as a percentage in both arms, e.g. ``"survival"``.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        A Markdown sentence.

    Raises
    ------
    UnknownNameError
        If the study reports no percentage for that outcome.

    Examples
    --------
    >>> import mscteach
    >>> proportions_sentence(mscteach.load("outcomes"), "lin2017", "survival", "en")
    'Survival at 24 weeks was 55.6% in the control arm and 73.2% with MSCs (source: abstract of ref 26).'
    """
    from .studies import reported_proportions

    shares = reported_proportions(outcomes, study_id, outcome)
    rows = outcomes[(outcomes["study_id"] == study_id) & (outcomes["outcome"] == outcome)
                    & outcomes["percent"].notna()]
    timepoint = rows["timepoint"].dropna()
    source = str(rows["source"].dropna().iloc[0]).split(" (")[0] if rows["source"].notna().any() else "?"
    values = {"outcome": text(outcome, lang).capitalize() if lang in (None, "en") else text(outcome, lang),
              "control": digits(f"{100 * shares['control']:.1f}%", lang),
              "treated": digits(f"{100 * shares['treated']:.1f}%", lang), "source": text(source, lang)}
    if timepoint.empty:
        return say("{outcome} was {control} in the control arm and {treated} with MSCs (source: {source}).", lang,
                   **values)
    return say("{outcome} at {timepoint} was {control} in the control arm and {treated} with MSCs (source: "
               "{source}).", lang, timepoint=text(str(timepoint.iloc[0]), lang), **values)


def trials_against_target_sentence(comparison: pd.DataFrame, per_arm: int, lang: str | None = None) -> str:
    """Chapter 7: which randomised trials, and which other studies, reach a target size per arm.

    Parameters
    ----------
    comparison : DataFrame
        :func:`mscteach.evidence.trials_against_target` of the clinical studies (``study``, ``design``,
        ``smaller_arm``).
    per_arm : int
        The patients per arm a trial needs.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        A Markdown sentence.

    Examples
    --------
    >>> import mscteach
    >>> from mscteach.evidence import trials_against_target
    >>> trials_against_target_sentence(trials_against_target(mscteach.load("clinical_studies"), 115), 115, "en")
    'Every randomised trial in the data is below that size (only Guo 2019 (cohort) is larger).'
    """
    large = comparison[comparison["smaller_arm"] >= per_arm]
    randomised = comparison["design"].isin(randomised_designs())
    large_rcts = large[large["design"].isin(randomised_designs())]
    others = [say("{study} ({design})", lang, study=row.study, design=text(str(row.design), lang))
              for row in large[~large["design"].isin(randomised_designs())].itertuples()]
    if not randomised.any():
        opening = say("No randomised trial with two arms is in the data", lang)
    elif large_rcts.empty:
        opening = say("Every randomised trial in the data is below that size", lang)
    else:
        opening = say_n("{n} randomised trial in the data reaches that size ({studies}); the others are below it",
                        "{n} randomised trials in the data reach that size ({studies}); the others are below it",
                        len(large_rcts), lang, studies=sentence_list(list(large_rcts["study"]), lang))
    if not others:
        return opening + say(".", lang)
    return opening + " " + say_n("(only {studies} is larger).", "(only {studies} are larger).", len(others), lang,
                                 studies=sentence_list(others, lang))


def uncited_challenges_sentence(challenges: pd.DataFrame, lang: str | None = None) -> str:
    """Chapter 7: how many open challenges are the review's own judgement, with no citation, and whether follow-up is.

    Parameters
    ----------
    challenges : DataFrame
        The ``challenges`` table.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        A Markdown paragraph.

    Examples
    --------
    >>> import mscteach
    >>> print(uncited_challenges_sentence(mscteach.load("challenges"), "en"))  # doctest: +NORMALIZE_WHITESPACE
    8 of the 16 challenges in the data are the review's own judgement, stated without a citation: the figure
    shows which. Follow-up is one of them. How long were patients followed?
    """
    uncited = challenges[challenges["ref_ids"].map(len) == 0]
    text_ = say("{uncited} of the {total} challenges in the data are the review's own judgement, stated without a "
                "citation: the figure shows which.", lang, uncited=len(uncited), total=len(challenges))
    if (uncited["category"] == "follow-up").any():
        text_ += " " + say("Follow-up is one of them.", lang)
    return text_ + " " + say("How long were patients followed?", lang)
