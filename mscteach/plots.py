"""One function per figure: tables in, a matplotlib :class:`~matplotlib.figure.Figure` out.

Figures are made with :class:`matplotlib.figure.Figure` rather than pyplot, so
nothing is shown or kept alive behind the caller's back: a notebook shows the
returned figure, a widget redraws it, a test inspects it. Colours come from
seaborn's colour-blind-safe palette; every figure has a title and labelled axes
and fits a notebook column (about 8 inches wide).
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from . import evidence

__all__ = [
    "PALETTE",
    "challenges_figure",
    "cumulative_figure",
    "design_disease_heatmap",
    "dose_figure",
    "ecm_balance_figure",
    "evidence_stance_figure",
    "evidence_map_figure",
    "follow_up_figure",
    "forest_plot",
    "mechanism_targets_figure",
    "mediator_target_heatmap",
    "outcome_heatmap",
    "outcomes_by_disease_figure",
    "reference_years_figure",
    "registered_target_figure",
    "registered_trials_figure",
    "sample_size_figure",
    "studies_per_source_figure",
    "timeline_figure",
    "trial_size_figure",
]

#: The colour-blind-safe palette every figure draws from.
PALETTE = sns.color_palette("colorblind")
WIDTH = 8.0
OUTCOME_COLOURS = {"benefit": PALETTE[2], "harm": PALETTE[3], "mixed": PALETTE[1], "neutral": PALETTE[7]}


def _figure(height: float, width: float = WIDTH) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained", dpi=80)
    return fig


def _empty(ax, message: str = "No rows match the current selection") -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="0.35")
    ax.set_xticks([])
    ax.set_yticks([])


def _stacked_barh(ax, counts: pd.DataFrame, colours: dict[str, tuple], legend: str | None) -> None:
    """Horizontal bars stacked by column of a crosstab (rows are the bars), integer count axis."""
    left = np.zeros(len(counts))
    for column in counts.columns:
        ax.barh(counts.index, counts[column], left=left, color=colours[column], label=column)
        left += counts[column].to_numpy()
    ax.legend(title=legend, frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)


def _count_heatmap(ax, counts: pd.DataFrame, cmap: str, annot=True, colourbar: str | None = None) -> None:
    """A heatmap of whole-number counts: one colour per count, empty cells for zero, an integer colour bar."""
    from matplotlib.colors import BoundaryNorm
    from matplotlib.ticker import MaxNLocator

    top = max(int(counts.to_numpy().max()), 1)
    # one band per whole number from 1 up: a cell of 1 never shares a colour with 0 (shown empty)
    norm = BoundaryNorm(np.arange(0.5, top + 1.5), ncolors=256)
    sns.heatmap(counts, annot=annot, fmt="" if not isinstance(annot, bool) else "d", cmap=cmap, norm=norm,
                mask=counts == 0, cbar=colourbar is not None, linewidths=0.5, linecolor="0.85", ax=ax,
                annot_kws={"fontsize": 8}, cbar_kws={"label": colourbar, "ticks": MaxNLocator(integer=True)}
                if colourbar else None)
    if colourbar:
        ax.collections[0].colorbar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_facecolor("white")


def _wrap_xticklabels(ax, width: int = 12) -> None:
    """Wrap long category labels onto several lines instead of rotating them."""
    ax.set_xticks(ax.get_xticks(), [textwrap.fill(t.get_text(), width) for t in ax.get_xticklabels()], rotation=0)


def _colours(values: Sequence[str]) -> dict[str, tuple]:
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(values)}


# --------------------------------------------------------------------------- 1 history
def timeline_figure(events: pd.DataFrame, title: str = "From \"stem cell\" to MSCs") -> Figure:
    """Dated events on a year axis, one lane per category, labelled by headline.

    Parameters
    ----------
    events : DataFrame
        Rows of the ``timeline`` table (e.g. from :func:`evidence.timeline_between`).
    """
    fig = _figure(0.55 * max(len(events), 4) + 1.2)
    ax = fig.subplots()
    if events.empty:
        _empty(ax)
    else:
        events = events.sort_values(["year", "year_text"], kind="stable").reset_index(drop=True)
        colours = _colours(sorted(events["category"].unique()))
        for i, row in events.iterrows():
            end = row["year_end"] if pd.notna(row["year_end"]) else row["year"]
            colour = colours[row["category"]]
            ax.plot([row["year"], end], [i, i], color=colour, lw=6, solid_capstyle="round")
            ax.plot(row["year"], i, "o", color=colour, ms=8)
            ax.annotate(f"{row['year_text']}  {row['headline']}", (end, i), xytext=(8, 0),
                        textcoords="offset points", va="center", fontsize=9)
        for category, colour in colours.items():
            ax.plot([], [], "o", color=colour, label=category)
        ax.legend(title="category", loc="upper right", fontsize=9, title_fontsize=9, frameon=False)
        ax.set_yticks([])
        ax.invert_yaxis()
        first, last = int(events["year"].min()), int(events["year_end"].fillna(events["year"]).max())
        ax.set_xlim(first - 5, last + 0.45 * max(last - first, 20))
        sns.despine(ax=ax, left=True)
    ax.set_xlabel("year")
    ax.set_title(title)
    return fig


def reference_years_figure(references: pd.DataFrame, highlight: Sequence[int] = ()) -> Figure:
    """How old the review's sources are: references per 5-year bin.

    ``highlight`` (reference numbers, e.g. a chapter's citations) is drawn on top.
    """
    fig = _figure(3.2)
    ax = fig.subplots()
    bins = np.arange(5 * (references["year"].min() // 5), references["year"].max() + 6, 5)
    years = references["year"].astype(float)
    ax.hist(years, bins=bins, color=PALETTE[0], alpha=0.45, label=f"all {len(references)} references")
    if len(highlight):
        chosen = references[references["ref_id"].isin(list(highlight))]["year"].astype(float)
        ax.hist(chosen, bins=bins, color=PALETTE[0], label=f"cited here ({len(chosen)})")
    ax.set_xlabel("publication year (5-year bins)")
    ax.set_ylabel("references")
    ax.set_title("When the review's sources were published")
    ax.legend(frameon=False)
    sns.despine(ax=ax)
    return fig


# --------------------------------------------------------------------------- 2 differentiation
def evidence_stance_figure(differentiation: pd.DataFrame) -> Figure:
    """Differentiation evidence items by kind, split into for and against."""
    fig = _figure(3.4)
    ax = fig.subplots()
    counts = pd.crosstab(differentiation["kind"], differentiation["stance"]).reindex(columns=["for", "against"], fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    _stacked_barh(ax, counts, {"for": PALETTE[2], "against": PALETTE[3]}, legend="stance")
    ax.set_xlabel("evidence items in the review")
    ax.set_ylabel("kind of evidence")
    ax.set_title("Hepatocyte-like-cell differentiation: evidence for and against")
    sns.despine(ax=ax)
    return fig


def studies_per_source_figure(counts: pd.DataFrame) -> Figure:
    """Clinical and preclinical studies per cell type (from :func:`evidence.studies_per_source`)."""
    fig = _figure(3.6)
    ax = fig.subplots()
    if counts.empty:
        _empty(ax)
    else:
        sns.barplot(data=counts, y="cell_type", x="studies", hue="evidence", ax=ax,
                    palette={"clinical": PALETTE[0], "preclinical": PALETTE[1]}, orient="h")
        ax.legend(title="evidence", frameon=False)
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("studies described in the review")
    ax.set_ylabel("cells given")
    ax.set_title("Which cells have been studied?")
    sns.despine(ax=ax)
    return fig


# --------------------------------------------------------------------------- 3, 4 mechanisms
def mediator_target_heatmap(matrix: pd.DataFrame, title: str = "Mediators and the cells they act on") -> Figure:
    """Heatmap of a mediator × target count matrix (from :func:`evidence.mediator_target_matrix`)."""
    fig = _figure(0.35 * max(len(matrix), 4) + 2.2)
    ax = fig.subplots()
    if matrix.empty:
        _empty(ax)
    else:
        _count_heatmap(ax, matrix, "Blues")
        ax.tick_params(axis="x", rotation=35)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.set_xlabel("target")
    ax.set_ylabel("mediator")
    ax.set_title(title)
    return fig


def mechanism_targets_figure(mechanisms: pd.DataFrame, categories: Sequence[str]) -> Figure:
    """How many mechanisms the review describes per target, stacked by category (most-targeted first)."""
    chosen = evidence.choose(mechanisms, category=list(categories))
    rows = [(t, row.category) for row in chosen.itertuples() for t in evidence.split_items(row.target)]
    frame = pd.DataFrame(rows, columns=["target", "category"])
    fig = _figure(0.32 * max(frame["target"].nunique(), 4) + 1.6)
    ax = fig.subplots()
    if frame.empty:
        _empty(ax)
    else:
        counts = pd.crosstab(frame["target"], frame["category"])
        counts = counts[[c for c in categories if c in counts.columns]]
        totals = counts.sum(axis=1)
        # most-targeted at the top (barh draws the first row at the bottom); ties in name order
        order = sorted(counts.index, key=lambda t: (-totals[t], t.casefold()))[::-1]
        _stacked_barh(ax, counts.loc[order], _colours(list(categories)), legend="category")
    ax.set_xlabel("mechanisms described")
    ax.set_ylabel("target")
    ax.set_title("What MSCs act on")
    sns.despine(ax=ax)
    return fig


def ecm_balance_figure(model: pd.DataFrame, msc_week: int | None = None) -> Figure:
    """The illustrative ECM balance model (from :func:`evidence.ecm_balance`)."""
    fig = _figure(3.6)
    ax = fig.subplots()
    sns.lineplot(data=model, x="week", y="ecm", hue="arm", ax=ax, palette=[PALETTE[3], PALETTE[2]],
                 hue_order=["without MSCs", "with MSCs"])
    if msc_week is not None:
        ax.axvline(msc_week, color="0.4", ls="--", lw=1)
        ax.annotate("MSCs given", (msc_week, ax.get_ylim()[1]), xytext=(4, -12), textcoords="offset points",
                    fontsize=9, color="0.3")
    ax.set_xlabel("week")
    ax.set_ylabel("ECM in the liver (arbitrary units)")
    ax.set_title("Illustrative model: ECM synthesis vs degradation (not fitted to data)")
    ax.legend(title=None, frameon=False)
    sns.despine(ax=ax)
    return fig


# --------------------------------------------------------------------------- 5 animal models
def outcome_heatmap(animal: pd.DataFrame) -> Figure:
    """Species × disease grid of preclinical studies, coloured by count, annotated by outcome."""
    fig = _figure(0.45 * max(animal["species"].fillna("?").nunique(), 3) + 2.0)
    ax = fig.subplots()
    if animal.empty:
        _empty(ax)
    else:
        labels = evidence.outcome_matrix(animal)
        labels = labels[evidence.in_schema_order(labels.columns, "animal_studies", "disease")]
        counts = (animal.assign(species=animal["species"].fillna("(not stated)"))
                  .groupby(["species", "disease"]).size().unstack("disease").reindex_like(labels).fillna(0))
        _count_heatmap(ax, counts, "Greens", annot=labels.replace("", np.nan).fillna("").to_numpy(),
                       colourbar="studies")
        _wrap_xticklabels(ax)
    ax.set_xlabel("disease modelled")
    ax.set_ylabel("species")
    ax.set_title("Preclinical studies by species and disease, with their outcomes")
    return fig


def outcomes_by_disease_figure(animal: pd.DataFrame) -> Figure:
    """Preclinical studies per disease, stacked by outcome (benefit, harm, mixed, neutral)."""
    fig = _figure(3.4)
    ax = fig.subplots()
    if animal.empty:
        _empty(ax)
    else:
        counts = pd.crosstab(animal["disease"], animal["outcome"])
        counts = counts[[o for o in OUTCOME_COLOURS if o in counts.columns]]
        counts = counts.loc[evidence.in_schema_order(counts.index, "animal_studies", "disease")[::-1]]
        _stacked_barh(ax, counts, OUTCOME_COLOURS, legend="outcome")
    ax.set_xlabel("studies")
    ax.set_ylabel("disease modelled")
    ax.set_title("Preclinical outcomes by disease")
    sns.despine(ax=ax)
    return fig


# --------------------------------------------------------------------------- 6 clinical trials
def sample_size_figure(clinical: pd.DataFrame) -> Figure:
    """Patients per arm for each clinical study (meta-analyses and case reports left out)."""
    # case reports have one patient and no arms to compare; meta-analyses pool other studies
    studies = clinical[evidence.primary(clinical) & (clinical["n_total"].fillna(0) > 1)]
    studies = studies.assign(study=studies["first_author"] + " " + studies["year"].astype(str))
    studies = studies.sort_values("n_total", kind="stable")
    fig = _figure(0.33 * max(len(studies), 4) + 1.4)
    ax = fig.subplots()
    if studies.empty:
        _empty(ax)
    else:
        y = np.arange(len(studies))
        treated = studies["n_treated"].fillna(0).to_numpy(dtype=float)
        control = studies["n_control"].fillna(0).to_numpy(dtype=float)
        ax.barh(y, treated, color=PALETTE[0], label="treated")
        ax.barh(y, control, left=treated, color=PALETTE[7], label="control")
        ax.set_yticks(y, [f"{s} ({d})" for s, d in zip(studies["study"], studies["design"])], fontsize=9)
        ax.legend(frameon=False)
    ax.set_xlabel("patients")
    ax.set_title("How many patients each study enrolled")
    sns.despine(ax=ax)
    return fig


def dose_figure(clinical: pd.DataFrame) -> Figure:
    """Doses in cells per kg per infusion on a log axis: points for single doses, lines for ranges."""
    single = clinical.dropna(subset=["dose_cells_per_kg"])
    ranged = clinical.dropna(subset=["dose_low_cells_per_kg", "dose_high_cells_per_kg"])
    shown = pd.concat([single, ranged]).drop_duplicates("study_id")
    fig = _figure(0.45 * max(len(shown), 3) + 1.6)
    ax = fig.subplots()
    if shown.empty:
        _empty(ax, "No dose in cells/kg for the current selection")
    else:
        from_sources = [_dose_from_sources(value) for value in shown["fields_from_sources"]]
        labels = [f"{a} {y}" + (" †" if marked else "")
                  for a, y, marked in zip(shown["first_author"], shown["year"], from_sources)]
        for i, row in enumerate(shown.itertuples()):
            colour = PALETTE[0] if row.cell_type == "UC-MSC" else PALETTE[1]
            if pd.notna(row.dose_cells_per_kg):
                ax.plot(row.dose_cells_per_kg, i, "o", color=colour, ms=8)
            else:
                ax.plot([row.dose_low_cells_per_kg, row.dose_high_cells_per_kg], [i, i], "-", color=colour, lw=4,
                        solid_capstyle="round")
        ax.set_xscale("log")
        ax.set_yticks(range(len(shown)), [f"{l} ({c})" for l, c in zip(labels, shown["cell_type"])])
        ax.plot([], [], "o", color=PALETTE[0], label="UC-MSC")
        ax.plot([], [], "o", color=PALETTE[1], label="other cells")
        ax.legend(frameon=False, fontsize=9, loc="lower right")
        ax.set_ylim(-0.7, len(shown) - 0.3)
    missing = len(clinical) - len(shown)
    xlabel = f"cells per kg per infusion (log scale); {missing} studies give no dose per kg"
    if not shown.empty and any(_dose_from_sources(v) for v in shown["fields_from_sources"]):
        xlabel += "\n† dose from the study's published report, not the review (see the data's notes)"
    ax.set_xlabel(xlabel)
    ax.set_title("Doses used in clinical studies")
    sns.despine(ax=ax)
    return fig


def _dose_from_sources(fields_from_sources) -> bool:
    fields = set() if pd.isna(fields_from_sources) else {f.strip() for f in str(fields_from_sources).split(";")}
    return bool(fields & {"dose_cells_per_kg", "dose_low_cells_per_kg", "dose_high_cells_per_kg"})


def design_disease_heatmap(clinical: pd.DataFrame) -> Figure:
    """Clinical studies counted by design (rows, strongest first) and disease (columns)."""
    fig = _figure(3.4)
    ax = fig.subplots()
    if clinical.empty:
        _empty(ax)
    else:
        counts = pd.crosstab(clinical["design"], clinical["disease"])
        counts = counts.reindex([d for d in evidence.design_order() if d in counts.index])
        counts = counts[evidence.in_schema_order(counts.columns, "clinical_studies", "disease")]
        _count_heatmap(ax, counts, "Purples")
        _wrap_xticklabels(ax)
    ax.set_xlabel("disease")
    ax.set_ylabel("design")
    ax.set_title("Clinical evidence by design and disease")
    return fig


# --------------------------------------------------------------------------- 7 challenges
def follow_up_figure(clinical: pd.DataFrame) -> Figure:
    """Follow-up length in weeks of each clinical study, grouped by design."""
    studies = clinical.dropna(subset=["follow_up_weeks"])
    fig = _figure(3.4)
    ax = fig.subplots()
    if studies.empty:
        _empty(ax, "No follow-up length for the current selection")
    else:
        order = [d for d in evidence.design_order() if d in set(studies["design"])]
        # a swarm (not a jittered strip) keeps the figure identical on every run
        sns.swarmplot(data=studies.astype({"follow_up_weeks": float}), x="follow_up_weeks", y="design", order=order,
                      ax=ax, size=8, color=PALETTE[0])
        ax.axvline(52, color="0.5", ls="--", lw=1)
        ax.annotate("1 year", (52, -0.45), xytext=(4, 0), textcoords="offset points", fontsize=9, color="0.35")
    ax.set_xlabel("follow-up (weeks)")
    ax.set_ylabel("design")
    ax.set_title("How long were patients followed?")
    sns.despine(ax=ax)
    return fig


def challenges_figure(challenges: pd.DataFrame) -> Figure:
    """Open challenges per category, split by whether the review cites evidence for them."""
    frame = challenges.assign(support=np.where(challenges["ref_ids"].map(len) > 0, "cited", "review's own statement"))
    fig = _figure(3.6)
    ax = fig.subplots()
    counts = pd.crosstab(frame["category"], frame["support"]).reindex(columns=["cited", "review's own statement"], fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values(kind="stable").index]
    _stacked_barh(ax, counts, {"cited": PALETTE[0], "review's own statement": PALETTE[7]}, legend=None)
    ax.set_xlabel("challenges named")
    ax.set_ylabel("category")
    ax.set_title("Open challenges, and whether the review cites evidence for them")
    sns.despine(ax=ax)
    return fig


# --------------------------------------------------------------------------- evidence analysis
def forest_plot(result, title: str | None = None) -> Figure:
    """Forest plot of a :class:`~mscteach.stats.MetaAnalysisResult`.

    One row per pooled study: a square sized by its random-effects weight and
    its 95% CI; the pooled random-effects (and fixed-effect) diamonds at the
    bottom, with the 95% prediction interval (three or more studies) as a bar
    on its own row; a line of no effect at 1; a log axis; and the numbers at
    the right.
    Studies left out of the pooling are named under the axis with the reason;
    a result with no pooled estimate draws no diamond and says why.
    """
    studies = result.studies[result.studies["included"]].reset_index(drop=True)
    k = len(studies)
    fig = _figure(0.42 * (k + 3) + 1.3 + 0.25 * len(result.excluded))
    ax = fig.subplots()
    y = np.arange(k)[::-1] + 2.5
    weights = studies["weight_random"].fillna(0).to_numpy(float) if "weight_random" in studies else np.zeros(k)
    sizes = 30 + 370 * weights / max(weights.max() if k else 0, 1e-9)
    ax.hlines(y, studies["ci_low"], studies["ci_high"], color="0.25", lw=1.2)
    ax.scatter(studies["effect"], y, s=sizes, marker="s", color=PALETTE[0], zorder=3)
    for yy, est, lo, hi, w in zip(y, studies["effect"], studies["ci_low"], studies["ci_high"], weights):
        shown_weight = f"  {w:4.1f}%" if result.pooled else ""
        ax.annotate(f"{est:.2f} [{lo:.2f}, {hi:.2f}]{shown_weight}", (1.02, yy),
                    xycoords=("axes fraction", "data"), va="center", fontsize=9, family="monospace")
    labels, ticks = list(studies["study"].astype(str)), list(y)
    if result.pooled:
        diamonds = [(1.6, result.estimate, result.ci_low, result.ci_high, PALETTE[3]),
                    (0.3, result.fixed_estimate, result.fixed_ci_low, result.fixed_ci_high, PALETTE[7])]
        for yy, est, lo, hi, colour in diamonds:
            ax.fill([lo, est, hi, est], [yy, yy + 0.3, yy, yy - 0.3], color=colour, zorder=3)
            ax.annotate(f"{est:.2f} [{lo:.2f}, {hi:.2f}]", (1.02, yy), xycoords=("axes fraction", "data"),
                        va="center", fontsize=9, family="monospace", weight="bold")
        labels += ["Random effects" + (" (HKSJ CI)" if result.ci_method == "hksj" else ""), "Fixed effect"]
        ticks += [1.6, 0.3]
        if result.pi_low == result.pi_low:  # a prediction interval (k >= 3)
            ax.hlines(0.95, result.pi_low, result.pi_high, color=PALETTE[3], lw=3, zorder=3)
            ax.vlines([result.pi_low, result.pi_high], 0.8, 1.1, color=PALETTE[3], lw=1.5, zorder=3)
            ax.annotate(f"[{result.pi_low:.2f}, {result.pi_high:.2f}]", (1.02, 0.95),
                        xycoords=("axes fraction", "data"), va="center", fontsize=9, family="monospace")
            labels.append("95% prediction interval")
            ticks.append(0.95)
    else:
        ax.annotate(textwrap.fill(f"No pooled estimate: {result.reason}", 90), (0.5, 0.6),
                    xycoords=("axes fraction", "data"), ha="center", va="center", fontsize=9, color="0.3")
    ax.axvline(1.0, color="0.3", lw=1, ls="--")
    ax.set_xscale("log")
    _ratio_axis(ax)
    ax.set_yticks(ticks, labels, fontsize=9)
    ax.set_ylim(-0.5, k + 3)
    xlabel = f"{result.measure} (log scale); < 1 favours treatment when the outcome is harmful"
    if result.excluded:
        xlabel += "\n" + "\n".join(f"Left out: {s} ({why})" for s, why in result.excluded)
    ax.set_xlabel(xlabel)
    ax.set_title(title or textwrap.fill(f"Forest plot: {result.summary()}", 100), fontsize=10)
    ax.annotate(f"{result.measure} [95% CI]" + ("  weight" if result.pooled else ""), (1.02, k + 2.6),
                xycoords=("axes fraction", "data"), fontsize=9, weight="bold")
    sns.despine(ax=ax, left=True)
    return fig


def _ratio_axis(ax) -> None:
    """A log axis for ratios labelled with plain numbers (0.2, 0.5, 1, 2), not powers of ten."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter

    low, high = ax.get_xlim()
    nice = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
    ticks = [t for t in nice if low <= t <= high] or [1]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())


