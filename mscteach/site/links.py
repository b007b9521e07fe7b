"""Links that open a chapter live: on Binder, and on a JupyterHub through nbgitpuller (in JupyterLab or Voilà).

One link builder serves the course site (a line under each chapter's title,
when the repository URL is known) and ``mscteach links --hub URL`` (a list for
a teacher: per chapter, a link opening it in JupyterLab and one opening it as a
Voilà app, code hidden). The repository URL lives in one place: ``[project.urls]
Repository`` in ``pyproject.toml``; without it no launch link is made.
"""
from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote, urlencode, urlparse

from ..errors import MscteachError

__all__ = ["ChapterLinks", "binder_url", "chapter_links", "nbgitpuller_url", "repository_url"]

#: Where nbgitpuller sends the student once the course is pulled, by view: the single-user server's
#: JupyterLab, or the Voilà server extension's page (``voila/render/PATH``, served by a hub whose image
#: has voila installed).
VIEWS = {"lab": "lab/tree", "voila": "voila/render"}


def repository_url() -> str | None:
    """The repository URL from the installed package's metadata (``[project.urls] Repository``), if any.

    Returns
    -------
    str or None
        The URL labelled ``Repository`` (or ``Source``) among the package's
        ``Project-URL`` entries; None when there is none or mscteach is not
        installed (e.g. run from a checkout without ``pip install -e``).
    """
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("mscteach").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("repository", "source"):
            return url.strip()
    return None


def _check(url: str, what: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise MscteachError(f"{what} must be an http(s) URL, e.g. https://hub.example.org; got {url!r}")
    return url.rstrip("/")


def _github_path(repository: str) -> str:
    parsed = urlparse(_check(repository, "the repository"))
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.netloc != "github.com" or len(parts) < 2:
        raise MscteachError(f"Binder links need a GitHub repository URL (https://github.com/OWNER/NAME); "
                            f"got {repository!r}")
    return f"{parts[0]}/{parts[1].removesuffix('.git')}"


def binder_url(repository: str, path: str, branch: str = "main") -> str:
    """A mybinder.org link opening ``path`` (e.g. ``notebooks/06_clinical_trials.ipynb``) in JupyterLab.

    Parameters
    ----------
    repository : str
        The GitHub repository, ``https://github.com/OWNER/NAME`` (a trailing
        ``.git`` or further path parts are ignored).
    path : str
        The notebook's path inside the repository.
    branch : str, default "main"
        The branch (or tag, or commit) Binder builds.

    Returns
    -------
    str
        The mybinder.org URL.

    Raises
    ------
    MscteachError
        If ``repository`` is not an http(s) URL of a repository on github.com.

    Examples
    --------
    >>> binder_url("https://github.com/example/mscteach", "notebooks/06_clinical_trials.ipynb")
    'https://mybinder.org/v2/gh/example/mscteach/main?urlpath=lab/tree/notebooks/06_clinical_trials.ipynb'
    """
    return f"https://mybinder.org/v2/gh/{_github_path(repository)}/{quote(branch)}?urlpath=lab/tree/{quote(path)}"


def nbgitpuller_url(hub: str, repository: str, path: str, branch: str = "main", view: str = "lab") -> str:
    """An nbgitpuller link: the hub clones (or updates) the repository, then opens ``path`` in JupyterLab or Voilà.

    Parameters
    ----------
    hub : str
        The JupyterHub's address (http or https; a trailing ``/`` is dropped).
    repository : str
        The git repository to clone (any http(s) host); the hub clones it
        into a folder named after its last path part.
    path : str
        The notebook's path inside the repository.
    branch : str, default "main"
        The branch nbgitpuller pulls.
    view : {"lab", "voila"}, default "lab"
        Open the notebook in JupyterLab, or as a Voilà app (code hidden;
        the hub's image must have voila installed).

    Returns
    -------
    str
        The hub's ``git-pull`` URL.

    Raises
    ------
    MscteachError
        If ``hub`` or ``repository`` is not an http(s) URL with a host, or
        ``view`` is not one of "lab", "voila".

    Examples
    --------
    >>> nbgitpuller_url("https://hub.example.org", "https://github.com/example/mscteach",
    ...                 "notebooks/06_clinical_trials.ipynb")
    'https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fexample%2Fmscteach&urlpath=lab%2Ftree%2Fmscteach%2Fnotebooks%2F06_clinical_trials.ipynb&branch=main'
    """
    if view not in VIEWS:
        raise MscteachError(f"view must be one of {', '.join(VIEWS)}; got {view!r}")
    hub = _check(hub, "the hub")
    repository = _check(repository, "the repository")
    folder = urlparse(repository).path.rstrip("/").split("/")[-1].removesuffix(".git")
    query = urlencode({"repo": repository, "urlpath": f"{VIEWS[view]}/{folder}/{path}", "branch": branch})
    return f"{hub}/hub/user-redirect/git-pull?{query}"


class ChapterLinks(NamedTuple):
    """A chapter's nbgitpuller links on a JupyterHub.

    Parameters
    ----------
    chapter : str
        The chapter notebook's name without ``.ipynb``, e.g. ``06_clinical_trials``.
    lab : str
        The link opening the chapter in JupyterLab (the student runs and edits it).
    voila : str
        The link opening the chapter as a Voilà app: code hidden, explorers and self-checks live.
    """

    chapter: str
    lab: str
    voila: str


def chapter_links(hub: str, repository: str | None = None, branch: str = "main") -> list[ChapterLinks]:
    """The nbgitpuller links (JupyterLab and Voilà) of every chapter notebook, in course order.

    Parameters
    ----------
    hub : str
        The JupyterHub's address (http or https).
    repository : str, optional
        The repository URL (default: :func:`repository_url`).
    branch : str, default "main"
        The branch nbgitpuller pulls.

    Returns
    -------
    list of ChapterLinks
        Each chapter notebook of the course's notebook folder (its name
        without ``.ipynb``, the index included) with its two links, which
        open ``notebooks/NAME.ipynb`` of the repository.

    Raises
    ------
    MscteachError
        If there is no repository URL, or ``hub`` or ``repository`` is not an
        http(s) URL.
    """
    from ..resources import notebook_dir, notebooks

    repository = repository or repository_url()
    if not repository:
        raise MscteachError("no repository URL: pass --repo URL (or set [project.urls] Repository in pyproject.toml)")
    return [ChapterLinks(p.stem, *(nbgitpuller_url(hub, repository, f"notebooks/{p.name}", branch, view)
                                   for view in ("lab", "voila")))
            for p in notebooks(notebook_dir())]
