"""Small-study effects: Egger's test and trim and fill against metafor (R), by hand, and against a published example.

metafor is the oracle, never a runtime dependency: every dataset goes to one
``Rscript tests/metafor_small_studies_oracle.R`` call (JSON in, JSON out), with the continuity correction of
``tests/metafor_oracle.R`` (``escalc(add=1/2, to="only0", drop00=TRUE)``) and the same tight iteration limits,
so REML and PM compare at :data:`ITERATIVE_TOLERANCE`; fixed effect and DerSimonian-Laird are closed forms,
compared at :data:`CLOSED_FORM_TOLERANCE`. metafor's ``regtest(fit)`` is compared for every method and test,
its ``trimfill(fit)`` for every method and estimator (side chosen by metafor's rule, and forced on some).

Documented differences, each asserted as such below:

* fewer than three informative studies: mscteach refuses both methods (:data:`MIN_STUDIES`); metafor's random-
  effects regression refuses too ("Number of parameters ... larger than the number of observations"), but its
  fixed-effect regression and its trim and fill run on two studies.
* trim and fill's adjusted interval: Wald, whatever the original fit's test, as metafor's (``trimfill`` does not
  pass ``test`` on), so no ``ci`` argument is offered.
* studies whose effects are equal in exact arithmetic may differ in the last bit between escalc and mscteach, and
  trim and fill sorts by effect; so every trim and fill is also run on metafor's own effects (passed as text with
  17 digits, the same doubles), and from mscteach's effects a dataset where the two sort differently is skipped
  (one of the 163).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mscteach import MscteachError
from mscteach.errors import UnknownNameError
from mscteach.stats import meta_analysis, study_effects
from mscteach.stats.small_studies import (FEW_STUDIES, MIN_STUDIES, egger_regression, egger_test, trim_and_fill,
                                          trim_and_fill_effects)

from tests.metafor import (CIS as TESTS, CLOSED_FORM_TOLERANCE, Mismatches, attempt, binary_table, run_oracle,
                           skip_without_oracle, tolerance as tolerance_of)

ORACLE = Path(__file__).with_name("metafor_small_studies_oracle.R")
N_DATASETS = 160
SEED = 253
ITERATIVE_TOLERANCE = 1e-7
METHODS = ["FE", "DL", "REML", "PM"]
ESTIMATORS = ["L0", "R0"]
#: Every dataset is tested with the defaults (DL, z; DL, L0, metafor's side) through the table functions, and with
#: one of the other combinations (in turn) through the functions of effects and SEs: one Rscript call stays short.
EGGER_DEFAULT = ("DL", "z")
EGGER_OTHERS = [(m, t) for m in METHODS for t in TESTS if (m, t) != EGGER_DEFAULT]
FILL_DEFAULT = ("DL", "L0", None)
FILL_OTHERS = [(m, e, None) for m in METHODS for e in ESTIMATORS if (m, e) != ("DL", "L0")] + \
    [("DL", "L0", "left"), ("DL", "L0", "right"), ("REML", "R0", "right")]
SCENARIOS = ["homogeneous", "moderate", "heterogeneous", "publication bias", "publication bias, heterogeneous",
             "rare events", "small trials"]


def _log_rr(e1: int, n1: int, e2: int, n2: int) -> tuple[float, float]:
    """A study's log risk ratio and SE, 0.5 added to a zero cell's study (for the selection only)."""
    add = 0.5 if 0 in (e1, e2) or e1 == n1 or e2 == n2 else 0.0
    a, b, c, d = e1 + add, n1 + 2 * add, e2 + add, n2 + 2 * add
    return math.log((a / b) / (c / d)), math.sqrt(1 / a - 1 / b + 1 / c - 1 / d)


def random_dataset(index: int) -> dict[str, Any]:
    """One seeded random dataset of k = 3 to 40 studies; under publication bias, small studies that found no
    significant benefit are published with probability 0.2 only, so the funnel loses its lower right corner."""
    rng = np.random.default_rng([SEED, index])
    scenario = SCENARIOS[index % len(SCENARIOS)]
    k = int(rng.integers(3, 41))
    tau = {"homogeneous": 0.0, "heterogeneous": rng.uniform(0.5, 1.2),
           "publication bias, heterogeneous": rng.uniform(0.3, 0.8)}.get(scenario, rng.uniform(0.0, 0.4))
    low, high = (0.005, 0.04) if scenario == "rare events" else (0.08, 0.5)
    mu = rng.normal(-0.2, 0.3)
    rows: list[tuple[int, int, int, int]] = []
    for _ in range(3000):
        if len(rows) == k:
            break
        size = rng.integers(4, 30) if scenario == "small trials" else int(np.exp(rng.uniform(np.log(10), np.log(800))))
        n1, n2 = int(size), int(max(3, size + rng.integers(-size // 5 - 1, size // 5 + 2)))
        p0 = rng.uniform(low, high)
        p1 = min(0.99, p0 * math.exp(mu + tau * rng.normal()))
        e1, e2 = int(rng.binomial(n1, p1)), int(rng.binomial(n2, p0))
        if scenario.startswith("publication bias"):
            y, se = _log_rr(e1, n1, e2, n2) if (e1 or e2) else (0.0, 1.0)
            if y / se > -1.96 and rng.uniform() > 0.2:  # not a significant benefit: mostly left in a drawer
                continue
        rows.append((e1, n1, e2, n2))
    e1s, n1s, e2s, n2s = (list(c) for c in zip(*rows))
    return {"id": f"random {index} ({scenario})", "measure": "OR" if index % 3 == 2 else "RR",
            "e1": e1s, "n1": n1s, "e2": e2s, "n2": n2s}


def edge_datasets() -> list[dict[str, Any]]:
    """Hand-made: too few informative studies, identical precision, and the smallest k that can be tested."""
    def case(name: str, rows: list[tuple[int, int, int, int]]) -> dict[str, Any]:
        e1, n1, e2, n2 = (list(c) for c in zip(*rows))
        return {"id": f"edge: {name}", "measure": "RR", "e1": e1, "n1": n1, "e2": e2, "n2": n2}

    return [case("two informative studies", [(0, 10, 0, 12), (3, 20, 6, 21), (5, 30, 9, 28)]),
            case("identical studies", [(5, 50, 10, 50)] * 4),
            case("three studies", [(9, 56, 18, 54), (4, 40, 10, 41), (12, 60, 15, 58)])]


def all_datasets() -> list[dict[str, Any]]:
    """The batch, each dataset with the combinations to compare (the defaults and one other, in turn)."""
    datasets = [random_dataset(i) for i in range(N_DATASETS)] + edge_datasets()
    for i, d in enumerate(datasets):
        egger, fill = EGGER_OTHERS[i % len(EGGER_OTHERS)], FILL_OTHERS[i % len(FILL_OTHERS)]
        d["regtest"] = [[m, TESTS[t]] for m, t in (EGGER_DEFAULT, egger)]
        d["trimfill"] = [[m, e] + ([side] if side else []) for m, e, side in (FILL_DEFAULT, fill)]
    return datasets


def key(method: str, estimator: str, side: str | None) -> str:
    """The oracle's name of a trim and fill."""
    return " ".join([method, estimator] + ([side] if side else []))


