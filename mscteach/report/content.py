"""What a brief shows, computed once from the data for one question: :func:`evidence_brief`.

The parent process computes it (for the JSON summary) and hands it to the template's kernel through a
file (:func:`save_brief`, :func:`load_brief`), which only displays it.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import evidence, stats
from ..data import load
from ..data.provenance import Provenance, provenance_of
from ..evidence.narrative import counts_source_sentence, grade_domain, grade_domains_sentence
from ..i18n import say, say_n
from .questions import check_parameters, shown_title, term

__all__ = ["EvidenceBrief", "evidence_brief", "generated_at", "grade_domain", "load_brief", "plain_language",
           "save_brief"]


@dataclass
class EvidenceBrief:
    """Everything an evidence brief shows, computed from the data for one set of parameters.

    Made by :func:`evidence_brief`; the tables keep the data's columns.

    Parameters
    ----------
    parameters : dict of str to object
        The checked parameters (:func:`~mscteach.report.check_parameters`).
    clinical : DataFrame
        The matching clinical studies, with their evidence levels and flags.
    animal : DataFrame
        The related preclinical studies (none if they were left out).
    mechanisms : DataFrame
        The mechanisms the review relates to the disease.
    effects : DataFrame
        Per-study risk ratios of the binary outcomes (``effect``, ``ci_low``,
        ``ci_high``, ``corrected``, ``included``, ``excluded_reason``).
    pooled : dict, optional
        JSON-ready pooled estimates by "outcome (timepoint)", for every
        outcome and timepoint with at least two studies.
    pooled_results : list, optional
        ``(outcome, timepoint, MetaAnalysisResult)`` for the same analyses.
    challenges : DataFrame, optional
        The review's challenges (every row: the brief picks the caveats).
    references : DataFrame, optional
        The references the shown tables cite.
    poolability : str, optional
        Which outcomes can be pooled, as a sentence with ``**bold**`` parts.
    findings : DataFrame, optional
        The GRADE summary of findings (:func:`mscteach.stats.summary_of_findings`).
    preclinical_note : str, optional
        Why the preclinical studies shown used other cells (English only).
    registered : DataFrame or None, optional
        Registered trials matching the disease and cells; None when no
        registry export was imported into the data folder.
    registered_on : str, optional
        When the registry export was imported ("" without one).
    provenance : Provenance, optional
        The data the brief was made from, compared with the packaged data
        (:func:`mscteach.data.provenance.provenance_of`); None for a brief
        made without it.
    subgroups : str, optional
        A subgroup analysis by cell type where the data permit it, or why
        there is none (:func:`mscteach.evidence.subgroup_statement`).
    """

    parameters: dict[str, Any]
    clinical: pd.DataFrame
    animal: pd.DataFrame
    mechanisms: pd.DataFrame
    effects: pd.DataFrame
    pooled: dict[str, Any] = field(default_factory=dict)
    pooled_results: list = field(default_factory=list)
    challenges: pd.DataFrame = field(default_factory=pd.DataFrame)
    references: pd.DataFrame = field(default_factory=pd.DataFrame)
    poolability: str = ""
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    preclinical_note: str = ""
    #: registered trials matching the disease and cells (None: no registry export imported into the data folder)
    registered: pd.DataFrame | None = None
    registered_on: str = ""
    provenance: Provenance | None = None
    #: whether the outcomes allow a subgroup analysis by cell type, and its result where they do
    subgroups: str = ""

    @property
    def lang(self) -> str:
        """The language the brief is written in ("en" or "fa")."""
        return self.parameters.get("lang", "en")

    @property
    def counts(self) -> dict[str, Any]:
        """How many studies and patients answer the question.

        A dict with ``clinical_studies``, ``patients_treated`` and
        ``patients_total`` (both over primary studies only, a missing count
        as 0), ``designs`` (studies by design, sorted by design) and
        ``preclinical_studies``.
        """
        primary = self.clinical[evidence.primary(self.clinical)]
        return {
            "clinical_studies": int(len(self.clinical)),
            "patients_treated": int(primary["n_treated"].fillna(0).sum()),
            "patients_total": int(primary["n_total"].fillna(0).sum()),
            "designs": {d: int(n) for d, n in self.clinical["design"].value_counts().sort_index().items()},
            "preclinical_studies": int(len(self.animal)),
        }

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary: parameters, counts, study ids, pooled estimates, references.

        Returns
        -------
        dict of str to object
            ``parameters`` (``title`` as the heading shows it:
            :func:`~mscteach.report.questions.shown_title`), ``counts``, ``clinical_study_ids``,
            ``preclinical_study_ids``, ``per_study_effects`` (risk ratios to 4
            decimals, or None with the reason), ``pooled``,
            ``summary_of_findings`` (with the domains ``judged`` and ``assumed`` and where the
            counts come from: :func:`mscteach.stats.summary_of_findings`), ``registered_trials`` (None without a
            registry export), ``reference_ids``, ``source`` (the review) and
            ``data`` (the data folder, ``"packaged"`` or its path; its
            content hash; "the review's curated data" or what was added,
            changed and removed against it, with each table's keys:
            :meth:`~mscteach.data.provenance.Provenance.as_json`).
            Ready for :func:`json.dumps` (:func:`~mscteach.report.write_brief` writes it so).
        """
        return {
            # the title as the brief's heading shows it (the default one names the question), not the placeholder
            "parameters": {**self.parameters, "title": shown_title(self.parameters)},
            "counts": self.counts,
            "clinical_study_ids": self.clinical["study_id"].tolist(),
            "preclinical_study_ids": self.animal["study_id"].tolist(),
            "per_study_effects": [
                {"study_id": r.study_id, "outcome": r.outcome, "timepoint": r.timepoint, "measure": "RR",
                 **({"estimate": round(float(r.effect), 4), "ci_low": round(float(r.ci_low), 4),
                     "ci_high": round(float(r.ci_high), 4)} if r.included
                    else {"estimate": None, "reason": r.excluded_reason})}
                for r in self.effects.itertuples()],
            "pooled": self.pooled,
            "summary_of_findings": [
                {"outcome": r.outcome, "timepoint": r.timepoint, "studies": int(r.studies),
                 "participants": {"treated": int(r.n_treated), "control": int(r.n_control)},
                 "relative_effect": r.relative_effect, "absolute_effect": r.absolute_effect,
                 "certainty": r.level, "reasons": r.reasons, "assessment": r.assessment,
                 "judged": r.judged, "assumed": r.assumed, "counts_from": r.counts_from}
                for r in self.findings.itertuples()],
            "registered_trials": None if self.registered is None else [
                {"registry_id": r["registry_id"], "title": r["title"], "status": r["status"],
                 "phase_registered": r["phase_registered"], "enrolment": r["enrolment"],
                 "enrolment_type": r["enrolment_type"], "published_study_id": r["published_study_id"]}
                for r in self.registered.astype(object).where(self.registered.notna(), None).to_dict("records")],
            "reference_ids": self.references["ref_id"].tolist(),
            "source": "Moudi B, Karbalaie-Harofteh M, Moudi M. Razi J Med Sci. 2025;32:43 (CC BY-NC-SA 4.0)",
            "data": None if self.provenance is None else self.provenance.as_json(),
        }


