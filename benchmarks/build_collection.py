"""`mscteach build` of the course site: cold, warm (nothing changed) and with one chapter edited.

Goals: a cold build (execute + render, the explorers' static views included) <= 0.7 x (7 papermill runs of
a floor notebook, the least any chapter costs: it only imports pandas, seaborn, ipywidgets and mscteach;
issue 27; it was 0.8 in the issue "A real course website"); a warm rebuild <= 0.1 x the cold build; a
rebuild after editing one chapter <= 0.35 x the cold build. All figures come from one run on the same
machine; the floor notebook's run is the median of --floor-runs runs, and the machine's load average is
printed at the start and the end (the build runs --jobs chapters at once, the floor one at a time).
Run: python benchmarks/build_collection.py [--jobs N] [--floor-runs N]
"""
import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from _common import report, time_command

parser = argparse.ArgumentParser()
parser.add_argument("--jobs", type=int, default=2)
parser.add_argument("--floor-runs", type=int, default=3)
args = parser.parse_args()
jobs = args.jobs
chapters = Path(__file__).resolve().parent.parent / "notebooks"

with tempfile.TemporaryDirectory() as tmp:
    floor = Path(tmp) / "floor.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import pandas, seaborn, ipywidgets, mscteach")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}), str(floor))
    papermill = [sys.executable, "-m", "papermill", "--no-progress-bar", str(floor), str(Path(tmp) / "out.ipynb")]
    print(f"load average at the start: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} CPUs)")
    baseline = 7 * time_command(papermill, repeat=args.floor_runs)
    folder = Path(tmp) / "notebooks"
    shutil.copytree(chapters, folder)
    build = [sys.executable, "-m", "mscteach", "build", "--no-progress", "--jobs", str(jobs), "--notebooks",
             str(folder), "--out", str(Path(tmp) / "site")]
    cold = time_command(build)
    warm = time_command(build)
    chapter = folder / "04_fibrosis.ipynb"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("## An imbalance", "## An imbalance (edited)"),
                       encoding="utf-8")
    edited = time_command(build)
print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
report(f"cold build of the site (8 notebooks, --jobs {jobs}) vs 7 x papermill floor notebook", cold, baseline,
       goal=0.7)
report("warm rebuild, nothing changed, vs the cold build", warm, cold, goal=0.1)
report("rebuild after editing one chapter vs the cold build", edited, cold, goal=0.35)
