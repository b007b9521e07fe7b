"""Sentences the package writes into pages, kept where the site can read them cheaply.

The course site translates these with its gettext catalogues; keeping them out
of :mod:`mscteach.widgets` lets the Sphinx extension read them without
importing matplotlib, seaborn and ipywidgets.
"""

from .i18n import say


def live_note(views: int | str, lang: str | None = None) -> str:
    """What a static copy of an explorer says under it, in ``lang`` (default: the language of :mod:`mscteach.i18n`)."""
    return say("This is a static copy of the explorer: choose a view above ({views} precomputed). To change every "
               "control, open the chapter live in JupyterLab (<code>mscteach lab</code>), in Voil&agrave;, or on "
               "Binder or a JupyterHub.", lang, views=views)


def self_check_heading(lang: str | None = None) -> str:
    """The heading of a self-check."""
    return say("Check your understanding.", lang)


def show_answer(lang: str | None = None) -> str:
    """The toggle of a self-check's static copy."""
    return say("Show the answer", lang)


#: The English texts, as a chapter run in English writes them (the site finds them to translate them).
LIVE_NOTE = live_note("{views}", "en")
SELF_CHECK = self_check_heading("en")
SHOW_ANSWER = show_answer("en")
