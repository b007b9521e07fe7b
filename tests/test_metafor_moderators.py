"""Differential tests: mscteach's meta-regression and subgroup analysis against metafor (R) on seeded random data.

metafor is the oracle, never a runtime dependency: all datasets go to one ``Rscript
tests/metafor_moderators_oracle.R`` call (JSON in, JSON out), which fits ``rma(yi, vi, mods = ~ x + factor(g))``
with each τ² estimator (FE, DL, REML, ML, PM) and test (``"z"``; ``"knha"`` = mscteach's ``ci="hksj"``),
after ``escalc(add=1/2, to="only0", drop00=TRUE)`` (mscteach's continuity correction) and with iteration
limits far tighter than metafor's defaults, so that REML, ML and PM are compared at :data:`ITERATIVE_TOLERANCE`;
FE and DL are closed forms, compared at :data:`CLOSED_FORM_TOLERANCE`. The datasets have k from 4 to 40
studies, a continuous moderator ``x`` and a categorical one ``g`` (two or three levels), heterogeneity from
none to extreme, rare events (studies dropped for want of information) and missing moderator values.

Documented differences, each asserted as such below:

* R²: metafor's 100·max(0, (τ²_RE - τ²)/τ²_RE) is a ratio of two estimates; where τ²_RE is near 0 it is
  ill-conditioned, so it is compared with the tolerance error propagation gives, 100·2·tol/τ²_RE, and only
  where τ²_RE is above 1e-6. mscteach takes τ²_RE from :func:`mscteach.stats.pool` (the τ² of
  :func:`~mscteach.stats.meta_analysis`; for ML, its own intercept-only fit): R² is 0 when that τ² is exactly 0.
  R² is compared on the z fits (metafor's knha fits skip it, ``skipr2``: it depends on the estimator only).
* Subgroups' HKSJ intervals are :func:`~mscteach.stats.meta_analysis`'s, which test_metafor_agreement.py
  compares with metafor; here they are asserted to be those (on every fifth dataset), and the test for subgroup
  differences to be the same under both intervals (it takes the Wald SEs).
* The test for subgroup differences is RevMan's (separate τ² per subgroup): metafor's
  ``rma(estimates, sei = ses, method = "FE")$QE`` over the subgroups' own fits, not the QM of
  ``rma(yi, vi, mods = ~ factor(g))``, which assumes a common τ²; the two are asserted to differ.
* Subgroups' I² is Higgins & Thompson's (as :func:`meta_analysis`): compared with metafor's for DL only.
* k ≤ p (no more studies than parameters): metafor fits what it can; mscteach refuses, saying so.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mscteach import MscteachError, stats
from tests.metafor import (CIS, CLOSED_FORM_TOLERANCE, ITERATIVE_TOLERANCE, Mismatches, attempt,  # noqa: F401
                           binary_table, check_oracle_in_ci, side_by_side, tolerance)

ORACLE = Path(__file__).with_name("metafor_moderators_oracle.R")
N_DATASETS = 150
SEED = 2511
METHODS = ["FE", "DL", "REML", "ML", "PM"]
#: Knapp-Hartung is for random-effects models: mscteach refuses it with FE (tests/test_moderators.py).
FITS = [(m, c) for m in METHODS for c in CIS if not (m == "FE" and c == "hksj")]
SCENARIOS = ["homogeneous", "moderate", "extreme heterogeneity", "rare", "missing moderators", "huge arms"]
MODERATOR_SETS = [["x"], ["g"], ["x", "g"]]
LEVELS = ["alpha", "beta", "gamma"]


def random_dataset(index: int) -> dict[str, Any]:
    """One seeded dataset: k from 4 to 40, a continuous and a categorical moderator, one of :data:`SCENARIOS`."""
    rng = np.random.default_rng([SEED, index])
    scenario = SCENARIOS[index % len(SCENARIOS)]
    moderators = MODERATOR_SETS[(index // len(SCENARIOS)) % len(MODERATOR_SETS)]
    n_levels = 2 + index % 2
    p = 1 + ("x" in moderators) + (n_levels - 1) * ("g" in moderators)
    k = int(rng.integers(max(4, p + 2), 41))
    g = np.array([LEVELS[i % n_levels] for i in range(k)], dtype=object)
    rng.shuffle(g)
    x = rng.normal(30, 12, k).round(1)
    tau = {"homogeneous": 0.0, "extreme heterogeneity": rng.uniform(1.0, 2.5)}.get(scenario, rng.uniform(0.05, 0.6))
    theta = (rng.normal(0, 0.4) + rng.normal(0, 0.02) * (x - 30)
             + np.array([{"alpha": 0.0, "beta": rng.normal(0, 0.4), "gamma": -0.3}[v] for v in g])
             + tau * rng.normal(size=k))
    low, high = (0.002, 0.03) if scenario == "rare" else (0.05, 0.5)
    p0 = rng.uniform(low, high, k)
    p1 = 1 / (1 + np.exp(-(np.log(p0 / (1 - p0)) + theta)))
    size = (10_000, 500_001) if scenario == "huge arms" else (10, 400)
    n1, n2 = rng.integers(*size, k), rng.integers(*size, k)
    e1, e2 = rng.binomial(n1, p1), rng.binomial(n2, p0)
    xs: list[Any] = x.tolist()
    gs: list[Any] = g.tolist()
    if scenario == "missing moderators":
        for i in rng.choice(k, 2, replace=False):
            (xs if rng.random() < 0.5 else gs)[i] = None
    return {"id": f"random {index} ({scenario}, {'+'.join(moderators)})", "measure": "RR" if index % 2 else "OR",
            "e1": e1.tolist(), "n1": n1.tolist(), "e2": e2.tolist(), "n2": n2.tolist(), "x": xs, "g": gs,
            "moderators": moderators, "subgroup_method": ["DL", "REML", "PM"][index % 3]}


def all_datasets() -> list[dict[str, Any]]:
    return [random_dataset(i) for i in range(N_DATASETS)]


def table(dataset: dict[str, Any]) -> pd.DataFrame:
    return binary_table(dataset).assign(x=pd.array(dataset["x"], dtype="Float64").astype(float), g=dataset["g"])


def run_mscteach(dataset: dict[str, Any]) -> dict[str, Any]:
    data, measure, method = table(dataset), dataset["measure"], dataset["subgroup_method"]
    fits = {(m, c): attempt(stats.meta_regression, data, dataset["moderators"], measure, m, c) for m, c in FITS}
    groups = {c: attempt(stats.subgroup_analysis, data, "g", measure, method, c) for c in CIS}
    return {"fits": fits, "subgroups": groups}


@pytest.fixture(scope="module")
def agreement(tmp_path_factory) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    return side_by_side(ORACLE, all_datasets(), run_mscteach, tmp_path_factory.mktemp("metafor_moderators"))


def test_the_oracle_cannot_be_missing_in_ci():
    check_oracle_in_ci()


def test_the_batch_covers_what_it_claims():
    datasets = all_datasets()
    assert len(datasets) >= 150 and {len(d["e1"]) for d in datasets} >= {4, 40}
    assert {tuple(d["moderators"]) for d in datasets} == {("x",), ("g",), ("x", "g")}
    assert sum(None in d["x"] + d["g"] for d in datasets) >= 20
    assert {len(set(d["g"]) - {None}) for d in datasets} == {2, 3}
    assert sum(any(a == 0 and c == 0 for a, c in zip(d["e1"], d["e2"])) for d in datasets) >= 5
    assert random_dataset(7) == random_dataset(7)  # seeded


@pytest.mark.parametrize("method, ci", FITS)
def test_meta_regression_agrees_with_rma_mods(agreement, method, ci):
    bad, tol, compared, refused, r2_compared = Mismatches(), tolerance(method), 0, 0, 0
    for dataset, metafor, ours in agreement:
        theirs, result = metafor["fits"][f"{method} {CIS[ci]}"], ours["fits"][method, ci]
        where = f"{dataset['id']} {method}/{ci}"
        kept = len(metafor["kept"])
        if isinstance(result, MscteachError):  # mscteach refuses: no more studies than parameters, or one level
            refused += 1
            assert ("needs more than" in str(result) and theirs.get("p", kept + 1) >= kept) or \
                ("single value" in str(result) and "contrasts can be applied only" in (theirs["error"] or "")), \
                f"{where}: {result} / metafor: {theirs}"
            continue
        assert theirs["error"] is None, f"{where}: metafor refused: {theirs['error']}"
        assert theirs.get("remedy") is None or method == "REML", where
        compared += 1
        assert result.k == theirs["k"] == kept, where
        assert result.coefficients["term"].tolist() == [
            t.replace("intrcpt", "intercept").replace("factor(g)", "g[") + ("]" if "factor(g)" in t else "")
            for t in theirs["terms"]], where
        for column, name in (("estimate", "estimate"), ("se", "se"), ("ci_low", "ci_low"), ("ci_high", "ci_high"),
                             ("statistic", "statistic"), ("p", "p_value")):
            for i, value in enumerate(result.coefficients[column]):
                bad.check(f"{where} {name}[{i}]", float(value), theirs[name][i], tol)
        for name, value in (("tau2", result.tau2), ("i2", result.i2), ("qm", result.qm), ("qm_p", result.qm_pvalue),
                            ("qe", result.qe), ("qe_p", result.qe_pvalue)):
            bad.check(f"{where} {name}", value, theirs[name], CLOSED_FORM_TOLERANCE if name[:2] == "qe" else tol)
        assert list(result.qm_df) == theirs["qm_df"], where
        if method == "FE":
            bad.check(f"{where} r2", result.r2, theirs["r2"], CLOSED_FORM_TOLERANCE)
        elif ci == "hksj":  # R² depends on the τ² estimator only; metafor's knha fits skip it (skipr2)
            assert result.r2 == ours["fits"][method, "z"].r2, where
        elif result.tau2_no_moderators > 1e-6:  # documented: R² is a ratio, ill-conditioned where τ²_RE is near 0
            r2_compared += 1
            bad.check(f"{where} r2", result.r2, theirs["r2"], max(tol, 200 * tol / result.tau2_no_moderators))
    bad.verdict()
    assert compared >= 140 and refused <= 15
    if method != "FE" and ci == "z":
        assert r2_compared >= 100


@pytest.mark.parametrize("ci", list(CIS))
def test_subgroup_differences_agree_with_metafor(agreement, ci):
    bad, compared = Mismatches(), 0
    for dataset, metafor, ours in agreement:
        theirs, result = metafor["subgroups"], ours["subgroups"][ci]
        method = dataset["subgroup_method"]
        where, tol = f"{dataset['id']} subgroups {method}/{ci}", tolerance(method)
        assert theirs["error"] is None, where
        if isinstance(result, MscteachError):
            assert len(theirs["levels"]) < 2 and "two or more subgroups" in str(result), where
            continue
        compared += 1
        groups = result.subgroups.set_index("subgroup")
        assert [g for g in groups.index if groups.loc[g, "k"] > 0] == theirs["levels"], where
        for level in theirs["levels"]:
            mine, their = groups.loc[level], theirs["groups"][level]
            assert mine["k"] == their["k"], where
            bad.check(f"{where} {level} estimate", float(mine["log_estimate"]), their["estimate"], tol)
            bad.check(f"{where} {level} se", float(mine["se"]), their["se"], tol)
            if their["k"] >= 2:
                if ci == "z":
                    bad.check(f"{where} {level} ci_low", math.log(mine["ci_low"]), their["ci_low"], tol)
                    bad.check(f"{where} {level} ci_high", math.log(mine["ci_high"]), their["ci_high"], tol)
                elif compared % 5 == 1:  # HKSJ intervals are meta_analysis's (which test_metafor_agreement.py checks)
                    alone = stats.meta_analysis(table(dataset).loc[lambda t: t["g"] == level], dataset["measure"],
                                                method, ci="hksj")
                    assert (mine["ci_low"], mine["ci_high"]) == (alone.ci_low, alone.ci_high), where
                bad.check(f"{where} {level} tau2", float(mine["tau2"]), their["tau2"], tol)
                bad.check(f"{where} {level} q", float(mine["q"]), their["q"], CLOSED_FORM_TOLERANCE)
                if method == "DL":
                    bad.check(f"{where} {level} i2", float(mine["i2"]), their["i2"], CLOSED_FORM_TOLERANCE)
            else:  # documented: one study's own estimate, no τ²
                assert math.isnan(mine["tau2"]), where
        bad.check(f"{where} Q between", result.q_between, theirs["q_between"], tol)
        bad.check(f"{where} p", result.p_value, theirs["p_value"], tol)
        assert result.df == len(theirs["levels"]) - 1, where
    bad.verdict()
    assert compared >= 150


def test_the_subgroup_test_is_not_the_common_tau2_qm(agreement):
    """RevMan's test (separate τ²) and metafor's QM of mods = ~ factor(g) (common τ²) are different numbers."""
    differ = 0
    for dataset, metafor, ours in agreement:
        fit, groups = metafor["fits"]["DL z"], ours["subgroups"]["z"]
        if dataset["moderators"] != ["g"] or fit["error"] is not None or isinstance(groups, MscteachError) \
                or dataset["subgroup_method"] != "DL" or len(metafor["kept"]) != sum(groups.subgroups["k"]):
            continue
        differ += not math.isclose(groups.q_between, fit["qm"], rel_tol=1e-6)
    assert differ >= 10
