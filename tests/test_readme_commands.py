"""Every `mscteach …` and `papermill …` command the READMEs show runs, so the docs cannot drift.

The commands are read from README.md, data/README.md and exercises/README.md (```bash blocks and inline
code), and run in document order, as a reader would type them, in a copy of the repository (so that
`mscteach build --in-place` or `mscteach exercises generate` change the copy, not the checkout).
Excepted: commands that start a server (`mscteach lab`, `voila`), and the README's two set-up lines, which
are what CI itself runs.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

# data/README.md first: README.md refers to the "my-data" copy its steps make
READMES = ["data/README.md", "README.md", "exercises/README.md"]
SERVERS = ("mscteach lab", "mscteach voila", "voila")


def readme_commands(readme: str) -> list[str]:
    """The commands a README shows, in order: lines of ```bash blocks and inline code that run mscteach/papermill."""
    text = (REPO / readme).read_text(encoding="utf-8")
    found: list[tuple[int, str]] = []
    for block in re.finditer(r"```bash\n(.*?)```", text, re.S):
        for offset, line in enumerate(block.group(1).splitlines()):
            found.append((block.start(1) + offset, line.split("  #")[0].strip()))
    for span in re.finditer(r"`([^`\n]+)`", text):
        found.append((span.start(), span.group(1).strip()))
    commands = []
    for _, command in sorted(found):
        runs = re.match(r"^(?:[A-Z_]+=\S+ )?(?:mscteach|papermill)(?: |$)|^cp -r ", command)
        if not runs or command in ("mscteach", "papermill") or "pip install" in command or command.startswith(SERVERS):
            continue
        if command not in commands:
            commands.append(command)
    return commands


def test_the_readmes_show_the_commands_this_test_runs():
    shown = {readme: readme_commands(readme) for readme in READMES}
    assert "mscteach build -p disease ACLF" in shown["README.md"]
    assert "papermill reports/evidence_brief.ipynb brief.ipynb -p disease ACLF -p cell_type UC-MSC" in shown["README.md"]
    assert "mscteach --data my-data report --disease ACLF -o briefs/aclf.html" in shown["data/README.md"]
    assert "mscteach registry import ctg-studies.json ictrp-export.csv --data liver-course/data" in \
        shown["data/README.md"]
    assert "mscteach exercises grade ch06_clinical_trials submissions/*.ipynb -o scores.csv" in \
        shown["exercises/README.md"]
    assert not [c for cs in shown.values() for c in cs if c.startswith(SERVERS) or "pip install" in c]


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """A copy of the repository whose mscteach (and every kernel's) is the copy's own, on PATH as `mscteach`."""
    root = tmp_path_factory.mktemp("readme") / "repo"
    anywhere = shutil.ignore_patterns(".git", ".venv", "_build", "__pycache__", ".pytest_cache", "test-artifacts",
                                      "*.egg-info", "_data")
    at_the_top = {"site", "briefs"}  # outputs of earlier runs; mscteach/site/ is the package, and stays

    def ignore(folder: str, names: list[str]) -> set[str]:
        return set(anywhere(folder, names)) | (at_the_top & set(names) if Path(folder) == REPO else set())

    shutil.copytree(REPO, root, ignore=ignore)
    shim = root.parent / "bin"
    shim.mkdir()
    launcher = shim / "mscteach"
    launcher.write_text(f"#!{sys.executable}\nimport sys\nfrom mscteach.cli import main\nsys.exit(main())\n")
    launcher.chmod(launcher.stat().st_mode | stat.S_IEXEC)
    # what the READMEs assume a reader has: a grid file and a folder of submissions
    (root / "class.csv").write_text("disease,design\nACLF,RCT\ncirrhosis,\n", encoding="utf-8")
    (root / "submissions").mkdir()
    shutil.copy(root / "exercises" / "autograder" / "ch06_clinical_trials" / "ch06_clinical_trials.ipynb",
                root / "submissions" / "student-a.ipynb")
    (root / "roster.csv").write_text("file,student_id,name\nstudent-a.ipynb,s001,Ada Student\n", encoding="utf-8")
    # registry exports as a reader downloads them (the synthetic test exports under the names the READMEs use)
    exports = root / "tests" / "fixtures" / "registry"
    for source, name in (("synthetic-ctgov-2026-01.json", "ctg-studies.json"),
                         ("synthetic-ictrp-2026-01.csv", "ictrp-export.csv"),
                         ("synthetic-ctgov-2026-06.json", "ctg-studies-june.json")):
        shutil.copy(exports / source, root / name)
    return root


def _run(command: str, root: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("MSCTEACH_DATA_DIR", "PYTHONPATH")}
    env["PYTHONPATH"] = str(root)
    env["PATH"] = os.pathsep.join([str(root.parent / "bin"), str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
@pytest.mark.parametrize("readme", READMES)
def test_every_command_in_the_readme_runs(readme, copy):
    commands = readme_commands(readme)
    assert commands
    for command in commands:
        result = _run(command, copy)
        assert result.returncode == 0, (command, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, (command, result.stderr[-2000:])
    if readme == "README.md":
        # `mscteach build -p disease ACLF` focused the clinical chapters (its last build wrote _build/site)
        page = (copy / "site" / "06_clinical_trials.html").read_text(encoding="utf-8")
        assert "Lin 2017" in page
        assert (copy / "briefs" / "aclf-uc.html").is_file() and (copy / "briefs" / "aclf-uc.json").is_file()
    if readme == "data/README.md":
        assert (copy / "briefs" / "aclf.html").is_file()
        # the registry workflow: two imports logged, a brief listing the adipose-MSC trial, a chapter section
        log = (copy / "liver-course" / "data" / "registry_imports.csv").read_text(encoding="utf-8").splitlines()
        # JSON 6 records + ICTRP 3: ICTRP's copy of NCT90000003 removed, 3 excluded, 5 included
        assert len(log) == 3 and log[1].split(",")[3:7] == ["9", "1", "3", "5"]
        assert "NCT90000002" in (copy / "briefs" / "cirrhosis-ad.json").read_text(encoding="utf-8")
        assert "6 registered trials" in (copy / "liver-course" / "_build" / "site" / "06_clinical_trials.html") \
            .read_text(encoding="utf-8")  # the five of January and NCT90000008
    if readme == "exercises/README.md":
        assert "student-a.ipynb" in (copy / "scores.csv").read_text(encoding="utf-8")
        assert "Ada Student,s001,,,,5" in (copy / "canvas.csv").read_text(encoding="utf-8")
        assert (copy / "my-course" / "mscteach-workspace.json").is_file()
        assert (copy / "teacher-course" / "exercises" / "masters").is_dir()
