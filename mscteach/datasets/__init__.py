"""Public teaching datasets that are not part of the review's evidence.

Each dataset is a module carrying its metadata the way ``statsmodels.datasets``
does (``TITLE``, ``SOURCE``, ``COPYRIGHT``, ``DESCRSHORT``, ``NOTE``) and a
``load()`` function. They teach methods (forest plots, leave-one-out) and check
mscteach's meta-analysis against published reference results.

>>> from mscteach.datasets import bcg
>>> bcg.TITLE
'BCG vaccine trials against tuberculosis (Colditz et al. 1994)'
>>> len(bcg.load())
13
"""
from __future__ import annotations

from . import bcg

__all__ = ["BCG_REFERENCE", "bcg", "load_bcg_trials"]

#: metafor's published results for the BCG trials (see :data:`bcg.REFERENCE`).
BCG_REFERENCE = bcg.REFERENCE


def load_bcg_trials():
    """The 13 BCG vaccine trials (same as :func:`bcg.load`; metadata in :mod:`mscteach.datasets.bcg`)."""
    return bcg.load()
