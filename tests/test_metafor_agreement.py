"""Differential tests: mscteach's meta-analysis against metafor (R) on 300+ seeded random datasets.

metafor is the oracle, never a runtime dependency: all datasets go to one ``Rscript tests/metafor_oracle.R``
call (JSON in, JSON out). metafor is run with ``escalc(add=1/2, to="only0", drop00=TRUE)`` -- the
continuity correction mscteach documents (0.5 to every cell of a study with a zero cell; a study with no
events, or only events, in both arms carries no information and is dropped) -- and with iteration limits
far tighter than its defaults (``tests/metafor_oracle.R``), so that REML and PM can be compared at
:data:`ITERATIVE_TOLERANCE`; DerSimonian-Laird, fixed effect and HKSJ are closed forms, compared at
:data:`CLOSED_FORM_TOLERANCE`.

Documented differences, each asserted as such below:

* prediction interval: mscteach's is Higgins, Thompson & Spiegelhalter (2009), μ ± t(k-2)·√(τ² + SE²) with
  the Wald SE whatever the CI method: metafor's ``predict(fit_z, pi.type="riley")``. metafor's default
  ``predict()`` uses the normal quantile (``test="z"``) or t(k-1) with the HKSJ SE (``test="knha"``).
  For k = 2, mscteach gives none (t(0) does not exist); metafor falls back to t(1).
* I²: mscteach's is Higgins & Thompson's (Q - (k-1))/Q for every τ² estimator (as RevMan); metafor's is
  100·τ²/(τ² + s²) with the τ² of the estimator used (s² the "typical" within-study variance). The two are
  equal for DerSimonian-Laird.
* one informative study: metafor fits it (the study's own estimate, τ² = 0); mscteach does not pool fewer
  than two (``reason`` says why); cumulative step 1 gives the study's own estimate and Wald CI, with τ² and
  I² undefined (NaN) rather than 0.
* leave-one-out of a study without information: metafor gives no row; mscteach the pooled result of all.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from mscteach import MscteachError, stats
# CIS and oracle_missing also for benchmarks/, which import them (and run_metafor) from here
from tests.metafor import (CIS, CLOSED_FORM_TOLERANCE, ITERATIVE_TOLERANCE, Mismatches, binary_table,  # noqa: F401
                           check_oracle_in_ci, oracle_missing, run_oracle, side_by_side, tolerance)

ORACLE = Path(__file__).with_name("metafor_oracle.R")
#: Random datasets (plus the hand-made edge cases of :func:`edge_datasets`).
N_DATASETS = 300
SEED = 25
#: Every cumulative and leave-one-out comparison is made on every ``SENSITIVITY_EVERY``-th dataset.
SENSITIVITY_EVERY = 10
METHODS = ["DL", "REML", "PM"]
SCENARIOS = ["common", "rare", "tiny arms", "huge arms", "homogeneous", "extreme heterogeneity", "near-certain events"]


def random_dataset(index: int) -> dict[str, Any]:
    """One seeded random two-arm binary dataset: k from 2 to 40, one of :data:`SCENARIOS`."""
    rng = np.random.default_rng([SEED, index])
    scenario = SCENARIOS[index % len(SCENARIOS)]
    k = int(rng.integers(2, 41))
    tau = {"homogeneous": 0.0, "extreme heterogeneity": rng.uniform(1.0, 2.5)}.get(scenario, rng.uniform(0, 0.8))
    low, high = {"rare": (0.001, 0.03), "near-certain events": (0.9, 0.999)}.get(scenario, (0.05, 0.6))
    p0 = rng.uniform(low, high, k)
    theta = rng.normal(0, 0.6) + tau * rng.normal(size=k)
    logit = np.log(p0 / (1 - p0)) + theta
    p1 = 1 / (1 + np.exp(-logit))
    if scenario == "tiny arms":
        n1, n2 = rng.integers(1, 11, k), rng.integers(1, 11, k)
    elif scenario == "huge arms":
        n1, n2 = rng.integers(10_000, 1_000_001, k), rng.integers(10_000, 1_000_001, k)
    else:
        n1, n2 = rng.integers(5, 400, k), rng.integers(5, 400, k)
    e1, e2 = rng.binomial(n1, p1), rng.binomial(n2, p0)
    return {"id": f"random {index} ({scenario})", "measure": "RR" if index % 2 else "OR",
            "e1": e1.tolist(), "n1": n1.tolist(), "e2": e2.tolist(), "n2": n2.tolist()}


def edge_datasets() -> list[dict[str, Any]]:
    """Hand-made cases: nothing to pool, one study to pool, identical studies, k = 2, all-event arms."""
    def case(name: str, rows: list[tuple[int, int, int, int]], measure: str = "RR") -> dict[str, Any]:
        e1, n1, e2, n2 = (list(c) for c in zip(*rows))
        return {"id": f"edge: {name}", "measure": measure, "e1": e1, "n1": n1, "e2": e2, "n2": n2}

    return [case("all double-zero", [(0, 10, 0, 12), (0, 5, 0, 7), (0, 30, 0, 30)]),
            case("all double-zero, OR", [(0, 10, 0, 12), (0, 5, 0, 7)], "OR"),
            case("every patient had the event in both arms", [(10, 10, 12, 12), (5, 5, 7, 7)]),
            case("one informative study", [(0, 10, 0, 12), (3, 20, 6, 21), (0, 8, 0, 9)]),
            case("identical studies", [(5, 50, 10, 50)] * 4, "OR"),
            case("two studies", [(9, 56, 18, 54), (4, 40, 10, 41)]),
            case("zero cells everywhere", [(0, 10, 3, 12), (4, 4, 2, 9), (0, 7, 1, 7), (6, 6, 0, 5)], "OR"),
            case("single patients", [(1, 1, 0, 1), (0, 1, 1, 1), (1, 1, 0, 2)], "OR")]


def all_datasets() -> list[dict[str, Any]]:
    """The batch: :data:`N_DATASETS` random ones then the edge cases; some carry a sensitivity (method, test)."""
    datasets = [random_dataset(i) for i in range(N_DATASETS)] + edge_datasets()
    combos = [(m, t) for m in METHODS for t in CIS.values()]
    for i, d in enumerate(datasets):
        d["sensitivity"] = list(combos[(i // SENSITIVITY_EVERY) % len(combos)]) if i % SENSITIVITY_EVERY == 0 else None
    return datasets


def table(dataset: dict[str, Any]) -> pd.DataFrame:
    """A dataset as the table mscteach takes, with an ``order`` column for the cumulative analysis."""
    return binary_table(dataset).assign(order=range(len(dataset["e1"])))


def run_metafor(datasets: list[dict[str, Any]], folder: Path) -> dict[str, Any]:
    """metafor's answers for every dataset, from one Rscript call (benchmarks/metafor_agreement.py times it)."""
    return run_oracle(ORACLE, datasets, folder)


