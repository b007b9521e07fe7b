"""Jinja2 templates for the HTML the package writes: brief pages and their parts, static explorer views.

Every template is autoescaped: a value from the data or from a user (a title, a finding such as
"ALT fell to <ULN") shows as written, and only text marked safe (:class:`markupsafe.Markup`, e.g. a
sentence whose values were escaped when it was filled) reaches the page as markup. The templates are
package data, read with :mod:`importlib.resources`, so they work from a wheel as from a checkout.
"""
from __future__ import annotations

import importlib.resources
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

__all__ = ["environment", "loader", "render", "template_source"]


def template_source(name: str) -> str | None:
    """The text of the shipped template ``name`` (None if there is no such template).

    Parameters
    ----------
    name : str
        A file name in the package's ``templates`` folder, e.g.
        ``"paragraph.html.j2"``.

    Returns
    -------
    str or None
        The template's text, or None (Jinja2's :class:`~jinja2.FunctionLoader`
        then raises :class:`~jinja2.TemplateNotFound`).

    Examples
    --------
    >>> template_source("paragraph.html.j2")
    '<p>{{ text }}</p>\\n'
    >>> template_source("no such template") is None
    True
    """
    path = importlib.resources.files(__name__).joinpath("templates", name)
    return path.read_text(encoding="utf-8") if path.is_file() else None


def loader() -> jinja2.BaseLoader:
    """A Jinja2 loader for the shipped templates (nbconvert's exporter takes it as an extra loader).

    Returns
    -------
    jinja2.BaseLoader
        A :class:`~jinja2.FunctionLoader` over :func:`template_source`.
    """
    import jinja2

    return jinja2.FunctionLoader(template_source)


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The package's template environment: autoescaped, templates from :func:`template_source`.

    Returns
    -------
    jinja2.Environment
        One environment for the process (cached): autoescaped, with
        :class:`~jinja2.StrictUndefined` (a value a template uses but is not
        given raises instead of showing as empty).
    """
    import jinja2

    return jinja2.Environment(loader=loader(), autoescape=True, undefined=jinja2.StrictUndefined)


def render(template: str, /, **values: Any) -> str:
    """Fill the shipped ``template`` (e.g. ``"paragraph.html.j2"``) with ``values``; the result is markup.

    Parameters
    ----------
    template : str
        The name of a shipped template (positional only).
    **values
        The values the template uses; each is escaped unless it is
        :class:`~markupsafe.Markup`.

    Returns
    -------
    markupsafe.Markup
        The filled template (a str subclass that later templates do not
        escape again).

    Raises
    ------
    jinja2.TemplateNotFound
        If no template has that name.
    jinja2.UndefinedError
        If the template uses a value not given.

    Examples
    --------
    >>> render("paragraph.html.j2", text="ALT fell to <ULN")
    Markup('<p>ALT fell to &lt;ULN</p>')
    """
    from markupsafe import Markup

    return Markup(environment().get_template(template).render(**values))
