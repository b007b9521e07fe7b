"""`mscteach build` of the course site: cold, warm (nothing changed) and with one chapter edited.

Goals (issue "A real course website"): a cold build (execute + render) <= 0.8 x (7 papermill runs of a
floor notebook, the least any chapter costs: it only imports pandas, seaborn, ipywidgets and mscteach);
a warm rebuild <= 0.1 x the cold build; a rebuild after editing one chapter <= 0.35 x the cold build.
All figures come from one run on the same machine.
Run: python benchmarks/build_collection.py [--jobs N]
"""
import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from _common import report, time_command

parser = argparse.ArgumentParser()
parser.add_argument("--jobs", type=int, default=2)
jobs = parser.parse_args().jobs
chapters = Path(__file__).resolve().parent.parent / "notebooks"

with tempfile.TemporaryDirectory() as tmp:
    floor = Path(tmp) / "floor.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("import pandas, seaborn, ipywidgets, mscteach")],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}), str(floor))
    papermill = [sys.executable, "-m", "papermill", "--no-progress-bar", str(floor), str(Path(tmp) / "out.ipynb")]
    baseline = 7 * time_command(papermill)
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
report(f"cold build of the site (8 notebooks, --jobs {jobs}) vs 7 x papermill floor notebook", cold, baseline,
       goal=0.8)
report("warm rebuild, nothing changed, vs the cold build", warm, cold, goal=0.1)
report("rebuild after editing one chapter vs the cold build", edited, cold, goal=0.35)
