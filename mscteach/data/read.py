"""Read the curated tables: a fast reader that applies exactly Frictionless's rules, and :func:`load`.

:func:`load` reads with this reader rather than with Frictionless so that
``import mscteach`` plus loading stays quick; ``tests/test_validation_agreement.py``
feeds the same corrupted copies to both and checks they never disagree.
"""
from __future__ import annotations

import csv
import io
import operator
import os
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DataValidationError, Problem
from .locate import data_dir
from .problems import (BLANK_ROW, DUPLICATE_COLUMN, EMPTY_FILE, MISSING_COLUMN, NOT_UTF8, constraint_message,
                       duplicate_message, extra_cell, missing_cell, reported, separated_by, type_message,
                       unknown_column)
from .rules import row_rule_problems
from .schema import dependencies, enums, file_stamp, foreign_keys, package_descriptor, resource, targets, unique_keys

if TYPE_CHECKING:  # pandas is imported when a table is first loaded
    import pandas as pd

__all__ = ["FALSE_VALUES", "OTHER_SEPARATORS", "TRUE_VALUES", "Table", "broken_constraints", "cross_table_problems", "load", "read_table",
           "read_value"]

# The reader mirrors Frictionless's value readers exactly, so load() and validate() say the
# same thing about every input:
#  * a cell is missing only when it is exactly empty ("" is Frictionless's missing value);
#  * text is kept as written: a space or no-break space after "RCT" is part of the value
#    and breaks an enum in both (the message shows it);
#  * integers and numbers are read as int() and Decimal() read them after stripping the
#    cell, as Frictionless does; NaN breaks a minimum or maximum, as there; booleans are
#    Frictionless's true/false spellings, unstripped;
#  * header labels are stripped and matched to fields by name, in any order
#    ("fieldsMatch": "equal" in every schema);
#  * a row of empty cells is a "blank row" problem, and rows are numbered by their
#    position in the file (the header is row 1), blank rows included;
#  * a byte-order mark and CRLF line ends are read as Frictionless reads them. Frictionless
#    would also guess another separator (";", tab, "|"), but a spreadsheet's or a script's
#    reader would not: such a file is refused by both, with one problem naming the separator.

#: The separators Frictionless would guess besides a comma; the data is comma-separated only.
OTHER_SEPARATORS = (";", "\t", "|")

#: Frictionless's default spellings of a boolean.
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")


def read_value(raw: str, field: dict[str, Any]) -> tuple[Any, bool]:
    """Read one non-missing cell as Frictionless does; return (value, readable).

    Integers and numbers are stripped first and read by ``int`` and
    ``Decimal``; booleans must be one of the field's ``trueValues`` or
    ``falseValues`` (Frictionless's defaults otherwise) exactly as written;
    a list is split at its ``delimiter`` and each item read as ``itemType``;
    any other type is kept as written.

    Parameters
    ----------
    raw : str
        The cell as written (not empty: an empty cell is a missing value).
    field : dict
        The field's Table Schema descriptor.

    Returns
    -------
    value : object
        The typed value (``int``, ``Decimal``, ``bool``, ``list`` or ``str``),
        or ``None`` if it cannot be read.
    readable : bool
        Whether the cell is a valid value of the field's type.

    Examples
    --------
    >>> read_value(" 42 ", {"type": "integer"})
    (42, True)
    >>> read_value("1,x", {"type": "list", "itemType": "integer"})
    (None, False)
    """
    ftype = field["type"]
    if ftype == "integer":
        try:
            return int(raw.strip()), True
        except ValueError:
            return None, False
    if ftype == "number":
        try:
            return Decimal(raw.strip()), True
        except (InvalidOperation, ValueError):
            return None, False
    if ftype == "boolean":  # exactly as written: " true" is no boolean
        if raw in field.get("trueValues", TRUE_VALUES):
            return True, True
        if raw in field.get("falseValues", FALSE_VALUES):
            return False, True
        return None, False
    if ftype == "list":
        item = {"type": field.get("itemType", "string")}
        items = []
        for part in raw.split(field.get("delimiter", ",")):
            value, readable = read_value(part, item)
            if not readable:
                return None, False
            items.append(value)
        return items, True
    return raw, True


