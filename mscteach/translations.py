"""Moved to :mod:`mscteach.i18n.pages` (the pages' narrative catalogues); this name works for one more release."""
import warnings

from .errors import UnknownNameError  # noqa: F401
from .i18n import LANGUAGE_NAMES, LOCALE, RTL, SENTENCES, SOURCE, check_language  # noqa: F401
from .i18n.pages import (HEADER, Translation, blocks, catalogue, missing, package_sentences,  # noqa: F401
                         page_blocks, page_name, status, translate_markdown, update)

#: The editions the course can be built in, with their names in their own language (as before: a dict).
LANGUAGES = dict(LANGUAGE_NAMES)

warnings.warn("mscteach.translations has moved to mscteach.i18n.pages", DeprecationWarning, stacklevel=2)

__all__ = ["LANGUAGES", "LOCALE", "RTL", "Translation", "blocks", "catalogue", "status", "translate_markdown",
           "update"]
