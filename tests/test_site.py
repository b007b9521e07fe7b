"""The course site as a reader meets it: offline, from file://, in Debian's Chromium.

Every page: no request leaves the machine, no console error, every internal link and anchor
resolves, no link to a notebook, a real and distinct title, and no serious or critical accessibility
violation (axe-core, bundled with axe-playwright-python: nothing is downloaded). The glossary page
holds every term, the references page every reference, and a static explorer switches its view
without a kernel.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

import mscteach

from .conftest import REPO

ARTIFACTS = REPO / "test-artifacts"
pytestmark = pytest.mark.browser


def _pages(out: Path) -> list[Path]:
    return sorted(out.glob("*.html"))


def test_the_site_opens_on_the_course_index(site):
    out, _ = site
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Mesenchymal stem cell therapy for human liver disease: a course" in home
    assert not (out / "00_index.html").exists()  # the index notebook is the site's index page
    assert 'href="01_history.html"' in home
    # the chapter overview is a table, one row per chapter (not a paragraph of pipes)
    table = re.search(r"<table[^>]*>.*?</table>", home[home.index('id="chapters"'):], re.S)
    assert table and "Questions" in table.group(0) and table.group(0).count("<tr") == 8, home[:0]
    assert "| # | Chapter" not in home
    # every page's footer names its data: the fixture's copy has shi2012's dose changed, and nothing else
    assert "Data (my-data): modified: 1 row changed in clinical_studies (data " in home
    assert all('<p class="mscteach-data">Data (my-data): modified: ' in p.read_text(encoding="utf-8")
               for p in _pages(out))


@pytest.fixture(scope="module")
def visits(site, browser):
    """Open every page once; record requests, console errors, title, links and ids."""
    out, result = site
    assert result.returncode == 0, result.stderr
    found = {}
    for path in _pages(out):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        leaving, errors = [], []
        page.on("request", lambda r, leaving=leaving: leaving.append(r.url)
                if urlparse(r.url).scheme not in ("file", "data", "about", "blob") else None)
        page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        try:
            page.goto(path.as_uri(), wait_until="load", timeout=60_000)
            page.wait_for_timeout(300)
            found[path.name] = {
                "leaving": leaving, "errors": errors, "title": page.title().strip(),
                "links": page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"),
                "ids": set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")),
                "text": page.inner_text("body"),
            }
        except Exception:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"site-{path.stem}.png"), full_page=True)
            raise
        finally:
            page.close()
    return found


def test_no_page_asks_the_network_for_anything(visits):
    assert {name: v["leaving"] for name, v in visits.items() if v["leaving"]} == {}


def test_no_page_has_a_console_error(visits):
    assert {name: v["errors"] for name, v in visits.items() if v["errors"]} == {}


def test_titles_are_real_and_distinct(visits):
    titles = [v["title"] for v in visits.values()]
    assert len(set(titles)) == len(titles)
    assert not [t for t in titles if not t or t.startswith("Notebook")]
    assert visits["06_clinical_trials.html"]["title"].startswith("6. Clinical trials")


def test_every_internal_link_and_anchor_resolves(site, visits):
    out, _ = site
    broken = []
    for name, visit in visits.items():
        for href in visit["links"]:
            parsed = urlparse(href)
            if parsed.scheme in ("http", "https", "mailto"):
                continue
            assert not parsed.path.endswith(".ipynb"), (name, href)
            target = name if not parsed.path else unquote(parsed.path)
            if not (out / target).is_file():
                broken.append((name, href))
            elif parsed.fragment and target in visits and parsed.fragment not in visits[target]["ids"]:
                broken.append((name, href))
    assert broken == []


def test_the_glossary_and_references_pages_are_complete(visits):
    glossary = visits["glossary.html"]
    for row in mscteach.load("glossary").itertuples():
        assert row.term in glossary["text"], row.term
    assert sum(1 for i in glossary["ids"] if i.startswith("term-")) >= len(mscteach.load("glossary"))
    references = visits["references.html"]
    assert {f"ref-{n}" for n in range(1, 104)} <= references["ids"]
    # a chapter's [26] links to the entry of reference 26
    assert "references.html#ref-26" in visits["06_clinical_trials.html"]["links"]
    assert any(link.startswith("glossary.html#term-") for link in visits["02_differentiation.html"]["links"])


def test_every_figure_has_alt_text_and_a_caption(site):
    out, _ = site
    for path in _pages(out):
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<img\b[^>]*>", html):
            alt = re.search(r'alt="([^"]*)"', tag)
            assert alt and len(alt.group(1)) > 20, (path.name, tag[:120])
            assert "No description has been provided" not in alt.group(1)


def test_a_static_explorer_switches_its_view_without_a_kernel(site, browser):
    out, _ = site
    page = browser.new_page()
    try:
        page.goto((out / "06_clinical_trials.html").as_uri(), wait_until="load")
        explorer = page.locator(".mscteach-explorer", has_text="Clinical studies").first
        visible = explorer.locator(".mscteach-view:not([hidden])")
        assert "Suk 2016" in visible.inner_text()
        explorer.locator("select").select_option(label="disease: ACLF")
        text = explorer.locator(".mscteach-view:not([hidden])").inner_text()
        assert "Lin 2017" in text and "Suk 2016" not in text
        assert "mscteach lab" in explorer.inner_text()  # how to get the live version
    finally:
        page.close()


def test_no_serious_or_critical_accessibility_violation(site, browser):
    from axe_playwright_python.sync_playwright import Axe

    out, _ = site
    axe = Axe()
    found = {}
    for path in _pages(out):
        page = browser.new_page()
        try:
            page.goto(path.as_uri(), wait_until="load")
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a",
                                                                                      "wcag21aa"]}})
            bad = [(v["id"], len(v["nodes"])) for v in results.response["violations"]
                   if v.get("impact") in ("serious", "critical")]
            if bad:
                found[path.name] = bad
        finally:
            page.close()
    assert found == {}


def test_the_api_reference_is_in_the_appendix_and_documents_the_public_functions(site):
    from mscteach.site.config import API_MODULES

    out, _ = site
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Appendix" in home and 'href="api.html"' in home  # in the site's navigation
    api = (out / "api.html").read_text(encoding="utf-8")
    for module in ("mscteach.data", "mscteach.registry", "mscteach.report", "mscteach.plots", "mscteach.widgets"):
        assert module in API_MODULES and f'id="module-{module}"' in api, module
    entry = api[api.index('id="mscteach.data.load"'):]
    entry = re.sub(r"<[^>]+>", "", entry[entry.index(">") + 1:entry.index("</dl>")]).strip()
    assert entry.startswith("load(name, data=None)") and "Parameters" in entry
    assert "name (str) – Table name." in entry and "data" in entry
