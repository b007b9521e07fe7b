"""The one reader of files users write: rosters, GRADE overrides, report grids.

Each kind of file has a Frictionless Table Schema shipped in
``mscteach/data/schemas/`` (or given as a dict). Frictionless reads the file
against it; every problem comes back as a :class:`~mscteach.errors.Problem`
naming file, row and field, with the value and the allowed values, in the
same words as the curated tables' problems, all in one
:class:`~mscteach.errors.DataValidationError`.
"""
from __future__ import annotations

import csv
import importlib.resources
import io
import json
import os
import re
from pathlib import Path
from typing import Any

from ..errors import DataValidationError, Problem, UnknownNameError
from .problems import (BLANK_ROW, DUPLICATE_COLUMN, EMPTY_FILE, MISSING_COLUMN, NOT_UTF8, constraint_message,
                       duplicate_message, extra_cell, missing_cell, reported, type_message, unknown_column)
from .read import broken_constraints, read_value

__all__ = ["UserRow", "read_user_table", "user_schema", "user_schemas"]


class UserRow(dict):
    """One row of a user's file: its values by column name, and ``row``, its line in the file (header = 1).

    Parameters
    ----------
    values : dict
        The row's typed values by column name.
    row : int
        The row's line in the file (the header is line 1).

    Attributes
    ----------
    row : int
        The row's line in the file.
    """

    def __init__(self, values: dict[str, Any], row: int) -> None:
        super().__init__(values)
        self.row = row


def user_schemas() -> list[str]:
    """Names of the shipped schemas of users' files.

    Returns
    -------
    list of str
        Sorted names (the ``.json`` files in ``mscteach/data/schemas/``).

    Examples
    --------
    >>> user_schemas()
    ['grade_overrides', 'report_grid', 'rob2', 'roster']
    """
    folder = importlib.resources.files("mscteach.data") / "schemas"
    return sorted(item.name[:-5] for item in folder.iterdir() if item.name.endswith(".json"))


def user_schema(name: str) -> dict[str, Any]:
    """The shipped Table Schema of one kind of user file (a fresh copy), e.g. ``"roster"``.

    Parameters
    ----------
    name : str
        The schema's name (see :func:`user_schemas`).

    Returns
    -------
    dict
        The Table Schema, read afresh from its file.

    Raises
    ------
    UnknownNameError
        If there is no such schema.

    Examples
    --------
    >>> [f["name"] for f in user_schema("roster")["fields"]]
    ['file', 'student_id', 'name', 'email']
    """
    if name not in user_schemas():
        raise UnknownNameError("user-file schema", name, user_schemas())
    item = importlib.resources.files("mscteach.data") / "schemas" / f"{name}.json"
    return json.loads(item.read_text(encoding="utf-8"))


def read_user_table(path: str | os.PathLike[str], schema: str | dict[str, Any], *,
                    what: str = "file", skip_blank_rows: bool = True) -> list[UserRow]:
    """Read a user's CSV file with Frictionless against a Table Schema; raise on any problem.

    Parameters
    ----------
    path : str or path-like
        The CSV file (UTF-8, with or without a byte-order mark).
    schema : str or dict
        A shipped schema's name (see :func:`user_schema`) or a Table Schema.
        Its ``fieldsMatch`` says which columns the header must have
        (``"partial"``: the required ones, others ignored).
    what : str, default "file"
        What the file is, for the error's first line ("roster", "grade overrides").
    skip_blank_rows : bool, default True
        Rows with every cell empty are left out (spreadsheets add them); with
        False they are problems.

    Returns
    -------
    list of UserRow
        Each row as a dict of typed values (``None`` for an empty cell), with
        its line in the file as ``.row``.

    Raises
    ------
    DataValidationError
        Listing every problem, each naming file, row, field, value and the
        allowed values; also if the file is missing, a folder, not UTF-8 or empty.
    UnknownNameError
        If ``schema`` names no shipped schema.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> roster = pathlib.Path(tempfile.mkdtemp()) / "roster.csv"
    >>> _ = roster.write_text("file,student_id\\na.ipynb,s1\\nb.ipynb,\\n", encoding="utf-8")
    >>> try:
    ...     read_user_table(roster, "roster", what="roster")
    ... except DataValidationError as exc:
    ...     print([(p.row, p.field, p.message) for p in exc.problems])
    [(3, 'student_id', 'a value is required but the cell is empty')]
    """
    from frictionless import Checklist, Resource, Schema

    path = Path(path)
    schema = user_schema(schema) if isinstance(schema, str) else schema
    file = str(path)
    context = f"cannot read the {what} {file}"
    text, problems = _decoded(path, file)
    if text is None:
        raise DataValidationError(problems, context=context)
    width = len(next(csv.reader(io.StringIO(text, newline=""))))

    def resource() -> Resource:
        return Resource(path=path.name, basepath=str(path.resolve().parent), format="csv", encoding="utf-8-sig",
                        schema=Schema.from_descriptor(schema))

    checklist = Checklist(skip_errors=["blank-row"] if skip_blank_rows else [])
    report = resource().validate(checklist=checklist)
    fields = {f["name"]: f for f in schema["fields"]}
    problems = [p for task in report.tasks for err in _deduplicated(task.errors)
                for p in _problems(file, err, fields, width)]
    problems += [Problem(file, message=err.message) for err in report.errors]
    if problems:
        raise DataValidationError(reported(problems), context=context)
    rows = []
    for row in resource().read_rows():  # type: ignore[attr-defined]  # Resource(...) makes a TableResource
        values = row.to_dict()
        if skip_blank_rows and all(v is None for v in values.values()):
            continue
        rows.append(UserRow(values, row.row_number))
    return rows


