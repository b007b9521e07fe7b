"""What the data package's schema says: tables, fields, vocabularies, keys and domain rules.

Everything here is read from ``datapackage.json``; the vocabularies and rules
are written there once, and widgets, figures, reports and validation ask here.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import DataValidationError, Problem, UnknownNameError
from .locate import data_dir

__all__ = ["RANDOMISED", "check_choice", "dependencies", "enums", "field_schema", "file_stamp", "foreign_keys",
           "is_randomised", "list_tables", "package_descriptor", "randomised_designs", "resource", "targets",
           "unique_keys", "vocabulary"]

#: The custom field property that lists which values of a design field are randomised.
RANDOMISED = "randomised"


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


def file_stamp(file: Path) -> tuple[int, int]:
    """(modification time, size) of a file, or ``(0, -1)`` if it is missing: a cheap cache key."""
    try:
        st = file.stat()
    except FileNotFoundError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def package_descriptor(folder: Path) -> dict[str, Any]:
    """The data folder's ``datapackage.json`` as a dict (read again only when the file changes; do not modify)."""
    file = folder / "datapackage.json"
    return _descriptor_cached(str(file), file_stamp(file))


def resource(folder: Path, name: str) -> dict[str, Any]:
    """The descriptor of table ``name`` (do not modify).

    Raises
    ------
    UnknownNameError
        If the package has no such table (the message lists the tables).
    """
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


def _fields(folder: Path, table: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in resource(folder, table)["schema"]["fields"]}


def vocabulary(table: str, field: str, data: str | os.PathLike[str] | None = None) -> list[str]:
    """The allowed values of a field (its ``enum`` constraint), in schema order.

    The controlled vocabularies (diseases, designs, cell types, ...) are
    defined once, in the schema; widgets' options, figures' colours and report
    parameters read them here, in this order.

    Raises
    ------
    UnknownNameError
        If the table or field does not exist, or the field has no enum.
    """
    folder = data_dir(data)
    fields = _fields(folder, table)
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
    fields = _fields(data_dir(data), table)
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


def randomised_designs(data: str | os.PathLike[str] | None = None) -> frozenset[str]:
    """The study designs that are randomised: those ``clinical_studies.design`` lists as ``randomised``.

    >>> sorted(randomised_designs())
    ['RCT']
    """
    design = field_schema("clinical_studies", "design", data)
    # a data folder copied by an earlier mscteach (a workspace) has no such list: RCT was the rule then
    return frozenset(design.get(RANDOMISED, ["RCT"]))


def is_randomised(design: Any, data: str | os.PathLike[str] | None = None) -> bool:
    """Whether a study design (a ``clinical_studies.design`` value) is randomised.

    >>> is_randomised("RCT"), is_randomised("cohort")
    (True, False)
    """
    return design in randomised_designs(data)


def dependencies(name: str, data: str | os.PathLike[str] | None = None) -> list[str]:
    """The tables ``name`` depends on through foreign keys (transitively), itself first."""
    descriptor = package_descriptor(data_dir(data))
    schemas = {r["name"]: r["schema"] for r in descriptor["resources"]}
    if name not in schemas:
        raise UnknownNameError("table", name, list(schemas))
    order = [name]
    for current in order:
        for target, _ in targets(schemas[current]):
            if target not in order and target in schemas:
                order.append(target)
    return order


def unique_keys(schema: dict[str, Any]) -> list[list[str]]:
    """Fields that must be unique (``unique`` constraints), and the primary key."""
    keys = [[f["name"]] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    pk = schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    if pk and pk not in keys:
        keys.append(pk)
    return keys


def foreign_keys(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """A table's ``foreignKeys`` and ``listForeignKeys`` (a key from a list field, such as ``ref_ids``)."""
    return list(schema.get("foreignKeys", [])) + list(schema.get("listForeignKeys", []))


def targets(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """The (table, field) pairs this schema's keys point to (a vocabularyFrom needs only the schema)."""
    return [(fk["reference"]["resource"], fk["reference"]["fields"]) for fk in foreign_keys(schema)]


def enums(descriptor: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """Every (table, field) with an ``enum`` constraint, and its allowed values."""
    return {(r["name"], f["name"]): list(f["constraints"]["enum"]) for r in descriptor["resources"]
            for f in r["schema"]["fields"] if "enum" in f.get("constraints", {})}
