"""Moved to :mod:`mscteach.classroom.grading`; this name stays for one release and warns when imported."""
import warnings

from .classroom import grading as _moved

warnings.warn("mscteach.grading has moved to mscteach.classroom.grading", DeprecationWarning, stacklevel=2)


def __getattr__(name: str):
    return getattr(_moved, name)
