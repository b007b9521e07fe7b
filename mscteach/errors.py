"""Exception types for errors a user can cause.

Every error raised on purpose by mscteach derives from :class:`MscteachError`,
so a caller (and the command line) can tell our clear messages apart from bugs.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field

__all__ = ["DataDirectoryError", "DataValidationError", "MscteachError", "NotPlain", "NotebookFailure",
           "ParameterError", "Problem", "RegistryError", "ReportOutputError", "ReportParameterError", "ScoringError",
           "Unanswered", "UnknownNameError"]


class MscteachError(Exception):
    """Base class of every error mscteach raises on purpose.

    Its message is meant for the user: the command line prints it without a
    traceback and exits with status 1 (some commands give 2 for a bad argument).
    """


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a data file.

    ``row`` is the line number in the CSV file, counting the header as line 1,
    so the first data row is row 2 (as in a spreadsheet or text editor).
    ``value`` and ``allowed`` (the cell as written and the values the field
    allows, when it has a list) are there for programs; ``message`` already
    says them in words.

    Problems sort by file, row, field and message.

    Parameters
    ----------
    file : str
        The file's name (e.g. ``clinical_studies.csv``).
    row : int, optional
        The line number in the file (the header is line 1); None for a
        problem of the whole file.
    field : str, optional
        The column; None for a problem of the whole row or file.
    message : str
        What is wrong, in words.
    value : str, optional
        The cell as written.
    allowed : tuple of str, optional
        The values the field allows, when it has a list.

    Examples
    --------
    >>> print(Problem("clinical_studies.csv", 4, "design", "'RTC' is not allowed"))
    clinical_studies.csv, row 4, field 'design': 'RTC' is not allowed
    """

    file: str
    row: int | None = None
    field: str | None = None
    message: str = ""
    value: str | None = dataclass_field(default=None, compare=False)
    allowed: tuple[str, ...] = dataclass_field(default=(), compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class UsageError(MscteachError, ValueError):
    """The caller asked for something that is not allowed: an unknown name, an impossible parameter value,
    an output that cannot be written where asked. Checked before any work starts; exit status 2 at the CLI."""


class DataValidationError(MscteachError, ValueError):
    """The data folder holds invalid tables; ``problems`` lists every problem found.

    The message says how many problems there are and lists them, one a line.

    Parameters
    ----------
    problems : list of Problem
        Every problem found (kept as the ``problems`` attribute).
    context : str, optional
        The message's first words (default ``"invalid data"``).

    Attributes
    ----------
    problems : list of Problem
        The problems, in the order given.

    Examples
    --------
    >>> print(DataValidationError([Problem("timeline.csv", 3, "year", "not a whole number")]))
    invalid data: 1 problem(s)
      - timeline.csv, row 3, field 'year': not a whole number
    """

    def __init__(self, problems: list[Problem], *, context: str = "") -> None:
        self.problems = list(problems)
        head = context or "invalid data"
        lines = [f"{head}: {len(self.problems)} problem(s)"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownNameError(UsageError, LookupError):
    """A name (table, reference, parameter value) that does not exist.

    The message names what was asked for and lists what is available, with
    the closest match when there is one.

    Parameters
    ----------
    kind : str
        What sort of name it is, as the message says it (``"table"``,
        ``"parameter of 01_history"`` ...).
    value : object
        The name asked for.
    allowed : list of str
        The names that exist.

    Attributes
    ----------
    kind : str
        As given.
    value : object
        As given.
    allowed : list of str
        As given.

    Examples
    --------
    >>> print(UnknownNameError("table", "clinical_study", ["animal_studies", "clinical_studies"]))
    unknown table 'clinical_study'; available: animal_studies, clinical_studies (did you mean 'clinical_studies'?)
    """

    def __init__(self, kind: str, value: object, allowed: list[str]) -> None:
        import difflib

        self.kind, self.value, self.allowed = kind, value, list(allowed)
        message = f"unknown {kind} {value!r}; available: {', '.join(self.allowed)}"
        close = difflib.get_close_matches(str(value), self.allowed, n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        super().__init__(message)

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return self.args[0]


class DataDirectoryError(MscteachError, FileNotFoundError):
    """The data folder (or its datapackage.json) does not exist or cannot be read."""

    def __str__(self) -> str:
        return self.args[0]


class ParameterError(UsageError):
    """A chapter parameter has a value of the wrong type or outside what the chapter accepts."""


class RegistryError(MscteachError, ValueError):
    """A registry export that cannot be read, or a data folder that cannot take an import."""


class NotebookFailure(MscteachError):
    """A notebook raised an error while it was executed.

    Parameters
    ----------
    notebook : str
        The notebook's file name.
    cell : int or None
        The number of the cell that raised (counting from 1); None when the
        failure was not an error raised in a cell (the kernel died, a cell
        timed out, the notebook could not be read): the message then says
        "before any cell ran".
    error : str
        The error, as the kernel reported it.

    Attributes
    ----------
    notebook, cell, error
        As given.

    Examples
    --------
    >>> print(NotebookFailure("01_history.ipynb", 3, "NameError: name 'x' is not defined"))
    01_history.ipynb failed at cell 3: NameError: name 'x' is not defined
    """

    def __init__(self, notebook: str, cell: int | None, error: str) -> None:
        self.notebook, self.cell, self.error = notebook, cell, error
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        super().__init__(f"{notebook} failed at {where}: {error}")

    def __reduce__(self):  # travels back from a worker process intact
        return (NotebookFailure, (self.notebook, self.cell, self.error))


class ReportParameterError(UnknownNameError):
    """A report parameter has an unknown name or an impossible value (exit status 2 at the CLI).

    Parameters
    ----------
    kind : str
        What sort of name or value it is, as the message says it.
    value : object
        What was given.
    allowed : list of str
        What is allowed (see :class:`UnknownNameError`).
    """


class ReportOutputError(UsageError):
    """A report output path that cannot be used (exit status 2 at the CLI, before any kernel starts)."""


class ScoringError(Exception):
    """A submission's answers could not be scored (too slow, or the scoring process failed)."""


class NotPlain(ValueError):
    """An answer that is not plain data; the message says why, for the gradebook."""


class Unanswered(NotPlain):
    """An answer that was never given: not defined when the notebook finished, or left blank (``...``)."""
