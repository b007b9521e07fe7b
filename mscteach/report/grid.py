"""Grids of questions: every combination of repeated parameter values, or a grid file (CSV, YAML or JSON)."""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import DataValidationError, MscteachError

__all__ = ["expand_grid", "read_grid"]


def expand_grid(values: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All combinations of repeated parameter values, in a stable order."""
    names = list(values)
    return [dict(zip(names, combo)) for combo in itertools.product(*(values[n] for n in names))]


def read_grid(path: Path) -> list[dict[str, Any]]:
    """Read a parameter grid: a CSV file (one brief per row) or a YAML/JSON list of mappings.

    Raises
    ------
    MscteachError
        In one line naming the file and row (CSV) or line (YAML) for a file
        that cannot be read: a row with more or fewer fields than the header,
        an unclosed quote, an empty file, a YAML syntax error. A CSV grid is read
        by :func:`mscteach.data.read_user_table`, so its problems are worded as
        every other user file's.
    """
    path = Path(path)
    if not path.is_file():
        raise MscteachError(f"grid file {str(path)!r} does not exist")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MscteachError(f"grid file {path}: not UTF-8 text; save it as UTF-8") from None
    if not text.strip():
        raise MscteachError(f"grid file {path} is empty: give a header row of parameter names and one row per brief")
    if path.suffix.lower() == ".csv":  # the one reader of users' files; the parameters are checked by the report
        from ..data import read_user_table

        try:
            rows = read_user_table(path, "report_grid", what="grid file")
        except DataValidationError as exc:
            more = len(exc.problems) - 1
            raise MscteachError(f"grid file {exc.problems[0]}" + (f" (and {more} more)" if more else "")) from None
        return [{name: value for name, value in row.items() if value is not None} for row in rows]
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise MscteachError(f"grid file {path}{where}: not valid YAML ({problem})") from None
        if isinstance(data, dict) and "briefs" in data:
            data = data["briefs"]
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise MscteachError(f"{path}: expected a list of parameter mappings (or 'briefs:' with such a list)")
        return data
    raise MscteachError(f"{path}: a grid file must be .csv, .yaml, .yml or .json")
