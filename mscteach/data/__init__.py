"""Load, describe and validate the curated evidence tables; read users' own files.

The tables live as CSV files beside a Frictionless ``datapackage.json`` that
holds every table's schema: field types, descriptions, constraints
(``required``, ``unique``, ``enum``, ``minimum``, ``maximum``, ``pattern``),
primary keys, and ``listForeignKeys`` (each ``ref_ids`` item must be a
``references.ref_id``). The schema is the single definition of the data; this
package reads everything from it.

One job per module:

* :mod:`~mscteach.data.locate`: which data folder (``--data``, ``$MSCTEACH_DATA_DIR``,
  the workspace's, the packaged one);
* :mod:`~mscteach.data.schema`: tables, fields, vocabularies and domain rules
  (:func:`is_randomised`) as the schema states them;
* :mod:`~mscteach.data.read`: :func:`load`, with a fast reader that applies exactly
  Frictionless's rules, so ``import mscteach`` plus loading stays quick; it raises
  if and only if :func:`validate` reports a problem in that table or in a table it
  depends on;
* :mod:`~mscteach.data.validation`: :func:`validate` asks Frictionless about every table
  (it is the authority on what is wrong) and adds the checks Frictionless cannot
  express (foreign keys from a list field, vocabularies shared between tables,
  rows without a citation that do not say why);
* :mod:`~mscteach.data.userfiles`: :func:`read_user_table`, the one reader of the
  files users write (rosters, GRADE overrides, report grids), against shipped
  Table Schemas;
* :mod:`~mscteach.data.tables`, :mod:`~mscteach.data.citations`,
  :mod:`~mscteach.data.provenance` (which data made an output);
* :mod:`~mscteach.data.localised`: :func:`in_language`, a table's free text in the
  reader's language (the ``_fa`` twins in Persian, English where a twin is empty);
  :mod:`~mscteach.data.language_checks` checks that each twin states its English
  cell's numbers and names (run by :func:`validate`).

All report :class:`~mscteach.errors.Problem` objects naming file, row and field.
"""
from __future__ import annotations

from .citations import cite, format_citation
from .tables import TableInfo, describe
from .locate import ENV_VAR, data_dir
from .localised import in_language, persian_twins, untranslated_cells
from .provenance import DataChanges, Provenance, TableChanges, compare_data, content_hash, provenance_of
from .read import load
from .schema import (check_choice, dependencies, field_schema, is_randomised, list_tables, package_descriptor,
                     randomised_designs, vocabulary)
from .userfiles import read_user_table, user_schema
from .validation import validate

__all__ = [
    "ENV_VAR",
    "package_descriptor",
    "TableInfo",
    "check_choice",
    "cite",
    "data_dir",
    "dependencies",
    "describe",
    "field_schema",
    "list_tables",
    "load",
    "validate",
    "vocabulary",
    # new in the data package
    "Provenance",
    "content_hash",
    "format_citation",
    "is_randomised",
    "provenance_of",
    "compare_data",
    "DataChanges",
    "TableChanges",
    "randomised_designs",
    "read_user_table",
    "user_schema",
    # the Persian twins of the free-text columns
    "in_language",
    "persian_twins",
    "untranslated_cells",
]
