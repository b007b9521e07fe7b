"""Fixed sentences the explorers and self-checks write into pages, kept where the site can read them cheaply.

They are :func:`~mscteach.i18n.say` sentences (catalogue ``sentences.po``); keeping them
out of :mod:`mscteach.widgets` lets the Sphinx extension find and translate them in a
built page without importing matplotlib, seaborn and ipywidgets.
"""

from .sentences import say


def live_note(views: int | str, lang: str | None = None) -> str:
    """What a static copy of an explorer says under it, in ``lang`` (default: :func:`~mscteach.i18n.language`)."""
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
