"""Grade a class's submissions of one exercise set: untrusted code, one bad file never stops the batch.

Each submission is executed in a sandbox (:mod:`mscteach.classroom.sandbox`:
no capabilities, read-only except its own scratch folder, no network, time,
memory and process limits), which hands back only the answers, as plain data.
The set's tests, public and hidden, then score those answers in this trusted
process (:mod:`mscteach.classroom.scoring`); they never enter the sandbox.
Where no sandbox can be made, grading stops and says why, unless the teacher
allows unsandboxed grading; the gradebook's ``isolation`` column says what
applied.

The gradebook has one row per submission: the student's id (from a roster
CSV, the notebook's metadata or the file name), one column per question,
total, possible, percentage, status and message (:mod:`.gradebook`, whose
:func:`export` writes it as a plain CSV or in the column layout Canvas or
Moodle import, and whose names this module re-exports).
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from . import sandbox as _sandbox
from .gradebook import FORMATS, NOT_GRADED, Grade, Gradebook, export, printable, spreadsheet_cell, summary_lines
from .sandbox import ROOT_LABEL, UNSANDBOXED, USER_LABEL, Isolation, Limits
from ..errors import DataValidationError, MscteachError, Problem, UnknownNameError

__all__ = ["FORMATS", "NOT_GRADED", "Grade", "Gradebook", "export", "grade", "isolation_here", "printable",
           "read_roster", "spreadsheet_cell", "summary_lines"]

MAX_NOTEBOOK_MB = 50
#: Seconds the tests may take to score one submission's answers (in the scoring process; at most --timeout).
SCORING_TIMEOUT = 60.0
#: What the gradebook's ``isolation`` column says for each way of running submissions.
ISOLATION_LABELS = (ROOT_LABEL, USER_LABEL, UNSANDBOXED)


# --------------------------------------------------------------------------- inputs
def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """A roster CSV mapping submission file names to the learning platform's ids.

    Columns: ``file`` and ``student_id`` (required), ``name`` and ``email``
    (optional); others are ignored. Returns file name to that row, with the
    spaces around each value removed.

    Parameters
    ----------
    path : Path
        The roster CSV.

    Returns
    -------
    dict of str to dict of str to str
        File name to ``{"student_id", "name", "email"}`` (name and email ""
        when not given).

    Raises
    ------
    DataValidationError
        Naming file, row and field of every problem (the schema is
        ``mscteach/data/schemas/roster.json``), a file name listed twice
        (also when only the spaces around it differ) included.
    """
    from ..data import read_user_table

    rows = read_user_table(path, "roster", what="roster")
    roster: dict[str, dict[str, str]] = {}
    first: dict[str, int] = {}
    duplicates = []
    for row in rows:
        name = row["file"].strip()
        if name in roster:  # the same file written with other spaces around it
            duplicates.append(Problem(str(path), row=row.row, field="file", value=row["file"],
                                      message=f"duplicate key {name} (first seen on row {first[name]})"))
            continue
        first[name] = row.row
        roster[name] = {"student_id": row["student_id"].strip(), "name": (row.get("name") or "").strip(),
                        "email": (row.get("email") or "").strip()}
    if duplicates:
        raise DataValidationError(duplicates, context=f"cannot read the roster {path}")
    return roster


def _inspect(path: Path, exercise_set: str) -> tuple[str | None, str, str]:
    """(reason it cannot be graded or None, student id from metadata, a note) for one submission."""
    if path.stat().st_size > MAX_NOTEBOOK_MB * 1024 * 1024:
        return f"the file is larger than {MAX_NOTEBOOK_MB} MB: not a notebook of this set", "", ""
    try:
        nb = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return f"not a notebook: {type(exc).__name__}: {str(exc)[:200]}", "", ""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "not a notebook: it has no list of cells", "", ""
    for number, cell in enumerate(nb["cells"], start=1):
        source = cell.get("source", "") if isinstance(cell, dict) else None
        if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(s, str) for s in source)):
            return f"not a notebook: cell {number} has no text as its source", "", ""
    metadata = nb.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
    otter_metadata, ours = metadata.get("otter"), metadata.get("mscteach")
    assignment = otter_metadata.get("assignment_name") if isinstance(otter_metadata, dict) else None
    sid = str(ours.get("student_id", "")) if isinstance(ours, dict) else ""
    if assignment is None:
        return None, sid, f"no exercise-set name in the notebook; graded as {exercise_set}"
    if str(assignment).replace("-", "_") != exercise_set:
        return f"this notebook belongs to exercise set {str(assignment).replace('-', '_')}, not {exercise_set}", sid, ""
    return None, sid, ""


def _code_cells(path: Path) -> list[dict]:
    """The notebook's code cells as the student sees them: number among code cells, source, first line."""
    nb = json.loads(path.read_bytes().decode("utf-8"))
    cells: list[dict] = []
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        first = next((line.strip() for line in source.splitlines() if line.strip()), "")
        cells.append({"number": len(cells) + 1, "source": source,
                      "first_line": first if len(first) <= 60 else first[:57] + "..."})
    return cells


