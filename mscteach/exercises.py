"""Moved to :mod:`mscteach.classroom.exercises`; this name stays for one release and warns when imported."""
import warnings

from .classroom import exercises as _moved

warnings.warn("mscteach.exercises has moved to mscteach.classroom.exercises", DeprecationWarning, stacklevel=2)


def __getattr__(name: str):
    return getattr(_moved, name)
