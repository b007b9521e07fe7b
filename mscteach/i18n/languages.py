"""The languages the course speaks, and the one the figures and explorers are shown in right now."""
from __future__ import annotations

from ..errors import UnknownNameError

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "RLM", "RTL", "SOURCE", "check_language", "language", "set_language"]

#: The languages of the course (editions, briefs, figures), the source language first.
LANGUAGES = ("en", "fa")
#: Each language's name in itself (the site's language switch).
LANGUAGE_NAMES = {"en": "English", "fa": "فارسی"}
#: The source language: the text is written in it, so it has no catalogue.
SOURCE = "en"
#: Languages written right to left, and the invisible mark that keeps a number in a right-to-left sentence.
RTL = {"fa"}
RLM = "\u200f"

_state = {"lang": SOURCE}


def check_language(lang: str) -> str:
    """``lang`` if the course has it; else an error listing those it has.

    Parameters
    ----------
    lang : str
        A language code.

    Returns
    -------
    str
        ``lang``.

    Raises
    ------
    UnknownNameError
        For a language the course does not have (a usage error: exit status 2 at the command line).
    """
    if lang not in LANGUAGES:
        raise UnknownNameError("language", lang, list(LANGUAGES))
    return lang


def set_language(lang: str) -> None:
    """Show figures, explorers and table labels in ``lang`` from now on ("en" or "fa").

    Parameters
    ----------
    lang : str
        The language.

    Raises
    ------
    UnknownNameError
        For a language the course does not have.
    """
    _state["lang"] = check_language(lang)


def language() -> str:
    """The language figures, explorers and table labels are shown in.

    Returns
    -------
    str
        ``"en"`` until :func:`set_language` chooses another.
    """
    return _state["lang"]
