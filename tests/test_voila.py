"""Voilà for a class (`mscteach voila`, mscteach.classroom.voila_server): kernels freed, a cap, nothing from the network.

The server tests start the README's command on a free loopback port, drive it with Debian's Chromium
(Playwright) and count the server's kernels as its child processes: what a teacher's machine holds.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

from mscteach import resources
from mscteach.classroom import voila_server

from .conftest import REPO
from .test_browser import _free_port

CHAPTERS = sorted((REPO / "notebooks").glob("0[1-7]_*.ipynb"))


# --------------------------------------------------------------------------- without a server
def test_the_cap_counts_kernels_alive_starting_and_promised():
    async def scenario():
        manager = voila_server.ClassroomKernelManager(max_kernels=2, pool_kernels=1)
        # two places (the pool's kernel counts within them): the third page asked for at once is refused
        assert [manager.admit() for _ in range(4)] == [True, True, False, False]
        assert manager.held() == 2
        manager.reservations.clear()
        manager.starting = 3  # three kernels being started hold their places as well
        assert not manager.admit()
        manager.starting = 0
        assert manager.admit() and manager.held() == 1
        voila_server.RESERVATION_SECONDS, saved = 0.0, voila_server.RESERVATION_SECONDS
        try:  # a page that failed before its kernel started gives its place back
            time.sleep(0.01)
            assert manager.held() == 0
        finally:
            voila_server.RESERVATION_SECONDS = saved
        assert voila_server.ClassroomKernelManager(max_kernels=0).admit()  # 0: no cap

    # a loop of its own in a thread of its own: in the full suite the session browser (Playwright's sync API)
    # keeps an event loop running in this thread, where asyncio.run() refuses to start
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_the_pool_counts_within_the_cap_and_refills_wait_for_room(monkeypatch):
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    started = []

    async def fake_start(self, *args, **kwargs):
        started.append(kwargs.get("env", {}).get("VOILA_PREHEAT"))
        return f"kernel-{len(started)}"

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", fake_start)

    async def scenario():
        loop = asyncio.get_running_loop()

        def entry(name: str, rendered: bool) -> asyncio.Future:
            task, item = loop.create_future(), loop.create_future()
            if rendered:
                task.set_result(([], None))
            item.set_result({"task": task, "kernel_id": name, "renderer": None})
            return item

        # a cap of 3, a pool of 2 for chapter 6: one kept kernel has run its chapter, one still runs it
        manager = voila_server.ClassroomKernelManager(max_kernels=3, pool_kernels=2, refills_at_once=1)
        alive = ["kept-1", "kept-2"]
        manager.list_kernel_ids = lambda: list(alive)
        running = entry("kept-2", rendered=False)
        pool = [entry("kept-1", rendered=True), running]
        manager._pools = {"06_clinical_trials.ipynb": pool}
        assert manager.ready("06_clinical_trials.ipynb") == 2 and manager.ready("01_history.ipynb") == 0
        assert manager.held() == 2 and manager.serving() == 0
        assert manager.warming() == 1  # one kept kernel still runs its chapter: a refill waits behind it
        assert not manager.room_for_a_refill()
        # a student takes a kept kernel (no place to reserve: no kernel is started for the page)
        assert manager.admit("06_clinical_trials.ipynb") and not manager.reservations
        pool.pop(0)
        assert manager.serving() == 1
        refill = asyncio.ensure_future(manager.start_kernel(env={"VOILA_PREHEAT": "True"}))
        # another chapter has no kept kernel: its page holds a place, and its own kernel never waits
        assert manager.admit("01_history.ipynb") and len(manager.reservations) == 1
        assert await manager.start_kernel(env={"VOILA_PREHEAT": "False"}) == "kernel-1"
        alive.append("kernel-1")
        assert started == ["False"] and not manager.reservations and manager.serving() == 2
        await asyncio.sleep(0.6)
        assert not refill.done()  # kept-2 still runs its chapter
        running.result()["task"].set_result(([], None))
        await asyncio.sleep(0.6)
        # kept-2 has run its chapter, but 3 kernels are held (2 pages, 1 kept): the cap, so the refill waits
        assert manager.held() == 3 and not refill.done()
        alive.remove("kernel-1")  # a student left: room for the refill
        assert await asyncio.wait_for(refill, 5) == "kernel-2" and started == ["False", "True"]
        alive.append("kernel-2")
        pool.append(entry("kernel-2", rendered=True))
        assert manager.held() == 3 and manager.serving() == 1
        for _ in range(2):  # two more students take the two kept kernels
            assert manager.admit("06_clinical_trials.ipynb")
            pool.pop(0)
        assert manager.serving() == 3 and not manager.room_for_a_refill()
        assert not manager.admit("06_clinical_trials.ipynb")  # a fourth: the server is full
        alive.remove("kept-1")  # a student left
        assert manager.held() == 2 and manager.room_for_a_refill() and manager.admit("01_history.ipynb")

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def test_the_default_cap_is_what_the_memory_holds():
    gib = 1024**3
    # 80% of 8 GiB is 6553.6 MB: 28 kernels of 230 MB (28.49), the pool's within them
    assert voila_server.default_max_kernels(available=8 * gib) == 28
    assert voila_server.default_max_kernels(available=gib) == 3  # 819.2 MB / 230 MB = 3.56
    assert voila_server.default_max_kernels(available=gib // 10) == 1  # never 0: the teacher gets one page


def test_the_full_page_says_so_and_retries_by_itself():
    page = voila_server.full_page(12)
    assert "The class server is full" in page and "12 students" in page and "try again in a minute" in page
    assert '<meta http-equiv="refresh" content="60">' in page
    assert "http" not in page.replace('http-equiv', '')  # nothing fetched


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_chapter_under_voila_does_not_ask_to_re_run_hidden_code(path):
    nb = nbformat.read(path, as_version=4)
    before = [c.source for c in nb.cells]
    assert any("re-run the notebook" in source for source in before)  # what the chapter says in JupyterLab
    nb, _ = voila_server.VoilaNotes().preprocess(nb, {})
    after = [c.source for c in nb.cells]
    assert not any("re-run the notebook" in source for source in after)
    note = voila_server.voila_parameters_note()
    assert sum(source.count(note) for source in after) == 1
    for old, new in zip(before, after):  # every other paragraph is kept as it was
        assert [p for p in old.split("\n\n") if not p.startswith("*Parameters.*")] == \
            [p for p in new.split("\n\n") if p != note]


def test_the_template_asks_nothing_of_the_network():
    import re

    template = voila_server.SHARE / "nbconvert" / "templates" / voila_server.TEMPLATE
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    code = re.sub(r"\{#.*?#\}", "", (template / "index.html.j2").read_text(), flags=re.S)  # comments left out
    assert "http" not in code and "cdn" not in code


# --------------------------------------------------------------------------- a real server
def _kernels(server: psutil.Process) -> list[psutil.Process]:
    """The server's kernels still running (one shut down a moment ago may wait to be reaped)."""
    alive = []
    for child in server.children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(child.cmdline()):
                alive.append(child)
        except psutil.Error:
            pass  # gone since the listing
    return alive


