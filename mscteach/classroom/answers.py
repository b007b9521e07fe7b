"""Answers as plain data: what leaves a student's sandbox, and how the trusted side reads it back.

A student's answer is encoded inside the sandbox into JSON of built-in types
(:func:`encode`) and decoded by the grader (:func:`decode`) into a fresh value
that no student code ever touched. Only *exact* types are accepted: ``int``,
``float``, ``str``, ``bool``, ``None``; lists, tuples, sets and dicts of them;
NumPy scalars; pandas DataFrames and Series holding such values. Anything
else, a subclass of ``int`` with an ``__eq__`` that always answers True
included, is encoded as "not a plain value" with its type's name, and scores 0.

The encoding runs in the student's own process, so a submission can make it
report any value it likes; that is no stronger than typing the value in, and
it can never hand the grader an object with behaviour of its own.

>>> decode(encode([1, "a", 2.5, None]))
[1, 'a', 2.5, None]
>>> decode(encode({"x": (1, 2)}))
{'x': (1, 2)}
>>> class Sly(int):
...     def __eq__(self, other): return True
>>> encode(Sly(3))
{'$': 'not plain', 'type': 'Sly', 'why': 'a subclass of int'}
"""
from __future__ import annotations

import math
import sys
from typing import Any

from ..errors import NotPlain, Unanswered

__all__ = ["MAX_DEPTH", "MAX_ITEMS", "NotPlain", "Unanswered", "decode", "encode"]

MAX_DEPTH = 12
MAX_ITEMS = 200_000
_SCALARS = (int, float, str, bool, type(None))
_CONTAINERS: dict[type, str] = {tuple: "tuple", set: "set", frozenset: "frozenset"}
# dtypes a DataFrame or Series may be rebuilt with; anything else is rebuilt as object
_DTYPES = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "bool",
           "object", "string", "Int64", "Float64", "boolean", "category"}


class _Budget:
    def __init__(self) -> None:
        self.items = 0

    def spend(self) -> None:
        self.items += 1
        if self.items > MAX_ITEMS:
            raise NotPlain(f"more than {MAX_ITEMS:,} values")


def _not_plain(value: Any) -> dict:
    kind = type(value)
    plain_base = next((base for base in kind.__mro__[1:] if base in (*_SCALARS, list, dict, *_CONTAINERS)), None)
    why = f"a subclass of {plain_base.__name__}" if plain_base else "not a plain value"
    return {"$": "not plain", "type": kind.__qualname__[:100], "why": why}


