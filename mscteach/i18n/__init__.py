"""Internationalisation: which languages the course has (:mod:`.languages`), their gettext catalogues read with Babel
(:mod:`.catalogues`), numbers in their digits (:mod:`.numbers`), the sentences and figure texts the
package writes (:mod:`.sentences`), the pages' narrative catalogues (:mod:`.pages`), fixed page
messages (:mod:`.messages`) and the fonts that set Persian (:mod:`.fonts`).
"""
from __future__ import annotations

from .catalogues import LOCALE, SENTENCES, read_catalogue
from .fonts import BOLD, FONT, FONT_FILES
from .languages import LANGUAGE_NAMES, LANGUAGES, RLM, RTL, SOURCE, check_language, language, set_language
from .numbers import digits
from .sentences import MISSING, say, say_n, text

__all__ = ["BOLD", "FONT", "FONT_FILES", "LANGUAGES", "LANGUAGE_NAMES", "LOCALE", "MISSING", "RLM", "RTL",
           "SENTENCES", "SOURCE", "check_language", "digits", "language", "read_catalogue", "say", "say_n",
           "set_language", "text"]