def _wait_for(condition, timeout_s: float, step: float = 1.0) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout_s:
            raise AssertionError(f"not within {timeout_s} s")
        time.sleep(step)
    return time.monotonic() - start


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """`mscteach voila 07_challenges --pool 1 --max-kernels 2`: one kernel kept ready, two students at once."""
    folder = tmp_path_factory.mktemp("classroom") / "course"
    resources.init(folder)
    port = _free_port()
    log_path = folder / "voila.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "mscteach", "voila", "07_challenges", "--no-browser", f"--port={port}", "--pool", "1",
         "--max-kernels", "2"], cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        server = None
        deadline = time.monotonic() + 90
        while server is None or len(_kernels(server)) < 1 or "is filled" not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Voilà did not start:\n" + log_path.read_text())
            voila = [p for p in psutil.Process(process.pid).children() if "voila_server" in " ".join(p.cmdline())]
            server = voila[0] if voila else None
            time.sleep(0.5)
        yield base, server, log_path
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.mark.browser
def test_a_class_opens_closes_and_leaves_no_kernel(browser, classroom):
    base, server, log_path = classroom
    assert len(_kernels(server)) == 1  # the pool: the chapter already run, waiting for a student
    pages, leaving, errors = [], [], []
    try:
        for _ in range(2):  # two students open the chapter
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("request", lambda r: leaving.append(r.url)
                    if not r.url.startswith((base, "data:", "blob:")) else None)
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base, timeout=120_000)
            page.wait_for_selector("text=Exclusion-criteria checker", timeout=120_000)
            pages.append(page)
        body = pages[0].inner_text("body")
        assert "re-run the notebook" not in body and "open it in JupyterLab" in body
        assert "import mscteach" not in body
        assert leaving == [] and errors == []  # nothing asked of the network, nothing failed (Font Awesome is local)
        # the two places are taken: a third student is told to come back, at once
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base, timeout=30)
        assert refused.value.code == 503 and refused.value.headers["Retry-After"] == "60"
        assert "The class server is full" in refused.value.read().decode()
        assert len(_kernels(server)) == 2  # the pool counts within the cap: not refilled while both are taken
    finally:
        for page in pages:
            page.close()  # as a tab closed (no beforeunload): only the lost connection tells the server
    took = _wait_for(lambda: len(_kernels(server)) == 1, timeout_s=60)
    assert "its page closed" in log_path.read_text(), log_path.read_text()[-2000:]
    print(f"the closed pages' kernels were shut down {took:.0f} s after the pages closed")
    # a page asked for by something that never runs it (no browser connects) does not keep a kernel either
    with urllib.request.urlopen(base, timeout=120) as answer:
        assert answer.status == 200 and b"Exclusion" in answer.read()
    _wait_for(lambda: len(_kernels(server)) == 2, timeout_s=60)  # its kernel, and the pool refilled
    _wait_for(lambda: len(_kernels(server)) == 1, timeout_s=voila_server.CONNECT_SECONDS + 30)
    assert "no page connected to it" in log_path.read_text()


