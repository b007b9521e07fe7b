"""Grade a class's submissions of one exercise set: untrusted code, one bad file never stops the batch.

Each submission is copied into its own temporary folder and graded there by
``otter run`` (no Docker) in a separate process with a wall-clock timeout and
a memory limit. Where bubblewrap works, that process runs in a sandbox that
sees only the Python installation, the mscteach package and data, and the
submission's own folder (no network, no home folder, no other submission);
otherwise it is a plain process running as the teacher, and the gradebook
says so in its ``isolation`` column.

The gradebook has one row per submission: the student's id (from a roster
CSV, the notebook's metadata or the file name), one column per question,
total, possible, percentage, status and message. :func:`export` writes it as
a plain CSV or in the column layout Canvas or Moodle import.
"""
from __future__ import annotations

import csv
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .errors import MscteachError, UnknownNameError

__all__ = ["FORMATS", "Grade", "Gradebook", "export", "grade", "read_roster", "sandbox_available"]

#: Statuses of a submission that could not be graded (anything but "graded").
NOT_GRADED = ("unreadable", "wrong set", "timed out", "out of memory", "failed")
FORMATS = ("plain", "canvas", "moodle")
BUBBLEWRAP = "bubblewrap (sees only its own folder, no network)"
PLAIN_PROCESS = "separate process only (no sandbox: the code ran as you)"


@dataclass
class Grade:
    """One submission's row in the gradebook."""

    file: str
    student_id: str
    status: str = "graded"
    message: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    possible: float = 0.0
    isolation: str = ""
    name: str = ""
    email: str = ""

    @property
    def graded(self) -> bool:
        return self.status == "graded"

    @property
    def total(self) -> float:
        return sum(self.scores.values())


@dataclass
class Gradebook:
    """Every submission's grade, in the order given, and the set's questions."""

    exercise_set: str
    questions: list[str]
    possible: float
    grades: list[Grade]

    @property
    def not_graded(self) -> list[Grade]:
        return [g for g in self.grades if not g.graded]

    def rows(self) -> list[dict[str, str]]:
        """The plain gradebook: one dict per submission, columns in a fixed order."""
        rows = []
        for g in self.grades:
            row = {"student_id": g.student_id, "file": g.file}
            for q in self.questions:
                row[q] = f"{g.scores.get(q, 0):g}" if g.graded else ""
            row["total"] = f"{g.total:g}" if g.graded else ""
            row["possible"] = f"{self.possible:g}"
            row["percentage"] = f"{100 * g.total / self.possible:.1f}" if g.graded and self.possible else ""
            row.update(status=g.status, message=g.message, isolation=g.isolation)
            rows.append(row)
        return rows


