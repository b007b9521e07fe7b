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
        if filter_values(wanted) is None:
            continue
        chosen = chosen[chosen[column].map(lambda v, wanted=wanted: wanted in split_items(v))]
    return chosen.reset_index(drop=True)
