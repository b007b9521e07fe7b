"""Voilà for a class: the chapters served to a room of students from one machine, offline, within its memory.

``mscteach voila`` runs ``python -m mscteach.classroom.voila_server``, Voilà's own
server with three things configured or added for a classroom:

* **Kernels freed.** A page's kernel is shut down :attr:`ClassroomKernelManager.closed_grace`
  seconds (30) after its last connection closed, whether the tab was closed, the browser
  crashed or the laptop left the network (Voilà's own shutdown on ``beforeunload`` is
  not relied on: browsers do not always send it). jupyter_server's culler shuts down
  kernels idle for longer than ``--cull-idle`` minutes, connected or not. The pool of
  pre-run kernels (Voilà's ``preheat_kernel``: filled when the server starts, refilled
  in the background after each page takes one) is never culled.
* **A cap.** Above :attr:`ClassroomKernelManager.max_kernels` students with a kernel
  at once, the next one who opens a chapter gets :func:`full_page` (HTTP 503, "the class
  server is full, retry in a minute", retried by the page itself) instead of a kernel
  that would slow the whole room down and run the machine out of memory. The pool counts
  within the cap: it is refilled only while the kernels held (pages' and pool's) are
  fewer than the cap (or the pool's size, if larger), so a class that takes every kept
  kernel at once does not double the server's memory with refills, and at most
  :attr:`ClassroomKernelManager.refills_at_once` pool kernels run their chapter at once,
  leaving a core to the students' explorers.
* **Nothing from the network.** The ``mscteach`` template (``voila_share/``) is
  Voilà's ``lab`` template without its links to Font Awesome on a CDN (Voilà's own
  bundle already carries Font Awesome 5, served by this server), and
  :class:`VoilaNotes` replaces a chapter's note on changing its parameters, which
  speaks of code a Voilà reader does not see.
"""
from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from collections import deque
from html import escape
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from nbconvert.preprocessors import Preprocessor
from tornado import web
from tornado.ioloop import IOLoop
from traitlets import Float, Integer
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from ..i18n import say

__all__ = ["CONNECT_SECONDS", "ClassroomKernelManager", "ClassroomVoila", "ClassroomVoilaHandler", "KERNEL_MB", "SHARE",
           "TEMPLATE", "VoilaNotes", "default_max_kernels", "full_page", "main"]

#: The folder added to Jupyter's data path: it holds the ``mscteach`` template (nbconvert/templates/mscteach).
SHARE = Path(__file__).with_name("voila_share")
#: The template's name (``--template``).
TEMPLATE = "mscteach"
#: Memory one chapter's kernel holds, in MB (resident; chapter 6, the largest, measured by
#: benchmarks/classroom_load.py), from which the default cap is taken.
KERNEL_MB = 230
#: How long after its page was sent a kernel waits for the page to connect (a loaded browser is slow).
CONNECT_SECONDS = 120.0
#: How long a reservation made for an admitted page holds its place until the page's kernel starts.
RESERVATION_SECONDS = 60.0


class ClassroomKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, which frees a closed page's kernel and counts places for the cap.

    Voilà builds its pooling kernel manager on top of this class
    (``VoilaConfiguration.multi_kernel_manager_class``), so kernel starts made to
    refill the pool pass through :meth:`start_kernel` too.

    Parameters
    ----------
    **kwargs
        As jupyter_server's ``AsyncMappingKernelManager`` takes them; ``closed_grace``,
        ``max_kernels`` and ``pool_kernels`` are set through the configuration.
    """

    closed_grace = Float(30.0, config=True, help="Seconds after a kernel's last connection closed before it is "
                         "shut down (a reconnection within them keeps it).")
    max_kernels = Integer(0, config=True, help="Kernels serving pages at once, the pool's kept kernels within "
                          "it; a page asked "
                          "for beyond them gets the 'server is full' page (0: no cap).")
    pool_kernels = Integer(0, config=True, help="Kernels the pool holds when full (pool size x notebooks).")
    refills_at_once = Integer(max(1, (os.cpu_count() or 2) - 1), config=True,
                              help="Pool kernels running their chapter at once (default: the cores less one), so "
                              "refilling the pool leaves a core to the students' explorers.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.starting = 0  # kernel starts under way: not yet in the manager's list
        self.pool_starting = 0  # of which, kernels started to refill the pool
        self.reservations: deque[float] = deque()  # places promised to admitted pages whose kernel is not started
        self.connected: set[str] = set()  # kernels a page has connected to at least once
        if self.max_kernels > 0:
            self.log.info("At most %d students' pages have a kernel at once; the pool keeps %d kernels ready "
                          "(refilled while the server holds fewer than %d)", self.max_kernels, self.pool_kernels,
                          max(self.max_kernels, self.pool_kernels))

    def held(self) -> int:
        """Kernels alive, starting or promised to a page (the pool's included).

        Returns
        -------
        int
            The count.
        """
        now = time.monotonic()
        while self.reservations and now - self.reservations[0] > RESERVATION_SECONDS:
            self.reservations.popleft()  # a page that failed before its kernel started
        return len(self.list_kernel_ids()) + self.starting + len(self.reservations)

    def admit(self, notebook: str | None = None) -> bool:
        """Whether a page may have a kernel; if it needs a new one, its place is held until the kernel starts.

        A page is admitted while fewer than ``max_kernels`` kernels serve pages
        (:meth:`serving`), however many pages are asked for at once; one that
        finds a kernel ready in its chapter's pool takes it, and the others
        hold a place for the kernel started for them.

        Parameters
        ----------
        notebook : str, optional
            The page's notebook, as Voilà names its pool.

        Returns
        -------
        bool
            False when the server is full.
        """
        if self.max_kernels <= 0:
            return True
        if self.serving() >= self.max_kernels:
            return False
        if not self.ready(notebook):
            self.reservations.append(time.monotonic())
        return True

    def serving(self) -> int:
        """Kernels serving pages, started or promised: those :meth:`held` less the pool's.

        Returns
        -------
        int
            The count.
        """
        return self.held() - self.ready() - self.pool_starting

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        for_the_pool = _for_the_pool(kwargs)
        if for_the_pool:
            # A kernel to refill the pool waits for room: within the cap (so that a class
            # taking every kept kernel at once does not double the server's memory with
            # refills) and behind at most `refills_at_once` pool kernels running their chapter.
            while not self.room_for_a_refill():
                await asyncio.sleep(0.25)
        elif self.reservations:
            self.reservations.popleft()  # the page's kernel now holds the place itself
        self.starting += 1  # no await since the check: no other start can take the same room
        self.pool_starting += for_the_pool
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self.starting -= 1
            self.pool_starting -= for_the_pool

    def warming(self) -> int:
        """Kernels starting, and pool kernels still running their chapter: what refills wait behind.

        Returns
        -------
        int
            The count.
        """
        count = self.starting
        for pool in getattr(self, "_pools", {}).values():  # VoilaKernelManager's, when it preheats
            for entry in pool:
                if entry.done() and not entry.cancelled() and entry.exception() is None \
                        and not entry.result()["task"].done():
                    count += 1
        return count

    def room_for_a_refill(self) -> bool:
        """Whether a kernel may be started to refill the pool now.

        Returns
        -------
        bool
            False while :meth:`warming` has ``refills_at_once`` kernels, or while
            the kernels held reach the cap (or the pool's size, if larger).
        """
        if self.warming() >= self.refills_at_once:
            return False
        return self.max_kernels <= 0 or self.held() < max(self.max_kernels, self.pool_kernels)

    def ready(self, notebook: str | None = None) -> int:
        """Kernels in the pool with their chapter run (or running), which a page can take at once.

        Parameters
        ----------
        notebook : str, optional
            The notebook's path as Voilà names its pool (default: any).

        Returns
        -------
        int
            The count.
        """
        pools = getattr(self, "_pools", {})
        return sum(1 for name, pool in pools.items() if notebook is None or name == notebook
                   for entry in pool if entry.done() and not entry.cancelled() and entry.exception() is None)

    def pooled(self) -> set[str]:
        """The kernels waiting in Voilà's pool (started, chapter run or running), which no page has taken.

        Returns
        -------
        set of str
            Kernel ids.
        """
        ids = set()
        for pool in getattr(self, "_pools", {}).values():  # VoilaKernelManager's, when it preheats
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    ids.add(task.result()["kernel_id"])
        return ids

    def expect_connection(self, kernel_id: str) -> None:
        """Shut down ``kernel_id`` if no page has connected to it :data:`CONNECT_SECONDS` from now.

        Called when a page has been sent: a browser that went away before its
        page ran never connects, so no disconnection would free its kernel.

        Parameters
        ----------
        kernel_id : str
            The kernel the page was given.
        """
        IOLoop.current().call_later(CONNECT_SECONDS, self._shut_down_if_unconnected, kernel_id)

    def _shut_down_if_unconnected(self, kernel_id: str) -> None:
        if kernel_id in self and kernel_id not in self.connected and kernel_id not in self.pooled():
            self.log.info("Shutting down kernel %s: no page connected to it", kernel_id)
            asyncio.ensure_future(self.shutdown_kernel(kernel_id))

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        self.connected.add(kernel_id)

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        if kernel_id in self and self.kernel_model(kernel_id)["connections"] == 0:
            IOLoop.current().call_later(self.closed_grace, self._shut_down_if_still_closed, kernel_id)

    def _shut_down_if_still_closed(self, kernel_id: str) -> None:
        if kernel_id in self and self.kernel_model(kernel_id)["connections"] == 0:
            self.log.info("Shutting down kernel %s: its page closed %.0f s ago", kernel_id, self.closed_grace)
            asyncio.ensure_future(self.shutdown_kernel(kernel_id))


def default_max_kernels(available: int | None = None) -> int:
    """The default cap: the kernels 80% of the memory available now holds (the pool's within them).

    Parameters
    ----------
    available : int, optional
        Bytes of memory available (default: the machine's, now).

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> default_max_kernels(available=16 * 1024**3)
    56
    """
    if available is None:
        import psutil

        available = psutil.virtual_memory().available
    return max(1, int(0.8 * available / (KERNEL_MB * 1024**2)))


def full_page(serving: int) -> str:
    """The page a student gets when the server is full: it says so, and retries by itself after a minute.

    Parameters
    ----------
    serving : int
        The kernels serving pages (the cap).

    Returns
    -------
    str
        A complete HTML page, with nothing to fetch.
    """
    title = escape(say("The class server is full"))
    body = escape(say("Every place on this server is taken ({serving} students have a chapter open). Please try "
                      "again in a minute: this page tries again by itself.", serving=serving))
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="60">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
            '<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;'
            f'line-height:1.5}}</style></head><body><h1>{title}</h1><p>{body}</p></body></html>\n')


class ClassroomVoilaHandler(TornadoVoilaHandler):
    """Voilà's page handler, which first asks the kernel manager for a place.

    Parameters
    ----------
    application, request
        As Tornado gives them to every handler.
    **kwargs
        As Voilà's handler takes them.
    """

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        manager = self.kernel_manager
        if isinstance(manager, ClassroomKernelManager) and not manager.admit(self.notebook_path or path):
            self.log.warning("Server full: refused a page (%d kernels held)", manager.held())
            self.set_status(503)
            self.set_header("Retry-After", "60")
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(full_page(manager.max_kernels))
            return
        self.page_kernel: str | None = None
        try:
            await super().get(path)
        finally:
            if isinstance(manager, ClassroomKernelManager) and self.page_kernel:
                manager.expect_connection(self.page_kernel)

    def write(self, chunk: str | bytes | dict) -> None:
        # The kernel a page was given is known from the page itself (Voilà's handler keeps it to itself).
        if getattr(self, "page_kernel", "") is None and isinstance(chunk, (str, bytes)):
            found = _KERNEL_ID.search(chunk if isinstance(chunk, str) else chunk.decode("utf-8", "replace"))
            self.page_kernel = found.group(1) if found else None
        super().write(chunk)


class ClassroomVoila(Voila):
    """Voilà, with :class:`ClassroomVoilaHandler` serving the chapters' pages.

    Parameters
    ----------
    **kwargs
        As Voilà's application takes them (its configuration).
    """

    def init_handlers(self) -> list:
        return [(rule[0], ClassroomVoilaHandler, *rule[2:]) if rule[1] is TornadoVoilaHandler else rule
                for rule in super().init_handlers()]


def _for_the_pool(start_arguments: dict[str, Any]) -> bool:
    # Voilà marks the kernels it starts to fill its pool in their environment
    return str(start_arguments.get("env", {}).get("VOILA_PREHEAT", "")).lower() == "true"


_KERNEL_ID = re.compile(r'"kernelId": "([0-9a-f-]{36})"')
_PARAMETERS_NOTE = re.compile(r"^\*Parameters\.\*.*?(?=\n\s*\n|\Z)", re.S | re.M)


class VoilaNotes(Preprocessor):
    """Replaces a chapter's note on changing its parameters (it speaks of code hidden under Voilà) with one for Voilà.

    The chapters' first markdown cell has a paragraph starting ``*Parameters.*``
    that tells the reader to edit the next cell and re-run the notebook; a Voilà
    page shows no code, so the paragraph says how to change them instead.

    Parameters
    ----------
    **kw
        As nbconvert's ``Preprocessor`` takes them.
    """

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.cell_type == "markdown" and "*Parameters.*" in cell.source:
            cell.source = _PARAMETERS_NOTE.sub(lambda _: voila_parameters_note(), cell.source)
        return cell, resources


def voila_parameters_note() -> str:
    """What a chapter served by Voilà says about its parameters.

    Returns
    -------
    str
        One markdown paragraph.
    """
    return say("*Parameters.* This page shows the chapter with its default parameters; the explorers below change "
               "what they show. To run the chapter with other parameters, open it in JupyterLab (`mscteach lab`).")


def main(argv: list[str] | None = None) -> None:
    """Run the classroom Voilà server (``python -m mscteach.classroom.voila_server ARGS``, Voilà's own arguments).

    Parameters
    ----------
    argv : list of str, optional
        Voilà's command-line arguments (default: ``sys.argv[1:]``).
    """
    # The template is found on Jupyter's data path; it is put first so no other `mscteach` template wins.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(SHARE), os.environ.get("JUPYTER_PATH")]))
    ClassroomVoila.launch_instance(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    # Run as a script this file is `__main__`, a second copy of the module: the classes Voilà is configured
    # with (the kernel manager, the notes) are the imported module's, so the handler must be too.
    from mscteach.classroom.voila_server import main as imported_main

    imported_main()
