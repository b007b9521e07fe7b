"""Check a whole data folder: Frictionless on every table, then the checks across tables.

Frictionless is the authority on each table; its errors are reported in the
fast reader's words (:mod:`mscteach.data.problems`). A folder found clean is
remembered by its content hash (:mod:`mscteach.data.cache`), so validating the
same files again, with the same mscteach, does not run Frictionless again.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import DataValidationError, Problem
from .cache import remember_clean, was_clean, validation_key
from .language_checks import persian_problems
from .locate import data_dir
from .problems import (BLANK_ROW, MISSING_COLUMN, NOT_UTF8, constraint_message, extra_cell, missing_cell, reported,
                       type_message, unknown_column)
from .read import Table, broken_constraints, cross_table_problems, read_table, read_value
from .rules import row_rule_problems
from .schema import enums, package_descriptor, targets, unique_keys

__all__ = ["require_valid", "validate"]


def validate(data: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Check a whole data folder; return every problem found (empty if clean).

    Frictionless is the authority on each table: encoding, header, types,
    required values, enums, ranges, patterns, unique and primary keys (its
    errors are reported in mscteach's wording, from the report's structured
    fields). mscteach adds the checks Frictionless cannot express: foreign keys
    from a list field (``ref_ids``), ``vocabularyFrom`` fields, rows without a
    citation that do not say why in ``notes``, the rules each row must keep
    across its fields (each schema's ``rowRules``: a total that is the sum of
    its arms, no more events than patients, no year in the future; see
    :mod:`mscteach.data.rules`), a file separated by something other than
    commas (which Frictionless would guess and read), and the Persian twins of
    the free-text columns: a filled ``_fa`` cell must state the same numbers
    and Latin names as its English cell, and its row must say where the
    Persian comes from (:mod:`mscteach.data.language_checks`). An empty
    ``_fa`` cell is no problem: it is shown in English, listed as untranslated.

    :func:`load` reads with the same rules: it raises for a table if and only
    if this reports a problem in that table or in a table it depends on, the
    Persian twins' agreement with their English aside (``load`` returns both
    columns as written).

    A folder found clean is remembered (in the user's cache folder, keyed by
    the content of every file and the versions of mscteach and Frictionless):
    checking the same files again returns at once.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder; defaults to ``$MSCTEACH_DATA_DIR`` or the packaged data.

    Returns
    -------
    list of Problem
        Every problem, sorted by file, row, field and message; empty if the
        folder is clean. A malformed ``datapackage.json`` is reported as a
        problem of that file.

    Raises
    ------
    DataDirectoryError
        If the data folder or its ``datapackage.json`` does not exist.
    DataValidationError
        If ``datapackage.json`` is not valid UTF-8 JSON.

    Examples
    --------
    >>> validate()
    []
    """
    folder = data_dir(data)
    descriptor = package_descriptor(folder)
    key = validation_key(folder, descriptor)
    if key is not None and was_clean(key):
        return []
    problems = _check(folder, descriptor)
    if not problems and key is not None:
        remember_clean(key)
    return problems


def require_valid(data: str | os.PathLike[str] | None, before: str) -> None:
    """Stop with every problem of the data folder before a build or a brief starts any kernel.

    A chapter or a brief run on invalid data fails only after its kernels have
    run (or, worse, shows wrong numbers); checking here costs a fraction of a
    second on a folder already found clean (see :func:`validate`).

    Parameters
    ----------
    data : str or path-like, optional
        Data folder; ``None`` for the one in use (see :func:`~mscteach.data.data_dir`).
    before : str
        What is about to start, for the message (``"building the site"``).

    Raises
    ------
    DataValidationError
        If :func:`validate` finds a problem; ``.problems`` names each file,
        row and field, and the message says how to check again.
    DataDirectoryError
        If the data folder or its ``datapackage.json`` does not exist.

    Examples
    --------
    >>> require_valid(None, "building the site")
    """
    problems = validate(data)
    if problems:
        folder = data_dir(data)
        raise DataValidationError(problems, context=f"the data in {folder} is invalid, so nothing was done; fix it "
                                                    f"before {before} (`mscteach validate --data {folder}` checks "
                                                    f"again)")


