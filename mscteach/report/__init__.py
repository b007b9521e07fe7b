"""Parameterised evidence briefs: from a question to a readable HTML page and a JSON summary.

One job per module:

* :mod:`~mscteach.report.questions`: :func:`check_parameters` validates the parameters before any kernel
  starts (against the schema's vocabularies); the question in words and as a title;
* :mod:`~mscteach.report.grid`: grids of questions (:func:`expand_grid`, :func:`read_grid`);
* :mod:`~mscteach.report.content`: :func:`evidence_brief` computes everything a brief shows, once (a pure
  function of the data and the parameters);
* :mod:`~mscteach.report.sections`: what the template notebook ``reports/evidence_brief.ipynb`` displays,
  section by section (:func:`section`), through the templates of :mod:`mscteach.render`;
* :mod:`~mscteach.report.writers`: :func:`write_brief` runs the template with papermill, renders it without
  code, and writes the HTML, PDF and JSON atomically;
* :mod:`~mscteach.report.batch`: :func:`write_batch` does that for a grid of parameters in parallel.
"""
from __future__ import annotations

# every name the single module had stays importable from here (cli.py, the template and tests use several)
from ..errors import MscteachError, ReportOutputError, ReportParameterError, UnknownNameError  # noqa: F401
from .batch import BatchResult, write_batch  # noqa: F401
from .content import (  # noqa: F401
    EvidenceBrief, evidence_brief, generated_at, load_brief, plain_language, save_brief)
from .grid import expand_grid, read_grid  # noqa: F401
from .questions import (  # noqa: F401
    DEFAULTS, VOCABULARY, check_parameters, question_text, question_title, report_name, shown_title)
from .sections import SECTIONS, SOURCE_MARK, header_html, section  # noqa: F401
from .writers import (  # noqa: F401
    FORMATS, TEMPLATE_PAGE, check_formats, check_output, font_css, template_path, translate_headings, write_brief)

__all__ = [
    "DEFAULTS",
    "EvidenceBrief",
    "ReportOutputError",
    "ReportParameterError",
    "check_output",
    "check_parameters",
    "evidence_brief",
    "expand_grid",
    "read_grid",
    "report_name",
    "template_path",
    "write_batch",
    "write_brief",
]
