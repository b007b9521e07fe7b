"""The gradebook: one row per submission, and the CSV layouts a teacher or a learning platform reads.

:func:`~mscteach.classroom.grading.grade` fills a :class:`Gradebook`; :func:`export` writes it as a plain CSV
or in the column layout Canvas or Moodle import, every cell safe to open in a spreadsheet (a student's text
never runs as a formula); :func:`summary_lines` prints it on a terminal.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnknownNameError

__all__ = ["FORMATS", "FORMULA_STARTS", "NOT_GRADED", "Grade", "Gradebook", "export", "printable",
           "spreadsheet_cell", "summary_lines"]

#: Statuses of a submission that could not be graded (anything but "graded").
NOT_GRADED = ("unreadable", "wrong set", "timed out", "out of memory", "too many processes", "failed")
FORMATS = ("plain", "canvas", "moodle")
#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets (OWASP, "CSV
#: Injection"; ASVS 1.2.10 adds the null character, and a line feed starts a cell as a carriage return does).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# a plain decimal number ("-0.5", "1e-3") is read as a number, never as a formula: it keeps its sign
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass
class Grade:
    """One submission's row in the gradebook.

    Parameters
    ----------
    file : str
        The submitted file, as given.
    student_id : str
        The student's id: from the roster, else the notebook's metadata, else the file name's stem.
    status : str, default "graded"
        ``"graded"`` or why it was not (one of :data:`NOT_GRADED`).
    message : str, default ""
        Notes for the teacher, joined by ``"; "`` (see :meth:`note`).
    scores : dict of str to float
        Points per question (empty unless graded).
    possible : float, default 0.0
        Not set by :func:`~mscteach.classroom.grading.grade` (the gradebook's ``possible`` holds the set's maximum).
    isolation : str, default ""
        How the submission was isolated (a label of :data:`~mscteach.classroom.grading.ISOLATION_LABELS`).
    name, email : str, default ""
        From the roster, for the platform exports.
    """

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
        """Whether the submission was graded (``status == "graded"``)."""
        return self.status == "graded"

    @property
    def total(self) -> float:
        """The sum of :attr:`scores`."""
        return sum(self.scores.values())

    def note(self, text: str) -> None:
        """Add a note to :attr:`message` (made :func:`printable`; empty text adds nothing).

        Parameters
        ----------
        text : str
            The note.

        Examples
        --------
        >>> g = Grade("a.ipynb", "s1")
        >>> g.note("q1 lost 1"); g.note(""); g.note("q2 lost 1")
        >>> g.message
        'q1 lost 1; q2 lost 1'
        """
        self.message = "; ".join(m for m in (self.message, printable(text)) if m)


@dataclass
class Gradebook:
    """Every submission's grade, in the order given, and the set's questions.

    Parameters
    ----------
    exercise_set : str
        The set's name.
    questions : list of str
        The set's questions (``q1`` ...), in order.
    possible : float
        The set's maximum points.
    grades : list of Grade
        One per submission, in the order given.
    """

    exercise_set: str
    questions: list[str]
    possible: float
    grades: list[Grade]

    @property
    def not_graded(self) -> list[Grade]:
        """The grades of submissions that could not be graded."""
        return [g for g in self.grades if not g.graded]

    def duplicates(self) -> dict[str, list[str]]:
        """Student ids found in more than one submitted file, with those files.

        Returns
        -------
        dict of str to list of str
            Student id to the files (as given) that carry it.
        """
        files: dict[str, list[str]] = {}
        for g in self.grades:
            files.setdefault(g.student_id, []).append(g.file)
        return {sid: names for sid, names in files.items() if len(names) > 1}

    def rows(self) -> list[dict[str, str]]:
        """The plain gradebook: one dict per submission, columns in a fixed order.

        Returns
        -------
        list of dict of str to str
            Columns ``student_id``, ``file``, one per question, ``total``,
            ``possible``, ``percentage``, ``status``, ``message``,
            ``isolation``; scores are formatted with ``:g``, and left empty
            for a submission that was not graded.

        Examples
        --------
        >>> book = Gradebook("ch01_history", ["q1"], 1.0, [Grade("a.ipynb", "s1", scores={"q1": 1.0})])
        >>> book.rows()[0]["percentage"]
        '100.0'
        """
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


def spreadsheet_cell(text: str) -> str:
    """A gradebook cell that a spreadsheet shows as the text it is, never runs as a formula.

    A cell whose first character (after any spaces, which a spreadsheet may trim on import) would start a
    formula (:data:`FORMULA_STARTS`) gets a single quote in front, as OWASP recommends: Excel and LibreOffice
    then show it as text. A plain number, negative or not, is left as it is.

    Parameters
    ----------
    text : str
        The cell as it would be written.

    Returns
    -------
    str
        The cell, with ``'`` in front where it would be read as a formula.

    Examples
    --------
    >>> [spreadsheet_cell(t) for t in ["=1+1", " @SUM(A1)", "-0.5", "-1+1", "s001", ""]]
    ["'=1+1", "' @SUM(A1)", '-0.5', "'-1+1", 's001', '']
    """
    text = str(text)
    if text.lstrip(" ").startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def printable(text: str, limit: int = 300) -> str:
    """Text a submission had a hand in, safe for a CSV, a terminal and a spreadsheet: no control characters
    (tabs, newlines, terminal escapes), no invisible format characters, no lone surrogates; at most
    ``limit`` characters.

    Parameters
    ----------
    text : str
        The text (other objects are converted with ``str``).
    limit : int, default 300
        The most characters kept; longer text ends in ``...``.

    Returns
    -------
    str
        Tabs and line breaks become spaces, other control and format
        characters and lone surrogates ``?``.

    Examples
    --------
    >>> printable("victim\\t5\\tgraded\\n\\x1b[2K\\ud800")
    'victim 5 graded ?[2K?'
    """
    import unicodedata

    text = str(text).encode("utf-8", "replace").decode("utf-8", "replace")
    text = "".join(" " if ch in "\t\n\r" else "?" if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch
                   for ch in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- output
def export(book: Gradebook, path: Path, format: str = "plain") -> None:
    """Write the gradebook as CSV, atomically, every cell safe to open in a spreadsheet.

    ``plain``: every column of :meth:`Gradebook.rows`. ``canvas``: Canvas's
    gradebook import layout (Student, ID, SIS User ID, SIS Login ID, Section,
    then one column for the set holding its points). ``moodle``: Moodle's grade
    import layout (ID number, Email address, the set's grade, and its feedback),
    mapped on import by "ID number". Submissions that could not be graded are
    left blank in the platform formats, never given 0. In every layout a cell
    that a spreadsheet would run as a formula (a student id ``=HYPERLINK(...)``
    from a notebook's metadata, a file or roster name starting with ``+``, ``-``
    or ``@``) is written with a single quote in front (:func:`spreadsheet_cell`);
    numbers stay numbers.

    Parameters
    ----------
    book : Gradebook
        The gradebook.
    path : Path
        The CSV file to write (its folder is made if needed).
    format : {"plain", "canvas", "moodle"}, default "plain"
        The column layout (see :data:`FORMATS`).

    Raises
    ------
    UnknownNameError
        If ``format`` is not one of :data:`FORMATS`.
    """
    from ..atomic import write_atomically

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
            writer = csv.writer(f)
            writer.writerow([spreadsheet_cell(column) for column in header])
            writer.writerows([spreadsheet_cell(row[column]) for column in header] for row in rows)

    write_atomically(Path(path), write)


def summary_lines(book: Gradebook) -> Iterable[str]:
    """The gradebook as tab-separated lines for a terminal.

    Parameters
    ----------
    book : Gradebook
        The gradebook.

    Yields
    ------
    str
        A header (``student_id``, the questions, ``total``, ``possible``,
        ``status``), then one line per submission.

    Examples
    --------
    >>> book = Gradebook("ch01_history", ["q1"], 1.0, [Grade("a.ipynb", "s1", scores={"q1": 1.0})])
    >>> [line.split() for line in summary_lines(book)]
    [['student_id', 'q1', 'total', 'possible', 'status'], ['s1', '1', '1', '1', 'graded']]
    """
    header = ["student_id", *book.questions, "total", "possible", "status"]
    yield "\t".join(header)
    for row in book.rows():
        yield "\t".join(row[c] for c in header)
