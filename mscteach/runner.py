"""Run notebooks with papermill, safely: the machinery ``build`` and ``report`` share.

* kernels talk over IPC sockets, not TCP ports, so kernels started at the same
  moment cannot race for a port;
* :func:`execute_notebook` names the notebook and cell that failed, and tells
  the kernel which data folder to read (``MSCTEACH_DATA_DIR``, an absolute path);
* :func:`worker_pool` runs notebooks in parallel and stops cleanly on Ctrl-C or
  any error (it is shut down in ``finally``, so no kernel is left running);
* :func:`write_atomically` replaces a file only with a complete new one.
"""
from __future__ import annotations

import os
import signal
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

from .atomic import write_atomically
from .data import ENV_VAR
from .errors import MscteachError, NotebookFailure

__all__ = [
    "IPCKernelManager",
    "NotebookFailure",
    "ensure_writable_folder",
    "execute_notebook",
    "render_html",
    "skip_unused_format_checkers",
    "worker_pool",
    "write_atomically",
]

KERNEL = "python3"


def skip_unused_format_checkers() -> None:
    """Keep jsonschema from loading ``rfc3987_syntax`` in a process that runs or renders notebooks.

    nbformat imports jsonschema, which (when ``rfc3987_syntax`` is installed, as
    Jupyter's event extras install it) compiles 39 grammars at import, about a second,
    to check the "iri" string format. Nothing this process validates asks for that
    format (nbformat, papermill, MyST-NB and Frictionless pass no format checker), so
    the build and report commands call this first. It changes nothing once jsonschema
    is loaded, and is never called inside a kernel.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "import" raises ImportError


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels listen on IPC sockets (files), not TCP ports.

    Each kernel gets its own socket prefix in the temporary folder, and a
    kernel that is being shut down is not interrupted first. Pass it to
    papermill as ``kernel_manager_class``.

    Parameters
    ----------
    *args, **kwargs
        As for :class:`jupyter_client.manager.AsyncKernelManager`.
    """

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


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool for notebook runs that always shuts down cleanly.

    Workers ignore SIGINT, so an interrupt reaches only this process. On
    Ctrl-C or any other error the runs not yet started are cancelled and the
    running ones are waited for (each writes its files atomically): nothing is
    left half-written, no kernel is left running and no worker prints a
    traceback.

    Parameters
    ----------
    workers : int
        Processes at once (at least 1 is used).

    Yields
    ------
    concurrent.futures.ProcessPoolExecutor
        The pool; it is shut down when the ``with`` block ends.
    """
    pool = ProcessPoolExecutor(max_workers=max(1, workers), initializer=_ignore_sigint)
    finished = False
    try:
        yield pool
        finished = True
    finally:
        pool.shutdown(wait=True, cancel_futures=not finished)


def ensure_writable_folder(folder: Path, what: str = "output folder") -> None:
    """Create ``folder`` if needed and prove a file can be written there, or raise a clear error.

    Parameters
    ----------
    folder : Path
        The folder (made with its parents if missing).
    what : str, default "output folder"
        What the folder is, for the message.

    Raises
    ------
    MscteachError
        If the folder cannot be made or a file cannot be written in it.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".mscteach-write-test-"):
            pass
    except OSError as exc:
        raise MscteachError(f"cannot write to {what} {str(folder)!r}: {exc.strerror}") from None


@contextmanager
def _kernel_environment(variables: Mapping[str, str]) -> Iterator[None]:
    """Kernels inherit this process's environment: set ``variables`` while they start."""
    before = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def execute_notebook(source: Path, target: Path, parameters: Mapping[str, Any] | None = None,
                     timeout: int = 600, data: Path | None = None,
                     environment: Mapping[str, str] | None = None) -> None:
    """Execute ``source`` with papermill into ``target``, in the notebook's own folder.

    Parameters
    ----------
    source : Path
        The notebook to run; the kernel's working folder is its folder.
    target : Path
        Where the executed notebook is written (its folder is made if needed).
    parameters : mapping, optional
        Papermill parameters, injected after the notebook's ``parameters`` cell.
    timeout : int, default 600
        Seconds one cell may run.
    data : Path, optional
        The data folder the kernel reads (default: the one this process uses);
        given, it is passed as an absolute ``MSCTEACH_DATA_DIR``.
    environment : mapping, optional
        More environment variables for the kernel (the site build uses this).

    Raises
    ------
    NotebookFailure
        If a cell raises; ``target`` then holds the notebook up to the error.
        Also if the kernel dies, a cell times out or the notebook cannot be
        read (then its ``cell`` is None).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        variables = dict(environment or {})
        if data is not None:
            variables[ENV_VAR] = str(Path(data).resolve())
        with _kernel_environment(variables):
            papermill.execute_notebook(
                str(source), str(target), parameters=dict(parameters or {}), kernel_name=KERNEL,
                cwd=str(source.parent), progress_bar=False, log_output=False, execution_timeout=timeout,
                kernel_manager_class=IPCKernelManager,
                # every output is in hand when the last cell finishes: a graceful shutdown only waits
                shutdown_kernel="immediate",
            )
    except PapermillExecutionError as exc:
        raise NotebookFailure(source.name, exc.cell_index + 1, f"{exc.ename}: {exc.evalue}") from None
    except Exception as exc:  # kernel died, timeout, unreadable notebook
        raise NotebookFailure(source.name, None, f"{type(exc).__name__}: {exc}") from None


#: JupyterLab's HTML template without the scripts it would fetch from CDNs (require.js, MathJax, Mermaid): a
#: rendered page is read offline, and a brief holds only text, tables and images.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def render_html(notebook: Path, html: Path, exclude_input: bool = False, lang: str = "en") -> None:
    """Render an executed notebook to standalone HTML that asks no server for anything, atomically.

    ``lang`` is the page's language (``<html lang>``).

    Parameters
    ----------
    notebook : Path
        The executed notebook.
    html : Path
        The HTML file to write (replaced only when complete).
    exclude_input : bool, default False
        Leave the code cells' input out (prompts are always left out).
    lang : str, default "en"
        The page's language code.
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input=exclude_input,
                            exclude_input_prompt=True, exclude_output_prompt=True, language_code=lang,
                            extra_loaders=[jinja2.DictLoader({"mscteach-offline.html.j2": OFFLINE_TEMPLATE})],
                            template_file="mscteach-offline.html.j2")
    body, _ = exporter.from_notebook_node(nbformat.read(str(notebook), as_version=4))
    write_atomically(html, lambda tmp: tmp.write_text(body, encoding="utf-8"))
