"""Continuous outcomes (mean difference, Hedges' g): hand calculations, refusals, differential tests against metafor.

metafor is the oracle, never a runtime dependency: all :data:`N_DATASETS` seeded random datasets go to one
``Rscript tests/metafor_continuous_oracle.R`` call (JSON in, JSON out), which runs
``escalc(measure="MD" | "SMD", m1i, sd1i, n1i, m2i, sd2i, n2i)`` (default ``vtype="LS"``) and
``rma(yi, vi, method = FE | DL | REML | PM, test = "z" | "knha")`` with iteration limits far tighter than its
defaults. Each study's yi and vi are compared at :data:`STUDY_TOLERANCE`; DL, FE, HKSJ and Q (closed forms) at
:data:`CLOSED_FORM_TOLERANCE`; REML and PM at :data:`ITERATIVE_TOLERANCE`.

Documented differences, asserted as such: I² is Higgins & Thompson's (Q - df)/Q for every τ² estimator (as
:func:`mscteach.stats.meta_analysis.meta_analysis`), metafor's for DL only; the prediction interval is
metafor's ``pi.type="riley"`` (none for k = 2).
"""
from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mscteach.errors import MscteachError, UnknownNameError
from mscteach.stats import pool
from mscteach.stats.continuous import (CONTINUOUS_COLUMNS, continuous_effects, continuous_meta_analysis,
                                       hedges_correction)
from tests.metafor import (CIS, CLOSED_FORM_TOLERANCE, ITERATIVE_TOLERANCE, Mismatches,  # noqa: F401
                           check_oracle_in_ci, side_by_side, tolerance)

ORACLE = Path(__file__).with_name("metafor_continuous_oracle.R")
N_DATASETS = 120
SEED = 2501
STUDY_TOLERANCE = 1e-12
METHODS = ["DL", "REML", "PM"]
SCENARIOS = ["homogeneous", "moderate", "extreme heterogeneity", "small arms", "large arms", "unequal SDs"]


def random_dataset(index: int) -> dict[str, Any]:
    """One seeded dataset: k from 2 to 30 (every k in the batch), MD or SMD, one of :data:`SCENARIOS`."""
    rng = np.random.default_rng([SEED, index])
    scenario = SCENARIOS[index % len(SCENARIOS)]
    k = 2 + (7 * index) % 29
    tau = {"homogeneous": 0.0, "extreme heterogeneity": rng.uniform(1.0, 2.5)}.get(scenario, rng.uniform(0.05, 0.5))
    size = {"small arms": (2, 11), "large arms": (1_000, 100_001)}.get(scenario, (10, 300))
    n1, n2 = rng.integers(*size, k), rng.integers(*size, k)
    sd2 = rng.uniform(2, 20, k)
    sd1 = sd2 * (rng.uniform(0.3, 3, k) if scenario == "unequal SDs" else rng.uniform(0.8, 1.25, k))
    delta = rng.normal(0, 0.5) + tau * rng.normal(size=k)  # true standardised differences
    m2 = rng.normal(50, 10, k)
    m1 = m2 + delta * sd2 + rng.normal(size=k) * np.sqrt(sd1 ** 2 / n1 + sd2 ** 2 / n2)
    return {"id": f"random {index} ({scenario}, k={k})", "measure": "SMD" if index % 2 else "MD",
            "m1": m1.round(2).tolist(), "sd1": sd1.round(2).tolist(), "n1": n1.tolist(),
            "m2": m2.round(2).tolist(), "sd2": sd2.round(2).tolist(), "n2": n2.tolist()}


def all_datasets() -> list[dict[str, Any]]:
    return [random_dataset(i) for i in range(N_DATASETS)]


def table(dataset: dict[str, Any]) -> pd.DataFrame:
    k = len(dataset["m1"])
    return pd.DataFrame({"study": [f"s{i + 1}" for i in range(k)], "mean_treated": dataset["m1"],
                         "sd_treated": dataset["sd1"], "n_treated": dataset["n1"], "mean_control": dataset["m2"],
                         "sd_control": dataset["sd2"], "n_control": dataset["n2"]})


@pytest.fixture(scope="module")
def agreement(tmp_path_factory) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    return side_by_side(ORACLE, all_datasets(), run_mscteach, tmp_path_factory.mktemp("metafor_continuous"))


def run_mscteach(dataset: dict[str, Any]) -> dict[str, Any]:
    data = table(dataset)
    return {"studies": continuous_effects(data, dataset["measure"]),
            "fits": {(m, c): continuous_meta_analysis(data, dataset["measure"], m, c) for m in METHODS for c in CIS}}