def run_mscteach(dataset: dict[str, Any]) -> dict[str, Any]:
    """mscteach's answers for one dataset: study effects, the six pooled fits and the sensitivity analyses."""
    data = table(dataset)
    answers: dict[str, Any] = {"studies": stats.study_effects(data, dataset["measure"]),
                               "fits": {(m, c): stats.meta_analysis(data, dataset["measure"], m, ci=c)
                                        for m in METHODS for c in CIS}}
    if dataset["sensitivity"]:
        method, ci = dataset["sensitivity"][0], {v: k for k, v in CIS.items()}[dataset["sensitivity"][1]]
        answers["cumulative"] = stats.cumulative_meta_analysis(data, "order", dataset["measure"], method, ci)
        answers["leave_one_out"] = (stats.leave_one_out(data, dataset["measure"], method, ci)
                                    if len(data) >= 3 else None)
    return answers


@pytest.fixture(scope="module")
def agreement(tmp_path_factory) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    return side_by_side(ORACLE, all_datasets(), run_mscteach, tmp_path_factory.mktemp("metafor"))


def test_the_oracle_cannot_be_missing_in_ci():
    check_oracle_in_ci()


def test_the_batch_covers_what_it_claims():
    datasets = all_datasets()
    random = datasets[:N_DATASETS]
    assert len(random) >= 300 and {len(d["e1"]) for d in random} >= {2, 40}
    zero_cells = sum(any(e in (0, n) for e, n in zip(d["e1"] + d["e2"], d["n1"] + d["n2"])) for d in random)
    double_zero = sum(any(a == 0 and c == 0 for a, c in zip(d["e1"], d["e2"])) for d in random)
    assert zero_cells >= 50 and double_zero >= 20
    assert min(min(d["n1"] + d["n2"]) for d in random) == 1 and max(max(d["n1"] + d["n2"]) for d in random) > 900_000
    assert random_dataset(7) == random_dataset(7)  # seeded


