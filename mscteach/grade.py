"""Moved to :mod:`mscteach.stats.grade` (GRADE certainty, not to be confused with classroom grading);
this name stays for one release and warns when imported."""
import warnings

from .stats import grade as _moved

warnings.warn("mscteach.grade has moved to mscteach.stats.grade", DeprecationWarning, stacklevel=2)

__all__ = ["DOMAINS", "DECISIONS", "LEVELS", "certainty_symbols", "read_overrides", "summary_of_findings"]


def __getattr__(name: str):
    return getattr(_moved, name)
