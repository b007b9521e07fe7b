"""Answers leave the sandbox as plain data: what encodes, what is refused, what a forged payload gets."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import mscteach
from mscteach.classroom.answers import MAX_DEPTH, NotPlain, decode, encode


def _round_trip(value):
    return decode(json.loads(json.dumps(encode(value))))


@pytest.mark.parametrize("value", [0, -7, 2.5, "guo2019", True, None, [1, "a", [2.0]], (1, "a"), {"M1", "T cell"},
                                   frozenset({1}), {"against": 4, "for": 10}, float("inf")])
def test_builtin_values_come_back_equal_and_of_the_exact_type(value):
    back = _round_trip(value)
    assert back == value and type(back) is type(value)


def test_nan_numpy_scalars_keep_their_type():
    assert np.isnan(_round_trip(float("nan")))
    for value in (np.int64(6), np.float64(0.482), np.bool_(True)):
        back = _round_trip(value)
        assert back == value and type(back) is type(value)


@pytest.mark.parametrize("table", mscteach.list_tables())
def test_every_course_table_and_its_columns_come_back_unchanged(table):
    frame = mscteach.load(table)
    pd.testing.assert_frame_equal(_round_trip(frame), frame)
    pd.testing.assert_series_equal(_round_trip(frame.iloc[:, 0]), frame.iloc[:, 0])


def test_value_counts_keep_their_labels():
    counts = mscteach.load("mechanisms")["category"].value_counts()
    back = _round_trip(counts)
    pd.testing.assert_series_equal(back, counts)
    assert int(back["adaptive immunity"]) == int(counts["adaptive immunity"])


def test_objects_with_behaviour_of_their_own_are_not_plain():
    class Anything(int):
        def __eq__(self, other):
            return True
        __hash__ = int.__hash__

    class Frame(pd.DataFrame):
        pass

    assert encode(Anything(3)) == {"$": "not plain", "type": "test_objects_with_behaviour_of_their_own_are_not_plain."
                                   "<locals>.Anything", "why": "a subclass of int"}
    assert encode([Anything(1)])[0]["why"] == "a subclass of int"
    assert encode(Frame({"a": [1]}))["why"] == "not a plain value"
    assert encode(object())["why"] == "not a plain value"
    assert encode(lambda: 1)["why"] == "not a plain value"
    with pytest.raises(NotPlain, match=r"a subclass of int \(.*Anything\)"):
        decode(encode(Anything(3)))


@pytest.mark.parametrize("payload, reason", [
    ({"$": "pickle", "data": "gASV"}, "unreadable answer data"),
    ({"$": "numpy", "dtype": "object_", "value": 1}, "unreadable NumPy value"),
    ({"$": "DataFrame", "columns": ["a"], "index": [0, 1], "index_names": [None], "dtypes": ["int64"],
      "data": [[1]]}, "rows, columns and index do not match"),
    ({"$": "set", "items": [[1]]}, "unreadable set"),
    ({"$": "float", "value": "1e309"}, "unreadable number"),
    ({"$": "missing"}, "was not defined"),
    ({"no tag": 1}, "unreadable answer data"),
])
def test_a_forged_or_broken_payload_is_refused_with_a_reason(payload, reason):
    with pytest.raises(NotPlain, match=reason):
        decode(payload)


def test_deep_or_huge_answers_are_refused_not_followed():
    deep = 1
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    assert "nested deeper" in json.dumps(encode(deep))
    with pytest.raises(NotPlain, match="nested deeper"):
        decode(json.loads(json.dumps(deep)))
    with pytest.raises(NotPlain, match="more than"):
        decode(list(range(300_000)))