# --------------------------------------------------------------------------- inside the sandbox
def encode(value: Any, _depth: int = 0, _budget: _Budget | None = None) -> Any:
    """JSON-ready plain data for ``value`` (runs in the student's process).

    Parameters
    ----------
    value : object
        The answer. Exact built-in scalars come back as they are; anything
        else as a dict tagged ``"$"``. ``...`` (the blank placeholder) is
        encoded as unanswered; a value that is not plain, or nested deeper
        than :data:`MAX_DEPTH`, as ``{"$": "not plain", ...}``.
    _depth, _budget : optional
        Internal: the recursion's depth and its count of values.

    Returns
    -------
    object
        Data of ``int``, ``float``, ``str``, ``bool``, ``None``, ``list`` and
        ``dict`` only.

    Raises
    ------
    NotPlain
        If the value holds more than :data:`MAX_ITEMS` values.

    Examples
    --------
    >>> encode((1, float("nan")))
    {'$': 'tuple', 'items': [1, {'$': 'float', 'value': 'nan'}]}
    """
    budget = _budget or _Budget()
    budget.spend()
    if _depth > MAX_DEPTH:
        return {"$": "not plain", "type": type(value).__qualname__[:100], "why": f"nested deeper than {MAX_DEPTH}"}
    kind = type(value)
    if value is Ellipsis:  # the student version's placeholder: not answered
        return {"$": "blank"}
    if kind in _SCALARS:
        if kind is float and not math.isfinite(value):
            return {"$": "float", "value": repr(value)}
        return value
    if kind is list:
        return [encode(v, _depth + 1, budget) for v in value]
    if kind in _CONTAINERS:
        items = list(value)
        if kind is not tuple:
            items = sorted(items, key=repr)  # stable order for sets
        return {"$": _CONTAINERS[kind], "items": [encode(v, _depth + 1, budget) for v in items]}
    if kind is dict:
        return {"$": "dict", "items": [[encode(k, _depth + 1, budget), encode(v, _depth + 1, budget)]
                                       for k, v in value.items()]}
    numpy = sys.modules.get("numpy")
    if numpy is not None and kind in (numpy.bool_, *numpy.sctypeDict.values()) and issubclass(kind, numpy.generic) \
            and kind.__module__ == "numpy" and kind.__name__ in _DTYPES | {"bool_", "str_"}:
        return {"$": "numpy", "dtype": kind.__name__, "value": encode(value.item(), _depth + 1, budget)}
    pandas = sys.modules.get("pandas")
    if pandas is not None and value is pandas.NA:
        return {"$": "NA"}
    if pandas is not None and value is pandas.NaT:
        return {"$": "NaT"}
    if pandas is not None and kind is pandas.Timestamp:
        return {"$": "Timestamp", "value": value.isoformat()}
    if pandas is not None and kind is pandas.DataFrame:
        return {"$": "DataFrame",
                "columns": [encode(c, _depth + 1, budget) for c in value.columns],
                "index": [encode(_scalar(i), _depth + 1, budget) for i in value.index],
                "index_names": [encode(n, _depth + 1, budget) for n in value.index.names],
                "index_dtype": str(value.index.dtype),
                "dtypes": [str(t) for t in value.dtypes],
                "data": [[encode(_scalar(v), _depth + 2, budget) for v in row]
                         for row in value.itertuples(index=False, name=None)]}
    if pandas is not None and kind is pandas.Series:
        return {"$": "Series", "name": encode(value.name, _depth + 1, budget), "dtype": str(value.dtype),
                "index": [encode(_scalar(i), _depth + 1, budget) for i in value.index],
                "index_names": [encode(n, _depth + 1, budget) for n in value.index.names],
                "index_dtype": str(value.index.dtype),
                "data": [encode(_scalar(v), _depth + 1, budget) for v in value.tolist()]}
    return _not_plain(value)


def _scalar(value: Any) -> Any:
    """A pandas cell or index label as a Python value where pandas holds a NumPy scalar."""
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic) and type(value).__module__ == "numpy":
        return value.item()
    return value


