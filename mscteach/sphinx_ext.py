"""Moved to :mod:`mscteach.site.sphinx_ext`; this name stays for one release and warns when imported."""
import warnings

from .site import sphinx_ext as _moved

warnings.warn("mscteach.sphinx_ext has moved to mscteach.site.sphinx_ext", DeprecationWarning, stacklevel=2)


def __getattr__(name: str):
    return getattr(_moved, name)
