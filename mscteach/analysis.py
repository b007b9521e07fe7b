"""Pure analysis functions: tables in, tables (or numbers) out.

Every function here takes DataFrames as :func:`mscteach.load` returns them and
returns a new DataFrame (or a small value); nothing is drawn, displayed or
read from disk. The plots, widgets, chapters and reports call these, and the
unit tests exercise them directly.

Filter arguments follow one convention: ``None`` or ``"all"`` means "no
filter", a string selects one value, and a list selects any of several.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import i18n
from .data import field_schema, format_citation, vocabulary
from .errors import MscteachError, UnknownNameError
from .i18n import say

ALL = "all"

__all__ = [
    "ALL",
    "is_missing",
    "plural",
    "EcmScenario",
    "choose",
    "check_exclusions",
    "design_order",
    "design_rank",
    "evidence_levels",
    "in_schema_order",
    "distinct_items",
    "dose_shown",
    "ecm_summary",
    "evidence_level",
    "evidence_table",
    "leave_one_out",
    "meta_analysis",
    "binary_outcomes",
    "MetaAnalysisResult",
    "poolability_statement",
    "poolable_outcomes",
    "pool_outcomes",
    "pooling_overview",
    "trial_size",
    "trials_against_target",
    "matching_registered",
    "ongoing",
    "ongoing_against_target",
    "registered_counts",
    "registered_overview",
    "registered_summary",
    "mechanisms_matching",
    "ecm_balance",
    "further_reading",
    "mediator_target_matrix",
    "one_of",
    "primary",
    "outcome_matrix",
    "references_cited",
    "related",
    "reported_proportions",
    "study_effects",
    "split_items",
    "studies_per_source",
    "timeline_between",
    "year_span",
    "trial_overview",
]


def _wanted(value: Any) -> list[Any] | None:
    if value is None or (isinstance(value, str) and value == ALL):
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        return [value]
    values = list(value)
    return None if not values or ALL in values else values


def choose(table: pd.DataFrame, **criteria: Any) -> pd.DataFrame:
    """Rows of ``table`` matching every criterion ``column=value``.

    Parameters
    ----------
    table : DataFrame
    **criteria
        ``column=value``: ``None`` or ``"all"`` keeps every row; a scalar keeps
        rows equal to it; a list keeps rows equal to any of its values. For a
        list column (``ref_ids``) a row is kept if it contains any value.

    Returns
    -------
    DataFrame
        The matching rows, in the table's order, with a fresh index.

    Raises
    ------
    UnknownNameError
        If a criterion names a column the table does not have.

    Examples
    --------
    >>> import mscteach
    >>> trials = mscteach.load("clinical_studies")
    >>> choose(trials, disease="ACLF", design=["RCT", "cohort"]).study_id.tolist()
    ['lin2017', 'shi2012']
    """
    mask = pd.Series(True, index=table.index)
    for column, value in criteria.items():
        if column not in table.columns:
            raise UnknownNameError("column", column, list(table.columns))
        wanted = _wanted(value)
        if wanted is None:
            continue
        series = table[column]
        if series.dtype == object and series.map(lambda v: isinstance(v, list)).all():
            mask &= series.map(lambda items, wanted=wanted: any(w in items for w in wanted))
        else:
            mask &= series.isin(wanted).fillna(False).astype(bool)
    return table[mask].reset_index(drop=True)


def one_of(value: Any, options: Iterable[Any], parameter: str) -> Any:
    """Return ``value`` if it is ``"all"`` or one of ``options``; else raise a clear error.

    Raises
    ------
    UnknownNameError
        Naming the parameter, the value, the allowed values and the closest match.
    """
    options = list(options)
    if value == ALL or value in options:
        return value
    raise UnknownNameError(f"value for {parameter}", value, [ALL, *map(str, options)])


# --------------------------------------------------------------------------- history
def timeline_between(timeline: pd.DataFrame, start: int | None = None, end: int | None = None,
                     categories: Any = None) -> pd.DataFrame:
    """Timeline events overlapping the years ``start``-``end`` (inclusive), oldest first.

    An event spanning years (``year_end``) is kept if any part of the span
    falls in the range. ``categories`` filters like :func:`choose`.
    """
    if start is not None and end is not None and start > end:
        raise MscteachError(f"year range is reversed: start {start} is after end {end}")
    last = timeline["year_end"].fillna(timeline["year"])
    keep = pd.Series(True, index=timeline.index)
    if start is not None:
        keep &= last >= start
    if end is not None:
        keep &= timeline["year"] <= end
    events = choose(timeline[keep.astype(bool)], category=categories)
    return events.sort_values(["year", "year_text"], kind="stable").reset_index(drop=True)


def related(table: pd.DataFrame, column: str, mapping: pd.DataFrame, mapped: str, disease: Any) -> pd.DataFrame:
    """Rows of ``table`` related to a clinical disease through a curation mapping.

    ``mapping`` is a table such as ``related_models`` (columns ``disease`` and
    ``mapped``); a row of ``table`` is kept when its ``column`` is mapped to
    ``disease``. ``"all"`` (or ``None``) keeps every row; a disease with no
    mapping keeps none.

    Examples
    --------
    >>> import mscteach
    >>> animals = related(mscteach.load("animal_studies"), "disease", mscteach.load("related_models"),
    ...                   "animal_disease", "liver failure")
    >>> sorted(set(animals["disease"]))
    ['ALF']
    """
    if _wanted(disease) is None:
        return table.reset_index(drop=True)
    wanted = set(mapping.loc[mapping["disease"].isin(_wanted(disease)), mapped])
    return table[table[column].isin(wanted).fillna(False).astype(bool)].reset_index(drop=True)


def year_span(timeline: pd.DataFrame) -> tuple[int, int]:
    """The first and last year of a timeline (spans count to their last year).

    Examples
    --------
    >>> import mscteach
    >>> year_span(mscteach.load("timeline"))
    (1868, 1991)
    """
    if timeline.empty:
        raise MscteachError("the timeline has no events")
    last = timeline["year_end"].fillna(timeline["year"]).max()
    return int(timeline["year"].min()), int(max(last, timeline["year"].max()))


def references_cited(table: pd.DataFrame) -> list[int]:
    """Sorted reference numbers cited anywhere in ``table['ref_ids']``."""
    return sorted({r for refs in table["ref_ids"] for r in refs})


def caveats_for(challenges: pd.DataFrame, disease: str = ALL, cell_type: str = ALL,
                cell_origin: str = ALL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The review's challenges split into those that name the question and the general rest.

    A challenge is specific to a question when its title or description names
    the question's disease, cell type or cell origin (as a word, ignoring case:
    "UC-MSCs" names UC-MSC); the others apply to MSC therapy in general. With
    every parameter ``"all"`` nothing is specific.

    Returns
    -------
    (specific, general) : tuple of DataFrame
        Both in the table's order.
    """
    import re

    wanted = [v for v in (disease, cell_type, cell_origin) if v and v != ALL]
    if not wanted:
        return challenges.iloc[0:0], challenges
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(v)}s?(?![\w-])" for v in wanted), re.IGNORECASE)
    text = challenges["challenge"].astype(str) + " " + challenges["description"].astype(str)
    named = text.map(lambda t: bool(pattern.search(t)))
    return challenges[named], challenges[~named]


def further_reading(references: pd.DataFrame, ref_ids: Iterable[int]) -> pd.DataFrame:
    """The references with the given numbers, in number order, with a citation column.

    Returns a DataFrame with ``ref_id``, ``citation`` (Vancouver style) and
    ``year``; a chapter or report shows it as its reading list.
    """
    wanted = sorted(set(int(r) for r in ref_ids))
    missing = sorted(set(wanted) - set(references["ref_id"]))
    if missing:
        raise UnknownNameError("reference number", missing[0], [f"{references.ref_id.min()}-{references.ref_id.max()}"])
    rows = references.set_index("ref_id").loc[wanted]
    citation = [format_citation(r) for _, r in rows.iterrows()]
    return pd.DataFrame({"ref_id": wanted, "citation": citation, "year": rows["year"].tolist()})


