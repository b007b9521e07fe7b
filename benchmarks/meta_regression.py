"""Meta-regression of 1,000 simulated studies on two moderators, timed (REML and DL), and checked against metafor.

Run: python benchmarks/meta_regression.py
Prints the median seconds of ``stats.meta_regression`` (table of counts in, result out: each study's effect,
the design matrix, τ², the tests, R²) on 1,000 seeded studies with a continuous and a three-level categorical
moderator, for REML and DL (z intervals), the REML iterations' cost over DL, and, when Rscript with metafor and
jsonlite is installed, the seconds of metafor's ``rma(yi, vi, mods = ~ x + factor(g))`` on the same studies (one
Rscript call, R's start included) and the largest difference between the two sets of coefficients.
"""
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mscteach import stats  # noqa: E402
from tests.test_metafor_agreement import oracle_missing  # noqa: E402

K, REPEAT, SEED = 1000, 5, 25

R_CODE = """
suppressPackageStartupMessages(library(metafor))
d <- read.csv(commandArgs(trailingOnly = TRUE)[[1]])
dat <- escalc(measure = "RR", ai = events_treated, n1i = n_treated, ci = events_control, n2i = n_control, data = d,
              add = 1/2, to = "only0", drop00 = TRUE)
control <- list(threshold = 1e-12, maxiter = 10000)
for (method in c("REML", "DL")) {
  seconds <- system.time(fit <- rma(yi, vi, mods = ~ x + factor(g), data = dat, method = method,
                                    control = control))[["elapsed"]]
  cat(method, seconds, format(c(fit$tau2, as.numeric(fit$beta)), digits = 17), "\\n")  # cat alone: 7 digits
}
"""


def simulated(k: int = K) -> pd.DataFrame:
    """``k`` seeded two-arm studies whose log RR depends on ``x`` and ``g``, with τ = 0.3 around the line."""
    rng = np.random.default_rng(SEED)
    x = rng.normal(30, 12, k)
    g = rng.choice(["alpha", "beta", "gamma"], k)
    log_rr = -0.2 - 0.02 * (x - 30) + np.where(g == "beta", 0.3, 0.0) + rng.normal(0, 0.3, k)
    p0 = rng.uniform(0.1, 0.4, k)
    n1, n2 = rng.integers(30, 400, k), rng.integers(30, 400, k)
    return pd.DataFrame({"study": [f"study {i + 1}" for i in range(k)],
                         "events_treated": rng.binomial(n1, np.minimum(p0 * np.exp(log_rr), 0.95)), "n_treated": n1,
                         "events_control": rng.binomial(n2, p0), "n_control": n2, "x": x.round(2), "g": g})


def timed(table: pd.DataFrame, method: str) -> tuple[float, stats.MetaRegressionResult]:
    times, result = [], None
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = stats.meta_regression(table, ["x", "g"], "RR", method)
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


table = simulated()
stats.meta_regression(table.iloc[:20], ["x", "g"])  # imports (scipy, statsmodels) out of the timing
ours = {}
for method in ("REML", "DL"):
    seconds, result = timed(table, method)
    ours[method] = result
    print(f"meta_regression, {K} studies, x + g (4 coefficients), {method}: {seconds:.3f} s "
          f"(median of {REPEAT}); tau2 {result.tau2:.6f}, R2 {result.r2:.1f}%, QM {result.qm:.1f}")
reason = oracle_missing()
if reason:
    sys.exit(f"metafor not compared: {reason}")
with tempfile.TemporaryDirectory() as folder:
    data, script = Path(folder) / "studies.csv", Path(folder) / "fit.R"
    table.to_csv(data, index=False)
    script.write_text(R_CODE, encoding="utf-8")
    start = time.perf_counter()
    printed = subprocess.run(["Rscript", str(script), str(data)], check=True, capture_output=True, text=True).stdout
    r_seconds = time.perf_counter() - start
for line in printed.splitlines():
    method, seconds, tau2, *beta = line.split()
    gap = np.max(np.abs(ours[method].coefficients["estimate"].to_numpy() - np.array(beta, float)))
    print(f"metafor rma(), {method}: {float(seconds):.3f} s in R; tau2 {float(tau2):.6f}; "
          f"largest coefficient difference {gap:.1e}")
print(f"the one Rscript call (R's start and both fits): {r_seconds:.2f} s")
