"""What a table holds, for people: :class:`TableInfo` from the table's schema."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .locate import data_dir
from .read import load
from .schema import resource

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TableInfo", "describe"]


@dataclass(frozen=True)
class TableInfo:
    """What a table holds: its title, description and columns.

    ``columns`` is a DataFrame with one row per column: ``name``, ``type``,
    ``required``, ``allowed`` (the allowed values, if restricted) and
    ``description``. ``str(info)`` is a readable text; in a notebook the
    object renders as Markdown.

    Parameters
    ----------
    name : str
        The table's name.
    title : str
        Its title (the name if the schema has none).
    description : str
        What the table holds ("" if the schema says nothing).
    primary_key : list of str
        The primary key's fields (empty if there is none).
    columns : pandas.DataFrame
        One row per column: ``name``, ``type`` (``list of integer`` for a
        list), ``required``, ``allowed`` (comma-separated, "" if any value is
        allowed) and ``description``.
    n_rows : int
        How many rows the table has.
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

    Raises
    ------
    UnknownNameError
        If there is no such table.
    DataValidationError
        If the table is invalid (it is loaded to count its rows).

    Examples
    --------
    >>> info = describe("clinical_studies")
    >>> info.primary_key
    ['study_id']
    >>> "design" in info.columns["name"].tolist()
    True
    """
    import pandas as pd

    folder = data_dir(data)
    res = resource(folder, name)
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
