"""Citations of the review's references, Vancouver style."""
from __future__ import annotations

import os
from typing import Any

from ..errors import UnknownNameError
from .read import load

__all__ = ["cite", "format_citation"]


def cite(ref_id: int, data: str | os.PathLike[str] | None = None) -> str:
    """A formatted (Vancouver-style) citation of one of the review's references.

    Parameters
    ----------
    ref_id : int
        Reference number as used in the review (1-103). A float with an
        integer value is accepted; ``True``/``False`` are not.
    data : str or path-like, optional
        Data folder (see :func:`~mscteach.data.data_dir`); by default
        ``$MSCTEACH_DATA_DIR``, the workspace's or the packaged data.

    Returns
    -------
    str
        ``[n]``, a space, then :func:`format_citation` of the reference.

    Raises
    ------
    UnknownNameError
        If there is no reference with that number.

    Examples
    --------
    >>> import mscteach
    >>> mscteach.cite(16)
    '[16] Caplan AI. Mesenchymal stem cells. Journal of orthopaedic research : official publication of the Orthopaedic Research Society. 1991;9(5):641-50.'
    """
    refs = load("references", data)
    try:
        if isinstance(ref_id, bool):  # True is not reference 1
            raise TypeError
        number = int(ref_id)
        if isinstance(ref_id, float) and ref_id != number:
            raise ValueError
    except (TypeError, ValueError):
        number = None
    row = refs[refs["ref_id"] == number] if number is not None else refs.iloc[0:0]
    if row.empty:
        ids = refs["ref_id"].tolist()
        raise UnknownNameError("reference number", ref_id, [f"{min(ids)}-{max(ids)}"])
    return f"[{number}] {format_citation(row.iloc[0])}"


def format_citation(ref: Any) -> str:
    """Vancouver-style citation text of one ``references`` row (without its number).

    Parameters
    ----------
    ref : pandas.Series or mapping
        A row of the ``references`` table (``authors``, ``title``,
        ``journal``, ``year``, ``volume``, ``issue``, ``pages``, ``doi``;
        missing values are left out).

    Returns
    -------
    str
        ``Authors. Title. Journal. Year;volume(issue):pages.`` and `` doi:...`` if there is one.

    Examples
    --------
    >>> format_citation({"authors": "Caplan AI", "title": "Mesenchymal stem cells", "journal": "J Orthop Res",
    ...                  "year": 1991, "volume": 9, "issue": 5, "pages": "641-50", "doi": None})
    'Caplan AI. Mesenchymal stem cells. J Orthop Res. 1991;9(5):641-50.'
    """
    text = f"{ref['authors']}. {ref['title']}. {ref['journal']}. {ref['year']}"
    if not _missing(ref["volume"]):
        text += f";{ref['volume']}"
        if not _missing(ref["issue"]):
            text += f"({ref['issue']})"
    if not _missing(ref["pages"]):
        text += f":{ref['pages']}"
    text += "."
    if not _missing(ref["doi"]):
        text += f" doi:{ref['doi']}"
    return text


def _missing(value: Any) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or value != value