def _where(cells: list[dict], number: int | None) -> str:
    """A code cell named as the student sees it: 'code cell 5 (`first line`)'."""
    cell = next((c for c in cells if c["number"] == number), None)
    if cell is None:
        return ""
    return f"code cell {number}" + (f" (`{cell['first_line']}`)" if cell["first_line"] else "")


# --------------------------------------------------------------------------- isolation
def isolation_here(sandbox: bool | None = None) -> Isolation:
    """How submissions would be isolated on this machine (``sandbox=False``: deliberately none).

    Parameters
    ----------
    sandbox : bool, optional
        False: no sandbox, on purpose (``--no-sandbox``); otherwise the
        sandbox is tried for real (:func:`~mscteach.classroom.sandbox.probe`).

    Returns
    -------
    Isolation
        Its ``mode`` is "none" (with the reason) where no sandbox can be made.
    """
    from ..data import data_dir

    if sandbox is False:
        return Isolation("none", UNSANDBOXED, "the sandbox was turned off (--no-sandbox)")
    return _sandbox.probe(data_dir())


def _grade_one(job: dict, isolation: Isolation, limits: Limits, slot: int, scratch: Path,
               scorer) -> tuple[_sandbox.Outcome, list | str | None]:
    """Run one submission in its sandbox, then score its answers in this thread's scoring process."""
    from .scoring import ScoringError
    from ..data import data_dir

    outcome = _sandbox.run(job, isolation, data_dir(), limits, slot, scratch)
    if outcome.status != "ran":
        return outcome, None
    try:
        return outcome, scorer().score(outcome.answers, timeout=min(SCORING_TIMEOUT, limits.timeout))
    except ScoringError as exc:
        return outcome, str(exc)


def _record(g: Grade, outcome: _sandbox.Outcome, scores, cells: list[dict], limits: Limits) -> None:
    """Fill one gradebook row from what came back from the sandbox and its scores."""
    where = _where(cells, outcome.last_cell)
    if outcome.status != "ran":
        g.status = outcome.status
        g.note(outcome.message + (f", in {where}" if where and outcome.status != "failed" else
                                  f" (last started: {where})" if where else ""))
        return
    if isinstance(scores, str):
        g.status = "failed"
        g.note(f"its answers could not be scored: {scores}")
        return
    g.scores = {s.name: s.score for s in scores}
    for number, name, value in outcome.errors:
        where = _where(cells, number) or f"code cell {number}"
        g.note(f"{where} raised {name}: {value}" + (f" (the limit is {limits.memory_mb} MB)"
                                                     if name == "MemoryError" else ""))
    for s in scores:
        for reason in s.reasons:
            g.note(reason)
    if outcome.printed > 1_000_000:
        g.note(f"printed {outcome.printed / 1e6:.0f} million characters (not kept)")


class _Scorers:
    """One trusted scoring process per grading thread, all closed at the end of the batch."""

    def __init__(self, tests_dir: Path) -> None:
        import os
        import threading

        from ..data import ENV_VAR, data_dir

        self.tests_dir = tests_dir
        self.environment = {**os.environ, ENV_VAR: str(data_dir()), "MPLBACKEND": "Agg"}
        self.local = threading.local()
        self.all: list = []
        self.lock = threading.Lock()

    def mine(self):
        from .scoring import Scorer

        if getattr(self.local, "scorer", None) is None:
            self.local.scorer = Scorer(self.tests_dir, self.environment)
            with self.lock:
                self.all.append(self.local.scorer)
        return self.local.scorer

    def __enter__(self) -> "_Scorers":
        return self

    def __exit__(self, *exc) -> None:
        for scorer in self.all:
            scorer.close()