# --------------------------------------------------------------------------- in the trusted grader
def decode(data: Any, _depth: int = 0, _budget: _Budget | None = None) -> Any:
    """The value :func:`encode` described, built afresh; :class:`NotPlain` when it is not plain data.

    Parameters
    ----------
    data : object
        What :func:`encode` returned, after a trip through JSON.
    _depth, _budget : optional
        Internal: the recursion's depth and its count of values.

    Returns
    -------
    object
        A fresh value (NumPy scalars, pandas objects included) that no student code touched.

    Raises
    ------
    Unanswered
        If the answer was not defined, or left blank (``...``).
    NotPlain
        If it was not plain data, or ``data`` is malformed, too deep or too large.

    Examples
    --------
    >>> decode({"$": "set", "items": [2, 1]})
    {1, 2}
    >>> decode({"$": "blank"})
    Traceback (most recent call last):
    ...
    mscteach.errors.Unanswered: was left blank (...)
    """
    budget = _budget or _Budget()
    budget.spend()
    if _depth > MAX_DEPTH + 2:
        raise NotPlain(f"nested deeper than {MAX_DEPTH}")
    kind = type(data)
    if kind in _SCALARS:
        return data
    if kind is list:
        return [decode(v, _depth + 1, budget) for v in data]
    if kind is not dict or not isinstance(data.get("$"), str):
        raise NotPlain(f"unreadable answer data ({kind.__name__})")
    tag = data["$"]
    if tag == "not plain":
        raise NotPlain(f"{data.get('why', 'not a plain value')} ({str(data.get('type', '?'))[:100]})")
    if tag == "missing":
        raise Unanswered("was not defined when the notebook finished")
    if tag == "blank":
        raise Unanswered("was left blank (...)")
    if tag in ("NA", "NaT"):
        import pandas as pd

        return pd.NA if tag == "NA" else pd.NaT
    if tag == "Timestamp":
        import pandas as pd

        try:
            return pd.Timestamp(str(data.get("value"))[:40])
        except ValueError as exc:
            raise NotPlain(f"unreadable Timestamp: {exc}") from None
    if tag == "float":
        if data.get("value") not in ("nan", "inf", "-inf"):
            raise NotPlain("unreadable number")
        return float(data["value"])
    if tag in ("tuple", "set", "frozenset"):
        items = [decode(v, _depth + 1, budget) for v in _list(data, "items")]
        try:
            return {"tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
        except TypeError as exc:
            raise NotPlain(f"unreadable {tag}: {exc}") from None
    if tag == "dict":
        pairs = [_list({"p": p}, "p") for p in _list(data, "items")]
        try:
            return {decode(k, _depth + 1, budget): decode(v, _depth + 1, budget) for k, v in
                    (p if len(p) == 2 else (None, None) for p in pairs)}
        except TypeError as exc:
            raise NotPlain(f"unreadable dict: {exc}") from None
    if tag == "numpy":
        import numpy

        dtype = data.get("dtype")
        value = decode(data.get("value"), _depth + 1, budget)
        if dtype not in _DTYPES | {"bool_", "str_"} or type(value) not in _SCALARS:
            raise NotPlain(f"unreadable NumPy value ({str(dtype)[:40]})")
        try:
            return getattr(numpy, dtype)(value)
        except (AttributeError, TypeError, ValueError, OverflowError) as exc:
            raise NotPlain(f"unreadable NumPy value: {exc}") from None
    if tag in ("DataFrame", "Series"):
        return _frame(data, tag, _depth, budget)
    raise NotPlain(f"unreadable answer data (kind {tag[:40]!r})")


def _list(data: dict, key: str) -> list:
    value = data.get(key)
    if type(value) is not list:
        raise NotPlain(f"unreadable answer data ({key} is not a list)")
    return value


def _frame(data: dict, tag: str, depth: int, budget: _Budget) -> Any:
    import pandas as pd

    def values(key: str) -> list:
        return [decode(v, depth + 2, budget) for v in _list(data, key)]

    index_values, names = values("index"), values("index_names")
    if index_values and all(type(i) is tuple for i in index_values) and len(names) > 1:
        index = pd.MultiIndex.from_tuples(index_values, names=names)
    else:
        index = pd.Index(index_values, name=names[0] if len(names) == 1 else None)
        dtype = data.get("index_dtype")
        if dtype in _DTYPES and dtype != "category" and str(index.dtype) != dtype:
            try:
                index = index.astype(dtype)
            except (TypeError, ValueError):
                pass
    try:
        if tag == "Series":
            series = pd.Series(values("data"), index=index, name=decode(data.get("name"), depth + 1, budget),
                               dtype=object)
            return _with_dtype(series, data.get("dtype"))
        columns = values("columns")
        rows = [[decode(v, depth + 3, budget) for v in _list({"r": r}, "r")] for r in _list(data, "data")]
        if any(len(r) != len(columns) for r in rows) or len(rows) != len(index):
            raise NotPlain("unreadable DataFrame (its rows, columns and index do not match)")
        frame = pd.DataFrame(rows, columns=pd.Index(columns), index=index, dtype=object)
        dtypes = data.get("dtypes")
        if type(dtypes) is list and len(dtypes) == len(columns):
            for position, dtype in enumerate(dtypes):
                frame.isetitem(position, _with_dtype(frame.iloc[:, position], dtype))
        return frame
    except (TypeError, ValueError) as exc:
        raise NotPlain(f"unreadable {tag}: {exc}") from None


def _with_dtype(series: Any, dtype: Any) -> Any:
    if dtype in _DTYPES and dtype != "object":
        try:
            return series.astype(dtype)
        except (TypeError, ValueError):
            return series
    return series.infer_objects() if dtype != "object" else series
