"""Item analysis of a gradebook: which questions worked, for the teacher who wrote them.

For each question *j*, over the *N* submissions that were graded (rows whose
status is ``graded``), with :math:`x_{ij}` student *i*'s points on *j*,
:math:`m_j` the question's maximum and :math:`T_i` the student's total:

* **difficulty** (share right) :math:`p_j = \\frac{1}{N}\\sum_i x_{ij}/m_j`, from 0
  (nobody scored) to 1 (everybody scored everything);
* **discrimination** :math:`r_j`, the Pearson correlation between :math:`x_{ij}`
  and the rest of the score :math:`R_{ij} = T_i - x_{ij}` (the corrected
  item-total correlation; for a question scored 0 or 1 this is the
  point-biserial correlation). Leaving the question out of the total keeps it
  from correlating with itself. Undefined (empty) when everyone scored the same
  on the question or on the rest.

A question is flagged **too easy** when :math:`p_j > 0.90`, **too hard** when
:math:`p_j < 0.30`, and **negatively discriminating** when :math:`r_j < 0`
(students who did well elsewhere did worse here: often a wrong key or a
misleading wording). The thresholds are parameters.

The gradebook is the plain CSV written by ``mscteach exercises grade -o FILE``:
its question columns are those between ``file`` and ``total``, and each
question is worth ``possible`` divided by the number of questions (one point
each in this course's sets).

>>> rows = [{"student_id": s, "file": s, "q1": a, "q2": b, "total": a + b, "possible": 2, "status": "graded"}
...         for s, a, b in [("s1", 1, 1), ("s2", 1, 0), ("s3", 0, 0)]]
>>> stats = item_statistics(pd.DataFrame(rows), ["q1", "q2"])
>>> stats[["difficulty", "discrimination"]].round(3).values.tolist()
[[0.667, 0.5], [0.333, 0.5]]
"""
from __future__ import annotations

import base64
import csv
import io
import math
from pathlib import Path

import pandas as pd

from ..errors import MscteachError

__all__ = ["EASY", "HARD", "item_statistics", "read_gradebook", "score_histogram", "write_report"]

EASY = 0.90
HARD = 0.30
_REQUIRED = ("student_id", "file", "total", "possible", "status")