def evidence_brief(parameters: Mapping[str, Any], data: Path | None = None) -> EvidenceBrief:
    """Compute the content of an evidence brief (validating the parameters first).

    A pure function of the data and the parameters: the parent process calls
    it once, and the template's kernel displays what it returns.

    Parameters
    ----------
    parameters : mapping of str to object
        Report parameters, as :func:`~mscteach.report.check_parameters`
        takes them (missing ones take their defaults).
    data : Path, optional
        The data folder (default: the one in use, ``$MSCTEACH_DATA_DIR`` or
        the packaged data).

    Returns
    -------
    EvidenceBrief
        The studies matching the question (clinical studies by disease,
        cells, origin, design and years; preclinical ones by the related
        models, years and, where any match, the same cells), their effects,
        pooled estimates, GRADE findings, caveats, references, registered
        trials, and which data made them.

    Raises
    ------
    ReportParameterError
        For a bad parameter (:func:`~mscteach.report.check_parameters`).

    Examples
    --------
    >>> brief = evidence_brief({"disease": "ACLF", "design": "RCT"})
    >>> brief.counts["clinical_studies"], brief.counts["designs"]
    (2, {'RCT': 2})
    """
    p = check_parameters(parameters, data)
    every_study, every_outcome = load("clinical_studies", data), load("outcomes", data)
    clinical = evidence.choose(every_study, disease=p["disease"], cell_type=p["cell_type"],
                               cell_origin=p["cell_origin"], design=p["design"])
    clinical = clinical[(clinical["year"] >= p["year_from"]) & (clinical["year"] <= p["year_to"])]
    clinical = evidence.evidence_table(clinical)
    animal = load("animal_studies", data).iloc[0:0]
    preclinical_note = ""
    if p["include_preclinical"]:
        animal = evidence.related(load("animal_studies", data), "disease", load("related_models", data),
                                  "animal_disease", p["disease"])
        animal = animal[(animal["year"] >= p["year_from"]) & (animal["year"] <= p["year_to"])]
        if p["cell_type"] != "all" and len(animal):  # the disease's models AND the question's cells
            same_cells = animal[animal["cell_type"].astype(str).str.startswith(p["cell_type"])]
            if len(same_cells):
                animal = same_cells
            else:
                preclinical_note = (f"None of the {len(animal)} related preclinical "
                                    f"{evidence.plural(len(animal), 'study', 'studies')} used {p['cell_type']}; "
                                    "the nearest evidence, the same models with other cells, is shown.")
    mechanisms = evidence.related(load("mechanisms", data), "category", load("related_mechanisms", data),
                                  "mechanism_category", p["disease"])
    binary = evidence.binary_outcomes(every_outcome, every_study)
    binary = binary[binary["study_id"].isin(clinical["study_id"])]
    effects = stats.study_effects(binary) if len(binary) else binary.assign(
        effect=[], ci_low=[], ci_high=[], corrected=[], included=[], excluded_reason=[])
    pooled, results = {}, []
    for (outcome, timepoint), rows in binary.groupby(["outcome", "timepoint"]):
        if rows["study_id"].nunique() < 2:
            continue
        res = stats.meta_analysis(rows)
        results.append((outcome, timepoint, res))
        key = f"{outcome} ({timepoint})"
        pooled[key] = ({"measure": res.measure, "method": res.method, "k": res.k,
                        "estimate": round(res.estimate, 4), "ci_low": round(res.ci_low, 4),
                        "ci_high": round(res.ci_high, 4), "i2": round(res.i2, 1),
                        "excluded": [list(e) for e in res.excluded], "warnings": list(res.warnings)}
                       if res.pooled else {"measure": res.measure, "estimate": None, "reason": res.reason})
    challenges = load("challenges", data)
    cited = set(evidence.references_cited(clinical)) | set(evidence.references_cited(animal)) \
        | set(evidence.references_cited(mechanisms)) | set(evidence.references_cited(challenges))
    references = evidence.further_reading(load("references", data), cited)
    from ..stats import grade

    outcomes = every_outcome[every_outcome["study_id"].isin(clinical["study_id"])]
    findings = grade.summary_of_findings(outcomes, every_study,
                                         disease=None if p["disease"] == "all" else p["disease"])
    from ..registry import last_import, registered_trials

    every_registered = registered_trials(data)
    registered = None if every_registered is None else \
        evidence.matching_registered(every_registered, disease=p["disease"], cell_type=p["cell_type"])
    imported = last_import(data) if every_registered is not None else None
    return EvidenceBrief(p, clinical.reset_index(drop=True), animal.reset_index(drop=True), mechanisms,
                         effects.reset_index(drop=True), pooled, results, challenges, references,
                         evidence.poolability_statement(outcomes, every_study, lang=p["lang"]), findings,
                         preclinical_note, registered, imported["imported_on"] if imported else "",
                         provenance_of(data), evidence.subgroup_statement(outcomes, every_study, lang=p["lang"]))