def test_ctrl_c_stops_the_server_with_its_kernels_and_leaves_no_connection_file(tmp_path):
    folder = tmp_path / "course"
    resources.init(folder)
    scratch = tmp_path / "tmp"  # Voilà keeps its kernels' connection files in a folder of the temporary directory
    scratch.mkdir()
    port = _free_port()
    log_path = tmp_path / "voila.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "mscteach", "voila", "07_challenges", "--no-browser", f"--port={port}", "--pool", "1"],
            cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "TMPDIR": str(scratch)})
        try:
            _wait_for(lambda: "is filled" in log_path.read_text() or process.poll() is not None, timeout_s=120, step=0.5)
            server = next(p for p in psutil.Process(process.pid).children() if "voila_server" in " ".join(p.cmdline()))
            kernels = _kernels(server)
            assert len(kernels) == 1 and list(scratch.glob("voila_*/kernel-*.json"))
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal: to the command and the server it started
            assert process.wait(timeout=60) == 130
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    said = log_path.read_text()
    assert "the Voilà server stopped; its kernels were shut down" in said
    assert "files already completed" not in said
    # (a kernel still importing when Ctrl-C reaches it may print its own KeyboardInterrupt; none from our code)
    assert not [t for t in re.findall(r"Traceback \(most recent call last\):\n(?:  .*\n)+", said) if "/mscteach/" in t]
    assert not [k for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
    assert not list(scratch.glob("voila_*/kernel-*.json"))


def test_voila_command_configures_the_classroom_server(monkeypatch):
    from mscteach import cli

    monkeypatch.chdir(REPO)
    command = cli.voila_command("06_clinical_trials", 9000, "0.0.0.0", 4, browser=False, max_kernels=25,
                                cull_idle=20)
    assert command[1:4] == ["-m", "mscteach.classroom.voila_server", str(REPO / "notebooks" / "06_clinical_trials.ipynb")]
    assert {"--port=9000", "--Voila.ip=0.0.0.0", "--VoilaConfiguration.strip_sources=True",
            "--VoilaConfiguration.template=mscteach", "--ClassroomKernelManager.max_kernels=25",
            "--ClassroomKernelManager.pool_kernels=4", "--MappingKernelManager.cull_idle_timeout=1200",
            "--MappingKernelManager.cull_connected=True", "--VoilaConfiguration.preheat_kernel=True",
            "--VoilaConfiguration.default_pool_size=4", "--no-browser"} <= set(command)
    every = cli.voila_command(None, 9000, "127.0.0.1", 2, True, None)
    served = len(list((REPO / "notebooks").rglob("*.ipynb")))
    assert f"--ClassroomKernelManager.pool_kernels={2 * served}" in every
    assert int(next(a for a in every if "max_kernels" in a).split("=")[1]) >= 1  # taken from the memory free now
    assert "--MappingKernelManager.cull_idle_timeout=1800" in every  # 30 minutes unless told


# --------------------------------------------------------------------------- explorers: live and static
def test_a_static_explorer_does_not_ask_for_ctrl_click_and_draws_each_view_once(monkeypatch):
    import mscteach
    from mscteach import datasets, display, widgets

    def make():
        return {"leave out": widgets.leave_one_out_explorer(datasets.load_bcg_trials()),
                "exclusions": widgets.exclusion_checker(mscteach.load("exclusion_criteria")),
                "history": widgets.timeline_explorer(mscteach.load("timeline"))}

    live = make()
    for explorer in live.values():  # live, the controls are multiple selects: Ctrl/Cmd-click is how to use them
        assert "Ctrl/Cmd-click" in explorer.help and explorer.output.outputs
    monkeypatch.setenv(display.SITE_BUILD, "1")
    for name, explorer in make().items():
        calls = []
        render = explorer.render
        explorer.render = lambda **values: calls.append(values) or render(**values)
        assert explorer.output.outputs == ()  # nothing drawn for a widget no one will see
        html = explorer.static_html()
        assert "Ctrl/Cmd" not in html, name  # the static copy's chooser is a single select
        assert explorer.static_help in html and explorer.static_help != explorer.help
        assert len(calls) == len(explorer.static_views())  # each view drawn once, the default one included


def test_without_voila_installed_the_command_says_what_to_install(monkeypatch, capsys):
    from mscteach import cli

    import mscteach.classroom

    monkeypatch.delitem(sys.modules, "mscteach.classroom.voila_server")
    monkeypatch.delattr(mscteach.classroom, "voila_server")  # else `from ..classroom import voila_server` finds it
    # and if Voilà were found after all, the server would not start: no chapter by this name
    monkeypatch.setitem(sys.modules, "voila", None)  # as after the README's install, which does not bring Voilà
    monkeypatch.setitem(sys.modules, "voila.app", None)
    assert cli.main(["voila", "no_such_chapter", "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert "mscteach voila needs Voilà" in err and "pip install 'mscteach[classroom]'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("args, words", [
    (["--max-kernels", "-2"], "argument --max-kernels: must be a whole number of 0 or more, got -2"),
    (["--cull-idle", "x"], "argument --cull-idle: expected a number of minutes, 0 or more, got 'x'"),
    (["--cull-idle", "-1"], "argument --cull-idle: must be a number of minutes, 0 or more, got -1"),
])
def test_bad_classroom_options_are_refused_before_a_server_starts(args, words, capsys):
    from mscteach import cli

    with pytest.raises(SystemExit) as exit_status:
        cli.main(["voila", "--no-browser", *args])
    assert exit_status.value.code == 2 and words in capsys.readouterr().err


def test_a_pool_for_every_chapter_larger_than_the_cap_is_refused_with_the_way_out(monkeypatch):
    """`mscteach voila --pool 10 --max-kernels 10` without a chapter would keep 10 kernels for each notebook."""
    from mscteach import cli
    from mscteach.errors import UsageError

    monkeypatch.chdir(REPO)
    served = len([p for p in (REPO / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts])
    with pytest.raises(UsageError) as refused:
        cli.voila_command(None, 9000, "127.0.0.1", 10, False, max_kernels=10)
    message = str(refused.value)
    assert f"each of the {served} notebooks served ({10 * served} in all" in message
    assert "--max-kernels 10" in message and "mscteach voila 06_clinical_trials --pool 10" in message
    # a chapter named already: the way out is a smaller pool or a larger cap, not naming it again
    with pytest.raises(UsageError) as named:
        cli.voila_command("06_clinical_trials", 9000, "127.0.0.1", 11, False, max_kernels=10)
    assert str(named.value) == ("--pool 11 keeps 11 kernels ready (about 2.5 GB), more than --max-kernels 10: lower "
                                "--pool, or raise --max-kernels if the memory holds them")
    # the same pool for the one chapter the class opens fits
    assert "--ClassroomKernelManager.pool_kernels=10" in cli.voila_command("06_clinical_trials", 9000, "127.0.0.1",
                                                                          10, False, max_kernels=10)
    result = subprocess.run([sys.executable, "-m", "mscteach", "voila", "--pool", "10", "--max-kernels", "10",
                             "--no-browser"], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert result.returncode == 2 and "name the chapter the class opens" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
