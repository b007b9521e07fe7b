"""Students' self-checks that say what they checked: otter's ``grader.check``, honestly worded.

The student versions of the exercise sets start with ``grader =
Notebook("chNN_....ipynb")``, this module's subclass of ``otter.Notebook``.
``grader.check("q1")`` runs the same public tests as otter does; only the
wording of the result changes where otter's would mislead. A question whose
value is tested only when the work is graded (its student test file says
``value_checked_when_graded = True``) no longer reports "q1 passed! All test
cases passed!" when just the answer's form was checked: it says

    q1: the answer has the right form; its value is checked when your work is graded

A failing check says what is wrong in the test's own words (``q1: expected a whole number``), without
otter's report of the failing line.
"""
from __future__ import annotations

import ast
import html
import inspect
import os
from typing import Any

import otter

__all__ = ["FORM_ONLY", "Check", "Checks", "Notebook", "value_checked_when_graded"]

FORM_ONLY = "{question}: the answer has the right form; its value is checked when your work is graded"
#: The line an exercise's student test file carries when hidden tests check the value at grading.
MARKER = "value_checked_when_graded = True"
_STANDARD = "only the form of the answer was checked here"


def value_checked_when_graded(test_path: str) -> bool:
    """Whether a student test file declares that hidden tests check the value at grading.

    Parameters
    ----------
    test_path : str
        The student test file (``tests/q1.py``).

    Returns
    -------
    bool
        True if the file assigns ``value_checked_when_graded = True`` at its
        top level; False also for a missing or unparsable file.
    """
    try:
        with open(test_path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except (OSError, SyntaxError):
        return False
    return any(isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "value_checked_when_graded"
                                                    for t in node.targets)
               and isinstance(node.value, ast.Constant) and node.value.value is True for node in tree.body)


class Check:
    """One question's self-check: otter's result, shown in words that say what was checked.

    Any other attribute is otter's result's.

    Parameters
    ----------
    result : otter GradingResults
        otter's result of the question's public tests.
    form_only : bool
        Whether the public tests check only the answer's form (see :func:`value_checked_when_graded`).
    environment : dict, optional
        The notebook's globals the tests ran on (used to word a failure).
    """

    def __init__(self, result: Any, form_only: bool, environment: dict[str, Any] | None = None) -> None:
        self.result = result
        self.form_only = form_only
        self.environment = environment or {}

    @property
    def passed(self) -> bool:
        """Whether every public test passed."""
        return bool(self.result.passed_all)

    def lines(self) -> list[str] | None:
        """What the check says, a line each; None to show otter's own report (all passed, no hidden tests).

        Returns
        -------
        list of str or None
            For a failed check, one line per failing test's hint; for a
            passed check of the form only, :data:`FORM_ONLY` and the tests'
            own success messages.
        """
        name = self.result.name
        if not self.passed:  # each failing test's hint, in its author's words (otter trims their quotes)
            return [f"{name}: {hint}" for hint in self._hints()]
        if not self.form_only:
            return None
        notes = [r.test_case.success_message for r in self.result.test_case_results
                 if r.test_case.success_message and not r.test_case.success_message.startswith(_STANDARD)]
        return [FORM_ONLY.format(question=name), *notes]

    def _hints(self) -> list[str]:
        from .scoring import failure_hints

        return failure_hints(self.result, self.environment) or ["failed"]

    def __repr__(self) -> str:
        lines = self.lines()
        return "\n".join(lines) if lines is not None else repr(self.result)

    def _repr_html_(self) -> str:
        lines = self.lines()
        if lines is None:
            return self.result._repr_html_()
        style = "" if self.passed else ' style="color: #a4000f"'
        return "".join(f"<p{style}>{html.escape(line)}</p>" for line in lines)

    def __getattr__(self, name: str) -> Any:  # anything else a student's code asks of otter's result
        return getattr(self.result, name)


class Checks:
    """``grader.check_all()``: every question's check, one after another.

    Parameters
    ----------
    checks : list of Check
        The checks, in question order.
    """

    def __init__(self, checks: list[Check]) -> None:
        self.checks = checks

    def __repr__(self) -> str:
        return "\n\n".join(repr(c) for c in self.checks)

    def _repr_html_(self) -> str:
        return "".join(c._repr_html_() for c in self.checks)


def _caller_globals() -> dict[str, Any]:
    """The globals of the code that called the method calling this (the student's notebook, as otter does)."""
    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame and frame.f_back else None
    return caller.f_globals if caller else {}


class Notebook(otter.Notebook):
    """otter's ``Notebook`` whose checks say when only the answer's form was checked.

    Parameters
    ----------
    nb_path : str, optional
        The notebook's file name (as otter's ``Notebook`` takes it).
    tests_dir : str, default "./tests"
        The folder of the public tests.
    tests_url_prefix : str, optional
        otter's: a URL prefix to download the tests from.
    """

    def check(self, question: str, global_env: dict[str, Any] | None = None) -> Check:
        """Run one question's public tests, as otter does.

        Parameters
        ----------
        question : str
            The question (``"q1"``).
        global_env : dict, optional
            The variables to test (default: the caller's globals, the notebook's).

        Returns
        -------
        Check
            Shown in words that say whether the value or only the form was checked.
        """
        if global_env is None:
            global_env = _caller_globals()
        result = super().check(question, global_env)
        path = os.path.join(self._tests_dir, f"{question}.py") if self._tests_dir else ""
        return Check(result, value_checked_when_graded(path), global_env)

    def check_all(self) -> Checks:
        """Run every question's public tests on the caller's globals.

        Returns
        -------
        Checks
        """
        from otter.check.utils import list_available_tests

        global_env = _caller_globals()
        names = list_available_tests(self._tests_dir, self._nbmeta_config)
        return Checks([self.check(name, global_env) for name in names])