def _check(folder: Path, descriptor: dict[str, Any]) -> list[Problem]:
    tables = {r["name"]: read_table(folder, r) for r in descriptor["resources"]}
    own: dict[str, list[Problem]] = {name: row_rule_problems(t.rel, t.schema, t.rows, t.columns, t.problems, name)
                                     for name, t in tables.items()}
    rels = {table.rel: name for name, table in tables.items()}
    outside: list[Problem] = []
    for problem in _frictionless_problems(folder, descriptor, tables):
        (own[rels[problem.file]] if problem.file in rels else outside).append(problem)
    known = {(name, f["name"]): {v for v in table.columns[f["name"]] if v is not None}
             for name, table in tables.items() if table.header_ok
             for f in table.schema["fields"] if f["type"] != "list"}
    vocabularies = enums(descriptor)
    done: dict[str, bool] = {}

    def clean(name: str) -> bool:
        """Whether ``name`` and every table it depends on has no problem (as load() would find)."""
        if name not in done:
            done[name] = True  # a table may reference itself
            depends_on = sorted({t for t, _ in targets(tables[name].schema) if t != name and t in tables})
            invalid = [t for t in depends_on if not clean(t)]
            table = tables[name]
            if not invalid:  # as in load(): references are checked once their targets are clean
                own[name] += cross_table_problems(table, known, vocabularies)
            done[name] = not own[name] and not invalid
        return done[name]

    for name in tables:
        clean(name)
    # Added after the dependency walk: a Persian cell that disagrees with its English is this table's problem
    # only, and load() (which shows the English) does not raise for it.
    translations = [p for table in tables.values() if table.header_ok
                    for p in persian_problems(table.rel, table.schema, table.rows, table.columns)]
    problems = set(outside).union(translations, *own.values())
    return reported(problems)


def _frictionless_problems(folder: Path, descriptor: dict[str, Any], tables: dict[str, Table]) -> list[Problem]:
    from frictionless import Package

    try:
        report = Package(str(folder / "datapackage.json")).validate()
    except Exception as exc:  # frictionless raises on a malformed descriptor
        return [Problem("datapackage.json", message=f"invalid data package descriptor: {exc}")]
    problems = [Problem("datapackage.json", message=err.message) for err in report.errors]
    for task, resource in zip(report.tasks, descriptor["resources"]):
        table = tables[resource["name"]]
        if table.separator:  # Frictionless guessed the separator and read the file; it is refused all the same
            problems += table.problems
            continue
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


def _from_frictionless(table: Table, err: Any, fields: dict[str, dict[str, Any]]) -> list[Problem]:
    """Translate one Frictionless error into Problems worded like the fast reader's."""
    rel = table.rel
    row = getattr(err, "row_number", None)
    name = getattr(err, "field_name", None)
    raw = getattr(err, "cell", "")
    field = fields.get(name, {}) if name is not None else {}
    names = list(fields)
    if err.type == "missing-label":
        return [Problem(rel, row=1, field=name, message=MISSING_COLUMN)]
    if err.type == "extra-label":
        return [Problem(rel, row=1, field=err.label, message=unknown_column(names))]
    if err.type in ("duplicate-label", "incorrect-label", "blank-header", "error") and not table.header_ok:
        return [p for p in table.problems if p.row == 1]  # the header, in the reader's words
    if err.type == "missing-cell":
        return [Problem(rel, row=row, field=name, message=missing_cell(len(err.cells), len(names)))]
    if err.type == "extra-cell":
        return [Problem(rel, row=row, message=extra_cell(err.field_number, raw, len(names)))]
    if err.type == "blank-row":
        return [Problem(rel, row=row, message=BLANK_ROW)]
    if err.type == "type-error" and field:
        return [Problem(rel, row=row, field=name, message=type_message(field, raw))]
    if err.type == "constraint-error" and field:
        value = None if raw in ("", None) else read_value(raw, field)[0]
        return [Problem(rel, row=row, field=name, message=constraint_message(field, c, raw or ""))
                for c in broken_constraints(field, value)]
    if err.type in ("unique-error", "primary-key"):
        key = "/".join([str(name)] if err.type == "unique-error" else unique_keys(table.schema)[-1])
        found = [p for p in table.problems if p.row == row and p.field == key and p.message.startswith("duplicate")]
        return found or [Problem(rel, row=row, field=key, message=f"duplicate key {raw or ''}".strip())]
    if err.type == "encoding-error":
        return [Problem(rel, message=NOT_UTF8)]
    whole_file = [p for p in table.problems if p.row is None]
    if row is None and name is None and whole_file:
        return whole_file  # a file that is missing, empty or unreadable, in the reader's words
    return [Problem(rel, row=row, field=name, message=err.message)]
