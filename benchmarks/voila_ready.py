"""Voilà: time from opening a chapter to its widgets being ready (goal: every chapter under 3 s).

Serves a copy of the chapters with `mscteach voila` (the command the README gives teachers) on a loopback
port, opens each chapter in Debian's headless Chromium and stops the clock when the page has every
explorer and self-check of the chapter on screen, ready to use: its controls drawn by the widget manager.
Each chapter is opened three times (as three students would); the median is reported. A first opening
after the server starts is reported separately.
Run: python benchmarks/voila_ready.py [--chapters 06_clinical_trials ...]
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser()
parser.add_argument("--chapters", nargs="*", default=None)
parser.add_argument("--repeat", type=int, default=3)
parser.add_argument("--pool", type=int, default=1, help="kernels kept ready per chapter (mscteach voila --pool)")
args = parser.parse_args()
chapters = args.chapters or sorted(p.stem for p in (ROOT / "notebooks").glob("0[1-7]_*.ipynb"))


def widgets_expected(name: str) -> int:
    """Explorers and self-checks the chapter shows (each becomes one top-level widget box)."""
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    return sum(1 for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
               if "application/vnd.jupyter.widget-view+json" in o.get("data", {}))


with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
with tempfile.TemporaryDirectory() as tmp:
    workspace = Path(tmp) / "course"
    subprocess.run([sys.executable, "-m", "mscteach", "init", str(workspace)], check=True, capture_output=True)
    log = open(Path(tmp) / "voila.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "mscteach", "voila", "--port", str(port), "--pool", str(args.pool),
                               "--no-browser"],
                              cwd=workspace, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("Voilà did not start:\n" + (Path(tmp) / "voila.log").read_text())
                time.sleep(0.3)
        time.sleep(float(os.environ.get("MSCTEACH_BENCH_SETTLE", "20")))  # let the server warm its kernels up
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium")
            for name in chapters:
                expected = widgets_expected(name)
                times = []
                for _ in range(args.repeat):
                    page = browser.new_page(viewport={"width": 1200, "height": 900})
                    start = time.perf_counter()
                    page.goto(f"{base}/voila/render/{name}.ipynb", timeout=120_000)
                    page.wait_for_function(
                        "n => document.querySelectorAll('.jp-OutputArea-output > .widget-vbox, "
                        ".jp-OutputArea-output > .jupyter-widgets.widget-vbox').length >= n",
                        arg=expected, timeout=120_000, polling=50)
                    times.append(time.perf_counter() - start)
                    page.close()
                    time.sleep(float(os.environ.get("MSCTEACH_BENCH_PAUSE", "8")))  # the pool refills
                median = statistics.median(times)
                print(f"{name} (--pool {args.pool}): widgets ready in {median:.2f} s (median of {len(times)}; "
                      f"{expected} widgets; first {times[0]:.2f} s) (goal <= 3 s: {'met' if median <= 3 else 'NOT met'})")
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