def test_the_oracle_cannot_be_missing_in_ci():
    check_oracle_in_ci()


def test_the_batch_covers_what_it_claims():
    datasets = all_datasets()
    assert len(datasets) >= 100 and {len(d["m1"]) for d in datasets} == set(range(2, 31))
    assert {d["measure"] for d in datasets} == {"MD", "SMD"}
    arms = [n for d in datasets for n in d["n1"] + d["n2"]]
    assert min(arms) == 2 and max(arms) > 90_000
    assert {d["id"].split("(")[1].split(",")[0] for d in datasets} == set(SCENARIOS)
    assert random_dataset(7) == random_dataset(7)  # seeded


def test_each_studys_effect_agrees_with_escalc(agreement):
    bad, compared = Mismatches(), 0
    for dataset, metafor, ours in agreement:
        studies = ours["studies"]
        assert len(studies) == len(metafor["yi"]), dataset["id"]
        for i, (yi, vi) in enumerate(zip(metafor["yi"], metafor["vi"])):
            where = f"{dataset['id']}, study {i + 1}"
            bad.check(f"{where} yi", float(studies["effect"].iloc[i]), yi, STUDY_TOLERANCE)
            bad.check(f"{where} vi", float(studies["variance"].iloc[i]), vi, STUDY_TOLERANCE)
            compared += 1
    bad.verdict()
    assert compared > 1500


def test_the_fixed_effect_agrees_with_rma_fe(agreement):
    bad = Mismatches()
    for dataset, metafor, ours in agreement:
        theirs, result = metafor["fits"]["FE z"], ours["fits"]["DL", "z"]
        assert theirs["error"] is None, dataset["id"]
        for name, value in (("estimate", result.fixed_estimate), ("se", result.fixed_se),
                            ("ci_low", result.fixed_ci_low), ("ci_high", result.fixed_ci_high), ("q", result.q)):
            bad.check(f"{dataset['id']} FE {name}", value, theirs[name], CLOSED_FORM_TOLERANCE)
    bad.verdict()


@pytest.mark.parametrize("ci", list(CIS))
@pytest.mark.parametrize("method", METHODS)
def test_pooled_results_agree_with_rma(agreement, method, ci):
    bad, tol, positive_tau2 = Mismatches(), tolerance(method), 0
    for dataset, metafor, ours in agreement:
        theirs, result = metafor["fits"][f"{method} {CIS[ci]}"], ours["fits"][method, ci]
        where = f"{dataset['id']} {method}/{ci}"
        assert theirs["error"] is None, f"{where}: metafor refused: {theirs['error']}"
        assert theirs.get("remedy") is None or method == "REML", where
        assert result.k == theirs["k"] == len(dataset["m1"]), where
        assert (result.measure, result.method, result.ci_method) == (dataset["measure"], method, ci)
        for name, value in (("estimate", result.estimate), ("se", result.se), ("ci_low", result.ci_low),
                            ("ci_high", result.ci_high), ("tau2", result.tau2)):
            bad.check(f"{where} {name}", value, theirs[name], tol)
        bad.check(f"{where} q", result.q, theirs["q"], CLOSED_FORM_TOLERANCE)
        bad.check(f"{where} q_pvalue", result.q_pvalue, theirs["q_pvalue"], CLOSED_FORM_TOLERANCE)
        df = result.k - 1  # documented: I² is Higgins & Thompson's, metafor's for DL
        bad.check(f"{where} i2 (Q-based)", result.i2,
                  100 * max(0.0, (theirs["q"] - df) / theirs["q"]) if theirs["q"] > 0 else 0.0, CLOSED_FORM_TOLERANCE)
        if method == "DL":
            bad.check(f"{where} i2", result.i2, theirs["i2"], CLOSED_FORM_TOLERANCE)
        if result.k >= 3 and ci == "z":
            bad.check(f"{where} pi_low", result.pi_low, theirs["riley_low"], tol)
            bad.check(f"{where} pi_high", result.pi_high, theirs["riley_high"], tol)
        elif result.k == 2:
            assert math.isnan(result.pi_low) and math.isnan(result.pi_high), where
        positive_tau2 += theirs["tau2"] > 1e-6
    bad.verdict()
    assert positive_tau2 >= 40  # the batch is heterogeneous as well as homogeneous


