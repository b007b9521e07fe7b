"""Evidence synthesis beyond the basics, against published results (never our own output).

Sources of the expected values:
- metafor's README (github.com/wviechtb/metafor, README.md): BCG log risk ratios, REML, test="knha":
  estimate -0.7145, se 0.1808, CI -1.1084 to -0.3206, tau^2 0.3132, Q(12) = 152.2330.
- statsmodels' stats/tests/results/results_meta.py, computed with metafor: Kacker (2004) example,
  rma(y, v, method="DL", test="knha"): b 62.3901386044504, se 0.29477605699879,
  ci 61.710383798052 to 63.0698934108488, tau^2 0.288049246973751.
- metafor's tests/testthat/test_misc_metan_vs_rma.uni_with_dat.bcg.r (checked against Stata metan):
  BCG, DL: beta -0.7141, CI -1.0644 to -0.3638, tau^2 0.3088; the prediction interval is then
  computed here by hand with Higgins, Thompson & Spiegelhalter's (2009) formula.
- metafor's tests/testthat/test_misc_cumul.r: cumul(rma(REML), order=year) estimates for BCG.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from mscteach import MscteachError, stats
from mscteach.datasets import bcg


@pytest.fixture(scope="module")
def trials():
    return bcg.load()


def test_hksj_with_reml_matches_metafor_on_the_bcg_data(trials):
    result = stats.meta_analysis(trials, "RR", "REML", ci="hksj")
    assert result.log_estimate == pytest.approx(-0.7145, abs=1e-4)
    assert result.se == pytest.approx(0.1808, abs=1e-4)
    assert math.log(result.ci_low) == pytest.approx(-1.1084, abs=1e-4)
    assert math.log(result.ci_high) == pytest.approx(-0.3206, abs=1e-4)
    assert result.tau2 == pytest.approx(0.3132, abs=1e-4)
    assert result.q == pytest.approx(152.2330, abs=1e-4)
    assert result.ci_method == "hksj" and "HKSJ" in result.summary()


def test_hksj_with_dl_matches_metafor_on_kacker_2004():
    y = [61.0, 61.4, 62.21, 62.3, 62.34, 62.6, 62.7, 62.84, 65.9]
    v = [0.2025, 1.2100, 0.0900, 0.2025, 0.3844, 0.5625, 0.0676, 0.0225, 1.8225]
    pooled = stats.pool(y, v, "DL", "hksj")
    assert pooled["mu"] == pytest.approx(62.3901386044504, abs=1e-8)
    assert pooled["se_ci"] == pytest.approx(0.29477605699879, abs=1e-8)
    assert pooled["ci_low"] == pytest.approx(61.710383798052, abs=1e-8)
    assert pooled["ci_high"] == pytest.approx(63.0698934108488, abs=1e-8)
    assert pooled["tau2"] == pytest.approx(0.288049246973751, abs=1e-8)


def test_the_prediction_interval_is_higgins_2009_computed_by_hand(trials):
    # metafor/metan's DL results for BCG, then Higgins et al.'s formula: mu +- t(k-2) * sqrt(tau^2 + SE^2)
    mu, low, high, tau2, k = -0.7141, -1.0644, -0.3638, 0.3088, 13
    se = (high - low) / (2 * scipy_stats.norm.ppf(0.975))
    half = scipy_stats.t.ppf(0.975, k - 2) * math.sqrt(tau2 + se ** 2)
    result = stats.meta_analysis(trials, "RR", "DL")
    assert result.pi_low == pytest.approx(math.exp(mu - half), rel=1e-3)
    assert result.pi_high == pytest.approx(math.exp(mu + half), rel=1e-3)
    assert (round(result.pi_low, 2), round(result.pi_high, 2)) == (0.14, 1.77)
    assert "95% prediction interval 0.14-1.77" in result.summary()


def test_no_prediction_interval_from_fewer_than_three_studies(trials):
    result = stats.meta_analysis(trials.iloc[:2], "RR", "DL")
    assert result.pooled and math.isnan(result.pi_low) and math.isnan(result.pi_high)
    assert "prediction" not in result.summary()


def test_cumulative_meta_analysis_matches_metafors_cumul(trials):
    expected = [-0.889311, -1.325003, -0.97208, -1.001094, -1.101424, -0.973464, -0.901251, -0.788566,
                -0.865607, -0.785211, -0.708206, -0.794768, -0.714532]
    cumulative = stats.cumulative_meta_analysis(trials, order="year", method="REML")
    assert np.log(cumulative["estimate"].astype(float)).tolist() == pytest.approx(expected, abs=1e-5)
    assert cumulative["study"].iloc[0] == "Aronson 1948" and cumulative["k"].tolist() == list(range(1, 14))
    assert cumulative["year"].is_monotonic_increasing


@pytest.mark.parametrize("call, message", [
    (lambda t: stats.meta_analysis(t, ci="t"), "unknown confidence interval method 't'"),
    (lambda t: stats.cumulative_meta_analysis(t, order="published"), "cannot order studies by 'published'"),
    (lambda t: stats.pool([0.1], [0.01]), "pooling needs two or more estimates"),
])
def test_bad_requests_are_named(trials, call, message):
    with pytest.raises(MscteachError, match=message):
        call(trials)


def test_the_summary_states_the_confidence_level_that_was_asked_for(trials):
    """Found in the restructuring review: alpha 0.5 printed "95% CI" beside a 50% interval."""
    wide = stats.meta_analysis(trials, "RR", "DL", alpha=0.05)
    narrow = stats.meta_analysis(trials, "RR", "DL", alpha=0.5)
    assert "(95% CI " in wide.summary("en") and "95% prediction interval" in wide.summary("en")
    line = narrow.summary("en")
    assert f"(50% CI {narrow.ci_low:.2f}-{narrow.ci_high:.2f})" in line and "; 50% prediction interval" in line
    assert "95%" not in line
    # a 50% interval is the 95% one shrunk by z(0.75)/z(0.975) = 0.6745/1.9600 on the log scale
    ratio = (np.log(narrow.ci_high) - np.log(narrow.ci_low)) / (np.log(wide.ci_high) - np.log(wide.ci_low))
    assert ratio == pytest.approx(0.67449 / 1.95996, rel=1e-4)
    assert "۵۰٪" in narrow.summary("fa") and "۹۵" not in narrow.summary("fa")
