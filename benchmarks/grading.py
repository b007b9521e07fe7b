"""Grade 30 honest submissions of one exercise set with --jobs 2, each in its sandbox.

Goal (issue "Grading a class with hostile students"): at most 150 s for the 30 on a 2-core machine
(the otter-run grader took 295-318 s), with the isolation the machine gives (the gradebook's isolation
column is printed: a faster run without the sandbox does not count). Prints seconds per submission.
Run: python benchmarks/grading.py [EXERCISE_SET]
"""
import csv
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parent.parent
SET = sys.argv[1] if len(sys.argv) > 1 else "ch06_clinical_trials"
COUNT = 30
GOAL = 150.0

solution = REPO / "exercises" / "autograder" / SET / f"{SET}.ipynb"
with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp)
    files = []
    for i in range(COUNT):  # honest work: the solution, every third student with one value wrong
        nb = nbformat.read(str(solution), as_version=4)
        if i % 3 == 2:
            code = [c for c in nb.cells if c.cell_type == "code" and "# SOLUTION" in c.source]
            code[0].source = code[0].source.replace("# SOLUTION", "# SOLUTION (off by one)").replace(" = ", " = 1 + ", 1)
        path = folder / f"student-{i:02d}.ipynb"
        nbformat.write(nb, str(path))
        files.append(str(path))
    book = folder / "grades.csv"
    import subprocess

    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "grade", SET, *files, "--jobs", "2",
                             "--csv", str(book), "--no-progress"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    with book.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    graded = sum(r["status"] == "graded" for r in rows)
    isolation = {r["isolation"] for r in rows}
    totals = sorted({r["total"] for r in rows})
    spread = ", ".join(f"{sum(r['total'] == t for r in rows)} scored {t}" for t in totals)
print(f"grading {COUNT} submissions of {SET} with --jobs 2: {elapsed:.1f} s, {elapsed / COUNT:.2f} s per "
      f"submission ({graded} graded; goal <= {GOAL:.0f} s: {'met' if elapsed <= GOAL else 'NOT met'})")
print(f"marks: {spread} (expected: 20 scored 5, 10 scored 4.5)")
print(f"isolation: {'; '.join(sorted(isolation))}")
if result.returncode != 0:
    print(result.stderr[-2000:])