def broken_constraints(field: dict[str, Any], value: Any) -> list[str]:
    """The cell constraints ``value`` breaks, in Frictionless's order (``None`` is a missing cell).

    Parameters
    ----------
    field : dict
        The field's Table Schema descriptor.
    value : object
        The typed value (from :func:`read_value`), or ``None`` for a missing cell.

    Returns
    -------
    list of str
        Names of the broken constraints among ``required`` (only for a
        missing cell), ``pattern``, ``enum``, ``minimum`` and ``maximum``.

    Examples
    --------
    >>> broken_constraints({"constraints": {"required": True}}, None)
    ['required']
    >>> broken_constraints({"constraints": {"enum": ["RCT"], "pattern": "[A-Z]+"}}, "rct")
    ['pattern', 'enum']
    """
    cons = field.get("constraints", {})
    if value is None:
        return ["required"] if cons.get("required") else []
    broken = []
    if "pattern" in cons and isinstance(value, str) and not re.match(f"^{cons['pattern']}$", value):
        broken.append("pattern")
    if "enum" in cons and value not in cons["enum"]:
        broken.append("enum")
    for bound, ok in (("minimum", operator.ge), ("maximum", operator.le)):
        if bound in cons and isinstance(value, (int, Decimal)) and (value != value or not ok(value, cons[bound])):
            broken.append(bound)
    return broken


@dataclass
class Table:
    """What the fast reader makes of one CSV file: typed columns, row numbers and problems.

    Parameters
    ----------
    rel : str
        The file as problems name it: ``<data folder name>/<path>``.
    schema : dict
        The table's Table Schema.
    columns : dict of str to list
        Each field's typed values, one per row kept (``None`` for a missing or
        unreadable cell, ``[]`` for an empty list); empty if the header is wrong.
    rows : list of int
        The file row number (header = 1) of each row kept; blank rows are not kept.
    problems : list of Problem
        Problems found in this file alone.
    header_ok : bool
        Whether the header matched the schema (only then are rows read).
    separator : str, optional
        The separator the file uses instead of commas (then ``problems`` is
        that one problem).
    """

    rel: str
    schema: dict[str, Any]
    columns: dict[str, list[Any]] = dataclass_field(default_factory=dict)
    rows: list[int] = dataclass_field(default_factory=list)  # the file row number of each data row kept
    problems: list[Problem] = dataclass_field(default_factory=list)
    header_ok: bool = False
    separator: str | None = None


