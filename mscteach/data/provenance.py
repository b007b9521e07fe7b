"""Which data made an output: a content hash of the data folder, and whether it is the packaged data unmodified."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .locate import data_dir

__all__ = ["Provenance", "content_hash", "packaged_data", "provenance_of"]


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


@dataclass(frozen=True)
class Provenance:
    """The data an output was made from: its content hash and whether it is the packaged data unmodified.

    ``str()`` gives the line outputs print, e.g. ``data 3f2a9c0b1d4e (packaged)``.

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    hash : str
        Its :func:`content_hash`.
    packaged : bool
        Whether it is the packaged data or has the same content.
    """

    folder: Path
    hash: str
    packaged: bool

    def __str__(self) -> str:
        return f"data {self.hash[:12]} ({'packaged' if self.packaged else 'modified'})"


def provenance_of(data: str | os.PathLike[str] | None = None) -> Provenance:
    """The provenance of a data folder (see :func:`~mscteach.data.data_dir`).

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

    Examples
    --------
    >>> str(provenance_of()).endswith("(packaged)")
    True
    """
    folder = data_dir(data)
    digest = content_hash(folder)
    shipped = packaged_data()
    same = shipped is not None and (shipped.resolve() == folder.resolve() or content_hash(shipped) == digest)
    return Provenance(folder, digest, same)
