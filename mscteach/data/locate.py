"""Which data folder to use: an explicit one, ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged one."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import DataDirectoryError

__all__ = ["ENV_VAR", "data_dir"]

#: Environment variable naming a data folder to use instead of the packaged one.
ENV_VAR = "MSCTEACH_DATA_DIR"


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder to use.

    Parameters
    ----------
    path : str or path-like, optional
        An explicit folder. When omitted, the environment variable
        ``MSCTEACH_DATA_DIR`` is used if set, else the data of the workspace
        you are in (``mscteach init``), else the data shipped with the package
        (its copy in a wheel, or the ``data/`` folder of a checkout).
        ``~`` is expanded and the path made absolute.

    Returns
    -------
    pathlib.Path
        The data folder, which holds a ``datapackage.json``.

    Raises
    ------
    DataDirectoryError
        If the folder or its ``datapackage.json`` does not exist.
    """
    if path is None:
        path = os.environ.get(ENV_VAR) or None
    if path is None:
        from ..resources import course_folder

        folder = course_folder("data")
    else:
        folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise DataDirectoryError(f"data folder {str(folder)!r} does not exist")
    if not (folder / "datapackage.json").is_file():
        raise DataDirectoryError(
            f"data folder {str(folder)!r} has no datapackage.json "
            "(copy the whole data/ folder, not only the CSV files)"
        )
    return folder
