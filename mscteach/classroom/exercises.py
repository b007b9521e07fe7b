"""Exercise sets: generate student and autograder versions with otter-grader, and grade submissions.

The master notebooks in ``exercises/masters/`` are in Otter Assign's format
(solutions, public tests and hidden tests side by side). :func:`generate`
runs ``otter assign`` on each and writes

* ``exercises/student/<set>/`` — the notebook students get (answers blanked,
  ``grader.check("qN")`` after each answer) with its public tests;
* ``exercises/autograder/<set>/`` — the solution notebook with all tests,
  public and hidden, for grading.

:mod:`mscteach.classroom.grading` grades a class's submissions.
"""
from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import MscteachError

__all__ = ["exercise_dir", "exercise_sets", "generate", "out_of_date"]



def exercise_dir() -> Path:
    """The ``exercises/`` folder: the workspace's, the installed copy (student versions only), or the checkout's.

    Returns
    -------
    Path

    Raises
    ------
    MscteachError
        If no exercises folder is found (see :func:`mscteach.resources.course_folder`).
    """
    from ..resources import course_folder

    return course_folder("exercises")


def exercise_sets(root: Path | None = None) -> list[str]:
    """Names of the exercise sets, e.g. ``['ch01_history', ...]``, in chapter order.

    Parameters
    ----------
    root : Path, optional
        The exercises folder (default: :func:`exercise_dir`). Its
        ``masters/ch??_*.ipynb`` name the sets; without masters (a student's
        copy), its ``student/ch??_*`` folders do.

    Returns
    -------
    list of str
        The sets' names, sorted.
    """
    root = root or exercise_dir()
    if (root / "masters").is_dir():
        return sorted(p.stem for p in (root / "masters").glob("ch[0-9][0-9]_*.ipynb"))
    return sorted(p.name for p in (root / "student").glob("ch[0-9][0-9]_*") if p.is_dir())  # students' copy


def _otter(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "otter", *args], capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise MscteachError(f"otter {args[0]} failed: {tail[0]}")
    return result


def generate(root: Path | None = None, out: Path | None = None) -> list[str]:
    """Regenerate the student and autograder versions of every exercise set.

    Parameters
    ----------
    root : Path, optional
        The exercises folder holding ``masters/`` (default: the course's).
    out : Path, optional
        Where to write ``student/`` and ``autograder/`` (default: ``root``).

    Returns
    -------
    list of str
        The sets generated.

    Raises
    ------
    MscteachError
        If ``root`` has no ``masters/`` folder, or ``otter assign`` fails.
    """
    from concurrent.futures import ThreadPoolExecutor

    root = root or exercise_dir()
    if not (root / "masters").is_dir():
        raise MscteachError(f"no exercise masters in {root}: generating needs the instructor's files (a checkout "
                            "of the course repository, or a workspace made there with `mscteach init DIR "
                            "--instructor`)")
    out = out or root
    sets = exercise_sets(root)
    with tempfile.TemporaryDirectory(prefix="mscteach-otter-") as tmp:
        def assign(name: str) -> None:
            _otter("assign", "--no-run-tests", "--no-pdfs", str(root / "masters" / f"{name}.ipynb"),
                   str(Path(tmp) / name))

        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(assign, sets))
        for name in sets:
            _mark_value_checks(Path(tmp) / name)
            for kind in ("student", "autograder"):
                _stable_cell_ids(Path(tmp) / name / kind / f"{name}.ipynb", name)
                target = out / kind / name
                if target.exists():
                    shutil.rmtree(target)
                shutil.copytree(Path(tmp) / name / kind, target)
    return sets


_OTTER_INIT = "import otter\ngrader = otter.Notebook("
_OTTER_CHECK_ALL = "the cell below will rerun all of the autograder tests."
_HONEST_CHECK_ALL = ("the cell below reruns every check above (the form of each answer: the values are checked "
                     "when your work is graded).")
_HONEST_INIT = "from mscteach.classroom.checks import Notebook  # otter's, saying what a check looked at\ngrader = Notebook("


def _stable_cell_ids(path: Path, name: str) -> None:
    """Number otter's cells (it gives them random ids), and start the grader that words checks honestly."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name.replace('_', '-')}-{i}"
        if cell.cell_type == "code" and _OTTER_INIT in cell.source:
            cell.source = cell.source.replace(_OTTER_INIT, _HONEST_INIT)
        if cell.cell_type == "markdown" and _OTTER_CHECK_ALL in cell.source:
            cell.source = cell.source.replace(_OTTER_CHECK_ALL, _HONEST_CHECK_ALL)
    nbformat.write(nb, str(path))


def _mark_value_checks(generated: Path) -> None:
    """Mark each student test file whose question has hidden tests (see :mod:`mscteach.classroom.checks`)."""
    from otter.test_files import ExceptionTestFile

    from .checks import MARKER

    for hidden in sorted((generated / "autograder" / "tests").glob("q*.py")):
        public = generated / "student" / "tests" / hidden.name
        if public.is_file() and any(case.hidden for case in ExceptionTestFile.from_file(str(hidden)).test_cases):
            public.write_text(public.read_text(encoding="utf-8").rstrip("\n") + "\n\n# hidden tests check this "
                              "answer's value when the work is graded\n" + MARKER + "\n", encoding="utf-8")


def out_of_date(root: Path | None = None) -> list[str]:
    """Generated files that differ from what the masters produce now (empty when up to date).

    Generates every set afresh in a temporary folder (as :func:`generate`)
    and compares it with ``root``'s ``student/`` and ``autograder/``.

    Parameters
    ----------
    root : Path, optional
        The exercises folder holding ``masters/`` (default: :func:`exercise_dir`).

    Returns
    -------
    list of str
        Paths such as ``exercises/student/ch01_history/ch01_history.ipynb (differs)``;
        each ends in "(missing)", "(not generated)" or "(differs)".

    Raises
    ------
    MscteachError
        As :func:`generate`.
    """
    root = root or exercise_dir()
    with tempfile.TemporaryDirectory(prefix="mscteach-check-") as tmp:
        fresh = Path(tmp)
        generate(root, fresh)
        stale = []
        for kind in ("student", "autograder"):
            stale += _compare(fresh / kind, root / kind, f"exercises/{kind}")
    return stale


def _compare(fresh: Path, committed: Path, label: str) -> list[str]:
    if not committed.is_dir():
        return [f"{label} (missing)"]
    diff = filecmp.dircmp(fresh, committed, ignore=["__pycache__", ".ipynb_checkpoints"])
    stale = [f"{label}/{n} (missing)" for n in diff.left_only] + [f"{label}/{n} (not generated)" for n in diff.right_only]
    stale += [f"{label}/{n} (differs)" for n in diff.diff_files]
    for sub in diff.common_dirs:
        stale += _compare(fresh / sub, committed / sub, f"{label}/{sub}")
    return stale
