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


def test_binder_links_open_the_notebook_in_jupyterlab():
    url = links.binder_url(REPO_URL, "notebooks/01_history.ipynb", branch="dev")
    assert url == "https://mybinder.org/v2/gh/example/mscteach/dev?urlpath=lab/tree/notebooks/01_history.ipynb"
    with pytest.raises(MscteachError, match="GitHub repository URL"):
        links.binder_url("https://gitlab.com/example/mscteach", "x.ipynb")


def test_mscteach_links_lists_every_chapter():
    result = subprocess.run([sys.executable, "-m", "mscteach", "links", "--hub", "https://hub.example.org",
                             "--repo", REPO_URL], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("\t")[0] for line in lines][:2] == ["00_index", "01_history"] and len(lines) == 8
    assert all("git-pull?repo=https%3A%2F%2Fgithub.com%2Fexample%2Fmscteach" in line for line in lines)


def test_without_a_repository_no_link_is_made(monkeypatch):
    monkeypatch.setattr(links, "repository_url", lambda: None)
    result = subprocess.run([sys.executable, "-m", "mscteach", "links", "--hub", "not a url", "--repo", REPO_URL],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "must be an http(s) URL" in result.stderr
    with pytest.raises(MscteachError, match="no repository URL"):
        links.chapter_links("https://hub.example.org")
