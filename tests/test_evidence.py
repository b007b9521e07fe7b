"""Evidence levels, meta-analysis (checked against published results), leave-one-out and trial sizing."""
from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from matplotlib.figure import Figure

import mscteach
from mscteach import MscteachError, UnknownNameError, datasets, evidence, plots, stats, widgets


@pytest.fixture(scope="module")
def bcg():
    return datasets.load_bcg_trials()


@pytest.fixture(scope="module")
def clinical():
    return mscteach.load("clinical_studies")


# ------------------------------------------------------------------ reference checks
def test_risk_ratio_matches_metafor_for_the_bcg_trials(bcg):
    """Reference: metafor's rma() vs Stata metan on dat.bcg (fixed effect and DerSimonian-Laird)."""
    ref = datasets.BCG_REFERENCE
    dl = stats.meta_analysis(bcg, measure="RR", method="DL")
    assert dl.fixed_log_estimate == pytest.approx(ref["fixed_log_estimate"], abs=5e-4)
    assert math.log(dl.fixed_ci_low) == pytest.approx(ref["fixed_ci_low_log"], abs=5e-4)
    assert math.log(dl.fixed_ci_high) == pytest.approx(ref["fixed_ci_high_log"], abs=5e-4)
    assert (dl.fixed_estimate, dl.fixed_ci_low, dl.fixed_ci_high) == pytest.approx(
        (ref["fixed_estimate"], ref["fixed_ci_low"], ref["fixed_ci_high"]), abs=5e-4)
    assert dl.q == pytest.approx(ref["q"], abs=5e-4)
    assert dl.log_estimate == pytest.approx(ref["dl_log_estimate"], abs=5e-4)
    assert math.log(dl.ci_low) == pytest.approx(ref["dl_ci_low_log"], abs=5e-4)
    assert math.log(dl.ci_high) == pytest.approx(ref["dl_ci_high_log"], abs=5e-4)
    assert dl.estimate == pytest.approx(math.exp(dl.log_estimate))
    assert dl.se == pytest.approx((math.log(dl.ci_high) - dl.log_estimate) / 1.959964, rel=1e-6)
    # I² (Higgins-Thompson) follows from Q
    assert dl.i2 == pytest.approx(100 * (dl.q - 12) / dl.q, abs=1e-9)


def test_odds_ratio_matches_r_meta_results_shipped_with_statsmodels():
    """Reference: R meta::metabin(sm="OR", method.tau="DL") results in statsmodels' test suite."""
    from statsmodels.stats.tests.results.results_meta import results_or_dl_hk as ref

    table = pd.DataFrame({"study": ref.studlab, "events_treated": ref.event_e, "n_treated": ref.n_e,
                          "events_control": ref.event_c, "n_control": ref.n_c})
    res = stats.meta_analysis(table, measure="OR", method="DL")
    assert res.fixed_log_estimate == pytest.approx(ref.TE_fixed, abs=5e-4)
    assert res.fixed_se == pytest.approx(ref.seTE_fixed, abs=5e-4)
    assert res.log_estimate == pytest.approx(ref.TE_random, abs=5e-4)
    assert res.tau2 == pytest.approx(ref.tau2, abs=5e-4)
    assert res.q == pytest.approx(ref.Q, abs=5e-4)
    assert res.studies["log_effect"].to_numpy() == pytest.approx(ref.TE, abs=5e-4)
    assert res.studies["weight_fixed"].to_numpy() == pytest.approx(100 * ref.w_fixed / ref.w_fixed.sum(), abs=5e-3)


def test_paule_mandel_solves_its_estimating_equation(bcg):
    res = stats.meta_analysis(bcg, method="PM")
    y, v = res.studies["log_effect"].to_numpy(), res.studies["se"].to_numpy() ** 2
    w = 1 / (v + res.tau2)
    mu = (w * y).sum() / w.sum()
    assert (w * (y - mu) ** 2).sum() == pytest.approx(len(y) - 1, abs=1e-3)  # generalised Q = k - 1
    assert res.log_estimate == pytest.approx(mu, abs=1e-6)


