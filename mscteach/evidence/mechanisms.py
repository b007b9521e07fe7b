"""Cells and mechanisms: which cells the studies used, and who acts on whom (mediators and targets)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .filters import choose, filter_values, split_items
from .studies import primary

__all__ = ["mechanisms_matching", "mediator_target_matrix", "studies_per_source"]


def studies_per_source(clinical: pd.DataFrame, animal: pd.DataFrame) -> pd.DataFrame:
    """How many clinical and preclinical studies used each cell type.

    Meta-analyses are left out: they pool other studies. Preclinical cell
    descriptions are grouped into the clinical names where they start with
    one (``UC-MSC``, ``BM-MSC``, ``adipose`` → ``adipose MSC``), the rest as
    ``"MSC (other or unspecified)"``.

    Parameters
    ----------
    clinical : DataFrame
        The ``clinical_studies`` table, or a selection.
    animal : DataFrame
        The ``animal_studies`` table, or a selection.

    Returns
    -------
    DataFrame
        Long: ``cell_type`` (an ordered categorical, most studies in total
        first), ``evidence`` ("clinical" or "preclinical") and ``studies``;
        a cell type with no study of one kind has no row for it.

    Examples
    --------
    >>> import mscteach
    >>> counts = studies_per_source(mscteach.load("clinical_studies"), mscteach.load("animal_studies"))
    >>> counts.head(2).values.tolist()
    [['BM-MSC', 'clinical', 7], ['BM-MSC', 'preclinical', 6]]
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

    Parameters
    ----------
    mechanisms : DataFrame
        The ``mechanisms`` table (``category``, ``mediator``, ``target``).
    categories : str or list of str, optional
        The ``category`` values to count; None or ``"all"`` counts every one.

    Returns
    -------
    DataFrame
        Mediators as the index, targets as columns, counts (int) as cells;
        empty when no mechanism has a target.

    Examples
    --------
    >>> import mscteach
    >>> matrix = mediator_target_matrix(mscteach.load("mechanisms"))
    >>> int(matrix.loc["(none named)", "B cell"])
    2
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


def mechanisms_matching(mechanisms: pd.DataFrame, category: Any = None, target: Any = None,
                        mediator: Any = None) -> pd.DataFrame:
    """Mechanisms in ``category`` whose target list includes ``target`` and mediator list ``mediator``.

    ``target`` and ``mediator`` match one item of the ``";"``-separated lists
    exactly (``"T cell"`` does not match ``"CD4+ T cell"``); a list matches
    a row naming any of its values; ``None`` or ``"all"`` matches everything.

    Parameters
    ----------
    mechanisms : DataFrame
        The ``mechanisms`` table.
    category : str or list of str, optional
        The ``category`` values to keep (as :func:`~mscteach.evidence.choose`); None or ``"all"`` keeps every one.
    target, mediator : str or list of str, optional
        A target or mediator (or several: any of them), matched against each item of the cell's list.

    Returns
    -------
    DataFrame
        The matching mechanisms in the table's order, with a fresh index.

    Examples
    --------
    >>> import mscteach
    >>> found = mechanisms_matching(mscteach.load("mechanisms"), category="adaptive immunity", target="T cell")
    >>> sorted(set(found["mediator"]))
    ['IDO', 'MMP-2; MMP-9', 'PGE2', 'TGF-β1', 'cyclin D2 / p27kip1']
    """
    chosen = choose(mechanisms, category=category)
    for column, given in (("target", target), ("mediator", mediator)):
        wanted = filter_values(given)
        if wanted is None:
            continue
        chosen = chosen[chosen[column].map(lambda v, wanted=wanted: any(w in split_items(v) for w in wanted))]
    return chosen.reset_index(drop=True)