def _decode(file: Path, rel: str) -> tuple[str | None, list[Problem]]:
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None, [Problem(rel, message="file is missing")]
    except OSError as exc:
        return None, [Problem(rel, message=f"cannot be read: {exc.strerror}")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return None, [Problem(rel, message=NOT_UTF8)]


def _header_problems(rel: str, header: list[str], names: list[str]) -> list[Problem]:
    problems = [Problem(rel, row=1, field=n, message=MISSING_COLUMN) for n in names if n not in header]
    problems += [Problem(rel, row=1, field=n, message=unknown_column(names)) for n in header if n not in names]
    problems += [Problem(rel, row=1, field=n, message=DUPLICATE_COLUMN)
                 for n in sorted({n for n in header if header.count(n) > 1})]
    return problems


def _separator(first_line: str, header: list[str], names: list[str]) -> str | None:
    """The separator other than a comma that makes more of the first line the schema's labels, if any."""
    def matched(labels: list[str]) -> int:
        return sum(label.strip() in names for label in labels)

    counts = {sep: matched(next(csv.reader([first_line], delimiter=sep), [])) for sep in OTHER_SEPARATORS}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > matched(header) else None


def read_table(folder: Path, resource: dict[str, Any]) -> Table:
    """Read and check one table against its schema (everything but cross-table checks).

    Checks the encoding, the header, every cell's type and constraints, and
    unique and primary keys. Reading stops after the header if it does not
    match the schema; a file separated by ``;``, tabs or ``|`` instead of
    commas is then one problem naming the separator.

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    resource : dict
        The table's resource descriptor (``path`` and ``schema``).

    Returns
    -------
    Table
        The typed columns and the problems found (a missing, unreadable or
        empty file is a problem, not an exception).
    """
    rel = f"{folder.name}/{resource['path']}"
    schema = resource["schema"]
    table = Table(rel, schema)
    text, table.problems = _decode(folder / resource["path"], rel)
    if text is None:
        return table
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        table.problems.append(Problem(rel, message=EMPTY_FILE))
        return table
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    header = [label.strip() for label in records[0]]
    table.problems = _header_problems(rel, header, names)
    if table.problems:
        table.separator = _separator(text.splitlines()[0], header, names)
        if table.separator:  # one problem, not one per column: the columns are all there
            table.problems = [Problem(rel, row=1, message=separated_by(table.separator), value=table.separator)]
        return table
    table.header_ok = True
    position = {n: header.index(n) for n in names}
    columns: dict[str, list[Any]] = {n: [] for n in names}
    problems = table.problems
    width = len(header)
    for number, record in enumerate(records[1:], start=2):
        if all(cell == "" for cell in record):
            problems.append(Problem(rel, row=number, message=BLANK_ROW))
            continue
        for extra in range(width, len(record)):
            problems.append(Problem(rel, row=number, message=extra_cell(extra + 1, record[extra], width)))
        table.rows.append(number)
        for f in fields:
            n = f["name"]
            if position[n] >= len(record):
                problems.append(Problem(rel, row=number, field=n, message=missing_cell(len(record), width)))
                columns[n].append([] if f["type"] == "list" else None)
                continue
            raw = record[position[n]]
            value = None
            if raw != "":
                value, readable = read_value(raw, f)
                if not readable:
                    problems.append(Problem(rel, row=number, field=n, message=type_message(f, raw)))
                    columns[n].append(None)
                    continue
            problems += [Problem(rel, row=number, field=n, message=constraint_message(f, c, raw))
                         for c in broken_constraints(f, value)]
            columns[n].append(value if value is not None or f["type"] != "list" else [])
    table.columns = columns
    for key in unique_keys(schema):
        seen: dict[tuple, int] = {}
        for i, number in enumerate(table.rows):
            value = tuple(columns[k][i] for k in key)
            if any(v is None for v in value):
                continue
            if value in seen:
                problems.append(Problem(rel, row=number, field="/".join(key),
                                        message=duplicate_message(", ".join(map(str, value)), seen[value])))
            else:
                seen[value] = number
    return table


# Frictionless cannot express these, so mscteach checks them, the same way for load() and validate():
#  * foreignKeys and listForeignKeys (a foreign key from a list field, such as ref_ids);
#  * vocabularyFrom: a field whose allowed values are another table's enum (curation mappings);
#  * a row without a citation must say why in notes.
def cross_table_problems(table: Table, known: dict[tuple[str, str], set[Any]],
                         vocabularies: dict[tuple[str, str], list[str]]) -> list[Problem]:
    """The problems of ``table`` that need other tables: ``known`` key values and shared vocabularies.

    Checks foreign keys (also from list fields such as ``ref_ids``),
    ``vocabularyFrom`` fields, and, in a table with ``ref_ids`` and
    ``notes``, that a row without a reference says why in ``notes``.

    Parameters
    ----------
    table : Table
        A table read by :func:`read_table`; nothing is checked if its header is wrong.
    known : dict
        ``{(table, field): set of values}`` of the fields keys point to; a key
        whose target is not in it is not checked.
    vocabularies : dict
        ``{(table, field): allowed values}`` (see :func:`~mscteach.data.schema.enums`).

    Returns
    -------
    list of Problem
    """
    if not table.header_ok:
        return []
    problems = []
    columns, rel = table.columns, table.rel
    for fk in foreign_keys(table.schema):
        name, ref = fk["fields"], fk["reference"]
        allowed = known.get((ref["resource"], ref["fields"]))
        if allowed is None:
            continue
        for number, value in zip(table.rows, columns[name]):
            for item in value if isinstance(value, list) else ([] if value is None else [value]):
                if item not in allowed:
                    message = f"{item} is not a {ref['resource']}.{ref['fields']}"
                    if allowed and all(isinstance(k, int) for k in allowed):
                        message += f" (known: {min(allowed)}-{max(allowed)})"
                    problems.append(Problem(rel, row=number, field=name, message=message))
    for f in table.schema["fields"]:
        if "vocabularyFrom" not in f:
            continue
        source = f["vocabularyFrom"]
        vocabulary = vocabularies.get((source["resource"], source["field"]), [])
        for number, value in zip(table.rows, columns[f["name"]]):
            if value is not None and value not in vocabulary:
                problems.append(Problem(rel, row=number, field=f["name"],
                                        message=f"{value!r} is not an allowed value (the vocabulary of "
                                                f"{source['resource']}.{source['field']}); allowed: "
                                                f"{', '.join(vocabulary)}"))
    names = {f["name"] for f in table.schema["fields"]}
    if {"ref_ids", "notes"} <= names:
        problems += [Problem(rel, row=number, field="ref_ids",
                             message="no reference given and notes does not explain why")
                     for number, refs, note in zip(table.rows, columns["ref_ids"], columns["notes"])
                     if refs == [] and not (note or "").strip()]
    return problems


@lru_cache(maxsize=64)
def _load_cached(folder: str, name: str, stamps: tuple) -> "pd.DataFrame":
    import pandas as pd

    root = Path(folder)
    res = resource(root, name)
    schema = res["schema"]
    table = read_table(root, res)
    problems = table.problems + row_rule_problems(table.rel, schema, table.rows, table.columns, table.problems, name)
    known, invalid = {}, []
    for target, key in sorted(set(targets(schema))):
        if target == name:
            known[(target, key)] = set(table.columns.get(key, []))
            continue
        try:
            known[(target, key)] = set(load(target, root)[key].tolist())
        except DataValidationError as exc:
            invalid.append(target)
            problems += exc.problems
    context = f"table {name!r} in {folder} is invalid"
    if invalid:  # its references cannot be checked until the tables they point to are fixed
        context += f", or depends on a table that is ({', '.join(sorted(set(invalid)))})"
    else:
        problems += cross_table_problems(table, known, enums(package_descriptor(root)))
    if problems:
        raise DataValidationError(reported(problems), context=context)

    frame = {}
    for f in schema["fields"]:
        values = table.columns[f["name"]]
        if f["type"] == "integer":
            frame[f["name"]] = pd.array(values, dtype="Int64")
        elif f["type"] == "number":
            frame[f["name"]] = pd.array([None if v is None else float(v) for v in values], dtype="Float64")
        elif f["type"] == "boolean":
            frame[f["name"]] = pd.array(values, dtype="boolean")
        elif f["type"] == "list":
            frame[f["name"]] = pd.Series(values, dtype=object)
        else:
            frame[f["name"]] = pd.array(values, dtype="string")
    return pd.DataFrame(frame, index=pd.RangeIndex(len(table.rows)))


def load(name: str, data: str | os.PathLike[str] | None = None) -> "pd.DataFrame":
    """Load one curated table as a typed, validated DataFrame.

    Integer columns are pandas ``Int64`` (missing values are ``<NA>``),
    numbers ``Float64``, text ``string``, and ``ref_ids`` a list of ``int``
    (empty where the review gives no citation). Run ``mscteach.describe(name)``
    for every column's meaning. Tables are cached; each call returns a fresh
    copy, so changing it does not change what the next call returns.

    Tables (see :func:`list_tables`): ``references`` (the review's 103
    references), ``timeline``, ``cell_sources``, ``differentiation``,
    ``mechanisms``, ``animal_studies``, ``clinical_studies``, ``challenges``,
    ``exclusion_criteria``, ``glossary``.

    Source: Moudi B, Karbalaie-Harofteh M, Moudi M. A Review of Stem
    Cell-based Therapies for Human Liver Diseases. Razi J Med Sci.
    2025;32:43. CC BY-NC-SA 4.0.

    Parameters
    ----------
    name : str
        Table name.
    data : str or path-like, optional
        Data folder; defaults to ``$MSCTEACH_DATA_DIR`` or the packaged data.

    Returns
    -------
    pandas.DataFrame
        One column per schema field, in schema order, with a ``RangeIndex``.

    Raises
    ------
    UnknownNameError
        If there is no such table (the message lists the tables).
    DataValidationError
        If the table breaks its schema; ``.problems`` names file, row and field.
    DataDirectoryError
        If the data folder does not exist.

    Examples
    --------
    >>> import mscteach
    >>> trials = mscteach.load("clinical_studies")
    >>> trials.loc[trials.study_id == "lin2017", ["n_treated", "n_control"]].iloc[0].tolist()
    [56, 54]
    """
    folder = data_dir(data)
    res = resource(folder, name)
    # the cache key covers the table and every table it depends on
    paths = [resource(folder, table)["path"] for table in dependencies(name, folder)]
    stamps = tuple(file_stamp(folder / p) for p in ("datapackage.json", *paths))
    table = _load_cached(str(folder), name, stamps)
    out = table.copy(deep=True)
    for f in res["schema"]["fields"]:
        if f["type"] == "list":  # lists are objects: copy them too, so the cache stays intact
            out[f["name"]] = [list(v) for v in out[f["name"]]]
    return out