def test_result_attributes_and_weights(bcg):
    res = stats.meta_analysis(bcg)
    assert res.k == 13 and 0 <= res.i2 <= 100 and res.tau2 > 0
    assert res.studies["weight_random"].sum() == pytest.approx(100)
    assert res.studies["weight_fixed"].sum() == pytest.approx(100)
    assert list(res.studies.columns[:5]) == stats.BINARY_COLUMNS
    assert res.continuity_correction == "none needed"
    assert res.summary().startswith("RR 0.49 (95% CI 0.34-0.70), 13 studies")


def test_zero_cells_get_the_continuity_correction_only_where_needed():
    table = pd.DataFrame({"study": ["A", "B", "C"], "events_treated": [0, 5, 2], "n_treated": [20, 40, 30],
                          "events_control": [3, 9, 0], "n_control": [20, 40, 30]})
    res = stats.meta_analysis(table)
    assert res.continuity_correction == "0.5 added to every cell of: A, C"
    b = res.studies.set_index("study").loc["B"]
    assert b["effect"] == pytest.approx((5 / 40) / (9 / 40))  # untouched
    a = res.studies.set_index("study").loc["A"]
    assert a["effect"] == pytest.approx((0.5 / 21) / (3.5 / 21))


# ------------------------------------------------------------------ hand calculations (inverse-variance formulas)
COLUMNS = ["study", "events_treated", "n_treated", "events_control", "n_control"]


def _by_hand(rows, method="DL"):
    """Log risk ratios, variances, and the fixed-effect and DerSimonian-Laird results, computed here by hand."""
    y = [math.log((a / n1) / (c / n2)) for _, a, n1, c, n2 in rows]
    v = [1 / a - 1 / n1 + 1 / c - 1 / n2 for _, a, n1, c, n2 in rows]
    w = [1 / x for x in v]
    fixed = sum(wi * yi for wi, yi in zip(w, y)) / sum(w)
    q = sum(wi * (yi - fixed) ** 2 for wi, yi in zip(w, y))
    c = sum(w) - sum(wi ** 2 for wi in w) / sum(w)
    tau2 = max(0.0, (q - (len(rows) - 1)) / c)
    wr = [1 / (vi + tau2) for vi in v]
    random = sum(wi * yi for wi, yi in zip(wr, y)) / sum(wr)
    return {"y": y, "v": v, "w": w, "fixed": fixed, "se_fixed": math.sqrt(1 / sum(w)), "q": q, "tau2": tau2,
            "random": random, "se_random": math.sqrt(1 / sum(wr)), "wr": wr}


def test_homogeneous_studies_give_tau2_zero_and_random_equals_fixed():
    """The issue's reproduction: Q < k - 1 gave tau² = -0.146, a negative weight and a NaN interval."""
    rows = [["A", 9, 56, 18, 54], ["B", 8, 100, 15, 100]]
    hand = _by_hand(rows)
    assert hand["q"] < 1 and hand["tau2"] == 0  # Q below its expectation k - 1 = 1
    for method in ("DL", "PM"):
        res = stats.meta_analysis(pd.DataFrame(rows, columns=COLUMNS), method=method)
        assert res.tau2 == 0 and res.i2 == 0
        assert res.log_estimate == pytest.approx(hand["fixed"]) == pytest.approx(res.fixed_log_estimate)
        assert res.se == pytest.approx(hand["se_fixed"])
        assert res.q == pytest.approx(hand["q"])
        assert (res.studies["weight_random"] > 0).all()
        assert res.studies["weight_random"].tolist() == pytest.approx(
            [100 * wi / sum(hand["w"]) for wi in hand["w"]])
        # the pooled RR lies between the two studies' own RRs, with a finite interval
        assert 0.482 < res.estimate < 0.534 and math.isfinite(res.ci_low) and math.isfinite(res.ci_high)


