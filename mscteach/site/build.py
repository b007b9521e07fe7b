"""The ``build`` job: execute the chapters with papermill, then render the course site.

``mscteach build`` calls :func:`build`: each chapter is executed in its own
kernel (several at once, with a progress bar) into a cache, then
:mod:`mscteach.site.rendering` renders the executed notebooks with Sphinx + MyST-NB into
a site that works offline. A chapter that fails is reported by name and cell;
the others are still built, and the failed one shows up to its error.

Builds are incremental, like make: a chapter is executed again only when its
cache key changes. The key covers the notebook's content, its parameters, the
data folder's content and the mscteach package's source (a hash of its files,
not its version string), so editing one chapter re-executes only that chapter
while a change to the data or the package re-executes them all. A rebuild
with nothing changed executes nothing and does not run Sphinx. (The cache is
mscteach's own: jupyter-cache keys on code cells only, and our key must also
cover the data and the package.)

The notebook-running machinery lives in :mod:`mscteach.runner`, shared with
``report``; which parameters each chapter gets is decided by
:mod:`mscteach.chapters` before any kernel starts.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import chapters
from . import rendering
from ..display import SITE_BUILD
from ..data.localised import untranslated_cells
from ..errors import MscteachError
from ..resources import notebook_dir, notebooks
from ..runner import NotebookFailure, ensure_writable_folder, execute_notebook, skip_unused_format_checkers, \
    worker_pool, write_atomically

__all__ = [
    "BuildResult",
    "build",
    "clean_notebook",
    "compact_images",
    "notebook_dir",
    "notebook_parameters",
    "notebooks",
    "parse_value",
    "plan_parameters",
]



def notebook_parameters(path: Path) -> dict[str, Any]:
    """Names and default values of a notebook's ``parameters`` cell.

    Parameters
    ----------
    path : Path
        The notebook (``.ipynb``) whose cell tagged ``parameters`` is read
        (by :func:`papermill.inspect_notebook`; nothing is executed).

    Returns
    -------
    dict of str to str
        Each parameter's name, in the cell's order, to its default **as
        written in the cell** (Python source such as ``"1868"`` or
        ``"'all'"``, not the value); empty when the notebook has no
        parameters cell.
    """
    import papermill

    return {name: info["default"] for name, info in papermill.inspect_notebook(str(path)).items()}


def parse_value(text: str) -> Any:
    """Turn a command-line value into a Python value: JSON (numbers, lists, true/false) or a string.

    Parameters
    ----------
    text : str
        The value as typed after ``-p NAME``. ``True`` and ``False`` (Python's
        spelling) are read as booleans as well as JSON's ``true``/``false``.

    Returns
    -------
    object
        The JSON value (int, float, bool, None, list or dict), or ``text``
        itself when it is not JSON.

    Examples
    --------
    >>> parse_value("2010"), parse_value("0.5"), parse_value("True"), parse_value("false")
    (2010, 0.5, True, False)
    >>> parse_value('["cirrhosis", "ACLF"]')
    ['cirrhosis', 'ACLF']
    >>> parse_value("ACLF"), parse_value("NaN")
    ('ACLF', 'NaN')
    """
    if text in ("True", "False"):
        return text == "True"
    try:  # JSON's NaN and Infinity are not numbers a chapter takes: they stay the words typed
        return json.loads(text, parse_constant=str)
    except json.JSONDecodeError:
        return text


def clean_notebook(path: Path, keep_widget_ids: bool = False) -> None:
    """Strip what changes on every run (papermill timings, widget state) from an executed notebook.

    The notebook is rewritten in place: papermill's metadata (notebook, cells
    and outputs), the cells' ``execution`` timestamps and the notebook's
    stored widget state are removed, so executing it again without changes
    gives the same file.

    Parameters
    ----------
    path : Path
        The executed notebook, read and written with :mod:`nbformat` (version 4).
    keep_widget_ids : bool, default False
        Keep each widget view's ``model_id``. By default it is replaced by 32
        zeros (a fresh random id on every run would change the file); the
        site build keeps the ids, which link a static view to its widget.
    """
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            for output in cell.outputs:
                output.get("metadata", {}).pop("papermill", None)
                view = output.get("data", {}).get("application/vnd.jupyter.widget-view+json")
                if view and not keep_widget_ids:  # a fresh random id on every run; the model is not stored
                    view["model_id"] = "0" * 32
    nbformat.write(nb, str(path))


@dataclass
class BuildResult:
    """What a build wrote: the pages, which chapters it executed, whether it rendered, and what failed.

    :func:`build` returns one; the command line reports from it.

    Parameters
    ----------
    out : Path
        The site folder (absolute).
    pages : dict of str to Path
        Each chapter notebook's file name (``01_history.ipynb``) to its page in
        the first edition (the first notebook is ``index.html``).
    failures : list of NotebookFailure
        The chapters that failed to execute, sorted by notebook name (each
        still has a page, up to its error).
    executed : list of str
        File names of the chapters executed by this build (sorted); empty
        when every chapter came from the cache.
    runs : int
        Chapter runs this build made: a chapter runs once per edition, so two
        editions of 8 chapters make 16.
    editions : int
        The editions built (languages).
    rendered : bool
        Whether Sphinx ran (False when nothing changed since the last build).
    untranslated : dict of str to dict of str to list of str
        Per translated edition (language code), each page's narrative blocks
        shown in English for want of a translation.
    untranslated_data : dict of str to dict of str to list of str
        Per translated edition, each table's cells shown in English for want
        of a translation (rows a teacher added without their ``_fa`` text).

    Attributes
    ----------
    index : Path
        The site's front page, ``out / "index.html"``.
    ok : bool
        True when no chapter failed.
    """

    out: Path
    pages: dict[str, Path] = field(default_factory=dict)
    failures: list[NotebookFailure] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)
    runs: int = 0
    editions: int = 1
    rendered: bool = False
    #: per translated edition: page -> narrative blocks shown in English for want of a translation
    untranslated: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: per translated edition: table -> data cells shown in English (``KEY: column``; data.untranslated_cells)
    untranslated_data: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @property
    def index(self) -> Path:
        """The site's front page, ``out / "index.html"``."""
        return self.out / "index.html"

    @property
    def ok(self) -> bool:
        """True when every chapter executed without error."""
        return not self.failures


