"""Moved to :mod:`mscteach.site.build`; this name stays for one release and warns when imported."""
import warnings

from .site import build as _moved

warnings.warn("mscteach.build has moved to mscteach.site.build", DeprecationWarning, stacklevel=2)


def __getattr__(name: str):
    return getattr(_moved, name)
