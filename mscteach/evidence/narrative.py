"""The chapters' data-dependent sentences: tables in, Markdown out, in the reader's language.

A chapter's prose states what the review says; wherever a sentence counts
rows, lists reference numbers or rates the evidence, it is computed here so
that it follows a teacher's edits to the data (a study added, a reference
added). What belongs to the review itself stays the review's: its reference
list ends at :data:`REVIEW_REFERENCES`, and a reference numbered beyond it is
called one added to the course's data.
"""
from __future__ import annotations

import math

import pandas as pd

from ..data import randomised_designs
from ..i18n import digits, say, say_n, text
from ..stats import binary_outcomes, meta_analysis, study_effects, trial_size
from ..stats.grade import summary_of_findings
from .filters import split_items

__all__ = ["REVIEW_REFERENCES", "added_references", "certainty_paragraph", "counts_source_sentence",
           "evidence_strength_note", "grade_domain", "grade_domains_sentence", "reference_list", "reference_numbers_note", "reference_years_sentence",
           "sentence_list"]

#: How many references the review lists (its numbered list ends at 103; seed file, "References").
REVIEW_REFERENCES = 103
# the GRADE default the summary of findings sizes its optimal information size for (mscteach.stats.grade)
_REDUCTION = 0.25


def reference_list(numbers: list[int], lang: str | None = None) -> str:
    """Reference numbers as the chapters print them, ``[26, 28, 31]``, in the language's digits.

    Parameters
    ----------
    numbers : list of int
        The reference numbers, in the order to show.
    lang : str, optional
        The language (default: the one figures are shown in, :mod:`mscteach.i18n`).

    Returns
    -------
    str

    Examples
    --------
    >>> reference_list([26, 28, 104], "en")
    '[26, 28, 104]'
    """
    return digits("[" + ", ".join(str(n) for n in numbers) + "]", lang)


def sentence_list(items: list[str], lang: str | None = None) -> str:
    """Items as a sentence joins them, in the language's words: "A", "A and B", "A, B and C".

    Parameters
    ----------
    items : list of str
        One or more items, in the order to show (numbers already in the language's digits).
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        The items with commas between them and the language's "and" before the last.

    Examples
    --------
    >>> sentence_list(["31", "97", "100"], "en")
    '31, 97 and 100'
    """
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else say(", ", lang).join(items[:-1]) + say(" and ", lang) + items[-1]


def added_references(references: pd.DataFrame) -> list[int]:
    """Numbers of the references added to the course's data: any beyond the review's own 1-103.

    Parameters
    ----------
    references : DataFrame
        The ``references`` table.

    Returns
    -------
    list of int
        Ascending; empty for the review's curated data.

    Examples
    --------
    >>> import mscteach
    >>> added_references(mscteach.load("references"))
    []
    """
    return sorted(int(n) for n in references["ref_id"] if not 1 <= int(n) <= REVIEW_REFERENCES)


def reference_numbers_note(references: pd.DataFrame, lang: str | None = None) -> str:
    """The index's bullet on ``ref_ids``: the review's numbers, and any added to the course's data.

    Parameters
    ----------
    references : DataFrame
        The ``references`` table.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        One Markdown bullet.

    Examples
    --------
    >>> import mscteach
    >>> print(reference_numbers_note(mscteach.load("references"), "en"))
    - **`ref_ids`** are the review's own reference numbers (1-103). `mscteach.cite(n)` prints reference *n*.
    """
    added = added_references(references)
    if not added:
        return say("- **`ref_ids`** are the review's own reference numbers (1-{last}). `mscteach.cite(n)` prints "
                   "reference *n*.", lang, last=REVIEW_REFERENCES)
    return say_n("- **`ref_ids`** are the review's own reference numbers (1-{last}), and {numbers} for the "
                 "{n} reference added to this course's data. `mscteach.cite(n)` prints reference *n*.",
                 "- **`ref_ids`** are the review's own reference numbers (1-{last}), and {numbers} for the "
                 "{n} references added to this course's data. `mscteach.cite(n)` prints reference *n*.",
                 len(added), lang, last=REVIEW_REFERENCES, numbers=reference_list(added, lang))


