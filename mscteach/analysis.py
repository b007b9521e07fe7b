"""Moved to :mod:`mscteach.evidence` (filters, chapter summaries, registered trials) and :mod:`mscteach.stats`
(meta-analysis, trial sizing); this name stays for one release and warns when imported."""
import warnings

from . import data as _data, errors as _errors, evidence as _evidence, i18n as _i18n, stats as _stats

warnings.warn("mscteach.analysis has moved to mscteach.evidence and mscteach.stats", DeprecationWarning, stacklevel=2)

__all__ = [
    "ALL", "is_missing", "plural", "EcmScenario", "choose", "check_exclusions", "design_order", "design_rank",
    "evidence_levels", "in_schema_order", "distinct_items", "dose_shown", "ecm_summary", "evidence_level",
    "evidence_table", "leave_one_out", "meta_analysis", "binary_outcomes", "MetaAnalysisResult",
    "poolability_statement", "poolable_outcomes", "pool_outcomes", "pooling_overview", "trial_size",
    "trials_against_target", "matching_registered", "ongoing", "ongoing_against_target", "registered_counts",
    "registered_overview", "registered_summary", "mechanisms_matching", "ecm_balance", "further_reading",
    "mediator_target_matrix", "one_of", "primary", "outcome_matrix", "references_cited", "related",
    "reported_proportions", "study_effects", "split_items", "studies_per_source", "timeline_between", "year_span",
    "trial_overview",
]

# Names the old module had besides its __all__ (its own constants and helpers, and what it imported).
_ALSO = {"MscteachError": _errors.MscteachError, "UnknownNameError": _errors.UnknownNameError, "i18n": _i18n,
         "say": _i18n.say, "field_schema": _data.field_schema, "format_citation": _data.format_citation,
         "vocabulary": _data.vocabulary}


def __getattr__(name: str):
    for module in (_evidence, _stats):
        if name in module.__all__:
            return getattr(module, name)
    if name in _ALSO:
        return _ALSO[name]
    raise AttributeError(f"module 'mscteach.analysis' has no attribute {name!r}")