def _decoded(path: Path, file: str) -> tuple[str | None, list[Problem]]:
    """The file's text, or why there is none (missing, not UTF-8, empty), said before Frictionless guesses at it."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(file, message="file does not exist")]
    except IsADirectoryError:
        return None, [Problem(file, message="is a folder, not a file")]
    except OSError as exc:
        return None, [Problem(file, message=f"cannot be read: {exc.strerror}")]
    except UnicodeDecodeError:
        return None, [Problem(file, message=NOT_UTF8)]
    return (text, []) if text.strip() else (None, [Problem(file, message=EMPTY_FILE)])


def _deduplicated(errors: list[Any]) -> list[Any]:
    """One error per cell: all broken constraints of a cell are derived at once, and a missing cell is not empty."""
    missing = {(e.row_number, e.field_name) for e in errors if e.type == "missing-cell"}
    seen, kept = set(), []
    for err in errors:
        where = (getattr(err, "row_number", None), getattr(err, "field_name", None))
        if err.type == "constraint-error":
            if where in missing or where in seen:
                continue
            seen.add(where)
        kept.append(err)
    return kept


def _problems(file: str, err: Any, fields: dict[str, dict[str, Any]], width: int) -> list[Problem]:
    """One Frictionless error in the curated tables' words; ``width`` is the number of header labels."""
    row = getattr(err, "row_number", None)
    name = getattr(err, "field_name", None)
    raw = getattr(err, "cell", None)
    field = fields.get(name, {}) if name is not None else {}
    allowed = tuple(map(str, field.get("constraints", {}).get("enum", ())))

    def problem(message: str, *, at: int | None = row, column: str | None = name) -> Problem:
        return Problem(file, row=at, field=column, message=message, value=raw, allowed=allowed)

    if err.type == "missing-label":
        return [problem(MISSING_COLUMN, at=1)]
    if err.type == "extra-label":
        return [Problem(file, row=1, field=err.label, message=unknown_column(list(fields)))]
    if err.type == "duplicate-label":
        return [Problem(file, row=1, field=err.label, message=DUPLICATE_COLUMN)]
    if err.type == "blank-row":
        return [Problem(file, row=row, message=BLANK_ROW)]
    if err.type == "missing-cell":
        return [problem(missing_cell(len(err.cells), width))]
    if err.type == "extra-cell":
        return [Problem(file, row=row, message=extra_cell(err.field_number, raw or "", width), value=raw)]
    if err.type == "type-error" and field:
        return [problem(type_message(field, raw or ""))]
    if err.type == "constraint-error" and field:
        value = None if raw in ("", None) else read_value(raw, field)[0]
        return [problem(constraint_message(field, c, raw or "")) for c in broken_constraints(field, value)]
    if err.type in ("unique-error", "primary-key"):
        first = re.search(r"position (\d+)", err.note or "")
        shown = raw if raw is not None else ", ".join(map(str, getattr(err, "cells", [])))
        return [problem(duplicate_message(shown, int(first.group(1))) if first else f"duplicate key {shown}")]
    if err.type == "encoding-error":
        return [Problem(file, message=NOT_UTF8)]
    return [problem(err.message)]