# --------------------------------------------------------------------------- cells and mechanisms
def studies_per_source(clinical: pd.DataFrame, animal: pd.DataFrame) -> pd.DataFrame:
    """How many clinical and preclinical studies used each cell type.

    Returns a long DataFrame with ``cell_type``, ``evidence`` ("clinical" or
    "preclinical") and ``studies``, sorted by total studies (most first).
    Meta-analyses are left out: they pool other studies.
    """
    clin = clinical[primary(clinical)]
    parts = [
        clin.groupby("cell_type").size().rename("studies").reset_index().assign(evidence="clinical"),
        animal.groupby(_simple_cell_type(animal["cell_type"])).size().rename("studies")
        .rename_axis("cell_type").reset_index().assign(evidence="preclinical"),
    ]
    counts = pd.concat(parts, ignore_index=True)
    order = counts.groupby("cell_type")["studies"].sum().sort_values(ascending=False, kind="stable")
    counts["cell_type"] = pd.Categorical(counts["cell_type"], categories=list(order.index), ordered=True)
    return counts.sort_values(["cell_type", "evidence"]).reset_index(drop=True)[["cell_type", "evidence", "studies"]]


def _simple_cell_type(cell_type: pd.Series) -> pd.Series:
    """Group preclinical cell descriptions into the clinical vocabulary where they match."""
    text = cell_type.astype(str)
    return np.select(
        [text.str.startswith("UC-MSC"), text.str.startswith("BM-MSC"), text.str.startswith("adipose")],
        ["UC-MSC", "BM-MSC", "adipose MSC"], default="MSC (other or unspecified)")


def mediator_target_matrix(mechanisms: pd.DataFrame, categories: Any = None) -> pd.DataFrame:
    """Count mechanisms by mediator (rows) and target (columns).

    Mediator and target lists (``"MMP-2; MMP-9"``) are split so each molecule
    and each cell counts separately; mechanisms with no named mediator are
    grouped as ``"(none named)"``. Rows and columns are sorted alphabetically.
    """
    chosen = choose(mechanisms, category=categories)
    pairs = []
    for row in chosen.itertuples():
        mediators = split_items(row.mediator) or ["(none named)"]
        for m in mediators:
            for t in split_items(row.target):
                pairs.append((m, t))
    if not pairs:
        return pd.DataFrame(dtype="int64")
    frame = pd.DataFrame(pairs, columns=["mediator", "target"])
    matrix = pd.crosstab(frame["mediator"], frame["target"])
    return matrix.sort_index(axis=0).sort_index(axis=1)


def mechanisms_matching(mechanisms: pd.DataFrame, category: Any = None, target: str | None = None,
                        mediator: str | None = None) -> pd.DataFrame:
    """Mechanisms in ``category`` whose target list includes ``target`` and mediator list ``mediator``.

    ``target`` and ``mediator`` match one item of the ``";"``-separated lists
    exactly (``"T cell"`` does not match ``"CD4+ T cell"``); ``None`` or
    ``"all"`` matches everything.
    """
    chosen = choose(mechanisms, category=category)
    for column, wanted in (("target", target), ("mediator", mediator)):
        if _wanted(wanted) is None:
            continue
        chosen = chosen[chosen[column].map(lambda v, wanted=wanted: wanted in split_items(v))]
    return chosen.reset_index(drop=True)


def distinct_items(values: pd.Series) -> list[str]:
    """The distinct items of a column of ``";"``-separated lists, sorted case-insensitively."""
    return sorted({item for v in values for item in split_items(v)}, key=lambda s: (s.casefold(), s))


def split_items(value: Any) -> list[str]:
    if value is None or (not isinstance(value, list) and pd.isna(value)):
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


# --------------------------------------------------------------------------- fibrosis model
@dataclass(frozen=True)
class EcmScenario:
    """Parameters of the illustrative ECM balance model (arbitrary units).

    Not fitted to any data: a teaching model of the review's statement that
    fibrosis is an imbalance between ECM synthesis and degradation.
    """

    synthesis: float = 1.0  # ECM made per week by activated stellate cells
    degradation: float = 0.1  # fraction of ECM degraded per week (MMP activity)
    msc_synthesis_block: float = 0.5  # share of synthesis MSCs suppress (HGF, IL-10, TGF-β1/Smad)
    msc_degradation_boost: float = 1.0  # relative rise in degradation with MSCs (MMP-9, MMP-13)
    msc_week: int = 4  # week the MSCs are given
    weeks: int = 30


def ecm_balance(scenario: EcmScenario = EcmScenario()) -> pd.DataFrame:
    """Simulate the illustrative ECM model with and without MSCs.

    The ECM stock follows ``E[t+1] = E[t] + s - d * E[t]`` (weekly steps from
    ``E[0] = 0``); from ``msc_week`` on, the MSC arm uses
    ``s * (1 - msc_synthesis_block)`` and ``d * (1 + msc_degradation_boost)``.
    The steady state is ``s / d``.

    Returns
    -------
    DataFrame
        Columns ``week``, ``arm`` ("without MSCs", "with MSCs") and ``ecm``.
    """
    s, d = scenario.synthesis, scenario.degradation
    if s < 0 or not 0 < d <= 1:
        raise MscteachError("synthesis must be >= 0 and degradation between 0 (excluded) and 1")
    if not 0 <= scenario.msc_synthesis_block <= 1 or scenario.msc_degradation_boost < 0:
        raise MscteachError("msc_synthesis_block must be in [0, 1] and msc_degradation_boost >= 0")
    weeks = np.arange(scenario.weeks + 1)
    rows = []
    for arm, treated in (("without MSCs", False), ("with MSCs", True)):
        ecm = 0.0
        for week in weeks:
            rows.append((int(week), arm, ecm))
            on = treated and week >= scenario.msc_week
            syn = s * (1 - scenario.msc_synthesis_block) if on else s
            deg = min(1.0, d * (1 + scenario.msc_degradation_boost)) if on else d
            ecm = ecm + syn - deg * ecm
    return pd.DataFrame(rows, columns=["week", "arm", "ecm"])


def ecm_summary(model: pd.DataFrame) -> pd.DataFrame:
    """ECM at the end of the illustrative model in each arm, and the change with MSCs.

    Returns a DataFrame indexed by arm with ``final_ecm`` and
    ``change_vs_untreated_percent``.
    """
    final = model[model["week"] == model["week"].max()].set_index("arm")["ecm"]
    untreated = final["without MSCs"]
    change = (final / untreated - 1) * 100 if untreated else final * 0
    return pd.DataFrame({"final_ecm": final.round(2), "change_vs_untreated_percent": change.round(1)}).loc[
        ["without MSCs", "with MSCs"]]


# --------------------------------------------------------------------------- studies
def outcome_matrix(animal: pd.DataFrame) -> pd.DataFrame:
    """Preclinical studies counted by species (rows) and disease (columns).

    Each cell is a string such as ``"2 benefit\n1 harm"``; an empty string
    means no study. Species not stated are shown as ``"(not stated)"``.
    """
    frame = animal.assign(species=animal["species"].fillna("(not stated)"))
    counts = frame.groupby(["species", "disease", "outcome"]).size()
    cells = counts.groupby(level=["species", "disease"]).apply(
        lambda s: "\n".join(f"{n} {outcome}" for (_, _, outcome), n in s.items()))
    return cells.unstack("disease").fillna("").sort_index()


def design_order() -> list[str]:
    """Study designs strongest first: the order of ``clinical_studies.design`` in the schema."""
    return vocabulary("clinical_studies", "design")