table = binary_table


def run_mscteach(dataset: dict[str, Any], metafor: dict[str, Any]) -> dict[str, Any]:
    """The defaults through the table functions, the other combinations from the studies' effects and SEs; and
    every trim and fill again from metafor's own effects and variances (``exact``: the same floating-point numbers)."""
    data, measure = table(dataset), dataset["measure"]
    answers: dict[str, Any] = {"egger": {EGGER_DEFAULT: attempt(egger_test, data, measure)},
                               "trimfill": {FILL_DEFAULT: attempt(trim_and_fill, data, measure)}}
    studies = study_effects(data, measure)
    studies = studies[studies["included"]]
    y, se = studies["log_effect"].to_numpy(), studies["se"].to_numpy()
    for method, test in dataset["regtest"][1:]:
        ci = {v: c for c, v in TESTS.items()}[test]
        answers["egger"][method, ci] = attempt(egger_regression, y, se, measure, method, ci)
    for method, estimator, *side in dataset["trimfill"][1:]:
        answers["trimfill"][method, estimator, side[0] if side else None] = attempt(
            trim_and_fill_effects, y, se, studies["study"], measure, method, estimator, side[0] if side else None)
    exact_y, exact_se = np.array(metafor["yi"], float), np.sqrt(np.array(metafor["vi"], float))
    answers["exact"] = {(m, e, side[0] if side else None): attempt(
        trim_and_fill_effects, exact_y, exact_se, None, measure, m, e, side[0] if side else None)
        for m, e, *side in dataset["trimfill"]}
    answers["order"] = np.argsort(y, kind="stable").tolist() == np.argsort(exact_y, kind="stable").tolist()
    return answers


@pytest.fixture(scope="module")
def agreement(tmp_path_factory) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    skip_without_oracle()
    datasets = all_datasets()
    # run_mscteach also takes metafor's own effects, so the Rscript call comes first
    results = run_oracle(ORACLE, datasets, tmp_path_factory.mktemp("metafor"))["results"]
    for r in results:
        r["yi"], r["vi"] = [float(y) for y in r["yi"]], [float(v) for v in r["vi"]]
    return [(d, r, run_mscteach(d, r)) for d, r in zip(datasets, results)]


def tolerance(method: str) -> float:
    return tolerance_of(method, ITERATIVE_TOLERANCE)


