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

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import MscteachError, UnknownNameError, UsageError
from .classroom.grading import FORMATS as GRADEBOOK_FORMATS
from .printing import PAPERS

EPILOG = """\
examples:
  mscteach init my-course              a folder of your own: chapters, exercises, data (then: cd my-course)
  mscteach tables                      list the curated tables
  mscteach describe clinical_studies   what a table's columns mean
  mscteach cite 26                     a formatted citation of reference 26
  mscteach validate                    check the shipped data
  mscteach validate --data my-data     check an instructor's copy of data/
  mscteach build                       execute the chapters and write the course site to _build/site
  mscteach links --hub https://hub.example.org --repo https://github.com/OWNER/mscteach   nbgitpuller links
  mscteach build -p disease ACLF       the same, the clinical chapters focused on one disease
  mscteach build -p 05_animal_models:disease HCC   a parameter of one chapter
  mscteach report --disease ACLF       an evidence brief (HTML + JSON) for one question
  mscteach exercises grade ch06_clinical_trials submissions/*.ipynb   grade a class locally
  mscteach exercises report scores.csv                              item analysis of a gradebook
  mscteach registry import ctg.json --data my-course/data   add trials registered since the review
  mscteach lab                         open the chapters in JupyterLab

The data folder can also be set with the environment variable MSCTEACH_DATA_DIR; a relative
folder (in --data or the variable) is taken from the folder you run the command in.
""" + "\n" + """{exit_status}
Data: Moudi B, Karbalaie-Harofteh M, Moudi M. Razi J Med Sci 2025;32:43 (CC BY-NC-SA 4.0).
"""


EXIT_STATUS = """\
exit status: 0 done; 1 the command failed (invalid data, a notebook or brief that failed, submissions
not graded, a missing file); 2 bad usage or an unknown value (checked before anything runs); 130 interrupted.
"""
EPILOG = EPILOG.replace("{exit_status}", EXIT_STATUS)


def _positive(kind: type, at_least: float, what: str):
    """An argparse type: a number of ``kind`` no smaller than ``at_least`` (a usage error otherwise)."""
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if value < at_least:
            raise argparse.ArgumentTypeError(f"must be {what}, got {text}")
        return value
    return convert


def _languages(text: str) -> list[str]:
    """An argparse type for --lang: one language or a comma list, each one the course has."""
    from .i18n import LANGUAGES

    langs = [lang.strip() for lang in text.split(",") if lang.strip()]
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        raise argparse.ArgumentTypeError(f"unknown language {', '.join(unknown) or repr(text)}; available: "
                                         f"{', '.join(LANGUAGES)}")
    return langs


def _chosen_languages(values: list[list[str]] | None, default: list[str]) -> list[str]:
    """--lang given as repeats and/or comma lists, flattened in order without repeats."""
    chosen = [lang for group in values or [] for lang in group]
    return list(dict.fromkeys(chosen)) or list(default)