def test_each_studys_effect_and_continuity_correction_agree_with_escalc(agreement):
    bad = Mismatches()
    for dataset, metafor, ours in agreement:
        studies = ours["studies"]
        for i, (yi, vi) in enumerate(zip(metafor["yi"], metafor["vi"])):
            where = f"{dataset['id']}, study {i + 1}"
            if yi is None:  # drop00: no information on the ratio
                if studies["included"].iloc[i]:
                    bad.append(f"{where}: metafor drops it, mscteach keeps it")
                continue
            bad.check(f"{where} yi", float(studies["log_effect"].iloc[i]), yi, CLOSED_FORM_TOLERANCE)
            bad.check(f"{where} vi", float(studies["se"].iloc[i]) ** 2, vi, CLOSED_FORM_TOLERANCE)
    bad.verdict()


@pytest.mark.parametrize("ci", list(CIS))
@pytest.mark.parametrize("method", METHODS)
def test_pooled_results_agree(agreement, method, ci):
    bad, tol, refused, compared, remedied = Mismatches(), tolerance(method), 0, 0, 0
    for dataset, metafor, ours in agreement:
        theirs, fixed = metafor["fits"][f"{method} {CIS[ci]}"], metafor["fits"]["FE z"]
        result = ours["fits"][method, ci]
        where = f"{dataset['id']} {method}/{ci}"
        if theirs.get("remedy") is not None:  # metafor's Fisher scoring overshot; its own remedy (stepadj) was used
            assert method == "REML" and "did not converge" in theirs["remedy"], where
            remedied += 1
        if theirs["error"] is not None:  # metafor refuses: so must mscteach, saying why
            refused += 1
            assert "Processing terminated since k = 0" in theirs["error"], where
            assert not result.pooled and "needs at least two studies with information" in result.reason, where
            assert "left out:" in result.summary("en"), where
            continue
        if theirs["k"] == 1:  # documented: metafor fits one study, mscteach pools two or more
            assert not result.pooled and result.k == 1 and "needs at least two studies" in result.reason, where
            continue
        compared += 1
        assert result.k == theirs["k"], where
        for name, value in (("estimate", result.log_estimate), ("se", result.se),
                            ("ci_low", math.log(result.ci_low)), ("ci_high", math.log(result.ci_high)),
                            ("tau2", result.tau2), ("q", result.q), ("q_pvalue", result.q_pvalue)):
            bad.check(f"{where} {name}", value, theirs[name], CLOSED_FORM_TOLERANCE if name[0] == "q" else tol)
        for name, value in (("estimate", result.fixed_log_estimate), ("se", result.fixed_se),
                            ("ci_low", math.log(result.fixed_ci_low)), ("ci_high", math.log(result.fixed_ci_high))):
            bad.check(f"{where} fixed {name}", value, fixed[name], CLOSED_FORM_TOLERANCE)
        # I²: Higgins & Thompson's (Q - df)/Q, metafor's for DL; for REML/PM metafor's follows the τ² (documented)
        df = result.k - 1
        bad.check(f"{where} i2 (Q-based)", result.i2, 100 * max(0.0, (theirs["q"] - df) / theirs["q"])
                  if theirs["q"] > 0 else 0.0, CLOSED_FORM_TOLERANCE)
        if method == "DL":
            bad.check(f"{where} i2", result.i2, theirs["i2"], CLOSED_FORM_TOLERANCE)
        w = np.array([1 / v for v in metafor["vi"] if v is not None])  # metafor's: τ² over τ² + typical variance
        typical = (len(w) - 1) * w.sum() / (w.sum() ** 2 - (w ** 2).sum())
        bad.check(f"{where} metafor's i2", 100 * theirs["tau2"] / (theirs["tau2"] + typical), theirs["i2"], tol)
        # prediction interval: Higgins 2009 = metafor's pi.type="riley" on the z fit (documented)
        wald = metafor["fits"][f"{method} z"]
        if result.k >= 3:
            bad.check(f"{where} pi_low", math.log(result.pi_low), wald["riley_low"], tol)
            bad.check(f"{where} pi_high", math.log(result.pi_high), wald["riley_high"], tol)
        else:
            assert math.isnan(result.pi_low) and math.isnan(result.pi_high), where
        # ... and metafor's default is the same centre and spread with z (test="z") or t(k-1) and the HKSJ SE
        crit = scipy_stats.norm.isf(0.025) if ci == "z" else scipy_stats.t.isf(0.025, result.k - 1)
        half = crit * math.sqrt(result.tau2 + result.se ** 2)
        bad.check(f"{where} default pi_low", result.log_estimate - half, theirs["pi_low"], tol)
        bad.check(f"{where} default pi_high", result.log_estimate + half, theirs["pi_high"], tol)
    bad.verdict()
    assert compared >= 280 and refused >= 2
    assert remedied == (1 if method == "REML" else 0)  # random 275: mscteach's REML needs no remedy


