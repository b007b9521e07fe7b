"""Where the course's files are: a workspace of one's own, the installed package, or a checkout.

The course ships four folders: ``data``, ``notebooks``, ``reports`` and
``exercises``. An installed wheel carries read-only copies inside the package
(``mscteach/_data`` ...; the exercises as students get them, never the masters
or hidden tests); a checkout of the repository has them at its top. A
**workspace** is a writable folder made by ``mscteach init DIR``: run inside it
(or any folder below it), every command uses its copies. This module is the
one place that decides, for everything else in the package.
"""
from __future__ import annotations

import importlib.resources
import json
import shutil
from datetime import date
from pathlib import Path

from .errors import MscteachError, UnknownNameError

__all__ = ["KINDS", "MARKER", "checkout", "course_folder", "init", "notebook_dir", "notebooks", "packaged", "workspace",
           "writable_folder"]

KINDS = ("data", "notebooks", "reports", "exercises")
#: The file that marks a folder as a workspace.
MARKER = "mscteach-workspace.json"


def workspace(start: Path | None = None) -> Path | None:
    """The workspace holding ``start`` (default: the current folder), or None.

    Parameters
    ----------
    start : Path, optional
        A folder; it and every folder above it are searched for :data:`MARKER`.

    Returns
    -------
    Path or None
        The workspace's folder (resolved).
    """
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


def packaged(kind: str) -> Path | None:
    """The installed package's read-only copy of a course folder, if this is an installed wheel.

    Parameters
    ----------
    kind : {"data", "notebooks", "reports", "exercises"}
        The course folder (see :data:`KINDS`).

    Returns
    -------
    Path or None
        ``mscteach/_<kind>`` if it exists.

    Raises
    ------
    UnknownNameError
        If ``kind`` is not one of :data:`KINDS` (the message lists them).
    """
    _check_kind(kind)
    folder = importlib.resources.files("mscteach") / f"_{kind}"
    return Path(str(folder)) if folder.is_dir() else None


def checkout() -> Path | None:
    """The repository checkout this package runs from (an editable install), or None.

    Returns
    -------
    Path or None
        The folder above the package, if it holds ``pyproject.toml`` and ``notebooks/``.
    """
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir() else None


def course_folder(kind: str, start: Path | None = None) -> Path:
    """The folder of ``kind`` to use: the workspace's, else the package's copy, else the checkout's.

    Parameters
    ----------
    kind : {"data", "notebooks", "reports", "exercises"}
        The course folder (see :data:`KINDS`).
    start : Path, optional
        Where to look for a workspace (default: the current folder).

    Returns
    -------
    Path
        The workspace's folder is used only if it exists there; the
        checkout's is returned without checking that it exists.

    Raises
    ------
    MscteachError
        If there is no workspace copy, installed copy or checkout.
    UnknownNameError
        If ``kind`` is not one of :data:`KINDS` (the message lists them).
    """
    _check_kind(kind)
    home = workspace(start)
    if home is not None and (home / kind).is_dir():
        return home / kind
    copy = packaged(kind)
    if copy is not None:
        return copy
    root = checkout()
    if root is not None:
        return root / kind
    raise MscteachError(f"no {kind}/ folder: neither a workspace (mscteach init DIR), an installed copy, "
                        "nor a checkout was found")


def notebook_dir() -> Path:
    """The folder of chapter notebooks: the workspace's, the installed copy, or the checkout's.

    Returns
    -------
    Path

    Raises
    ------
    MscteachError
        If none is found (see :func:`course_folder`).
    """
    return course_folder("notebooks")


def notebooks(folder: Path | None = None) -> list[Path]:
    """The course notebooks in order: ``00_index.ipynb`` then the numbered chapters.

    Parameters
    ----------
    folder : Path, optional
        The notebooks folder (default: :func:`notebook_dir`).

    Returns
    -------
    list of Path
        The ``NN_*.ipynb`` files, sorted by name.

    Examples
    --------
    >>> notebooks()[0].name
    '00_index.ipynb'
    """
    folder = folder or notebook_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def writable_folder(kind: str, doing: str) -> Path:
    """:func:`course_folder`, refusing the installed package's copy (nothing writes inside site-packages).

    Parameters
    ----------
    kind : {"data", "notebooks", "reports", "exercises"}
        The course folder (see :data:`KINDS`).
    doing : str
        What the caller wants to do, for the message ("build the site").

    Returns
    -------
    Path

    Raises
    ------
    MscteachError
        If the folder to use is the installed package's read-only copy, or none is found.
    """
    folder = course_folder(kind)
    copy = packaged(kind)
    if copy is not None and folder == copy:
        raise MscteachError(f"cannot {doing}: the course files of an installed package are read-only. Make a "
                            "workspace of your own with `mscteach init DIR`, then run this inside DIR")
    return folder


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UnknownNameError("course folder", kind, list(KINDS))


