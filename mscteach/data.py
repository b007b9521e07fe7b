"""Load, describe and validate the curated evidence tables.

The tables live as CSV files beside a Frictionless ``datapackage.json`` that
holds every table's schema: field types, descriptions, constraints
(``required``, ``unique``, ``enum``, ``minimum``, ``maximum``, ``pattern``),
primary keys, and ``listForeignKeys`` (each ``ref_ids`` item must be a
``references.ref_id``). The schema is the single definition of the data; this
module reads everything from it.

Two checkers read the same schema and never disagree:

* :func:`validate` asks Frictionless about every table (it is the authority on
  what is wrong) and adds the checks Frictionless cannot express (foreign keys
  from a list field, vocabularies shared between tables, rows without a
  citation that do not say why);
* :func:`load` reads one table with a fast reader that applies exactly
  Frictionless's rules, so ``import mscteach`` plus loading stays quick; it
  raises if and only if :func:`validate` reports a problem in that table or in
  a table it depends on.

Both report :class:`~mscteach.errors.Problem` objects naming file, row and
field.
"""
from __future__ import annotations

import csv
import io
import json
import operator
import os
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataDirectoryError, DataValidationError, Problem, UnknownNameError

if TYPE_CHECKING:  # pandas is imported when a table is first loaded
    import pandas as pd

__all__ = [
    "ENV_VAR",
    "package_descriptor",
    "TableInfo",
    "check_choice",
    "cite",
    "data_dir",
    "dependencies",
    "describe",
    "field_schema",
    "list_tables",
    "load",
    "validate",
    "vocabulary",
]

#: Environment variable naming a data folder to use instead of the packaged one.
ENV_VAR = "MSCTEACH_DATA_DIR"



def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder to use.

    Parameters
    ----------
    path : str or path-like, optional
        An explicit folder. When omitted, the environment variable
        ``MSCTEACH_DATA_DIR`` is used if set, else the data of the workspace
        you are in (``mscteach init``), else the data shipped with the package
        (its copy in a wheel, or the ``data/`` folder of a checkout).

    Raises
    ------
    DataDirectoryError
        If the folder or its ``datapackage.json`` does not exist.
    """
    if path is None:
        path = os.environ.get(ENV_VAR) or None
    if path is None:
        from .resources import course_folder

        folder = course_folder("data")
    else:
        folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise DataDirectoryError(f"data folder {str(folder)!r} does not exist")
    if not (folder / "datapackage.json").is_file():
        raise DataDirectoryError(
            f"data folder {str(folder)!r} has no datapackage.json "
            "(copy the whole data/ folder, not only the CSV files)"
        )
    return folder


@lru_cache(maxsize=16)
def _descriptor_cached(path: str, stamp: tuple[int, int]) -> dict[str, Any]:
    file = Path(path)
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataValidationError(
            [Problem(file.name, message=f"not valid UTF-8 JSON: {exc}")],
            context=f"cannot read {file}",
        ) from None


def _stamp(file: Path) -> tuple[int, int]:
    try:
        st = file.stat()
    except FileNotFoundError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def package_descriptor(folder: Path) -> dict[str, Any]:
    """The data folder's ``datapackage.json`` as a dict (read again only when the file changes; do not modify)."""
    file = folder / "datapackage.json"
    return _descriptor_cached(str(file), _stamp(file))


def _resource(folder: Path, name: str) -> dict[str, Any]:
    resources = {r["name"]: r for r in package_descriptor(folder)["resources"]}
    if name not in resources:
        raise UnknownNameError("table", name, list(resources))
    return resources[name]