def test_cumulative_meta_analysis_agrees_with_cumul(agreement):
    bad, steps = Mismatches(), 0
    for dataset, metafor, ours in agreement:
        if not dataset["sensitivity"] or "error" in metafor["sensitivity"]:
            continue
        method, test = dataset["sensitivity"]
        theirs, cumulative, tol = metafor["sensitivity"]["cumul"], ours["cumulative"], tolerance(method)
        assert method == "REML" or not theirs["remedied"]  # refits after Fisher scoring failed (the oracle says)
        for i, row in cumulative.iterrows():
            where, steps = f"{dataset['id']} {method}/{test} cumulative step {i + 1}", steps + 1
            if row["k"] == 0:
                assert math.isnan(row["estimate"]) and theirs["estimate"][i] is None, where
                continue
            if row["k"] == 1:  # documented: the study's own Wald estimate; τ², I² undefined (metafor: 0)
                assert math.isnan(row["tau2"]) and math.isnan(row["i2"]) and math.isnan(row["pi_low"]), where
                if theirs["estimate"][i] is None:  # this step adds a study without information: metafor NA
                    continue
                bad.check(f"{where} estimate", math.log(row["estimate"]), theirs["estimate"][i], tol)
                if test == "z":
                    bad.check(f"{where} ci_low", math.log(row["ci_low"]), theirs["ci_low"][i], tol)
                assert theirs["tau2"][i] == 0, where
                continue
            if theirs["estimate"][i] is None:  # metafor NA: the study added carries no information
                previous = cumulative.iloc[i - 1]
                assert row["estimate"] == previous["estimate"] and row["k"] == previous["k"], where
                continue
            bad.check_step(where, row, theirs, i, method, tol)
    bad.verdict()
    assert steps > 300


def test_leave_one_out_agrees_with_leave1out(agreement):
    bad, rows = Mismatches(), 0
    for dataset, metafor, ours in agreement:
        if not dataset["sensitivity"] or "error" in metafor["sensitivity"] or ours["leave_one_out"] is None:
            continue
        method, test = dataset["sensitivity"]
        theirs, loo, tol = metafor["sensitivity"]["leave1out"], ours["leave_one_out"], tolerance(method)
        assert method == "REML" or not theirs["remedied"]
        full = ours["fits"][method, {v: k for k, v in CIS.items()}[test]]
        for i, row in loo.iterrows():
            where, rows = f"{dataset['id']} {method}/{test} without study {i + 1}", rows + 1
            if metafor["yi"][i] is None:  # documented: no metafor row; mscteach pools all the others
                assert row["estimate"] == full.estimate or (math.isnan(row["estimate"]) and not full.pooled), where
                continue
            if row["reason"]:  # fewer than two informative studies left: documented (metafor fits one)
                assert "needs at least two studies" in row["reason"], where
                continue
            bad.check_step(where, row, theirs, i, method, tol)
    bad.verdict()
    assert rows > 300



def test_reml_refuses_rather_than_stopping_unconverged(monkeypatch):
    """metafor stops with "Fisher scoring algorithm did not converge"; mscteach too, never with a half-way τ²."""
    import importlib

    engine = importlib.import_module("mscteach.stats.meta_analysis")  # the module, not the function of its name

    monkeypatch.setattr(engine, "REML_MAX_ITERATIONS", 1)
    with pytest.raises(MscteachError, match="REML estimate of tau² did not converge in 1 iterations"):
        engine.pool([0.0, 1.0, 3.0], [0.1, 0.2, 0.1], "REML")