def reference_years_sentence(references: pd.DataFrame, lang: str | None = None) -> str:
    """Chapter 1's sentence introducing the figure of reference years: which references it compares.

    Parameters
    ----------
    references : DataFrame
        The ``references`` table.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        Markdown.

    Examples
    --------
    >>> import mscteach
    >>> print(reference_years_sentence(mscteach.load("references"), "en"))
    How old are the sources this history rests on? The figure compares the publication years of the review's 103 references with those cited in this chapter.
    """
    added = added_references(references)
    review = len(references) - len(added)
    if not added:
        return say("How old are the sources this history rests on? The figure compares the publication years of "
                   "the review's {review} references with those cited in this chapter.", lang, review=review)
    return say_n("How old are the sources this history rests on? The figure compares the publication years of "
                 "the review's {review} references and the {n} reference added to this course's data {numbers} "
                 "with those cited in this chapter.",
                 "How old are the sources this history rests on? The figure compares the publication years of "
                 "the review's {review} references and the {n} references added to this course's data {numbers} "
                 "with those cited in this chapter.",
                 len(added), lang, review=review, numbers=reference_list(added, lang))


def evidence_strength_note(clinical: pd.DataFrame, lang: str | None = None) -> str:
    """Chapter 6's "How sure can we be?" box: sizes, controls, doses, follow-up and the randomised trials.

    Counts are over the studies with treated patients (meta-analyses have
    none). A trial whose design the data take from the sources file (its
    ``fields_from_sources`` lists ``design``), not from the review, is named
    as such.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table (or a selection of it).
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        A Markdown block quote.

    Examples
    --------
    >>> import mscteach
    >>> print(evidence_strength_note(mscteach.load("clinical_studies"), "en"))  # doctest: +ELLIPSIS
    > **How sure can we be?** Of the 15 clinical studies with treated patients, 14 treated fewer than 60, ...
    """
    treated = clinical[clinical["n_treated"].notna()]
    small = int((treated["n_treated"] < 60).sum())
    uncontrolled = int((treated["control_type"].fillna("none") == "none").sum())
    per_kg = int(treated["dose_cells_per_kg"].notna().sum())
    short = int((treated["follow_up_weeks"] <= 52).sum())
    opening = say("> **How sure can we be?** Of the {studies} clinical studies with treated patients, {small} "
                  "treated fewer than 60, {uncontrolled} have no control group, {per_kg} give a dose per "
                  "kilogram, and {short} follow patients for a year or less.", lang, studies=len(treated),
                  small=small, uncontrolled=uncontrolled, per_kg=per_kg, short=short)
    trials = clinical[clinical["design"].isin(randomised_designs())]
    if trials.empty:
        return opening + "\n" + say("> No randomised trial is in the data, and the review itself calls for "
                                    "larger phase III trials with longer follow-up.", lang)
    numbers = sorted({int(r) for refs in trials["ref_ids"] for r in refs})
    from_sources = sorted({int(r) for refs, fields in zip(trials["ref_ids"], trials["fields_from_sources"])
                           if "design" in split_items(fields) for r in refs})
    if not from_sources:
        closing = say("> Randomised trials exist {numbers}, but the review itself calls for larger phase III "
                      "trials with longer follow-up.", lang, numbers=reference_list(numbers, lang))
    else:
        closing = say_n("> Randomised trials exist {numbers} (for {sourced} it is the study's abstract in the "
                        "sources file, not the review, that says so), but the review itself calls for larger "
                        "phase III trials with longer follow-up.",
                        "> Randomised trials exist {numbers} (for {sourced} it is the studies' abstracts in the "
                        "sources file, not the review, that say so), but the review itself calls for larger "
                        "phase III trials with longer follow-up.",
                        len(from_sources), lang, numbers=reference_list(numbers, lang),
                        sourced=sentence_list([digits(str(n), lang) for n in from_sources], lang))
    return opening + "\n" + closing