def design_rank(design: pd.Series) -> pd.Series:
    """Position of each design in the schema's evidence order (RCT first; meta-analyses last)."""
    order = design_order()
    unknown = set(design.dropna()) - set(order)
    if unknown:
        raise UnknownNameError("design", sorted(unknown)[0], order)
    return design.map({d: i for i, d in enumerate(order)}).astype("Int64")


def primary(clinical: pd.DataFrame) -> pd.Series:
    """Whether each study is a primary study (a ranked design), not one that pools others (a meta-analysis)."""
    return clinical["design"].isin(list(evidence_levels())).astype(bool)


def in_schema_order(values: Iterable[Any], table: str, field: str) -> list[Any]:
    """``values`` (deduplicated) in the order of a field's vocabulary; values outside it last, sorted."""
    order = vocabulary(table, field)
    present = set(values)
    return [v for v in order if v in present] + sorted(present - set(order), key=str)


MISPRINT_MARK = "as printed in the review; published:"


def dose_shown(clinical: pd.DataFrame) -> pd.Series:
    """Each study's dose as a reader should see it.

    ``dose_text`` is the dose as the review prints it. Where the review
    misprints it, ``dose_as_published`` holds the dose the study's published
    report gives, and the two are shown together, so a misprint is never
    shown bare.

    Examples
    --------
    >>> import mscteach
    >>> doses = dose_shown(mscteach.load("clinical_studies").set_index("study_id"))
    >>> print(doses["lin2017"])
    10^5 × 10^-1 cells/kg weekly for 4 weeks [as printed in the review; published: 1.0-10 × 10^5 cells/kg weekly for 4 weeks]
    """
    published = clinical["dose_as_published"] if "dose_as_published" in clinical else pd.Series(pd.NA, clinical.index)
    shown = [pd.NA if is_missing(text) else (text if is_missing(real) else f"{text} [{MISPRINT_MARK} {real}]")
             for text, real in zip(clinical["dose_text"], published)]
    return pd.Series(pd.array(shown, dtype="string"), index=clinical.index, name="dose")


