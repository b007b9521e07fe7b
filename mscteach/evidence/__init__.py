"""Filters and chapter summaries: tables in, tables (or sentences) out.

Every function takes DataFrames as :func:`mscteach.load` returns them and
returns a new DataFrame (or a small value); nothing is drawn, displayed or
read from disk. Plots, widgets, chapters and reports call these; the
computation they rest on (pooling, trial sizing) is in :mod:`mscteach.stats`.

Filter arguments follow one convention: ``None`` or ``"all"`` means "no
filter", a string selects one value, and a list selects any of several.

==========================  =====================================================
:mod:`.filters`             choose rows, years, curated mappings, reading lists
:mod:`.studies`             designs, evidence levels and flags, doses, trial sizes
:mod:`.mechanisms`          cells used, mediators and targets
:mod:`.ecm`                 the illustrative ECM balance model of fibrosis
:mod:`.outcomes`            what the binary outcomes let one pool, in words
:mod:`.sources_summary`     which cells the studies gave, in words
:mod:`.registered`          registered trials: counts, ongoing, summaries
:mod:`.words`               English words for counts
:mod:`.narrative`           the chapters' data-dependent sentences, in Markdown
:mod:`.chapter_notes`       the same for chapters 3, 5, 6 and 7
==========================  =====================================================
"""
from ..stats import binary_outcomes
from .ecm import EcmScenario, ecm_balance, ecm_summary
from .filters import (ALL, caveats_for, choose, distinct_items, filter_values, further_reading, in_schema_order,
                      one_of, references_cited, related, split_items, timeline_between, year_span)
from .mechanisms import mechanisms_matching, mediator_target_matrix, studies_per_source
from .chapter_notes import (RODENTS, animal_evidence_note, mechanism_evidence_note, proportions_sentence,
                            survival_reporting_sentence, trials_against_target_sentence, uncited_challenges_sentence)
from .narrative import (REVIEW_REFERENCES, added_references, certainty_paragraph, counts_source_sentence,
                        evidence_strength_note, grade_domain, grade_domains_sentence, reference_list,
                        reference_numbers_note, reference_years_sentence)
from .outcomes import (SUBGROUP_MIN_STUDIES, pool_outcomes, poolability_statement, poolable_outcomes, pooling_overview,
                       subgroup_statement)
from .registered import (REGISTERED_BY, matching_registered, ongoing, ongoing_against_target, registered_counts,
                         registered_overview, registered_summary)
from .sources_summary import studies_per_source_statement
from .studies import (MISPRINT_MARK, SHORT_FOLLOW_UP, SMALL_SAMPLE, check_exclusions, design_order, design_rank,
                      dose_shown, evidence_level, evidence_levels, evidence_table, mark_from_sources, outcome_matrix,
                      primary, reported_proportions, trial_overview, trials_against_target)
from .words import plural

__all__ = [
    "ALL",
    "MISPRINT_MARK",
    "REGISTERED_BY",
    "REVIEW_REFERENCES",
    "RODENTS",
    "SHORT_FOLLOW_UP",
    "SMALL_SAMPLE",
    "SUBGROUP_MIN_STUDIES",
    "EcmScenario",
    "added_references",
    "animal_evidence_note",
    "binary_outcomes",
    "caveats_for",
    "certainty_paragraph",
    "check_exclusions",
    "choose",
    "counts_source_sentence",
    "design_order",
    "design_rank",
    "distinct_items",
    "dose_shown",
    "ecm_balance",
    "ecm_summary",
    "evidence_level",
    "evidence_levels",
    "evidence_strength_note",
    "evidence_table",
    "filter_values",
    "further_reading",
    "grade_domain",
    "grade_domains_sentence",
    "in_schema_order",
    "mark_from_sources",
    "matching_registered",
    "mechanism_evidence_note",
    "mechanisms_matching",
    "mediator_target_matrix",
    "one_of",
    "ongoing",
    "ongoing_against_target",
    "outcome_matrix",
    "plural",
    "pool_outcomes",
    "poolability_statement",
    "poolable_outcomes",
    "pooling_overview",
    "primary",
    "proportions_sentence",
    "reference_list",
    "reference_numbers_note",
    "reference_years_sentence",
    "references_cited",
    "registered_counts",
    "registered_overview",
    "registered_summary",
    "related",
    "reported_proportions",
    "split_items",
    "studies_per_source",
    "studies_per_source_statement",
    "subgroup_statement",
    "survival_reporting_sentence",
    "timeline_between",
    "trial_overview",
    "trials_against_target",
    "trials_against_target_sentence",
    "uncited_challenges_sentence",
    "year_span",
]
