"""mscteach: teach and analyse the evidence on mesenchymal stem cell (MSC) therapy for liver disease.

The curated evidence comes from one review (Moudi, Karbalaie-Harofteh & Moudi,
Razi J Med Sci 2025, CC BY-NC-SA 4.0)::

    >>> import mscteach
    >>> mscteach.list_tables()[:3]
    ['references', 'timeline', 'cell_sources']
    >>> trials = mscteach.load("clinical_studies")
    >>> print(mscteach.describe("clinical_studies"))   # doctest: +SKIP
    >>> mscteach.cite(26)                               # doctest: +SKIP

Heavy libraries (seaborn, statsmodels, papermill) are imported only by the
modules that need them, so ``import mscteach`` stays fast; a subpackage such
as ``mscteach.stats`` or ``mscteach.plots`` is imported the first time it is
named (``help(mscteach.stats.rob2)`` works after ``import mscteach`` alone).
"""
from types import ModuleType as _ModuleType

from .data import ENV_VAR, TableInfo, check_choice, cite, data_dir, describe, list_tables, load, validate, vocabulary
from .errors import DataDirectoryError, DataValidationError, MscteachError, Problem, UnknownNameError

try:  # one place for the version: pyproject.toml, as installed
    from importlib.metadata import PackageNotFoundError as _NotInstalled, version as _version

    __version__ = _version("mscteach")
except _NotInstalled:  # a checkout on sys.path without an install
    __version__ = "0+unknown"

#: What ``mscteach.NAME`` imports on first use (PEP 562), so a reader can browse the package from one import.
_SUBPACKAGES = frozenset({"analysis", "chapters", "course", "data", "datasets", "display", "evidence", "i18n", "plots",
                          "registry", "report", "stats", "widgets"})


def __getattr__(name: str) -> _ModuleType:
    if name in _SUBPACKAGES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ENV_VAR",
    "DataDirectoryError",
    "DataValidationError",
    "MscteachError",
    "Problem",
    "TableInfo",
    "UnknownNameError",
    "check_choice",
    "cite",
    "data_dir",
    "describe",
    "list_tables",
    "load",
    "validate",
    "vocabulary",
]
