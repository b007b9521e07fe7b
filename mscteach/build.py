"""Execute the chapter notebooks with papermill and render them to a static HTML site.

``mscteach build`` calls :func:`build`: every notebook in ``notebooks/`` is
executed in its own kernel (several at once, with a progress bar), rendered
to HTML by nbconvert with its widget state embedded, and linked from an
``index.html``. A notebook that fails is reported by name and cell; the
others are still built.

The notebook-running machinery (process pool, IPC kernels, atomic writes,
Ctrl-C handling) lives in :mod:`mscteach.runner`, shared with ``report``;
which parameters each chapter gets is decided by :mod:`mscteach.chapters`
before any kernel starts.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from . import chapters
from .errors import MscteachError
from .runner import NotebookFailure, ensure_writable_folder, execute_notebook, render_html, worker_pool, \
    write_atomically

__all__ = [
    "BuildResult",
    "build",
    "clean_notebook",
    "notebook_dir",
    "notebook_parameters",
    "notebooks",
    "parse_value",
    "plan_parameters",
]

_PACKAGED = Path(__file__).resolve().parent / "_notebooks"
_CHECKOUT = Path(__file__).resolve().parent.parent / "notebooks"


def notebook_dir() -> Path:
    """The folder of chapter notebooks (the checkout's ``notebooks/`` or the copy in a wheel)."""
    return _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT


def notebooks(folder: Path | None = None) -> list[Path]:
    """The course notebooks in order: ``00_index.ipynb`` then the numbered chapters."""
    folder = folder or notebook_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


def notebook_parameters(path: Path) -> dict[str, Any]:
    """Names and default values of a notebook's ``parameters`` cell."""
    import papermill

    return {name: info["default"] for name, info in papermill.inspect_notebook(str(path)).items()}


def parse_value(text: str) -> Any:
    """Turn a command-line value into a Python value: JSON (numbers, lists, true/false) or a string."""
    if text in ("True", "False"):
        return text == "True"
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def clean_notebook(path: Path) -> None:
    """Strip what changes on every run (papermill timings, widget state) from an executed notebook."""
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
                if view:  # a fresh random id on every run; the model itself is not stored
                    view["model_id"] = "0" * 32
    nbformat.write(nb, str(path))


def notebook_title(path: Path) -> str:
    """The first Markdown heading of a notebook, or its file name."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            match = re.search(r"^#\s+(.+)$", "".join(cell.get("source", "")), re.M)
            if match:
                return match.group(1).strip()
    return path.stem


@dataclass
class BuildResult:
    """What a build wrote, and which notebooks failed."""

    out: Path
    pages: dict[str, Path] = field(default_factory=dict)
    failures: list[NotebookFailure] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.out / "index.html"

    @property
    def ok(self) -> bool:
        return not self.failures


def plan_parameters(paths: Iterable[Path], overrides: Mapping[str, Any]) -> dict[Path, dict[str, Any]]:
    """The parameter values each notebook gets from ``-p`` overrides, checked before any kernel starts.

    See :mod:`mscteach.chapters` for the rule (a value goes to every chapter
    that accepts it; ``CHAPTER:NAME`` targets one chapter).
    """
    paths = list(paths)
    declared = {p.stem: notebook_parameters(p) for p in paths}
    planned = chapters.plan([p.stem for p in paths], overrides, declared)
    return {p: planned[p.stem] for p in paths}


def _build_one(source: str, out: str, parameters: dict[str, Any], data: str | None) -> tuple[str, str, str | None]:
    src, out_dir = Path(source), Path(out)
    executed = out_dir / "notebooks" / src.name
    html = out_dir / f"{src.stem}.html"
    failure = None
    try:
        execute_notebook(src, executed, parameters, data=Path(data) if data else None)
    except NotebookFailure as exc:
        failure = (exc.notebook, exc.cell, exc.error)
    if executed.exists():
        render_html(executed, html)
    return src.name, str(html), json.dumps(failure) if failure else None


def build(out: Path, jobs: int = 2, parameters: Mapping[str, Any] | None = None,
          folder: Path | None = None, progress: bool = True, data: Path | None = None) -> BuildResult:
    """Execute every notebook and write the HTML site to ``out``.

    Parameters
    ----------
    out : Path
        Output folder; gets one HTML page per notebook, the executed notebooks
        in ``notebooks/``, and ``index.html``.
    jobs : int
        Notebooks executed at once.
    parameters : mapping, optional
        Parameter overrides (``NAME`` or ``CHAPTER:NAME`` to value), given to
        the chapters that accept them (see :mod:`mscteach.chapters`).
    data : Path, optional
        The data folder the chapters read (an absolute path; default: the one in use).

    Raises
    ------
    UnknownNameError, ParameterError
        For a parameter or value no chapter accepts (before any kernel starts).
    """
    from tqdm.auto import tqdm

    if jobs < 1:
        raise MscteachError(f"--jobs must be at least 1, got {jobs}")
    paths = notebooks(folder)
    if not paths:
        raise MscteachError(f"no notebooks found in {folder or notebook_dir()}")
    plan = plan_parameters(paths, parameters or {})
    out = Path(out).resolve()
    ensure_writable_folder(out)
    result = BuildResult(out)
    with worker_pool(min(jobs, len(paths))) as pool:
        futures = [pool.submit(_build_one, str(p), str(out), plan[p], str(data) if data else None) for p in paths]
        for future in tqdm(as_completed(futures), total=len(futures), desc="notebooks", unit="nb",
                           disable=not progress):
            name, html, failure = future.result()
            result.pages[name] = Path(html)
            if failure:
                result.failures.append(NotebookFailure(*json.loads(failure)))
    result.failures.sort(key=lambda f: f.notebook)
    write_index(result, paths)
    return result


def write_index(result: BuildResult, paths: list[Path]) -> None:
    """Write ``index.html`` linking every chapter page, marking failed ones."""
    failed = {f.notebook: f for f in result.failures}
    items = []
    for path in paths:
        page = result.pages.get(path.name)
        title = escape(notebook_title(path))
        status = f' <strong class="failed">(failed: {escape(str(failed[path.name]))})</strong>' if path.name in failed else ""
        link = f'<a href="{escape(page.name)}">{title}</a>' if page and page.exists() else title
        items.append(f"<li>{link}{status}</li>")
    html = INDEX_TEMPLATE.format(items="\n".join(items))
    write_atomically(result.index, lambda tmp: tmp.write_text(html, encoding="utf-8"))


INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>MSC therapy for liver disease: a course</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}
li{{margin:.4rem 0}} .failed{{color:#b00}} footer{{margin-top:2rem;font-size:.9rem;color:#555}}</style>
</head><body>
<h1>Mesenchymal stem cell therapy for human liver disease</h1>
<p>A course in seven chapters built from one review. Start with the index, then read the chapters in order.</p>
<ol start="0">
{items}
</ol>
<footer>Text and data adapted from Moudi B, Karbalaie-Harofteh M, Moudi M. A Review of Stem Cell-based
Therapies for Human Liver Diseases. Razi J Med Sci. 2025;32:43, licensed
<a href="https://creativecommons.org/licenses/by-nc-sa/4.0/">CC BY-NC-SA 4.0</a>. Code: MIT.</footer>
</body></html>
"""


def refresh_in_place(folder: Path | None = None, jobs: int = 2, progress: bool = True,
                     data: Path | None = None) -> list[NotebookFailure]:
    """Re-execute the committed notebooks with their defaults and store the cleaned outputs in place.

    For maintainers, after changing a chapter or the package: nbval then
    compares fresh runs with these stored outputs.
    """
    from tqdm.auto import tqdm

    paths = notebooks(folder)
    failures = []
    with tempfile.TemporaryDirectory() as tmp, worker_pool(jobs) as pool:
        futures = {pool.submit(_refresh_one, str(p), tmp, str(data) if data else None): p for p in paths}
        for future in tqdm(as_completed(futures), total=len(futures), desc="notebooks", disable=not progress):
            failure = future.result()
            if failure:
                failures.append(NotebookFailure(*json.loads(failure)))
    return failures


def _refresh_one(source: str, tmp: str, data: str | None) -> str | None:
    src = Path(source)
    executed = Path(tmp) / src.name
    try:
        execute_notebook(src, executed, data=Path(data) if data else None)
    except NotebookFailure as exc:
        return json.dumps((exc.notebook, exc.cell, exc.error))
    clean_notebook(executed)
    write_atomically(src, lambda part: shutil.copyfile(executed, part))
    return None
