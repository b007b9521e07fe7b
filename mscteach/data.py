"""Load, describe and validate the curated evidence tables.

The tables live as CSV files beside a Frictionless ``datapackage.json`` that
holds every table's schema: field types, descriptions, constraints
(``required``, ``unique``, ``enum``, ``minimum``, ``maximum``, ``pattern``),
primary keys, and ``listForeignKeys`` (each ``ref_ids`` item must be a
``references.ref_id``). The schema is the single definition of the data; this
module reads everything from it.

Two checkers read the same schema:

* :func:`load` checks the one table it reads (and its reference numbers) with
  a fast pandas pass, so ``import mscteach`` plus loading stays quick;
* :func:`validate` runs the Frictionless validator over the whole package
  and adds the checks Frictionless cannot express (list foreign keys, rows
  without a citation that do not say why).

Both report :class:`~mscteach.errors.Problem` objects naming file, row and
field.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataDirectoryError, DataValidationError, Problem, UnknownNameError

if TYPE_CHECKING:  # pandas is imported when a table is first loaded
    import pandas as pd

__all__ = [
    "ENV_VAR",
    "TableInfo",
    "check_choice",
    "cite",
    "data_dir",
    "describe",
    "list_tables",
    "load",
    "validate",
    "vocabulary",
]

#: Environment variable naming a data folder to use instead of the packaged one.
ENV_VAR = "MSCTEACH_DATA_DIR"

_PACKAGED = Path(__file__).resolve().parent / "_data"  # inside an installed wheel
_CHECKOUT = Path(__file__).resolve().parent.parent / "data"  # in a source checkout


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder to use.

    Parameters
    ----------
    path : str or path-like, optional
        An explicit folder. When omitted, the environment variable
        ``MSCTEACH_DATA_DIR`` is used if set, else the data shipped with the
        package (the ``data/`` folder of a checkout, or its copy in a wheel).

    Raises
    ------
    DataDirectoryError
        If the folder or its ``datapackage.json`` does not exist.
    """
    if path is None:
        path = os.environ.get(ENV_VAR) or None
    if path is None:
        folder = _PACKAGED if (_PACKAGED / "datapackage.json").is_file() else _CHECKOUT
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


def _descriptor(folder: Path) -> dict[str, Any]:
    file = folder / "datapackage.json"
    return _descriptor_cached(str(file), _stamp(file))


def _resource(folder: Path, name: str) -> dict[str, Any]:
    resources = {r["name"]: r for r in _descriptor(folder)["resources"]}
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
    return [r["name"] for r in _descriptor(data_dir(data))["resources"]]


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
    fields = {f["name"]: f for f in _resource(data_dir(data), table)["schema"]["fields"]}
    if field not in fields:
        raise UnknownNameError(f"field of {table}", field, list(fields))
    enum = fields[field].get("constraints", {}).get("enum")
    if enum is None:
        with_enum = [n for n, f in fields.items() if "enum" in f.get("constraints", {})]
        raise UnknownNameError(f"controlled field of {table}", field, with_enum)
    return list(enum)


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
_INT = re.compile(r"^[+-]?\d+$")


# The same wording is used for problems found by our reader and by Frictionless,
# so that validate() can merge both without repeating a problem.
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
        return f"{raw!r} is not an allowed value; allowed: {', '.join(map(str, cons['enum']))}"
    if constraint == "pattern":
        return f"{raw!r} does not match the pattern {cons['pattern']!r}"
    if constraint in ("minimum", "maximum"):
        return f"{raw} is out of range ({constraint} {cons[constraint]})"
    return f"{raw!r} breaks the {constraint} constraint"


def _duplicate_message(shown: object, first_row: int | str) -> str:
    return f"duplicate key {shown} (first seen on row {first_row})"


