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

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MscteachError, NotPlain, ScoringError, Unanswered
from .answers import decode

__all__ = ["QuestionScore", "Scorer", "TestSet", "failure_hints", "load_tests"]


@dataclass
class QuestionScore:
    """One question's score for one submission.

    Parameters
    ----------
    name : str
        The question (``q1`` ...).
    score : float
        The points given.
    possible : float
        The question's points.
    reasons : list of str
        Why points were lost, in words for the teacher and student.
    """

    name: str
    score: float
    possible: float
    reasons: list[str] = field(default_factory=list)


@dataclass
class TestSet:
    """An exercise set's test files, read once per batch.

    Parameters
    ----------
    folder : Path
        The folder of the test files.
    files : dict
        Question name to its otter ``TestFile``, in question order.
    """

    folder: Path
    files: dict[str, Any]  # question name -> otter TestFile

    @property
    def questions(self) -> list[str]:
        """The questions, in order."""
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
        """The set's maximum points (the sum of every test file's points)."""
        return float(sum(f.possible for f in self.files.values()))

    def score(self, encoded: dict) -> list[QuestionScore]:
        """Each question's score for one submission's encoded answers, with the reasons for points lost.

        The reasons are the failing tests' own messages (the hints a teacher wrote for each test), an answer
        never given, or an answer that is not plain data (which scores 0).

        Parameters
        ----------
        encoded : dict
            Answer name to its value encoded by :func:`~mscteach.classroom.answers.encode`;
            an answer missing here counts as not defined.

        Returns
        -------
        list of QuestionScore
            One per question, in order.
        """
        values, unanswered, not_plain = {}, {}, {}
        for name in self.names:
            try:
                values[name] = decode(encoded.get(name, {"$": "missing"}))
            except Unanswered as exc:
                unanswered[name] = str(exc)
            except NotPlain as exc:
                not_plain[name] = str(exc)
        scores = []
        for question, test_file in self.files.items():
            wanted = _parameters(test_file)
            possible = float(test_file.possible)
            reasons = [f"{question}: {name} is not plain data ({not_plain[name]}), so it scores 0"
                       for name in wanted if name in not_plain]
            if reasons:
                scores.append(QuestionScore(question, 0.0, possible, reasons))
                continue
            reasons = [f"{question}: {name} {unanswered[name]}" for name in wanted if name in unanswered]
            environment = {name: values.get(name) for name in wanted}
            test_file.run(environment)
            score = float(test_file.score)
            if score < possible and not reasons:
                hints = failure_hints(test_file, environment)
                reasons.append(f"{question} lost {possible - score:g}" + (f": {'; '.join(hints)}" if hints else ""))
            scores.append(QuestionScore(question, score, possible, reasons))
        return scores


def failure_hints(test_file: Any, environment: dict) -> list[str]:
    """The messages of a run test file's failing cases, as their authors wrote them (otter trims quotes).

    Each failing case is run again on ``environment`` for its exact words: an assertion's own message, or
    the exception's type and message.

    Parameters
    ----------
    test_file : otter TestFile
        A test file that has been run (its ``test_case_results`` are read).
    environment : dict
        The values its tests were run on.

    Returns
    -------
    list of str
        One hint per failing case, each once, in order.
    """
    hints: list[str] = []
    for result in test_file.test_case_results:
        if result.passed:
            continue
        try:
            result.test_case.body.call_func(environment)
        except Exception as exc:
            hint = str(exc) if isinstance(exc, AssertionError) and str(exc) else f"{type(exc).__name__}: {exc}"
        else:  # passes when run again (a test with state): otter's words
            hint = (result.message or "failed").strip().splitlines()[-1]
        if hint not in hints:
            hints.append(hint)
    return hints


def _parameters(test_file: Any) -> list[str]:
    names: list[str] = []
    for case in test_file.test_cases:
        for name in case.body._get_func_params():
            if name not in names:
                names.append(name)
    return names