def plan_parameters(paths: Iterable[Path], overrides: Mapping[str, Any]) -> dict[Path, dict[str, Any]]:
    """The parameter values each notebook gets from ``-p`` overrides, checked before any kernel starts.

    See :mod:`mscteach.chapters` for the rule (a value goes to every chapter
    that accepts it; ``CHAPTER:NAME`` targets one chapter).

    Parameters
    ----------
    paths : iterable of Path
        The chapter notebooks; each one's parameters cell is read (nothing is executed).
    overrides : mapping of str to object
        ``NAME`` or ``CHAPTER:NAME`` (chapter = notebook name without
        ``.ipynb``) to the value, as :func:`parse_value` reads it.

    Returns
    -------
    dict of Path to dict of str to object
        Every notebook of ``paths`` to the overrides it gets (only those;
        an empty dict when it keeps all its defaults).

    Raises
    ------
    UnknownNameError
        For a chapter or parameter no notebook has, or a choice no chapter accepts.
    ParameterError
        For a value of the wrong type or out of range for every chapter that has the parameter.
    """
    paths = list(paths)
    declared = {p.stem: notebook_parameters(p) for p in paths}
    planned = chapters.plan([p.stem for p in paths], overrides, declared)
    return {p: planned[p.stem] for p in paths}