def cumulative_figure(cumulative, measure: str = "RR", title: str | None = None) -> Figure:
    """A cumulative meta-analysis (:func:`mscteach.stats.cumulative_meta_analysis`): one row per study added.

    Each row shows the pooled estimate and its 95% CI once that study has
    joined (the first row is the first study alone), on a log axis with the
    line of no effect: a reader sees when the evidence settled, or did not.
    """
    rows = cumulative.reset_index(drop=True)
    k = len(rows)
    fig = _figure(0.38 * k + 1.6)
    ax = fig.subplots()
    y = np.arange(k)[::-1]
    ax.hlines(y, rows["ci_low"].astype(float), rows["ci_high"].astype(float), color="0.25", lw=1.2)
    ax.plot(rows["estimate"].astype(float), y, "o", color=PALETTE[3], zorder=3)
    ax.axvline(1.0, color="0.3", lw=1, ls="--")
    ax.set_xscale("log")
    _ratio_axis(ax)
    order = [c for c in rows.columns if c not in ("step", "study", "k", "estimate", "ci_low", "ci_high",
                                                  "pi_low", "pi_high", "tau2", "i2")]
    ax.set_yticks(y, [f"+ {s}" for s in rows["study"].astype(str)], fontsize=9)
    for yy, est, lo, hi in zip(y, rows["estimate"], rows["ci_low"], rows["ci_high"]):
        if est == est:
            ax.annotate(f"{est:.2f} [{lo:.2f}, {hi:.2f}]", (1.02, yy), xycoords=("axes fraction", "data"),
                        va="center", fontsize=9, family="monospace")
    ax.set_xlabel(f"pooled {measure} (log scale) after each study is added"
                  + (f", in order of {order[0]}" if order else ""))
    ax.set_title(title or "Cumulative meta-analysis: the pooled estimate as studies accrue", fontsize=10)
    sns.despine(ax=ax, left=True)
    return fig