def test_largest_differences_from_metafor_are_tiny(agreement):
    """The figures the report quotes: the largest absolute difference from metafor, per quantity."""
    largest: dict[str, float] = {}
    for _, metafor, ours in agreement:
        studies = ours["studies"]
        for name, column, key in (("yi", "effect", "yi"), ("vi", "variance", "vi")):
            gap = float(np.max(np.abs(studies[column].to_numpy() - np.array(metafor[key]))))
            largest[name] = max(largest.get(name, 0.0), gap)
        for method in METHODS:
            result, theirs = ours["fits"][method, "z"], metafor["fits"][f"{method} z"]
            for name in ("estimate", "tau2"):
                gap = abs(getattr(result, name) - theirs[name])
                largest[f"{method} {name}"] = max(largest.get(f"{method} {name}", 0.0), gap)
    print("largest absolute differences from metafor:", {k: f"{v:.1e}" for k, v in largest.items()})
    assert largest["yi"] < 1e-11 and largest["vi"] < 1e-11
    assert largest["DL estimate"] < 1e-9 and largest["REML tau2"] < 1e-7


# Three studies worked by hand (mean differences, DerSimonian-Laird):
#   A: 10 (SD 4, n 16) vs 8 (SD 3, n 9): y = 2, v = 16/16 + 9/9 = 2,       w = 1/2
#   B:  5 (SD 2, n 8)  vs 5 (SD 2, n 8): y = 0, v = 4/8 + 4/8 = 1,         w = 1
#   C:  9 (SD 1, n 4)  vs 4 (SD 1, n 4): y = 5, v = 1/4 + 1/4 = 1/2,       w = 2
#   Σw = 7/2, Σwy = 1 + 0 + 10 = 11, so μ_FE = 22/7, SE_FE = √(2/7)
#   Q = ½(2 - 22/7)² + (0 - 22/7)² + 2(5 - 22/7)² = (32 + 484 + 338)/49 = 854/49 ≈ 17.43, df = 2
#   C = Σw - Σw²/Σw = 7/2 - (21/4)/(7/2) = 2, τ² = (854/49 - 2)/2 = 54/7 ≈ 7.714
#   w* = 1/(v + 54/7) = 7/68, 7/61, 14/115; μ_RE = Σw*y/Σw* ≈ 2.3998, SE_RE = √(1/Σw*) ≈ 1.7164
#   I² = (Q - df)/Q = 756/854 ≈ 88.5%
#   95% CI: μ_RE ± 1.95996·1.7164 = -0.964 to 5.764
#   prediction interval: μ_RE ± t(0.975, 1)·√(τ² + SE_RE²) = 2.3998 ± 12.7062·√(7.7143 + 2.9461)
#                        = -39.09 to 43.89
HAND = pd.DataFrame([["A", 10, 4, 16, 8, 3, 9], ["B", 5, 2, 8, 5, 2, 8], ["C", 9, 1, 4, 4, 1, 4]],
                    columns=CONTINUOUS_COLUMNS)


def test_mean_difference_by_hand_with_dl():
    studies = continuous_effects(HAND)
    assert studies["effect"].tolist() == [2.0, 0.0, 5.0] and studies["variance"].tolist() == [2.0, 1.0, 0.5]
    assert studies["se"].tolist() == pytest.approx([math.sqrt(2), 1.0, math.sqrt(0.5)], abs=1e-15)
    assert studies["ci_low"].iloc[1] == pytest.approx(-1.959963984540054, abs=1e-12)
    result = continuous_meta_analysis(HAND)
    w = [Fraction(7, 68), Fraction(7, 61), Fraction(14, 115)]
    mu = (w[0] * 2 + w[2] * 5) / sum(w)
    assert result.fixed_estimate == pytest.approx(22 / 7, abs=1e-14)
    assert result.fixed_se == pytest.approx(math.sqrt(2 / 7), abs=1e-14)
    assert result.q == pytest.approx(854 / 49, abs=1e-12)
    assert result.tau2 == pytest.approx(54 / 7, abs=1e-12)
    assert result.estimate == pytest.approx(float(mu), abs=1e-12) and result.estimate == pytest.approx(2.3998, abs=1e-4)
    assert result.se == pytest.approx(math.sqrt(1 / float(sum(w))), abs=1e-12)
    assert result.ci_low == pytest.approx(float(mu) - 1.959963984540054 * result.se, abs=1e-12)
    assert result.i2 == pytest.approx(100 * 756 / 854, abs=1e-10)
    assert result.studies["weight_random"].tolist() == pytest.approx([100 * float(x / sum(w)) for x in w], abs=1e-10)
    assert result.summary() == ("MD 2.40 (95% CI -0.96 to 5.76), 3 studies, random effects (DL); I² = 89%, "
                                "τ² = 7.714; 95% prediction interval -39.09 to 43.89")
    spread = 12.706204736174698 * math.sqrt(54 / 7 + 1 / float(sum(w)))  # t(0.975, 1) = tan(π(0.975 - ½)) (Cauchy)
    assert result.pi_high == pytest.approx(float(mu) + spread, abs=1e-9)
    assert 12.706204736174698 == pytest.approx(math.tan(0.475 * math.pi), abs=1e-12)
    # the pooling is pool()'s, not a copy of it
    assert result.estimate == pool([2.0, 0.0, 5.0], [2.0, 1.0, 0.5])["mu"]