def list_tables(data: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the tables in the data package, in the package's order.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder (see :func:`data_dir`).
    """
    return [r["name"] for r in package_descriptor(data_dir(data))["resources"]]


# --------------------------------------------------------------------------- describe
@dataclass(frozen=True)
class TableInfo:
    """What a table holds: its title, description and columns.

    ``columns`` is a DataFrame with one row per column: ``name``, ``type``,
    ``required``, ``allowed`` (the allowed values, if restricted) and
    ``description``. ``str(info)`` is a readable text; in a notebook the
    object renders as Markdown.
    """

    name: str
    title: str
    description: str
    primary_key: list[str]
    columns: "pd.DataFrame"
    n_rows: int

    def __str__(self) -> str:
        lines = [f"{self.name}: {self.title} ({self.n_rows} rows)", "", self.description, ""]
        for col in self.columns.itertuples():
            extra = f" One of: {col.allowed}." if col.allowed else ""
            req = ", required" if col.required else ""
            lines.append(f"  {col.name} ({col.type}{req}): {col.description}{extra}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        rows = [f"### `{self.name}`: {self.title} ({self.n_rows} rows)", "", self.description, "",
                "| column | type | description |", "|---|---|---|"]
        for col in self.columns.itertuples():
            extra = f" One of: {col.allowed}." if col.allowed else ""
            rows.append(f"| `{col.name}` | {col.type} | {col.description}{extra} |")
        return "\n".join(rows)


def describe(name: str, data: str | os.PathLike[str] | None = None) -> TableInfo:
    """Describe a table from its schema in ``datapackage.json``.

    Parameters
    ----------
    name : str
        Table name (see :func:`list_tables`).
    data : str or path-like, optional
        Data folder (see :func:`data_dir`).

    Returns
    -------
    TableInfo
    """
    import pandas as pd

    folder = data_dir(data)
    res = _resource(folder, name)
    cols = []
    for f in res["schema"]["fields"]:
        cons = f.get("constraints", {})
        ftype = f["type"] if f["type"] != "list" else f"list of {f.get('itemType', 'string')}"
        cols.append({
            "name": f["name"],
            "type": ftype,
            "required": bool(cons.get("required", False)),
            "allowed": ", ".join(map(str, cons.get("enum", []))),
            "description": f.get("description", ""),
        })
    pk = res["schema"].get("primaryKey", [])
    return TableInfo(
        name=name,
        title=res.get("title", name),
        description=res.get("description", ""),
        primary_key=[pk] if isinstance(pk, str) else list(pk),
        columns=pd.DataFrame(cols),
        n_rows=len(load(name, folder)),
    )


def vocabulary(table: str, field: str, data: str | os.PathLike[str] | None = None) -> list[str]:
    """The allowed values of a field (its ``enum`` constraint), in schema order.

    The controlled vocabularies (diseases, designs, cell types, ...) are
    defined once, in the schema; widgets and report parameters read them here.

    Raises
    ------
    UnknownNameError
        If the table or field does not exist, or the field has no enum.
    """
    folder = data_dir(data)
    fields = {f["name"]: f for f in _resource(folder, table)["schema"]["fields"]}
    if field not in fields:
        raise UnknownNameError(f"field of {table}", field, list(fields))
    source = fields[field].get("vocabularyFrom")
    if source:  # a curation mapping shares another table's vocabulary
        return vocabulary(source["resource"], source["field"], folder)
    enum = fields[field].get("constraints", {}).get("enum")
    if enum is None:
        with_enum = [n for n, f in fields.items() if "enum" in f.get("constraints", {}) or "vocabularyFrom" in f]
        raise UnknownNameError(f"controlled field of {table}", field, with_enum)
    return list(enum)


def field_schema(table: str, field: str, data: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The schema of one field (a copy), with its type, constraints and any custom properties."""
    fields = {f["name"]: f for f in _resource(data_dir(data), table)["schema"]["fields"]}
    if field not in fields:
        raise UnknownNameError(f"field of {table}", field, list(fields))
    return json.loads(json.dumps(fields[field]))


def check_choice(table: str, field: str, value: Any, data: str | os.PathLike[str] | None = None,
                 parameter: str | None = None) -> Any:
    """Return ``value`` if it is ``"all"`` or an allowed value of ``table.field``; else raise.

    Used by chapters and reports to reject a misspelt parameter before any work
    is done. The error names the parameter, the value, the allowed values and
    the closest match.

    Raises
    ------
    UnknownNameError
    """
    allowed = vocabulary(table, field, data)
    if value == "all" or value in allowed:
        return value
    raise UnknownNameError(f"value for {parameter or field}", value, ["all", *allowed])


# --------------------------------------------------------------------------- reading
# load() reads with its own fast reader; validate() asks Frictionless. Both must say the
# same thing about every input, so the reader mirrors Frictionless's value readers exactly:
#  * a cell is missing only when it is exactly empty ("" is Frictionless's missing value);
#  * text is kept as written: a space or no-break space after "RCT" is part of the value
#    and breaks an enum in both (the message shows it);
#  * integers and numbers are read as int() and Decimal() read them after stripping the
#    cell, as Frictionless does; NaN breaks a minimum or maximum, as there; booleans are
#    Frictionless's true/false spellings, unstripped;
#  * header labels are stripped and matched to fields by name, in any order
#    ("fieldsMatch": "equal" in every schema);
#  * a row of empty cells is a "blank row" problem, and rows are numbered by their
#    position in the file (the header is row 1), blank rows included.
def _type_message(field: dict[str, Any], raw: str) -> str:
    if field["type"] == "list":
        return (f"{raw!r} is not a list of {field.get('itemType', 'string')}s "
                f"separated by {field.get('delimiter', ',')!r}")
    article = "an" if field["type"][0] in "aeiou" else "a"
    return f"{raw!r} is not {article} {field['type']}"


def _constraint_message(field: dict[str, Any], constraint: str, raw: str) -> str:
    cons = field.get("constraints", {})
    if constraint == "required":
        return "a value is required but the cell is empty"
    if constraint == "enum":
        hint = " (remove the spaces around it)" if raw != raw.strip() and raw.strip() in cons["enum"] else ""
        return f"{raw!r} is not an allowed value{hint}; allowed: {', '.join(map(str, cons['enum']))}"
    if constraint == "pattern":
        return f"{raw!r} does not match the pattern {cons['pattern']!r}"
    if constraint in ("minimum", "maximum"):
        return f"{raw.strip()} is out of range ({constraint} {cons[constraint]})"
    return f"{raw!r} breaks the {constraint} constraint"


def _duplicate_message(shown: object, first_row: int) -> str:
    return f"duplicate key {shown} (first seen on row {first_row})"


MISSING_COLUMN = "column is missing from the header"
DUPLICATE_COLUMN = "column appears more than once in the header"
BLANK_ROW = "blank row (delete it, or fill it in)"


def _unknown_column(names: list[str]) -> str:
    return f"unknown column (the schema has: {', '.join(names)})"


def _missing_cell(n_cells: int, n_columns: int) -> str:
    return f"the row ends before this column ({n_cells} cells; the header has {n_columns})"


def _extra_cell(position: int, raw: str, n_columns: int) -> str:
    return f"cell {position} ({raw!r}) is beyond the header's {n_columns} columns"


#: Frictionless's default spellings of a boolean.
TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")


def _read_value(raw: str, field: dict[str, Any]) -> tuple[Any, bool]:
    """Read one non-missing cell as Frictionless does; return (value, readable)."""
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
            value, readable = _read_value(part, item)
            if not readable:
                return None, False
            items.append(value)
        return items, True
    return raw, True


def _broken_constraints(field: dict[str, Any], value: Any) -> list[str]:
    """The cell constraints ``value`` breaks, in Frictionless's order (``None`` is a missing cell)."""
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
class _Table:
    """What the fast reader makes of one CSV file: typed columns, row numbers and problems."""

    rel: str
    schema: dict[str, Any]
    columns: dict[str, list[Any]] = dataclass_field(default_factory=dict)
    rows: list[int] = dataclass_field(default_factory=list)  # the file row number of each data row kept
    problems: list[Problem] = dataclass_field(default_factory=list)
    header_ok: bool = False


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


NOT_UTF8 = "is not UTF-8 text; save the file as UTF-8"


def _header_problems(rel: str, header: list[str], names: list[str]) -> list[Problem]:
    problems = [Problem(rel, row=1, field=n, message=MISSING_COLUMN) for n in names if n not in header]
    problems += [Problem(rel, row=1, field=n, message=_unknown_column(names)) for n in header if n not in names]
    problems += [Problem(rel, row=1, field=n, message=DUPLICATE_COLUMN)
                 for n in sorted({n for n in header if header.count(n) > 1})]
    return problems


def _read(folder: Path, resource: dict[str, Any]) -> _Table:
    """Read and check one table against its schema (everything but cross-table checks)."""
    rel = f"{folder.name}/{resource['path']}"
    schema = resource["schema"]
    table = _Table(rel, schema)
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
            problems.append(Problem(rel, row=number, message=_extra_cell(extra + 1, record[extra], width)))
        table.rows.append(number)
        for f in fields:
            n = f["name"]
            if position[n] >= len(record):
                problems.append(Problem(rel, row=number, field=n, message=_missing_cell(len(record), width)))
                columns[n].append([] if f["type"] == "list" else None)
                continue
            raw = record[position[n]]
            value = None
            if raw != "":
                value, readable = _read_value(raw, f)
                if not readable:
                    problems.append(Problem(rel, row=number, field=n, message=_type_message(f, raw)))
                    columns[n].append(None)
                    continue
            problems += [Problem(rel, row=number, field=n, message=_constraint_message(f, c, raw))
                         for c in _broken_constraints(f, value)]
            columns[n].append(value if value is not None or f["type"] != "list" else [])
    table.columns = columns
    first_seen = {}
    for key in _unique_keys(schema):
        seen: dict[tuple, int] = {}
        for i, number in enumerate(table.rows):
            value = tuple(columns[k][i] for k in key)
            if any(v is None for v in value):
                continue
            if value in seen:
                problems.append(Problem(rel, row=number, field="/".join(key),
                                        message=_duplicate_message(", ".join(map(str, value)), seen[value])))
            else:
                seen[value] = number
        first_seen["/".join(key)] = seen
    return table


EMPTY_FILE = "file is empty (no header row)"


def _unique_keys(schema: dict[str, Any]) -> list[list[str]]:
    """Fields that must be unique (``unique`` constraints), and the primary key."""
    keys = [[f["name"]] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    pk = schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    if pk and pk not in keys:
        keys.append(pk)
    return keys


# --------------------------------------------------------------------------- checks across tables
# Frictionless cannot express these, so mscteach checks them, the same way for load() and validate():
#  * foreignKeys and listForeignKeys (a foreign key from a list field, such as ref_ids);
#  * vocabularyFrom: a field whose allowed values are another table's enum (curation mappings);
#  * a row without a citation must say why in notes.
def _foreign_keys(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return list(schema.get("foreignKeys", [])) + list(schema.get("listForeignKeys", []))


def _targets(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """The (table, field) pairs this schema's keys point to (a vocabularyFrom needs only the schema)."""
    return [(fk["reference"]["resource"], fk["reference"]["fields"]) for fk in _foreign_keys(schema)]


def _cross_table_problems(table: _Table, known: dict[tuple[str, str], set[Any]],
                          vocabularies: dict[tuple[str, str], list[str]]) -> list[Problem]:
    if not table.header_ok:
        return []
    problems = []
    columns, rel = table.columns, table.rel
    for fk in _foreign_keys(table.schema):
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
        allowed = vocabularies.get((source["resource"], source["field"]), [])
        for number, value in zip(table.rows, columns[f["name"]]):
            if value is not None and value not in allowed:
                problems.append(Problem(rel, row=number, field=f["name"],
                                        message=f"{value!r} is not an allowed value (the vocabulary of "
                                                f"{source['resource']}.{source['field']}); allowed: "
                                                f"{', '.join(allowed)}"))
    names = {f["name"] for f in table.schema["fields"]}
    if {"ref_ids", "notes"} <= names:
        problems += [Problem(rel, row=number, field="ref_ids",
                             message="no reference given and notes does not explain why")
                     for number, refs, note in zip(table.rows, columns["ref_ids"], columns["notes"])
                     if refs == [] and not (note or "").strip()]
    return problems


def _enums(descriptor: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    return {(r["name"], f["name"]): list(f["constraints"]["enum"]) for r in descriptor["resources"]
            for f in r["schema"]["fields"] if "enum" in f.get("constraints", {})}


@lru_cache(maxsize=64)
def _load_cached(folder: str, name: str, stamps: tuple) -> "pd.DataFrame":
    import pandas as pd

    root = Path(folder)
    res = _resource(root, name)
    schema = res["schema"]
    table = _read(root, res)
    problems = list(table.problems)
    known, invalid = {}, []
    for target, key in sorted(set(_targets(schema))):
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
        problems += _cross_table_problems(table, known, _enums(package_descriptor(root)))
    if problems:
        raise DataValidationError(sorted(set(problems), key=_problem_order), context=context)

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


def _problem_order(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else 0, p.field or "", p.message)


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
    res = _resource(folder, name)
    # the cache key covers the table and every table it depends on
    paths = [_resource(folder, table)["path"] for table in dependencies(name, folder)]
    stamps = tuple(_stamp(folder / p) for p in ("datapackage.json", *paths))
    table = _load_cached(str(folder), name, stamps)
    out = table.copy(deep=True)
    for f in res["schema"]["fields"]:
        if f["type"] == "list":  # lists are objects: copy them too, so the cache stays intact
            out[f["name"]] = [list(v) for v in out[f["name"]]]
    return out


def cite(ref_id: int, data: str | os.PathLike[str] | None = None) -> str:
    """A formatted (Vancouver-style) citation of one of the review's references.

    Parameters
    ----------
    ref_id : int
        Reference number as used in the review (1-103).

    Examples
    --------
    >>> import mscteach
    >>> mscteach.cite(16)
    '[16] Caplan AI. Mesenchymal stem cells. Journal of orthopaedic research : official publication of the Orthopaedic Research Society. 1991;9(5):641-50.'
    """
    refs = load("references", data)
    try:
        if isinstance(ref_id, bool):  # True is not reference 1
            raise TypeError
        number = int(ref_id)
        if isinstance(ref_id, float) and ref_id != number:
            raise ValueError
    except (TypeError, ValueError):
        number = None
    row = refs[refs["ref_id"] == number] if number is not None else refs.iloc[0:0]
    if row.empty:
        ids = refs["ref_id"].tolist()
        raise UnknownNameError("reference number", ref_id, [f"{min(ids)}-{max(ids)}"])
    return f"[{number}] {format_citation(row.iloc[0])}"


def format_citation(ref: Any) -> str:
    """Vancouver-style citation text of one ``references`` row (without its number)."""
    text = f"{ref['authors']}. {ref['title']}. {ref['journal']}. {ref['year']}"
    if not _missing(ref["volume"]):
        text += f";{ref['volume']}"
        if not _missing(ref["issue"]):
            text += f"({ref['issue']})"
    if not _missing(ref["pages"]):
        text += f":{ref['pages']}"
    text += "."
    if not _missing(ref["doi"]):
        text += f" doi:{ref['doi']}"
    return text


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or value != value


# --------------------------------------------------------------------------- validate
def validate(data: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Check a whole data folder; return every problem found (empty if clean).

    Frictionless is the authority on each table: encoding, header, types,
    required values, enums, ranges, patterns, unique and primary keys (its
    errors are reported in mscteach's wording, from the report's structured
    fields). mscteach adds the checks Frictionless cannot express: foreign keys
    from a list field (``ref_ids``), ``vocabularyFrom`` fields, and rows
    without a citation that do not say why in ``notes``.

    :func:`load` reads with the same rules: it raises for a table if and only
    if this reports a problem in that table or in a table it depends on.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder; defaults to ``$MSCTEACH_DATA_DIR`` or the packaged data.
    """
    folder = data_dir(data)
    descriptor = package_descriptor(folder)
    tables = {r["name"]: _read(folder, r) for r in descriptor["resources"]}
    own: dict[str, list[Problem]] = {name: [] for name in tables}
    rels = {table.rel: name for name, table in tables.items()}
    outside = []
    for problem in _frictionless_problems(folder, descriptor, tables):
        (own[rels[problem.file]] if problem.file in rels else outside).append(problem)
    known = {(name, f["name"]): {v for v in table.columns[f["name"]] if v is not None}
             for name, table in tables.items() if table.header_ok
             for f in table.schema["fields"] if f["type"] != "list"}
    vocabularies = _enums(descriptor)
    done: dict[str, bool] = {}

    def clean(name: str) -> bool:
        """Whether ``name`` and every table it depends on has no problem (as load() would find)."""
        if name not in done:
            done[name] = True  # a table may reference itself
            targets = sorted({t for t, _ in _targets(tables[name].schema) if t != name and t in tables})
            invalid = [t for t in targets if not clean(t)]
            table = tables[name]
            if not invalid:  # as in load(): references are checked once their targets are clean
                own[name] += _cross_table_problems(table, known, vocabularies)
            done[name] = not own[name] and not invalid
        return done[name]

    for name in tables:
        clean(name)
    problems = set(outside).union(*own.values())
    return sorted(problems, key=_problem_order)


def dependencies(name: str, data: str | os.PathLike[str] | None = None) -> list[str]:
    """The tables ``name`` depends on through foreign keys (transitively), itself first."""
    descriptor = package_descriptor(data_dir(data))
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    if name not in schemas:
        raise UnknownNameError("table", name, list(schemas))
    order = [name]
    for current in order:
        for target, _ in _targets(schemas[current]):
            if target not in order and target in schemas:
                order.append(target)
    return order


def _frictionless_problems(folder: Path, descriptor: dict[str, Any], tables: dict[str, _Table]) -> list[Problem]:
    from frictionless import Package

    try:
        report = Package(str(folder / "datapackage.json")).validate()
    except Exception as exc:  # frictionless raises on a malformed descriptor
        return [Problem("datapackage.json", message=f"invalid data package descriptor: {exc}")]
    problems = [Problem("datapackage.json", message=err.message) for err in report.errors]
    for task, resource in zip(report.tasks, descriptor["resources"]):
        table = tables[resource["name"]]
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        errors = list(task.errors)
        located = {(getattr(e, "row_number", None), getattr(e, "field_name", None)) for e in errors
                   if e.type == "missing-cell"}
        unique_rows = {e.row_number for e in errors if e.type in ("unique-error", "blank-row")}
        seen: set[tuple[int | None, str | None]] = set()
        for err in errors:
            row, name = getattr(err, "row_number", None), getattr(err, "field_name", None)
            if err.type == "constraint-error" and (row, name) in located:
                continue  # a missing cell of a required field: reported once, as a missing cell
            if err.type == "primary-key" and row in unique_rows:
                continue  # the same duplicate, already reported for its unique field
            if err.type == "foreign-key":
                continue  # reported by the shared reference check (which covers list fields too)
            if err.type == "constraint-error":
                if (row, name) in seen:
                    continue  # one error per broken constraint: all of them are derived at once
                seen.add((row, name))
            problems += _from_frictionless(table, err, fields)
    return problems


def _from_frictionless(table: _Table, err: Any, fields: dict[str, dict[str, Any]]) -> list[Problem]:
    """Translate one Frictionless error into Problems worded like the fast reader's."""
    rel = table.rel
    row = getattr(err, "row_number", None)
    name = getattr(err, "field_name", None)
    raw = getattr(err, "cell", "")
    field = fields.get(name, {})
    names = list(fields)
    if err.type == "missing-label":
        return [Problem(rel, row=1, field=name, message=MISSING_COLUMN)]
    if err.type == "extra-label":
        return [Problem(rel, row=1, field=err.label, message=_unknown_column(names))]
    if err.type in ("duplicate-label", "incorrect-label", "blank-header", "error") and not table.header_ok:
        return [p for p in table.problems if p.row == 1]  # the header, in the reader's words
    if err.type == "missing-cell":
        return [Problem(rel, row=row, field=name, message=_missing_cell(len(err.cells), len(names)))]
    if err.type == "extra-cell":
        return [Problem(rel, row=row, message=_extra_cell(err.field_number, raw, len(names)))]
    if err.type == "blank-row":
        return [Problem(rel, row=row, message=BLANK_ROW)]
    if err.type == "type-error" and field:
        return [Problem(rel, row=row, field=name, message=_type_message(field, raw))]
    if err.type == "constraint-error" and field:
        value = None if raw in ("", None) else _read_value(raw, field)[0]
        return [Problem(rel, row=row, field=name, message=_constraint_message(field, c, raw or ""))
                for c in _broken_constraints(field, value)]
    if err.type in ("unique-error", "primary-key"):
        key = "/".join([name] if err.type == "unique-error" else _unique_keys(table.schema)[-1])
        found = [p for p in table.problems if p.row == row and p.field == key and p.message.startswith("duplicate")]
        return found or [Problem(rel, row=row, field=key, message=f"duplicate key {raw or ''}".strip())]
    if err.type == "encoding-error":
        return [Problem(rel, message=NOT_UTF8)]
    whole_file = [p for p in table.problems if p.row is None]
    if row is None and name is None and whole_file:
        return whole_file  # a file that is missing, empty or unreadable, in the reader's words
    return [Problem(rel, row=row, field=name, message=err.message)]