def test_two_identical_studies_pool_to_their_own_estimate():
    rows = [["A", 9, 56, 18, 54], ["B", 9, 56, 18, 54]]
    res = stats.meta_analysis(pd.DataFrame(rows, columns=COLUMNS))
    assert res.tau2 == 0 and res.q == pytest.approx(0) and res.i2 == 0
    assert res.estimate == pytest.approx((9 / 56) / (18 / 54))
    # two identical studies halve the variance of one
    assert res.se == pytest.approx(math.sqrt((1 / 9 - 1 / 56 + 1 / 18 - 1 / 54) / 2))


def test_heterogeneous_studies_match_the_dersimonian_laird_formulas():
    rows = [["A", 10, 100, 40, 100], ["B", 30, 100, 32, 100], ["C", 5, 50, 25, 50]]
    hand = _by_hand(rows)
    assert hand["tau2"] > 0
    res = stats.meta_analysis(pd.DataFrame(rows, columns=COLUMNS))
    assert res.fixed_log_estimate == pytest.approx(hand["fixed"])
    assert res.q == pytest.approx(hand["q"])
    assert res.tau2 == pytest.approx(hand["tau2"])
    assert res.log_estimate == pytest.approx(hand["random"])
    assert res.se == pytest.approx(hand["se_random"])
    assert math.log(res.ci_high) == pytest.approx(hand["random"] + 1.959964 * hand["se_random"], abs=1e-6)
    assert res.i2 == pytest.approx(100 * (hand["q"] - 2) / hand["q"])
    assert 0 <= res.i2 <= 100


def test_studies_with_no_events_in_either_arm_are_left_out_and_named():
    rows = [["A", 10, 100, 40, 100], ["B", 0, 30, 0, 30], ["C", 5, 50, 25, 50]]
    res = stats.meta_analysis(pd.DataFrame(rows, columns=COLUMNS))
    without = stats.meta_analysis(pd.DataFrame([rows[0], rows[2]], columns=COLUMNS))
    assert res.k == 2 and res.excluded == (("B", "no events in either arm"),)
    assert res.estimate == pytest.approx(without.estimate) and res.tau2 == pytest.approx(without.tau2)
    b = res.studies.set_index("study").loc["B"]
    assert not b["included"] and pd.isna(b["effect"]) and pd.isna(b["weight_random"])
    assert "left out: B (no events in either arm)" in res.summary()


def test_every_patient_with_the_event_in_both_arms_is_left_out_too():
    rows = [["A", 10, 100, 40, 100], ["B", 30, 30, 20, 20], ["C", 5, 50, 25, 50]]
    res = stats.meta_analysis(pd.DataFrame(rows, columns=COLUMNS))
    assert res.excluded == (("B", "every patient had the event in both arms"),)


def test_fewer_than_two_informative_studies_give_a_reason_not_a_number():
    no_events = stats.meta_analysis(pd.DataFrame([["A", 0, 56, 0, 54], ["B", 0, 40, 0, 40]], columns=COLUMNS))
    assert not no_events.pooled and math.isnan(no_events.estimate) and math.isnan(no_events.ci_high)
    assert "at least two studies" in no_events.reason and "A: no events in either arm" in no_events.reason
    assert no_events.summary().startswith("No pooled RR: ")
    one = stats.meta_analysis(pd.DataFrame([["A", 1, 10, 2, 10]], columns=COLUMNS))
    assert not one.pooled and "1 of 1 given" in one.reason
    fig = plots.forest_plot(no_events)  # draws the reason, no diamond
    assert any("No pooled estimate" in t.get_text() for t in fig.axes[0].texts)


