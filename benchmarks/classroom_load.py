"""A class at once: N students open a chapter served by `mscteach voila` within a minute, each changes one control.

Prints p50/p95 time to widgets, p50/p95 control latency (control changed -> the explorer's output redrawn),
the server's peak memory (the server and its kernels, resident) and how many of the students' own kernels are
still alive --linger seconds (default 120) after their pages closed.

Students are Playwright pages in one headless Chromium (Debian's) up to --browsers (default 10); above it,
protocol-level clients (no rendering, so 30 browsers do not swamp the cores being measured): each asks for the
page over HTTP, connects to its kernel's websocket as Voilà's widget manager does, asks for every widget's state
(time to widgets = the state received) and sets a dropdown.

Goals (issue 27, chapter 6, a 2-core machine): 10 students in Chromium p95 <= 15 s to widgets; 30 students p95
<= 20 s to the widgets' state; p95 control latency <= 1 s; memory <= 8 GB; 0 kernels left.
Run: python benchmarks/classroom_load.py --students 10 [--chapter 06_clinical_trials] [--pool 2] [--max-kernels N]
[--within 60]
"""
import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser()
parser.add_argument("--students", type=int, default=10)
parser.add_argument("--chapter", default="06_clinical_trials")
parser.add_argument("--pool", type=int, default=2, help="kernels kept ready (mscteach voila --pool)")
parser.add_argument("--max-kernels", type=int, default=None,
                    help="mscteach voila --max-kernels (default: the command's own, from the memory free)")
parser.add_argument("--within", type=float, default=60, help="seconds over which the students arrive")
parser.add_argument("--browsers", type=int, default=10, help="above this many students, protocol-level clients")
parser.add_argument("--linger", type=float, default=120, help="seconds after the pages close before kernels are counted")
parser.add_argument("--seed", type=int, default=27)
args = parser.parse_args()
random.seed(args.seed)


def widgets_expected(name: str) -> int:
    """The chapter's top-level widgets (explorers and self-checks), from its stored outputs."""
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))


def kernels(root: psutil.Process) -> int:
    count = 0
    for p in root.children(recursive=True):
        try:
            count += p.status() != psutil.STATUS_ZOMBIE and "ipykernel" in " ".join(p.cmdline())
        except psutil.Error:
            pass
    return count


def alive(root: psutil.Process, kernel_ids: set[str]) -> int:
    """How many of these kernels still run (a kernel's process is started with its connection file, kernel-ID.json)."""
    count = 0
    for p in root.children(recursive=True):
        try:
            command = " ".join(p.cmdline())
            count += p.status() != psutil.STATUS_ZOMBIE and any(f"kernel-{k}.json" in command for k in kernel_ids)
        except psutil.Error:
            pass
    return count


class Memory(threading.Thread):
    """Samples the resident memory of the server and its kernels every half second; keeps the peak."""

    def __init__(self, root: psutil.Process):
        super().__init__(daemon=True)
        self.root, self.peak, self.peak_kernels, self.running = root, 0, 0, True

    def run(self):
        while self.running:
            total = 0
            for p in [self.root, *self.root.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.peak_kernels = max(self.peak_kernels, kernels(self.root))
            time.sleep(0.5)


# --------------------------------------------------------------------------- students in Chromium
async def browser_students(base: str, arrivals: list[float], expected: int) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                          args=["--disable-gpu", "--disable-background-networking"])
        pages = []

        async def student(delay: float) -> dict:
            await asyncio.sleep(delay)
            page = await browser.new_page(viewport={"width": 1200, "height": 900})
            pages.append(page)
            result: dict = {}
            start = time.perf_counter()
            try:
                await page.goto(base, timeout=300_000)
                await page.wait_for_function(
                    "n => document.querySelectorAll('.jp-OutputArea-output > .widget-vbox, "
                    ".jp-OutputArea-output > .jupyter-widgets.widget-vbox').length >= n",
                    arg=expected, timeout=300_000, polling=100)
                result["widgets"] = time.perf_counter() - start
                found = re.search(r'"kernelId": "([0-9a-f-]{36})"', await page.content())
                result["kernel"] = found.group(1) if found else None
                box = page.locator(".widget-vbox", has=page.locator("select:not([multiple])")).last
                output = box.locator(".widget-output").first
                before = await output.inner_html()
                select = box.locator("select:not([multiple])").first
                options = await select.locator("option").all_inner_texts()
                current = await select.input_value()
                choice = next(o for o in options[1:] + options[:1] if o != current)
                start = time.perf_counter()
                await select.select_option(label=choice)
                await page.wait_for_function("([el, old]) => el.innerHTML !== old", arg=[await output.element_handle(),
                                             before], timeout=120_000, polling=20)
                result["control"] = time.perf_counter() - start
            except Exception as exc:  # a student whose page failed is reported, not hidden
                result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
            return result

        results = await asyncio.gather(*(student(d) for d in arrivals))
        for page in pages:
            await page.close()  # as tabs closed: no beforeunload
        await browser.close()
    return results