# --------------------------------------------------------------------------- inputs
def read_roster(path: Path) -> dict[str, dict[str, str]]:
    """A roster CSV mapping submission file names to the learning platform's ids.

    Columns: ``file`` and ``student_id`` (required), ``name`` and ``email``
    (optional). Returns file name to that row.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = {"file", "student_id"} - set(reader.fieldnames or [])
            if missing:
                raise MscteachError(f"roster {path}: missing column(s) {', '.join(sorted(missing))} "
                                    "(needs file and student_id; name and email are optional)")
            roster = {}
            for line, row in enumerate(reader, start=2):
                name, sid = (row.get("file") or "").strip(), (row.get("student_id") or "").strip()
                if not name or not sid:
                    raise MscteachError(f"roster {path}, row {line}: file and student_id must both be filled")
                if name in roster:
                    raise MscteachError(f"roster {path}, row {line}: file {name!r} is listed twice")
                roster[name] = {"student_id": sid, "name": (row.get("name") or "").strip(),
                                "email": (row.get("email") or "").strip()}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MscteachError(f"cannot read the roster {path}: {exc}") from None
    return roster


def _inspect(path: Path, exercise_set: str) -> tuple[str | None, str, str]:
    """(reason it cannot be graded or None, student id from metadata, a note) for one submission."""
    try:
        nb = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return f"not a notebook: {type(exc).__name__}: {exc}", "", ""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "not a notebook: it has no list of cells", "", ""
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    assignment = (metadata.get("otter") or {}).get("assignment_name") if isinstance(metadata.get("otter"), dict) else None
    sid = str((metadata.get("mscteach") or {}).get("student_id", "")) if isinstance(metadata.get("mscteach"), dict) else ""
    if assignment is None:
        return None, sid, f"no exercise-set name in the notebook; graded as {exercise_set}"
    if str(assignment).replace("-", "_") != exercise_set:
        return f"this notebook belongs to exercise set {str(assignment).replace('-', '_')}, not {exercise_set}", sid, ""
    return None, sid, ""


# --------------------------------------------------------------------------- isolation
def sandbox_available() -> bool:
    """Whether bubblewrap is installed and can create a sandbox here (user namespaces allowed)."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    try:
        result = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"],
                                capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def _readable_paths() -> list[Path]:
    """What a sandboxed grader must read: Python, the installed packages, mscteach and its data."""
    from . import data

    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(__file__).resolve().parent, data.data_dir()}
    # installed packages only: an editable install also puts the whole checkout on sys.path, and the
    # checkout holds the exercise masters and hidden tests
    paths.update(Path(p) for p in sys.path if p and Path(p).name in ("site-packages", "dist-packages"))
    resolved = sorted({p.resolve() for p in paths if p.exists()})
    # a folder inside another one already visible needs no mount of its own
    return [p for p in resolved if not any(p != q and q in p.parents for q in resolved)]


def _sandboxed(command: list[str], folder: Path) -> list[str]:
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            args += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            args += ["--ro-bind", str(target), str(target)]
    for path in _readable_paths():
        if not str(path).startswith(("/usr/", "/etc/")):
            args += ["--ro-bind", str(path), str(path)]
    args += ["--bind", str(folder), str(folder), "--chdir", str(folder), "--setenv", "HOME", str(folder)]
    return args + ["--", *command]


def _limits(memory_mb: int, cpu_seconds: int) -> Callable[[], None]:
    def apply() -> None:  # runs in the child before it starts grading
        memory = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    return apply


# --------------------------------------------------------------------------- grading
# Runs inside the grading process: otter's local grader, then the errors the student's own cells raised
# (otter carries on past them and keeps no record of them in results.json).
_RUNNER = """
import json, sys
import otter.run
results = otter.run.main(sys.argv[1], autograder="autograder.zip", output_dir="out", no_logo=True)
errors = []
for number, cell in enumerate(getattr(results, "notebook", None) and results.notebook.cells or [], start=1):
    if cell.get("cell_type") != "code" or "grader" in cell.source or "otter" in cell.source:
        continue
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            errors.append([number, output.get("ename", ""), str(output.get("evalue", ""))[:200]])
with open("out/cell_errors.json", "w") as f:
    json.dump(errors, f)
"""