def trial_overview(clinical: pd.DataFrame) -> pd.DataFrame:
    """A compact view of clinical studies: one row per study, strongest designs first.

    Columns: ``study`` (author year), ``disease``, ``cell_type``,
    ``cell_origin``, ``design``, ``n_treated``, ``n_control``, ``dose`` (see
    :func:`dose_shown`), ``follow_up_weeks``, ``ref_ids``.
    """
    view = clinical.assign(study=clinical["first_author"] + " " + clinical["year"].astype(str),
                           dose=dose_shown(clinical), _rank=design_rank(clinical["design"]))
    view = view.sort_values(["_rank", "year", "study"], kind="stable")
    cols = ["study", "disease", "cell_type", "cell_origin", "design", "n_treated", "n_control",
            "dose", "follow_up_weeks", "ref_ids"]
    return view[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- challenges
def check_exclusions(criteria: pd.DataFrame, conditions: Sequence[str]) -> pd.DataFrame:
    """Which of a patient's conditions are exclusion criteria in the review's trials.

    Parameters
    ----------
    criteria : DataFrame
        The ``exclusion_criteria`` table.
    conditions : sequence of str
        Criterion names (``criteria['criterion']``) that apply to the patient.

    Returns
    -------
    DataFrame
        One row per criterion with ``criterion``, ``detail`` and ``applies``
        (bool), criteria that apply first. The patient is eligible when no
        row applies.

    Raises
    ------
    UnknownNameError
        If a condition is not one of the criteria.
    """
    names = criteria["criterion"].tolist()
    for condition in conditions:
        if condition not in names:
            raise UnknownNameError("exclusion criterion", condition, names)
    table = criteria[["criterion", "detail"]].assign(applies=criteria["criterion"].isin(list(conditions)))
    return table.sort_values("applies", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- evidence levels
def evidence_levels() -> dict[str, int]:
    """Evidence level of each ranked design, 1 (strongest) first, read from the schema.

    The level is the design's position in ``clinical_studies.design``'s
    vocabulary, leaving out the designs the schema marks ``unranked``
    (meta-analyses, which pool other studies).
    """
    unranked = set(field_schema("clinical_studies", "design").get("unranked", []))
    return {d: i for i, d in enumerate((d for d in design_order() if d not in unranked), start=1)}


SMALL_SAMPLE = 50  # treated patients; below this a study is flagged as small
SHORT_FOLLOW_UP = 52  # weeks; below this follow-up is flagged as short


def evidence_level(design: str) -> int | None:
    """Evidence level of a study design: 1 (RCT) to 5 (case report); ``None`` for a meta-analysis.

    The order is the usual hierarchy of primary studies, as the schema lists
    them: randomised controlled trial > non-randomised controlled study >
    cohort > single-arm study > case report. Meta-analyses pool other studies
    and are ranked apart (see :func:`evidence_levels`).

    Raises
    ------
    UnknownNameError
        For a design outside the schema's vocabulary.
    """
    levels, order = evidence_levels(), design_order()
    if design not in order:
        raise UnknownNameError("design", design, order)
    return levels.get(design)


def evidence_table(clinical: pd.DataFrame, small_sample: int = SMALL_SAMPLE,
                   short_follow_up: int = SHORT_FOLLOW_UP) -> pd.DataFrame:
    """Clinical studies with their evidence level and quality flags, strongest first.

    Adds ``evidence_level`` (1-5, ``<NA>`` for meta-analyses), ``controlled``
    (has a control arm), ``small_sample`` (fewer than ``small_sample``
    treated patients), ``short_follow_up`` (follow-up shorter than
    ``short_follow_up`` weeks) and ``flags`` (a readable summary). Unknown
    sizes or follow-up are flagged as unknown, never as fine.
    """
    table = clinical.copy()
    levels = evidence_levels()
    unknown = set(table["design"].dropna()) - set(design_order())
    if unknown:
        raise UnknownNameError("design", sorted(unknown)[0], design_order())
    table["evidence_level"] = pd.array([levels.get(d) for d in table["design"]], dtype="Int64")
    is_primary = primary(table)
    table["controlled"] = table["n_control"].notna() & is_primary
    table["small_sample"] = (table["n_treated"] < small_sample).astype("boolean").where(table["n_treated"].notna())
    table["short_follow_up"] = (table["follow_up_weeks"] < short_follow_up).astype("boolean").where(
        table["follow_up_weeks"].notna())

    def flags(row: pd.Series) -> str:
        if pd.isna(row["evidence_level"]):
            return "pools other studies"
        found = []
        if not row["controlled"]:
            found.append("no control arm")
        found.append(_flag(row["small_sample"], f"small (<{small_sample} treated)", "size unknown"))
        found.append(_flag(row["short_follow_up"], f"short follow-up (<{short_follow_up} weeks)", "follow-up unknown"))
        return "; ".join(f for f in found if f) or "none"

    table["flags"] = table.apply(flags, axis=1)
    table["_order"] = table["evidence_level"].fillna(99)
    table = table.sort_values(["_order", "year", "study_id"], kind="stable").drop(columns="_order")
    table.loc[~is_primary, ["small_sample", "short_follow_up"]] = pd.NA
    return table.reset_index(drop=True)


def _flag(value: Any, yes: str, unknown: str) -> str:
    if value is pd.NA or value is None:
        return unknown
    return yes if bool(value) else ""


# --------------------------------------------------------------------------- meta-analysis
MEASURES = {"RR": "risk-ratio", "OR": "odds-ratio"}
METHODS = {"DL": "DerSimonian-Laird", "PM": "Paule-Mandel", "REML": "restricted maximum likelihood"}
#: How the confidence interval of a random-effects estimate is made: normal (Wald) or Hartung-Knapp-Sidik-Jonkman.
CI_METHODS = {"z": "normal (Wald)", "hksj": "Hartung-Knapp-Sidik-Jonkman"}
BINARY_COLUMNS = ["study", "events_treated", "n_treated", "events_control", "n_control"]
#: Columns that must hold one value across the studies pooled: pooling mixes nothing else.
SAME_ACROSS_STUDIES = ["outcome", "timepoint", "measure"]
TIMEPOINT_NOT_STATED = "time point not stated"


@dataclass(frozen=True)
class MetaAnalysisResult:
    """A pooled estimate of a ratio measure from two-arm binary outcomes.

    Estimates and confidence limits are on the ratio scale (``estimate``,
    ``ci_low``, ``ci_high`` for the random-effects model; ``fixed_*`` for the
    fixed-effect, inverse-variance model); ``log_estimate`` and ``se`` are on
    the log scale. ``tau2`` is the between-study variance (never negative),
    ``i2`` the share of variability due to heterogeneity in percent (0-100),
    ``q`` and ``q_pvalue`` Cochran's Q test; ``k`` counts the studies pooled.
    ``ci_method`` says how the random-effects interval was made (``"z"`` or
    ``"hksj"``; ``se`` is the standard error that interval uses), and
    ``pi_low``/``pi_high`` give the prediction interval for the effect in
    a new study (NaN for fewer than three studies). ``alpha`` is 1 - the
    confidence level of every interval (0.05: 95% intervals).

    ``studies`` holds one row per study given, with its own effect and CI,
    ``included`` (whether it was pooled), ``excluded_reason`` and its weights
    (percent of the pooled studies; empty for a study left out).

    When fewer than two studies carry information, nothing is pooled: the
    estimates are NaN and ``reason`` says why (``pooled`` is False).
    ``warnings`` lists what a reader should know about a pooled result (for
    example, studies of different diseases).
    """

    measure: str
    method: str
    k: int
    estimate: float
    ci_low: float
    ci_high: float
    log_estimate: float
    se: float
    fixed_estimate: float
    fixed_ci_low: float
    fixed_ci_high: float
    fixed_log_estimate: float
    fixed_se: float
    tau2: float
    i2: float
    q: float
    q_pvalue: float
    studies: pd.DataFrame
    continuity_correction: str
    excluded: tuple[tuple[str, str], ...] = ()
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    ci_method: str = "z"
    pi_low: float = float("nan")
    pi_high: float = float("nan")
    alpha: float = 0.05

    @property
    def pooled(self) -> bool:
        """Whether there is a pooled estimate."""
        return self.reason is None

    def summary(self, lang: str | None = None) -> str:
        """One line: the random-effects estimate with its CI and heterogeneity, or why there is none.

        ``lang`` is the language (default: the one figures are shown in, :mod:`mscteach.i18n`).
        """
        if not self.pooled:
            reason = self.reason if (lang or i18n.language()) == "en" else \
                _too_few_studies(self.measure, self.k, len(self.studies), self.excluded, lang)
            return say("No pooled {measure}: {reason}", lang, measure=self.measure, reason=reason)
        level = 100 * (1 - self.alpha)
        values = dict(measure=self.measure, estimate=self.estimate, low=self.ci_low, high=self.ci_high, k=self.k,
                      method=self.method, i2=self.i2, tau2=self.tau2, level=level)
        if self.ci_method == "z":
            line = say("{measure} {estimate:.2f} ({level:g}% CI {low:.2f}-{high:.2f}), {k} studies, random effects "
                       "({method}); I² = {i2:.0f}%, τ² = {tau2:.3f}", lang, **values)
        else:
            line = say("{measure} {estimate:.2f} ({level:g}% CI, HKSJ {low:.2f}-{high:.2f}), {k} studies, random "
                       "effects ({method}); I² = {i2:.0f}%, τ² = {tau2:.3f}", lang, **values)
        if self.pi_low == self.pi_low:  # not NaN
            line += say("; {level:g}% prediction interval {low:.2f}-{high:.2f}", lang, low=self.pi_low,
                        high=self.pi_high, level=level)
        if self.excluded:
            line += say("; left out: {studies}", lang, studies=", ".join(
                f"{s} ({i18n.text(why, lang)})" for s, why in self.excluded))
        return line


def _too_few_studies(measure: str, informative: int, total: int, excluded: Sequence[tuple[str, str]],
                     lang: str | None) -> str:
    """Why nothing was pooled: fewer than two studies with information, and which were left out and why."""
    reason = say("a pooled estimate needs at least two studies with information on the {measure}; "
                 "{informative} of {total} given", lang, measure=measure, informative=informative, total=total)
    if excluded:
        reason += say(" (left out: {studies})", lang, studies=say("; ", lang).join(
            f"{s}: {i18n.text(why, lang)}" for s, why in excluded))
    return reason


def meta_analysis(table: pd.DataFrame, measure: str = "RR", method: str = "DL",
                  alpha: float = 0.05, ci: str = "z") -> MetaAnalysisResult:
    """Pool two-arm binary outcomes: inverse-variance fixed effect and random effects.

    Parameters
    ----------
    table : DataFrame
        One row per study with columns ``study``, ``events_treated``,
        ``n_treated``, ``events_control``, ``n_control``. Optional columns
        ``outcome``, ``timepoint`` and ``measure`` must hold one value across
        the rows (only like is pooled with like); a ``disease`` column with
        several values adds a warning.
    measure : {"RR", "OR"}
        Risk ratio or odds ratio (treated vs control).
    method : {"DL", "PM", "REML"}
        Between-study variance estimator for the random-effects model:
        DerSimonian-Laird, Paule-Mandel or restricted maximum likelihood, all
        truncated at zero.
    alpha : float
        1 - confidence level, in (0, 1).
    ci : {"z", "hksj"}
        The random-effects confidence interval: normal (Wald), or
        Hartung-Knapp-Sidik-Jonkman (see :func:`pool`).

    Returns
    -------
    MetaAnalysisResult
        With ``reason`` set (and NaN estimates) when fewer than two studies
        carry information.

    Raises
    ------
    MscteachError
        For a missing column, a count that is not a whole number, events
        outside 0..n, an alpha outside (0, 1), or rows of different outcomes,
        time points or measures. The message names the study and the field.
    UnknownNameError
        For an unknown measure or method.

    Notes
    -----
    As in metafor and RevMan:

    * a study with no events in either arm, or with every patient having the
      event in both arms, carries no information on a ratio and is left out
      (``excluded`` says which and why);
    * a study with one zero cell gets 0.5 added to all four of its cells;
      other studies are left as they are;
    * τ² is truncated at 0, so when Cochran's Q is at most k - 1 the
      random-effects result equals the fixed-effect one. The Paule-Mandel τ²
      solves the generalised Q equation Σ w_i (y_i - μ)² = k - 1.

    I² is Higgins and Thompson's (Q - (k - 1)) / Q, floored at 0.
    statsmodels' ``combine_effects`` is not used for the pooling because it
    does not truncate the DerSimonian-Laird τ² at zero (it gives negative
    weights when Q < k - 1).
    """
    if method not in METHODS:
        raise UnknownNameError("method", method, list(METHODS))
    if ci not in CI_METHODS:
        raise UnknownNameError("confidence interval method", ci, list(CI_METHODS))
    _check_alpha(alpha)
    _check_like_with_like(table)
    studies = study_effects(table, measure, alpha)
    informative = studies[studies["included"]]
    excluded = tuple((str(s), str(r)) for s, r in studies.loc[~studies["included"], ["study", "excluded_reason"]]
                     .itertuples(index=False))
    corrected = informative.loc[informative["corrected"], "study"].astype(str).tolist()
    correction = ("0.5 added to every cell of: " + ", ".join(corrected)) if corrected else "none needed"
    warnings = _pooling_warnings(table)
    nan = float("nan")
    if len(informative) < 2:
        reason = _too_few_studies(measure, len(informative), len(studies), excluded, "en")
        return MetaAnalysisResult(
            measure=measure, method=method, k=len(informative), estimate=nan, ci_low=nan, ci_high=nan,
            log_estimate=nan, se=nan, fixed_estimate=nan, fixed_ci_low=nan, fixed_ci_high=nan,
            fixed_log_estimate=nan, fixed_se=nan, tau2=nan, i2=nan, q=nan, q_pvalue=nan,
            studies=studies.assign(weight_fixed=nan, weight_random=nan), continuity_correction=correction,
            excluded=excluded, reason=reason, warnings=warnings, ci_method=ci, alpha=alpha)
    y, v = informative["log_effect"].to_numpy(float), informative["se"].to_numpy(float) ** 2
    pooled = pool(y, v, method, ci, alpha)
    z = _z(alpha)
    weights = pd.DataFrame({"weight_fixed": 100 * pooled["w_fixed"] / pooled["w_fixed"].sum(),
                            "weight_random": 100 * pooled["w_random"] / pooled["w_random"].sum()},
                           index=informative.index)
    studies = studies.join(weights)
    re_, se, fe, se_fe = pooled["mu"], pooled["se_ci"], pooled["mu_fixed"], pooled["se_fixed"]
    return MetaAnalysisResult(
        measure=measure, method=method, k=len(informative),
        estimate=float(np.exp(re_)), ci_low=float(np.exp(pooled["ci_low"])), ci_high=float(np.exp(pooled["ci_high"])),
        log_estimate=float(re_), se=float(se),
        fixed_estimate=float(np.exp(fe)), fixed_ci_low=float(np.exp(fe - z * se_fe)),
        fixed_ci_high=float(np.exp(fe + z * se_fe)), fixed_log_estimate=float(fe), fixed_se=float(se_fe),
        tau2=float(pooled["tau2"]), i2=float(pooled["i2"]), q=float(pooled["q"]), q_pvalue=float(pooled["q_pvalue"]),
        studies=studies, continuity_correction=correction, excluded=excluded, warnings=warnings, ci_method=ci,
        pi_low=float(np.exp(pooled["pi_low"])), pi_high=float(np.exp(pooled["pi_high"])), alpha=alpha)


def pool(y: Any, v: Any, method: str = "DL", ci: str = "z", alpha: float = 0.05) -> dict[str, Any]:
    """Inverse-variance pooling of estimates ``y`` with sampling variances ``v`` (on the analysis scale).

    Parameters
    ----------
    y, v : array-like
        One estimate (e.g. a log risk ratio) and its variance per study; two or more studies.
    method : {"DL", "PM", "REML"}
        The τ² estimator (truncated at zero).
    ci : {"z", "hksj"}
        ``"z"``: μ ± z·SE with SE = √(1/Σw*). ``"hksj"``: the Hartung-Knapp-Sidik-Jonkman
        interval μ ± t(k-1)·SE_HK with SE_HK² = Σw*(y - μ)² / ((k - 1)·Σw*), not truncated
        (as metafor's ``test="knha"``).
    alpha : float
        1 - confidence level.

    Returns
    -------
    dict
        ``mu``, ``se`` (Wald), ``se_ci`` (the one the interval uses), ``ci_low``, ``ci_high``,
        ``pi_low``, ``pi_high``, ``mu_fixed``, ``se_fixed``, ``tau2``, ``q``, ``q_pvalue``,
        ``i2``, and the weights ``w_fixed``, ``w_random``.

    Notes
    -----
    The prediction interval is Higgins, Thompson & Spiegelhalter (2009): μ ± t(k-2)·√(τ² + SE²)
    with the Wald SE, for k ≥ 3 (NaN otherwise). metafor's ``predict()`` uses other quantiles.
    """
    from scipy import stats

    y, v = np.asarray(y, float), np.asarray(v, float)
    if len(y) < 2 or len(y) != len(v):
        raise MscteachError(f"pooling needs two or more estimates with one variance each; got {len(y)} and {len(v)}")
    if method not in METHODS:
        raise UnknownNameError("method", method, list(METHODS))
    if ci not in CI_METHODS:
        raise UnknownNameError("confidence interval method", ci, list(CI_METHODS))
    _check_alpha(alpha)
    pooled = _inverse_variance(y, v, method)
    k, mu, se = len(y), pooled["mu"], pooled["se"]
    if ci == "z":
        half = _z(alpha) * se
        se_ci = se
    else:
        w = pooled["w_random"]
        se_ci = float(np.sqrt((w * (y - mu) ** 2).sum() / ((k - 1) * w.sum())))
        half = float(stats.t.isf(alpha / 2, k - 1)) * se_ci
    nan = float("nan")
    spread = float(stats.t.isf(alpha / 2, k - 2)) * float(np.sqrt(pooled["tau2"] + se ** 2)) if k >= 3 else nan
    return {**pooled, "se_ci": float(se_ci), "ci_low": mu - half, "ci_high": mu + half,
            "pi_low": mu - spread, "pi_high": mu + spread}


def _inverse_variance(y: np.ndarray, v: np.ndarray, method: str) -> dict[str, Any]:
    """Fixed-effect and random-effects inverse-variance pooling of log effects ``y`` with variances ``v``."""
    from scipy import optimize, stats

    k = len(y)
    w = 1 / v
    mu_fixed = float((w * y).sum() / w.sum())
    q = float((w * (y - mu_fixed) ** 2).sum())
    df = k - 1
    c = w.sum() - (w ** 2).sum() / w.sum()
    if method == "DL":
        tau2 = max(0.0, (q - df) / c)
    elif method == "REML":  # Fisher scoring from the DL value (Viechtbauer 2005), truncated at zero
        tau2 = max(0.0, (q - df) / c)
        for _ in range(1000):
            wt = 1 / (v + tau2)
            mu = (wt * y).sum() / wt.sum()
            new = max(0.0, float((wt ** 2 * ((y - mu) ** 2 - v)).sum() / (wt ** 2).sum() + 1 / wt.sum()))
            if abs(new - tau2) < 1e-12:
                tau2 = new
                break
            tau2 = new
    else:  # Paule-Mandel: the tau² at which the generalised Q equals its expectation k - 1
        def excess(t2: float) -> float:
            wt = 1 / (v + t2)
            mu = (wt * y).sum() / wt.sum()
            return float((wt * (y - mu) ** 2).sum() - df)

        if excess(0.0) <= 0:
            tau2 = 0.0
        else:
            high = max(float(np.var(y)), float(v.max()), 1e-8)
            while excess(high) > 0:
                high *= 2
            tau2 = float(optimize.brentq(excess, 0.0, high, xtol=1e-12))
    w_random = 1 / (v + tau2)
    return {"mu_fixed": mu_fixed, "se_fixed": float(np.sqrt(1 / w.sum())), "w_fixed": w,
            "mu": float((w_random * y).sum() / w_random.sum()), "se": float(np.sqrt(1 / w_random.sum())),
            "w_random": w_random, "tau2": tau2, "q": q, "q_pvalue": float(stats.chi2.sf(q, df)),
            "i2": 100 * max(0.0, (q - df) / q) if q > 0 else 0.0}


def _check_alpha(alpha: Any) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating)) or not 0 < alpha < 1:
        raise MscteachError(f"alpha must be a number between 0 and 1 (exclusive); got {alpha!r}")