def read_gradebook(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """The gradebook and its question columns; a clear error naming the file, row or column otherwise.

    Parameters
    ----------
    path : Path
        The plain gradebook CSV (``mscteach exercises grade --csv``).

    Returns
    -------
    gradebook : pandas.DataFrame
        Every row, every cell as the text in the file.
    questions : list of str
        The columns between ``file`` and ``total``.

    Raises
    ------
    MscteachError
        If the file cannot be read, lacks a required column or question
        columns, or a graded row has a question, ``total`` or ``possible``
        cell that is not a finite number of at least zero.
    """
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise MscteachError(f"cannot read the gradebook {path}: {exc}") from None
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise MscteachError(f"gradebook {path}: missing column(s) {', '.join(missing)}; expected the plain "
                            "gradebook of `mscteach exercises grade -o FILE` (columns student_id, file, q1 ..., "
                            "total, possible, percentage, status, message, isolation)")
    questions = header[header.index("file") + 1: header.index("total")]
    if not questions:
        raise MscteachError(f"gradebook {path}: no question columns between 'file' and 'total'")
    frame = pd.DataFrame(rows, columns=header)
    for line, row in enumerate(rows, start=2):
        if row["status"] != "graded":
            continue
        for column in (*questions, "total", "possible"):
            try:
                value = float(row[column])
            except (TypeError, ValueError):
                raise MscteachError(f"gradebook {path}, row {line}, column {column}: {row[column]!r} is not a "
                                    "number (a graded row needs a number in every question column)") from None
            if not math.isfinite(value) or value < 0:
                raise MscteachError(f"gradebook {path}, row {line}, column {column}: {row[column]!r} must be "
                                    "zero or more")
    return frame, questions


def item_statistics(gradebook: pd.DataFrame, questions: list[str], easy: float = EASY,
                    hard: float = HARD) -> pd.DataFrame:
    """One row per question: graded, mean points, maximum, difficulty, discrimination, flags.

    Parameters
    ----------
    gradebook : DataFrame
        Rows of the plain gradebook (only rows whose status is "graded" count).
    questions : list of str
        The question columns.
    easy, hard : float
        Difficulty above ``easy`` flags "too easy"; below ``hard``, "too hard".

    Returns
    -------
    pandas.DataFrame
        Columns ``question``, ``graded`` (how many graded rows),
        ``mean_points``, ``max_points`` (``possible`` of the first graded
        row divided by the number of questions), ``difficulty``,
        ``discrimination`` (NaN where undefined) and ``flags`` (joined by
        ``"; "``).
    """
    graded = gradebook[gradebook["status"] == "graded"]
    scores = graded[questions].astype(float)
    possible = float(graded["possible"].astype(float).iloc[0]) if len(graded) else float(len(questions))
    maximum = possible / len(questions)
    total = scores.sum(axis=1)
    rows = []
    for q in questions:
        item = scores[q]
        rest = total - item
        difficulty = float((item / maximum).mean()) if len(item) and maximum else math.nan
        if len(item) > 1 and item.std(ddof=0) > 0 and rest.std(ddof=0) > 0:
            discrimination = float(item.corr(rest))
        else:
            discrimination = math.nan
        flags = []
        if difficulty > easy:
            flags.append("too easy")
        if difficulty < hard:
            flags.append("too hard")
        if discrimination < 0:
            flags.append("negatively discriminating")
        rows.append({"question": q, "graded": len(item), "mean_points": float(item.mean()) if len(item) else math.nan,
                     "max_points": maximum, "difficulty": difficulty, "discrimination": discrimination,
                     "flags": "; ".join(flags)})
    return pd.DataFrame(rows)


def score_histogram(gradebook: pd.DataFrame):
    """A histogram of the graded submissions' totals (one bar per half point): a matplotlib Figure.

    Parameters
    ----------
    gradebook : pandas.DataFrame
        Rows of the plain gradebook (only rows whose status is "graded" count).

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot (nothing is shown).
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    graded = gradebook[gradebook["status"] == "graded"]
    totals = graded["total"].astype(float)
    possible = float(graded["possible"].astype(float).iloc[0]) if len(graded) else 1.0
    figure = Figure(figsize=(6, 3.2), layout="constrained")
    axes = figure.add_subplot()
    edges = [x / 2 - 0.25 for x in range(int(possible * 2) + 2)]
    axes.hist(totals, bins=edges, color="#4c72b0", edgecolor="white")
    axes.set_xlabel(f"total score (of {possible:g})")
    axes.set_ylabel("submissions")
    axes.set_xlim(-0.5, possible + 0.5)
    locator = axes.yaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # matplotlib's default AutoLocator: keep its steps, whole counts only
        locator.set_params(integer=True)
    return figure


def write_report(gradebook_path: Path, out: Path, easy: float = EASY, hard: float = HARD) -> list[Path]:
    """Write ``item-analysis.html`` and ``item-analysis.csv`` to ``out``; returns their paths.

    Parameters
    ----------
    gradebook_path : Path
        The plain gradebook CSV.
    out : Path
        The folder to write into (made if needed).
    easy, hard : float
        The thresholds of :func:`item_statistics`.

    Returns
    -------
    list of Path
        The HTML page (with the histogram embedded) and the CSV of :func:`item_statistics`.

    Raises
    ------
    MscteachError
        If the gradebook cannot be read (see :func:`read_gradebook`).
    """
    import jinja2

    from ..atomic import write_atomically

    gradebook, questions = read_gradebook(gradebook_path)
    stats = item_statistics(gradebook, questions, easy, hard)
    figure = score_histogram(gradebook)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=120)
    graded = gradebook[gradebook["status"] == "graded"]
    totals = graded["total"].astype(float)
    environment = jinja2.Environment(loader=jinja2.PackageLoader("mscteach.classroom", "templates"),
                                     autoescape=True, keep_trailing_newline=True)
    page = environment.get_template("item_analysis.html.j2").render(
        source=Path(gradebook_path).name, stats=stats.to_dict("records"), easy=easy, hard=hard,
        n_graded=len(graded), n_all=len(gradebook), mean_total=float(totals.mean()) if len(totals) else None,
        possible=float(graded["possible"].astype(float).iloc[0]) if len(graded) else None,
        histogram=base64.b64encode(buffer.getvalue()).decode("ascii"),
        alt=_histogram_alt(totals), ungraded=gradebook[gradebook["status"] != "graded"].to_dict("records"),
        fmt=_fmt)
    out = Path(out)
    html, table = out / "item-analysis.html", out / "item-analysis.csv"
    write_atomically(table, lambda part: stats.to_csv(part, index=False, float_format="%.4g"))
    write_atomically(html, lambda part: part.write_text(page, encoding="utf-8"))
    return [html, table]


def _histogram_alt(totals: pd.Series) -> str:
    counts = totals.value_counts().sort_index()
    parts = [f"{count} scored {score:g}" for score, count in counts.items()]
    return "Histogram of total scores: " + (", ".join(parts) if parts else "no graded submissions") + "."


def _fmt(value: float, digits: int = 2) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"
