"""Clinical and preclinical studies: designs in evidence order, evidence levels and flags, doses, trial sizes.

The design order and which designs are ranked come from the schema
(``clinical_studies.design``), never from a list in code.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..data import field_schema, vocabulary
from ..errors import UnknownNameError
from ..stats import is_missing

__all__ = [
    "FIELDS_FROM_SOURCES",
    "MISPRINT_MARK",
    "SHORT_FOLLOW_UP",
    "SHOWN_FROM",
    "SMALL_SAMPLE",
    "check_exclusions",
    "design_order",
    "design_rank",
    "dose_shown",
    "evidence_level",
    "evidence_levels",
    "evidence_table",
    "mark_from_sources",
    "outcome_matrix",
    "primary",
    "reported_proportions",
    "trial_overview",
    "trials_against_target",
]


def outcome_matrix(animal: pd.DataFrame) -> pd.DataFrame:
    """Preclinical studies counted by species (rows) and disease (columns).

    Each cell is a string such as ``"2 benefit\\n1 harm"`` (one line per
    outcome, outcomes in sorted order); an empty string means no study.
    Species not stated are shown as ``"(not stated)"``.

    Parameters
    ----------
    animal : DataFrame
        The ``animal_studies`` table (``species``, ``disease``, ``outcome``), or a selection.

    Returns
    -------
    DataFrame
        Species as the index (sorted), diseases as columns (sorted), strings as cells.

    Examples
    --------
    >>> import mscteach
    >>> matrix = outcome_matrix(mscteach.load("animal_studies"))
    >>> matrix.loc["(not stated)", "HCC"]
    '1 benefit\\n1 neutral'
    """
    frame = animal.assign(species=animal["species"].fillna("(not stated)"))
    counts = frame.groupby(["species", "disease", "outcome"]).size()
    cells = counts.groupby(level=["species", "disease"]).apply(
        lambda s: "\n".join(f"{n} {outcome}" for (_, _, outcome), n in s.items()))
    return cells.unstack("disease").fillna("").sort_index()


def design_order() -> list[str]:
    """Study designs strongest first: the order of ``clinical_studies.design`` in the schema.

    Returns
    -------
    list of str
        The design vocabulary of the data folder's schema, in its order.

    Examples
    --------
    >>> design_order()
    ['RCT', 'non-randomised controlled', 'cohort', 'single-arm', 'case report', 'meta-analysis']
    """
    return vocabulary("clinical_studies", "design")


def design_rank(design: pd.Series) -> pd.Series:
    """Position of each design in the schema's evidence order (RCT first; meta-analyses last).

    Parameters
    ----------
    design : Series
        ``clinical_studies.design`` values; missing values stay missing.

    Returns
    -------
    Series
        Positions in :func:`design_order`, 0 first (nullable ``Int64``), with ``design``'s index.

    Raises
    ------
    UnknownNameError
        For a design outside the schema's vocabulary (the first, alphabetically).

    Examples
    --------
    >>> import pandas as pd
    >>> design_rank(pd.Series(["cohort", "RCT", None])).tolist()
    [2, 0, <NA>]
    """
    order = design_order()
    unknown = set(design.dropna()) - set(order)
    if unknown:
        raise UnknownNameError("design", sorted(unknown)[0], order)
    return design.map({d: i for i, d in enumerate(order)}).astype("Int64")


def primary(clinical: pd.DataFrame) -> pd.Series:
    """Whether each study is a primary study (a ranked design), not one that pools others (a meta-analysis).

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table, or a selection.

    Returns
    -------
    Series of bool
        True where ``design`` is in :func:`evidence_levels`, with ``clinical``'s index.

    Examples
    --------
    >>> import mscteach
    >>> int(primary(mscteach.load("clinical_studies")).sum())  # 17 studies, 2 of them meta-analyses
    15
    """
    return clinical["design"].isin(list(evidence_levels())).astype(bool)


MISPRINT_MARK = "as printed in the review; published:"


def dose_shown(clinical: pd.DataFrame) -> pd.Series:
    """Each study's dose as a reader should see it.

    ``dose_text`` is the dose as the review prints it. Where the review
    misprints it, ``dose_as_published`` holds the dose the study's published
    report gives, and the two are shown together, so a misprint is never
    shown bare.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table, or a selection; ``dose_as_published`` may be absent.

    Returns
    -------
    Series
        Named ``dose``, string dtype, with ``clinical``'s index; ``<NA>`` where no dose is given.

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


#: Display columns made from data fields: a cell is from the sources file when one of its fields is.
SHOWN_FROM = {"dose": ("dose_text", "dose_as_published")}
#: The data's field naming what came from the sources file, and the ``attrs`` key of a table's marked cells
#: (:data:`mscteach.display.FROM_SOURCES`, which this layer may not import: display draws).
FIELDS_FROM_SOURCES = "fields_from_sources"


