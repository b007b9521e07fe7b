"""The import's tables in a data folder: read them back, and write them all or nothing.

:func:`import_exports` reads what the folder holds once, screens the exports with the folder's rules,
writes the result into a copy of the folder, validates the copy (the one validation of the command:
the folder's own problems are looked for only when something fails) and only then replaces the changed
files, so a failed import leaves the folder exactly as it was. SIGTERM and SIGINT stop an import only once its
scratch copy is gone (and never halfway through replacing the files); what a killed one (SIGKILL) leaves is
removed by the next import.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..data import data_dir, load, package_descriptor, validate
from ..errors import DataValidationError, RegistryError
from ..i18n import say, say_n
from .changes import Change, change_lines, compare
from .parsers import export_paths, read_exports
from .schema import REGISTERED_TRIALS, REGISTRY_EXCLUDED, REGISTRY_IMPORTS, TABLE_NAMES, TABLES, TODAY_PATTERN, \
    shipped_data
from .screening import Screening, excluded_row, read_rules, screen

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ImportResult", "import_exports", "last_import", "read_rows", "registered_trials"]


def read_rows(folder: Path, resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of one of the import's tables in ``folder`` (none if the table is not there yet).

    Parameters
    ----------
    folder : pathlib.Path
        The data folder.
    resource : dict
        The table's descriptor (:data:`~mscteach.registry.schema.REGISTERED_TRIALS`, ...).

    Returns
    -------
    list of dict
        One dict per row, missing values as ``None``; empty if the folder has no such table.

    Raises
    ------
    DataValidationError
        If the table (or one it depends on) is invalid.
    """
    names = [r["name"] for r in package_descriptor(folder)["resources"]]
    if resource["name"] not in names:
        return []
    table = load(resource["name"], folder)
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return [{k: (list(v) if isinstance(v, list) else v) for k, v in row.items()} for row in rows]


def _csv_bytes(resource: dict[str, Any], rows: Iterable[dict[str, Any]]) -> bytes:
    fields = resource["schema"]["fields"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f["name"] for f in fields])
    for row in rows:
        cells = []
        for f in fields:
            value = row.get(f["name"])
            if isinstance(value, (list, tuple)):
                value = f.get("delimiter", ",").join(map(str, value))
            cells.append("" if value is None else str(value))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")




def _refuse_course_data(folder: Path) -> None:
    if folder.resolve() in [p.resolve() for p in shipped_data()]:
        raise RegistryError(
            f"{folder} is the course's own data (the review's curated tables, shipped with mscteach): import into "
            "a copy of your own. Make one with `mscteach init DIR` (then use DIR/data) or `cp -r data my-data`, "
            "and give it with --data")
    if not os.access(folder, os.W_OK) or not os.access(folder / "datapackage.json", os.W_OK):
        raise RegistryError(f"{folder} is not writable: import into a data folder of your own (mscteach init DIR)")


@dataclass
class ImportResult:
    """What an import did: the screening, the changes, and the files it wrote.

    Parameters
    ----------
    folder : pathlib.Path
        The data folder written.
    screening : Screening
        The screening of the exports.
    changes : list of Change
        What changed in ``registered_trials``.
    written : list of str
        The files written (relative to ``folder``).
    rows : int
        How many trials ``registered_trials`` now holds.
    lang : str, default "en"
        The language of the changes' words (as :func:`import_exports` was given it), and of :meth:`lines`.
    """

    folder: Path
    screening: Screening
    changes: list[Change]
    written: list[str]
    rows: int
    lang: str = "en"

    def lines(self) -> list[str]:
        """The screening, the changes and what was written, as the command line prints them, in :attr:`lang`.

        Returns
        -------
        list of str
        """
        lang = self.lang
        return [*self.screening.lines(lang), *change_lines(self.changes, lang),
                say_n("registered_trials now holds {n} trial; wrote {files} in {folder}",
                      "registered_trials now holds {n} trials; wrote {files} in {folder}", self.rows, lang,
                      files=say(", ", lang).join(self.written), folder=self.folder)]