@pytest.mark.parametrize("rows, words", [
    ([["A", 9.5, 56, 18, 54], ["B", 8, 100, 15, 100]], "study A: events_treated must be a whole number; got 9.5"),
    ([["A", 9, 56, -1, 54], ["B", 8, 100, 15, 100]], "study A: events_control must be between 0 and n_control"),
    ([["A", 9, 56, 18, 54], ["B", 11, 10, 2, 10]], "study B: events_treated must be between 0 and n_treated (10); got 11"),
    ([["A", 9, 56, 18, 54], ["B", 1, 0, 2, 10]], "study B: n_treated must be at least 1"),
    ([["A", 9, 56, 18, 54], ["B", None, 10, 2, 10]], "study B: events_treated is missing"),
    ([["A", True, 56, 18, 54], ["B", 1, 10, 2, 10]], "study A: events_treated must be a whole number"),
])
def test_impossible_counts_name_the_study_and_field(rows, words):
    with pytest.raises(MscteachError, match=re.escape(words)):
        stats.meta_analysis(pd.DataFrame(rows, columns=COLUMNS))


@pytest.mark.parametrize("alpha", [0, 1, 1.5, -0.1, True, "0.05"])
def test_alpha_must_be_in_the_open_unit_interval(alpha, bcg):
    with pytest.raises(MscteachError, match="alpha must be a number between 0 and 1"):
        stats.meta_analysis(bcg, alpha=alpha)


def test_a_missing_column_is_named(bcg):
    with pytest.raises(MscteachError, match="missing: events_treated, events_control, n_control"):
        stats.meta_analysis(pd.DataFrame({"study": ["A", "B"], "n_treated": [10, 10]}))


def test_only_like_is_pooled_with_like():
    rows = [["A", 10, 100, 40, 100], ["B", 30, 100, 32, 100]]
    mixed = pd.DataFrame(rows, columns=COLUMNS).assign(outcome=["death", "infection"])
    with pytest.raises(MscteachError, match=r"cannot pool rows of different outcomes \(death, infection\)"):
        stats.meta_analysis(mixed)
    times = pd.DataFrame(rows, columns=COLUMNS).assign(outcome="death", timepoint=["12 weeks", "24 weeks"])
    with pytest.raises(MscteachError, match="different timepoints"):
        stats.meta_analysis(times)
    diseases = pd.DataFrame(rows, columns=COLUMNS).assign(outcome="death", disease=["ACLF", "cirrhosis"])
    res = stats.meta_analysis(diseases)
    assert res.pooled and res.warnings and "different diseases (ACLF, cirrhosis)" in res.warnings[0]


def test_unknown_measure_or_method(bcg):
    with pytest.raises(UnknownNameError, match="unknown measure 'HR'"):
        stats.meta_analysis(bcg, measure="HR")
    with pytest.raises(UnknownNameError, match="unknown method 'ML'; available: DL, PM, REML"):
        stats.meta_analysis(bcg, method="ML")


def test_leave_one_out(bcg):
    loo = stats.leave_one_out(bcg)
    assert loo["omitted"].tolist() == bcg["study"].tolist()
    full = stats.meta_analysis(bcg)
    without_first = stats.meta_analysis(bcg.iloc[1:])
    assert loo.loc[0, "estimate"] == pytest.approx(without_first.estimate)
    assert (loo["estimate"] != full.estimate).all()
    with pytest.raises(MscteachError, match="at least three"):
        stats.leave_one_out(bcg.iloc[:2])


# ------------------------------------------------------------------ the review's studies
def test_evidence_levels():
    assert [evidence.evidence_level(d) for d in ["RCT", "non-randomised controlled", "cohort", "single-arm",
                                                 "case report"]] == [1, 2, 3, 4, 5]
    assert evidence.evidence_level("meta-analysis") is None
    with pytest.raises(UnknownNameError):
        evidence.evidence_level("expert opinion")