def _check_like_with_like(table: pd.DataFrame) -> None:
    for column in SAME_ACROSS_STUDIES:
        if column in table.columns:
            values = sorted({str(v) for v in table[column] if not is_missing(v)})
            if len(values) > 1:
                raise MscteachError(f"cannot pool rows of different {column}s ({', '.join(values)}): "
                                    f"meta-analyse one {column} at a time")


def _pooling_warnings(table: pd.DataFrame) -> tuple[str, ...]:
    if "disease" in table.columns:
        diseases = sorted({str(v) for v in table["disease"] if not is_missing(v)})
        if len(diseases) > 1:
            return (f"the studies are of different diseases ({', '.join(diseases)}): a pooled estimate assumes "
                    "the effect is comparable across them",)
    return ()


def is_missing(value: Any) -> bool:
    """Whether a table cell holds no value (None, ``pd.NA`` or NaN).

    >>> [is_missing(v) for v in (None, float("nan"), 0, "")]
    [True, True, False, False]
    """
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _z(alpha: float) -> float:
    from scipy import stats

    return float(stats.norm.isf(alpha / 2))


def cumulative_meta_analysis(table: pd.DataFrame, order: str = "year", measure: str = "RR", method: str = "DL",
                             ci: str = "z", alpha: float = 0.05) -> pd.DataFrame:
    """The pooled estimate as studies accrue: the view a living review uses.

    Studies are added one at a time in the order of the column ``order``
    (ties keep the table's order), as metafor's ``cumul()``. Step 1 is the
    first study alone (its own estimate and interval); from two studies on,
    each step is :func:`meta_analysis` of the studies so far. A study with no
    information on the ratio is added but changes nothing.

    Returns
    -------
    DataFrame
        One row per step: ``step``, ``study`` (the one added), ``order`` value,
        ``k`` (studies pooled), ``estimate``, ``ci_low``, ``ci_high``,
        ``pi_low``, ``pi_high``, ``tau2`` and ``i2``, on the ratio scale.

    Raises
    ------
    MscteachError
        If ``order`` is not a column of the table.
    """
    if order not in table.columns:
        raise MscteachError(f"cannot order studies by {order!r}: the table's columns are {', '.join(table.columns)}")
    ordered = table.sort_values(order, kind="stable").reset_index(drop=True)
    own = study_effects(ordered, measure, alpha)
    rows = []
    for step in range(1, len(ordered) + 1):
        first = ordered.iloc[:step]
        result = meta_analysis(first, measure, method, alpha, ci) if step > 1 else None
        row = {"step": step, "study": ordered["study"].iloc[step - 1], order: ordered[order].iloc[step - 1]}
        if result is not None and result.pooled:
            row.update(k=result.k, estimate=result.estimate, ci_low=result.ci_low, ci_high=result.ci_high,
                       pi_low=result.pi_low, pi_high=result.pi_high, tau2=result.tau2, i2=result.i2)
        else:
            included = own.iloc[:step][own["included"].iloc[:step]]
            single = included.iloc[0] if len(included) else None
            nan = float("nan")
            row.update(k=len(included), estimate=single["effect"] if single is not None else nan,
                       ci_low=single["ci_low"] if single is not None else nan,
                       ci_high=single["ci_high"] if single is not None else nan,
                       pi_low=nan, pi_high=nan, tau2=nan, i2=nan)
        rows.append(row)
    return pd.DataFrame(rows)