def grade_domains_sentence(judged: str, assumed: str, lang: str | None = None) -> str:
    """Which GRADE domains a rating judged (from the data or an override) and which it assumed, not assessed.

    Parameters
    ----------
    judged, assumed : str
        A summary of findings row's ``judged`` and ``assumed`` (domains joined by "; ", or "none"), as
        :func:`mscteach.stats.summary_of_findings` gives them.
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str

    Examples
    --------
    >>> grade_domains_sentence("imprecision", "risk of bias; publication bias", "en")
    'Judged from the data: imprecision. Not assessed, so assumed not serious: risk of bias, publication bias.'
    """
    def named(domains: str) -> str:
        return say(", ", lang).join(grade_domain(d, lang) for d in domains.split("; ") if d != "none")

    if assumed == "none":
        return say("Judged from the data: {judged}.", lang, judged=named(judged))
    if judged == "none":
        return say("Not assessed, so assumed not serious: {assumed}.", lang, assumed=named(assumed))
    return say("Judged from the data: {judged}. Not assessed, so assumed not serious: {assumed}.", lang,
               judged=named(judged), assumed=named(assumed))


def counts_source_sentence(counts_from: str, studies: int, lang: str | None = None) -> str:
    """Where a rated outcome's counts come from, when not (only) from the review.

    Parameters
    ----------
    counts_from : str
        A summary of findings row's ``counts_from`` (:data:`mscteach.stats.grade.COUNTS_FROM`).
    studies : int
        How many studies the row counts (the sentence's singular or plural).
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        The sentence with a leading space, or "" when every count is the review's.

    Examples
    --------
    >>> counts_source_sentence("the sources file", 1, "en")
    " Its counts come from the study's published report (sources file), not the review."
    >>> counts_source_sentence("the review", 2, "en")
    ''
    """
    if counts_from == "the sources file":
        return " " + say_n("Its counts come from the study's published report (sources file), not the review.",
                           "Its counts come from the studies' published reports (sources file), not the review.",
                           studies, lang)
    if counts_from == "the review and the sources file":
        return " " + say("Some of its counts come from the studies' published reports (sources file), not the "
                         "review.", lang)
    if counts_from == "other sources":
        return " " + say_n("Its counts come from a source outside the review (the outcomes table's `source` "
                           "names it).",
                           "Its counts come from sources outside the review (the outcomes table's `source` "
                           "names them).", studies, lang)
    if counts_from == "the review and other sources":
        return " " + say("Some of its counts come from sources outside the review (the outcomes table's `source` "
                         "names them).", lang)
    return ""


def grade_domain(domain: str, lang: str | None = None) -> str:
    """A GRADE domain's name in the language (an override's marked as such).

    Parameters
    ----------
    domain : str
        One of :data:`mscteach.stats.grade.DOMAINS`, as ``judged`` and
        ``assumed`` of :func:`mscteach.stats.summary_of_findings` list them
        (an override's ending in " (override)").
    lang : str, optional
        A language code of :data:`mscteach.i18n.LANGUAGES`.

    Returns
    -------
    str
        The name, or the value as given for a name outside the domains.

    Examples
    --------
    >>> grade_domain("risk of bias", "en"), grade_domain("imprecision (override)", "en")
    ('risk of bias', 'imprecision (override)')
    """
    if domain.endswith(" (override)"):
        return say("{domain} (override)", lang, domain=grade_domain(domain[:-len(" (override)")], lang))
    names = {"risk of bias": say("risk of bias", lang), "inconsistency": say("inconsistency", lang),
             "indirectness": say("indirectness", lang), "imprecision": say("imprecision", lang),
             "publication bias": say("publication bias", lang)}
    return names.get(domain, domain)