def test_the_batch_covers_what_it_claims():
    random = all_datasets()[:N_DATASETS]
    sizes = {len(d["e1"]) for d in random}
    assert len(random) >= 150 and min(sizes) == 3 and max(sizes) == 40
    assert {d["id"].split("(")[1].rstrip(")") for d in random} == set(SCENARIOS)
    biased = [d for d in random if "publication bias" in d["id"]]
    # the selection bites: most published studies of the biased scenarios found a significant benefit
    significant = [_log_rr(*row) for d in biased for row in zip(d["e1"], d["n1"], d["e2"], d["n2"]) if row[0] or row[2]]
    assert sum(y / se < -1.96 for y, se in significant) > 0.5 * len(significant)
    assert random_dataset(7) == random_dataset(7)  # seeded


@pytest.mark.parametrize("ci", list(TESTS))
@pytest.mark.parametrize("method", METHODS)
def test_egger_test_agrees_with_regtest(agreement, method, ci):
    bad, tol, compared, refused = Mismatches(), tolerance(method), 0, 0
    for dataset, metafor, ours in agreement:
        if (method, ci) not in ours["egger"]:
            continue
        theirs, result = metafor["regtest"][f"{method} {TESTS[ci]}"], ours["egger"][method, ci]
        where = f"{dataset['id']} {method}/{ci}"
        k = len(metafor["yi"])
        if k < MIN_STUDIES or len(set(np.round(metafor["vi"], 12))) == 1:  # mscteach refuses, saying why
            assert isinstance(result, MscteachError), where
            assert ("needs at least 3 studies" in str(result) if k < MIN_STUDIES
                    else "no funnel to read" in str(result)), where
            if method != "FE" or k >= MIN_STUDIES:  # documented: metafor's FE regression runs on two studies
                assert theirs["error"] is not None, where
            refused += 1
            continue
        assert theirs["error"] is None, f"{where}: {theirs['error']}"
        assert not isinstance(result, MscteachError), f"{where}: {result}"
        compared += 1
        assert result.k == theirs["k"] == k and result.df == theirs["df"], where
        for name, value in (("statistic", result.statistic), ("pvalue", result.pvalue), ("slope", result.slope),
                            ("slope_se", result.slope_se), ("limit", result.limit_log_estimate),
                            ("limit_se", result.limit_se), ("limit_low", math.log(result.limit_ci_low)),
                            ("limit_high", math.log(result.limit_ci_high)), ("tau2", result.tau2)):
            bad.check(f"{where} {name}", value, theirs[name], tol)
        assert (result.warnings != ()) == (k < FEW_STUDIES), where
    bad.verdict()
    assert compared >= (150 if (method, ci) == EGGER_DEFAULT else 20)
    assert refused >= (2 if (method, ci) == EGGER_DEFAULT else 0)


@pytest.mark.parametrize("combination", [FILL_DEFAULT] + FILL_OTHERS, ids=lambda c: key(*c))
def test_trim_and_fill_agrees_with_trimfill(agreement, combination):
    """Every trim and fill is compared twice: from mscteach's effects, and from metafor's (the same floats).

    Documented: studies whose effects are equal in exact arithmetic (2/10 and 1/5) can differ in the last bit
    between escalc and mscteach, and trim and fill sorts by effect, so which of them is trimmed first (and
    mirrored) can differ. From mscteach's effects, the datasets where the two sort differently are not compared;
    from metafor's effects every dataset is.
    """
    method, estimator, side = combination
    bad, tol, compared, filled, sides, unsorted = Mismatches(), tolerance(method), 0, 0, set(), 0
    for dataset, metafor, ours in agreement:
        if combination not in ours["trimfill"]:
            continue
        theirs = metafor["trimfill"][key(*combination)]
        for source, result in (("exact", ours["exact"][combination]), ("mscteach", ours["trimfill"][combination])):
            where = f"{dataset['id']} {key(*combination)} ({source})"
            if source == "mscteach" and not ours["order"]:
                unsorted += 1
                continue
            k = len(metafor["yi"])
            if k < MIN_STUDIES or (side is None and len(set(np.round(metafor["vi"], 12))) == 1):
                assert isinstance(result, MscteachError), where  # documented for k = 2: metafor fills, we refuse
                if k >= MIN_STUDIES:  # equal SEs: metafor's side regression has no slope ("missing value")
                    assert theirs["error"] is not None and "no funnel to read" in str(result), where
                continue
            if theirs["error"] is not None:  # metafor stops: so must mscteach, saying why
                assert isinstance(result, MscteachError), f"{where}: metafor {theirs['error']}, mscteach {result}"
                continue
            assert not isinstance(result, MscteachError), f"{where}: {result}"
            compared += 1
            filled += result.k0 > 0
            sides.add(result.side)
            assert (result.k0, result.side, result.iterations, result.k + result.k0) == \
                (theirs["k0"], theirs["side"], theirs["iterations"], theirs["k"]), where
            assert result.side_given == (side is not None) and result.side == (side or result.side), where
            bad.check(f"{where} se_k0", result.se_k0, theirs["se_k0"], CLOSED_FORM_TOLERANCE)
            for i, (y, v) in enumerate(zip(theirs["filled_yi"], theirs["filled_vi"])):
                bad.check(f"{where} filled {i + 1} yi", float(result.filled["log_effect"].iloc[i]), y, tol)
                bad.check(f"{where} filled {i + 1} vi", float(result.filled["se"].iloc[i]) ** 2, v,
                          CLOSED_FORM_TOLERANCE)
            for name, value in (("estimate", result.log_estimate), ("se", result.se),
                                ("ci_low", math.log(result.ci_low)), ("ci_high", math.log(result.ci_high)),
                                ("tau2", result.tau2)):
                bad.check(f"{where} {name}", value, theirs[name], tol)
    bad.verdict()
    assert compared >= (2 * 150 if combination == FILL_DEFAULT else 2 * 12) - unsorted
    assert unsorted <= (10 if combination == FILL_DEFAULT else 2)
    assert filled >= (80 if combination == FILL_DEFAULT else 2)
    assert sides == ({side} if side else {"left", "right"})


