"""Moved to :mod:`mscteach.site.links`; this name stays for one release and warns when imported."""
import warnings

from .site import links as _moved

warnings.warn("mscteach.links has moved to mscteach.site.links", DeprecationWarning, stacklevel=2)


def __getattr__(name: str):
    return getattr(_moved, name)