def _level(level: str, lang: str | None) -> str:
    # each level its own sentence entry, so that the catalogue translates the word the rules chose
    words = {"High": say("High", lang), "Moderate": say("Moderate", lang), "Low": say("Low", lang),
             "Very low": say("Very low", lang)}
    return words[level]


def _grading(outcomes: pd.DataFrame, clinical: pd.DataFrame, outcome: str) -> dict:
    """What the summary of findings decided for ``outcome``, with the numbers behind its imprecision."""
    sof = summary_of_findings(outcomes, clinical)
    row = sof[sof["outcome"] == outcome]
    if row.empty:
        raise ValueError(f"no two-arm binary outcome {outcome!r} in the data")
    row = row.iloc[0]
    wide = binary_outcomes(outcomes, clinical)
    wide = wide[(wide["outcome"] == outcome) & (wide["timepoint"] == row["timepoint"])]
    if len(wide) > 1:
        result = meta_analysis(wide, "RR", "DL")
        estimate, low, high = result.estimate, result.ci_low, result.ci_high
    else:
        effect = study_effects(wide, "RR").iloc[0]
        estimate, low, high = float(effect["effect"]), float(effect["ci_low"]), float(effect["ci_high"])
    n_control = int(wide["n_control"].sum())
    risk = float(wide["events_control"].sum()) / n_control if n_control else float("nan")
    needed = 2 * trial_size(risk, risk * (1 - _REDUCTION)) if 0 < risk < 1 else None
    steps = {domain: str(row[domain]).split(":", 1)[0] for domain in
             ("risk of bias", "inconsistency", "indirectness", "imprecision", "publication bias")}
    return {"row": row, "wide": wide, "estimate": estimate, "low": low, "high": high, "risk": risk,
            "needed": needed, "participants": int(row["n_treated"] + row["n_control"]), "steps": steps,
            "randomised": int(wide["study_id"].map(clinical.set_index("study_id")["design"])
                              .isin(randomised_designs()).sum())}


def _stepped(g: dict, lang: str | None) -> tuple[int, list[str]]:
    """How many steps down, and a phrase for each domain that took one."""
    phrases, total = [], 0
    for domain, decision in g["steps"].items():
        n = {"serious": 1, "very serious": 2}.get(decision, 0)
        total += n
        if not n:
            continue
        if domain == "imprecision" and not math.isnan(g["estimate"]):
            why = []
            if g["low"] < 1 < g["high"]:
                why.append(say("the interval ({low:.2f} to {high:.2f}) includes no effect", lang,
                               low=g["low"], high=g["high"]))
            if g["needed"] is not None and g["participants"] < g["needed"]:
                why.append(say("{participants} patients are fewer than the {needed} a trial would need", lang,
                               participants=g["participants"], needed=g["needed"]))
            phrases.append(say("imprecision ({why})", lang, why=say(" and ", lang).join(why)))
        elif domain == "imprecision":
            phrases.append(say("imprecision (no events in any arm, so no estimate)", lang))
        elif domain == "inconsistency":
            phrases.append(say("inconsistency (the studies point both ways)", lang))
        elif domain == "indirectness":
            phrases.append(say("indirectness (studies of other diseases than the question's)", lang))
        else:
            phrases.append(say("{domain} (a teacher's judgement)", lang, domain=text(domain, lang)))
    return total, phrases


