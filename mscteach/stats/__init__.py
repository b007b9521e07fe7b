"""Pure computation on evidence tables: the meta-analysis engine, trial sizing and GRADE certainty.

numpy, pandas, scipy and statsmodels only: nothing here draws, shows a widget
or runs a notebook (an import-linter contract in pyproject.toml says so).
Heavy libraries are imported inside the functions that use them.

==========================  =====================================================
:mod:`.effects`             each study's ratio (RR or OR) and its variance
:mod:`.meta_analysis`       inverse-variance pooling, fixed and random effects
:mod:`.sensitivity`         cumulative and leave-one-out pooling
:mod:`.moderators`          subgroup analysis and meta-regression
:mod:`.small_studies`       small-study effects: Egger's test, trim and fill
:mod:`.power`               patients per arm for a two-arm trial
:mod:`.grade`               GRADE summary of findings (a rule-based first pass)
:mod:`.values`              what counts as a missing table cell
==========================  =====================================================
"""
from .grade import (DECISIONS, DOMAINS, LEVELS, certainty_symbols, read_overrides,
                    summary_of_findings)
from .effects import BINARY_COLUMNS, MEASURES, TIMEPOINT_NOT_STATED, binary_outcomes, study_effects
from .meta_analysis import CI_METHODS, METHODS, SAME_ACROSS_STUDIES, MetaAnalysisResult, meta_analysis, pool
from .sensitivity import cumulative_meta_analysis, leave_one_out
from .moderators import (REGRESSION_METHODS, STUDIES_PER_TERM, MetaRegressionResult, SubgroupResult, meta_regression,
                         subgroup_analysis)
from .small_studies import EggerTest, TrimAndFill, egger_regression, egger_test, trim_and_fill, trim_and_fill_effects
from .power import trial_size
from .values import is_missing

__all__ = [
    "BINARY_COLUMNS",
    "CI_METHODS",
    "DECISIONS",
    "DOMAINS",
    "EggerTest",
    "LEVELS",
    "MEASURES",
    "METHODS",
    "SAME_ACROSS_STUDIES",
    "TIMEPOINT_NOT_STATED",
    "TrimAndFill",
    "MetaAnalysisResult",
    "MetaRegressionResult",
    "REGRESSION_METHODS",
    "STUDIES_PER_TERM",
    "SubgroupResult",
    "binary_outcomes",
    "certainty_symbols",
    "cumulative_meta_analysis",
    "egger_regression",
    "egger_test",
    "is_missing",
    "leave_one_out",
    "meta_analysis",
    "meta_regression",
    "pool",
    "read_overrides",
    "study_effects",
    "subgroup_analysis",
    "summary_of_findings",
    "trial_size",
    "trim_and_fill",
    "trim_and_fill_effects",
]
