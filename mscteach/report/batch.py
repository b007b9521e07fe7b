"""Many briefs at once: a grid of questions written in parallel, PDFs printed by one browser at the end."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..data.validation import require_valid
from ..errors import MscteachError, ReportParameterError
from ..printing import print_pdfs
from ..runner import NotebookFailure, ensure_writable_folder, skip_unused_format_checkers, worker_pool
from .questions import check_parameters, report_name
from .writers import check_formats, write_brief

__all__ = ["BatchResult", "write_batch"]


@dataclass
class BatchResult:
    """Where a batch wrote its briefs and which failed.

    Parameters
    ----------
    written : list of Path, optional
        The HTML file of every brief written (sorted), also when only its
        JSON or PDF was kept.
    failed : list of tuple of (str, str), optional
        ``(html file, error message)`` for every brief whose run failed
        (sorted).
    """

    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _write_one(parameters: Mapping[str, Any], out: str, data: str | None,
               formats: tuple[str, ...] = ("html", "json")) -> tuple[str, str | None]:
    try:
        write_brief(parameters, Path(out), data=Path(data) if data else None, formats=formats)
        return out, None
    except (NotebookFailure, MscteachError) as exc:
        return out, str(exc)


def write_batch(grid: Iterable[Mapping[str, Any]], out_dir: Path, jobs: int = 2, progress: bool = True,
                data: Path | None = None, formats: Iterable[str] = ("html", "json"),
                paper: str = "A4") -> BatchResult:
    """Write one brief per parameter set into ``out_dir``, ``jobs`` at a time.

    Every parameter set is validated before any kernel starts; one bad set
    stops the batch with a :class:`ReportParameterError` naming it. PDFs are
    printed after the kernels are done, by one headless Chromium for the batch.

    Parameters
    ----------
    grid : iterable of mapping of str to object
        One parameter set per brief (:func:`~mscteach.report.expand_grid`,
        :func:`~mscteach.report.read_grid`). Each brief's files are named by
        :func:`~mscteach.report.report_name` of its set as given.
    out_dir : Path
        The folder for the briefs (made if needed).
    jobs : int, default 2
        Briefs run at once, in worker processes (at least 1).
    progress : bool, default True
        Show a progress bar.
    data : Path, optional
        The data folder (default: the one in use, ``$MSCTEACH_DATA_DIR`` or
        the packaged data).
    formats : iterable of str, default ("html", "json")
        Which files to write for each brief
        (:func:`~mscteach.report.writers.check_formats`); with ``"pdf"`` and
        without ``"html"`` the HTML is written for printing, then removed.
    paper : {"A4", "Letter"}, default "A4"
        The PDFs' paper size.

    Returns
    -------
    BatchResult
        The briefs written and those that failed; a failed brief (its
        template failed or its files could not be written) does not stop
        the others.

    Raises
    ------
    DataValidationError
        Before any kernel starts, if the data folder has problems (nothing is written).
    ReportParameterError
        Before any kernel starts, for a bad parameter set ("brief N of the
        grid: ...").
    ReportOutputError
        Before any kernel starts, for an unknown format or paper size, or PDF
        without a printer.
    MscteachError
        Before any kernel starts, for an empty grid, ``jobs`` below 1, two
        sets with the same file name, or a folder that cannot be written to;
        afterwards if the PDFs cannot be printed.
    """
    from tqdm.auto import tqdm

    skip_unused_format_checkers()
    grid = [dict(g) for g in grid]
    if not grid:
        raise MscteachError("the parameter grid is empty")
    if jobs < 1:
        raise MscteachError(f"--jobs must be at least 1, got {jobs}")
    formats = check_formats(formats, paper)
    require_valid(data, "writing the briefs")
    for i, params in enumerate(grid, 1):
        try:
            check_parameters(params, data)
        except ReportParameterError as exc:
            exc.args = (f"brief {i} of the grid: {exc}",)
            raise
    names = [report_name(p) for p in grid]
    if len(set(names)) != len(names):
        raise MscteachError("two briefs in the grid have the same parameters")
    out_dir = Path(out_dir)
    ensure_writable_folder(out_dir)
    result = BatchResult()
    with worker_pool(min(jobs, len(grid))) as pool:
        made = tuple(f for f in formats if f != "pdf") + (("html",) if "pdf" in formats else ())
        futures = [pool.submit(_write_one, p, str(out_dir / f"{n}.html"), str(data) if data else None,
                               tuple(dict.fromkeys(made)))
                   for p, n in zip(grid, names)]
        for future in tqdm(as_completed(futures), total=len(futures), desc="briefs", unit="brief", disable=not progress):
            out, error = future.result()
            if error:
                result.failed.append((out, error))
            else:
                result.written.append(Path(out))
    if "pdf" in formats and result.written:  # one browser prints them all
        try:
            print_pdfs([(page, page.with_suffix(".pdf")) for page in result.written], paper)
        finally:
            if "html" not in formats:
                for page in result.written:
                    page.unlink(missing_ok=True)
    result.written.sort()
    result.failed.sort()
    return result