class _DeprecatedAlias(argparse.Action):
    """An old option name kept for one release: it works, and says what to write instead."""

    def __init__(self, option_strings, dest, instead: str = "", **kwargs):
        self.instead = instead
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"mscteach: {option_string} is deprecated; use {self.instead}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def _command(sub, name: str, **kwargs) -> argparse.ArgumentParser:
    """A subcommand that takes the common options (--data anywhere) and documents the exit status."""
    kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
    kwargs["epilog"] = (kwargs.get("epilog") or "") + ("\n" if kwargs.get("epilog") else "") + EXIT_STATUS
    p = sub.add_parser(name, **kwargs)
    p.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS,
                   help="data folder to use (default: $MSCTEACH_DATA_DIR or the packaged data)")
    return p


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

    _command(sub, "tables", help="list the curated tables with their row counts and titles")
    p = _command(sub, "describe", help="describe a table and its columns")
    p.add_argument("name", help="table name (see 'mscteach tables')")
    p = _command(sub, "cite", help="print a formatted citation of one of the review's references")
    p.add_argument("ref_ids", nargs="+", metavar="N", help="reference number(s), 1-103")
    p = _command(sub, "validate", help="check a data folder against its schema; exit 1 if anything is wrong")
    p.add_argument("folder", nargs="?", metavar="DATA_DIR", help=argparse.SUPPRESS)  # before --data; one release

    p = _command(sub, "build", help="execute the chapters (those that changed) and write the course site")
    p.add_argument("-o", "--out", default="_build/site", metavar="DIR", help="output folder (default: _build/site)")
    p.add_argument("--jobs", type=_positive(int, 1, "a whole number of at least 1"), default=2, metavar="N",
                   help="notebooks executed at once (default: 2)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="set a chapter parameter, e.g. -p disease ACLF: given to every chapter that accepts the "
                        "value; -p 05_animal_models:disease HCC for one chapter (repeatable)")
    p.add_argument("--in-place", action="store_true",
                   help="maintainers: re-execute notebooks/ and store their cleaned outputs in place")
    p.add_argument("--notebooks", metavar="DIR", help="folder of notebooks to build (default: the course's)")
    p.add_argument("--lang", type=_languages, action="append", metavar="LANG", help="edition(s) to build, from "
                   "en and fa (Persian, right to left): the first at OUT, another at OUT/LANG, linked to each other; "
                   "e.g. --lang en --lang fa or --lang en,fa (default: en). Narrative without a translation stays "
                   "in English and is listed")
    p.add_argument("--pdf", action="store_true", help="also print the site as one course-pack PDF "
                   "(OUT/course-pack.pdf: chapters in order, glossary, references), for handing out on paper")
    p.add_argument("--paper", default="A4", choices=list(PAPERS), help="course-pack paper size (default: A4)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    p = _command(sub, "report", help="write an evidence brief (HTML + JSON) for a question, or a batch of them",
                       formatter_class=argparse.RawDescriptionHelpFormatter, epilog=REPORT_EPILOG)
    for name, help_text in (("disease", "disease (repeat for one brief per value)"),
                            ("cell-type", "cell type, e.g. UC-MSC"), ("cell-origin", "autologous or allogeneic"),
                            ("design", "study design, e.g. RCT")):
        p.add_argument(f"--{name}", action="append", metavar="VALUE", help=f"{help_text}; default: all")
    p.add_argument("--year-from", action="append", metavar="YEAR", help="first publication year")
    p.add_argument("--year-to", action="append", metavar="YEAR", help="last publication year")
    p.add_argument("--no-preclinical", action="store_true", help="leave animal and cell studies out")
    p.add_argument("--title", help="title shown at the top of the brief")
    p.add_argument("--author", help="author shown under the title")
    p.add_argument("--lang", type=_languages, action="append", metavar="LANG",
                   help="language of the brief: en (default) or fa (Persian, right to left); repeat it (or give "
                        "en,fa) for one brief per language")
    p.add_argument("--grid", metavar="FILE", help="a CSV (one brief per row) or YAML list of parameter sets")
    p.add_argument("-o", "--out", metavar="PATH",
                   help="HTML file for one brief (default: briefs/NAME.html); folder for a batch (default: briefs)")
    p.add_argument("--format", default="html,json", metavar="LIST",
                   help="what to write, from html, pdf and json (default: html,json); the PDF is printed by "
                        "headless Chromium beside the HTML name, e.g. briefs/NAME.pdf")
    p.add_argument("--paper", default="A4", choices=list(PAPERS), help="PDF paper size (default: A4)")
    p.add_argument("--jobs", type=_positive(int, 1, "a whole number of at least 1"), default=2, metavar="N",
                   help="briefs written at once in a batch (default: 2)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    p = _command(sub, "exercises", help="regenerate, check or grade the otter-grader exercise sets")
    ex = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    _command(ex, "generate", help="write exercises/student and exercises/autograder from exercises/masters")
    _command(ex, "check", help="exit 1 if the generated files are out of date with the masters")
    r = _command(ex, "report", help="item analysis of a gradebook: each question's difficulty and "
                      "discrimination, a score histogram, the ungraded files (HTML page and CSV)")
    r.add_argument("gradebook", metavar="SCORES_CSV", help="a plain gradebook written by `exercises grade -o FILE`")
    r.add_argument("-o", "--out", default="item-analysis", metavar="DIR",
                   help="folder for item-analysis.html and item-analysis.csv (default: item-analysis)")
    g = _command(ex, "grade", help="grade submitted notebooks locally (no Docker) into a gradebook")
    g.add_argument("set", metavar="SET", help="exercise set, e.g. ch06_clinical_trials")
    g.add_argument("submissions", nargs="+", metavar="NOTEBOOK", help="submitted .ipynb files")
    g.add_argument("-o", "--out", metavar="FILE", help="write the gradebook to this CSV file")
    g.add_argument("--csv", dest="out", action=_DeprecatedAlias, instead="-o/--out", metavar="FILE",
                   help=argparse.SUPPRESS)
    g.add_argument("--layout", default="plain", choices=list(GRADEBOOK_FORMATS),
                   help="the gradebook's columns: plain (every column), or what Canvas or Moodle import "
                        "(default: plain)")
    g.add_argument("--format", dest="layout", action=_DeprecatedAlias, instead="--layout",
                   choices=list(GRADEBOOK_FORMATS), help=argparse.SUPPRESS)
    g.add_argument("--roster", metavar="CSV", help="CSV with columns file,student_id[,name,email]: the "
                   "learning platform's ids for the submitted files")
    g.add_argument("--jobs", type=_positive(int, 1, "a whole number of at least 1"), default=2, metavar="N",
                   help="submissions graded at once (default: 2)")
    g.add_argument("--timeout", type=_positive(float, 1e-9, "a positive number of seconds"), default=180,
                   metavar="SECONDS", help="time one submission may run (default: 180)")
    g.add_argument("--memory", type=_positive(int, 1, "a positive number of megabytes"), default=3072, metavar="MB",
                   help="memory one submission may use (default: 3072)")
    g.add_argument("--allow-unsandboxed", action="store_true",
                   help="where no sandbox can be made, grade anyway (the code then runs as you; default: refuse)")
    g.add_argument("--no-sandbox", action="store_true", help="grade without the sandbox even where it works "
                   "(the code runs as you and can read your files)")
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    p = _command(sub, "links", help="print a link per chapter that opens it on a JupyterHub (nbgitpuller)")
    p.add_argument("--hub", required=True, metavar="URL", help="the hub, e.g. https://hub.example.org")
    p.add_argument("--repo", metavar="URL", help="the course repository (default: [project.urls] Repository)")
    p.add_argument("--branch", default="main", help="branch to pull (default: main)")

    p = _command(sub, "init", help="copy the course into a new folder of your own (a workspace)")
    p.add_argument("folder", metavar="DIR", help="a new or empty folder")
    p.add_argument("--instructor", action="store_true",
                   help="also the exercise masters, hidden tests and report template (from a checkout only)")

    p = _command(sub, "voila", help="serve the chapters as apps with Voilà (code hidden), e.g. for a class")
    p.add_argument("chapter", nargs="?", metavar="CHAPTER", help="open this chapter first, e.g. 06_clinical_trials")
    p.add_argument("--port", type=int, default=8866, help="port (default: 8866)")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine "
                   "only; 0.0.0.0 lets a classroom network reach it)")
    p.add_argument("--pool", type=_positive(int, 0, "a whole number of 0 or more"), default=1, metavar="N", help="kernels kept ready per chapter, each with "
                   "the chapter already run, so a chapter opens at once (default: 1; 0 turns this off)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")

    p = _command(sub, "registry", help="import trial-registry exports (ClinicalTrials.gov, WHO ICTRP) you "
                       "downloaded, or compare two of them", formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog=REGISTRY_EPILOG)
    reg = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    i = _command(reg, "import", help="add the cell-therapy trials in liver disease from exports to a data folder "
                 "of your own (registered_trials; --data DIR, e.g. my-course/data made by `mscteach init`; the "
                 "course's own is refused); a newer export updates them and says what changed")
    i.add_argument("files", nargs="+", metavar="FILE", help="ClinicalTrials.gov JSON or CSV, or WHO ICTRP CSV")
    i.add_argument("--date", metavar="YYYY-MM-DD", help="the import's date (default: today)")
    d = _command(reg, "diff", help="what changed between an older and a newer export (nothing is written)")
    d.add_argument("old", metavar="OLD_EXPORT", help="the older export")
    d.add_argument("new", metavar="NEW_EXPORT", help="the newer export")

    p = _command(sub, "translations", help="the translated editions' catalogues: refresh them from the "
                       "chapters, or say how much is translated")
    tr = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("update", "add new narrative blocks to the catalogues (mscteach/locale/LANG/LC_MESSAGES/"
                                  "PAGE.po), keep changed ones as fuzzy, drop vanished ones (maintainers)"),
                       ("status", "how many narrative blocks each page has, and how many are translated")):
        t = _command(tr, name, help=text)
        t.add_argument("--lang", type=_languages, action="append", metavar="LANG",
                       help="language(s) (default: every translated one: fa)")
        if name == "status":
            t.add_argument("--missing", action="store_true", help="also print every untranslated block")

    p = _command(sub, "lab", help="open JupyterLab on the course notebooks")
    p.add_argument("--port", type=int, default=None, help="port for JupyterLab (default: its own choice)")
    return parser