def _kill_tree(pid: int) -> None:
    """Stop a grading process and everything it started (Jupyter starts kernels in their own session)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        processes = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(processes, timeout=10)


def _grade_one(submission: Path, exercise_set: str, zip_path: Path, work: Path, timeout: float, memory_mb: int,
               sandbox: bool) -> tuple[str, str, dict[str, float]]:
    """(status, message, scores) for one submission graded in its own folder ``work``."""
    work.mkdir()
    notebook = f"{exercise_set}.ipynb"  # the name the notebook's own grader cell expects
    shutil.copyfile(submission, work / notebook)  # a copy: the original is never touched
    shutil.copyfile(zip_path, work / "autograder.zip")
    (work / "out").mkdir()
    command = [sys.executable, "-c", _RUNNER, notebook]
    if sandbox:
        command = _sandboxed(command, work)
    from .data import ENV_VAR, data_dir

    # named outright: inside the sandbox the checkout or workspace that locates the data is not visible
    environment = {**os.environ, ENV_VAR: str(data_dir()), "MPLCONFIGDIR": str(work / ".matplotlib"),
                   "OPENBLAS_NUM_THREADS": "1",
                   "OMP_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1", "HOME": str(work),
                   "TMPDIR": "/tmp" if sandbox else str(work)}
    process = subprocess.Popen(command, cwd=work, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True,
                               preexec_fn=_limits(memory_mb, int(timeout) + 10))
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_tree(process.pid)
        process.communicate()
        return "timed out", f"still running after {timeout:g} s (a cell that never ends?)", {}
    finally:
        if process.poll() is None:
            _kill_tree(process.pid)
    results = work / "out" / "results.json"
    output = (stderr or "") + (stdout or "")
    if process.returncode != 0 or not results.is_file():
        if "MemoryError" in output or process.returncode == -signal.SIGKILL:
            return "out of memory", f"used more than the {memory_mb} MB allowed", {}
        if process.returncode == -signal.SIGXCPU:
            return "timed out", f"used more than {int(timeout)} s of processor time", {}
        last = next((line for line in reversed(output.strip().splitlines()) if line.strip()), "(no output)")
        return "failed", f"the grader stopped: {last.strip()[:300]}", {}
    data = json.loads(results.read_text(encoding="utf-8"))
    scores = {t["name"]: float(t["score"]) for t in data["tests"] if "score" in t}  # the rest are summaries
    errors_file = work / "out" / "cell_errors.json"
    errors = json.loads(errors_file.read_text(encoding="utf-8")) if errors_file.is_file() else []
    message = "; ".join(f"cell {n} raised {name}: {value}" + (f" (the limit is {memory_mb} MB)"
                                                               if name == "MemoryError" else "")
                        for n, name, value in errors)
    return "graded", message, scores


def grade(exercise_set: str, submissions: Sequence[Path], root: Path | None = None, jobs: int = 2,
          timeout: float = 180.0, memory_mb: int = 3072, roster: Mapping[str, Mapping[str, str]] | None = None,
          sandbox: bool | None = None, progress: bool = False) -> Gradebook:
    """Grade submitted notebooks of one exercise set; never stops at a bad submission.

    Parameters
    ----------
    exercise_set : str
        The set's name, e.g. ``"ch06_clinical_trials"``.
    submissions : sequence of Path
        The submitted notebooks (read only: each is graded from a copy).
    root : Path, optional
        The exercises folder holding ``autograder/`` (default: the course's).
    jobs : int
        Submissions graded at once.
    timeout : float
        Seconds one submission may run before it is stopped and marked "timed out".
    memory_mb : int
        Memory (address space) one submission may use.
    roster : mapping, optional
        File name to ``student_id`` (and ``name``, ``email``), from :func:`read_roster`.
    sandbox : bool, optional
        Grade inside bubblewrap (default: whenever it works here).

    Returns
    -------
    Gradebook
        One :class:`Grade` per submission, in the order given.
    """
    from . import exercises

    root = root or exercises.exercise_dir()
    sets = exercises.exercise_sets(root) if (root / "masters").is_dir() else sorted(
        p.name for p in (root / "autograder").glob("ch[0-9][0-9]_*"))
    if exercise_set not in sets:
        raise UnknownNameError("exercise set", exercise_set, sets)
    tests = root / "autograder" / exercise_set / "tests"
    if not tests.is_dir():
        raise MscteachError(f"no hidden tests for {exercise_set} at {tests}: grading needs the instructor's "
                            "exercises (a checkout of the course repository, or `mscteach init DIR --instructor` "
                            "from one)")
    if jobs < 1:
        raise MscteachError(f"--jobs must be at least 1, got {jobs}")
    if timeout <= 0 or memory_mb < 256:
        raise MscteachError(f"--timeout must be positive and --memory at least 256 MB, got {timeout:g} s and "
                            f"{memory_mb} MB")
    sandbox = sandbox_available() if sandbox is None else sandbox
    isolation = BUBBLEWRAP if sandbox else PLAIN_PROCESS
    roster = roster or {}
    grades: list[Grade] = []
    with tempfile.TemporaryDirectory(prefix="mscteach-grade-") as tmp:
        zip_path = Path(tmp) / "autograder.zip"
        result = subprocess.run([sys.executable, "-m", "otter", "generate", "-t", str(tests), "-o", str(zip_path),
                                 "--no-requirements", "--no-environment", "--no-config"],
                                capture_output=True, text=True, cwd=tmp)
        if result.returncode != 0:
            raise MscteachError(f"otter generate failed: {(result.stderr or result.stdout).strip()[-300:]}")
        questions = sorted(p.stem for p in tests.glob("q*.py"))
        todo = []
        for path in map(Path, submissions):
            entry = roster.get(path.name, {})
            g = Grade(file=str(path), student_id=entry.get("student_id", ""), isolation=isolation,
                      name=entry.get("name", ""), email=entry.get("email", ""))
            grades.append(g)
            if not path.is_file():
                g.status, g.message, g.student_id = "unreadable", "file not found", g.student_id or path.stem
                continue
            reason, meta_id, note = _inspect(path, exercise_set)
            g.student_id = g.student_id or meta_id or path.stem
            if reason:
                g.status = "wrong set" if "belongs to exercise set" in reason else "unreadable"
                g.message = reason
                continue
            g.message = note
            todo.append((len(grades) - 1, g, path))
        from tqdm.auto import tqdm

        with ThreadPoolExecutor(max_workers=jobs) as pool:  # each thread waits on its own grading process
            futures = {pool.submit(_grade_one, path, exercise_set, zip_path, Path(tmp) / f"submission-{i}", timeout,
                                   memory_mb, sandbox): g for i, g, path in todo}
            for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="nb",
                               disable=not progress or not futures):
                g = futures[future]
                status, message, scores = future.result()
                g.status, g.scores = status, scores
                g.message = "; ".join(m for m in (g.message, message) if m)
    possible = float(len(questions))  # every question is worth one point
    return Gradebook(exercise_set, questions, possible, grades)


# --------------------------------------------------------------------------- output
def export(book: Gradebook, path: Path, format: str = "plain") -> None:
    """Write the gradebook as CSV, atomically.

    ``plain``: every column of :meth:`Gradebook.rows`. ``canvas``: Canvas's
    gradebook import layout (Student, ID, SIS User ID, SIS Login ID, Section,
    then one column for the set holding its points). ``moodle``: Moodle's grade
    import layout (ID number, Email address, the set's grade, and its feedback),
    mapped on import by "ID number". Submissions that could not be graded are
    left blank in the platform formats, never given 0.
    """
    from .runner import write_atomically

    if format not in FORMATS:
        raise UnknownNameError("gradebook format", format, list(FORMATS))
    if format == "plain":
        rows = book.rows()
        header = list(rows[0]) if rows else ["student_id", "file", *book.questions, "total", "possible",
                                              "percentage", "status", "message", "isolation"]
    elif format == "canvas":
        column = f"{book.exercise_set} ({book.possible:g} points)"
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column]
        rows = [{"Student": g.name or g.student_id, "ID": g.student_id, "SIS User ID": "", "SIS Login ID": "",
                 "Section": "", column: f"{g.total:g}" if g.graded else ""} for g in book.grades]
    else:
        column = book.exercise_set
        header = ["ID number", "Email address", column, f"{column} feedback"]
        rows = [{"ID number": g.student_id, "Email address": g.email, column: f"{g.total:g}" if g.graded else "",
                 f"{column} feedback": g.message if g.graded else f"not graded: {g.status}: {g.message}"}
                for g in book.grades]

    def write(part: Path) -> None:
        with part.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)

    write_atomically(Path(path), write)


def summary_lines(book: Gradebook) -> Iterable[str]:
    """The gradebook as tab-separated lines for a terminal."""
    header = ["student_id", *book.questions, "total", "possible", "status"]
    yield "\t".join(header)
    for row in book.rows():
        yield "\t".join(row[c] for c in header)