def study_effects(table: pd.DataFrame, measure: str = "RR", alpha: float = 0.05) -> pd.DataFrame:
    """Each study's own ratio (RR or OR, treated vs control) with its CI, without pooling.

    Takes the same columns as :func:`meta_analysis` (other columns are kept)
    and works for one study. Adds ``log_effect``, ``se``, ``effect``,
    ``ci_low``, ``ci_high``, ``corrected`` (a zero cell got the 0.5
    continuity correction), ``included`` and ``excluded_reason``: a study with
    no events in either arm (or events in every patient of both arms) has no
    ratio, so its effect columns are empty and the reason says why.

    Examples
    --------
    >>> import pandas as pd
    >>> one = pd.DataFrame([["A", 9, 56, 18, 54]], columns=BINARY_COLUMNS)
    >>> round(float(study_effects(one)["effect"].iloc[0]), 3)  # (9/56) / (18/54)
    0.482
    """
    from statsmodels.stats.meta_analysis import effectsize_2proportions

    if measure not in MEASURES:
        raise UnknownNameError("measure", measure, list(MEASURES))
    _check_alpha(alpha)
    data = _binary_table(table)
    e1, n1, e2, n2 = (data[c].to_numpy(dtype=float) for c in BINARY_COLUMNS[1:])
    no_events = (e1 == 0) & (e2 == 0)
    all_events = (e1 == n1) & (e2 == n2)
    included = ~(no_events | all_events)
    reason = np.where(no_events, "no events in either arm", np.where(all_events, "every patient had the event in "
                                                                                  "both arms", ""))
    zero = included & ((e1 == 0) | (e1 == n1) | (e2 == 0) | (e2 == n2))
    # 0.5 to each cell (events and non-events) of the studies with a zero cell only.
    # statsmodels' own zero_correction adds 0.5 to the events of *every* study, which
    # would bias studies without zeros, so the correction is applied here instead.
    e1, e2 = e1 + 0.5 * zero, e2 + 0.5 * zero
    n1, n2 = n1 + 1.0 * zero, n2 + 1.0 * zero
    with np.errstate(divide="ignore", invalid="ignore"):
        eff, var = effectsize_2proportions(e1, n1, e2, n2, statistic=MEASURES[measure])
    eff = np.where(included, eff, np.nan)
    se, z = np.where(included, np.sqrt(np.where(included, var, 1.0)), np.nan), _z(alpha)
    others = [c for c in table.columns if c not in BINARY_COLUMNS]  # keep e.g. outcome, study_id
    return pd.concat([data, table[others].reset_index(drop=True)], axis=1).assign(
        log_effect=eff, se=se, effect=np.exp(eff), ci_low=np.exp(eff - z * se), ci_high=np.exp(eff + z * se),
        corrected=zero, included=included, excluded_reason=reason)


def _binary_table(table: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in BINARY_COLUMNS if c not in table.columns]
    if missing:
        raise MscteachError(f"the table needs columns {', '.join(BINARY_COLUMNS)}; missing: {', '.join(missing)}")
    data = table[BINARY_COLUMNS].reset_index(drop=True).copy()
    for i, row in data.iterrows():
        study = row["study"]
        for column in BINARY_COLUMNS[1:]:
            value = row[column]
            if is_missing(value):
                raise MscteachError(f"study {study}: {column} is missing (every study needs all four counts)")
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
                    or not float(value).is_integer():
                raise MscteachError(f"study {study}: {column} must be a whole number; got {value!r}")
        for events, total in (("events_treated", "n_treated"), ("events_control", "n_control")):
            if row[total] < 1:
                raise MscteachError(f"study {study}: {total} must be at least 1; got {row[total]}")
            if not 0 <= row[events] <= row[total]:
                raise MscteachError(f"study {study}: {events} must be between 0 and {total} ({row[total]}); "
                                    f"got {row[events]}")
    for column in BINARY_COLUMNS[1:]:
        data[column] = data[column].astype("int64")
    return data


def leave_one_out(table: pd.DataFrame, measure: str = "RR", method: str = "DL") -> pd.DataFrame:
    """Sensitivity analysis: the pooled estimate with each study left out in turn.

    Returns one row per omitted study with ``omitted``, ``estimate``,
    ``ci_low``, ``ci_high``, ``i2``, ``tau2`` and ``reason`` (why a subset
    could not be pooled; empty when it was). Needs at least three studies.
    """
    data = _binary_table(table)
    if len(data) < 3:
        raise MscteachError(f"leave-one-out needs at least three studies; got {len(data)}")
    rows = []
    for i, study in enumerate(data["study"]):
        res = meta_analysis(data.drop(index=i), measure, method)
        rows.append({"omitted": study, "estimate": res.estimate, "ci_low": res.ci_low, "ci_high": res.ci_high,
                     "i2": res.i2, "tau2": res.tau2, "reason": res.reason or ""})
    return pd.DataFrame(rows)


