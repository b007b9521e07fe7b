"""The Sphinx configuration of the course site, defined here once (``mscteach/sitecfg/conf.py`` only loads it)."""
from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import Any

__all__ = ["API_MODULES", "CONF_DIR", "PAGES", "sphinx_config"]

# Sphinx reads templates and static files by path, so the configuration folder must be a real folder
CONF_DIR = Path(str(importlib.resources.files("mscteach") / "sitecfg"))
#: The course pages made from the data, after the chapters in the site's contents.
PAGES = ["glossary", "references", "data"]
#: The modules the API reference documents, in the order it shows them (a user-facing module goes here).
API_MODULES = ["mscteach.data", "mscteach.registry", "mscteach.report", "mscteach.classroom", "mscteach.plots",
               "mscteach.widgets", "mscteach.stats", "mscteach.evidence", "mscteach.i18n"]


def sphinx_config(repository: str | None = None, hub: str | None = None) -> dict[str, Any]:
    """The Sphinx configuration of the course site (``conf.py`` loads exactly this).

    Parameters
    ----------
    repository : str, optional
        The repository URL for the chapters' launch links (config value
        ``mscteach_repository``; None: no links).
    hub : str, optional
        A JupyterHub URL for nbgitpuller links beside the Binder ones
        (config value ``mscteach_hub``).

    Returns
    -------
    dict of str to object
        A fresh dict of Sphinx configuration values (extensions, theme,
        MyST-NB and autodoc options, ...), for ``conf.py`` or for a
        ``Sphinx(...)`` call's overrides to start from.

    Examples
    --------
    >>> config = sphinx_config(repository="https://github.com/example/mscteach")
    >>> config["html_theme"], config["mscteach_repository"], config["mscteach_hub"]
    ('sphinx_book_theme', 'https://github.com/example/mscteach', None)
    >>> "mscteach.site.sphinx_ext" in config["extensions"]
    True
    """
    return {
        "project": "MSC therapy for human liver disease",
        "author": "mscteach contributors; text and data adapted from Moudi, Karbalaie-Harofteh & Moudi (2025)",
        "copyright": "code MIT; text and data CC BY-NC-SA 4.0",
        "extensions": ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.autosummary", "sphinx.ext.napoleon",
                       "mscteach.site.sphinx_ext"],
        "root_doc": "index",
        "exclude_patterns": ["_build", "**.ipynb_checkpoints"],
        "language": "en",
        "locale_dirs": [str(CONF_DIR / "locale")],
        "gettext_compact": False,
        "html_static_path": [str(CONF_DIR / "_static")],
        "html_css_files": ["mscteach.css"],
        "html_js_files": ["mscteach.js"],
        "html_title": "MSC therapy for human liver disease",
        "html_theme": "sphinx_book_theme",
        "templates_path": [str(CONF_DIR / "_templates")],
        "html_theme_options": {
            # a link to the course in the other language, when both editions are built
            "article_header_end": ["mscteach-edition.html", "article-header-buttons.html"],
            "home_page_in_toc": True,
            "use_download_button": False,
            "show_toc_level": 2,
            "navigation_with_keys": False,
            # every page names the data it was made from (html_context's mscteach_data), after the licence
            "footer_content_items": ["author.html", "copyright.html", "last-updated.html", "extra-footer.html",
                                     "mscteach-data.html"],
        },
        "html_context": {"default_mode": "auto"},  # light or dark as the reader's system says; a toggle switches
        "html_show_sourcelink": False,
        "html_copy_source": False,
        "html_last_updated_fmt": None,
        # the API reference: one page, read from the installed package's docstrings (numpydoc sections);
        # autosummary's tables link to the entries on that page, so it writes no stub pages
        "autosummary_generate": False,
        "html_domain_indices": False,  # the API page lists the modules itself; no separate module index
        "autodoc_default_options": {"members": True, "imported-members": True, "member-order": "bysource"},
        "autodoc_typehints": "description",
        "napoleon_google_docstring": False,
        "napoleon_numpy_docstring": True,
        "add_module_names": False,
        # MyST-NB: the notebooks were executed by mscteach (papermill), never again here
        "nb_execution_mode": "off",
        # MyST-NB would load require.js and the widget manager from CDNs: the site needs neither
        "nb_ipywidgets_js": {},
        "nb_mime_priority_overrides": [("html", "application/vnd.jupyter.widget-view+json", None),
                                       ("html", "application/vnd.jupyter.widget-state+json", None)],
        "nb_code_prompt_show": "Show the solution (code and result)",
        "nb_code_prompt_hide": "Hide the solution",
        "nb_merge_streams": True,
        # Markdown a cell displays (the index's chapter table, briefs' sections) is read as MyST, with tables:
        # MyST-NB's default, CommonMark, shows a table as a paragraph of pipes
        "nb_render_markdown_format": "myst",
        "myst_enable_extensions": ["colon_fence", "deflist"],
        "suppress_warnings": ["mystnb.unknown_mime_type", "myst.header"],
        "mscteach_repository": repository,
        "mscteach_hub": hub,
    }
