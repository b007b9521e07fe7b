"""How problems in a file are worded, the same for the fast reader, Frictionless's findings and users' files."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..errors import Problem

__all__ = ["BLANK_ROW", "DUPLICATE_COLUMN", "EMPTY_FILE", "MISSING_COLUMN", "NOT_UTF8", "constraint_message",
           "duplicate_message", "extra_cell", "missing_cell", "problem_order", "reported", "separated_by",
           "short_row", "type_message", "unknown_column"]

MISSING_COLUMN = "column is missing from the header"
DUPLICATE_COLUMN = "column appears more than once in the header"
BLANK_ROW = "blank row (delete it, or fill it in)"
NOT_UTF8 = "is not UTF-8 text; save the file as UTF-8"
EMPTY_FILE = "file is empty (no header row)"


def type_message(field: dict[str, Any], raw: str) -> str:
    """The message for a cell that cannot be read as its field's type.

    Parameters
    ----------
    field : dict
        The field's Table Schema descriptor (``type``; for a list also
        ``itemType`` and ``delimiter``).
    raw : str
        The cell as written.

    Returns
    -------
    str
        The message, e.g. ``'x' is not an integer``.

    Examples
    --------
    >>> type_message({"type": "integer"}, "x")
    "'x' is not an integer"
    >>> type_message({"type": "list", "itemType": "integer"}, "1;2")
    "'1;2' is not a list of integers separated by ','"
    """
    if field["type"] == "list":
        return (f"{raw!r} is not a list of {field.get('itemType', 'string')}s "
                f"separated by {field.get('delimiter', ',')!r}")
    article = "an" if field["type"][0] in "aeiou" else "a"
    return f"{raw!r} is not {article} {field['type']}"


def constraint_message(field: dict[str, Any], constraint: str, raw: str) -> str:
    """The message for a cell that breaks one of its field's constraints.

    Parameters
    ----------
    field : dict
        The field's Table Schema descriptor; its ``constraints`` give the
        allowed values or bounds named in the message, and a user file's
        schema may add ``patternMeaning``, the pattern said in words.
    constraint : str
        The broken constraint: ``"required"``, ``"enum"``, ``"pattern"``,
        ``"minimum"``, ``"maximum"``, or another name (worded generically).
    raw : str
        The cell as written.

    Returns
    -------
    str
        The message; for an enum it lists the allowed values, and hints at
        stray spaces when the stripped value would be allowed.

    Examples
    --------
    >>> constraint_message({"constraints": {"enum": ["RCT", "cohort"]}}, "enum", "RCT ")
    "'RCT ' is not an allowed value (remove the spaces around it); allowed: RCT, cohort"
    >>> constraint_message({"constraints": {"minimum": 0}}, "minimum", "-1")
    '-1 is out of range (minimum 0)'
    """
    cons = field.get("constraints", {})
    if constraint == "required":
        return "a value is required but the cell is empty"
    if constraint == "enum":
        hint = " (remove the spaces around it)" if raw != raw.strip() and raw.strip() in cons["enum"] else ""
        return f"{raw!r} is not an allowed value{hint}; allowed: {', '.join(map(str, cons['enum']))}"
    if constraint == "pattern":
        if "patternMeaning" in field:  # a user file's schema says in words what its pattern asks for
            return f"{raw!r}: {field['patternMeaning']}"
        return f"{raw!r} does not match the pattern {cons['pattern']!r}"
    if constraint in ("minimum", "maximum"):
        return f"{raw.strip()} is out of range ({constraint} {cons[constraint]})"
    return f"{raw!r} breaks the {constraint} constraint"


def separated_by(separator: str) -> str:
    """The message for a file whose columns are separated by something other than commas.

    Parameters
    ----------
    separator : str
        The separator found (``;``, a tab or ``|``).

    Returns
    -------
    str

    Examples
    --------
    >>> separated_by(";")
    "the file is separated by ';', not commas; save it as comma-separated CSV"
    >>> separated_by(chr(9))  # a tab
    'the file is separated by tabs, not commas; save it as comma-separated CSV'
    """
    shown = "tabs" if separator == "\t" else repr(separator)
    return f"the file is separated by {shown}, not commas; save it as comma-separated CSV"


def duplicate_message(shown: object, first_row: int) -> str:
    """The message for a repeated unique or primary key.

    Parameters
    ----------
    shown : object
        The key as shown to the user (the values of a composite key joined by ``", "``).
    first_row : int
        The file row where the key was first seen.

    Returns
    -------
    str

    Examples
    --------
    >>> duplicate_message("lin2017", 4)
    'duplicate key lin2017 (first seen on row 4)'
    """
    return f"duplicate key {shown} (first seen on row {first_row})"


def unknown_column(names: list[str]) -> str:
    """The message for a header label the schema does not have.

    Parameters
    ----------
    names : list of str
        The schema's field names, listed in the message.

    Returns
    -------
    str

    Examples
    --------
    >>> unknown_column(["file", "student_id"])
    'unknown column (the schema has: file, student_id)'
    """
    return f"unknown column (the schema has: {', '.join(names)})"


def missing_cell(n_cells: int, n_columns: int) -> str:
    """The message for a row that ends before a column of the header.

    Parameters
    ----------
    n_cells : int
        How many cells the row has.
    n_columns : int
        How many labels the header has.

    Returns
    -------
    str

    Examples
    --------
    >>> missing_cell(2, 4)
    'the row ends before this column (2 cells; the header has 4)'
    """
    return f"the row ends before this column ({n_cells} cells; the header has {n_columns})"


def extra_cell(position: int, raw: str, n_columns: int) -> str:
    """The message for a cell beyond the last column of the header.

    Parameters
    ----------
    position : int
        The cell's position in the row, counting from 1.
    raw : str
        The cell as written.
    n_columns : int
        How many labels the header has.

    Returns
    -------
    str

    Examples
    --------
    >>> extra_cell(5, "x", 4)
    "cell 5 ('x') is beyond the header's 4 columns"
    """
    return f"cell {position} ({raw!r}) is beyond the header's {n_columns} columns"


def problem_order(p: Problem) -> tuple:
    """Sort key of problems: by file, then row (file-wide problems first), field and message.

    Parameters
    ----------
    p : Problem
        The problem.

    Returns
    -------
    tuple
        ``(file, row or 0, field or "", message)``.
    """
    return (p.file, p.row if p.row is not None else 0, p.field or "", p.message)


#: Up to this many missing columns a short row's problem names them all.
SHORT_ROW_LISTED = 5


def short_row(n_cells: int, n_columns: int, missing: list[str]) -> str:
    """The one message for a row that ends before several columns of the header.

    Parameters
    ----------
    n_cells : int
        How many cells the row has.
    n_columns : int
        How many labels the header has.
    missing : list of str
        The columns the row does not reach.

    Returns
    -------
    str

    Examples
    --------
    >>> short_row(1, 4, ["arm", "events", "notes"])
    'the row has 1 cell where the header has 4 columns: arm, events, notes are missing (a truncated or unfinished row?)'
    """
    shown = ", ".join(missing[:SHORT_ROW_LISTED])
    if len(missing) > SHORT_ROW_LISTED:
        shown += f" and {len(missing) - SHORT_ROW_LISTED} more"
    return (f"the row has {n_cells} {'cell' if n_cells == 1 else 'cells'} where the header has {n_columns} columns: "
            f"{shown} {'is' if len(missing) == 1 else 'are'} missing (a truncated or unfinished row?)")


_MISSING = re.compile(r"^the row ends before this column \((\d+) cells; the header has (\d+)\)$")


def reported(problems: Iterable[Problem]) -> list[Problem]:
    """Problems as a user is shown them: each once, in :func:`problem_order`, one problem for a row cut short.

    A row that ends before two or more columns is reported once, naming the
    columns it lacks, and nothing else is said of it: its other problems (a
    value read into the wrong column, a key or a citation it seems to lack)
    follow from the cut and would bury it.

    Parameters
    ----------
    problems : iterable of Problem
        As the readers found them.

    Returns
    -------
    list of Problem
        Sorted.
    """
    problems = set(problems)
    found: dict[tuple[str, int], list[tuple[str, int, int]]] = {}  # (file, row) -> (field, cells, columns)
    for p in problems:
        missing = _MISSING.match(p.message)
        if p.row is not None and p.field and missing:
            found.setdefault((p.file, p.row), []).append((p.field, int(missing[1]), int(missing[2])))
    short = {where: cut for where, cut in found.items() if len(cut) > 1}
    kept = [p for p in problems if p.row is None or (p.file, p.row) not in short]
    for (file, row), cut in short.items():
        kept.append(Problem(file, row=row, message=short_row(cut[0][1], cut[0][2], sorted(f for f, _, _ in cut))))
    return sorted(kept, key=problem_order)