# --------------------------------------------------------------------------- students as protocol clients
def _message(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> str:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "student", "session": session,
              "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "version": "5.3"}
    return json.dumps({"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content,
                       "channel": "shell", "buffers": []})


def _decode(raw) -> dict:
    if isinstance(raw, bytes):  # the legacy binary framing: message JSON first, then its buffers
        count = int.from_bytes(raw[:4], "big")
        offsets = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(count)]
        return json.loads(raw[offsets[0]:offsets[1] if count > 1 else None].decode())
    return json.loads(raw)


async def protocol_students(base: str, arrivals: list[float]) -> list[dict]:
    from tornado.httpclient import AsyncHTTPClient
    from tornado.websocket import websocket_connect

    AsyncHTTPClient.configure(None, max_clients=1000)
    sockets = []

    async def student(delay: float) -> dict:
        await asyncio.sleep(delay)
        result: dict = {}
        start = time.perf_counter()
        try:
            page = (await AsyncHTTPClient().fetch(base, request_timeout=600)).body.decode()
            kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page).group(1)
            result["kernel"] = kernel
            session = uuid.uuid4().hex
            ws = await websocket_connect(f"{base.replace('http', 'ws', 1)}api/kernels/{kernel}/channels"
                                         f"?session_id={session}", max_message_size=1 << 30)
            sockets.append(ws)
            control = uuid.uuid4().hex  # Voilà's widget manager asks for every state through the control comm
            await ws.write_message(_message("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                                          "data": {}}, session, {"version": "1.0.0"}))
            await ws.write_message(_message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}},
                                            session))
            while True:
                msg = _decode(await asyncio.wait_for(ws.read_message(), 300))
                data = msg.get("content", {}).get("data", {})
                if msg["header"]["msg_type"] == "comm_msg" and data.get("method") == "update_states":
                    states = data["states"]
                    break
            result["widgets"] = time.perf_counter() - start
            dropdown = next(mid for mid, s in states.items() if s["model_name"] == "DropdownModel"
                            and len(s["state"].get("_options_labels", [])) > 1)
            index = states[dropdown]["state"].get("index") or 0
            start = time.perf_counter()
            await ws.write_message(_message("comm_msg", {"comm_id": dropdown, "data": {
                "method": "update", "state": {"index": 1 if index != 1 else 0}, "buffer_paths": []}}, session,
                {"version": "2.1.0"}))
            while True:
                msg = _decode(await asyncio.wait_for(ws.read_message(), 300))
                data = msg.get("content", {}).get("data", {})
                if msg["header"]["msg_type"] == "comm_msg" and "outputs" in data.get("state", {}):
                    break
            result["control"] = time.perf_counter() - start
        except Exception as exc:
            result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        return result

    results = await asyncio.gather(*(student(d) for d in arrivals))
    for ws in sockets:
        ws.close()  # as pages closed
    return results


