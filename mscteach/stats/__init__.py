"""Pure computation on evidence tables: the meta-analysis engine, trial sizing and GRADE certainty.

numpy, pandas, scipy and statsmodels only: nothing here draws, shows a widget
or runs a notebook (an import-linter contract in pyproject.toml says so).
Heavy libraries are imported inside the functions that use them.

==========================  =====================================================
:mod:`.effects`             each study's ratio (RR or OR) and its variance
:mod:`.meta_analysis`       inverse-variance pooling, fixed and random effects
:mod:`.continuous`          each study's mean difference or Hedges' g, and their pooling
:mod:`.sensitivity`         cumulative and leave-one-out pooling
:mod:`.moderators`          subgroup analysis and meta-regression
:mod:`.small_studies`       small-study effects: Egger's test, trim and fill
:mod:`.regression`          the weighted meta-regression (τ², coefficients) both of those fit
:mod:`.power`               patients per arm for a two-arm trial
:mod:`.grade`               GRADE summary of findings (a rule-based first pass)
:mod:`.rob2`                RoB 2 signalling questions, algorithms, a teacher's judgments
:mod:`.values`              what counts as a missing table cell
==========================  =====================================================
"""
from .grade import (DECISIONS, DOMAINS, LEVELS, certainty_symbols, read_overrides,
                    summary_of_findings)
from .effects import BINARY_COLUMNS, MEASURES, TIMEPOINT_NOT_STATED, binary_outcomes, study_effects
from .meta_analysis import CI_METHODS, METHODS, SAME_ACROSS_STUDIES, MetaAnalysisResult, meta_analysis, pool
from .sensitivity import cumulative_meta_analysis, leave_one_out
from .continuous import (CONTINUOUS_COLUMNS, CONTINUOUS_MEASURES, ContinuousMetaAnalysisResult, continuous_effects,
                         continuous_meta_analysis, hedges_correction)
from .moderators import (REGRESSION_METHODS, STUDIES_PER_TERM, MetaRegressionResult, SubgroupResult, meta_regression,
                         subgroup_analysis)
from .small_studies import EggerTest, TrimAndFill, egger_regression, egger_test, trim_and_fill, trim_and_fill_effects
from . import rob2
from .power import trial_size
from .rob2 import (SIGNALLING_QUESTIONS, allowed_overall, domain_judgment, overall_judgment, questions_asked,
                   read_judgments)
from .values import is_missing

__all__ = [
    "BINARY_COLUMNS",
    "CI_METHODS",
    "CONTINUOUS_COLUMNS",
    "CONTINUOUS_MEASURES",
    "DECISIONS",
    "DOMAINS",
    "LEVELS",
    "MEASURES",
    "METHODS",
    "REGRESSION_METHODS",
    "SAME_ACROSS_STUDIES",
    "SIGNALLING_QUESTIONS",
    "STUDIES_PER_TERM",
    "TIMEPOINT_NOT_STATED",
    "ContinuousMetaAnalysisResult",
    "EggerTest",
    "MetaAnalysisResult",
    "MetaRegressionResult",
    "SubgroupResult",
    "TrimAndFill",
    "allowed_overall",
    "binary_outcomes",
    "certainty_symbols",
    "continuous_effects",
    "continuous_meta_analysis",
    "cumulative_meta_analysis",
    "domain_judgment",
    "egger_regression",
    "egger_test",
    "hedges_correction",
    "is_missing",
    "leave_one_out",
    "meta_analysis",
    "meta_regression",
    "overall_judgment",
    "pool",
    "questions_asked",
    "read_judgments",
    "read_overrides",
    "rob2",
    "study_effects",
    "subgroup_analysis",
    "summary_of_findings",
    "trial_size",
    "trim_and_fill",
    "trim_and_fill_effects",
]