def binary_outcomes(outcomes: pd.DataFrame, clinical: pd.DataFrame) -> pd.DataFrame:
    """Two-arm binary outcomes in the wide layout :func:`meta_analysis` takes.

    One row per study, outcome and time point that reports events and totals
    for both a treated and a control arm, with ``outcome``, ``timepoint``,
    ``study`` (author year), ``study_id`` and ``disease`` besides the count
    columns.
    """
    binary = outcomes[(outcomes["outcome_type"] == "binary") & outcomes["events"].notna() & outcomes["total"].notna()]
    binary = binary.assign(timepoint=binary["timepoint"].fillna(TIMEPOINT_NOT_STATED))
    keys = ["study_id", "outcome", "timepoint"]
    arms = {role: binary[binary["arm_role"] == role][[*keys, "events", "total"]] for role in ("treated", "control")}
    wide = arms["treated"].merge(arms["control"], on=keys, suffixes=("_t", "_c"), how="inner")
    names = clinical.set_index("study_id")
    wide["study"] = [f"{names.loc[s, 'first_author']} {names.loc[s, 'year']}" for s in wide["study_id"]]
    wide["disease"] = [names.loc[s, "disease"] for s in wide["study_id"]]
    wide = wide.rename(columns={"events_t": "events_treated", "total_t": "n_treated",
                                "events_c": "events_control", "total_c": "n_control"})
    return wide[["outcome", "timepoint", "study_id", *BINARY_COLUMNS, "disease"]].reset_index(drop=True)


def pool_outcomes(outcomes: pd.DataFrame, clinical: pd.DataFrame, measure: str = "RR",
                  method: str = "DL") -> list[tuple[str, str, MetaAnalysisResult]]:
    """A meta-analysis of every two-arm binary outcome in the data, one per outcome and time point.

    Returns ``(outcome, timepoint, result)`` in outcome order; a result whose
    ``pooled`` is False says in ``reason`` why nothing could be pooled (one
    study only, or studies without events).
    """
    wide = binary_outcomes(outcomes, clinical)
    return [(outcome, timepoint, meta_analysis(rows, measure, method))
            for (outcome, timepoint), rows in wide.groupby(["outcome", "timepoint"], sort=True)]