_README = """# My mscteach workspace

Made by `mscteach init` on {date} ({role} copy, mscteach {version}). Everything here is yours to change:

- `notebooks/`: the course chapters. Open them with `mscteach lab` run in this folder.
- `exercises/student/`: one folder per exercise set; check each answer with `grader.check("q1")`.
{instructor}- `data/`: the curated evidence tables (check your edits with `mscteach validate`).

Run inside this folder (or below it), every `mscteach` command uses these copies: `mscteach build`
renders the chapters into `_build/site/`, `mscteach lab` opens them.

Licences: code MIT; data and text derived from the review (Moudi, Karbalaie-Harofteh & Moudi, Razi J Med
Sci 2025) CC BY-NC-SA 4.0, with attribution (see data/LICENSE.md).
"""
_INSTRUCTOR = """- `exercises/masters/` and `exercises/autograder/`: the answers and hidden tests. Do not share them
  with students; `mscteach exercises generate` rebuilds the student versions after you edit a master, and
  `mscteach exercises grade SET FILES...` grades submissions.
- `reports/`: the evidence-brief template used by `mscteach report`.
"""


def init(target: Path, instructor: bool = False) -> list[Path]:
    """Copy the course into ``target``, a new workspace; returns the folders written.

    A student workspace holds the chapters, the student exercises and the
    data. ``instructor=True`` adds the exercise masters, the hidden tests and
    the report template, which only a checkout of the repository has (an
    installed package never carries them, so students cannot read them).

    Parameters
    ----------
    target : Path
        The new workspace's folder (``~`` is expanded); it must not exist or be empty.
    instructor : bool, default False
        Also copy the exercise masters, the autograder and ``reports/``.

    Returns
    -------
    list of Path
        The folders copied (``notebooks``, ``data``, ``exercises/student`` ...);
        ``README.md`` and :data:`MARKER` are written too.

    Raises
    ------
    MscteachError
        If ``target`` exists and is not empty, the instructor's files are
        not available here, or copying fails (what was copied is then removed,
        and ``target`` too unless it existed, empty, before).
    """
    from importlib.metadata import version

    __version__ = version("mscteach")
    target = Path(target).expanduser().resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise MscteachError(f"{str(target)!r} already exists and is not empty: choose a new folder")
    sources = {"notebooks": course_folder("notebooks"), "data": course_folder("data")}
    exercises = course_folder("exercises")
    parts = {"exercises/student": exercises / "student"}
    if instructor:
        root = checkout()
        if root is None or not (root / "exercises" / "masters").is_dir():
            raise MscteachError(
                "the exercise masters and hidden tests are not installed with the package (so that students "
                "cannot read them): clone the course repository and run `mscteach init DIR --instructor` "
                "from that checkout")
        parts.update({"exercises/masters": root / "exercises" / "masters",
                      "exercises/autograder": root / "exercises" / "autograder", "reports": root / "reports"})
    existed = target.is_dir()  # an empty folder the user made stays; only what init made is removed
    target.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for name, source in {**sources, **parts}.items():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(
                "__pycache__", ".ipynb_checkpoints", "*.pyc"))
            written.append(target / name)
        readme = _README.format(date=date.today().isoformat(), role="instructor" if instructor else "student",
                                version=__version__, instructor=_INSTRUCTOR if instructor else "")
        (target / "README.md").write_text(readme, encoding="utf-8")
        (target / MARKER).write_text(json.dumps({"role": "instructor" if instructor else "student",
                                                 "mscteach": __version__}, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:  # leave nothing half made
        if existed:
            for made in target.iterdir():
                shutil.rmtree(made, ignore_errors=True) if made.is_dir() else made.unlink(missing_ok=True)
        else:
            shutil.rmtree(target, ignore_errors=True)
        raise MscteachError(f"cannot make the workspace {str(target)!r}: {exc}") from None
    return written
