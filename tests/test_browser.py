"""Explorers and self-checks in a real browser: `mscteach voila` serves the chapters, headless Chromium
changes a widget; no request leaves the machine and no console error is logged on any page.

Voilà (which turns a chapter into an app for a class) is started with the README's command, with a
pool of pre-run kernels, on a free loopback port by the test itself; Playwright drives Debian's Chromium (/usr/bin/chromium; never a downloaded browser).
On failure a screenshot is saved in test-artifacts/. The server is stopped even when a test fails.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from mscteach import resources

from .conftest import REPO

ARTIFACTS = REPO / "test-artifacts"
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voila") / "course"
    resources.init(folder)  # a student's workspace, served as a teacher would serve it
    port = _free_port()
    log = (folder / "voila.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mscteach", "voila", "--no-browser", f"--port={port}", "--pool", "1"],
        cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Voilà did not start:\n" + (folder / "voila.log").read_text()) from None
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@contextmanager
def chapter(browser, voila, name: str):
    """Open a chapter in Voilà; on any failure keep a screenshot. Nothing may leave the machine or fail."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    leaving, errors = [], []
    page.on("request", lambda r: leaving.append(r.url) if not r.url.startswith((voila, "data:", "blob:")) else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{voila}/voila/render/{name}", timeout=120_000)
        page.wait_for_selector(".widget-vbox", timeout=120_000)
        yield page
        assert leaving == [], f"requests left the machine: {leaving}"
        assert errors == [], f"console errors: {errors}"
    except Exception:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{Path(name).stem}-failure.png"), full_page=True)
        raise
    finally:
        page.close()


def _explorer(page, title: str):
    page.wait_for_selector(f"text={title} —", timeout=120_000)
    return page.locator(".widget-vbox", has_text=f"{title} —").first


def _output(explorer):
    area = explorer.locator(".widget-output").first
    return area.inner_text(), [img.get_attribute("src") for img in area.locator("img").all()]


def _output_after_change(page, explorer, gone: str, present: str, timeout_s: float = 30):
    """The explorer's output once ``gone`` has left it and ``present`` is in it (or the last seen output)."""
    deadline = time.monotonic() + timeout_s
    while True:
        text, images = _output(explorer)
        if (gone not in text and present in text) or time.monotonic() > deadline:
            return text, images
        page.wait_for_timeout(100)


def test_trial_explorer_filters_table_and_redraws_figure(browser, voila):
    with chapter(browser, voila, "06_clinical_trials.ipynb") as page:
        explorer = _explorer(page, "Clinical studies")
        text, images = _output(explorer)
        assert "Suk 2016" in text and len(images) == 1
        explorer.locator("select").first.select_option(label="ACLF")
        text, new_images = _output_after_change(page, explorer, gone="Suk 2016", present="Lin 2017")
        assert "Suk 2016" not in text and "Lin 2017" in text and "Shi 2012" in text
        assert new_images and new_images != images  # the sample-size chart was redrawn


def test_animal_explorer_narrows_to_hcc(browser, voila):
    with chapter(browser, voila, "05_animal_models.ipynb") as page:
        explorer = _explorer(page, "Preclinical studies")
        text, images = _output(explorer)
        assert "Jang" in text
        explorer.locator("select").first.select_option(label="HCC")
        text, new_images = _output_after_change(page, explorer, gone="Jang", present="Teshima")
        assert "Teshima" in text and "Gong" in text and "Jang" not in text
        assert new_images != images  # the heatmap was redrawn


def test_exclusion_checker_gives_a_verdict(browser, voila):
    with chapter(browser, voila, "07_challenges.ipynb") as page:
        explorer = _explorer(page, "Exclusion-criteria checker")
        assert "Eligible" in _output(explorer)[0]
        explorer.locator("select").first.select_option(label="Substance abuse")
        explorer.locator(".widget-output", has_text="Excluded").first.wait_for(timeout=30_000)
        assert "Excluded by 1 criterion(s): Substance abuse." in _output(explorer)[0]


def test_a_self_check_gives_feedback_and_the_code_stays_hidden(browser, voila):
    with chapter(browser, voila, "06_clinical_trials.ipynb") as page:
        check = page.locator(".widget-vbox", has_text="A pooled risk ratio").first
        check.wait_for(timeout=60_000)
        check.get_by_text("(a) The treatment certainly works").click()
        check.get_by_role("button", name="Check").click()
        check.get_by_text("Not yet.").wait_for(timeout=30_000)
        check.get_by_text("(b) The data are compatible with no effect").click()
        check.get_by_role("button", name="Check").click()
        check.get_by_text("Right.").wait_for(timeout=30_000)
        assert "import mscteach" not in page.inner_text("body")  # Voilà shows results, not code


def test_voila_refuses_an_unknown_chapter():
    from mscteach import cli

    assert cli.main(["voila", "08_nothing"]) == 2  # the server configuration itself: tests/test_voila.py
