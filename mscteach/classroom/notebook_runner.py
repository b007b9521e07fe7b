"""Run one submitted notebook inside the grading sandbox and hand back its answers as plain data.

Started by :mod:`mscteach.classroom.sandbox` as ``python -I -m
mscteach.classroom.notebook_runner``. It reads the job (the notebook's code
cells and the names of the answers) as JSON from standard input, executes
the cells one by one in an IPython shell (no Jupyter kernel: nothing to
connect to, nothing left running), and writes JSON lines to the file descriptor the job names:
one ``{"cell": n}`` before the n-th code cell runs, then ``{"answers": ...,
"errors": ..., "printed": ...}``. What the notebook prints is counted, kept up
to a limit and otherwise discarded. The hidden tests are never here: the
grader scores the answers afterwards, in its own process.

Cells that only drive otter (``import otter``, ``grader = otter.Notebook(...)``,
``grader.check("q1")``, ``grader.check_all()``) are skipped; any other use of
``grader`` finds a stand-in whose methods do nothing.
"""
from __future__ import annotations

import ast
import io
import json
import os
import sys

__all__ = ["KEPT_OUTPUT", "drives_otter_only", "main"]

#: Characters of printed output kept for the gradebook's record; the rest is counted and dropped.
KEPT_OUTPUT = 20_000


class _Sink(io.TextIOBase):
    """A stdout that keeps the first characters written, counts the rest, and never fills memory."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.size < KEPT_OUTPUT:
            self.kept.append(text[: KEPT_OUTPUT - self.size])
        self.size += len(text)
        return len(text)


class _NoGrader:
    """Stands in for otter's ``grader`` while grading: a check has nothing to say here."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


_OTTER_CALLS = {"check", "check_all", "export", "to_pdf", "run_plugin"}


def drives_otter_only(source: str) -> bool:
    """Whether a code cell does nothing but set up or call otter's grader.

    Parameters
    ----------
    source : str
        The cell's code.

    Returns
    -------
    bool
        True if every statement imports otter (or :mod:`mscteach.classroom.checks`),
        makes ``grader = otter.Notebook(...)`` or ``Notebook(...)``, or calls
        ``grader.check``, ``check_all``, ``export``, ``to_pdf`` or
        ``run_plugin``; False for an empty cell or code that does not parse.

    Examples
    --------
    >>> drives_otter_only('# Initialize Otter\\nimport otter\\ngrader = otter.Notebook("a.ipynb")')
    True
    >>> drives_otter_only('grader.check("q1")')
    True
    >>> drives_otter_only('n = 5\\ngrader.check("q1")')
    False
    """
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    if not body:
        return False
    for node in body:
        if isinstance(node, ast.Import) and all(a.name == "otter" for a in node.names):
            continue
        if isinstance(node, ast.ImportFrom) and node.module in ("otter", "mscteach.classroom.checks"):
            continue
        value = node.value if isinstance(node, (ast.Expr, ast.Assign)) else None
        if isinstance(node, ast.Assign) and not all(isinstance(t, ast.Name) and t.id == "grader"
                                                   for t in node.targets):
            return False
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            owner = value.func.value
            if isinstance(owner, ast.Name) and (owner.id == "grader" and value.func.attr in _OTTER_CALLS
                                                or owner.id == "otter" and value.func.attr == "Notebook"):
                continue
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Notebook":
            continue
        return False
    return True


def _capabilities() -> dict[str, int]:
    with open("/proc/self/status", encoding="ascii") as f:
        return {line.split(":")[0]: int(line.split(":")[1], 16) for line in f if line.startswith("Cap")}


def main() -> int:
    """Run the job read from standard input and write the answers to the job's reply descriptor.

    Runs inside the sandbox (see the module's description). Refuses to run
    anything when told it is sandboxed but still holds a capability or user
    id 0.

    Returns
    -------
    int
        3 when it refused; otherwise it ends the process itself with status 0
        once the answers are written, and does not return.
    """
    job = json.loads(sys.stdin.read())
    result = os.fdopen(job["reply_fd"], "w", encoding="utf-8", buffering=1)
    if job.get("sandboxed"):
        caps = _capabilities()
        held = [name for name in ("CapEff", "CapPrm", "CapBnd", "CapAmb") if caps.get(name)]
        if held or os.geteuid() == 0:
            result.write(json.dumps({"refused": "the sandbox still holds privileges: "
                                                + ", ".join(held or ["user id 0"])}) + "\n")
            return 3
    # student code may print without end; what reaches the real streams is dropped by the grader
    sink = _Sink()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = sink
    sys.stdin = io.StringIO("")

    import builtins

    from IPython.core.interactiveshell import InteractiveShell

    from mscteach.classroom.answers import encode

    dumps = json.dumps
    # a notebook that replaces int, type or print breaks only its own cells: the answers are read with the
    # built-ins as they were
    saved_builtins = dict(builtins.__dict__)

    shell = InteractiveShell.instance(colors="nocolor", xmode="plain")
    shell.user_ns["grader"] = _NoGrader()
    errors = []
    for cell in job["cells"]:
        if drives_otter_only(cell["source"]):
            continue
        result.write(dumps({"cell": cell["number"]}) + "\n")
        outcome = shell.run_cell(cell["source"], store_history=False)
        failure = outcome.error_before_exec or outcome.error_in_exec
        if failure is not None:
            errors.append([cell["number"], type(failure).__name__, str(failure)[:200]])
    builtins.__dict__.clear()
    builtins.__dict__.update(saved_builtins)
    answers = {}
    for name in job["names"]:
        if name not in shell.user_ns:
            answers[name] = {"$": "missing"}
            continue
        try:
            answers[name] = encode(shell.user_ns[name])
        except Exception as exc:  # a student's object that breaks while being read is not plain data
            answers[name] = {"$": "not plain", "type": type(shell.user_ns[name]).__qualname__[:100],
                             "why": f"reading it raised {type(exc).__name__}"}
    result.write(dumps({"answers": answers, "errors": errors, "printed": sink.size}) + "\n")
    result.close()
    os._exit(0)  # nothing the notebook registered to run at exit runs after its answers are out


if __name__ == "__main__":
    sys.exit(main())