# --- expected values known without either implementation -------------------------------------------------------

HAND_Y, HAND_SE = [0.0, 0.0, 1.0, 0.5], [1.0, 0.5, 1.0, 0.5]


def test_egger_regression_of_four_studies_worked_by_hand():
    """Weighted least squares of y on SE with weights w = 1/SE² = (1, 4, 1, 4):

    Σw = 10, Σw·SE = 6, Σw·SE² = 4, Σw·y = 3, Σw·SE·y = 2, so X'WX = [[10, 6], [6, 4]] (determinant 4) and
    (X'WX)⁻¹ = [[1, -1.5], [-1.5, 2.5]]; β = (X'WX)⁻¹·(3, 2) = (0, 0.5). The slope's variance is 2.5, so
    z = 0.5/√2.5 = 1/√10 = 0.316228 and p = erfc(z/√2) = 0.751830; the intercept (limit estimate) is 0 with
    variance 1: RR 1, 95% CI exp(±1.959964) = 0.140863 to 7.099071.
    """
    result = egger_regression(HAND_Y, HAND_SE, method="FE")
    assert result.slope == pytest.approx(0.5, abs=1e-12) and result.slope_se == pytest.approx(math.sqrt(2.5))
    assert result.statistic == pytest.approx(1 / math.sqrt(10)) and result.df is None
    assert result.pvalue == pytest.approx(math.erfc(1 / math.sqrt(10) / math.sqrt(2)))
    assert result.pvalue == pytest.approx(0.751830, abs=1e-6)
    assert result.limit_log_estimate == pytest.approx(0.0, abs=1e-12) and result.limit_se == pytest.approx(1.0)
    assert (result.limit_ci_low, result.limit_ci_high) == pytest.approx((0.140863, 7.099071), abs=1e-6)
    assert result.summary("en").startswith("Egger's test (FE): z = 0.32, p = 0.75; limit estimate RR 1.00 (95% CI "
                                           "0.14-7.10), 4 studies; caution: only 4 studies")


def test_knapp_hartung_egger_test_worked_by_hand():
    """Residuals y - 0.5·SE = (-0.5, -0.25, 0.5, 0.25); Σw·r² = 0.25·4 = 1, so s² = 1/(4 - 2) = 0.5 and the slope's
    variance is 0.5·2.5 = 1.25: t = 0.5/√1.25 = 0.447214 on 2 df. Student's t with 2 df has a closed form:
    two-sided p = 1 - |t|/√(2 + t²) = 0.698489, and its 97.5% quantile is 0.95·√(2/(4·0.975·0.025)) = 4.302653,
    so the intercept's 95% CI is ±4.302653·√0.5 = ±3.042435 on the log scale."""
    result = egger_regression(HAND_Y, HAND_SE, method="FE", ci="hksj")
    t = 0.5 / math.sqrt(1.25)
    assert result.statistic == pytest.approx(t) and result.df == 2
    assert result.pvalue == pytest.approx(1 - t / math.sqrt(2 + t * t)) and result.pvalue == pytest.approx(0.698489,
                                                                                                           abs=1e-6)
    quantile = 0.95 * math.sqrt(2 / (4 * 0.975 * 0.025))
    assert math.log(result.limit_ci_high) == pytest.approx(quantile * math.sqrt(0.5))
    assert result.summary("en").startswith("Egger's test (FE, Knapp-Hartung): t(2) = 0.45, p = 0.7; limit")


def test_without_residual_heterogeneity_the_random_effects_regression_is_the_fixed_one():
    """Σw·r² = 1 is below k - 2 = 2, so the DerSimonian-Laird and Paule-Mandel τ² are 0 (truncated)."""
    fixed = egger_regression(HAND_Y, HAND_SE, method="FE")
    for method in ("DL", "PM"):
        result = egger_regression(HAND_Y, HAND_SE, method=method)
        assert result.tau2 == 0 and result.statistic == pytest.approx(fixed.statistic), method