def _durations(cache: Path) -> dict[str, float]:
    try:
        return json.loads((cache / "durations.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _execute_one(source: str, target: str, parameters: dict[str, Any], data: str | None) -> tuple[str | None, float]:
    """Execute one chapter for the site into ``target`` (atomically); return its failure (JSON) and seconds."""
    import time

    start = time.perf_counter()
    src, final = Path(source), Path(target)
    failure = None
    with tempfile.TemporaryDirectory(prefix="mscteach-build-") as tmp:
        executed = Path(tmp) / src.name
        try:
            execute_notebook(src, executed, parameters, data=Path(data) if data else None,
                             environment={SITE_BUILD: "1"})
        except NotebookFailure as exc:
            failure = (exc.notebook, exc.cell, exc.error)
        if executed.exists():
            clean_notebook(executed, keep_widget_ids=True)
            write_atomically(final, lambda part: shutil.copyfile(executed, part))
    return (json.dumps(failure) if failure else None), time.perf_counter() - start


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def folder_hash(folder: Path) -> str:
    """A hash of every file in a folder (names and contents).

    Parameters
    ----------
    folder : Path
        The folder, read recursively; ``__pycache__`` folders are left out.

    Returns
    -------
    str
        A SHA-256 hex digest that changes when a file is added, removed,
        renamed or edited.
    """
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return _digest(*(str(p.relative_to(folder)).encode() + b"\0" + p.read_bytes() for p in files))


def cache_keys(paths: Iterable[Path], plan: Mapping[Path, Mapping[str, Any]], data: Path | None) -> dict[Path, str]:
    """Each chapter's cache key: its content, its parameters, the data folder and the package source.

    Parameters
    ----------
    paths : iterable of Path
        The chapter notebooks.
    plan : mapping of Path to mapping of str to object
        Each notebook's parameter overrides (from :func:`plan_parameters`).
    data : Path or None
        The data folder the chapters read (None: the one in use, see
        :func:`mscteach.data.data_dir`).

    Returns
    -------
    dict of Path to str
        Each notebook to its key (24 hex digits).
    """
    from ..data import data_dir

    shared = (folder_hash(data_dir(data)) + rendering.source_hash()).encode()
    return {p: _digest(p.read_bytes(), json.dumps(plan[p], sort_keys=True, default=str).encode(), shared)[:24]
            for p in paths}


def build(out: Path, jobs: int = 2, parameters: Mapping[str, Any] | None = None,
          folder: Path | None = None, progress: bool = True, data: Path | None = None,
          repository: str | None = None, hub: str | None = None, langs: Sequence[str] = ("en",)) -> BuildResult:
    """Execute the chapters that changed and render the course site to ``out``.

    Parameters
    ----------
    out : Path
        Output folder: the site (``index.html`` opens it). Executed notebooks
        and Sphinx's sources are kept beside it, in ``.OUT-cache/``.
    parameters : mapping, optional
        Parameter overrides (``NAME`` or ``CHAPTER:NAME`` to value), given to
        the chapters that accept them (see :mod:`mscteach.chapters`).
    jobs : int, default 2
        Notebooks executed at once (at least 1).
    folder : Path, optional
        The folder of chapter notebooks (default: the course's, see
        :func:`mscteach.resources.notebook_dir`).
    progress : bool, default True
        Show a progress bar while chapters execute.
    data : Path, optional
        The data folder the chapters read (an absolute path; default: the one in use).
    repository, hub : str, optional
        URLs for the chapters' launch links (default: the package's
        ``[project.urls] Repository``; no links without one).
    langs : sequence of str
        The editions to render (see :mod:`mscteach.translations`): the first
        at ``out``, the others at ``out/LANG/``, each page linking to the same
        page of the other edition. The chapters run once per edition (each
        in its language); default ``("en",)``.

    Returns
    -------
    BuildResult
        The pages written, the chapters executed, whether Sphinx ran and the
        chapters that failed. A failed chapter is reported here, not raised.

    Raises
    ------
    UnknownNameError, ParameterError
        For a parameter or value no chapter accepts, or an unknown language
        (before any kernel starts).
    DataValidationError
        Before any kernel starts, if the data folder has problems (nothing is written).
    MscteachError
        If ``jobs`` is below 1, ``folder`` holds no notebooks, the output or
        cache folder cannot be written, or Sphinx fails.
    """
    from tqdm.auto import tqdm

    from .links import repository_url

    from ..data.validation import require_valid
    from ..i18n import check_language

    if jobs < 1:
        raise MscteachError(f"--jobs must be at least 1, got {jobs}")
    langs = list(dict.fromkeys(check_language(lang) for lang in langs)) or ["en"]
    require_valid(data, "building the site")
    skip_unused_format_checkers()
    paths = notebooks(folder)
    if not paths:
        raise MscteachError(f"no notebooks found in {folder or notebook_dir()}")
    # each edition's chapters run with its language (English: the chapters' own default, so its cache is shared
    # with a build of English alone)
    plans = {lang: plan_parameters(paths, {**(parameters or {}), **({} if lang == "en" else {"lang": lang})})
             for lang in langs}
    out = Path(out).resolve()
    ensure_writable_folder(out)
    cache = cache_folder(out)
    ensure_writable_folder(cache / "executed", "cache folder")
    keys = {lang: cache_keys(paths, plans[lang], data) for lang in langs}
    jobs_list = [(lang, p) for lang in langs for p in paths]
    executed = {(lang, p): cache / "executed" / f"{p.stem}-{keys[lang][p]}.ipynb" for lang, p in jobs_list}
    repository = repository or repository_url()
    stamp = {"keys": {(p.stem if n == 0 else f"{lang}:{p.stem}"): keys[lang][p] for n, lang in enumerate(langs)
                      for p in paths}, "repository": repository, "hub": hub, "langs": langs}
    result = BuildResult(out)
    # longest first (by how long each took last time, else by size), so no long chapter is left for the end
    durations = _durations(cache)
    missing = sorted((job for job in jobs_list if not executed[job].is_file()),
                     key=lambda job: -durations.get(job[1].stem, job[1].stat().st_size / 20_000))
    with worker_pool(min(jobs, max(len(missing), 1))) as pool, ThreadPoolExecutor(1) as warm_up:
        futures = {pool.submit(_execute_one, str(p), str(executed[(lang, p)]), plans[lang][p],
                               str(data) if data else None): (lang, p) for lang, p in missing}
        # started after the workers are forked (forking while a thread imports is unsafe);
        # with nothing to execute there is no idle time to fill, and maybe nothing to render
        course_pages = warm_up.submit(rendering.prepare, data) if missing else None
        for future in tqdm(as_completed(futures), total=len(futures), desc="notebooks", unit="nb",
                           disable=not progress or not futures):
            failure, seconds = future.result()
            durations[futures[future][1].stem] = seconds
            if failure:
                result.failures.append(NotebookFailure(*json.loads(failure)))
    if missing:
        (cache / "durations.json").write_text(json.dumps(durations, indent=1, sort_keys=True), encoding="utf-8")
    result.executed = sorted({p.name for _, p in missing})
    result.runs, result.editions = len(missing), len(langs)
    result.failures.sort(key=lambda f: f.notebook)
    failed = {f.notebook for f in result.failures}
    for lang, p in jobs_list:  # a failed chapter is shown up to its error, and executed again next time
        if p.name in failed and executed[(lang, p)].is_file():
            partial = cache / "executed" / f"{p.stem}-{lang}-failed.ipynb"
            executed[(lang, p)].replace(partial)
            executed[(lang, p)] = partial
    stamp_file = out / ".mscteach-build.json"
    previous = json.loads(stamp_file.read_text(encoding="utf-8")) if stamp_file.is_file() else None
    if failed or previous != stamp or not result.index.is_file():
        stamp_file.unlink(missing_ok=True)
        pages = course_pages.result() if course_pages else None
        for n, lang in enumerate(langs):
            # the first edition at the top, the others in a folder each; two editions link to each other
            other = None if len(langs) < 2 else ((langs[1], f"{langs[1]}/") if n == 0 else (langs[0], "../"))
            ready = {p.stem: executed[(lang, p)] for p in paths if executed[(lang, p)].is_file()}
            missing_text = rendering.render(ready, out if n == 0 else out / lang, cache if n == 0 else cache / lang,
                                            data=data, repository=repository, hub=hub,
                                            failures={Path(f.notebook).stem: str(f) for f in result.failures},
                                            course_pages=pages, lang=lang, other_edition=other)
            if lang != "en":
                result.untranslated[lang] = missing_text
                result.untranslated_data[lang] = untranslated_cells(lang, data)
        result.rendered = True
        if not failed:
            write_atomically(stamp_file, lambda part: part.write_text(json.dumps(stamp, indent=1), encoding="utf-8"))
    for stale in (cache / "executed").glob("*.ipynb"):  # keep the cache to the current chapters
        if stale not in executed.values():
            stale.unlink()
    result.pages = {p.name: out / ("index.html" if p == paths[0] else f"{p.stem}.html") for p in paths}
    return result


def cache_folder(out: Path) -> Path:
    """Where a build keeps executed notebooks and Sphinx's sources: ``.OUT-cache`` beside the site ``out``.

    Parameters
    ----------
    out : Path
        The site folder.

    Returns
    -------
    Path
        ``.NAME-cache`` in the folder holding ``out`` (absolute).

    Examples
    --------
    >>> cache_folder(Path("/srv/course/site")).as_posix()
    '/srv/course/.site-cache'
    """
    out = Path(out).resolve()
    return out.parent / f".{out.name}-cache"


def refresh_in_place(folder: Path | None = None, jobs: int = 2, progress: bool = True,
                     data: Path | None = None) -> list[NotebookFailure]:
    """Re-execute the committed notebooks with their defaults and store the cleaned outputs in place.

    For maintainers, after changing a chapter or the package: nbval then
    compares fresh runs with these stored outputs.

    Parameters
    ----------
    folder : Path, optional
        The folder of notebooks (default: the course's chapters).
    jobs : int, default 2
        Notebooks executed at once.
    progress : bool, default True
        Show a progress bar.
    data : Path, optional
        The data folder the notebooks read (default: the one in use).

    Returns
    -------
    list of NotebookFailure
        The notebooks that failed (left unchanged), in the order they finished.

    Raises
    ------
    DataValidationError
        Before any kernel starts, if the data folder has problems (no notebook is changed).
    """
    from tqdm.auto import tqdm

    from ..data.validation import require_valid

    require_valid(data, "refreshing the notebooks")
    skip_unused_format_checkers()
    paths = notebooks(folder)
    failures = []
    with tempfile.TemporaryDirectory() as tmp, worker_pool(jobs) as pool:
        futures = {pool.submit(_refresh_one, str(p), tmp, str(data) if data else None): p for p in paths}
        for future in tqdm(as_completed(futures), total=len(futures), desc="notebooks", disable=not progress):
            failure = future.result()
            if failure:
                failures.append(NotebookFailure(*json.loads(failure)))
    return failures


def compact_images(path: Path, colours: int = 64) -> None:
    """Store an executed notebook's PNG figures with a palette of ``colours``, as the course site does.

    The charts look the same and weigh about a third as much, which keeps the
    committed chapters small (nbval compares text outputs, not images).

    Parameters
    ----------
    path : Path
        The executed notebook, rewritten in place.
    colours : int, default 64
        The palette's size.
    """
    import base64
    import io

    import nbformat
    from PIL import Image

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            image = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
            if image.mode == "P":  # already a palette image
                continue
            out = io.BytesIO()
            image.convert("RGB").quantize(colours, Image.Quantize.FASTOCTREE).save(out, format="PNG")
            data["image/png"] = base64.b64encode(out.getvalue()).decode("ascii")
    nbformat.write(nb, str(path))


def _refresh_one(source: str, tmp: str, data: str | None) -> str | None:
    src = Path(source)
    executed = Path(tmp) / src.name
    try:
        execute_notebook(src, executed, data=Path(data) if data else None)
    except NotebookFailure as exc:
        return json.dumps((exc.notebook, exc.cell, exc.error))
    clean_notebook(executed)
    compact_images(executed)
    write_atomically(src, lambda part: shutil.copyfile(executed, part))
    return None
