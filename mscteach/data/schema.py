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
    """(modification time, size) of a file, or ``(0, -1)`` if it is missing: a cheap cache key.

    Parameters
    ----------
    file : pathlib.Path
        The file.

    Returns
    -------
    tuple of (int, int)
        Its modification time in nanoseconds and its size in bytes.
    """
    try:
        st = file.stat()
    except FileNotFoundError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def package_descriptor(folder: Path) -> dict[str, Any]:
    """The data folder's ``datapackage.json`` as a dict (read again only when the file changes; do not modify).

    Parameters
    ----------
    folder : pathlib.Path
        The data folder (not resolved: pass the result of :func:`~mscteach.data.data_dir`).

    Returns
    -------
    dict
        The parsed descriptor. It is shared by every caller (cached by the
        file's modification time and size), so it must not be changed.

    Raises
    ------
    DataValidationError
        If the file is not valid UTF-8 JSON.
    """
    file = folder / "datapackage.json"
    return _descriptor_cached(str(file), file_stamp(file))


def resource(folder: Path, name: str) -> dict[str, Any]:
    """The descriptor of table ``name`` (do not modify).

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    name : str
        The table's name.

    Returns
    -------
    dict
        The table's resource descriptor from ``datapackage.json`` (``name``,
        ``path``, ``schema``, ...), shared with the cache.

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

    Returns
    -------
    list of str
        The table names.

    Examples
    --------
    >>> list_tables()[:3]
    ['references', 'timeline', 'cell_sources']
    """
    return [r["name"] for r in package_descriptor(data_dir(data))["resources"]]


def _fields(folder: Path, table: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in resource(folder, table)["schema"]["fields"]}


def _field(folder: Path, table: str, field: str) -> dict[str, Any]:
    """The descriptor of ``table.field`` (shared with the cache); an unknown one names the table's fields."""
    fields = _fields(folder, table)
    if field not in fields:
        raise UnknownNameError(f"field of {table}", field, list(fields))
    return fields[field]


def vocabulary(table: str, field: str, data: str | os.PathLike[str] | None = None) -> list[str]:
    """The allowed values of a field (its ``enum`` constraint), in schema order.

    The controlled vocabularies (diseases, designs, cell types, ...) are
    defined once, in the schema; widgets' options, figures' colours and report
    parameters read them here, in this order. A field with
    ``vocabularyFrom`` (a curation mapping) has the vocabulary of the field it
    names.

    Parameters
    ----------
    table : str
        The table's name.
    field : str
        The field's name.
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    list of str
        The allowed values (a fresh list).

    Raises
    ------
    UnknownNameError
        If the table or field does not exist, or the field has no enum.

    Examples
    --------
    >>> vocabulary("clinical_studies", "design")[:3]
    ['RCT', 'non-randomised controlled', 'cohort']
    """
    folder = data_dir(data)
    descriptor = _field(folder, table, field)
    source = descriptor.get("vocabularyFrom")
    if source:  # a curation mapping shares another table's vocabulary
        return vocabulary(source["resource"], source["field"], folder)
    enum = descriptor.get("constraints", {}).get("enum")
    if enum is None:
        with_enum = [n for n, f in _fields(folder, table).items()
                     if "enum" in f.get("constraints", {}) or "vocabularyFrom" in f]
        raise UnknownNameError(f"controlled field of {table}", field, with_enum)
    return list(enum)