def load_tests(folder: Path) -> TestSet:
    """Read the test files ``q*.py`` in ``folder`` (the instructor's hidden and public tests).

    Parameters
    ----------
    folder : Path
        The folder of the test files (``autograder/<set>/tests``).

    Returns
    -------
    TestSet
        The files in question order (``q2`` before ``q10``).

    Raises
    ------
    MscteachError
        If a test file cannot be read, a test takes the whole environment
        (``env``), or there are no test files.
    """
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


# --------------------------------------------------------------------------- a scoring process
# The answers are plain data, yet reading them back can still be made slow on purpose (a set of integers
# that all hash alike is quadratic to build), and a teacher's test may be slow on an odd answer: scoring
# runs in a process of its own, reused for a thread's submissions and replaced when one takes too long.
def main() -> int:
    """Score answers line by line: ``{"answers": ...}`` in on standard input, a JSON list out per line."""
    import json
    import sys

    tests = load_tests(Path(sys.argv[1]))
    print(json.dumps({"ready": tests.questions}), flush=True)
    for line in sys.stdin:
        try:
            answers = json.loads(line)["answers"]
            result: list[dict[str, object]] | dict[str, str] = [{"name": s.name, "score": s.score, "possible": s.possible, "reasons": s.reasons}
                      for s in tests.score(answers if type(answers) is dict else {})]
        except Exception as exc:  # one submission's answers never stop the others'
            result = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
        print(json.dumps(result), flush=True)
    return 0


class Scorer:
    """A trusted scoring process for one exercise set's tests.

    The process starts at the first :meth:`score`, is reused for later ones,
    and is started again after one that took too long.

    Parameters
    ----------
    tests_dir : Path
        The folder of the set's test files.
    environment : dict of str to str
        The process's environment variables.
    """

    def __init__(self, tests_dir: Path, environment: dict[str, str]) -> None:
        self.tests_dir = Path(tests_dir)
        self.environment = environment
        self.process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        import sys

        package_parent = str(Path(__file__).resolve().parent.parent.parent)
        code = (f"import sys; sys.path.insert(0, {package_parent!r}); "
                "from mscteach.classroom.scoring import main; sys.exit(main())")
        self.process = process = subprocess.Popen(
            [sys.executable, "-I", "-c", code, str(self.tests_dir)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=self.environment, text=True, encoding="utf-8")
        self._read(process, 120)  # the tests loaded
        return process

    def _read(self, process: subprocess.Popen[str], timeout: float) -> Any:
        import json
        import select

        assert process.stdout is not None  # started with stdout=PIPE
        ready, _, _ = select.select([process.stdout], [], [], timeout)
        if not ready:
            self.close()
            raise ScoringError(f"scoring took longer than {timeout:g} s (an answer built to be slow to read?)")
        line = process.stdout.readline()
        if not line:
            self.close()
            raise ScoringError("the scoring process stopped (an answer too large to read?)")
        return json.loads(line)

    def score(self, answers: dict, timeout: float = 60.0) -> list[QuestionScore]:
        """Score one submission's encoded answers in the scoring process.

        Parameters
        ----------
        answers : dict
            Answer name to its encoded value (see :meth:`TestSet.score`).
        timeout : float, default 60.0
            Seconds to wait for the scores (starting the process may take up to 120 more).

        Returns
        -------
        list of QuestionScore

        Raises
        ------
        ScoringError
            If scoring takes longer than ``timeout`` (the process is then
            stopped), the process stops, or the scores cannot be made.
        """
        import json

        process = self.process
        if process is None or process.poll() is not None:
            process = self._start()
        assert process.stdin is not None  # started with stdin=PIPE
        process.stdin.write(json.dumps({"answers": answers}) + "\n")
        process.stdin.flush()
        result = self._read(process, timeout)
        if isinstance(result, dict):
            raise ScoringError(result.get("error", "unreadable scores"))
        return [QuestionScore(r["name"], float(r["score"]), float(r["possible"]), list(r["reasons"]))
                for r in result]

    def close(self) -> None:
        """Stop the scoring process, if it is running."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
