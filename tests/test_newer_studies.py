"""data/README.md's "Adding newer studies": a 2026 study citing reference 104, following its steps."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import mscteach

from .conftest import DATA, REPO


def _readme_steps() -> str:
    text = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Adding newer studies"):]


def _append(path: Path, values: dict[str, str]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, fieldnames=header, lineterminator="\n").writerow(values)


def _mscteach(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mscteach", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env={k: v for k, v in os.environ.items() if k != mscteach.ENV_VAR})


def test_a_2026_study_citing_reference_104_follows_the_readme(tmp_path):
    steps = _readme_steps()
    # step 1: copy the folder (the command the README gives)
    assert "`cp -r data my-data`" in steps
    shutil.copytree(DATA, tmp_path / "my-data")
    folder = tmp_path / "my-data"
    # step 3 first, to see that the limits the README names are the ones that stop a newer study
    _append(folder / "references.csv", {
        "ref_id": "104", "authors": "Example A, Example B", "title": "A newer trial", "journal": "Example J",
        "year": "2026", "citation_as_printed": "not in the review",
        "notes": "Added by an instructor (a made-up reference for this test)."})
    _append(folder / "clinical_studies.csv", {
        "study_id": "example2026", "first_author": "Example", "author_as_printed": "Example", "year": "2026",
        "ref_ids": "104", "disease": "ACLF", "cell_type": "UC-MSC", "design": "RCT", "n_total": "200",
        "n_treated": "100", "n_control": "100", "seed_section": "not in the review",
        "notes": "Added by an instructor (made-up values for this test)."})
    blocked = {(p.file, p.field, p.message) for p in mscteach.validate(folder)}
    assert blocked == {
        ("my-data/references.csv", "ref_id", "104 is out of range (maximum 103)"),
        ("my-data/references.csv", "year", "2026 is out of range (maximum 2025)"),
        ("my-data/clinical_studies.csv", "year", "2026 is out of range (maximum 2025)"),
    }
    # step 2: raise exactly the limits the README names
    assert '`references` → `ref_id` → `"maximum": 103`' in steps
    assert "`year` → `\"maximum\": 2025` in `references`, `timeline`, `animal_studies` and\n     `clinical_studies`" in steps
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        for field in resource["schema"]["fields"]:
            if resource["name"] == "references" and field["name"] == "ref_id":
                field["constraints"]["maximum"] = 200
            if field["name"] == "year" and resource["name"] in ("references", "timeline", "animal_studies",
                                                                "clinical_studies"):
                field["constraints"]["maximum"] = 2026
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    # step 4: the command the README gives, run from the folder holding the copy
    assert "`mscteach validate --data my-data`" in steps
    result = _mscteach("validate", "--data", "my-data", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "all tables valid" in result.stdout
    # step 5: the copy is used, and the shipped data is untouched
    trials = mscteach.load("clinical_studies", folder).set_index("study_id")
    assert trials.loc["example2026", "ref_ids"] == [104] and trials.loc["example2026", "year"] == 2026
    assert mscteach.cite(104, folder).startswith("[104] Example A, Example B. A newer trial.")
    assert "example2026" not in set(mscteach.load("clinical_studies")["study_id"])