def test_trim_and_fill_of_five_studies_worked_by_hand():
    """Equal SEs (0.2), so every fit is the plain mean; missing studies on the left (given).

    Round 1: mean 0.44; distances (-0.44, -0.34, -0.24, 0.46, 0.56) rank by size 3, 2, 1, 4, 5; the positive ranks
    sum to S = 9, so L0 = (4·9 - 5·6)/(2·5 - 1) = 0.667, rounded to 1. Round 2: the largest (1.0) trimmed, the mean
    of the rest is 0.3; distances (-0.3, -0.2, -0.1, 0.6, 0.7) give the same ranks, S = 9, L0 = 1 again: settled
    after 2 rounds. Filled: 2·0.3 - 1.0 = -0.4 with SE 0.2; the six pooled: 1.8/6 = 0.3 with SE 0.2/√6.
    Var(S) = (5·6·11 + 10·k0³ + 27·k0² + 17·k0 - 18·5·k0² - 18·5·k0 + 6·25·k0)/24 at k0 = 2/3 is 14.845679, so
    SE(L0) = 4·√14.845679/9 = 1.712448. R0: the largest rank below the mean is 3, so R0 = 5 - 3 - 1 = 1 in both
    rounds, with SE √(2·1 + 2) = 2.
    """
    y, se = [0.0, 0.1, 0.2, 0.9, 1.0], [0.2] * 5
    result = trim_and_fill_effects(y, se, ["A", "B", "C", "D", "E"], method="FE", side="left")
    assert (result.k0, result.iterations, result.side, result.side_given) == (1, 2, "left", True)
    assert result.filled["mirror_of"].tolist() == ["E"] and result.filled["log_effect"].iloc[0] == pytest.approx(-0.4)
    assert result.filled["se"].iloc[0] == pytest.approx(0.2)
    assert result.log_estimate == pytest.approx(0.3) and result.se == pytest.approx(0.2 / math.sqrt(6))
    assert result.se_k0 == pytest.approx(1.712448, abs=1e-6)
    assert math.log(result.observed_estimate) == pytest.approx(0.44)
    r0 = trim_and_fill_effects(y, se, method="FE", side="left", estimator="R0")
    assert (r0.k0, r0.se_k0, r0.iterations) == (1, 2.0, 2) and r0.log_estimate == pytest.approx(0.3)
    assert result.summary("en") == ("Trim and fill (L0, FE): 1 study filled on the left; RR 1.55 (95% CI 1.30-1.85) "
                                    "from 5 studies becomes 1.35 (95% CI 1.15-1.58); caution: only 5 studies: the "
                                    "Cochrane Handbook (13.3.5.4) advises tests for funnel plot asymmetry only with "
                                    "at least 10 studies, as with fewer they cannot tell chance from real asymmetry")


def test_the_side_follows_the_sign_of_the_slope():
    """y = SE exactly: slope +1 (small studies higher), so studies are missing on the left; y = -SE: on the right."""
    se = [0.1, 0.2, 0.4, 0.5]
    assert egger_regression(se, se).slope == pytest.approx(1.0)
    assert trim_and_fill_effects(se, se).side == "left"
    assert trim_and_fill_effects([-s for s in se], se).side == "right"


#: The BCG vaccine trials (Colditz et al. 1994): tuberculosis cases and totals, vaccinated vs not.
BCG = [("Aronson 1948", 4, 123, 11, 139), ("Ferguson & Simes 1949", 6, 306, 29, 303),
       ("Rosenthal 1960", 3, 231, 11, 220), ("Hart & Sutherland 1977", 62, 13598, 248, 12867),
       ("Frimodt-Moller 1973", 33, 5069, 47, 5808), ("Stein & Aronson 1953", 180, 1541, 372, 1451),
       ("Vandiviere 1973", 8, 2545, 10, 629), ("TPT Madras 1980", 505, 88391, 499, 88391),
       ("Coetzee & Berjak 1968", 29, 7499, 45, 7277), ("Rosenthal 1961", 17, 1716, 65, 1665),
       ("Comstock 1974", 186, 50634, 141, 27338), ("Comstock & Webster 1969", 5, 2498, 3, 2341),
       ("Comstock 1976", 27, 16913, 29, 17854)]


def test_trim_and_fill_reproduces_the_published_bcg_example():
    """Viechtbauer (2010), J Stat Softw 36(3), p. 31-32: the fixed-effect model of the BCG trials' log risk ratios,
    ``trimfill(res)``: "Estimated number of missing studies on the right side: 4", k = 17, estimate -0.2910,
    se 0.0383, CI -0.3660 to -0.2160 (printed to 4 decimals)."""
    bcg = pd.DataFrame(BCG, columns=["study", "events_treated", "n_treated", "events_control", "n_control"])
    result = trim_and_fill(bcg, "RR", "FE")
    assert (result.k0, result.side, result.k + result.k0) == (4, "right", 17)
    assert result.log_estimate == pytest.approx(-0.2910, abs=5e-5) and result.se == pytest.approx(0.0383, abs=5e-5)
    assert math.log(result.ci_low) == pytest.approx(-0.3660, abs=5e-5)
    assert math.log(result.ci_high) == pytest.approx(-0.2160, abs=5e-5)
    assert result.warnings == ()  # 13 studies: no caution


