"""The differential comparison with metafor (tests/test_metafor_agreement.py), timed: mscteach's side and R's.

Run: python benchmarks/metafor_agreement.py   (needs Rscript with metafor and jsonlite:
apt-get install r-base-core r-cran-metafor r-cran-jsonlite)
Prints the seconds mscteach takes for the whole batch (study effects, DL/REML/PM x z/HKSJ, and the
cumulative and leave-one-out analyses of every tenth dataset) and the seconds of the one Rscript call
(R's start and metafor's loading included), then how many datasets agreed on the pooled estimate.
"""
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.test_metafor_agreement import (CIS, all_datasets, oracle_missing, run_metafor,  # noqa: E402
                                          run_mscteach)

reason = oracle_missing()
if reason:
    sys.exit(f"cannot run the comparison: {reason}")
datasets = all_datasets()
start = time.perf_counter()
ours = [run_mscteach(d) for d in datasets]
mscteach_seconds = time.perf_counter() - start
with tempfile.TemporaryDirectory() as folder:
    start = time.perf_counter()
    theirs = run_metafor(datasets, Path(folder))["results"]
    r_seconds = time.perf_counter() - start
agreed = sum(all(math.isclose(o["fits"][m, c].log_estimate, t["fits"][f"{m} {CIS[c]}"]["estimate"], abs_tol=1e-8)
                 for m, c in o["fits"] if t["fits"][f"{m} {CIS[c]}"].get("k", 0) >= 2 and o["fits"][m, c].pooled)
             for o, t in zip(ours, theirs))
print(f"{len(datasets)} datasets: mscteach {mscteach_seconds:.2f} s, metafor (one Rscript call) {r_seconds:.2f} s; "
      f"pooled estimates agreeing to 1e-8 in {agreed} of {len(datasets)}")
