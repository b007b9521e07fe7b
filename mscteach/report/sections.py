"""The sections of a brief as the template notebook displays them: one small builder per section.

Every text that comes from the data or the parameters is escaped: a finding such as "ALT fell to <ULN"
shows as written, and markup in a data field never reaches the page. The sentences themselves are the
package's own (:func:`mscteach.i18n.say`, translated), so they may carry markup; a value filled into one is
escaped first, and the filled sentence is then :class:`~markupsafe.Markup` for the templates of
:mod:`mscteach.render`, which escape everything else.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from .. import display, evidence, i18n, stats
from ..data import in_language
from ..errors import UnknownNameError
from ..evidence import mark_from_sources
from ..i18n import say, say_n
from ..render import render
from .content import EvidenceBrief, plain_language
from .questions import question_text, shown_title, term

__all__ = ["SECTIONS", "SOURCE_MARK", "header_html", "section"]

#: Values the curators took from a study's own published report (the sources file) say so in the data; the brief
#: marks them, as every table of the course does (:func:`mscteach.evidence.mark_from_sources`), with a footnote.
SOURCE_MARK = display.SOURCE_MARK


def header_html(p: Mapping[str, Any], generated: str) -> str:
    """The brief's title block; title and author are escaped, so any text shows as text.

    Parameters
    ----------
    p : mapping of str to object
        Checked parameters (:func:`~mscteach.report.check_parameters`): the
        title (:func:`~mscteach.report.questions.shown_title`), the author
        ("Prepared by" is left out when it is empty), the question and
        ``lang`` (default ``"en"``).
    generated : str
        When the brief was generated, as
        :func:`~mscteach.report.content.generated_at` gives it (written in the
        language's digits).

    Returns
    -------
    str
        HTML: an ``<h1>`` title, the author, the question and the date.

    Examples
    --------
    >>> from mscteach.report import check_parameters
    >>> header_html(check_parameters({"disease": "ACLF", "author": "A <b>"}), "2025-01-02 10:00 UTC")
    '<h1>Evidence brief: MSC therapy for ACLF</h1><p>Prepared by A &lt;b&gt;</p><p><i>Question</i>:
    disease: <b>ACLF</b>; cells: <b>all</b>; origin: <b>all</b>; design: <b>all</b>; years: <b>1900-2100</b>;
    preclinical studies: <b>included</b>.<br><i>Generated</i>: 2025-01-02 10:00 UTC from the mscteach
    evidence tables.</p>'
    """
    lang = p.get("lang", "en")
    prepared_by = Markup(say("Prepared by {author}", lang, author=escape(p["author"]))) if p["author"] else ""
    question_and_date = Markup(say("<i>Question</i>: {question}.<br><i>Generated</i>: {generated} from the mscteach "
                                   "evidence tables.", lang, question=question_text(p),
                                   generated=escape(i18n.digits(generated, lang))))
    return str(render("brief_header.html.j2", title=shown_title(p), prepared_by=prepared_by,
                      question_and_date=question_and_date))


def _esc(value: Any) -> str:
    """A value from the data as text on the page (a list as "a, b"; a missing value as a dash)."""
    if isinstance(value, list):
        return escape(", ".join(map(str, value)))
    return "–" if stats.is_missing(value) else escape(str(value))


def _html(markup: str) -> Any:
    from IPython.display import HTML

    return HTML(str(markup))


def _paragraph(text: str) -> Any:
    """A paragraph: ``text`` is escaped unless it is :class:`~markupsafe.Markup` (a sentence of the package)."""
    return _html(render("paragraph.html.j2", text=text))


def _table(table: pd.DataFrame, lang: str = "en", translated: Sequence[str] = ()) -> Any:
    """A table for readers, drawn by :func:`mscteach.display.table_html` like every table of the course.

    In a language other than English the column labels are translated, and so are the cells of the
    ``translated`` columns (vocabulary and computed phrases; curated free text stays as written).
    """
    if table.empty:
        return _paragraph(Markup("<i>{}</i>").format(Markup(say("None.", lang))))
    if lang != "en":
        table = table.assign(**{c: table[c].map(lambda v: _phrase(v, lang)) for c in translated})
    return _html(_column_classes(display.table_html(table, lang=lang), list(table.columns)))


def _column_classes(html: str, columns: Sequence[Any]) -> str:
    """Each header cell of a table named after its column (``col-finding``), so print can size columns by kind.

    The labels a reader sees are translated; the class keeps the data's name, the same in every language.
    """
    classes = iter(re.sub(r"[^a-z0-9_]+", "-", str(c).lower()) for c in columns)
    return re.sub('<th scope="col">', lambda _: f'<th scope="col" class="col-{next(classes)}">', html,
                  count=len(columns))


def _phrase(value: Any, lang: str) -> Any:
    """A computed phrase in the language; phrases joined by "; " (flags, reasons) are translated one by one."""
    if not isinstance(value, str) or not value:
        return value
    return say("; ", lang).join(i18n.text(part, lang) for part in value.split("; "))


def _without_curation_notes(text: Any) -> Any:
    """A finding with the curators' "(source file)" notes turned into a footnote mark (English or Persian).

    >>> _without_curation_notes("No significant improvement (a negative trial; source file).")
    'No significant improvement (a negative trial) †.'
    >>> _without_curation_notes("بهبود معنی داری دیده نشد (کارآزمایی منفی؛ فایل منابع).")
    'بهبود معنی داری دیده نشد (کارآزمایی منفی) †.'
    """
    if not isinstance(text, str):
        return text
    text = re.sub(r"\s*\(([^()]*?)[;,؛،]\s*(?:from the )?(?:source file|فایل منابع)\)", rf" (\1) {SOURCE_MARK}", text)
    text = re.sub(r"\s*\((?:source file|فایل منابع)\)", f" {SOURCE_MARK}", text)
    return re.sub(r"(?:\bSource file|فایل منابع): ", f"{SOURCE_MARK} ", text)


def _number(value: float, lang: str = "en") -> str:
    return "–" if value != value else i18n.digits(f"{value:.2f}", lang)


def _markdown_bold(text: str) -> str:
    """Escape a sentence and turn its **bold** parts into <b> (the only markup the statements use)."""
    return Markup(re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", str(escape(text))))


def counts(brief: EvidenceBrief) -> list:
    """How many studies and patients answer the question."""
    lang, c = brief.lang, brief.counts
    designs = say(", ", lang).join(say("{n} {design}", lang, n=n, design=escape(term(d, lang)))
                                   for d, n in c["designs"].items()) or say("none", lang)
    lines = [say_n("<b>{n}</b> clinical study ({designs})", "<b>{n}</b> clinical studies ({designs})",
                   c["clinical_studies"], lang, designs=designs),
             say_n("<b>{n}</b> patient given cells, <b>{total}</b> in all (primary studies)",
                   "<b>{n}</b> patients given cells, <b>{total}</b> in all (primary studies)",
                   c["patients_treated"], lang, total=c["patients_total"]),
             say_n("<b>{n}</b> preclinical study", "<b>{n}</b> preclinical studies", c["preclinical_studies"], lang)]
    return [_html(render("list.html.j2", lines=map(Markup, lines)))]


def meaning(brief: EvidenceBrief) -> list:
    """What the evidence means, in plain words."""
    return [_paragraph(plain_language(brief))]


def certainty(brief: EvidenceBrief) -> list:
    """The GRADE summary of findings."""
    lang = brief.lang
    if brief.findings.empty:
        return [_paragraph(Markup(say("No study matching this question reports an outcome counted in both arms, "
                                      "so there is nothing to rate.", lang)))]
    table = brief.findings.rename(columns={"n_treated": "treated (n)", "n_control": "controls (n)",
                                           "relative_effect": "relative effect (95% CI)",
                                           "absolute_effect": "absolute effect", "reasons": "why"})
    return [_paragraph(Markup("<i>{}</i>").format(Markup(say("A rule-based first pass (mscteach.grade), not a "
                                                             "panel's judgement: check each reason.", lang)))),
            _table(table[["outcome", "timepoint", "studies", "treated (n)", "controls (n)",
                          "relative effect (95% CI)", "absolute effect", "certainty", "why"]], lang,
                   ["outcome", "timepoint", "relative effect (95% CI)", "absolute effect", "certainty", "why"])]


def clinical(brief: EvidenceBrief) -> list:
    """The matching clinical studies and what they found."""
    lang = brief.lang
    if brief.clinical.empty:
        return [_paragraph(Markup(say("<b>No clinical study in the review matches this question.</b> Widen a "
                                      "parameter (e.g. <code>all</code>) to see related evidence.", lang)))]
    shown = in_language(brief.clinical, lang)  # the findings in the brief's language (their Persian twins)
    table = shown.assign(study=shown["first_author"] + " " + shown["year"].astype(str),
                         dose=evidence.dose_shown(shown))
    design = ["study", "disease", "cell_type", "design", "evidence_level", "n_treated", "n_control", "dose",
              "route", "follow_up_weeks", "flags"]
    found = table[["study", "efficacy_finding", "safety_finding", "ref_ids"]].copy()
    for column in ("efficacy_finding", "safety_finding"):
        found[column] = found[column].map(_without_curation_notes)
    # each table marks its values from the sources file and says so under it (display.table_html)
    from_sources = table["fields_from_sources"]
    return [_table(mark_from_sources(table[design], from_sources), lang,
                   ["disease", "design", "route", "flags"]),
            _html(render("subheading.html.j2", text=Markup(say("What they found", lang)))),
            _table(mark_from_sources(found, from_sources), lang)]


def effects(brief: EvidenceBrief) -> list:
    """Pooled and per-study effect estimates, with forest plots."""
    from .. import plots

    lang = brief.lang
    items = [_paragraph(_markdown_bold(brief.poolability))]
    if brief.subgroups:  # subgroup results only where the data permit, and why not otherwise
        items.append(_paragraph(_markdown_bold(brief.subgroups)))
    note = Markup(say("Note", lang))
    for outcome, timepoint, result in brief.pooled_results:
        text = Markup("<b>{} ({})</b>: {}").format(term(outcome, lang), term(timepoint, lang), result.summary(lang))
        text += Markup("").join(Markup("<br><i>{}</i>: {}").format(note, _phrase(w, lang)) for w in result.warnings)
        items.append(_paragraph(text))
        if result.pooled:
            items.append(display.localise_figure(plots.forest_plot(result), lang))
    if brief.effects.empty:
        return items + [_paragraph(Markup(say("None of these studies reports a two-arm count that gives a "
                                              "per-study estimate.", lang)))]
    shown = brief.effects.assign(
        risk_ratio=[_number(v, lang) for v in brief.effects["effect"]],
        ci_95=[f"{_number(lo, lang)}-{_number(hi, lang)}" if inc else say("none: {why}", lang, why=_phrase(why, lang))
               for lo, hi, inc, why in zip(brief.effects["ci_low"], brief.effects["ci_high"],
                                           brief.effects["included"], brief.effects["excluded_reason"])])
    return items + [_paragraph(Markup(say("Per-study risk ratios (treated vs control; below 1 means fewer events "
                                          "with cells):", lang))),
                    _table(shown[["study", "outcome", "timepoint", "events_treated", "n_treated", "events_control",
                                  "n_control", "risk_ratio", "ci_95", "corrected"]], lang, ["outcome", "timepoint"])]


def preclinical(brief: EvidenceBrief) -> list:
    """The related animal and cell studies (or why there are none)."""
    lang, p = brief.lang, brief.parameters
    if not p["include_preclinical"]:
        return [_paragraph(Markup(say("Preclinical studies were left out of this brief "
                                      "(<code>include_preclinical = False</code>).", lang)))]
    if brief.animal.empty:
        return [_paragraph(Markup(say("<b>No preclinical study in the review matches this question.</b>", lang)))]
    models = say(", ", lang).join(_esc(term(m, lang)) for m in sorted(brief.animal["disease"].unique()))
    items = [] if p["disease"] == "all" else [_paragraph(Markup(say(
        "Models shown as related to {disease}: {models} (a curation choice: the <code>related_models</code> "
        "table).", lang, disease=_esc(term(p["disease"], lang)), models=models)))]
    if brief.preclinical_note:
        items.append(_paragraph(Markup("<b>{}</b>").format(brief.preclinical_note)))
    return items + [_table(in_language(brief.animal, lang)[["first_author", "year", "species", "model", "disease",
                                                            "cell_type", "outcome", "finding", "ref_ids"]],
                           lang, ["species", "disease"])]


def mechanisms(brief: EvidenceBrief) -> list:
    """The mechanisms of the categories related to the disease (a curation choice, said so), as the review describes them."""
    lang, p = brief.lang, brief.parameters
    items = []
    if p["disease"] != "all" and not brief.mechanisms.empty:
        categories = say(", ", lang).join(_esc(term(c, lang)) for c in sorted(brief.mechanisms["category"].unique()))
        items.append(_paragraph(Markup(say(
            "Mechanism categories shown as related to {disease}: {categories} (a curation choice: the "
            "<code>related_mechanisms</code> table; the review describes the mechanisms but does not link them to "
            "diseases).", lang, disease=_esc(term(p["disease"], lang)), categories=categories))))
    return items + [_table(in_language(brief.mechanisms, lang)[["category", "mediator", "target", "effect",
                                                                "ref_ids"]], lang, ["category"])]


def registered(brief: EvidenceBrief) -> list:
    """Trials registered since the review that match the disease and cells."""
    lang = brief.lang
    if brief.registered is None:
        return [_paragraph(Markup(say("No trial-registry export has been imported into this data folder, so "
                                      "trials registered since the review are not listed (data/README.md, "
                                      "\"Registered trials\", says how to add them).", lang)))]
    if brief.registered.empty:
        return [_paragraph(Markup(say("None of the registered trials in the data folder matches this question's "
                                      "disease and cells.", lang)))]
    n = len(brief.registered)
    return [_paragraph(Markup(say_n(
                "{n} registered trial matches this question's disease and cells (origin, design and years do not "
                "apply to registry records). These are the registers' records, not results: status as of the "
                "import of {imported_on}.",
                "{n} registered trials match this question's disease and cells (origin, design and years do not "
                "apply to registry records). These are the registers' records, not results: status as of the "
                "import of {imported_on}.", n, lang, imported_on=_esc(i18n.digits(brief.registered_on, lang))))),
            _table(evidence.registered_overview(brief.registered).drop(columns=["disease"]), lang,
                   ["phase", "status"])]


def caveats(brief: EvidenceBrief) -> list:
    """The review's caveats: in full where they name the question, by name otherwise."""
    lang, plural, p = brief.lang, evidence.plural, brief.parameters
    flagged = brief.clinical[~brief.clinical["flags"].isin(["none", "pools other studies"])]
    items = [_paragraph(Markup(say(
        "{flagged} of {n} matching {study_word} {carry_word} a quality flag (no control arm, fewer than "
        "{small} treated, or under {short} weeks of follow-up).", lang, flagged=len(flagged),
        n=len(brief.clinical), study_word=plural(len(brief.clinical), "study", "studies"),
        carry_word=plural(len(flagged), "carries", "carry"), small=evidence.SMALL_SAMPLE,
        short=evidence.SHORT_FOLLOW_UP)))] if len(brief.clinical) else []
    specific, general = evidence.caveats_for(brief.challenges, p["disease"], p["cell_type"], p["cell_origin"])
    if len(specific):
        items += [_paragraph(Markup("<b>{}</b>").format(Markup(say("The review's caveats that name this "
                                                                   "question's disease, cells or origin:", lang)))),
                  _table(in_language(specific, lang)[["challenge", "category", "description", "ref_ids"]], lang,
                         ["category"])]
    heading = Markup(say("Other caveats the review raises for MSC therapy in general", lang) if len(specific)
                     else say("Caveats the review raises for MSC therapy in general", lang))
    listed = [{"challenge": _esc(term(r.challenge, lang)), "category": _esc(term(r.category, lang)),
               "refs": say(", ", lang).join(i18n.digits(n, lang) for n in r.ref_ids)
               if isinstance(r.ref_ids, list) and r.ref_ids else ""}
              for r in general.itertuples()]
    return items + [_html(render("brief_caveats.html.j2", heading=heading, caveats=listed))]


def _data_note(brief: EvidenceBrief) -> str:
    """Which data made the brief, and whose its reference numbers are (the review's only for the packaged data)."""
    made, lang = brief.provenance, brief.lang
    if made is None:  # a brief computed without its provenance
        return ""
    if made.packaged:
        return say("Numbers are the review's own. Data: {summary}.", lang, summary=escape(made.summary(lang)))
    # a teacher's folder is named, not its path: a brief is shared beyond the computer that made it
    note = say("Data ({folder}): {summary}.", lang, folder=escape(made.folder.name), summary=escape(made.summary(lang)))
    cited = set(brief.references["ref_id"]) if not brief.references.empty else set()
    added = [k for k in made.added("references") if k in cited]
    if added:
        note += " " + say_n("Reference {refs} was added to this course's data; it is not one of the review's.",
                            "References {refs} were added to this course's data; they are not the review's.",
                            len(added), lang, refs=i18n.digits(", ".join(map(str, added)), lang))
    return note


def references(brief: EvidenceBrief) -> list:
    """The references cited, under their numbers; which data made the brief, and which references it added."""
    note = _data_note(brief)
    items = [_paragraph(Markup(note))] if note else []
    if brief.references.empty:
        return items + [_paragraph(Markup(say("No references.", brief.lang)))]
    added = set(brief.provenance.added("references")) if brief.provenance is not None else set()
    listed = [{"number": int(r.ref_id), "citation": _esc(r.citation),
               "added": Markup(say("added to this course's data", brief.lang)) if r.ref_id in added else ""}
              for r in brief.references.itertuples()]
    return items + [_html(render("brief_references.html.j2", references=listed))]


#: The template's sections, in the order it shows them: name -> builder of its displayable items.
SECTIONS: dict[str, Callable[[EvidenceBrief], list]] = {
    "counts": counts, "meaning": meaning, "clinical": clinical, "effects": effects, "certainty": certainty,
    "preclinical": preclinical, "mechanisms": mechanisms, "registered": registered, "caveats": caveats,
    "references": references,
}


def section(brief: EvidenceBrief, name: str) -> list:
    """The displayable items of one section of a brief (the template shows them in order).

    Parameters
    ----------
    brief : EvidenceBrief
        The computed brief (:func:`~mscteach.report.evidence_brief`).
    name : str
        A key of :data:`SECTIONS`: ``"counts"``, ``"meaning"``,
        ``"clinical"``, ``"effects"``, ``"certainty"``, ``"preclinical"``,
        ``"mechanisms"``, ``"registered"``, ``"caveats"`` or
        ``"references"``.

    Returns
    -------
    list
        Objects for :func:`IPython.display.display`: HTML paragraphs and
        tables (every value from the data escaped) and, for ``"effects"``,
        forest plots (matplotlib figures).

    Raises
    ------
    UnknownNameError
        For any other name (listing the sections, with the closest match).

    Examples
    --------
    >>> from mscteach.report import evidence_brief
    >>> section(evidence_brief({"disease": "NAFLD"}), "meaning")
    [<IPython.core.display.HTML object>]
    """
    if name not in SECTIONS:
        raise UnknownNameError("section", name, list(SECTIONS))
    return SECTIONS[name](brief)