def test_with_nothing_filled_the_estimate_is_the_meta_analysis():
    """The intercept-only fits are mscteach's own pooling: with k0 = 0, the DerSimonian-Laird estimate of meta_analysis."""
    bcg = pd.DataFrame(BCG, columns=["study", "events_treated", "n_treated", "events_control", "n_control"])
    for method in ("DL", "REML", "PM"):
        result, pooled = trim_and_fill(bcg, method=method, side="left"), meta_analysis(bcg, method=method)
        assert result.k0 == 0 and result.filled.empty, method
        assert result.estimate == pytest.approx(pooled.estimate, rel=1e-8) and result.tau2 == pytest.approx(
            pooled.tau2, rel=1e-6), method
        assert (result.ci_low, result.ci_high) == pytest.approx((pooled.ci_low, pooled.ci_high), rel=1e-8), method
        assert result.summary("en").startswith(f"Trim and fill (L0, {method}): no study missing; RR ")


# --- refusals and warnings ----------------------------------------------------------------------------------------

def few(k: int, **extra: Any) -> pd.DataFrame:
    rows = [(f"s{i}", 3 + i, 40 + 10 * i, 8 + i, 40 + 12 * i) for i in range(k)]
    return pd.DataFrame(rows, columns=["study", "events_treated", "n_treated", "events_control", "n_control"]).assign(
        **extra)


def test_below_ten_studies_both_warn_citing_the_cochrane_handbook_and_from_ten_they_do_not():
    for k, warned in ((3, True), (9, True), (10, False), (12, False)):
        for result in (egger_test(few(k)), trim_and_fill(few(k))):
            caution = [w for w in result.warnings if "Cochrane Handbook (13.3.5.4)" in w]
            assert bool(caution) == warned, (k, type(result).__name__)
            assert ("caution: only" in result.summary("en")) == warned
            if warned:
                assert caution[0].startswith(f"only {k} studies") and "at least 10 studies" in caution[0]


def test_the_pooling_warnings_are_carried():
    table = few(10, disease=["ACLF"] * 5 + ["cirrhosis"] * 5)
    for result in (egger_test(table), trim_and_fill(table)):
        assert any("different diseases" in w for w in result.warnings)


def test_fewer_than_three_informative_studies_are_refused_saying_which_were_left_out():
    table = few(4)
    table.loc[[0, 1], ["events_treated", "events_control"]] = 0
    for function, name in ((egger_test, "Egger's test"), (trim_and_fill, "trim and fill")):
        with pytest.raises(MscteachError, match=rf"{name} needs at least 3 studies with information on the RR; 2 of 4 "
                                                r"given \(left out: s0: no events in either arm; s1: no events"):
            function(table)
    with pytest.raises(MscteachError, match="needs at least 3 studies"):
        egger_regression([0.1, 0.2], [0.1, 0.2])


def test_equal_standard_errors_leave_no_funnel_to_read():
    same = pd.DataFrame([("a", 5, 50, 10, 50), ("b", 5, 50, 10, 50), ("c", 5, 50, 10, 50)],
                        columns=["study", "events_treated", "n_treated", "events_control", "n_control"])
    with pytest.raises(MscteachError, match="no funnel to read"):
        egger_test(same)
    with pytest.raises(MscteachError, match="give side='left' or side='right'"):
        trim_and_fill(same)
    assert trim_and_fill(same, side="left").k0 == 0  # with the side given, the same effects need no filling
    with pytest.raises(MscteachError, match="R0 estimator needs a study below"):
        trim_and_fill_effects([0.5, 0.5, 0.5], [0.2, 0.2, 0.2], side="left", estimator="R0")


@pytest.mark.parametrize("call, kind, value", [
    (lambda: egger_test(few(5), method="ML"), "method", "ML"),
    (lambda: egger_test(few(5), ci="t"), "confidence interval method", "t"),
    (lambda: egger_test(few(5), measure="RD"), "measure", "RD"),
    (lambda: trim_and_fill(few(5), estimator="Q0"), "trim and fill estimator", "Q0"),
    (lambda: trim_and_fill(few(5), side="top"), "side", "top"),
    (lambda: trim_and_fill_effects([0, 1, 2], [1, 2, 3], method="EE"), "method", "EE")])
def test_unknown_names_are_refused_with_the_allowed_ones(call, kind, value):
    with pytest.raises(UnknownNameError) as caught:
        call()
    assert caught.value.kind == kind and caught.value.value == value and caught.value.allowed