def test_evidence_table_flags(clinical):
    table = evidence.evidence_table(clinical).set_index("study_id")
    assert table["evidence_level"].dropna().is_monotonic_increasing
    assert table.loc["lin2017", "flags"] == "short follow-up (<52 weeks)"
    assert table.loc["kharaziha2009", "flags"].startswith("no control arm; small")
    assert table.loc["peng2011", "flags"] == "none"
    assert table.loc["guo2019", "flags"] == "follow-up unknown"
    assert table.loc["xue2018", "flags"] == "pools other studies" and pd.isna(table.loc["xue2018", "evidence_level"])


def test_outcomes_in_the_data_are_not_poolable(clinical):
    outcomes = mscteach.load("outcomes")
    wide = stats.binary_outcomes(outcomes, clinical)
    assert set(wide["outcome"]) == {"severe infection", "HCC"}
    lin = wide[wide["outcome"] == "severe infection"].iloc[0]
    # Lin 2017's abstract (sources file): severe infection 16.1% vs 33.3%, that is 9/56 vs 18/54
    assert (lin["events_treated"], lin["n_treated"], lin["events_control"], lin["n_control"]) == (9, 56, 18, 54)
    assert evidence.poolable_outcomes(outcomes, clinical).empty
    overview = evidence.pooling_overview(outcomes, clinical).set_index("outcome")
    assert not overview["pooled"].any()
    assert "no events in either arm" in overview.loc["HCC", "result"]  # no HCC in either arm (abstract)
    assert evidence.poolability_statement(outcomes, clinical).startswith("**Nothing can be pooled**")
    effects = stats.study_effects(wide).set_index("outcome")
    infection = effects.loc["severe infection"]
    assert infection["effect"] == pytest.approx((9 / 56) / (18 / 54))
    assert infection["ci_low"] < infection["effect"] < infection["ci_high"] < 1.05
    assert pd.isna(effects.loc["HCC", "effect"]) and effects.loc["HCC", "excluded_reason"] == "no events in either arm"


def test_a_second_study_of_the_same_outcome_makes_it_poolable(clinical):
    """Poolability is computed from the data: add a study and the statement changes."""
    outcomes = mscteach.load("outcomes")
    extra = outcomes[(outcomes["study_id"] == "lin2017") & (outcomes["outcome"] == "severe infection")].copy()
    extra["study_id"] = "shi2012"
    extra["events"] = pd.array([3, 6] if extra.iloc[0]["arm_role"] == "treated" else [6, 3], dtype="Int64")
    extra["total"] = pd.array([24, 19] if extra.iloc[0]["arm_role"] == "treated" else [19, 24], dtype="Int64")
    more = pd.concat([outcomes, extra], ignore_index=True)
    statement = evidence.poolability_statement(more, clinical)
    assert statement.startswith("**1 outcome can be pooled**: severe infection")
    rows = [["Lin", 9, 56, 18, 54], ["Shi", 3, 24, 6, 19]]
    assert f"RR {math.exp(_by_hand(rows)['random']):.2f}" in statement


def test_trial_size_matches_the_normal_approximation_formula():
    h = abs(2 * math.asin(math.sqrt(0.732)) - 2 * math.asin(math.sqrt(0.556)))
    expected = math.ceil(2 * ((1.959964 + 0.841621) / h) ** 2)
    assert stats.trial_size(0.556, 0.732) == expected == 115
    assert stats.trial_size(0.556, 0.732, power=0.9) > 115
    assert stats.trial_size(0.5, 0.7) == stats.trial_size(0.7, 0.5)


@pytest.mark.parametrize("args, words", [((0.5, 0.5), "equal"), ((0, 0.5), "p_control must be a proportion"),
                                         ((0.5, 1.2), "p_treatment must be"), ((0.5, 0.6, 0.05, 1.5), "power")])
def test_trial_size_errors(args, words):
    with pytest.raises(MscteachError, match=words):
        stats.trial_size(*args)


