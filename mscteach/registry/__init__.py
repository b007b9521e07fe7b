"""Trial-registry exports into a validated ``registered_trials`` table (no network, ever).

The review's evidence stops in 2023; registries say what has been registered
since. The user downloads an export and gives mscteach the file:

* ClinicalTrials.gov API v2 JSON (``{"studies": [...]}``, a list of studies,
  or one study per line);
* the ClinicalTrials.gov CSV download ("NCT Number", "Study Title", ...);
* the WHO ICTRP CSV export (TrialID, Public_title, ...).

:func:`read_export` reads one file into :class:`Record` objects, naming the
file and record of anything it cannot read. :func:`screen` keeps the records
whose interventions are cell therapies and whose conditions are liver
diseases, by the rules of two curation mappings in the data folder
(``registry_conditions``, ``registry_interventions``), and counts the rest
PRISMA-style (read, duplicates removed, excluded with a reason, included).
:func:`import_exports` writes the result into a writable data folder: three
tables (``registered_trials``, ``registry_excluded``, ``registry_imports``)
and their schemas in ``datapackage.json``. It works on a copy, validates the
copy, and only then replaces the changed files, so a failed import leaves the
folder exactly as it was (a killed import's scratch copy is removed by the next one). :func:`diff` says what
changed between two exports, from the same comparison (:func:`compare`) the import prints: a value a newer
export leaves blank is kept, not changed.

The package, one job per module: :mod:`.schema` (the import's tables and the registers' vocabularies, read
from ``datapackage.json``), :mod:`.parsers` (the three export formats), :mod:`.screening`, :mod:`.changes`
(change text and :func:`diff`) and :mod:`.store` (the all-or-nothing write, and reading the tables back).
"""
from __future__ import annotations

from ..errors import RegistryError
from .changes import (ABSENT, CHANGE_HEADINGS, PHASE_LABELS, STATUS_LABELS, Change, Comparison, change_lines,
                      changes_between, compare, diff)
from .parsers import (COMPARED, CTGOV_CSV_COLUMNS, FORMAT_NAMES, ICTRP_COLUMNS, ICTRP_STATUS, PRECEDENCE, Record,
                      read_export, read_exports)
from .schema import (ALLOCATIONS, COURSE_PHASE, ENROLMENT_TYPES, ONGOING, PHASES, REGISTERED_TRIALS,
                     REGISTRY_EXCLUDED, REGISTRY_IMPORTS, STATUSES, TABLE_NAMES, TABLES)
from .screening import Rule, Rules, Screening, Verdict, judge, make_rules, read_rules, screen
from .store import ImportResult, import_exports, last_import, registered_trials

__all__ = [
    "Change",
    "Comparison",
    "ImportResult",
    "Record",
    "RegistryError",
    "Screening",
    "TABLES",
    "compare",
    "diff",
    "import_exports",
    "read_export",
    "read_exports",
    "registered_trials",
    "screen",
]
