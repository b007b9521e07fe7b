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

from .data import format_citation
from .errors import MscteachError, UnknownNameError

ALL = "all"

__all__ = [
    "ALL",
    "EcmScenario",
    "choose",
    "check_exclusions",
    "design_rank",
    "distinct_items",
    "ecm_summary",
    "mechanisms_matching",
    "ecm_balance",
    "further_reading",
    "mediator_target_matrix",
    "one_of",
    "outcome_matrix",
    "references_cited",
    "split_items",
    "studies_per_source",
    "timeline_between",
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
            mask &= series.map(lambda items: any(w in items for w in wanted))
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


def references_cited(table: pd.DataFrame) -> list[int]:
    """Sorted reference numbers cited anywhere in ``table['ref_ids']``."""
    return sorted({r for refs in table["ref_ids"] for r in refs})


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
    clin = clinical[clinical["design"] != "meta-analysis"]
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
        chosen = chosen[chosen[column].map(lambda v: wanted in split_items(v))]
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


DESIGN_ORDER = ["RCT", "non-randomised controlled", "cohort", "single-arm", "case report", "meta-analysis"]


def design_rank(design: pd.Series) -> pd.Series:
    """Position of each design in the usual evidence order (RCT first; meta-analyses last)."""
    unknown = set(design.dropna()) - set(DESIGN_ORDER)
    if unknown:
        raise UnknownNameError("design", sorted(unknown)[0], DESIGN_ORDER)
    return design.map({d: i for i, d in enumerate(DESIGN_ORDER)}).astype("Int64")


def trial_overview(clinical: pd.DataFrame) -> pd.DataFrame:
    """A compact view of clinical studies: one row per study, strongest designs first.

    Columns: ``study`` (author year), ``disease``, ``cell_type``,
    ``cell_origin``, ``design``, ``n_treated``, ``n_control``, ``dose_text``,
    ``follow_up_weeks``, ``ref_ids``.
    """
    view = clinical.assign(study=clinical["first_author"] + " " + clinical["year"].astype(str),
                           _rank=design_rank(clinical["design"]))
    view = view.sort_values(["_rank", "year", "study"], kind="stable")
    cols = ["study", "disease", "cell_type", "cell_origin", "design", "n_treated", "n_control",
            "dose_text", "follow_up_weeks", "ref_ids"]
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