def _convert(value: str, field: dict[str, Any]) -> tuple[Any, str | None]:
    """Convert one non-empty cell; return (value, error message or None)."""
    ftype = field["type"]
    if ftype == "integer":
        if _INT.match(value):
            return int(value), None
        return None, _type_message(field, value)
    if ftype == "number":
        try:
            number = float(value)
        except ValueError:
            return None, _type_message(field, value)
        if number != number or number in (float("inf"), float("-inf")):
            return None, _type_message(field, value)
        return number, None
    if ftype == "list":
        items = [v.strip() for v in value.split(field.get("delimiter", ","))]
        if field.get("itemType") == "integer":
            if not all(_INT.match(v) for v in items):
                return None, _type_message(field, value)
            return [int(v) for v in items], None
        return items, None
    return value, None


def _decode(file: Path, rel: str) -> tuple[str | None, list[Problem]]:
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return None, [Problem(rel, message="file is missing")]
    except OSError as exc:
        return None, [Problem(rel, message=f"cannot be read: {exc.strerror}")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, row=line, message=f"is not UTF-8 text (byte 0x{raw[exc.start]:02x} "
                                                      f"at byte {exc.start}); save the file as UTF-8")]


MISSING_COLUMN = "column is missing from the header"
CELL_COUNT = "row has a different number of cells from the header"


def _unknown_column(names: list[str]) -> str:
    return f"unknown column (the schema has: {', '.join(names)})"


def _check_rows(rel: str, header: list[str], rows: list[list[str]], schema: dict[str, Any]
                ) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Type-convert and constraint-check rows against a table schema."""
    problems: list[Problem] = []
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    missing = [n for n in names if n not in header]
    for n in missing:
        problems.append(Problem(rel, row=1, field=n, message=MISSING_COLUMN))
    for n in header:
        if n not in names:
            problems.append(Problem(rel, row=1, field=n, message=_unknown_column(names)))
    dupes = sorted({n for n in header if header.count(n) > 1})
    for n in dupes:
        problems.append(Problem(rel, row=1, field=n, message="column appears more than once"))
    if missing or dupes:
        return {}, problems

    index = {n: header.index(n) for n in names}
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for i, row in enumerate(rows):
        line = i + 2
        if len(row) != len(header):
            problems.append(Problem(rel, row=line, message=CELL_COUNT))
            for n in names:
                columns[n].append(None)
            continue
        for f in fields:
            n = f["name"]
            raw = row[index[n]].strip()
            cons = f.get("constraints", {})
            if raw == "":
                if cons.get("required"):
                    problems.append(Problem(rel, row=line, field=n, message="a value is required but the cell is empty"))
                columns[n].append([] if f["type"] == "list" else None)
                continue
            value, error = _convert(raw, f)
            if error:
                problems.append(Problem(rel, row=line, field=n, message=error))
                columns[n].append(None)
                continue
            broken = []
            if "enum" in cons and value not in cons["enum"]:
                broken.append("enum")
            if "pattern" in cons and not re.fullmatch(cons["pattern"], raw):
                broken.append("pattern")
            if "minimum" in cons and isinstance(value, (int, float)) and value < cons["minimum"]:
                broken.append("minimum")
            if "maximum" in cons and isinstance(value, (int, float)) and value > cons["maximum"]:
                broken.append("maximum")
            problems += [Problem(rel, row=line, field=n, message=_constraint_message(f, c, raw)) for c in broken]
            columns[n].append(value)

    pk = schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    unique_sets = [[f["name"]] for f in fields if f.get("constraints", {}).get("unique")]
    if pk and pk not in unique_sets:
        unique_sets.append(pk)
    for key in unique_sets:
        seen: dict[tuple, int] = {}
        for i in range(len(rows)):
            value = tuple(columns[k][i] for k in key)
            if any(v is None for v in value):
                continue
            if value in seen:
                shown = ", ".join(map(str, value))
                problems.append(Problem(rel, row=i + 2, field="/".join(key),
                                        message=_duplicate_message(shown, seen[value])))
            else:
                seen[value] = i + 2
    return columns, problems


def _parse(file: Path, rel: str, schema: dict[str, Any]) -> tuple[dict[str, list[Any]], int, list[Problem]]:
    text, problems = _decode(file, rel)
    if text is None:
        return {}, 0, problems
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return {}, 0, [Problem(rel, message=f"is not valid CSV: {exc}")]
    if not records:
        return {}, 0, [Problem(rel, row=1, message="file is empty (no header row)")]
    header = [h.strip() for h in records[0]]
    rows = [r for r in records[1:] if any(cell.strip() for cell in r)]
    columns, problems = _check_rows(rel, header, rows, schema)
    return columns, len(rows), problems


def _uncited_rows(rel: str, columns: dict[str, list[Any]], schema: dict[str, Any]) -> list[Problem]:
    """A row with no reference must say why in ``notes`` (house rule of the data)."""
    names = {f["name"] for f in schema["fields"]}
    if not {"ref_ids", "notes"} <= names:
        return []
    return [Problem(rel, row=i + 2, field="ref_ids",
                    message="no reference given and notes does not explain why")
            for i, (refs, note) in enumerate(zip(columns["ref_ids"], columns["notes"]))
            if refs == [] and not (note or "").strip()]


def _foreign_keys(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Standard (scalar) foreign keys and ``listForeignKeys`` (from a list field), alike."""
    return list(schema.get("foreignKeys", [])) + list(schema.get("listForeignKeys", []))


