"""`mscteach build` of the whole collection against 7 papermill runs of a floor notebook (goal: ratio <= 0.7).

The floor notebook only imports pandas, seaborn, ipywidgets and mscteach: the least any chapter costs.
Run: python benchmarks/build_collection.py [--jobs N]
"""
import argparse
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from _common import report, time_command

parser = argparse.ArgumentParser()
parser.add_argument("--jobs", type=int, default=2)
jobs = parser.parse_args().jobs

with tempfile.TemporaryDirectory() as tmp:
    floor = Path(tmp) / "floor.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import pandas, seaborn, ipywidgets, mscteach")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}), str(floor))
    papermill = [sys.executable, "-m", "papermill", "--no-progress-bar", str(floor), str(Path(tmp) / "out.ipynb")]
    one = time_command(papermill)
    baseline = 7 * one
    ours = time_command([sys.executable, "-m", "mscteach", "build", "--no-progress", "--jobs", str(jobs),
                         "--out", str(Path(tmp) / "site")])
report(f"mscteach build (8 notebooks, --jobs {jobs}) vs 7 x papermill floor notebook", ours, baseline, goal=0.7)