def mark_from_sources(table: pd.DataFrame, fields_from_sources: pd.Series) -> pd.DataFrame:
    """Mark the cells of a display table whose values come from a study's published report, not the review.

    ``fields_from_sources`` names, for each study, the fields the curators
    filled from the sources file (``data/source/``) instead of the review. A
    cell is marked when its column is one of them, or is shown from one of
    them (:data:`SHOWN_FROM`: the ``dose`` of :func:`dose_shown`). The
    marks travel in the table's ``attrs`` (the values stay as they are, so
    numbers stay numbers), and :func:`mscteach.display.table_html` (every
    table of the chapters, explorers and briefs) shows
    :data:`mscteach.display.SOURCE_MARK` beside each marked value, with the footnote "† from the study's published
    report (sources file), not the review" under the table.

    Parameters
    ----------
    table : DataFrame
        The table to show, one row per study.
    fields_from_sources : Series
        The studies' ``fields_from_sources`` (";"-separated field names, or missing), aligned with
        ``table``'s index.

    Returns
    -------
    DataFrame
        A copy of ``table`` with ``attrs["fields_from_sources"]``: index label to the
        columns marked in that row (rows without one are left out). The marks follow the index
        labels: mark a table after its last reordering.

    Examples
    --------
    >>> import mscteach
    >>> clinical = mscteach.load("clinical_studies").set_index("study_id")
    >>> shown = mark_from_sources(clinical[["n_total", "dose_cells_per_kg"]], clinical["fields_from_sources"])
    >>> shown.attrs["fields_from_sources"]["xue2018"], shown.attrs["fields_from_sources"]["zhang2012"]
    (['n_total'], ['dose_cells_per_kg'])
    """
    marks: dict[Any, list[str]] = {}
    for label, value in fields_from_sources.reindex(table.index).items():
        listed = set() if is_missing(value) else {f.strip() for f in str(value).split(";")}
        columns = [str(c) for c in table.columns if str(c) in listed or listed & set(SHOWN_FROM.get(str(c), ()))]
        if columns:
            marks[label] = columns
    shown = table.copy()
    shown.attrs[FIELDS_FROM_SOURCES] = marks
    return shown


def trial_overview(clinical: pd.DataFrame) -> pd.DataFrame:
    """A compact view of clinical studies: one row per study, strongest designs first.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table, or a selection.

    Returns
    -------
    DataFrame
        Columns ``study`` (author year), ``disease``, ``cell_type``,
        ``cell_origin``, ``design``, ``n_treated``, ``n_control``, ``dose`` (see
        :func:`dose_shown`), ``follow_up_weeks``, ``ref_ids``; sorted by design
        (:func:`design_rank`), then year, then study, with a fresh index. Values from the
        sources file are marked (:func:`mark_from_sources`).

    Raises
    ------
    UnknownNameError
        For a design outside the schema's vocabulary.

    Examples
    --------
    >>> import mscteach
    >>> trial_overview(mscteach.load("clinical_studies"))["study"].head(3).tolist()
    ['Shi 2012', 'Zhang 2012', 'Mohamadnejad 2013']
    """
    view = clinical.assign(study=clinical["first_author"] + " " + clinical["year"].astype(str),
                           dose=dose_shown(clinical), _rank=design_rank(clinical["design"]))
    view = view.sort_values(["_rank", "year", "study"], kind="stable")
    cols = ["study", "disease", "cell_type", "cell_origin", "design", "n_treated", "n_control",
            "dose", "follow_up_weeks", "ref_ids"]
    view = view.reset_index(drop=True)
    return mark_from_sources(view[cols], _fields_from_sources(view))


