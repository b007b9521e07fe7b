"""Execute the chapter notebooks with papermill and render them to a static HTML site.

``mscteach build`` calls :func:`build`: every notebook in ``notebooks/`` is
executed in its own kernel (several at once, with a progress bar), rendered
to HTML by nbconvert with its widget state embedded, and linked from an
``index.html``. A notebook that fails is reported by name and cell; the
others are still built.

Kernels talk to papermill over IPC sockets rather than TCP ports, so kernels
started at the same moment cannot race for the same port.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

from .errors import MscteachError, UnknownNameError

__all__ = [
    "BuildResult",
    "IPCKernelManager",
    "NotebookFailure",
    "build",
    "clean_notebook",
    "ensure_writable_folder",
    "execute_notebook",
    "notebook_dir",
    "notebook_parameters",
    "notebooks",
    "parse_value",
    "render_html",
    "write_atomically",
]

_PACKAGED = Path(__file__).resolve().parent / "_notebooks"
_CHECKOUT = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL = "python3"


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels listen on IPC sockets (files), not TCP ports."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts every kernel before shutting it down; a kernel that is
        # just finishing a widget message then logs "KeyboardInterrupt caught in kernel" as
        # an ERROR, which alarms users for nothing. A finished notebook needs no interrupt.
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    @default("ip")
    def _default_ip(self) -> str:
        # jupyter_client's default IPC prefix is "kernel-ipc" in the working directory,
        # shared by every kernel started there: give each kernel its own.
        return os.path.join(tempfile.gettempdir(), f"mscteach-kernel-{uuid.uuid4().hex}-ipc")


class NotebookFailure(MscteachError):
    """A notebook raised an error while it was executed."""

    def __init__(self, notebook: str, cell: int | None, error: str) -> None:
        self.notebook, self.cell, self.error = notebook, cell, error
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        super().__init__(f"{notebook} failed at {where}: {error}")


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool for notebook runs that stops cleanly on Ctrl-C.

    Workers ignore SIGINT, so an interrupt reaches only this process, which
    cancels the runs not yet started and waits for the running ones (each
    writes its files atomically): nothing is left half-written and no worker
    prints a traceback.
    """
    pool = ProcessPoolExecutor(max_workers=max(1, workers), initializer=_ignore_sigint)
    try:
        yield pool
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


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


def ensure_writable_folder(folder: Path, what: str = "output folder") -> None:
    """Create ``folder`` if needed and prove a file can be written there, or raise a clear error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".mscteach-write-test-"):
            pass
    except OSError as exc:
        raise MscteachError(f"cannot write to {what} {str(folder)!r}: {exc.strerror}") from None


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through a temporary file in the same folder, replaced only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; the result should not be
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def execute_notebook(source: Path, target: Path, parameters: Mapping[str, Any] | None = None,
                     timeout: int = 600) -> None:
    """Execute ``source`` with papermill into ``target``.

    Raises
    ------
    NotebookFailure
        If a cell raises; ``target`` then holds the notebook up to the error.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(source), str(target), parameters=dict(parameters or {}), kernel_name=KERNEL,
            cwd=str(source.parent), progress_bar=False, log_output=False, execution_timeout=timeout,
            kernel_manager_class=IPCKernelManager,
        )
    except PapermillExecutionError as exc:
        raise NotebookFailure(source.name, exc.cell_index + 1, f"{exc.ename}: {exc.evalue}") from None
    except Exception as exc:  # kernel died, timeout, unreadable notebook
        raise NotebookFailure(source.name, None, f"{type(exc).__name__}: {exc}") from None


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


def render_html(notebook: Path, html: Path, exclude_input: bool = False) -> None:
    """Render an executed notebook to standalone HTML (widget state embedded), atomically."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=exclude_input,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(str(notebook), as_version=4))
    write_atomically(html, lambda tmp: tmp.write_text(body, encoding="utf-8"))


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
    """Give each notebook the overrides it declares; an override no notebook declares is an error."""
    declared = {path: notebook_parameters(path) for path in paths}
    known = sorted({name for params in declared.values() for name in params})
    for name, value in overrides.items():
        if name not in known:
            raise UnknownNameError("parameter", name, known)
        for params in declared.values():
            if name in params:
                _check_type(name, value, params[name])
    return {path: {k: v for k, v in overrides.items() if k in params} for path, params in declared.items()}


def _check_type(name: str, value: Any, default_source: str) -> None:
    """A value must have the type of the parameter's default (an int where the default is 1991, ...)."""
    import ast

    try:
        default = ast.literal_eval(default_source)
    except (ValueError, SyntaxError):
        return  # the default is an expression; the notebook checks the value itself
    expected = type(default)
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        ok = True
    if not ok:
        names = {bool: "True or False", int: "an integer", float: "a number", str: "text", list: "a JSON list"}
        raise MscteachError(f"parameter {name} expects {names.get(expected, expected.__name__)} "
                            f"(its default is {default_source}); got {value!r}")


def _build_one(source: str, out: str, parameters: dict[str, Any]) -> tuple[str, str, str | None]:
    src, out_dir = Path(source), Path(out)
    executed = out_dir / "notebooks" / src.name
    html = out_dir / f"{src.stem}.html"
    failure = None
    try:
        execute_notebook(src, executed, parameters)
    except NotebookFailure as exc:
        failure = (exc.notebook, exc.cell, exc.error)
    if executed.exists():
        render_html(executed, html)
    return src.name, str(html), json.dumps(failure) if failure else None


def build(out: Path, jobs: int = 2, parameters: Mapping[str, Any] | None = None,
          folder: Path | None = None, progress: bool = True) -> BuildResult:
    """Execute every notebook and write the HTML site to ``out``.

    Parameters
    ----------
    out : Path
        Output folder; gets one HTML page per notebook, the executed notebooks
        in ``notebooks/``, and ``index.html``.
    jobs : int
        Notebooks executed at once.
    parameters : mapping, optional
        Parameter overrides, passed to each notebook that declares them.

    Raises
    ------
    UnknownNameError
        If a parameter is declared by no notebook (before any kernel starts).
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
        futures = [pool.submit(_build_one, str(p), str(out), plan[p]) for p in paths]
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


def refresh_in_place(folder: Path | None = None, jobs: int = 2, progress: bool = True) -> list[NotebookFailure]:
    """Re-execute the committed notebooks with their defaults and store the cleaned outputs in place.

    For maintainers, after changing a chapter or the package: nbval then
    compares fresh runs with these stored outputs.
    """
    from tqdm.auto import tqdm

    paths = notebooks(folder)
    failures = []
    with tempfile.TemporaryDirectory() as tmp, worker_pool(jobs) as pool:
        futures = {pool.submit(_refresh_one, str(p), tmp): p for p in paths}
        for future in tqdm(as_completed(futures), total=len(futures), desc="notebooks", disable=not progress):
            failure = future.result()
            if failure:
                failures.append(NotebookFailure(*json.loads(failure)))
    return failures


def _refresh_one(source: str, tmp: str) -> str | None:
    src = Path(source)
    executed = Path(tmp) / src.name
    try:
        execute_notebook(src, executed)
    except NotebookFailure as exc:
        return json.dumps((exc.notebook, exc.cell, exc.error))
    clean_notebook(executed)
    write_atomically(src, lambda part: shutil.copyfile(executed, part))
    return None