def certainty_paragraph(outcomes: pd.DataFrame, clinical: pd.DataFrame, outcome: str = "severe infection",
                        lang: str | None = None) -> str:
    """Chapter 6's reading of the summary of findings for one outcome: the counts, the effect, the certainty.

    Everything is read from :func:`mscteach.stats.grade.summary_of_findings`
    (rule-based, no overrides) and the outcome's rows, so the paragraph says
    what the table shows.

    Parameters
    ----------
    outcomes, clinical : DataFrame
        The ``outcomes`` and ``clinical_studies`` tables.
    outcome : str, default "severe infection"
        A two-arm binary outcome of the data (its first time point).
    lang : str, optional
        The language (default: the one figures are shown in).

    Returns
    -------
    str
        A Markdown paragraph.

    Raises
    ------
    ValueError
        If no study reports ``outcome`` as events in two arms.

    Examples
    --------
    >>> import mscteach
    >>> print(certainty_paragraph(mscteach.load("outcomes"), mscteach.load("clinical_studies"), lang="en"))
    ... # doctest: +ELLIPSIS
    Lin 2017's severe infection: 9 of 56 treated patients against 18 of 54 controls, ...
    """
    g = _grading(outcomes, clinical, outcome)
    wide, name = g["wide"], text(outcome, lang)
    counts = {"events_treated": int(wide["events_treated"].sum()), "n_treated": int(wide["n_treated"].sum()),
              "events_control": int(wide["events_control"].sum()), "n_control": int(wide["n_control"].sum())}
    if math.isnan(g["estimate"]):
        effect = say("no risk ratio can be estimated (no events in any arm).", lang)
    else:
        difference = round(1000 * g["risk"] * (g["estimate"] - 1))
        if len(wide) == 1:
            effect = (say("a risk ratio of {ratio:.2f}, or about {n} fewer per 1000 patients.", lang,
                          ratio=g["estimate"], n=-difference) if difference < 0 else
                      say("a risk ratio of {ratio:.2f}, or about {n} more per 1000 patients.", lang,
                          ratio=g["estimate"], n=difference))
        else:
            effect = (say("a pooled risk ratio of {ratio:.2f} ({low:.2f} to {high:.2f}), or about {n} fewer per "
                          "1000 patients.", lang, ratio=g["estimate"], low=g["low"], high=g["high"], n=-difference)
                      if difference < 0 else
                      say("a pooled risk ratio of {ratio:.2f} ({low:.2f} to {high:.2f}), or about {n} more per "
                          "1000 patients.", lang, ratio=g["estimate"], low=g["low"], high=g["high"], n=difference))
    if len(wide) == 1:
        first = say("{study}'s {outcome}: {events_treated} of {n_treated} treated patients against "
                    "{events_control} of {n_control} controls, {effect}", lang, study=wide["study"].iloc[0],
                    outcome=name, effect=effect, **counts)
    else:
        first = say("{outcome} in {n} studies ({studies}): {events_treated} of {n_treated} treated patients "
                    "against {events_control} of {n_control} controls in all, {effect}", lang, outcome=name,
                    n=len(wide), studies=say(", ", lang).join(wide["study"]), effect=effect, **counts)
    if g["randomised"] == len(wide):
        # "one" is a word, not a count: its own entry, so the Persian (one plural form) does not write "1"
        start = (say("One randomised trial starts at High", lang) if len(wide) == 1 else
                 say("{n} randomised trials start at High", lang, n=len(wide)))
    else:
        start = say("Not every study is randomised, so the evidence starts at Low", lang)
    total, phrases = _stepped(g, lang)
    level = _level(g["row"]["level"], lang)
    if not phrases:
        rest = say("; no domain takes it down, so a rule-based first pass rates it {level}.", lang, level=level)
    else:
        reasons = say("; ", lang).join(phrases)
        rest = (say("; it loses one step for {reasons}, so a rule-based first pass rates it {level}.", lang,
                    reasons=reasons, level=level) if total == 1 else
                say("; it loses {n} steps for {reasons}, so a rule-based first pass rates it {level}.", lang,
                    n=total, reasons=reasons, level=level))
    # what the rating did not judge, and counts that are not the review's, said where the verdict is
    return (first + " " + start + rest + " " + grade_domains_sentence(g["row"]["judged"], g["row"]["assumed"], lang)
            + counts_source_sentence(g["row"]["counts_from"], len(wide), lang))