def trial_size_figure(comparison, per_arm: int, p_control: float, p_treatment: float, power: float = 0.8,
                      alpha: float = 0.05) -> Figure:
    """Each controlled study's smaller arm against the patients per arm a powered trial needs.

    ``comparison`` is :func:`evidence.trials_against_target`; ``power`` and
    ``alpha`` are those ``per_arm`` was computed with (the title states them).
    """
    fig = _figure(0.33 * max(len(comparison), 4) + 1.6)
    ax = fig.subplots()
    if comparison.empty:
        _empty(ax)
    else:
        y = np.arange(len(comparison))
        colours = [PALETTE[2] if s >= 1 else PALETTE[3] for s in comparison["share_of_target"]]
        ax.barh(y, comparison["smaller_arm"].astype(float), color=colours)
        ax.axvline(per_arm, color="0.2", ls="--", lw=1.2)
        ax.annotate(f"powered trial: {per_arm} per arm", (per_arm, len(comparison) - 0.4), xytext=(4, 0),
                    textcoords="offset points", fontsize=9)
        ax.set_yticks(y, [f"{s} ({d})" for s, d in zip(comparison["study"], comparison["design"])], fontsize=9)
    ax.set_xlabel("patients in the smaller arm")
    ax.set_title(f"How far below a powered trial? ({p_control:.1%} vs {p_treatment:.1%}, "
                 f"{power:.0%} power, two-sided α = {alpha:g})")
    sns.despine(ax=ax)
    return fig