def _dangling(rel: str, columns: dict[str, list[Any]], schema: dict[str, Any],
              targets: dict[tuple[str, str], set[Any]]) -> list[Problem]:
    problems = []
    for fk in _foreign_keys(schema):
        field, ref = fk["fields"], fk["reference"]
        known = targets.get((ref["resource"], ref["fields"]))
        if known is None or field not in columns:
            continue
        for i, value in enumerate(columns[field]):
            items = value if isinstance(value, list) else ([] if value is None else [value])
            for item in items:
                if item not in known:
                    message = f"{item} is not a {ref['resource']}.{ref['fields']}"
                    if known and all(isinstance(k, int) for k in known):
                        message += f" (known: {min(known)}-{max(known)})"
                    problems.append(Problem(rel, row=i + 2, field=field, message=message))
    return problems


@lru_cache(maxsize=64)
def _load_cached(folder: str, name: str, stamps: tuple) -> "pd.DataFrame":
    import pandas as pd

    root = Path(folder)
    res = _resource(root, name)
    schema = res["schema"]
    rel = f"{root.name}/{res['path']}"
    columns, n_rows, problems = _parse(root / res["path"], rel, schema)
    if not problems:
        problems += _uncited_rows(rel, columns, schema)
        targets = {}
        for fk in _foreign_keys(schema):
            target, key = fk["reference"]["resource"], fk["reference"]["fields"]
            if target == name:
                targets[(target, key)] = set(columns[key])
                continue
            try:
                targets[(target, key)] = set(load(target, root)[key])
            except DataValidationError as exc:
                problems.append(Problem(rel, message=f"cannot check references: {target} is invalid"))
                problems += exc.problems
        problems += _dangling(rel, columns, schema, targets)
    if problems:
        raise DataValidationError(sorted(set(problems), key=_problem_order),
                                  context=f"table {name!r} in {folder} is invalid")

    frame = {}
    for f in schema["fields"]:
        values = columns[f["name"]]
        if f["type"] == "integer":
            frame[f["name"]] = pd.array(values, dtype="Int64")
        elif f["type"] == "number":
            frame[f["name"]] = pd.array(values, dtype="Float64")
        elif f["type"] == "list":
            frame[f["name"]] = pd.Series(values, dtype=object)
        else:
            frame[f["name"]] = pd.array(values, dtype="string")
    return pd.DataFrame(frame, index=pd.RangeIndex(n_rows))


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
    # the cache key covers the table and every table its foreign keys point to
    targets = [_resource(folder, fk["reference"]["resource"])["path"] for fk in _foreign_keys(res["schema"])]
    stamps = tuple(_stamp(folder / p) for p in ("datapackage.json", res["path"], *targets))
    table = _load_cached(str(folder), name, stamps)
    out = table.copy(deep=True)
    for f in _resource(folder, name)["schema"]["fields"]:
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

    Runs the Frictionless validator over ``datapackage.json`` and every table
    (encoding, header, types, required values, enums, ranges, patterns,
    primary keys), together with mscteach's own reader, which adds the checks
    Frictionless cannot express: each ``ref_ids`` item must be a reference
    number, and a row without one must say why in ``notes``. Problems found
    by both are reported once.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder; defaults to ``$MSCTEACH_DATA_DIR`` or the packaged data.
    """
    folder = data_dir(data)
    descriptor = _descriptor(folder)
    own: list[Problem] = []
    parsed = {}
    for resource in descriptor["resources"]:
        rel = f"{folder.name}/{resource['path']}"
        columns, _, found = _parse(folder / resource["path"], rel, resource["schema"])
        own += found
        parsed[resource["name"]] = (rel, columns, resource["schema"])
    targets = {
        (name, f["name"]): {v for v in columns[f["name"]] if v is not None}
        for name, (rel, columns, schema) in parsed.items() if columns
        for f in schema["fields"] if f["type"] != "list"
    }
    for rel, columns, schema in parsed.values():
        if columns:
            own += _uncited_rows(rel, columns, schema)
            own += _dangling(rel, columns, schema, targets)

    unreadable = {p.file for p in own if p.field is None and p.row in (None, 1) or "UTF-8" in p.message}
    theirs = [p for p in _frictionless_problems(folder, descriptor)
              if not (p.file in unreadable and p.field is None)]
    return sorted(set(own) | set(theirs), key=_problem_order)


def _frictionless_problems(folder: Path, descriptor: dict[str, Any]) -> list[Problem]:
    from frictionless import Package

    try:
        report = Package(str(folder / "datapackage.json")).validate()
    except Exception as exc:  # frictionless raises on a malformed descriptor
        return [Problem("datapackage.json", message=f"invalid data package descriptor: {exc}")]
    problems = [Problem("datapackage.json", message=err.message) for err in report.errors]
    for task, resource in zip(report.tasks, descriptor["resources"]):
        rel = f"{folder.name}/{resource['path']}"
        fields = {f["name"]: f for f in resource["schema"]["fields"]}
        unique_rows = {e.row_number for e in task.errors if e.type == "unique-error"}
        for err in task.errors:
            problem = _from_frictionless(rel, err, fields, unique_rows)
            if problem is not None:
                problems.append(problem)
    return problems


def _from_frictionless(rel: str, err: Any, fields: dict[str, dict[str, Any]],
                       unique_rows: set[int]) -> Problem | None:
    """Translate one Frictionless error into a Problem worded like our own."""
    row = getattr(err, "row_number", None)
    name = getattr(err, "field_name", None)
    raw = getattr(err, "cell", "")
    field = fields.get(name, {})
    if err.type == "missing-label":
        return Problem(rel, row=1, field=name, message=MISSING_COLUMN)
    if err.type in ("extra-label", "duplicate-label"):
        label = getattr(err, "label", name)
        return Problem(rel, row=1, field=label, message=_unknown_column(list(fields)))
    if err.type in ("missing-cell", "extra-cell"):
        return Problem(rel, row=row, message=CELL_COUNT)
    if err.type == "type-error" and field:
        return Problem(rel, row=row, field=name, message=_type_message(field, raw))
    if err.type == "constraint-error" and field:
        match = re.search(r'constraint "(\w+)"', err.note or "")
        constraint = match.group(1) if match else "unknown"
        return Problem(rel, row=row, field=name, message=_constraint_message(field, constraint, raw))
    if err.type == "unique-error":
        first = re.search(r"position (\d+)", err.note or "")
        return Problem(rel, row=row, field=name, message=_duplicate_message(raw, first.group(1) if first else "?"))
    if err.type == "primary-key":
        # Reported as a unique-error on the same row already, or caused by a cell
        # that is not even of the right type (reported as a type-error).
        if row in unique_rows or "None" in (err.note or ""):
            return None
        return Problem(rel, row=row, message=f"duplicate primary key ({err.note})")
    if err.type == "blank-row":
        return None  # blank lines are skipped by load() too
    if err.type == "encoding-error":
        return Problem(rel, message="is not UTF-8 text; save the file as UTF-8")
    if "No such file" in err.message or "does not exist" in err.message:
        return Problem(rel, message="file is missing")
    return Problem(rel, row=row, field=name, message=err.message)
