"""Chapter 5's figures: preclinical studies by species, disease modelled and outcome."""
from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from .. import evidence
from .common import count_heatmap, new_figure, note_empty_selection, outcome_colours, pairs, stacked_barh

__all__ = ["outcome_heatmap", "outcomes_by_disease_figure"]


def outcome_heatmap(animal: pd.DataFrame) -> Figure:
    """A species × disease grid of preclinical studies, coloured by count and annotated with their outcomes.

    Parameters
    ----------
    animal : DataFrame
        The ``animal_studies`` table or a selection of it (columns
        ``species``, ``disease`` and ``outcome``); a missing species is shown
        as "(not stated)". With no rows the figure says so.

    Returns
    -------
    matplotlib.figure.Figure
        The heatmap's axis (diseases in schema order, each cell reading e.g.
        "2 benefit / 1 harm") and its colour bar's axis.
    """
    fig = new_figure(0.45 * max(animal["species"].fillna("?").nunique(), 3) + 2.0)
    ax = fig.subplots()
    if animal.empty:
        note_empty_selection(ax)
    else:
        labels = evidence.outcome_matrix(animal)
        labels = labels[evidence.in_schema_order(labels.columns, "animal_studies", "disease")]
        counts = (animal.assign(species=animal["species"].fillna("(not stated)"))
                  .groupby(["species", "disease"]).size().unstack("disease").reindex_like(labels).fillna(0))
        count_heatmap(ax, counts, "Greens", annot=labels.replace("", np.nan).fillna("").to_numpy(),
                      colourbar="studies")
        # each filled cell with its outcomes counted, as its label reads them
        named = animal.assign(species=animal["species"].fillna("(not stated)"))
        outcomes = pd.crosstab([named["species"], named["disease"]], named["outcome"])
        table = pairs(counts, "species", "disease modelled", "studies")
        for outcome in [o for o in outcome_colours(outcomes.columns) if o in outcomes.columns]:
            table[outcome] = [int(outcomes.loc[(species, disease), outcome])
                              for species, disease in zip(table["species"], table["disease modelled"])]
        fig.mscteach_data = table  # type: ignore[attr-defined]
    ax.set_xlabel("disease modelled")
    ax.set_ylabel("species")
    ax.set_title("Preclinical studies by species and disease, with their outcomes")
    return fig


def outcomes_by_disease_figure(animal: pd.DataFrame) -> Figure:
    """Preclinical studies per disease modelled, stacked by outcome.

    Parameters
    ----------
    animal : DataFrame
        The ``animal_studies`` table or a selection of it (columns
        ``disease`` and ``outcome``). Outcomes are stacked in the order of
        the schema's vocabulary (benefit, harm, mixed, neutral) and coloured
        by :func:`~mscteach.plots.common.outcome_colours`; an outcome outside
        the vocabulary still gets its bar, after them. With no rows the
        figure says so.

    Returns
    -------
    matplotlib.figure.Figure
        One axis of horizontal bars, one per disease (schema order from the
        top).

    Examples
    --------
    >>> import pandas as pd
    >>> animal = pd.DataFrame({"disease": ["ALF", "ALF", "HCC"], "outcome": ["benefit", "harm", "harm"]})
    >>> ax = outcomes_by_disease_figure(animal).axes[0]
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['benefit', 'harm']
    """
    fig = new_figure(3.4)
    ax = fig.subplots()
    if animal.empty:
        note_empty_selection(ax)
    else:
        counts = pd.crosstab(animal["disease"], animal["outcome"])
        colours = outcome_colours(counts.columns)
        counts = counts[[o for o in colours if o in counts.columns]]
        counts = counts.loc[evidence.in_schema_order(counts.index, "animal_studies", "disease")[::-1]]
        stacked_barh(ax, counts, colours, legend="outcome")
        table = counts.iloc[::-1].rename_axis(index="disease modelled", columns=None).reset_index()
        fig.mscteach_data = table  # type: ignore[attr-defined]
    ax.set_xlabel("studies")
    ax.set_ylabel("disease modelled")
    ax.set_title("Preclinical outcomes by disease")
    sns.despine(ax=ax)
    return fig
