"""Grids of questions: every combination of repeated parameter values, or a grid file (CSV, YAML or JSON)."""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import DataValidationError, MscteachError

__all__ = ["expand_grid", "read_grid"]


def expand_grid(values: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All combinations of repeated parameter values, in a stable order.

    Parameters
    ----------
    values : mapping of str to sequence
        Each parameter's name and the values it takes (e.g. from a repeated
        command-line option).

    Returns
    -------
    list of dict
        One parameter set per combination: the last name varies fastest, the
        names in the mapping's order. Empty if any name has no values.

    Examples
    --------
    >>> expand_grid({"disease": ["ACLF", "cirrhosis"], "lang": ["en", "fa"]})
    [{'disease': 'ACLF', 'lang': 'en'}, {'disease': 'ACLF', 'lang': 'fa'},
     {'disease': 'cirrhosis', 'lang': 'en'}, {'disease': 'cirrhosis', 'lang': 'fa'}]
    """
    names = list(values)
    return [dict(zip(names, combo)) for combo in itertools.product(*(values[n] for n in names))]


def read_grid(path: Path) -> list[dict[str, Any]]:
    """Read a parameter grid: a CSV file (one brief per row) or a YAML/JSON list of mappings.

    The values are not checked here (:func:`~mscteach.report.check_parameters`
    does that, for every brief before any kernel starts).

    Parameters
    ----------
    path : Path
        A UTF-8 file (a byte-order mark is allowed) ending in ``.csv``,
        ``.yaml``, ``.yml`` or ``.json`` (any case). A CSV file has a header
        row of parameter names; a YAML/JSON file holds a list of mappings, or
        a mapping whose ``briefs`` key holds that list.

    Returns
    -------
    list of dict
        One parameter set per brief, in the file's order. From CSV, every
        value is a str, header names and blank rows are stripped, and an empty
        cell leaves its parameter at its default; YAML/JSON values keep their
        types.

    Raises
    ------
    MscteachError
        In one line naming the file and row (CSV) or line (YAML) for a file
        that cannot be read: a row with more or fewer fields than the header,
        an unclosed quote, an empty file, a YAML syntax error; also for a
        missing file, a file that is not UTF-8, another suffix, or YAML that
        is not a list of mappings. A CSV grid is read by
        :func:`mscteach.data.read_user_table`, so its problems are worded as
        every other user file's.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     grid = pathlib.Path(folder) / "grid.csv"
    ...     _ = grid.write_text("disease,lang\\nACLF,fa\\ncirrhosis,\\n", encoding="utf-8")
    ...     read_grid(grid)
    [{'disease': 'ACLF', 'lang': 'fa'}, {'disease': 'cirrhosis'}]
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