# --------------------------------------------------------------------------- the run
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
with tempfile.TemporaryDirectory() as tmp:
    workspace = Path(tmp) / "course"
    subprocess.run([sys.executable, "-m", "mscteach", "init", str(workspace)], check=True, capture_output=True)
    log_path = Path(tmp) / "voila.log"
    log = open(log_path, "w")
    server = subprocess.Popen([sys.executable, "-m", "mscteach", "voila", args.chapter, "--port", str(port),
                               "--pool", str(args.pool), "--no-browser",
                               *(["--max-kernels", str(args.max_kernels)] if args.max_kernels is not None else [])],
                              cwd=workspace, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    root = psutil.Process(server.pid)
    try:
        deadline = time.monotonic() + 120 + 15 * args.pool  # the pool's chapters run a few at a time
        while "is filled" not in log_path.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit("Voilà did not start:\n" + log_path.read_text())
            time.sleep(0.5)
        # "filled" means the pool's kernels started: wait until they have run the chapter (their CPU at rest)
        while True:
            procs = [p for p in root.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
            cpu = sum(p.cpu_times().user + p.cpu_times().system for p in procs)
            time.sleep(2)
            if len(procs) >= args.pool and sum(p.cpu_times().user + p.cpu_times().system for p in procs) - cpu < 0.1:
                break
        urllib.request.urlopen(f"{base}voila/static/voila.js", timeout=30).read()  # the server answers
        idle = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
        memory = Memory(root)
        memory.start()
        arrivals = sorted(random.uniform(0, args.within) for _ in range(args.students))
        browsers = args.students <= args.browsers
        started = time.perf_counter()
        if browsers:
            results = asyncio.run(browser_students(base, arrivals, widgets_expected(args.chapter)))
        else:
            results = asyncio.run(protocol_students(base, arrivals))
        elapsed = time.perf_counter() - started
        closed = time.monotonic()
        while time.monotonic() - closed < args.linger:
            time.sleep(1)
        left = alive(root, {r["kernel"] for r in results if r.get("kernel")})
        memory.running = False
        memory.join()
        done = [r for r in results if "error" not in r]
        kind = "Chromium pages" if browsers else "protocol clients (page + kernel messages, no rendering)"
        print(f"{args.students} students ({kind}) opening {args.chapter} within {args.within:.0f} s, "
              f"--pool {args.pool}{'' if args.max_kernels is None else f' --max-kernels {args.max_kernels}'}; all done in {elapsed:.0f} s; {len(results) - len(done)} failed")
        for r in results:
            if "error" in r:
                print(f"  failed: {r['error']}")
        if done:
            widgets = [r["widgets"] for r in done]
            controls = [r["control"] for r in done if "control" in r]
            goal = 15 if browsers else 20
            p95 = percentile(widgets, 0.95)
            print(f"time to widgets{'' if browsers else ' (state received)'}: p50 {statistics.median(widgets):.1f} s, "
                  f"p95 {p95:.1f} s (goal <= {goal} s: {'met' if p95 <= goal else 'NOT met'})")
            if controls:
                c95 = percentile(controls, 0.95)
                print(f"control latency: p50 {statistics.median(controls) * 1000:.0f} ms, p95 {c95 * 1000:.0f} ms "
                      f"(goal <= 1 s: {'met' if c95 <= 1 else 'NOT met'})")
        print(f"server memory: {idle / 2**30:.2f} GB idle, peak {memory.peak / 2**30:.2f} GB with "
              f"{memory.peak_kernels} kernels (goal <= 8 GB: {'met' if memory.peak <= 8 * 2**30 else 'NOT met'}); "
              f"per kernel about {(memory.peak - idle) / max(1, memory.peak_kernels - args.pool) / 2**20:.0f} MB")
        print(f"the students' kernels still alive {args.linger:.0f} s after their pages closed: {left} of "
              f"{sum(1 for r in results if r.get('kernel'))} (goal 0: {'met' if left == 0 else 'NOT met'}); "
              f"{kernels(root)} kernels in all, the pool refilling")
        refused = log_path.read_text().count("Server full")
        if refused:
            print(f"pages refused as the server was full: {refused}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the command and the server it started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
