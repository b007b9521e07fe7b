"""The ``mscteach`` command line: argument parsing and messages only.

Every error a user can cause is an :class:`~mscteach.errors.MscteachError`;
it is printed as a clear message (no traceback) and the exit status is 1
(2 for bad command-line usage, as argparse does).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .errors import MscteachError

EPILOG = """\
examples:
  mscteach tables                      list the curated tables
  mscteach describe clinical_studies   what a table's columns mean
  mscteach cite 26                     a formatted citation of reference 26
  mscteach validate                    check the shipped data
  mscteach validate path/to/my-data    check an instructor's copy of data/

The data folder can also be set with the environment variable MSCTEACH_DATA_DIR.
Data: Moudi B, Karbalaie-Harofteh M, Moudi M. Razi J Med Sci 2025;32:43 (CC BY-NC-SA 4.0).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mscteach",
        description="Curated evidence and course tools for MSC therapy in human liver disease.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mscteach {__version__}")
    parser.add_argument("--data", metavar="DIR", help="data folder to use (default: $MSCTEACH_DATA_DIR or the packaged data)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    sub.add_parser("tables", help="list the curated tables with their row counts and titles")
    p = sub.add_parser("describe", help="describe a table and its columns")
    p.add_argument("name", help="table name (see 'mscteach tables')")
    p = sub.add_parser("cite", help="print a formatted citation of one of the review's references")
    p.add_argument("ref_ids", nargs="+", metavar="N", help="reference number(s), 1-103")
    p = sub.add_parser("validate", help="check a data folder against its schema; exit 1 if anything is wrong")
    p.add_argument("folder", nargs="?", metavar="DATA_DIR", help="data folder (default: the one in use)")
    return parser


def _tables(args: argparse.Namespace) -> int:
    from .data import describe, list_tables

    for name in list_tables(args.data):
        info = describe(name, args.data)
        print(f"{name:<20} {info.n_rows:>4} rows  {info.title}")
    return 0


def _describe(args: argparse.Namespace) -> int:
    from .data import describe

    print(describe(args.name, args.data))
    return 0


def _cite(args: argparse.Namespace) -> int:
    from .data import cite

    for ref in args.ref_ids:
        print(cite(ref, args.data))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .data import data_dir, validate

    folder = data_dir(args.folder or args.data)
    problems = validate(folder)
    if problems:
        print(f"{folder}: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"{folder}: all tables valid")
    return 0


COMMANDS = {"tables": _tables, "describe": _describe, "cite": _cite, "validate": _validate}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except MscteachError as exc:
        print(f"mscteach {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"mscteach {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