def test_hedges_g_by_hand():
    # 12 (SD 4, n 20) vs 10 (SD 3, n 20): s_p = √((19·16 + 19·9)/38) = √12.5, d = 2/√12.5 = 0.565685...
    # J(38) = Γ(19)/(√19·Γ(18.5)); g = J·d; v = 1/20 + 1/20 + g²/80
    one = pd.DataFrame([["A", 12, 4, 20, 10, 3, 20]], columns=CONTINUOUS_COLUMNS)
    row = continuous_effects(one, "SMD").iloc[0]
    j = math.gamma(19) / (math.sqrt(19) * math.gamma(18.5))
    assert abs(j - (1 - 3 / (4 * 38 - 1))) < 1e-4  # Hedges' approximation
    g = j * 2 / math.sqrt(12.5)
    assert row["effect"] == pytest.approx(g, abs=1e-14)
    assert row["variance"] == pytest.approx(0.1 + g ** 2 / 80, abs=1e-14)
    assert hedges_correction([2])[0] == pytest.approx(1 / math.sqrt(math.pi), abs=1e-15)  # Γ(1)/(1·Γ(1/2))
    assert math.isnan(hedges_correction([1])[0])


def test_other_columns_are_kept_and_alpha_sets_the_interval():
    data = HAND.assign(outcome="MELD")
    studies = continuous_effects(data, alpha=0.1)
    assert list(studies.columns) == [*CONTINUOUS_COLUMNS, "outcome", "effect", "variance", "se", "ci_low", "ci_high"]
    assert studies["ci_high"].iloc[1] == pytest.approx(1.6448536269514722, abs=1e-12)
    assert "90% CI" in continuous_meta_analysis(data, alpha=0.1).summary()
    assert "HKSJ" in continuous_meta_analysis(data, ci="hksj").summary()


@pytest.mark.parametrize("change, message", [
    ({"sd_treated": 0.0}, "study B: sd_treated must be greater than 0; got 0.0"),
    ({"sd_control": -1.5}, "study B: sd_control must be greater than 0; got -1.5"),
    ({"n_treated": 1}, "study B: n_treated must be a whole number of at least 2"),
    ({"n_control": 7.5}, "study B: n_control must be a whole number of at least 2"),
    ({"mean_control": None}, "study B: mean_control is missing"),
    ({"sd_treated": float("nan")}, "study B: sd_treated is missing"),
    ({"mean_treated": "high"}, "study B: mean_treated must be a finite number; got 'high'"),
    ({"mean_treated": float("inf")}, "study B: mean_treated must be a finite number"),
])
def test_impossible_values_are_refused_naming_the_study_and_column(change, message):
    data = HAND.astype(object)
    for column, value in change.items():
        data.loc[1, column] = value
    for call in (lambda: continuous_effects(data, "SMD"), lambda: continuous_meta_analysis(data)):
        with pytest.raises(MscteachError) as raised:
            call()
        assert message in str(raised.value)


def test_refusals():
    with pytest.raises(MscteachError, match="a pooled MD needs at least two studies; 1 given"):
        continuous_meta_analysis(HAND.iloc[:1])
    with pytest.raises(MscteachError, match="at least two studies; 0 given"):
        continuous_meta_analysis(HAND.iloc[:0])
    with pytest.raises(MscteachError, match="missing: sd_control"):
        continuous_effects(HAND.drop(columns="sd_control"))
    with pytest.raises(MscteachError, match="must be a pandas DataFrame"):
        continuous_effects([[1, 2]])
    with pytest.raises(UnknownNameError, match="unknown measure 'RR'; available: MD, SMD"):
        continuous_effects(HAND, "RR")
    with pytest.raises(UnknownNameError, match="unknown method 'ML'; available: DL, PM, REML"):
        continuous_meta_analysis(HAND, method="ML")
    with pytest.raises(UnknownNameError, match="unknown confidence interval method 't'; available: z, hksj"):
        continuous_meta_analysis(HAND, ci="t")
    with pytest.raises(MscteachError, match="alpha must be a number between 0 and 1"):
        continuous_meta_analysis(HAND, alpha=1.5)
    result = continuous_meta_analysis(HAND, "SMD", "PM")
    with pytest.raises(AttributeError):
        result.estimate = 0.0  # frozen