def test_impossible_inputs_are_refused_clearly():
    with pytest.raises(MscteachError, match="positive standard errors"):
        egger_regression([0.1, 0.2, 0.3], [0.1, 0.0, 0.2])
    with pytest.raises(MscteachError, match="one standard error per effect"):
        trim_and_fill_effects([0.1, 0.2, 0.3], [0.1, 0.2])
    with pytest.raises(MscteachError, match="one label per study"):
        trim_and_fill_effects([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], ["a", "b"])
    with pytest.raises(MscteachError, match="alpha must be"):
        egger_test(few(5), alpha=1.5)
    with pytest.raises(MscteachError, match="cannot pool rows of different outcomes"):
        egger_test(few(4, outcome=["death", "death", "infection", "death"]))


def test_an_algorithm_that_does_not_settle_is_refused(monkeypatch):
    from mscteach.stats import regression, small_studies

    monkeypatch.setattr(small_studies, "TRIM_AND_FILL_MAX_ITERATIONS", 1)  # the hand example needs 2 rounds
    with pytest.raises(MscteachError, match="trim and fill did not settle in 1 rounds"):
        trim_and_fill_effects([0.0, 0.1, 0.2, 0.9, 1.0], [0.2] * 5, method="FE", side="left")
    monkeypatch.setattr(regression, "REML_MAX_ITERATIONS", 1)  # the τ² routine Egger's test shares
    with pytest.raises(MscteachError, match="REML estimate of tau² did not converge in 1 iterations"):
        egger_regression([0.0, 1.5, -1.0, 2.0, 0.3], [0.1, 0.3, 0.2, 0.5, 0.15], method="REML")


def test_results_are_deterministic_and_frozen():
    first, second = trim_and_fill(few(12)), trim_and_fill(few(12))
    assert first.summary("en") == second.summary("en") and first.filled.equals(second.filled)
    with pytest.raises(AttributeError):
        first.k0 = 3  # type: ignore[misc]


# --- the funnel plot ----------------------------------------------------------------------------------------------

#: Two-sided standard normal quantiles from printed tables: p = 0.10, 0.05, 0.01.
NORMAL_QUANTILES = {0.10: 1.644854, 0.05: 1.959964, 0.01: 2.575829}


def test_the_funnel_plot_draws_every_study_the_filled_ones_and_the_contours():
    from matplotlib.collections import PathCollection
    from matplotlib.patches import Polygon

    from mscteach.display import figure_alt
    from mscteach.plots.funnel import funnel_figure

    dataset = random_dataset(3)  # publication bias: metafor fills 5 on the right (the differential test)
    data = table(dataset)
    filled = trim_and_fill(data, dataset["measure"])
    assert filled.k0 > 0
    fig = funnel_figure(data, filled=filled, measure=dataset["measure"])
    ax = fig.axes[0]
    assert fig.get_figwidth() <= 8.5 and ax.get_title().startswith("Contour-enhanced funnel plot: 30 studies")
    assert ax.get_xscale() == "log" and ax.get_ylim()[0] > ax.get_ylim()[1] == 0  # SE down, 0 at the top
    assert ax.get_xlabel() == "RR (log scale); 1 = no effect" and ax.get_ylabel() == "standard error of the log RR"
    studies = study_effects(data, "RR")
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in points] == [len(studies), filled.k0]
    np.testing.assert_allclose(points[0].get_offsets(), np.column_stack([studies["effect"], studies["se"]]))
    np.testing.assert_allclose(points[1].get_offsets()[:, 0], filled.filled["effect"])
    assert tuple(points[1].get_facecolor()[0]) == (1.0, 1.0, 1.0, 1.0)  # open circles
    top = ax.get_ylim()[0]
    triangles = sorted((p for p in ax.patches if isinstance(p, Polygon) and len(p.get_xy()) >= 3),
                       key=lambda p: -p.get_xy()[0][0])
    for polygon, alpha in zip(triangles, (0.10, 0.05, 0.01)):
        (left, bottom), (apex, zero), (right, _) = polygon.get_xy()[:3]
        assert (apex, zero, bottom) == pytest.approx((1.0, 0.0, top))
        assert (math.log(left), math.log(right)) == pytest.approx(
            (-NORMAL_QUANTILES[alpha] * top, NORMAL_QUANTILES[alpha] * top), rel=1e-6)
    lines = {round(line.get_xdata()[0], 12) for line in ax.get_lines()}
    assert lines == {1.0, round(meta_analysis(data).estimate, 12), round(filled.estimate, 12)}
    assert filled.observed_estimate == pytest.approx(meta_analysis(data).estimate, rel=1e-10)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:4] == ["p > 0.1", "0.05 < p ≤ 0.1", "0.01 < p ≤ 0.05", "p ≤ 0.01"]
    assert "filled in by trim and fill" in legend
    # the alt text counts the studies of each band: each study's own two-sided p-value, erfc(|z|/√2)
    p = [math.erfc(abs(y) / s / math.sqrt(2)) for y, s in zip(studies["log_effect"], studies["se"])]
    bands = [sum(x > 0.1 for x in p), sum(0.05 < x <= 0.1 for x in p), sum(0.01 < x <= 0.05 for x in p),
             sum(x <= 0.01 for x in p)]
    alt = figure_alt(fig)
    assert (f"p > 0.1: {bands[0]}, 0.05 < p ≤ 0.1: {bands[1]}, 0.01 < p ≤ 0.05: {bands[2]}, p ≤ 0.01: {bands[3]}."
            in alt) and sum(bands) == 30
    assert f"filled in {filled.k0} studies on the right, drawn as open circles" in alt
    assert f"the pooled RR is {filled.estimate:.2f} (dotted line)" in alt


