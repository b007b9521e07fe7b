"""What the differential tests against metafor (R) share: the oracle call, the CI rule, tolerances, mismatches.

Each test module has its own oracle script (``tests/metafor_*oracle.R``, which source ``tests/metafor_common.R``) and
its own seeded datasets; all of a module's datasets go to one ``Rscript`` call, JSON in and JSON out
(:func:`start_oracle`, :func:`finish_oracle`). Without R, metafor and jsonlite the comparisons are skipped, saying
why (:func:`skip_without_oracle`), except where CI is set: there each module's
``test_the_oracle_cannot_be_missing_in_ci`` fails (:func:`check_oracle_in_ci`). metafor is never a runtime
dependency of mscteach.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mscteach import MscteachError

#: Closed forms (fixed effect, DL, HKSJ, Q): relative and absolute tolerance.
CLOSED_FORM_TOLERANCE = 1e-9
#: REML, ML (Fisher scoring / fixed point) and PM (root finding): both sides iterate to ~1e-12 and agree to ~1e-10.
ITERATIVE_TOLERANCE = 1e-8
#: mscteach's ``ci`` and metafor's ``test`` of the same interval.
CIS = {"z": "z", "hksj": "knha"}


def oracle_missing() -> str | None:
    """Why the oracle cannot run here (no Rscript, or no metafor/jsonlite), or None when it can."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "Rscript is not installed (apt-get install r-base-core r-cran-metafor r-cran-jsonlite)"
    check = subprocess.run([rscript, "-e", "library(metafor); library(jsonlite)"], capture_output=True, text=True)
    if check.returncode != 0:
        return (f"R cannot load metafor and jsonlite (apt-get install r-cran-metafor r-cran-jsonlite): "
                f"{check.stderr.strip()[-300:]}")
    return None


def skip_without_oracle() -> None:
    """Skip the calling test or fixture, saying why, where the oracle cannot run."""
    reason = oracle_missing()
    if reason:
        pytest.skip(f"the metafor oracle is missing: {reason}")


def check_oracle_in_ci() -> None:
    """CI must run the differential tests: with CI set, a missing Rscript or metafor is a failure, not a skip."""
    reason = oracle_missing()
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI is set but the metafor oracle is missing, so the agreement tests would be skipped: {reason}")
    skip_without_oracle()


def start_oracle(script: Path, datasets: list[dict[str, Any]],
                 folder: Path) -> tuple[subprocess.Popen, Path, list[str]]:
    """Start the one Rscript call that answers for every dataset (it runs while mscteach computes its side)."""
    inp, out = folder / "datasets.json", folder / "metafor.json"
    inp.write_text(json.dumps({"datasets": datasets}), encoding="utf-8")
    process = subprocess.Popen(["Rscript", str(script), str(inp), str(out)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    return process, out, [d["id"] for d in datasets]


def finish_oracle(started: tuple[subprocess.Popen, Path, list[str]]) -> dict[str, Any]:
    """metafor's answers, once its Rscript call has finished (a failure shows R's error), one per dataset in order."""
    process, out, ids = started
    _, stderr = process.communicate()
    assert process.returncode == 0, f"the metafor oracle failed:\n{stderr[-2000:]}"
    answers = json.loads(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in answers["results"]] == ids
    return answers


def run_oracle(script: Path, datasets: list[dict[str, Any]], folder: Path) -> dict[str, Any]:
    """metafor's answers for every dataset, from one Rscript call."""
    return finish_oracle(start_oracle(script, datasets, folder))


def side_by_side(script: Path, datasets: list[dict[str, Any]], run_mscteach: Callable[[dict[str, Any]], Any],
                 folder: Path) -> list[tuple[dict[str, Any], dict[str, Any], Any]]:
    """Each dataset with metafor's answers and mscteach's (R runs while mscteach computes); skipped without R."""
    skip_without_oracle()
    started = start_oracle(script, datasets, folder)
    ours = [run_mscteach(d) for d in datasets]
    return list(zip(datasets, finish_oracle(started)["results"], ours))


def tolerance(method: str, iterative: float = ITERATIVE_TOLERANCE) -> float:
    """The tolerance of a comparison of ``method``'s results: ``iterative`` for REML, ML and PM."""
    return iterative if method in ("REML", "ML", "PM") else CLOSED_FORM_TOLERANCE


def binary_table(dataset: dict[str, Any]) -> pd.DataFrame:
    """A dataset of two-arm binary outcomes (``e1``, ``n1``, ``e2``, ``n2``) as the table mscteach takes."""
    k = len(dataset["e1"])
    return pd.DataFrame({"study": [f"s{i + 1}" for i in range(k)], "events_treated": dataset["e1"],
                         "n_treated": dataset["n1"], "events_control": dataset["e2"], "n_control": dataset["n2"]})


def attempt(function, *args, **kwargs) -> Any:
    """The result, or the MscteachError raised (kept to compare with metafor's refusals)."""
    try:
        return function(*args, **kwargs)
    except MscteachError as error:
        return error


def nan(x: Any) -> float:
    """JSON null (R's NA) as NaN."""
    return float("nan") if x is None else float(x)


class Mismatches(list):
    """Disagreements collected over all datasets, so one failure shows them all."""

    def check(self, where: str, ours: float, theirs: Any, tol: float) -> None:
        theirs = nan(theirs)
        both_nan = math.isnan(ours) and math.isnan(theirs)
        if not both_nan and not math.isclose(ours, theirs, rel_tol=tol, abs_tol=tol):
            self.append(f"{where}: mscteach {ours!r}, metafor {theirs!r}")

    def check_step(self, where: str, row: pd.Series, theirs: dict[str, list[Any]], i: int, method: str,
                   tol: float) -> None:
        """One pooled step of a sensitivity analysis (cumulative or leave-one-out) against metafor's row ``i``;
        I² only for DL (metafor's I² of REML and PM is another definition: see test_metafor_agreement.py)."""
        for name in ("estimate", "ci_low", "ci_high"):
            self.check(f"{where} {name}", math.log(row[name]), theirs[name][i], tol)
        self.check(f"{where} tau2", row["tau2"], theirs["tau2"][i], tol)
        if method == "DL":
            self.check(f"{where} i2", row["i2"], theirs["i2"][i], tol)

    def verdict(self) -> None:
        assert not self, f"{len(self)} disagreements with metafor:\n" + "\n".join(self[:30])