def field_schema(table: str, field: str, data: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The schema of one field (a copy), with its type, constraints and any custom properties.

    Parameters
    ----------
    table : str
        The table's name.
    field : str
        The field's name.
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    dict
        A deep copy of the field's descriptor; changing it changes nothing else.

    Raises
    ------
    UnknownNameError
        If the table or the field does not exist.

    Examples
    --------
    >>> field_schema("clinical_studies", "design")["type"]
    'string'
    """
    return json.loads(json.dumps(_field(data_dir(data), table, field)))


def check_choice(table: str, field: str, value: Any, data: str | os.PathLike[str] | None = None,
                 parameter: str | None = None) -> Any:
    """Return ``value`` if it is ``"all"`` or an allowed value of ``table.field``; else raise.

    Used by chapters and reports to reject a misspelt parameter before any work
    is done. The error names the parameter, the value, the allowed values and
    the closest match.

    Parameters
    ----------
    table : str
        The table's name.
    field : str
        The controlled field whose vocabulary ``value`` must belong to.
    value : object
        The value to check; ``"all"`` is always accepted.
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.
    parameter : str, optional
        The parameter's name, for the message (default: ``field``).

    Returns
    -------
    object
        ``value`` itself.

    Raises
    ------
    UnknownNameError
        If ``value`` is neither ``"all"`` nor an allowed value (or the table or
        field does not exist, or the field has no vocabulary).

    Examples
    --------
    >>> check_choice("clinical_studies", "design", "RCT")
    'RCT'
    >>> check_choice("clinical_studies", "design", "RTC", parameter="design")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mscteach.errors.UnknownNameError: unknown value for design 'RTC'; available: all, RCT, ... (did you mean 'RCT'?)
    """
    allowed = vocabulary(table, field, data)
    if value == "all" or value in allowed:
        return value
    raise UnknownNameError(f"value for {parameter or field}", value, ["all", *allowed])


def randomised_designs(data: str | os.PathLike[str] | None = None) -> frozenset[str]:
    """The study designs that are randomised: those ``clinical_studies.design`` lists as ``randomised``.

    A data folder copied by an earlier mscteach, whose schema has no such
    list, gets ``{"RCT"}``.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    frozenset of str

    Examples
    --------
    >>> sorted(randomised_designs())
    ['RCT']
    """
    design = field_schema("clinical_studies", "design", data)
    # a data folder copied by an earlier mscteach (a workspace) has no such list: RCT was the rule then
    return frozenset(design.get(RANDOMISED, ["RCT"]))


def is_randomised(design: Any, data: str | os.PathLike[str] | None = None) -> bool:
    """Whether a study design (a ``clinical_studies.design`` value) is randomised.

    Parameters
    ----------
    design : object
        A ``clinical_studies.design`` value (anything else is not randomised).
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    bool
        Whether ``design`` is in :func:`randomised_designs`.

    Examples
    --------
    >>> is_randomised("RCT"), is_randomised("cohort")
    (True, False)
    """
    return design in randomised_designs(data)


def dependencies(name: str, data: str | os.PathLike[str] | None = None) -> list[str]:
    """The tables ``name`` depends on through foreign keys (transitively), itself first.

    Parameters
    ----------
    name : str
        The table's name.
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    list of str
        ``name``, then every table reached through ``foreignKeys`` and
        ``listForeignKeys``, breadth first, each once.

    Raises
    ------
    UnknownNameError
        If there is no such table.

    Examples
    --------
    >>> dependencies("clinical_studies")
    ['clinical_studies', 'references']
    """
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
    """Fields that must be unique (``unique`` constraints), and the primary key.

    Parameters
    ----------
    schema : dict
        A Table Schema.

    Returns
    -------
    list of list of str
        One key per unique field, in field order, then the primary key (if
        any, and not already listed).

    Examples
    --------
    >>> unique_keys({"fields": [{"name": "id", "constraints": {"unique": True}}, {"name": "x"}],
    ...              "primaryKey": ["id", "x"]})
    [['id'], ['id', 'x']]
    """
    keys = [[f["name"]] for f in schema["fields"] if f.get("constraints", {}).get("unique")]
    pk = schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    if pk and pk not in keys:
        keys.append(pk)
    return keys


def foreign_keys(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """A table's ``foreignKeys`` and ``listForeignKeys`` (a key from a list field, such as ``ref_ids``).

    Parameters
    ----------
    schema : dict
        A Table Schema.

    Returns
    -------
    list of dict
        The key descriptors (``fields`` and ``reference``), ``foreignKeys`` first.
    """
    return list(schema.get("foreignKeys", [])) + list(schema.get("listForeignKeys", []))


def targets(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """The (table, field) pairs this schema's keys point to (a vocabularyFrom needs only the schema).

    Parameters
    ----------
    schema : dict
        A Table Schema.

    Returns
    -------
    list of tuple
        ``(resource, fields)`` of each of :func:`foreign_keys`, in order.

    Examples
    --------
    >>> targets({"fields": [], "listForeignKeys": [
    ...     {"fields": "ref_ids", "reference": {"resource": "references", "fields": "ref_id"}}]})
    [('references', 'ref_id')]
    """
    return [(fk["reference"]["resource"], fk["reference"]["fields"]) for fk in foreign_keys(schema)]


def enums(descriptor: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """Every (table, field) with an ``enum`` constraint, and its allowed values.

    Parameters
    ----------
    descriptor : dict
        A data package descriptor (see :func:`package_descriptor`).

    Returns
    -------
    dict
        ``{(table, field): allowed values}``; fields with ``vocabularyFrom``
        are not included.
    """
    return {(r["name"], f["name"]): list(f["constraints"]["enum"]) for r in descriptor["resources"]
            for f in r["schema"]["fields"] if "enum" in f.get("constraints", {})}
