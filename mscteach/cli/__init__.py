"""The ``mscteach`` command line: argument parsing and messages only.

One grammar for every command: ``--data DIR`` chooses the data folder (before or
after the command's name), ``-o/--out`` names what is written, ``--lang`` takes
languages the same way everywhere (repeat it or give a comma list), and
``--format`` only ever lists output formats.

Every error a user can cause is an :class:`~mscteach.errors.MscteachError`,
printed as one clear line (no traceback). Exit status: 0 done; 1 the command
failed (invalid data, a notebook or brief that failed, submissions not graded,
a missing file); 2 bad usage or an unknown value (an option, a table, a
chapter, a parameter value: :class:`~mscteach.errors.UsageError`), checked
before anything runs; 130 interrupted.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence

from ..errors import MscteachError, UsageError
from .commands import COMMANDS, data_folder, voila_command
from .grammar import parser

__all__ = ["main", "voila_command"]


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.data = data_folder(args.data)
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"mscteach {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except MscteachError as exc:
        print(f"mscteach {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"mscteach {args.command}: interrupted; files already completed were kept, "
              "none is left half-written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `mscteach tables | head -1`): stop quietly, as Unix tools do
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    raise SystemExit(main())