def evidence_map_figure(clinical: pd.DataFrame) -> Figure:
    """Clinical evidence map: design × disease and design × cell type, bubbles sized by total patients.

    Each bubble is labelled "studies (patients)" beside it; meta-analyses are left out (they pool other
    studies). The two maps are stacked, so each has the figure's full width for its labels.
    """
    primary = clinical[evidence.primary(clinical)]
    fig = _figure(9.0, width=WIDTH)
    axes = fig.subplots(2, 1)
    if primary.empty:
        _empty(axes[0])
        _empty(axes[1])
    else:
        designs = [d for d in evidence.design_order() if d in set(primary["design"])]
        for ax, column, label in ((axes[0], "disease", "disease"), (axes[1], "cell_type", "cells given")):
            _bubbles(ax, primary, column, designs)
            ax.set_xlabel(label)
            ax.set_ylabel("design")
    fig.suptitle("Evidence map: studies (patients) by design, disease and cells given")
    return fig


def _bubbles(ax, primary: pd.DataFrame, column: str, designs: list[str]) -> None:
    grouped = primary.groupby([column, "design"]).agg(studies=("study_id", "size"),
                                                      patients=("n_total", "sum")).reset_index()
    columns = evidence.in_schema_order(grouped[column].unique(), "clinical_studies", column)
    x = grouped[column].map({c: i for i, c in enumerate(columns)})
    y = grouped["design"].map({d: i for i, d in enumerate(designs)})
    ax.scatter(x, y, s=30 + grouped["patients"].astype(float) * 0.8, color=PALETTE[0], alpha=0.55)
    for xi, yi, n, p in zip(x, y, grouped["studies"], grouped["patients"]):
        ax.annotate(f"{n} ({p})", (xi, yi), xytext=(9, 7), textcoords="offset points", ha="left", va="bottom",
                    fontsize=9)
    ax.set_xticks(range(len(columns)), [textwrap.fill(c, 14) for c in columns], fontsize=9)
    ax.set_yticks(range(len(designs)), designs, fontsize=9)
    ax.set_xlim(-0.5, len(columns) - 0.2)
    ax.set_ylim(len(designs) - 0.4, -0.8)
    ax.grid(alpha=0.25)


