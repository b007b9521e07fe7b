"""Rules a row must keep across its fields, as each table's schema states them in ``rowRules``.

A Table Schema constrains one cell at a time; a total that is not the sum of its
arms, more events than patients, or a study published next year passes every
cell constraint and then misleads every count built on it. These rules are
written in ``datapackage.json`` beside the fields they concern, one object each:

* ``{"field": "n_total", "sumOf": ["n_treated", "n_control"]}``: equal to the sum,
  where every one of them is given;
* ``{"field": "events", "atMost": "total"}`` and ``{"field": "year_end", "atLeast":
  "year"}``: compared with another field of the row, where both are given;
* ``{"field": "year", "notInFuture": true}``: a year not after the current one.

A rule is checked only where its cells are valid on their own: a cell that is not
a number, or breaks its own constraint, is already reported once. :func:`load` and
:func:`validate` both ask here, so they agree.
"""
from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ..errors import Problem

__all__ = ["KINDS", "row_rule_problems", "rule_descriptor_problems"]

#: Every kind of rule, and what its value names.
KINDS = {"sumOf": "a list of fields", "atMost": "a field", "atLeast": "a field", "notInFuture": "true"}
_NUMERIC = ("integer", "number")


def rule_descriptor_problems(table_name: str, schema: dict[str, Any]) -> list[Problem]:
    """What is wrong with a schema's ``rowRules`` themselves (a teacher may edit them).

    Parameters
    ----------
    table_name : str
        The table's name, for the message.
    schema : dict
        The table's Table Schema.

    Returns
    -------
    list of Problem
        Problems of ``datapackage.json``: a rule that is not an object with a
        ``field`` and exactly one kind of :data:`KINDS`, or that names a field
        the schema does not have or that is not a number.

    Examples
    --------
    >>> schema = {"fields": [{"name": "n", "type": "integer"}], "rowRules": [{"field": "n", "atMost": "m"}]}
    >>> print(rule_descriptor_problems("t", schema)[0])
    datapackage.json: rowRules of t, rule 1: unknown field 'm' (the numeric fields are: n)
    """
    types = {f["name"]: f.get("type") for f in schema["fields"]}
    numeric = [n for n, t in types.items() if t in _NUMERIC]
    problems = []
    for i, rule in enumerate(schema.get("rowRules", []), start=1):
        where = f"rowRules of {table_name}, rule {i}"
        kinds = [k for k in KINDS if isinstance(rule, dict) and k in rule]
        if not isinstance(rule, dict) or "field" not in rule or len(kinds) != 1:
            problems.append(Problem("datapackage.json", message=f"{where}: a rule is an object with \"field\" and "
                                    f"one of {', '.join(f'{k} ({v})' for k, v in KINDS.items())}; got {rule!r}"))
            continue
        kind = kinds[0]
        value = rule[kind]
        named = [rule["field"]] + (list(value) if kind == "sumOf" and isinstance(value, list) else
                                   [value] if kind in ("atMost", "atLeast") else [])
        if kind == "sumOf" and not (isinstance(value, list) and value) or kind == "notInFuture" and value is not True:
            problems.append(Problem("datapackage.json", message=f"{where}: {kind} must be {KINDS[kind]}; "
                                                                f"got {value!r}"))
            continue
        for name in named:
            if name not in numeric:
                problems.append(Problem("datapackage.json", message=f"{where}: unknown field {name!r} (the numeric "
                                                                    f"fields are: {', '.join(numeric)})"))
    return problems


def row_rule_problems(rel: str, schema: dict[str, Any], rows: list[int], columns: dict[str, list[Any]],
                      cell_problems: list[Problem], table_name: str,
                      today: datetime.date | None = None) -> list[Problem]:
    """The rows of one table that break a rule of its schema's ``rowRules``.

    Parameters
    ----------
    rel : str
        The file as problems name it.
    schema : dict
        The table's Table Schema.
    rows : list of int
        The file row number of each row read.
    columns : dict of str to list
        Each field's typed values (``None`` for a missing or unreadable cell);
        empty when the header is wrong, and then nothing is checked.
    cell_problems : list of Problem
        The table's problems so far: a rule skips a cell named there.
    table_name : str
        The table's name, for problems in the rules themselves.
    today : datetime.date, optional
        The date ``notInFuture`` compares with (default: today).

    Returns
    -------
    list of Problem
        One per broken rule and row, at the rule's ``field``, its message
        giving the values compared; or the problems of the rules themselves
        (:func:`rule_descriptor_problems`), and then no row is checked.

    Examples
    --------
    >>> schema = {"fields": [{"name": f, "type": "integer"} for f in ("n", "a", "b")],
    ...           "rowRules": [{"field": "n", "sumOf": ["a", "b"]}]}
    >>> print(row_rule_problems("t.csv", schema, [2], {"n": [12], "a": [60], "b": [60]}, [], "t")[0])
    t.csv, row 2, field 'n': n 12 is not a + b (60 + 60 = 120)
    """
    rules = schema.get("rowRules", [])
    if not rules or not columns:
        return []
    broken = rule_descriptor_problems(table_name, schema)
    if broken:
        return broken
    year = (today or datetime.date.today()).year
    unusable = {(p.row, p.field) for p in cell_problems}
    problems = []
    for i, number in enumerate(rows):
        # NaN compares with nothing (a Decimal NaN raises): like a broken cell, it is left to its own checks
        cells = {name: None if (number, name) in unusable or _is_nan(column[i]) else column[i]
                 for name, column in columns.items()}
        for rule in rules:
            message = _broken(rule, cells, year)
            if message:
                problems.append(Problem(rel, row=number, field=rule["field"], message=message,
                                        value=_shown(cells[rule["field"]])))
    return problems


def _broken(rule: dict[str, Any], cells: dict[str, Any], year: int) -> str | None:
    """What is wrong with one row under one rule, or None (also where a cell it compares is not given)."""
    field = rule["field"]
    own = cells[field]
    if own is None:
        return None
    if "sumOf" in rule:
        parts = [cells[name] for name in rule["sumOf"]]
        if None in parts or own == sum(parts):
            return None
        return (f"{field} {_shown(own)} is not {' + '.join(rule['sumOf'])} "
                f"({' + '.join(map(_shown, parts))} = {_shown(sum(parts))})")
    if "atMost" in rule or "atLeast" in rule:
        other = rule["atMost"] if "atMost" in rule else rule["atLeast"]
        bound = cells[other]
        if bound is None or (own <= bound if "atMost" in rule else own >= bound):
            return None
        return f"{field} {_shown(own)} is {'more' if 'atMost' in rule else 'less'} than {other} {_shown(bound)}"
    return f"{own} is in the future (the current year is {year})" if own > year else None


def _is_nan(value: Any) -> bool:
    return isinstance(value, Decimal) and value.is_nan()


def _shown(value: Any) -> str:
    """A value in the message: a number written 2e6 is shown 2000000, as a reader compares it."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)