def plain_language(brief: EvidenceBrief) -> str:
    """What the evidence means, in plain words, generated from the brief's own numbers.

    Parameters
    ----------
    brief : EvidenceBrief
        A computed brief; its language is the brief's.

    Returns
    -------
    str
        Plain text: how many studies, patients and randomised trials; for
        each rated outcome its absolute effect and certainty, which GRADE
        domains were judged from the data and which were not assessed (the
        rating assumes them not serious), and whether its counts come from the
        studies' published reports (the sources file) rather than the review;
        whether anything could be pooled; and a closing caution.

    Examples
    --------
    >>> print(plain_language(evidence_brief({"disease": "NAFLD"})))
    1 clinical study matches this question, with 7 patients given cells; none are randomised trials.
    No study reports an outcome counted in both arms, so no effect can be estimated. No outcome could
    be pooled across studies. Small, short and often uncontrolled studies cannot show that the therapy
    works: treat these results as preliminary.
    """
    plural, lang = evidence.plural, brief.lang
    c = brief.counts
    if not c["clinical_studies"]:
        return say("No clinical study in the review answers this question, so nothing can be said about MSC therapy "
                   "for it in patients yet.", lang)
    randomised = int((brief.clinical["design"] == "RCT").sum())
    n = c["clinical_studies"]
    values = dict(n=n, study_word=plural(n, "study", "studies"), match_word=plural(n, "matches", "match"),
                  treated=c["patients_treated"], patient_word=plural(c["patients_treated"], "patient", "patients"))
    if randomised:
        text = say("{n} clinical {study_word} {match_word} this question, with {treated} {patient_word} given cells; "
                   "{randomised} {randomised_word}.", lang, randomised=randomised,
                   randomised_word=plural(randomised, "is a randomised trial", "are randomised trials"), **values)
    else:
        text = say("{n} clinical {study_word} {match_word} this question, with {treated} {patient_word} given cells; "
                   "none are randomised trials.", lang, **values)
    rated = brief.findings[brief.findings["relative_effect"] != "not estimable"] if not brief.findings.empty \
        else brief.findings
    for row in rated.itertuples():
        text += " " + say_n("For {outcome}, {n} study ({patients} patients) found {effect} with MSCs; the "
                            "certainty of this evidence is {certainty}.",
                            "For {outcome}, {n} studies ({patients} patients) found {effect} with MSCs; the "
                            "certainty of this evidence is {certainty}.", row.studies, lang,
                            outcome=term(row.outcome, lang), patients=int(row.n_treated + row.n_control),
                          effect=term(row.absolute_effect.split(" (")[0].replace(" per 1000", " per 1000 patients"),
                                       lang),
                          certainty=term(row.level.lower(), lang))
        text += " " + grade_domains_sentence(row.judged, row.assumed, lang) + counts_source_sentence(row.counts_from,
                                                                                           row.studies, lang)
    if rated.empty:
        text += " " + say("No study reports an outcome counted in both arms, so no effect can be estimated.", lang)
    if not brief.pooled or not any(v.get("estimate") is not None for v in brief.pooled.values()):
        text += " " + say("No outcome could be pooled across studies.", lang)
    return text + " " + say("Small, short and often uncontrolled studies cannot show that the therapy works: treat "
                            "these results as preliminary.", lang)


def generated_at() -> str:
    """When a brief is generated (UTC, to the minute).

    Returns
    -------
    str
        The current time as ``"YYYY-MM-DD HH:MM UTC"``.
    """
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def save_brief(brief: EvidenceBrief, path: Path) -> None:
    """Keep a computed brief for the template's kernel (a file in the run's own temporary folder).

    Parameters
    ----------
    brief : EvidenceBrief
        The brief to keep.
    path : Path
        The file to write (a pickle; replaced if it exists).
    """
    import pickle

    Path(path).write_bytes(pickle.dumps(brief, protocol=pickle.HIGHEST_PROTOCOL))


def load_brief(path: Path | str) -> EvidenceBrief:
    """The brief :func:`save_brief` kept (trusted: written by this package's own parent process).

    Never give it a file from elsewhere: unpickling runs code.

    Parameters
    ----------
    path : Path or str
        The file :func:`save_brief` wrote.

    Returns
    -------
    EvidenceBrief
        The brief as it was computed.
    """
    import pickle

    return pickle.loads(Path(path).read_bytes())
