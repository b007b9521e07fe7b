"""Small presentation helpers the chapter notebooks share.

They format what the data says (reading lists, table overviews) so that no
chapter writes the same display code twice.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from . import evidence, i18n
from .data import describe, list_tables, load
from .errors import MscteachError

__all__ = ["Lesson", "chapter_overview", "lesson", "reading_list", "setup", "table_overview"]


def setup(lang: str = "en") -> None:
    """Display settings for the chapters: tables for readers and figures with alt text, in ``lang``.

    ``lang="fa"`` shows figures, explorers and table labels in Persian (:mod:`mscteach.i18n`).

    Every DataFrame a chapter shows is drawn by :func:`mscteach.display.table_html`
    (no index column, human labels, blanks for missing values, whole tables:
    no row is cut by pandas' display limits), and every matplotlib figure by
    :func:`mscteach.display.figure_png` (alt text and caption in its metadata).

    Outside a kernel (a plain Python session) only the language and pandas'
    display options are set.

    Parameters
    ----------
    lang : {"en", "fa"}, default "en"
        The language of figures, explorers and table labels from now on.

    Raises
    ------
    UnknownNameError
        If ``lang`` is not a language of the course.
    """
    from IPython import get_ipython
    from matplotlib.figure import Figure

    from . import display, i18n

    i18n.set_language(lang)
    if lang in i18n.RTL:
        display.register_persian_font()  # before the first figure is drawn

    pd.set_option("display.max_colwidth", None)  # findings are sentences: show them whole
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.max_rows", 500)  # the glossary's 98 terms, all of them
    pd.set_option("display.width", 120)
    pd.set_option("display.precision", 2)
    shell = get_ipython()
    if shell is None:  # not in a kernel: nothing to register
        return
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, display.table_html)
    formatters["image/png"].for_type(Figure, display.figure_png)


def reading_list(ref_ids: Iterable[int], heading: str | None = None) -> Markdown:
    """A numbered Markdown reading list of the review's references, in reference order.

    The numbers are the review's own, so a student can match them with the
    citations in the chapter text. The heading is "Further reading" in the
    chapter's language unless given.

    Parameters
    ----------
    ref_ids : iterable of int
        The review's reference numbers (duplicates are listed once).
    heading : str, optional
        The list's heading (a level-3 Markdown heading).

    Returns
    -------
    IPython.display.Markdown
        The heading and one line per reference: its number in bold and its
        Vancouver-style citation.

    Raises
    ------
    UnknownNameError
        If a number is not one of the review's references.

    Examples
    --------
    >>> print(reading_list([26], heading="Read next").data.splitlines()[0])
    ### Read next
    """
    refs = evidence.further_reading(load("references"), ref_ids)
    lines = [f"### {heading or i18n.text('Further reading')}", ""] + [f"- **[{row.ref_id}]** {row.citation}" for row in refs.itertuples()]
    return Markdown("\n".join(lines))


def table_overview() -> pd.DataFrame:
    """One row per curated table: name, title, rows and description.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``title``, ``rows`` and ``description``, one row
        per table of the data in use, in the data package's order.
    """
    rows = []
    for name in list_tables():
        info = describe(name)
        rows.append({"table": name, "title": info.title, "rows": info.n_rows, "description": info.description})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Lesson:
    """A chapter's lesson metadata, read from its header cell (the one place it is written).

    :func:`lesson` makes one from a notebook.

    Parameters
    ----------
    notebook : str
        The notebook's file name (``06_clinical_trials.ipynb``).
    number : int
        The chapter's number, from its title ``# N. Title``.
    title : str
        The chapter's title, without its number.
    questions : list of str
        The questions of the header table (its ``Questions`` row, split at ``<br>``).
    time : str
        The ``Estimated time`` row, as written (``"60 minutes"``); empty if absent.
    prerequisites : str
        The ``Prerequisites`` row, as written; empty if absent.
    objectives : list of str
        The numbered items after ``**Learning objectives.**``.
    """

    notebook: str
    number: int
    title: str
    questions: list[str]
    time: str
    prerequisites: str
    objectives: list[str]


def lesson(path: Path) -> Lesson:
    """Read a chapter's metadata from its first Markdown cell (title, questions, time, prerequisites, objectives).

    Parameters
    ----------
    path : Path
        The chapter notebook (``.ipynb``).

    Returns
    -------
    Lesson
        The chapter's number, title, questions, time, prerequisites and objectives.

    Raises
    ------
    MscteachError
        If the first Markdown cell does not start with a ``# N. Title`` heading.

    Examples
    --------
    >>> from mscteach.resources import notebook_dir
    >>> lesson(notebook_dir() / "06_clinical_trials.ipynb").time
    '80 minutes'
    """
    import json
    import re

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    first = next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)
    header = "".join(first["source"]) if first else ""
    title = re.search(r"^# (\d+)\. (.+)$", header, re.M)
    if title is None:
        raise MscteachError(f"{Path(path).name}: the first cell must start with '# N. Title'")
    fields = dict(re.findall(r"^\| \*\*(.+?)\*\* \| (.+?) \|$", header, re.M))
    objectives = re.findall(r"^\d+\. (.+)$", header.split("**Learning objectives.**", 1)[-1], re.M)
    return Lesson(notebook=Path(path).name, number=int(title.group(1)), title=title.group(2).strip(),
                  questions=[q.strip() for q in fields.get("Questions", "").split("<br>") if q.strip()],
                  time=fields.get("Estimated time", ""), prerequisites=fields.get("Prerequisites", ""),
                  objectives=objectives)


def chapter_overview(folder: Path | None = None) -> Markdown:
    """The chapters with their questions, objectives and time, read from each chapter's header (for the index page).

    Parameters
    ----------
    folder : Path, optional
        The folder of chapter notebooks (default: the course's, see
        :func:`mscteach.resources.notebook_dir`); the index (``00_*``) is left out.

    Returns
    -------
    IPython.display.Markdown
        A Markdown table with one row per chapter, in course order; each
        title links to its notebook, and its objectives are a list (HTML, as a
        table cell holds no Markdown list).

    Raises
    ------
    MscteachError
        If a chapter's header has no ``# N. Title`` heading (see :func:`lesson`).
    """
    from .resources import notebook_dir, notebooks

    lines = ["| # | Chapter | Questions | You will be able to | Time |", "|---|---|---|---|---|"]
    for path in notebooks(folder or notebook_dir()):
        if path.name.startswith("00_"):
            continue
        info = lesson(path)
        lines.append(f"| {info.number} | [{info.title}]({info.notebook}) | {'<br>'.join(info.questions)} "
                     f"| <ul>{''.join(f'<li>{o}</li>' for o in info.objectives)}</ul> | {info.time} |")
    return Markdown("\n".join(lines))