def _fields_from_sources(clinical: pd.DataFrame) -> pd.Series:
    """The studies' ``fields_from_sources`` (all missing for a selection without the column)."""
    if FIELDS_FROM_SOURCES in clinical:
        return clinical[FIELDS_FROM_SOURCES]
    return pd.Series(pd.NA, index=clinical.index, dtype="object")


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

    Examples
    --------
    >>> import mscteach
    >>> checked = check_exclusions(mscteach.load("exclusion_criteria"), ["Pregnancy or lactation"])
    >>> checked.loc[checked["applies"], "criterion"].tolist()
    ['Pregnancy or lactation']
    """
    names = criteria["criterion"].tolist()
    for condition in conditions:
        if condition not in names:
            raise UnknownNameError("exclusion criterion", condition, names)
    table = criteria[["criterion", "detail"]].assign(applies=criteria["criterion"].isin(list(conditions)))
    return table.sort_values("applies", ascending=False, kind="stable").reset_index(drop=True)


def evidence_levels() -> dict[str, int]:
    """Evidence level of each ranked design, 1 (strongest) first, read from the schema.

    The level is the design's position in ``clinical_studies.design``'s
    vocabulary, leaving out the designs the schema marks ``unranked``
    (meta-analyses, which pool other studies).

    Returns
    -------
    dict of str to int
        Design to level, strongest (1) first.

    Examples
    --------
    >>> evidence_levels()
    {'RCT': 1, 'non-randomised controlled': 2, 'cohort': 3, 'single-arm': 4, 'case report': 5}
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

    Parameters
    ----------
    design : str
        A ``clinical_studies.design`` value.

    Returns
    -------
    int or None
        The level, 1 strongest; None for a design the schema marks ``unranked``.

    Raises
    ------
    UnknownNameError
        For a design outside the schema's vocabulary.

    Examples
    --------
    >>> evidence_level("cohort"), evidence_level("meta-analysis")
    (3, None)
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

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table, or a selection.
    small_sample : int, default SMALL_SAMPLE (50)
        Treated patients below which a study is flagged as small.
    short_follow_up : int, default SHORT_FOLLOW_UP (52)
        Weeks of follow-up below which a study is flagged as short.

    Returns
    -------
    DataFrame
        ``clinical``'s columns and the five above, sorted by level (meta-analyses
        last), year and ``study_id``, with a fresh index. For meta-analyses
        ``controlled`` is False, the two flag columns ``<NA>`` and ``flags``
        "pools other studies". Values from the sources file are marked
        (:func:`mark_from_sources`), so a selection of its columns shows them.

    Raises
    ------
    UnknownNameError
        For a design outside the schema's vocabulary.

    Examples
    --------
    >>> import mscteach
    >>> table = evidence_table(mscteach.load("clinical_studies")).set_index("study_id")
    >>> int(table.loc["lin2017", "evidence_level"]), table.loc["lin2017", "flags"]
    (1, 'short follow-up (<52 weeks)')
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
    table = table.reset_index(drop=True)
    return mark_from_sources(table, _fields_from_sources(table))


def _flag(value: Any, yes: str, unknown: str) -> str:
    if value is pd.NA or value is None:
        return unknown
    return yes if bool(value) else ""


def reported_proportions(outcomes: pd.DataFrame, study_id: str, outcome: str) -> pd.Series:
    """A study's reported percentages for one outcome as proportions, indexed by ``arm_role``.

    Parameters
    ----------
    outcomes : DataFrame
        The ``outcomes`` table.
    study_id : str
        The study, e.g. ``"lin2017"``.
    outcome : str
        The outcome, e.g. ``"survival"``.

    Returns
    -------
    Series of float
        ``percent / 100`` for each arm that reports one, indexed by ``arm_role``, in the table's order.

    Raises
    ------
    UnknownNameError
        If the study reports no percentage for that outcome (listing the ones it does report).

    Examples
    --------
    The 24-week survival of Lin 2017:

    >>> import mscteach
    >>> reported_proportions(mscteach.load("outcomes"), "lin2017", "survival").to_dict()
    {'treated': 0.732, 'control': 0.556}
    """
    rows = outcomes[(outcomes["study_id"] == study_id) & (outcomes["outcome"] == outcome) & outcomes["percent"].notna()]
    if rows.empty:
        reported = outcomes.loc[(outcomes["study_id"] == study_id) & outcomes["percent"].notna(), "outcome"]
        raise UnknownNameError(f"percentage outcome of {study_id}", outcome, sorted(set(reported)))
    return (rows.set_index("arm_role")["percent"] / 100).astype(float)


def trials_against_target(clinical: pd.DataFrame, per_arm: int) -> pd.DataFrame:
    """Each controlled study's arm sizes beside the patients per arm a powered trial needs.

    A controlled study is a primary study (:func:`primary`) with a control arm size.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table, or a selection.
    per_arm : int
        The patients per arm a powered trial needs (e.g. from :func:`mscteach.stats.trial_size`).

    Returns
    -------
    DataFrame
        ``study``, ``design``, ``n_treated``, ``n_control``, ``smaller_arm``
        and ``share_of_target`` (smaller arm ÷ target rounded to 2 decimals, so
        1.0 means powered), smallest share first, with a fresh index.

    Examples
    --------
    >>> import mscteach
    >>> sizes = trials_against_target(mscteach.load("clinical_studies"), per_arm=93)
    >>> sizes.loc[sizes["study"] == "Lin 2017", ["smaller_arm", "share_of_target"]].values.tolist()
    [[54, 0.58]]
    """
    controlled = clinical[clinical["n_control"].notna() & primary(clinical)]
    view = controlled.assign(study=controlled["first_author"] + " " + controlled["year"].astype(str))
    view = view.assign(smaller_arm=view[["n_treated", "n_control"]].min(axis=1))
    view = view.assign(share_of_target=(view["smaller_arm"] / per_arm).astype(float).round(2))
    return view[["study", "design", "n_treated", "n_control", "smaller_arm", "share_of_target"]].sort_values(
        "share_of_target", kind="stable").reset_index(drop=True)
