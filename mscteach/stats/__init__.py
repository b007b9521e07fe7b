"""Pure computation on evidence tables: the meta-analysis engine, trial sizing and GRADE certainty.

numpy, pandas, scipy and statsmodels only: nothing here draws, shows a widget
or runs a notebook (an import-linter contract in pyproject.toml says so).
Heavy libraries are imported inside the functions that use them.

==========================  =====================================================
:mod:`.meta_analysis`       each study's ratio, pooling, cumulative, leave-one-out
:mod:`.power`               patients per arm for a two-arm trial
:mod:`.grade`               GRADE summary of findings (a rule-based first pass)
:mod:`.values`              what counts as a missing table cell
==========================  =====================================================
"""
from .grade import (DECISIONS, DOMAINS, LEVELS, certainty_symbols, read_overrides,
                    summary_of_findings)
from .meta_analysis import (BINARY_COLUMNS, CI_METHODS, MEASURES, METHODS, SAME_ACROSS_STUDIES, TIMEPOINT_NOT_STATED,
                            MetaAnalysisResult, binary_outcomes, cumulative_meta_analysis, leave_one_out, meta_analysis,
                            pool, study_effects)
from .power import trial_size
from .values import is_missing

__all__ = [
    "BINARY_COLUMNS",
    "CI_METHODS",
    "DECISIONS",
    "DOMAINS",
    "LEVELS",
    "MEASURES",
    "METHODS",
    "SAME_ACROSS_STUDIES",
    "TIMEPOINT_NOT_STATED",
    "MetaAnalysisResult",
    "binary_outcomes",
    "certainty_symbols",
    "cumulative_meta_analysis",
    "is_missing",
    "leave_one_out",
    "meta_analysis",
    "pool",
    "read_overrides",
    "study_effects",
    "summary_of_findings",
    "trial_size",
]
