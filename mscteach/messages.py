"""Moved to :mod:`mscteach.i18n.messages`; this name works for one more release."""
import warnings

from .i18n.messages import LIVE_NOTE, SELF_CHECK, SHOW_ANSWER, live_note, self_check_heading, show_answer  # noqa: F401

warnings.warn("mscteach.messages has moved to mscteach.i18n.messages", DeprecationWarning, stacklevel=2)
