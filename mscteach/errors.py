"""Exception types for errors a user can cause.

Every error raised on purpose by mscteach derives from :class:`MscteachError`,
so a caller (and the command line) can tell our clear messages apart from bugs.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dataclass_field


class MscteachError(Exception):
    """Base class of every error mscteach raises on purpose."""


@dataclass(frozen=True, order=True)
class Problem:
    """One problem found in a data file.

    ``row`` is the line number in the CSV file, counting the header as line 1,
    so the first data row is row 2 (as in a spreadsheet or text editor).
    ``value`` and ``allowed`` (the cell as written and the values the field
    allows, when it has a list) are there for programs; ``message`` already
    says them in words.
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


class DataValidationError(MscteachError, ValueError):
    """The data folder holds invalid tables; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem], *, context: str = "") -> None:
        self.problems = list(problems)
        head = context or "invalid data"
        lines = [f"{head}: {len(self.problems)} problem(s)"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class UnknownNameError(MscteachError, LookupError):
    """A name (table, reference, parameter value) that does not exist.

    The message names what was asked for and lists what is available, with
    the closest match when there is one.
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


class ParameterError(MscteachError, ValueError):
    """A chapter parameter has a value of the wrong type or outside what the chapter accepts."""


class RegistryError(MscteachError, ValueError):
    """A registry export that cannot be read, or a data folder that cannot take an import."""


class NotebookFailure(MscteachError):
    """A notebook raised an error while it was executed."""

    def __init__(self, notebook: str, cell: int | None, error: str) -> None:
        self.notebook, self.cell, self.error = notebook, cell, error
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        super().__init__(f"{notebook} failed at {where}: {error}")

    def __reduce__(self):  # travels back from a worker process intact
        return (NotebookFailure, (self.notebook, self.cell, self.error))


class ReportParameterError(UnknownNameError):
    """A report parameter has an unknown name or an impossible value (exit status 2 at the CLI)."""


class ReportOutputError(MscteachError, ValueError):
    """A report output path that cannot be used (exit status 2 at the CLI, before any kernel starts)."""


class ScoringError(Exception):
    """A submission's answers could not be scored (too slow, or the scoring process failed)."""


class NotPlain(ValueError):
    """An answer that is not plain data; the message says why, for the gradebook."""


class Unanswered(NotPlain):
    """An answer that was never given: not defined when the notebook finished, or left blank (``...``)."""
