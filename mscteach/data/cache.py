"""Remember which data folders were found clean, by content, in the user's cache folder.

Frictionless takes a second or more over the whole package; a folder whose every
file, and the mscteach and Frictionless that checked it, are the same as a clean
one checked before is clean too. The record lives in the user's cache folder
(``$XDG_CACHE_HOME/mscteach`` on Linux), never inside the installed package; a
cache that is missing, corrupt or cannot be written is simply not used.
"""
from __future__ import annotations

import hashlib
import importlib.resources
import json
from pathlib import Path
from typing import Any

from ..atomic import write_atomically
from .provenance import content_hash

__all__ = ["KEEP", "cache_file", "remember_clean", "validation_key", "was_clean"]

#: How many clean folders are remembered (the oldest is forgotten first).
KEEP = 32
_FORMAT = "1"


def cache_file() -> Path:
    """Where the record of clean folders is kept.

    Returns
    -------
    pathlib.Path
        ``validated.json`` in the user's cache folder for mscteach (it may not exist yet).
    """
    import platformdirs

    return platformdirs.user_cache_path("mscteach") / "validated.json"


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _rules_hash() -> str:
    """A hash of this package's own code and schemas: a checkout's edited rules are new rules."""
    digest = hashlib.sha256()
    root = importlib.resources.files("mscteach.data")
    for item in sorted(root.iterdir(), key=lambda i: i.name):
        if item.is_file() and item.name.endswith(".py"):
            digest.update(item.name.encode("utf-8") + b"\0" + item.read_bytes())
    return digest.hexdigest()


def validation_key(folder: Path, descriptor: dict[str, Any]) -> str | None:
    """The key a clean verdict on ``folder`` is remembered under, or None if it cannot be trusted.

    Tables read from outside the folder (or from URLs) are not covered by the
    folder's content hash, so such a package is always checked afresh.

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    descriptor : dict
        Its ``datapackage.json``.

    Returns
    -------
    str or None
        A SHA-256 hex digest of the cache format, the mscteach and Frictionless
        versions, a hash of ``mscteach.data``'s own code, and the folder's
        content hash; ``None`` if a table lies outside the folder or the
        folder cannot be read.
    """
    root = folder.resolve()
    for resource in descriptor.get("resources", []):
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or "://" in path or not (root / path).resolve().is_relative_to(root):
            return None
    try:
        content = content_hash(folder)
    except OSError:
        return None
    parts = [_FORMAT, _version("mscteach"), _version("frictionless"), _rules_hash(), content]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _read() -> list[str]:
    try:
        keys = json.loads(cache_file().read_text(encoding="utf-8"))["clean"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []


def was_clean(key: str) -> bool:
    """Whether a folder with this key was found clean before.

    Parameters
    ----------
    key : str
        A key from :func:`validation_key`.

    Returns
    -------
    bool
        ``False`` also when the cache is missing or unreadable.
    """
    return key in _read()


def remember_clean(key: str) -> None:
    """Record a clean verdict (silently skipped if the cache folder cannot be written).

    The newest :data:`KEEP` keys are kept.

    Parameters
    ----------
    key : str
        A key from :func:`validation_key`.
    """
    keys = [k for k in _read() if k != key][-(KEEP - 1):] + [key]
    text = json.dumps({"clean": keys}, indent=0) + "\n"
    try:
        write_atomically(cache_file(), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    except OSError:
        pass  # a read-only home (a sandbox, a container): validating again next time is fine