def test_the_funnel_plot_takes_a_result_and_fewer_contours():
    from mscteach.plots.funnel import funnel_figure

    result = meta_analysis(few(6), "OR")
    fig = funnel_figure(result, contours=[0.05])
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith("OR") and [t.get_text() for t in ax.get_legend().get_texts()][:2] == \
        ["p > 0.05", "p ≤ 0.05"]
    assert "6 studies" in fig.mscteach_alt and "Dashed line: the pooled OR" in fig.mscteach_alt


def test_the_funnel_plot_says_when_there_is_nothing_to_draw():
    from mscteach.plots.funnel import funnel_figure

    empty = few(3)
    empty[["events_treated", "events_control"]] = 0
    ax = funnel_figure(empty).axes[0]
    assert [t.get_text() for t in ax.texts] == ["No studies with information on the RR"] and ax.get_title()


@pytest.mark.parametrize("contours", [(), (0.1, 0.05, 0.01, 0.001), (0.05, 0.05), (0.0, 0.05), (1.5,), ("a",)])
def test_the_funnel_plot_refuses_impossible_contours(contours):
    from mscteach.errors import ParameterError
    from mscteach.plots.funnel import funnel_figure

    with pytest.raises(ParameterError, match=r"contours must be one to three different significance levels between "
                                             r"0 and 1, e\.g\. \(0\.10, 0\.05, 0\.01\)"):
        funnel_figure(few(5), contours=contours)


def test_the_funnel_plot_refuses_what_it_cannot_draw():
    from mscteach.errors import ParameterError
    from mscteach.plots.funnel import funnel_figure

    with pytest.raises(ParameterError, match="table_or_result must be a table of binary outcomes"):
        funnel_figure([1, 2, 3])
    with pytest.raises(ParameterError, match="filled is a trim and fill of the OR"):
        funnel_figure(few(5), filled=trim_and_fill(few(5), "OR"))


def test_a_tiny_p_value_is_written_as_below_one_in_a_thousand():
    """y = 10·SE with SE = (0.1, 0.2, 0.4, 0.5), w = (100, 25, 6.25, 4): Σw = 135.25, Σw·SE = 19.5, Σw·SE² = 4, so
    the determinant of X'WX is 541 - 380.25 = 160.75 and Var(slope) = 135.25/160.75; the slope is exactly 10, so
    z = 10/√0.841369 = 10.90 and p ≈ 1e-27."""
    se = [0.1, 0.2, 0.4, 0.5]
    result = egger_regression([10 * s for s in se], se, method="FE")
    assert result.statistic == pytest.approx(10 / math.sqrt(135.25 / 160.75))
    assert "z = 10.90, p < 0.001; limit" in result.summary("en")


def test_the_funnel_plot_says_when_trim_and_fill_found_nothing_missing():
    from mscteach.plots.funnel import funnel_figure

    bcg = pd.DataFrame(BCG, columns=["study", "events_treated", "n_treated", "events_control", "n_control"])
    nothing = trim_and_fill(bcg, side="left")
    fig = funnel_figure(bcg, filled=nothing)
    assert nothing.k0 == 0 and "Trim and fill (L0) found no study missing." in fig.mscteach_alt
    assert fig.axes[0].get_title().endswith("filled 0 on the left")
    assert len([c for c in fig.axes[0].collections if c.get_label() == "filled in by trim and fill"]) == 0


def test_the_funnel_plots_lines_come_from_the_trim_and_fills_model():
    """With a fixed-effect trim and fill, the dashed line is the fixed-effect estimate (0.65), not the DL one (0.49)."""
    from mscteach.plots.funnel import funnel_figure

    bcg = pd.DataFrame(BCG, columns=["study", "events_treated", "n_treated", "events_control", "n_control"])
    filled, pooled = trim_and_fill(bcg, method="FE"), meta_analysis(bcg)
    fig = funnel_figure(bcg, filled=filled)
    dashed = [line.get_xdata()[0] for line in fig.axes[0].get_lines() if line.get_linestyle() == "--"]
    assert dashed == [pytest.approx(pooled.fixed_estimate, rel=1e-10)]
    assert f"Dashed line: the pooled RR, {pooled.fixed_estimate:.2f}." in fig.mscteach_alt
    assert round(pooled.fixed_estimate, 2) != round(pooled.estimate, 2)
