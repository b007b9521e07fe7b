"""How problems in a file are worded, the same for the fast reader, Frictionless's findings and users' files."""
from __future__ import annotations

from typing import Any

from ..errors import Problem

__all__ = ["BLANK_ROW", "DUPLICATE_COLUMN", "EMPTY_FILE", "MISSING_COLUMN", "NOT_UTF8", "constraint_message",
           "duplicate_message", "extra_cell", "missing_cell", "problem_order", "type_message", "unknown_column"]

MISSING_COLUMN = "column is missing from the header"
DUPLICATE_COLUMN = "column appears more than once in the header"
BLANK_ROW = "blank row (delete it, or fill it in)"
NOT_UTF8 = "is not UTF-8 text; save the file as UTF-8"
EMPTY_FILE = "file is empty (no header row)"


def type_message(field: dict[str, Any], raw: str) -> str:
    if field["type"] == "list":
        return (f"{raw!r} is not a list of {field.get('itemType', 'string')}s "
                f"separated by {field.get('delimiter', ',')!r}")
    article = "an" if field["type"][0] in "aeiou" else "a"
    return f"{raw!r} is not {article} {field['type']}"


def constraint_message(field: dict[str, Any], constraint: str, raw: str) -> str:
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


def duplicate_message(shown: object, first_row: int) -> str:
    return f"duplicate key {shown} (first seen on row {first_row})"


def unknown_column(names: list[str]) -> str:
    return f"unknown column (the schema has: {', '.join(names)})"


def missing_cell(n_cells: int, n_columns: int) -> str:
    return f"the row ends before this column ({n_cells} cells; the header has {n_columns})"


def extra_cell(position: int, raw: str, n_columns: int) -> str:
    return f"cell {position} ({raw!r}) is beyond the header's {n_columns} columns"


def problem_order(p: Problem) -> tuple:
    """Sort key of problems: by file, then row (file-wide problems first), field and message."""
    return (p.file, p.row if p.row is not None else 0, p.field or "", p.message)