def _tables(args: argparse.Namespace) -> int:
    from .data import describe, list_tables

    for name in list_tables(args.data):
        info = describe(name, args.data)
        print(f"{name:<20} {info.n_rows:>4} rows  {info.title}")
    return 0


def _data_folder(value: str | None) -> Path | None:
    """The data folder from --data or $MSCTEACH_DATA_DIR, as an absolute path resolved once, here.

    A relative folder means the folder the user ran the command from; it is
    resolved before anything changes directory (a chapter's kernel runs in
    the notebooks' folder), and checked so a typo is reported at once.
    """
    import os

    from .data import ENV_VAR, data_dir

    value = value or os.environ.get(ENV_VAR) or None
    if value is None:
        return None
    folder = data_dir(Path(value).expanduser().resolve())
    os.environ[ENV_VAR] = str(folder)  # whatever this process or its kernels load reads the same folder
    return folder


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

    if args.folder:
        print("mscteach: `mscteach validate DIR` is deprecated; use `mscteach validate --data DIR`", file=sys.stderr)
    folder = data_dir(args.folder or args.data)
    problems = validate(folder)
    if problems:
        print(f"{folder}: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"{folder}: all tables valid")
    return 0


def _build(args: argparse.Namespace) -> int:
    from . import site
    from .site import build

    folder = Path(args.notebooks) if args.notebooks else None
    if folder is not None and not folder.is_dir():
        raise MscteachError(f"notebook folder {str(folder)!r} does not exist")
    if args.in_place:
        if folder is None:
            from .resources import writable_folder

            folder = writable_folder("notebooks", "store executed notebooks in place")
        failures = build.refresh_in_place(folder, jobs=args.jobs, progress=not args.no_progress, data=args.data)
        for failure in failures:
            print(f"mscteach build: {failure}", file=sys.stderr)
        return 1 if failures else 0
    parameters = {name: build.parse_value(value) for name, value in args.parameter}
    langs = _chosen_languages(args.lang, ["en"])
    result = build.build(Path(args.out), jobs=args.jobs, parameters=parameters, folder=folder,
                         progress=not args.no_progress, data=args.data, langs=langs)
    for failure in result.failures:
        print(f"mscteach build: {failure}", file=sys.stderr)
    for lang, pages in result.untranslated.items():
        listing = build.cache_folder(Path(args.out)) / f"untranslated-{lang}.txt"
        blocks = sum(len(b) for b in pages.values())
        listing.write_text("".join(f"## {page}\n\n" + "".join(f"{b}\n\n" for b in found)
                                   for page, found in pages.items()), encoding="utf-8")
        if not blocks:
            print(f"{lang} edition: every narrative block translated")
            continue
        print(f"{lang} edition: {blocks} narrative {'block' if blocks == 1 else 'blocks'} shown in English for want "
              f"of a translation ({', '.join(f'{p} {len(b)}' for p, b in pages.items())}); listed in {listing}")
    built = len(result.pages) - len(result.failures)
    work = (f"executed {len(result.executed)}" if result.executed else "nothing to execute") + \
        ("" if result.rendered else ", site up to date")
    print(f"built {built} of {len(result.pages)} notebooks ({work}); open {result.index.as_uri()}")
    if args.pdf and result.ok:
        pack = site.render_pack(build.cache_folder(Path(args.out)), Path(args.out).resolve() / "course-pack.pdf",
                                args.paper)
        print(f"printed the course pack: {pack}")
    return 0 if result.ok else 1


REPORT_EPILOG = """\
examples:
  mscteach report --disease ACLF --cell-type UC-MSC -o briefs/aclf-uc.html
  mscteach report --disease cirrhosis --disease ACLF --jobs 2 -o briefs/   one brief per disease
  mscteach report --grid class-briefs.csv -o briefs/                       one brief per row
  mscteach --data my-data report --disease ACLF -o briefs/aclf.html        from an instructor's copy of data/
  mscteach report --disease ACLF --lang fa -o briefs/aclf-fa.html          in Persian (right to left)

Each brief is an HTML page (-o must end in .html) with a JSON summary beside it (same name, .json).
Unknown parameter values stop the command (exit status 2) before any notebook runs.
"""


def _report(args: argparse.Namespace) -> int:
    from . import report

    repeated = {"disease": args.disease, "cell_type": args.cell_type, "cell_origin": args.cell_origin,
                "design": args.design, "year_from": args.year_from, "year_to": args.year_to,
                "lang": _chosen_languages(args.lang, [])}
    repeated = {k: v for k, v in repeated.items() if v}
    fixed = {k: v for k, v in (("title", args.title), ("author", args.author)) if v is not None}
    if args.no_preclinical:
        fixed["include_preclinical"] = False
    try:
        if args.grid:  # each --lang gives every row that does not choose its own language a brief in it
            grid = [{**fixed, **row, **({"lang": lang} if lang else {})}
                    for row in report.read_grid(Path(args.grid))
                    for lang in ([row["lang"]] if "lang" in row else repeated.get("lang") or [None])]
        else:
            grid = [{**fixed, **combo} for combo in report.expand_grid(repeated)]
        for params in grid:
            report.check_parameters(params, args.data)
        single = len(grid) == 1 and not args.grid
        out = Path(args.out) if args.out else Path("briefs") / f"{report.report_name(grid[0])}.html"
        formats = report.check_formats(args.format.split(","), args.paper)
        if single:
            report.check_output(out)
    except UsageError as exc:
        print(f"mscteach report: error: {exc}", file=sys.stderr)
        return 2
    if single:
        report.write_brief(grid[0], out, data=args.data, formats=formats, paper=args.paper)
        written = [out.with_suffix(f".{f}") for f in formats]
        print(f"wrote {', '.join(map(str, written[:-1]))}{' and ' if len(written) > 1 else ''}{written[-1]}")
        return 0
    out_dir = Path(args.out or "briefs")
    result = report.write_batch(grid, out_dir, jobs=args.jobs, progress=not args.no_progress, data=args.data,
                                formats=formats, paper=args.paper)
    for path, error in result.failed:
        print(f"mscteach report: {path}: {error}", file=sys.stderr)
    print(f"written {len(result.written)}, failed {len(result.failed)}, in {out_dir}")
    return 1 if result.failed else 0


REGISTRY_EPILOG = """\
examples:
  mscteach init my-course && cd my-course
  mscteach registry import ~/Downloads/ctg-studies.json --data data    add what has been registered
  mscteach registry import ctg-2026-06.json --data data                later: update, and see what changed
  mscteach registry diff ctg-2026-01.json ctg-2026-06.json             compare two downloads
  mscteach validate --data data && mscteach --data data build          check, then rebuild the course

mscteach never goes online: download the export from ClinicalTrials.gov (Download: JSON or CSV) or the
WHO ICTRP search portal (Export: CSV) yourself. See data/README.md, "Registered trials".
"""


def _registry(args: argparse.Namespace) -> int:
    from . import registry

    if args.action == "import":
        from .data import data_dir

        folder = data_dir(args.data)
        result = registry.import_exports(args.files, folder, today=args.date)
        for line in result.lines():
            print(line)
        print(f"next: mscteach validate --data {folder}, then rebuild (MSCTEACH_DATA_DIR={folder} mscteach build)")
        return 0
    changes = registry.diff([args.old], [args.new], args.data)
    for line in registry.change_lines(changes):
        print(line)
    return 0


def _translations(args: argparse.Namespace) -> int:
    from .i18n import SOURCE, LANGUAGES, pages
    from .report import template_path
    from .resources import notebooks

    sources = [*notebooks(), template_path()]
    if args.action == "update":
        from .resources import checkout

        if checkout() is None:  # the one test of "installed, read-only" the package uses
            raise MscteachError("the catalogues of an installed package are read-only: update them in a checkout "
                                "of the course repository")
    for lang in _chosen_languages(args.lang, [lang for lang in LANGUAGES if lang != SOURCE]):
        counts = (pages.update if args.action == "update" else pages.status)(sources, lang)
        total = sum(c["blocks"] for c in counts.values())
        done = sum(c["translated"] for c in counts.values())
        for page, c in counts.items():
            print(f"{page:<22} {c['translated']:>4} of {c['blocks']:>4} blocks translated")
        print(f"{lang}: {done} of {total} narrative blocks translated")
        if args.action == "status" and args.missing:
            for page, blocks in pages.missing(sources, lang).items():
                for block in blocks:
                    print(f"\n[{page}]\n{block}")
    return 0


def _exercises(args: argparse.Namespace) -> int:
    from .classroom import exercises

    if args.action == "generate":
        from .resources import writable_folder

        for name in exercises.generate(writable_folder("exercises", "generate the exercises")):
            print(f"generated exercises/student/{name} and exercises/autograder/{name}")
        return 0
    if args.action == "check":
        stale = exercises.out_of_date()
        for item in stale:
            print(f"out of date: {item}", file=sys.stderr)
        if stale:
            print("run 'mscteach exercises generate' and commit the result", file=sys.stderr)
            return 1
        print("generated exercises are up to date")
        return 0
    if args.action == "report":
        from .classroom import item_analysis

        written = item_analysis.write_report(Path(args.gradebook), Path(args.out))
        for path in written:
            print(path)
        return 0
    from .classroom import grading

    roster = grading.read_roster(Path(args.roster)) if args.roster else None
    book = grading.grade(args.set, [Path(s) for s in args.submissions], jobs=args.jobs, timeout=args.timeout,
                         memory_mb=args.memory, roster=roster, sandbox=False if args.no_sandbox else None,
                         allow_unsandboxed=args.allow_unsandboxed, progress=not args.no_progress)
    for line in grading.summary_lines(book):
        print(line)
    if args.out:
        grading.export(book, Path(args.out), args.layout)
    print(f"isolation: {book.grades[0].isolation}" if book.grades else "no submissions", file=sys.stderr)
    for g in book.grades:
        if roster is not None and Path(g.file).name not in roster:
            print(f"not on the roster: {g.file} (graded as {g.student_id})", file=sys.stderr)
    for sid, files in book.duplicates().items():
        print(f"duplicate student id {sid} in {len(files)} files: {', '.join(files)}", file=sys.stderr)
    for g in book.not_graded:
        print(f"not graded: {g.file}: {g.status}: {g.message}", file=sys.stderr)
    if book.not_graded:
        print(f"{len(book.not_graded)} of {len(book.grades)} submissions could not be graded", file=sys.stderr)
        return 1
    return 0


def _links(args: argparse.Namespace) -> int:
    from .site.links import chapter_links

    for chapter, url in chapter_links(args.hub, args.repo, args.branch):
        print(f"{chapter}\t{url}")
    return 0


def _lab(args: argparse.Namespace) -> int:
    import subprocess

    from .resources import workspace, writable_folder

    # students save their work: the workspace they are in, or a checkout (never the installed package)
    home = workspace() or writable_folder("notebooks", "open JupyterLab on the course").parent
    command = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={home}"]  # kernels inherit --data
    if args.port:
        command.append(f"--port={args.port}")
    return subprocess.call(command)


def voila_command(chapter: str | None, port: int, ip: str, pool: int, browser: bool) -> list[str]:
    """The Voilà command `mscteach voila` runs: the course's chapters, code hidden, kernels pre-run."""
    from .resources import notebook_dir, notebooks

    folder = notebook_dir()
    names = [p.stem for p in notebooks(folder)]
    if chapter is not None and chapter not in names:
        raise UnknownNameError("chapter", chapter, names)
    if pool < 0:
        raise UsageError(f"--pool must be 0 or more, got {pool}")
    command = [sys.executable, "-m", "voila", str(folder / f"{chapter}.ipynb") if chapter else str(folder),
               f"--port={port}", f"--Voila.ip={ip}", "--VoilaConfiguration.strip_sources=True"]
    if pool:  # Voilà runs each chapter ahead in a pool of kernels and hands a reader a finished one
        command += ["--VoilaConfiguration.preheat_kernel=True", f"--VoilaConfiguration.default_pool_size={pool}"]
    if not browser:
        command.append("--no-browser")
    return command


def _voila(args: argparse.Namespace) -> int:
    import subprocess

    return subprocess.call(voila_command(args.chapter, args.port, args.ip, args.pool, not args.no_browser))


def _init(args: argparse.Namespace) -> int:
    from .resources import init

    written = init(Path(args.folder), instructor=args.instructor)
    target = written[0].parent
    print(f"made {'an instructor' if args.instructor else 'a student'} workspace in {target}: "
          f"{', '.join(p.relative_to(target).as_posix() for p in written)}")
    print(f"next: cd {target} && mscteach lab")
    return 0


COMMANDS = {"translations": _translations, "registry": _registry, "init": _init, "voila": _voila, "tables": _tables, "describe": _describe, "cite": _cite, "validate": _validate,
            "build": _build, "report": _report, "exercises": _exercises, "links": _links, "lab": _lab}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        args.data = _data_folder(args.data)
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