def grade(exercise_set: str, submissions: Sequence[Path], root: Path | None = None, jobs: int = 2,
          timeout: float = 180.0, memory_mb: int = 3072, roster: Mapping[str, Mapping[str, str]] | None = None,
          sandbox: bool | None = None, allow_unsandboxed: bool = False, progress: bool = False) -> Gradebook:
    """Grade submitted notebooks of one exercise set; never stops at a bad submission.

    Parameters
    ----------
    exercise_set : str
        The set's name, e.g. ``"ch06_clinical_trials"``.
    submissions : sequence of Path
        The submitted notebooks (read only: each is read, never changed).
    root : Path, optional
        The exercises folder holding ``autograder/`` (default: the course's).
    jobs : int
        Submissions graded at once.
    timeout : float
        Seconds one submission may run before it is stopped and marked "timed out".
    memory_mb : int
        Memory one submission may use (per process, and all its processes together).
    roster : mapping, optional
        File name to ``student_id`` (and ``name``, ``email``), from :func:`read_roster`.
    sandbox : bool, optional
        None (default): sandbox each submission, refusing to grade where no sandbox can be made;
        False: grade without one, deliberately.
    allow_unsandboxed : bool
        Where no sandbox can be made, grade without one instead of refusing.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Gradebook
        One :class:`Grade` per submission, in the order given.

    Raises
    ------
    UnknownNameError
        If there is no such exercise set.
    MscteachError
        If the instructor's tests are not here, ``jobs``, ``timeout`` or
        ``memory_mb`` is out of range (at least 1, positive, at least 256),
        a test file cannot be read, or no sandbox can be made and
        unsandboxed grading was not allowed.
    """
    from . import exercises
    from .scoring import load_tests

    root = root or exercises.exercise_dir()
    if not (root / "autograder").is_dir() and not (root / "masters").is_dir():
        raise MscteachError(f"grading needs the instructor's tests (exercises/autograder/), and {root} has only "
                            "the students' exercises: the autograder is for instructors only. Grade from a "
                            "checkout of the course repository, or from a workspace made there with "
                            "`mscteach init DIR --instructor`")
    sets = exercises.exercise_sets(root) if (root / "masters").is_dir() else sorted(
        p.name for p in (root / "autograder").glob("ch[0-9][0-9]_*"))
    if exercise_set not in sets:
        raise UnknownNameError("exercise set", exercise_set, sets)
    tests_dir = root / "autograder" / exercise_set / "tests"
    if not tests_dir.is_dir():
        raise MscteachError(f"no hidden tests for {exercise_set} at {tests_dir}: grading needs the instructor's "
                            "exercises (a checkout of the course repository, or `mscteach init DIR --instructor` "
                            "from one)")
    if jobs < 1:
        raise MscteachError(f"--jobs must be at least 1, got {jobs}")
    if timeout <= 0 or memory_mb < 256:
        raise MscteachError(f"--timeout must be positive and --memory at least 256 MB, got {timeout:g} s and "
                            f"{memory_mb} MB")
    tests = load_tests(tests_dir)
    isolation = isolation_here(sandbox)
    if not isolation.sandboxed and sandbox is not False and not allow_unsandboxed:
        raise MscteachError(f"not grading: no sandbox can be made here ({isolation.reason}). Grading runs the "
                            "students' code; without a sandbox it runs as you and can read and change your files "
                            "and other students' grades. Fix the sandbox, or pass --allow-unsandboxed to grade "
                            "anyway")
    limits = Limits(timeout=timeout, memory_mb=memory_mb)
    roster = roster or {}
    grades: list[Grade] = []
    todo = []
    for path in map(Path, submissions):
        entry = roster.get(path.name, {})
        g = Grade(file=str(path), student_id=entry.get("student_id", ""), isolation=isolation.label,
                  name=entry.get("name", ""), email=entry.get("email", ""))
        grades.append(g)
        if not path.is_file():
            g.status, g.message, g.student_id = "unreadable", "file not found", g.student_id or path.stem
            continue
        reason, meta_id, note = _inspect(path, exercise_set)
        if reason:
            g.status = "wrong set" if "belongs to exercise set" in reason else "unreadable"
            g.note(reason)
        if roster and path.name not in roster:
            g.note("not on the roster: its id comes from the notebook or the file name, which a learning "
                   "platform may not know")
        if not g.student_id and meta_id:
            g.student_id = printable(meta_id, 100)
            g.note("student id from the notebook's own metadata (no roster entry)")
        g.student_id = g.student_id or path.stem
        if reason:
            continue
        g.note(note)
        cells = _code_cells(path)
        todo.append((g, cells, {"cells": [{"number": c["number"], "source": c["source"]} for c in cells],
                                "names": tests.names}))
    from tqdm.auto import tqdm

    scorers = _Scorers(tests_dir)
    with tempfile.TemporaryDirectory(prefix="mscteach-grade-") as tmp, scorers, \
            ThreadPoolExecutor(max_workers=jobs) as pool:  # each thread waits on its own sandbox
        futures = {pool.submit(_grade_one, job, isolation, limits, i, Path(tmp) / f"submission-{i}",
                               scorers.mine): (g, cells)
                   for i, (g, cells, job) in enumerate(todo)}
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="nb",
                           disable=not progress or not futures):
            g, cells = futures[future]
            try:
                outcome, scores = future.result()
                _record(g, outcome, scores, cells, limits)
            except Exception as exc:  # one submission's trouble never stops the batch
                g.status, g.scores = "failed", {}
                g.note(f"could not be scored: {type(exc).__name__}: {str(exc)[:200]}")
    book = Gradebook(exercise_set, tests.questions, tests.possible, grades)
    for sid, files in book.duplicates().items():
        for g in grades:
            if g.student_id == sid:
                others = [Path(f).name for f in files if f != g.file]
                g.note(f"duplicate student id {sid}: also in {', '.join(others)}")
    return book
