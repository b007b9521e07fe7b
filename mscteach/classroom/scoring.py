"""Score a submission's answers with the exercise set's tests, in the trusted grading process.

The tests are otter-grader test files (``tests/q1.py`` ...: public form tests
and hidden value tests). They are read and run here, on answers decoded from
plain data (:mod:`.answers`), and never enter the sandbox that executed the
student's notebook: patching otter, the grader or ``__eq__`` in the notebook
changes nothing here. Points follow otter's rules for each file (``points``
shared among its test cases); an answer that is not plain data scores 0 for
its question, with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MscteachError
from .answers import NotPlain, decode

__all__ = ["QuestionScore", "TestSet", "load_tests"]


@dataclass
class QuestionScore:
    name: str
    score: float
    possible: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class TestSet:
    """An exercise set's test files, read once per batch."""

    folder: Path
    files: dict[str, Any]  # question name -> otter TestFile

    @property
    def questions(self) -> list[str]:
        return list(self.files)

    @property
    def names(self) -> list[str]:
        """Every answer the tests look at, in question order (what the sandbox hands back)."""
        seen: list[str] = []
        for test_file in self.files.values():
            for name in _parameters(test_file):
                if name not in seen:
                    seen.append(name)
        return seen

    @property
    def possible(self) -> float:
        return float(sum(f.possible for f in self.files.values()))

    def score(self, encoded: dict) -> list[QuestionScore]:
        """Each question's score for one submission's encoded answers."""
        values, problems = {}, {}
        for name in self.names:
            try:
                values[name] = decode(encoded.get(name, {"$": "missing"}))
            except NotPlain as exc:
                problems[name] = str(exc)
        scores = []
        for question, test_file in self.files.items():
            wanted = _parameters(test_file)
            reasons = [f"{question}: {name} {problems[name]}" if "not defined" in problems[name]
                       else f"{question}: {name} is not plain data ({problems[name]}), so it scores 0"
                       for name in wanted if name in problems]
            if any(name in problems and "not defined" not in problems[name] for name in wanted):
                scores.append(QuestionScore(question, 0.0, float(test_file.possible), reasons))
                continue
            test_file.run({name: values.get(name) for name in wanted})
            scores.append(QuestionScore(question, float(test_file.score), float(test_file.possible), reasons))
        return scores


def _parameters(test_file: Any) -> list[str]:
    names: list[str] = []
    for case in test_file.test_cases:
        for name in case.body._get_func_params():
            if name not in names:
                names.append(name)
    return names


def load_tests(folder: Path) -> TestSet:
    """Read the test files ``q*.py`` in ``folder`` (the instructor's hidden and public tests)."""
    from otter.test_files import ExceptionTestFile

    files = {}
    for path in sorted(Path(folder).glob("q*.py"), key=lambda p: (len(p.stem), p.stem)):
        try:
            test_file = ExceptionTestFile.from_file(str(path))
        except Exception as exc:  # a teacher's broken test file: say which
            raise MscteachError(f"cannot read the test file {path}: {type(exc).__name__}: {exc}") from None
        if "env" in _parameters(test_file):
            raise MscteachError(f"{path}: a test takes the whole notebook environment (`env`); grading hands "
                                "tests only the answers they name, so name each answer as a parameter")
        files[path.stem] = test_file
    if not files:
        raise MscteachError(f"no test files (q1.py ...) in {folder}")
    return TestSet(Path(folder), files)
