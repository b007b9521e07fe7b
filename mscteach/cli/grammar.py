"""The command line's grammar: one way to give the data folder (--data), outputs (-o/--out), languages (--lang)
and output formats (--format) to every command, the exit statuses, and the parser."""
from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..classroom.grading import FORMATS as GRADEBOOK_FORMATS
from ..printing import PAPERS

__all__ = ["EPILOG", "EXIT_STATUS", "REGISTRY_EPILOG", "REPORT_EPILOG", "DeprecatedAlias", "chosen_languages",
           "command", "languages", "parser", "positive"]

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


def positive(kind: type, at_least: float, what: str):
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


def languages(text: str) -> list[str]:
    """An argparse type for --lang: one language or a comma list, each one the course has."""
    from ..i18n import LANGUAGES

    langs = [lang.strip() for lang in text.split(",") if lang.strip()]
    unknown = [lang for lang in langs if lang not in LANGUAGES]
    if unknown or not langs:
        raise argparse.ArgumentTypeError(f"unknown language {', '.join(unknown) or repr(text)}; available: "
                                         f"{', '.join(LANGUAGES)}")
    return langs


def chosen_languages(values: list[list[str]] | None, default: list[str]) -> list[str]:
    """--lang given as repeats and/or comma lists, flattened in order without repeats."""
    chosen = [lang for group in values or [] for lang in group]
    return list(dict.fromkeys(chosen)) or list(default)


class DeprecatedAlias(argparse.Action):
    """An old option name kept for one release: it works, and says what to write instead."""

    def __init__(self, option_strings, dest, instead: str = "", **kwargs):
        self.instead = instead
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"mscteach: {option_string} is deprecated; use {self.instead}", file=sys.stderr)
        setattr(namespace, self.dest, values)


