"""The course website: chapters executed, rendered by Sphinx + MyST-NB + sphinx-book-theme, offline.

One job per module:

* :mod:`~mscteach.site.build`: ``mscteach build`` (chapters → runner → Sphinx, incremental);
* :mod:`~mscteach.site.config`: the Sphinx configuration (``mscteach/sitecfg/conf.py`` only loads it);
* :mod:`~mscteach.site.sphinx_ext`: the Sphinx extension (citations, glossary links, figures, launch links);
* :mod:`~mscteach.site.pages`: the pages made from the data, and the API reference page;
* :mod:`~mscteach.site.rendering`: executed notebooks → Sphinx sources → HTML;
* :mod:`~mscteach.site.links`: Binder and JupyterHub links to a chapter;
* :mod:`~mscteach.site.pack`: the course pack (PDF).

Nothing on a page is fetched from the network: MyST-NB's widget scripts (from a
CDN) are turned off, explorers carry static views made when the chapters ran
for the site, and the theme's scripts and styles come from installed packages.
"""
from __future__ import annotations

from ..lessons import lesson_blocks
from .config import CONF_DIR, sphinx_config
from .pages import site_pages
from .rendering import render

# what mscteach.site gave before it was a package, still reachable as mscteach.site.NAME
from .config import PAGES  # noqa: F401
from .pack import render_pack  # noqa: F401
from .rendering import clean, prepare, source_hash  # noqa: F401

__all__ = ["CONF_DIR", "lesson_blocks", "render", "site_pages", "sphinx_config"]