def test_trials_against_target(clinical):
    table = evidence.trials_against_target(clinical, 115)
    assert (table.loc[table["design"] == "RCT", "share_of_target"] < 1).all()  # no RCT is powered for this
    assert table.set_index("study").loc["Guo 2019", "share_of_target"] > 1  # the large cohort is
    lin = table.set_index("study").loc["Lin 2017"]
    assert lin["smaller_arm"] == 54 and lin["share_of_target"] == round(54 / 115, 2)


# ------------------------------------------------------------------ figures and widgets
def test_forest_plot_layout(bcg):
    res = stats.meta_analysis(bcg)
    fig = plots.forest_plot(res)
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:13] == bcg["study"].tolist()
    assert labels[13:] == ["Random effects", "Fixed effect", "95% prediction interval"]
    assert any(line.get_xdata()[0] == 1.0 for line in ax.get_lines())  # line of no effect
    numbers = [t.get_text() for t in ax.texts]
    assert f"{res.estimate:.2f} [{res.ci_low:.2f}, {res.ci_high:.2f}]" in numbers


def test_evidence_map_and_trial_size_figures(clinical):
    fig = plots.evidence_map_figure(clinical)
    assert "Evidence map" in fig.get_suptitle()
    assert [ax.get_xlabel() for ax in fig.axes] == ["disease", "cells given"]
    labels = [t.get_text() for t in fig.axes[1].texts]
    assert "4 (246)" in labels  # four RCTs of BM-MSCs with 25 + 110 + 39 + 72 patients
    comparison = evidence.trials_against_target(clinical, 115)
    fig = plots.trial_size_figure(comparison, 115, 0.556, 0.732)
    assert len(fig.axes[0].patches) == len(comparison)


def test_leave_one_out_widget(bcg):
    explorer = widgets.leave_one_out_explorer(bcg)
    assert "13 studies" in explorer.output.outputs[0]["data"]["text/markdown"]
    explorer.controls["included"].value = tuple(bcg["study"][:5])
    assert "5 studies" in explorer.output.outputs[0]["data"]["text/markdown"]
    explorer.controls["included"].value = tuple(bcg["study"][:1])
    assert "at least two studies" in explorer.output.outputs[0]["data"]["text/markdown"]


def test_trial_size_widget(clinical):
    text, fig = widgets.render_trial_size(clinical, p_control=0.556, improvement=0.176, power=0.8)
    assert "**115 patients per arm**" in text.data
    explorer = widgets.trial_size_explorer(clinical)
    explorer.controls["power"].value = 0.9
    assert "**115 patients" not in explorer.output.outputs[0]["data"]["text/markdown"]


def test_reported_proportions():
    outcomes = mscteach.load("outcomes")
    lin = evidence.reported_proportions(outcomes, "lin2017", "survival")
    assert (lin["control"], lin["treated"]) == pytest.approx((0.556, 0.732))
    with pytest.raises(UnknownNameError, match="unknown percentage outcome of lin2017 'death'"):
        evidence.reported_proportions(outcomes, "lin2017", "death")


def test_the_bcg_teaching_dataset_carries_its_metadata():
    """Like statsmodels.datasets: TITLE, SOURCE, COPYRIGHT, DESCRSHORT and NOTE beside load()."""
    from mscteach.datasets import bcg

    assert "Colditz" in bcg.SOURCE and "JAMA" in bcg.SOURCE and "metafor" in bcg.SOURCE
    assert "copyright" in bcg.COPYRIGHT.lower() and bcg.TITLE and bcg.DESCRSHORT
    table = bcg.load()
    for column in ["study", "year", "events_treated", "n_treated", "events_control", "n_control"]:
        assert column in bcg.NOTE and column in table.columns
    # the first trial as Colditz 1994 (and metafor's dat.bcg) report it: 4/123 vaccinated, 11/139 not
    first = table.iloc[0]
    assert (first["study"], first["events_treated"], first["n_treated"], first["events_control"],
            first["n_control"]) == ("Aronson 1948", 4, 123, 11, 139)