def import_exports(files: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], data: str | os.PathLike[str],
                   today: str | date | None = None, lang: str = "en") -> ImportResult:
    """Import registry exports into a writable data folder; nothing changes unless everything succeeds.

    Parameters
    ----------
    files : path or sequence of paths
        Exports in any of the three formats (see :func:`read_export`); one path is one file.
    data : path
        A data folder of your own (``mscteach init DIR`` makes one); the
        course's shipped data is refused.
    today : str or date, optional
        The import's date (default: today); a string must be ``YYYY-MM-DD``.
    lang : str, default "en"
        The language of the changes' words and of :meth:`ImportResult.lines` (the tables written are the same).

    Returns
    -------
    ImportResult
        Trials already in the folder stay unless an export now excludes them;
        an import adds a row to ``registry_imports``.

    Raises
    ------
    RegistryError
        For an export that cannot be read (naming the file and record), a trial
        given twice with different values, or a data folder that is the
        course's own or not writable; also when no file is given, two files
        have the same name, or ``today`` is not ``YYYY-MM-DD``.
    DataDirectoryError
        If the data folder does not exist.
    DataValidationError
        If the data folder is invalid before the import (fix it first), or the
        result would be.
    """
    files = export_paths(files)
    if not files:
        raise RegistryError("give at least one export file")
    folder = data_dir(data)
    _refuse_course_data(folder)
    _remove_leftovers(folder)
    today = (today if isinstance(today, str) else (today or date.today()).isoformat())
    if not re.fullmatch(TODAY_PATTERN, today):
        raise RegistryError(f"import date {today!r} is not YYYY-MM-DD")
    names = [Path(f).name for f in files]
    clash = sorted({n for n in names if names.count(n) > 1})
    if clash:
        raise RegistryError(f"two export files are both called {clash[0]!r}: rows name their source file, so "
                            "rename one")
    try:
        records = read_exports(files)
        rules = read_rules(folder)
        old = {r["registry_id"]: r for r in read_rows(folder, REGISTERED_TRIALS)}
        old_excluded = {r["registry_id"]: r for r in read_rows(folder, REGISTRY_EXCLUDED)}
        log = read_rows(folder, REGISTRY_IMPORTS)
        screening = screen(records, rules=rules)
    except (RegistryError, DataValidationError):
        _refuse_invalid_folder(folder)  # the folder's own problems are named first, whatever else is wrong
        raise
    comparison = compare(old, screening, today, lang)  # what `registry diff` lists, from the same function
    new_rows, changes = comparison.rows, comparison.changes
    now_excluded = {record.registry_id: excluded_row(record, reason, today) for record, reason in screening.excluded}
    merged = {rid: row for rid, row in old.items() if rid not in now_excluded}
    merged.update(new_rows)
    excluded = {rid: row for rid, row in old_excluded.items() if rid not in new_rows}
    excluded.update(now_excluded)
    counts = screening.counts()
    log.append({"import_number": len(log) + 1, "imported_on": today, "files": names, **counts,
                "new_trials": sum(c.kind == "new" for c in changes),
                "changed_trials": len({c.registry_id for c in changes if c.kind in ("status", "enrolment", "other")}),
                "no_longer_included": sum(c.kind == "removed" for c in changes)})

    descriptor = json.loads(json.dumps(package_descriptor(folder)))
    resources = [r for r in descriptor["resources"] if r["name"] not in TABLE_NAMES]
    descriptor["resources"] = resources + [json.loads(json.dumps(t)) for t in TABLES]
    contents = {
        REGISTERED_TRIALS["path"]: _csv_bytes(REGISTERED_TRIALS, (merged[k] for k in sorted(merged))),
        REGISTRY_EXCLUDED["path"]: _csv_bytes(REGISTRY_EXCLUDED, (excluded[k] for k in sorted(excluded))),
        REGISTRY_IMPORTS["path"]: _csv_bytes(REGISTRY_IMPORTS, log),
        "datapackage.json": (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
    }
    _commit(folder, contents)
    return ImportResult(folder, screening, changes, list(contents), len(merged), lang)


def _commit(folder: Path, contents: dict[str, bytes]) -> None:
    """Write ``contents`` into a copy of ``folder``, validate the copy, then replace the files in ``folder``."""
    with _stopped_cleanly() as guard:
        _commit_guarded(folder, contents, guard)


def _commit_guarded(folder: Path, contents: dict[str, bytes], guard: "_Guard") -> None:
    parent = folder.parent if os.access(folder.parent, os.W_OK) else None
    # the process id in the name tells a later import whether the one that made it still runs
    scratch = Path(tempfile.mkdtemp(prefix=f"{_SCRATCH}{os.getpid()}-", dir=parent))
    try:
        trial = scratch / folder.name
        shutil.copytree(folder, trial)
        for name, content in contents.items():
            (trial / name).write_bytes(content)
        problems = validate(trial)
        if problems:
            _refuse_invalid_folder(folder)
            raise DataValidationError(problems, context=f"the import would leave {folder} invalid, so nothing was "
                                      "changed")
        # every file is complete before it replaces the old one; the descriptor, which makes the tables
        # visible, is replaced last
        for name in contents:  # the validated files, next to the ones they replace
            shutil.copyfile(trial / name, folder / f".{name}.part")
            os.chmod(folder / f".{name}.part", _mode(folder / name))
        with guard.held():  # all the files, or (stopped before) none
            for name in sorted(contents, key=lambda n: n == "datapackage.json"):
                os.replace(folder / f".{name}.part", folder / name)
    finally:
        with guard.held():
            shutil.rmtree(scratch, ignore_errors=True)
            for name in contents:
                leftover = folder / f".{name}.part"
                if leftover.exists():
                    leftover.unlink()


#: How the scratch copies of an import are named (then the importing process's id, then a random part).
_SCRATCH = ".mscteach-import-"
#: Where a process cannot be asked whether it runs (not POSIX), a scratch copy this old (seconds) is a leftover.
_STALE = 3600


def _remove_leftovers(folder: Path) -> None:
    """Remove what a killed import left beside ``folder`` (its scratch copy) and in it (half-copied files).

    A scratch copy whose import still runs is left alone: two data folders may share a parent.
    """
    running = False
    for scratch in folder.parent.glob(f"{_SCRATCH}*"):
        if not scratch.is_dir():
            continue
        if _import_runs(scratch):
            running = True
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    if running:  # its half-copied files may be on their way in
        return
    for name in [t["path"] for t in TABLES] + ["datapackage.json"]:
        (folder / f".{name}.part").unlink(missing_ok=True)


def _import_runs(scratch: Path) -> bool:
    """Whether the import that made ``scratch`` still runs (by the process id in its name)."""
    pid = scratch.name[len(_SCRATCH):].split("-")[0]
    if not pid.isdigit():  # named before names carried the process id
        return False
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return time.time() - scratch.stat().st_mtime < _STALE
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class _Guard:
    """The import's signal handler: stop the import at once or, while it holds (replaces files), just after."""

    def __init__(self) -> None:
        self.pending: int | None = None
        self.holding = False

    def __call__(self, signum: int, frame: Any) -> None:
        self.pending = signum
        if not self.holding:  # raised where the import is, so that its cleanup runs (SIGTERM's too)
            raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        """Defer a signal until the block ends (the block's own work is never left half-done)."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False


@contextmanager
def _stopped_cleanly() -> Iterator[_Guard]:
    """Run an import's write under :class:`_Guard`; once it has cleaned up, a signal does what it would have
    done without it (SIGTERM ends the process, SIGINT raises KeyboardInterrupt)."""
    guard = _Guard()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():  # only there can Python handle signals
        for signum in (signal.SIGTERM, signal.SIGINT):
            handler = signal.getsignal(signum)
            if handler not in (signal.SIG_IGN, None):  # ignored, or handled outside Python: left so
                previous[signum] = handler
                signal.signal(signum, guard)
    stopped = False
    try:
        yield guard
    except KeyboardInterrupt:
        if guard.pending is None:  # not from a signal the guard caught
            raise
        stopped = True
    finally:
        for caught, handler in previous.items():
            signal.signal(caught, handler)
        if guard.pending is not None:
            signal.raise_signal(guard.pending)
    if stopped:  # the signal's own handler let the process go on
        raise RegistryError("the import was stopped by a signal; the data folder was left as it was")


def _mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _refuse_invalid_folder(folder: Path) -> None:
    """Raise if ``folder`` has problems of its own: called only once something has failed, so that a
    successful import validates the data once (its result), not before and after."""
    problems = validate(folder)
    if problems:
        raise DataValidationError(problems, context=f"{folder} has problems before the import (run "
                                  f"`mscteach validate {folder}` and fix them first)")


def registered_trials(data: str | os.PathLike[str] | None = None) -> "pd.DataFrame | None":
    """The data folder's registered trials, or None if no export has been imported into it.

    Adds ``published_study_id``: the study of ``clinical_studies`` that names the
    trial's registry id (empty if none does), so a registered trial with
    published results in the data is marked as such, and stays right when a
    study's ``registry_id`` is filled in later.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    pandas.DataFrame or None
        The ``registered_trials`` table with a ``published_study_id`` column
        (registry ids matched case-insensitively).

    Examples
    --------
    >>> registered_trials() is None  # the shipped data holds no import
    True
    """
    folder = data_dir(data)
    if REGISTERED_TRIALS["name"] not in [r["name"] for r in package_descriptor(folder)["resources"]]:
        return None
    trials = load(REGISTERED_TRIALS["name"], folder)
    clinical = load("clinical_studies", folder)
    linked = clinical.dropna(subset=["registry_id"]) if "registry_id" in clinical else clinical.iloc[0:0]
    by_id = {str(rid).upper(): str(sid) for rid, sid in zip(linked["registry_id"], linked["study_id"])}
    trials["published_study_id"] = trials["registry_id"].map(lambda rid: by_id.get(str(rid).upper())).astype("string")
    return trials


def last_import(data: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
    """The log row of the latest import (its PRISMA counts), or None.

    Parameters
    ----------
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    dict or None
        The last row of ``registry_imports``; None if nothing was imported.
    """
    rows = read_rows(data_dir(data), REGISTRY_IMPORTS)
    return rows[-1] if rows else None

