"""A batch of 8 evidence briefs with --jobs 2 against 8 sequential papermill runs of the same template.

Goal (issue "Evidence synthesis ..."): the batch with PDF (one headless Chromium prints all eight) stays
<= 0.8 x the 8 sequential papermill runs. The same batch in Persian (--lang fa: headings translated, the
font inside every page) costs at most 1.25 x the English one. Run: python benchmarks/report_batch.py
"""
import sys
import tempfile
from pathlib import Path

from _common import report, time_command

REPO = Path(__file__).resolve().parent.parent
DISEASES = ["all", "cirrhosis", "ACLF", "liver failure", "NAFLD", "autoimmune hepatitis",
            "ACLF and chronic liver disease"]
GRID = [{"disease": d} for d in DISEASES] + [{"disease": "ACLF", "cell_type": "UC-MSC"}]

with tempfile.TemporaryDirectory() as tmp:
    grid = Path(tmp) / "grid.csv"
    grid.write_text("disease,cell_type\n" + "".join(f"{g['disease']},{g.get('cell_type', '')}\n" for g in GRID))
    ours = time_command([sys.executable, "-m", "mscteach", "report", "--no-progress", "--grid", str(grid),
                         "--jobs", "2", "-o", str(Path(tmp) / "briefs")])
    with_pdf = time_command([sys.executable, "-m", "mscteach", "report", "--no-progress", "--grid", str(grid),
                             "--jobs", "2", "--format", "html,pdf,json", "-o", str(Path(tmp) / "printed")])
    persian = time_command([sys.executable, "-m", "mscteach", "report", "--no-progress", "--grid", str(grid),
                            "--jobs", "2", "--lang", "fa", "-o", str(Path(tmp) / "persian")])
    template = REPO / "reports" / "evidence_brief.ipynb"
    baseline = 0.0
    for i, params in enumerate(GRID):
        args = [arg for name, value in params.items() for arg in ("-p", name, value)]
        baseline += time_command([sys.executable, "-m", "papermill", "--no-progress-bar", str(template),
                                  str(Path(tmp) / f"run{i}.ipynb"), *args])
report("8 briefs, mscteach report --jobs 2 (HTML + JSON) vs 8 sequential papermill runs (notebook only)",
       ours, baseline, goal=None)
report("8 briefs with PDF, mscteach report --jobs 2 --format html,pdf,json vs 8 sequential papermill runs",
       with_pdf, baseline, goal=0.8)
report("8 briefs in Persian, mscteach report --jobs 2 --lang fa vs the same in English", persian, ours, goal=1.25)
