"""Which data made an output: a content hash of the data folder, and how it differs from the packaged data.

A teacher's folder is compared with the data mscteach ships (the review's
curated tables) row by row, by each table's primary key, so an output can say
"modified: 1 row added in references" and a page can tell the review's rows
from the ones a teacher added.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .locate import data_dir

__all__ = ["DataChanges", "Provenance", "TableChanges", "compare_data", "content_hash", "packaged_data",
           "provenance_of"]


def _files(folder: Path) -> list[Path]:
    # editors' and Jupyter's own files (.ipynb_checkpoints, .~lock, __pycache__) are not data
    return sorted((p for p in folder.rglob("*") if p.is_file()
                   and not any(part.startswith((".", "__pycache__")) for part in p.relative_to(folder).parts)),
                  key=lambda p: p.relative_to(folder).as_posix())


def content_hash(folder: str | os.PathLike[str]) -> str:
    """SHA-256 (hex) of every file in a data folder: their paths and bytes, in a fixed order.

    Hidden files and folders (``.ipynb_checkpoints``, editors' lock files) and
    ``__pycache__`` are left out; anything else changed, added or removed
    gives another hash.

    Parameters
    ----------
    folder : str or path-like
        The folder.

    Returns
    -------
    str
        A 64-character hex digest.
    """
    folder = Path(folder)
    digest = hashlib.sha256()
    for path in _files(folder):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def packaged_data() -> Path | None:
    """The data shipped with mscteach (the wheel's copy, or a checkout's ``data/``), or None if absent.

    Returns
    -------
    pathlib.Path or None
    """
    from ..resources import checkout, packaged

    folder = packaged("data")
    repository = checkout()
    if folder is None and repository is not None:
        folder = repository / "data"
    return folder if folder is not None and folder.is_dir() else None


Key = Any  # a primary key's value (int or str), or a tuple of them for a key of several fields


@dataclass(frozen=True)
class TableChanges:
    """How one table differs from the packaged data's, by primary key.

    Parameters
    ----------
    table : str
        The table's name.
    added, changed, removed : tuple
        Primary keys of the rows only this folder has, of those both have with
        other values, and of those only the packaged data has. A key is the
        key field's value (``104``, ``"smith2025"``), or a tuple for a key of
        several fields; a table without a primary key is compared row by row,
        so an edited row counts as one removed and one added.
    columns : bool, default False
        Whether the two tables' columns differ (rows are then compared on the
        columns both have).
    """

    table: str
    added: tuple[Key, ...] = ()
    changed: tuple[Key, ...] = ()
    removed: tuple[Key, ...] = ()
    columns: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.columns)

    def describe(self, lang: str = "en") -> str:
        """What changed in the table, e.g. ``"2 rows added, 1 row changed in clinical_studies"``.

        Parameters
        ----------
        lang : str, default "en"
            The language (:func:`mscteach.i18n.say`).

        Returns
        -------
        str
        """
        from ..i18n import say, say_n

        counts = []
        if self.added:
            counts.append(say_n("{n} row added", "{n} rows added", len(self.added), lang))
        if self.changed:
            counts.append(say_n("{n} row changed", "{n} rows changed", len(self.changed), lang))
        if self.removed:
            counts.append(say_n("{n} row removed", "{n} rows removed", len(self.removed), lang))
        if self.columns:
            counts.append(say("columns changed", lang))
        return say("{counts} in {table}", lang, counts=say(", ", lang).join(counts), table=self.table)


@dataclass(frozen=True)
class DataChanges:
    """How a data folder differs from the packaged data: its tables' rows, and any other file.

    Parameters
    ----------
    tables : tuple of TableChanges
        The tables that differ, in the folder's order (then tables only the
        packaged data has).
    files : tuple of str
        Other files that differ (paths inside the folder): ones that are no
        table (``README.md``), a ``datapackage.json`` whose differences are
        not only tables added or removed, and table files whose bytes differ
        with the same rows.
    """

    tables: tuple[TableChanges, ...] = ()
    files: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.tables or self.files)

    def table(self, name: str) -> TableChanges:
        """The changes in one table (none for a table that does not differ).

        Parameters
        ----------
        name : str
            A table's name.

        Returns
        -------
        TableChanges
        """
        return next((t for t in self.tables if t.table == name), TableChanges(name))

    def describe(self, lang: str = "en") -> str:
        """The changes as a phrase: ``"1 row added in references; other changes in README.md"``.

        Parameters
        ----------
        lang : str, default "en"
            The language (:func:`mscteach.i18n.say`).

        Returns
        -------
        str
            Each table's changes, then the other files; "" when nothing differs.
        """
        from ..i18n import say

        parts = [t.describe(lang) for t in self.tables]
        if self.files:
            parts.append(say("other changes in {files}", lang, files=", ".join(self.files)))
        return say("; ", lang).join(parts)

    def as_json(self) -> dict[str, Any]:
        """The changes, ready for :func:`json.dumps`.

        Returns
        -------
        dict of str to object
            ``tables``: table name to ``added``, ``changed`` and ``removed``
            (lists of keys; a key of several fields is a list) and
            ``columns_changed``; ``files``: the other files that differ.
        """
        def keys(values: tuple[Key, ...]) -> list[Any]:
            return [list(k) if isinstance(k, tuple) else k for k in values]

        return {"tables": {t.table: {"added": keys(t.added), "changed": keys(t.changed), "removed": keys(t.removed),
                                     "columns_changed": t.columns} for t in self.tables},
                "files": list(self.files)}


def _file_digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in _files(folder)}


def _plain(value: Any) -> Any:
    """A cell as a comparable, hashable value: lists as tuples, every missing value as None."""
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    if value is None or value != value:  # NaN
        return None
    return value


def _rows(folder: Path, name: str, key: list[str], columns: list[str]) -> dict[Key, tuple[Any, ...]] | list[tuple]:
    from .read import load

    table = load(name, folder)
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    rows = [tuple(_plain(r[c]) for c in columns) for r in records]
    if not key:
        return rows
    keys = [tuple(_plain(r[k]) for k in key) for r in records]
    return {(k[0] if len(k) == 1 else k): row for k, row in zip(keys, rows)}


def _compare_table(name: str, new: Path, new_schema: dict[str, Any] | None, old: Path,
                   old_schema: dict[str, Any] | None) -> TableChanges:
    from collections import Counter

    if old_schema is None or new_schema is None:  # a table only one folder has: all its rows are added or removed
        folder = new if old_schema is None else old
        schema = new_schema if old_schema is None else old_schema
        assert schema is not None
        pk = schema.get("primaryKey", [])
        pk = [pk] if isinstance(pk, str) else list(pk)
        fields = [f["name"] for f in schema["fields"]]
        rows = _rows(folder, name, pk, fields)
        keys = tuple(rows) if isinstance(rows, dict) else tuple(range(2, len(rows) + 2))  # rows of the file
        return TableChanges(name, added=keys) if old_schema is None else TableChanges(name, removed=keys)
    new_fields = [f["name"] for f in new_schema["fields"]]
    old_fields = {f["name"] for f in old_schema["fields"]}
    common = [f for f in new_fields if f in old_fields]
    pk = new_schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else list(pk)
    old_pk = old_schema.get("primaryKey", [])
    if pk != ([old_pk] if isinstance(old_pk, str) else list(old_pk)) or not set(pk) <= set(common):
        pk = []  # keys that mean different things cannot match rows: compare whole rows
    columns = set(new_fields) != old_fields
    now, before = _rows(new, name, pk, common), _rows(old, name, pk, common)
    if isinstance(now, dict) and isinstance(before, dict):
        return TableChanges(name, added=tuple(k for k in now if k not in before),
                            changed=tuple(k for k in now if k in before and now[k] != before[k]),
                            removed=tuple(k for k in before if k not in now), columns=columns)
    # without a key, a row is identified by its values (its number in the file names it): an edited row is one
    # removed and one added
    assert isinstance(now, list) and isinstance(before, list)
    extra, missing = Counter(now) - Counter(before), Counter(before) - Counter(now)
    return TableChanges(name, added=tuple(i for i, row in enumerate(now, start=2) if row in extra),
                        removed=tuple(i for i, row in enumerate(before, start=2) if row in missing), columns=columns)


def compare_data(data: str | os.PathLike[str] | None = None,
                 reference: str | os.PathLike[str] | None = None) -> DataChanges:
    """How a data folder differs from the packaged data (or from another folder), table by table.

    Rows are matched by each table's primary key (``datapackage.json``) and
    compared on the columns both tables have, as :func:`~mscteach.data.load`
    reads them (so a file saved with other line endings or quoting changes
    no row). Only tables whose file or schema differs are read.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.
    reference : str or path-like, optional
        The folder to compare with (default: :func:`packaged_data`).

    Returns
    -------
    DataChanges
        Empty (false) when the two folders hold the same data.

    Raises
    ------
    DataDirectoryError
        If a folder does not exist, or there is no packaged data to compare with.
    DataValidationError
        If a table that differs breaks its schema in either folder.

    Examples
    --------
    >>> bool(compare_data())
    False
    """
    from ..errors import DataDirectoryError
    from .schema import package_descriptor

    new = data_dir(data)
    old = Path(reference) if reference is not None else packaged_data()
    if old is None or not old.is_dir():
        raise DataDirectoryError(f"there is no packaged data to compare {str(new)!r} with")
    if old.resolve() == new.resolve():
        return DataChanges()
    new_files, old_files = _file_digests(new), _file_digests(old)
    new_desc, old_desc = package_descriptor(new), package_descriptor(old)
    new_res = {r["name"]: r for r in new_desc["resources"]}
    old_res = {r["name"]: r for r in old_desc["resources"]}
    tables, explained = [], {"datapackage.json"}
    for name in [*new_res, *(n for n in old_res if n not in new_res)]:
        now, before = new_res.get(name), old_res.get(name)
        paths = {r["path"] for r in (now, before) if r is not None}
        explained |= paths
        if now is not None and before is not None and now["schema"] == before["schema"] \
                and now["path"] == before["path"] and new_files.get(now["path"]) == old_files.get(now["path"]):
            continue
        changes = _compare_table(name, new, now["schema"] if now else None, old, before["schema"] if before else None)
        if changes:
            tables.append(changes)
        elif now is not None and new_files.get(now["path"]) != old_files.get(now["path"]):
            explained.discard(now["path"])  # the same rows, written otherwise: say the file differs
    files = [f for f in sorted(set(new_files) | set(old_files))
             if f not in explained and new_files.get(f) != old_files.get(f)]
    # datapackage.json differs whenever a table is added: it is another change only if more than that differs
    both = set(new_res) & set(old_res)

    def shared(descriptor: dict[str, Any]) -> str:
        kept = {**descriptor, "resources": [r for r in descriptor["resources"] if r["name"] in both]}
        return json.dumps(kept, sort_keys=True)

    if shared(new_desc) != shared(old_desc):
        files.insert(0, "datapackage.json")
    return DataChanges(tuple(tables), tuple(files))


@dataclass(frozen=True)
class Provenance:
    """The data an output was made from: its content hash, and how it differs from the packaged data.

    ``str()`` gives a short line, e.g. ``data 3f2a9c0b1d4e (packaged)``;
    :meth:`summary` the sentence outputs show, e.g. "the review's curated data
    (data 3f2a9c0b1d4e)" or "modified: 1 row added in references (data
    9f8e7d6c5b4a)".

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    hash : str
        Its :func:`content_hash`.
    packaged : bool
        Whether it is the packaged data or has the same content.
    changes : DataChanges or None, default None
        How it differs from the packaged data (:func:`compare_data`): empty
        when ``packaged``; None when there is no packaged data to compare with.
    shipped : bool, default False
        Whether ``folder`` is the packaged data's own folder (not a copy).
    """

    folder: Path
    hash: str
    packaged: bool
    changes: DataChanges | None = None
    shipped: bool = False

    def __str__(self) -> str:
        return f"data {self.hash[:12]} ({'packaged' if self.packaged else 'modified'})"

    @property
    def label(self) -> str:
        """The folder as outputs name it: ``"packaged"`` for the packaged data's own folder, else its path."""
        return "packaged" if self.shipped else str(self.folder)

    def added(self, table: str) -> tuple[Key, ...]:
        """The primary keys of the rows of ``table`` that are not in the packaged data (a teacher's rows).

        Parameters
        ----------
        table : str
            A table's name.

        Returns
        -------
        tuple
            The keys, in the table's order; empty for the packaged data, or
            when there is no packaged data to compare with.
        """
        return self.changes.table(table).added if self.changes is not None else ()

    def summary(self, lang: str = "en") -> str:
        """Which data this is, as outputs say it, with the short hash.

        Parameters
        ----------
        lang : str, default "en"
            The language (:func:`mscteach.i18n.say`).

        Returns
        -------
        str
            "the review's curated data (data 1a2b3c4d5e6f)", "modified: 2 rows
            added, 1 row changed in clinical_studies; 1 row added in
            references (data 9f8e7d6c5b4a)", or, without packaged data to
            compare with, "data not compared with the review's (data ...)".
        """
        from ..i18n import say

        short = self.hash[:12]
        if self.packaged:
            return say("the review's curated data (data {hash})", lang, hash=short)
        if self.changes is None:
            return say("data not compared with the review's: this installation has no packaged data (data {hash})",
                       lang, hash=short)
        return say("modified: {changes} (data {hash})", lang, changes=self.changes.describe(lang), hash=short)

    def as_json(self) -> dict[str, Any]:
        """The provenance, ready for :func:`json.dumps` (in English, whatever the output's language).

        Returns
        -------
        dict of str to object
            ``folder`` (:attr:`label`), ``hash`` (the full SHA-256),
            ``packaged``, ``summary`` (:meth:`summary`) and ``changes``
            (:meth:`DataChanges.as_json`, or None when there is nothing to
            compare with).
        """
        return {"folder": self.label, "hash": self.hash, "packaged": self.packaged, "summary": self.summary("en"),
                "changes": None if self.changes is None else self.changes.as_json()}


def provenance_of(data: str | os.PathLike[str] | None = None) -> Provenance:
    """The provenance of a data folder (see :func:`~mscteach.data.data_dir`), compared with the packaged data.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    Provenance

    Raises
    ------
    DataDirectoryError
        If the data folder does not exist.
    DataValidationError
        If a table that differs from the packaged data's breaks its schema.

    Examples
    --------
    >>> str(provenance_of()).endswith("(packaged)")
    True
    >>> provenance_of().summary()[:30]
    "the review's curated data (dat"
    """
    folder = data_dir(data)
    digest = content_hash(folder)
    shipped = packaged_data()
    if shipped is None:
        return Provenance(folder, digest, False)
    itself = shipped.resolve() == folder.resolve()
    shipped_digest = digest if itself else content_hash(shipped)
    if shipped_digest == digest:
        return Provenance(folder, digest, True, DataChanges(), itself)
    return Provenance(folder, digest, False, _compared(str(folder), digest, str(shipped), shipped_digest))


@lru_cache(maxsize=8)
def _compared(folder: str, digest: str, shipped: str, shipped_digest: str) -> DataChanges:
    # keyed by both folders' content: a site's pages and both its editions ask about the same folder
    return compare_data(folder, shipped)
