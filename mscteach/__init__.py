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
modules that need them, so ``import mscteach`` stays fast.
"""
from .data import ENV_VAR, TableInfo, check_choice, cite, data_dir, describe, list_tables, load, validate, vocabulary
from .errors import DataDirectoryError, DataValidationError, MscteachError, Problem, UnknownNameError

__version__ = "0.1.0"

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
