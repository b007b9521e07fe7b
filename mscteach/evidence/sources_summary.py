"""Which cells the studies gave, in words computed from the data (chapter 2)."""
from __future__ import annotations

import pandas as pd

from .. import i18n
from ..i18n import say, say_n
from .mechanisms import studies_per_source

__all__ = ["UNSPECIFIED", "studies_per_source_statement"]

#: The group :func:`~mscteach.evidence.studies_per_source` puts preclinical cells of no named source in.
UNSPECIFIED = "MSC (other or unspecified)"


def studies_per_source_statement(clinical: pd.DataFrame, animal: pd.DataFrame, lang: str | None = None) -> str:
    """A paragraph (Markdown) saying which cells the clinical and preclinical studies gave, with their counts.

    Counted by :func:`~mscteach.evidence.studies_per_source` (meta-analyses left out). The cell type used
    most is named among the named cell types only: MSCs of another or unspecified origin are counted apart,
    since they are not one source.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table, or a selection.
    animal : DataFrame
        The ``animal_studies`` table, or a selection.
    lang : str, optional
        The language (default: the one figures are shown in, :mod:`mscteach.i18n`).

    Returns
    -------
    str
        The cell type used most (both kinds of evidence together where it is the same), how many
        preclinical studies give no named source, and every cell type's count for each kind.

    Examples
    --------
    >>> import mscteach
    >>> print(studies_per_source_statement(mscteach.load("clinical_studies"), mscteach.load("animal_studies")))
    ... # doctest: +ELLIPSIS
    **BM-MSC** is the cell type used most in both the clinical studies (7 of 15) and the preclinical ones (6 of 20)...
    """
    counts = studies_per_source(clinical, animal)
    per_kind = {kind: counts[counts["evidence"] == kind].sort_values("studies", ascending=False, kind="stable")
                for kind in ("clinical", "preclinical")}
    totals = {kind: int(rows["studies"].sum()) for kind, rows in per_kind.items()}
    tops = {kind: _most_used(rows, lang) for kind, rows in per_kind.items()}
    parts = []
    (clinical_top, clinical_n), (preclinical_top, preclinical_n) = tops["clinical"], tops["preclinical"]
    if clinical_top and clinical_top == preclinical_top:
        parts.append(say("**{cell_type}** is the cell type used most in both the clinical studies ({clinical} of "
                         "{clinical_total}) and the preclinical ones ({preclinical} of {preclinical_total}).", lang,
                         cell_type=clinical_top, clinical=clinical_n, clinical_total=totals["clinical"],
                         preclinical=preclinical_n, preclinical_total=totals["preclinical"]))
    elif clinical_top and preclinical_top:
        parts.append(say("The cell type used most is **{clinical_type}** in the clinical studies ({clinical} of "
                         "{clinical_total}) and **{preclinical_type}** in the preclinical ones ({preclinical} of "
                         "{preclinical_total}).", lang, clinical_type=clinical_top, clinical=clinical_n,
                         clinical_total=totals["clinical"], preclinical_type=preclinical_top,
                         preclinical=preclinical_n, preclinical_total=totals["preclinical"]))
    unspecified = per_kind["preclinical"].loc[per_kind["preclinical"]["cell_type"] == UNSPECIFIED, "studies"]
    if unspecified.sum():
        parts.append(say_n("{n} preclinical study gives MSCs of another or unspecified origin.",
                           "{n} preclinical studies give MSCs of another or unspecified origin.",
                           int(unspecified.sum()), lang))
    separator = say("; ", lang)
    listed = {kind: separator.join(say("{cell_type}: {n}", lang, cell_type=i18n.text(str(r.cell_type), lang),
                                       n=int(r.studies)) for r in rows.itertuples())
              for kind, rows in per_kind.items()}
    if totals["clinical"]:
        parts.append(say_n("Cells given in the {n} clinical study (meta-analyses left out): {listed}.",
                           "Cells given in the {n} clinical studies (meta-analyses left out): {listed}.",
                           totals["clinical"], lang, listed=listed["clinical"]))
    if totals["preclinical"]:
        parts.append(say_n("Cells given in the {n} preclinical study: {listed}.",
                           "Cells given in the {n} preclinical studies: {listed}.",
                           totals["preclinical"], lang, listed=listed["preclinical"]))
    return " ".join(parts)


def _most_used(rows: pd.DataFrame, lang: str | None) -> tuple[str, int]:
    """The named cell type(s) with the most studies, joined when tied; ("", 0) when none is named."""
    named = rows[rows["cell_type"] != UNSPECIFIED]
    if named.empty:
        return "", 0
    most = int(named["studies"].max())
    tied = [i18n.text(str(c), lang) for c in named.loc[named["studies"] == most, "cell_type"]]
    return say(" and ", lang).join(tied), most