def registered_trials_figure(trials: pd.DataFrame) -> Figure:
    """Registered trials counted by phase, by status and by start year (three panels)."""
    fig = _figure(3.4)
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.2]})
    for ax, by, colour in zip(axes, evidence.REGISTERED_BY, (PALETTE[0], PALETTE[2], PALETTE[4])):
        counts = evidence.registered_counts(trials, by)
        if counts.empty:
            _empty(ax, "No registered trials")
        elif by == "start year":
            ax.bar(counts["label"], counts["trials"], color=colour)
            ax.tick_params(axis="x", labelrotation=90, labelsize=9)
            ax.set_ylabel("trials")
        else:
            y = np.arange(len(counts))[::-1]
            ax.barh(y, counts["trials"], color=colour)
            ax.set_yticks(y, counts["label"], fontsize=9)
            ax.set_xlabel("trials")
        ax.set_title(f"by {by}", fontsize=10)
        (ax.yaxis if by == "start year" else ax.xaxis).get_major_locator().set_params(integer=True)
        sns.despine(ax=ax)
    fig.suptitle(f"Registered trials of cell therapies in liver disease ({len(trials)})")
    return fig


def registered_target_figure(comparison: pd.DataFrame, per_arm: int) -> Figure:
    """Ongoing phase 2/3 trials' enrolment against a powered two-arm trial (``2 × per_arm`` patients).

    ``comparison`` is :func:`evidence.ongoing_against_target`.
    """
    fig = _figure(0.33 * max(len(comparison), 4) + 1.6)
    ax = fig.subplots()
    target = 2 * per_arm
    if comparison.empty:
        _empty(ax, "No ongoing phase 2 or 3 trial gives its enrolment")
    else:
        y = np.arange(len(comparison))
        colours = [PALETTE[2] if s >= 1 else PALETTE[3] for s in comparison["share_of_target"]]
        ax.barh(y, comparison["enrolment"].astype(float), color=colours)
        ax.axvline(target, color="0.2", ls="--", lw=1.2)
        ax.set_xlim(0, 1.45 * max(target, float(comparison["enrolment"].max())))  # room for the line's label
        ax.annotate(f"powered trial:\n{target} patients", (target, len(comparison) - 0.6), xytext=(4, 0),
                    textcoords="offset points", fontsize=9, va="top")
        kinds = comparison["enrolment_type"].astype(object).where(comparison["enrolment_type"].notna(), None)
        ax.set_yticks(y, [f"{t} ({p}{', ' + k if k else ''})" for t, p, k in
                          zip(comparison["trial"], comparison["phase"], kinds)], fontsize=9)
    ax.set_xlabel("patients enrolled or planned")
    ax.set_title("Ongoing phase 2 and 3 trials against a powered trial")
    sns.despine(ax=ax)
    return fig
