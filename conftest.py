"""The whole suite's setting (tests/, the chapters under nbval, the doctests): matplotlib's own cache.

A font cache in the user's ``~/.cache/matplotlib`` that another process wrote without matplotlib's own fonts
(or any stale one) makes the first figure with mathematics warn ``findfont: Font family ['cmr10'] not found``
on stderr, and nbval then fails a chapter that is right. The suite builds its own cache, once, before any
kernel or command it starts (they inherit the variable), and removes it at the end.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

if "MPLCONFIGDIR" not in os.environ:  # a run that chose its own (CI's, a developer's) keeps it
    _config = tempfile.mkdtemp(prefix="mscteach-tests-matplotlib-")
    os.environ["MPLCONFIGDIR"] = _config
    atexit.register(shutil.rmtree, _config, ignore_errors=True)

    import matplotlib.font_manager  # noqa: E402,F401  builds the cache now, not in a notebook's first figure
