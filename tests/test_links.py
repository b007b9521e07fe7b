"""Launch links: Binder and nbgitpuller, for the site and for `mscteach links`."""
from __future__ import annotations

import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest

from mscteach.site import links
from mscteach.errors import MscteachError

REPO_URL = "https://github.com/example/mscteach"


def test_nbgitpuller_links_have_the_documented_format():
    # the format nbgitpuller documents: {hub}/hub/user-redirect/git-pull?repo=...&urlpath=...&branch=...
    url = links.nbgitpuller_url("https://hub.example.org/", REPO_URL, "notebooks/06_clinical_trials.ipynb")
    parsed = urlparse(url)
    assert (parsed.scheme, parsed.netloc, parsed.path) == ("https", "hub.example.org", "/hub/user-redirect/git-pull")
    assert parse_qs(parsed.query) == {"repo": [REPO_URL], "branch": ["main"],
                                      "urlpath": ["lab/tree/mscteach/notebooks/06_clinical_trials.ipynb"]}


def test_voila_links_open_the_chapter_through_voilas_server_extension():
    # Voilà's server extension serves /voila/render/<path> on the single-user server, and nbgitpuller redirects
    # to <server>/<urlpath> once it has pulled the repository into ~/<repository name>
    url = links.nbgitpuller_url("https://hub.example.org", REPO_URL + ".git", "notebooks/06_clinical_trials.ipynb",
                                branch="spring", view="voila")
    assert parse_qs(urlparse(url).query) == {"repo": [REPO_URL + ".git"], "branch": ["spring"],
                                             "urlpath": ["voila/render/mscteach/notebooks/06_clinical_trials.ipynb"]}
    with pytest.raises(MscteachError, match=r"view must be one of lab, voila; got 'app'"):
        links.nbgitpuller_url("https://hub.example.org", REPO_URL, "x.ipynb", view="app")


def test_binder_links_open_the_notebook_in_jupyterlab():
    url = links.binder_url(REPO_URL, "notebooks/01_history.ipynb", branch="dev")
    assert url == "https://mybinder.org/v2/gh/example/mscteach/dev?urlpath=lab/tree/notebooks/01_history.ipynb"
    with pytest.raises(MscteachError, match="GitHub repository URL"):
        links.binder_url("https://gitlab.com/example/mscteach", "x.ipynb")


def test_mscteach_links_lists_every_chapter():
    result = subprocess.run([sys.executable, "-m", "mscteach", "links", "--hub", "https://hub.example.org",
                             "--repo", REPO_URL], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[0] for row in rows][:2] == ["00_index", "01_history"] and len(rows) == 8
    assert {len(row) for row in rows} == {3}  # chapter, JupyterLab link, Voilà link
    for chapter, lab, voila in rows:
        assert parse_qs(urlparse(lab).query)["urlpath"] == [f"lab/tree/mscteach/notebooks/{chapter}.ipynb"]
        assert parse_qs(urlparse(voila).query)["urlpath"] == [f"voila/render/mscteach/notebooks/{chapter}.ipynb"]
        assert lab.startswith("https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com"
                              "%2Fexample%2Fmscteach&") and voila.startswith(lab.split("&")[0] + "&")


def test_without_a_repository_no_link_is_made(monkeypatch):
    monkeypatch.setattr(links, "repository_url", lambda: None)
    result = subprocess.run([sys.executable, "-m", "mscteach", "links", "--hub", "not a url", "--repo", REPO_URL],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "must be an http(s) URL" in result.stderr
    with pytest.raises(MscteachError, match="no repository URL"):
        links.chapter_links("https://hub.example.org")