def command(sub, name: str, **kwargs) -> argparse.ArgumentParser:
    """A subcommand that takes the common options (--data anywhere) and documents the exit status."""
    kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
    kwargs["epilog"] = (kwargs.get("epilog") or "") + ("\n" if kwargs.get("epilog") else "") + EXIT_STATUS
    p = sub.add_parser(name, **kwargs)
    p.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS,
                   help="data folder to use (default: $MSCTEACH_DATA_DIR or the packaged data)")
    return p


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


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mscteach",
        description="Curated evidence and course tools for MSC therapy in human liver disease.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mscteach {__version__}")
    parser.add_argument("--data", metavar="DIR", help="data folder to use (default: $MSCTEACH_DATA_DIR or the packaged data)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    command(sub, "tables", help="list the curated tables with their row counts and titles")
    p = command(sub, "describe", help="describe a table and its columns")
    p.add_argument("name", help="table name (see 'mscteach tables')")
    p = command(sub, "cite", help="print a formatted citation of one of the review's references")
    p.add_argument("ref_ids", nargs="+", metavar="N", help="reference number(s), 1-103")
    p = command(sub, "validate", help="check a data folder against its schema; exit 1 if anything is wrong")
    p.add_argument("folder", nargs="?", metavar="DATA_DIR", help=argparse.SUPPRESS)  # before --data; one release

    p = command(sub, "build", help="execute the chapters (those that changed) and write the course site")
    p.add_argument("-o", "--out", default="_build/site", metavar="DIR", help="output folder (default: _build/site)")
    p.add_argument("--jobs", type=positive(int, 1, "a whole number of at least 1"), default=2, metavar="N",
                   help="notebooks executed at once (default: 2)")
    p.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="set a chapter parameter, e.g. -p disease ACLF: given to every chapter that accepts the "
                        "value; -p 05_animal_models:disease HCC for one chapter (repeatable)")
    p.add_argument("--in-place", action="store_true",
                   help="maintainers: re-execute notebooks/ and store their cleaned outputs in place")
    p.add_argument("--notebooks", metavar="DIR", help="folder of notebooks to build (default: the course's)")
    p.add_argument("--lang", type=languages, action="append", metavar="LANG", help="edition(s) to build, from "
                   "en and fa (Persian, right to left): the first at OUT, another at OUT/LANG, linked to each other; "
                   "e.g. --lang en --lang fa or --lang en,fa (default: en). Narrative without a translation stays "
                   "in English and is listed")
    p.add_argument("--pdf", action="store_true", help="also print the site as one course-pack PDF "
                   "(OUT/course-pack.pdf: chapters in order, glossary, references), for handing out on paper")
    p.add_argument("--paper", default="A4", choices=list(PAPERS), help="course-pack paper size (default: A4)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    p = command(sub, "report", help="write an evidence brief (HTML + JSON) for a question, or a batch of them",
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
    p.add_argument("--lang", type=languages, action="append", metavar="LANG",
                   help="language of the brief: en (default) or fa (Persian, right to left); repeat it (or give "
                        "en,fa) for one brief per language")
    p.add_argument("--grid", metavar="FILE", help="a CSV (one brief per row) or YAML list of parameter sets")
    p.add_argument("-o", "--out", metavar="PATH",
                   help="HTML file for one brief (default: briefs/NAME.html); folder for a batch (default: briefs)")
    p.add_argument("--format", default="html,json", metavar="LIST",
                   help="what to write, from html, pdf and json (default: html,json); the PDF is printed by "
                        "headless Chromium beside the HTML name, e.g. briefs/NAME.pdf")
    p.add_argument("--paper", default="A4", choices=list(PAPERS), help="PDF paper size (default: A4)")
    p.add_argument("--jobs", type=positive(int, 1, "a whole number of at least 1"), default=2, metavar="N",
                   help="briefs written at once in a batch (default: 2)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    p = command(sub, "exercises", help="regenerate, check or grade the otter-grader exercise sets")
    ex = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    command(ex, "generate", help="write exercises/student and exercises/autograder from exercises/masters")
    command(ex, "check", help="exit 1 if the generated files are out of date with the masters")
    r = command(ex, "report", help="item analysis of a gradebook: each question's difficulty and "
                      "discrimination, a score histogram, the ungraded files (HTML page and CSV)")
    r.add_argument("gradebook", metavar="SCORES_CSV", help="a plain gradebook written by `exercises grade -o FILE`")
    r.add_argument("-o", "--out", default="item-analysis", metavar="DIR",
                   help="folder for item-analysis.html and item-analysis.csv (default: item-analysis)")
    g = command(ex, "grade", help="grade submitted notebooks locally (no Docker) into a gradebook")
    g.add_argument("set", metavar="SET", help="exercise set, e.g. ch06_clinical_trials")
    g.add_argument("submissions", nargs="+", metavar="NOTEBOOK", help="submitted .ipynb files")
    g.add_argument("-o", "--out", metavar="FILE", help="write the gradebook to this CSV file")
    g.add_argument("--csv", dest="out", action=DeprecatedAlias, instead="-o/--out", metavar="FILE",
                   help=argparse.SUPPRESS)
    g.add_argument("--layout", default="plain", choices=list(GRADEBOOK_FORMATS),
                   help="the gradebook's columns: plain (every column), or what Canvas or Moodle import "
                        "(default: plain)")
    g.add_argument("--format", dest="layout", action=DeprecatedAlias, instead="--layout",
                   choices=list(GRADEBOOK_FORMATS), help=argparse.SUPPRESS)
    g.add_argument("--roster", metavar="CSV", help="CSV with columns file,student_id[,name,email]: the "
                   "learning platform's ids for the submitted files")
    g.add_argument("--jobs", type=positive(int, 1, "a whole number of at least 1"), default=2, metavar="N",
                   help="submissions graded at once (default: 2)")
    g.add_argument("--timeout", type=positive(float, 1e-9, "a positive number of seconds"), default=180,
                   metavar="SECONDS", help="time one submission may run (default: 180)")
    g.add_argument("--memory", type=positive(int, 1, "a positive number of megabytes"), default=3072, metavar="MB",
                   help="memory one submission may use (default: 3072)")
    g.add_argument("--allow-unsandboxed", action="store_true",
                   help="where no sandbox can be made, grade anyway (the code then runs as you; default: refuse)")
    g.add_argument("--no-sandbox", action="store_true", help="grade without the sandbox even where it works "
                   "(the code runs as you and can read your files)")
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    p = command(sub, "links", help="print each chapter's links on a JupyterHub (nbgitpuller): in JupyterLab and as a "
                          "Voilà app")
    p.add_argument("--hub", required=True, metavar="URL", help="the hub, e.g. https://hub.example.org")
    p.add_argument("--repo", metavar="URL", help="the course repository (default: [project.urls] Repository)")
    p.add_argument("--branch", default="main", help="branch to pull (default: main)")

    p = command(sub, "init", help="copy the course into a new folder of your own (a workspace)")
    p.add_argument("folder", metavar="DIR", help="a new or empty folder")
    p.add_argument("--instructor", action="store_true",
                   help="also the exercise masters, hidden tests and report template (from a checkout only)")

    p = command(sub, "voila", help="serve the chapters as apps with Voilà (code hidden), e.g. for a class")
    p.add_argument("chapter", nargs="?", metavar="CHAPTER", help="open this chapter first, e.g. 06_clinical_trials")
    p.add_argument("--port", type=int, default=8866, help="port (default: 8866)")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine "
                   "only; 0.0.0.0 lets a classroom network reach it)")
    p.add_argument("--pool", type=positive(int, 0, "a whole number of 0 or more"), default=1, metavar="N", help="kernels kept ready per chapter, each with "
                   "the chapter already run, so a chapter opens at once (default: 1; 0 turns this off)")
    p.add_argument("--max-kernels", type=positive(int, 0, "a whole number of 0 or more"), default=None, metavar="N",
                   help="students served at once, one kernel each; the kernels kept ready (--pool for every "
                   "chapter served) must fit within it; one more student gets a 'server is "
                   "full, retry in a minute' page (default: what 80%% of the memory free at start holds; 0: no cap)")
    p.add_argument("--cull-idle", type=positive(float, 0, "a number of minutes, 0 or more"), default=30,
                   metavar="MINUTES", help="shut down a kernel idle this long, its page open or not (default: 30; "
                   "0 never); a closed page's kernel is shut down 30 s after it closed")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")

    p = command(sub, "registry", help="import trial-registry exports (ClinicalTrials.gov, WHO ICTRP) you "
                       "downloaded, or compare two of them", formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog=REGISTRY_EPILOG)
    reg = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    i = command(reg, "import", help="add the cell-therapy trials in liver disease from exports to a data folder "
                 "of your own (registered_trials; --data DIR, e.g. my-course/data made by `mscteach init`; the "
                 "course's own is refused); a newer export updates them and says what changed")
    i.add_argument("files", nargs="+", metavar="FILE", help="ClinicalTrials.gov JSON or CSV, or WHO ICTRP CSV")
    i.add_argument("--date", metavar="YYYY-MM-DD", help="the import's date (default: today)")
    d = command(reg, "diff", help="what changed between an older and a newer export (nothing is written)")
    d.add_argument("old", metavar="OLD_EXPORT", help="the older export")
    d.add_argument("new", metavar="NEW_EXPORT", help="the newer export")

    p = command(sub, "translations", help="the translated editions' catalogues: refresh them from the "
                       "chapters, or say how much is translated")
    tr = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("update", "add new narrative blocks to the catalogues (mscteach/locale/LANG/LC_MESSAGES/"
                                  "PAGE.po), keep changed ones as fuzzy, drop vanished ones (maintainers)"),
                       ("status", "how many narrative blocks each page has, and how many are translated")):
        t = command(tr, name, help=text)
        t.add_argument("--lang", type=languages, action="append", metavar="LANG",
                       help="language(s) (default: every translated one: fa)")
        if name == "status":
            t.add_argument("--missing", action="store_true", help="also print every untranslated block")

    p = command(sub, "lab", help="open JupyterLab on the course notebooks")
    p.add_argument("--port", type=int, default=None, help="port for JupyterLab (default: its own choice)")
    return parser