def poolable_outcomes(outcomes: pd.DataFrame, clinical: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`binary_outcomes` whose outcome and time point have a pooled estimate."""
    wide = binary_outcomes(outcomes, clinical)
    pooled = {(o, t) for o, t, result in pool_outcomes(outcomes, clinical) if result.pooled}
    keep = [(o, t) in pooled for o, t in zip(wide["outcome"], wide["timepoint"])]
    return wide[keep].reset_index(drop=True)


def pooling_overview(outcomes: pd.DataFrame, clinical: pd.DataFrame, measure: str = "RR",
                     method: str = "DL", lang: str | None = None) -> pd.DataFrame:
    """What can be pooled: one row per binary outcome and time point, with the pooled estimate or why not.

    Columns: ``outcome``, ``timepoint``, ``studies`` (reporting it in both
    arms), ``pooled`` (bool), ``result`` (the summary line, or the reason, in ``lang``) and
    ``warnings``.
    """
    rows = [{"outcome": o, "timepoint": t, "studies": len(r.studies), "pooled": r.pooled,
             "result": r.summary(lang), "warnings": "; ".join(r.warnings)}
            for o, t, r in pool_outcomes(outcomes, clinical, measure, method)]
    return pd.DataFrame(rows, columns=["outcome", "timepoint", "studies", "pooled", "result", "warnings"])


def poolability_statement(outcomes: pd.DataFrame, clinical: pd.DataFrame, lang: str | None = None) -> str:
    """A sentence (Markdown) saying what the data let one pool, computed from the data.

    ``lang`` is the language (default: the one figures are shown in, :mod:`mscteach.i18n`).

    Examples
    --------
    >>> import mscteach
    >>> print(poolability_statement(mscteach.load("outcomes"), mscteach.load("clinical_studies")))
    ... # doctest: +ELLIPSIS
    **Nothing can be pooled**: ...
    """
    overview = pooling_overview(outcomes, clinical, lang=lang)
    pooled = overview[overview["pooled"]]
    if overview.empty:
        return say("**Nothing can be pooled**: no study reports an outcome as events and totals in both a "
                   "treated and a control arm.", lang)
    separator = say("; ", lang)
    if pooled.empty:
        listed = separator.join(say("{outcome}: {studies} {study_word}", lang,
                                    outcome=_outcome_label(r.outcome, r.timepoint, lang), studies=r.studies,
                                    study_word=plural(r.studies, "study", "studies")) for r in overview.itertuples())
        return say("**Nothing can be pooled**: a pooled estimate needs the same outcome, at the same time point, "
                   "counted as events out of patients in both arms by at least two studies with events. "
                   "Outcomes reported that way: {listed}.", lang, listed=listed)
    listed = separator.join(f"{_outcome_label(r.outcome, r.timepoint, lang)}: {r.result}"
                            for r in pooled.itertuples())
    return say("**{n} {outcome_word} can be pooled**: {listed}.", lang, n=len(pooled),
               outcome_word=plural(len(pooled), "outcome", "outcomes"), listed=listed)


def _outcome_label(outcome: str, timepoint: str, lang: str | None = None) -> str:
    if timepoint == TIMEPOINT_NOT_STATED:
        return say("{outcome} ({timepoint})", lang, outcome=i18n.text(outcome, lang),
                   timepoint=i18n.text(timepoint, lang))
    return say("{outcome} at {timepoint}", lang, outcome=i18n.text(outcome, lang), timepoint=i18n.text(timepoint, lang))


def plural(n: int, one: str, many: str) -> str:
    """The English word for ``n`` things (``plural(1, "study", "studies")`` is "study").

    >>> plural(2, "study", "studies")
    'studies'
    """
    return one if n == 1 else many


def reported_proportions(outcomes: pd.DataFrame, study_id: str, outcome: str) -> pd.Series:
    """A study's reported percentages for one outcome as proportions, indexed by ``arm_role``.

    For example the 24-week survival of Lin 2017: ``control`` 0.556, ``treated`` 0.732.

    Raises
    ------
    UnknownNameError
        If the study reports no percentage for that outcome.
    """
    rows = outcomes[(outcomes["study_id"] == study_id) & (outcomes["outcome"] == outcome) & outcomes["percent"].notna()]
    if rows.empty:
        reported = outcomes.loc[(outcomes["study_id"] == study_id) & outcomes["percent"].notna(), "outcome"]
        raise UnknownNameError(f"percentage outcome of {study_id}", outcome, sorted(set(reported)))
    return (rows.set_index("arm_role")["percent"] / 100).astype(float)


# --------------------------------------------------------------------------- trial sizing
def trial_size(p_control: float, p_treatment: float, alpha: float = 0.05, power: float = 0.8,
               ratio: float = 1.0) -> int:
    """Patients per arm for a two-arm trial comparing two proportions.

    Uses statsmodels' power analysis for two independent proportions with
    Cohen's effect size h (arcsine transformation), two-sided test.

    Parameters
    ----------
    p_control, p_treatment : float
        Expected proportion with the outcome (e.g. survival) in each arm, in (0, 1).
    alpha : float
        Two-sided significance level.
    power : float
        Probability of detecting the difference if it is real.
    ratio : float
        Patients in the treated arm per patient in the control arm.

    Returns
    -------
    int
        Patients needed in the control arm (rounded up); the treated arm needs
        ``ceil(n * ratio)``.

    Raises
    ------
    MscteachError
        If a proportion is outside (0, 1), the two are equal, or alpha/power are out of range.
    """
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    for name, p in (("p_control", p_control), ("p_treatment", p_treatment)):
        if not 0 < p < 1:
            raise MscteachError(f"{name} must be a proportion between 0 and 1 (exclusive); got {p}")
    if p_control == p_treatment:
        raise MscteachError("p_control and p_treatment are equal: no trial can detect a zero difference")
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise MscteachError(f"alpha and power must be between 0 and 1; got alpha={alpha}, power={power}")
    h = proportion_effectsize(p_treatment, p_control)
    n = NormalIndPower().solve_power(effect_size=abs(h), alpha=alpha, power=power, ratio=ratio,
                                     alternative="two-sided")
    return int(np.ceil(n - 1e-9))


def trials_against_target(clinical: pd.DataFrame, per_arm: int) -> pd.DataFrame:
    """Each controlled study's arm sizes beside the patients per arm a powered trial needs.

    Returns ``study``, ``design``, ``n_treated``, ``n_control``, ``smaller_arm``
    and ``share_of_target`` (smaller arm ÷ target, so 1.0 means powered).
    """
    controlled = clinical[clinical["n_control"].notna() & primary(clinical)]
    view = controlled.assign(study=controlled["first_author"] + " " + controlled["year"].astype(str))
    view = view.assign(smaller_arm=view[["n_treated", "n_control"]].min(axis=1))
    view = view.assign(share_of_target=(view["smaller_arm"] / per_arm).astype(float).round(2))
    return view[["study", "design", "n_treated", "n_control", "smaller_arm", "share_of_target"]].sort_values(
        "share_of_target", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- registered trials (registry imports)
#: The registered-trial counts a chapter shows: by phase as registered, status, and start year.
REGISTERED_BY = ("phase", "status", "start year")


def registered_counts(trials: pd.DataFrame, by: str) -> pd.DataFrame:
    """How many registered trials there are per phase, status or start year.

    Parameters
    ----------
    trials : DataFrame
        :func:`mscteach.registry.registered_trials`.
    by : {"phase", "status", "start year"}
        Phases and statuses are in the registers' order with readable labels
        ("phase 1/2", "active, not recruiting"), "not given" last; years in
        order.

    Returns
    -------
    DataFrame
        ``label`` and ``trials``; only values that occur.
    """
    from .registry import PHASE_LABELS, STATUS_LABELS

    one_of(by, REGISTERED_BY, "by")
    if by == "start year":
        years = trials["start_date"].astype("string").str[:4]
        counts = years.fillna("not given").value_counts()
        order = sorted(k for k in counts.index if k != "not given") + (["not given"] if "not given" in counts else [])
        return pd.DataFrame({"label": order, "trials": [int(counts[k]) for k in order]})
    column, labels = ("phase_registered", PHASE_LABELS) if by == "phase" else ("status", STATUS_LABELS)
    values = trials[column].astype(object).where(trials[column].notna(), None)
    counts = values.map(lambda v: "not given" if v is None else v).value_counts()
    order = [k for k in labels if k in counts.index] + (["not given"] if "not given" in counts.index else [])
    return pd.DataFrame({"label": [labels.get(k, k) for k in order], "trials": [int(counts[k]) for k in order]})


def ongoing(trials: pd.DataFrame) -> pd.Series:
    """Whether each registered trial is under way or about to start (not yet recruiting ... active, not recruiting)."""
    from .registry import ONGOING

    return trials["status"].isin(ONGOING).fillna(False).astype(bool)


def registered_overview(trials: pd.DataFrame) -> pd.DataFrame:
    """Registered trials for readers: id, title, disease, cells, phase, status, enrolment, start, published study."""
    from .registry import PHASE_LABELS, STATUS_LABELS

    def enrolment(n: Any, kind: Any) -> str:
        if is_missing(n):
            return ""
        return f"{int(n)}" + ("" if is_missing(kind) else f" ({kind})")

    view = pd.DataFrame({
        "registry id": trials["registry_id"],
        "title": trials["title"],
        "disease": trials["disease"],
        "cells": trials["cell_type"],
        "phase": trials["phase_registered"].map(lambda v: None if is_missing(v) else PHASE_LABELS.get(v, v)),
        "status": trials["status"].map(lambda v: None if is_missing(v) else STATUS_LABELS.get(v, v)),
        "enrolment": [enrolment(n, k) for n, k in zip(trials["enrolment"], trials["enrolment_type"])],
        "start": trials["start_date"],
        "published as": trials["published_study_id"] if "published_study_id" in trials else None,
    })
    return view.reset_index(drop=True)


def registered_summary(trials: pd.DataFrame, last_import: dict[str, Any] | None = None,
                       lang: str | None = None) -> str:
    """The registered trials in numbers, in words (Markdown): how many, how many ongoing, how many published.

    ``last_import`` is :func:`mscteach.registry.last_import` (its PRISMA counts are stated when given);
    ``lang`` the language (default: the one figures are shown in, :mod:`mscteach.i18n`).
    """
    n = len(trials)
    published = int(trials["published_study_id"].notna().sum()) if "published_study_id" in trials else 0
    going = int(ongoing(trials).sum())
    text = say("The data folder holds **{n} registered {trial_word}** of cell therapies in liver disease; {going} "
               "{is_word} ongoing (not yet recruiting, recruiting or active). **{published} of {n}** {has_word} "
               "published results in the data (a study of the review whose `registry_id` names the trial).", lang,
               n=n, trial_word=plural(n, "trial", "trials"), going=going, is_word=plural(going, "is", "are"),
               published=published, has_word=plural(published, "has", "have"))
    if last_import:
        c = last_import
        text += " " + say("The last import ({imported_on}) read {read} {record_word}: {duplicates} {duplicate_word} "
                          "removed, {excluded} excluded (not a cell therapy, or not a liver disease), {included} "
                          "included.", lang, imported_on=i18n.digits(c["imported_on"], lang),
                          read=int(c["records_read"]), record_word=plural(int(c["records_read"]), "record", "records"),
                          duplicates=int(c["duplicates_removed"]),
                          duplicate_word=plural(int(c["duplicates_removed"]), "duplicate", "duplicates"),
                          excluded=int(c["excluded"]), included=int(c["included"]))
    return text


def ongoing_against_target(trials: pd.DataFrame, per_arm: int) -> pd.DataFrame:
    """Ongoing phase 2, 2/3 and 3 trials' enrolment against a powered two-arm trial (``2 × per_arm`` patients).

    Returns ``trial`` (registry id), ``phase``, ``status``, ``enrolment``,
    ``enrolment_type`` and ``share_of_target`` (enrolment ÷ 2 × per_arm), smallest share first; trials that
    give no enrolment are left out.
    """
    from .registry import PHASE_LABELS, STATUS_LABELS

    # phase 1/2 trials test safety and dose: a powered comparison is asked of phase 2 and 3 only
    chosen = trials[ongoing(trials) & trials["phase_registered"].isin(["PHASE2", "PHASE2|PHASE3", "PHASE3"])
                    .fillna(False).astype(bool) & trials["enrolment"].notna()]
    view = pd.DataFrame({
        "trial": chosen["registry_id"],
        "phase": chosen["phase_registered"].map(lambda v: PHASE_LABELS.get(v, v)),
        "status": chosen["status"].map(lambda v: STATUS_LABELS.get(v, v)),
        "enrolment": chosen["enrolment"].astype("Int64"),
        "enrolment_type": chosen["enrolment_type"],
        "share_of_target": (chosen["enrolment"].astype(float) / (2 * per_arm)).round(2),
    })
    return view.sort_values(["share_of_target", "trial"], kind="stable").reset_index(drop=True)


def matching_registered(trials: pd.DataFrame, disease: Any = ALL, cell_type: Any = ALL,
                        status: str = ALL) -> pd.DataFrame:
    """Registered trials matching a question's disease and cells; ``status`` "ongoing", "finished" or "all"."""
    chosen = choose(trials, disease=disease, cell_type=cell_type)
    one_of(status, ["ongoing", "finished"], "status")
    if status == "ongoing":
        chosen = chosen[ongoing(chosen)]
    elif status == "finished":
        chosen = chosen[~ongoing(chosen)]
    return chosen.reset_index(drop=True)
