"""Parameterised evidence briefs: from a question to a readable HTML page and a JSON summary.

:func:`check_parameters` validates the parameters before any kernel starts;
:func:`evidence_brief` computes everything a brief shows (a pure function of
the data and the parameters); the template notebook ``reports/evidence_brief.ipynb``
displays it; :func:`write_brief` runs the template with papermill, renders it
without code, and writes the HTML and its JSON summary atomically;
:func:`write_batch` does that for a grid of parameters in parallel.
"""
from __future__ import annotations

import datetime as _dt
import html
import itertools
import json
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import analysis, display, i18n
from .data import load, vocabulary
from .i18n import say
from .runner import NotebookFailure, ensure_writable_folder, execute_notebook, render_html, \
    skip_unused_format_checkers, worker_pool, write_atomically
from .errors import MscteachError, ReportOutputError, ReportParameterError, UnknownNameError
from .printing import PAPERS, print_pdfs, printer

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

DEFAULTS: dict[str, Any] = {
    "disease": "all", "cell_type": "all", "cell_origin": "all", "design": "all",
    "year_from": 1900, "year_to": 2100, "include_preclinical": True,
    "title": "Evidence brief: MSC therapy for liver disease", "author": "", "lang": "en",
}
#: Report parameters restricted to a controlled vocabulary: (table, field) in the schema.
VOCABULARY = {"disease": ("clinical_studies", "disease"), "cell_type": ("clinical_studies", "cell_type"),
              "cell_origin": ("clinical_studies", "cell_origin"), "design": ("clinical_studies", "design")}


def template_path() -> Path:
    """The report template notebook: the workspace's, the installed copy, or the checkout's."""
    from .resources import course_folder

    return course_folder("reports") / "evidence_brief.ipynb"


def check_parameters(parameters: Mapping[str, Any], data: Path | None = None) -> dict[str, Any]:
    """Validate and complete report parameters; return them with defaults filled in.

    Raises
    ------
    ReportParameterError
        For an unknown parameter name, a value outside the schema's vocabulary
        (naming the allowed values and the closest match), or a value of the
        wrong type.
    """
    unknown = [name for name in parameters if name not in DEFAULTS]
    if unknown:
        raise ReportParameterError("parameter", unknown[0], list(DEFAULTS))
    values = {**DEFAULTS, **parameters}
    for name, (table, column) in VOCABULARY.items():
        allowed = ["all", *vocabulary(table, column, data)]
        if values[name] not in allowed:
            raise ReportParameterError(f"value for --{name.replace('_', '-')}", values[name], allowed)
    for name in ("year_from", "year_to"):
        values[name] = _as_int(name, values[name])
    if values["year_from"] > values["year_to"]:
        raise ReportParameterError("year range", f"{values['year_from']}-{values['year_to']}",
                                   ["year_from <= year_to"])
    values["include_preclinical"] = _as_bool(values["include_preclinical"])
    for name in ("title", "author"):
        if not isinstance(values[name], str):
            raise ReportParameterError(f"type for {name}", type(values[name]).__name__, ["str"])
    if values["lang"] not in i18n.LANGUAGES:
        raise ReportParameterError("value for --lang", values["lang"], list(i18n.LANGUAGES))
    return values


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ReportParameterError(f"value for --{name.replace('_', '-')}", value, ["a year, e.g. 2010"])
    try:
        return int(str(value).strip())
    except ValueError:
        raise ReportParameterError(f"value for --{name.replace('_', '-')}", value, ["a year, e.g. 2010"]) from None


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ReportParameterError("value for --include-preclinical", value, ["true", "false"])


@dataclass
class EvidenceBrief:
    """Everything an evidence brief shows, computed from the data for one set of parameters."""

    parameters: dict[str, Any]
    clinical: pd.DataFrame
    animal: pd.DataFrame
    mechanisms: pd.DataFrame
    effects: pd.DataFrame
    pooled: dict[str, Any] = field(default_factory=dict)
    pooled_results: list = field(default_factory=list)
    challenges: pd.DataFrame = field(default_factory=pd.DataFrame)
    references: pd.DataFrame = field(default_factory=pd.DataFrame)
    poolability: str = ""
    findings: pd.DataFrame = field(default_factory=pd.DataFrame)
    preclinical_note: str = ""
    #: registered trials matching the disease and cells (None: no registry export imported into the data folder)
    registered: pd.DataFrame | None = None
    registered_on: str = ""

    @property
    def lang(self) -> str:
        """The language the brief is written in ("en" or "fa")."""
        return self.parameters.get("lang", "en")

    @property
    def counts(self) -> dict[str, Any]:
        primary = self.clinical[analysis.primary(self.clinical)]
        return {
            "clinical_studies": int(len(self.clinical)),
            "patients_treated": int(primary["n_treated"].fillna(0).sum()),
            "patients_total": int(primary["n_total"].fillna(0).sum()),
            "designs": {d: int(n) for d, n in self.clinical["design"].value_counts().sort_index().items()},
            "preclinical_studies": int(len(self.animal)),
        }

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary: parameters, counts, study ids, pooled estimates, references."""
        return {
            "parameters": self.parameters,
            "counts": self.counts,
            "clinical_study_ids": self.clinical["study_id"].tolist(),
            "preclinical_study_ids": self.animal["study_id"].tolist(),
            "per_study_effects": [
                {"study_id": r.study_id, "outcome": r.outcome, "timepoint": r.timepoint, "measure": "RR",
                 **({"estimate": round(float(r.effect), 4), "ci_low": round(float(r.ci_low), 4),
                     "ci_high": round(float(r.ci_high), 4)} if r.included
                    else {"estimate": None, "reason": r.excluded_reason})}
                for r in self.effects.itertuples()],
            "pooled": self.pooled,
            "summary_of_findings": [
                {"outcome": r.outcome, "timepoint": r.timepoint, "studies": int(r.studies),
                 "participants": {"treated": int(r.n_treated), "control": int(r.n_control)},
                 "relative_effect": r.relative_effect, "absolute_effect": r.absolute_effect,
                 "certainty": r.level, "reasons": r.reasons, "assessment": r.assessment}
                for r in self.findings.itertuples()],
            "registered_trials": None if self.registered is None else [
                {"registry_id": r["registry_id"], "title": r["title"], "status": r["status"],
                 "phase_registered": r["phase_registered"], "enrolment": r["enrolment"],
                 "enrolment_type": r["enrolment_type"], "published_study_id": r["published_study_id"]}
                for r in self.registered.astype(object).where(self.registered.notna(), None).to_dict("records")],
            "reference_ids": self.references["ref_id"].tolist(),
            "source": "Moudi B, Karbalaie-Harofteh M, Moudi M. Razi J Med Sci. 2025;32:43 (CC BY-NC-SA 4.0)",
        }


def evidence_brief(parameters: Mapping[str, Any], data: Path | None = None) -> EvidenceBrief:
    """Compute the content of an evidence brief (validating the parameters first).

    ``data`` is the data folder (default: the one in use, ``$MSCTEACH_DATA_DIR``
    or the packaged data).
    """
    p = check_parameters(parameters, data)
    every_study, every_outcome = load("clinical_studies", data), load("outcomes", data)
    clinical = analysis.choose(every_study, disease=p["disease"], cell_type=p["cell_type"],
                               cell_origin=p["cell_origin"], design=p["design"])
    clinical = clinical[(clinical["year"] >= p["year_from"]) & (clinical["year"] <= p["year_to"])]
    clinical = analysis.evidence_table(clinical)
    animal = load("animal_studies", data).iloc[0:0]
    preclinical_note = ""
    if p["include_preclinical"]:
        animal = analysis.related(load("animal_studies", data), "disease", load("related_models", data),
                                  "animal_disease", p["disease"])
        animal = animal[(animal["year"] >= p["year_from"]) & (animal["year"] <= p["year_to"])]
        if p["cell_type"] != "all" and len(animal):  # the disease's models AND the question's cells
            same_cells = animal[animal["cell_type"].astype(str).str.startswith(p["cell_type"])]
            if len(same_cells):
                animal = same_cells
            else:
                preclinical_note = (f"None of the {len(animal)} related preclinical "
                                    f"{analysis.plural(len(animal), 'study', 'studies')} used {p['cell_type']}; "
                                    "the nearest evidence, the same models with other cells, is shown.")
    mechanisms = analysis.related(load("mechanisms", data), "category", load("related_mechanisms", data),
                                  "mechanism_category", p["disease"])
    binary = analysis.binary_outcomes(every_outcome, every_study)
    binary = binary[binary["study_id"].isin(clinical["study_id"])]
    effects = analysis.study_effects(binary) if len(binary) else binary.assign(
        effect=[], ci_low=[], ci_high=[], corrected=[], included=[], excluded_reason=[])
    pooled, results = {}, []
    for (outcome, timepoint), rows in binary.groupby(["outcome", "timepoint"]):
        if rows["study_id"].nunique() < 2:
            continue
        res = analysis.meta_analysis(rows)
        results.append((outcome, timepoint, res))
        key = f"{outcome} ({timepoint})"
        pooled[key] = ({"measure": res.measure, "method": res.method, "k": res.k,
                        "estimate": round(res.estimate, 4), "ci_low": round(res.ci_low, 4),
                        "ci_high": round(res.ci_high, 4), "i2": round(res.i2, 1),
                        "excluded": [list(e) for e in res.excluded], "warnings": list(res.warnings)}
                       if res.pooled else {"measure": res.measure, "estimate": None, "reason": res.reason})
    challenges = load("challenges", data)
    cited = set(analysis.references_cited(clinical)) | set(analysis.references_cited(animal)) \
        | set(analysis.references_cited(mechanisms)) | set(analysis.references_cited(challenges))
    references = analysis.further_reading(load("references", data), cited)
    from . import grade

    outcomes = every_outcome[every_outcome["study_id"].isin(clinical["study_id"])]
    findings = grade.summary_of_findings(outcomes, every_study,
                                         disease=None if p["disease"] == "all" else p["disease"])
    from .registry import last_import, registered_trials

    every_registered = registered_trials(data)
    registered = None if every_registered is None else \
        analysis.matching_registered(every_registered, disease=p["disease"], cell_type=p["cell_type"])
    imported = last_import(data) if every_registered is not None else None
    return EvidenceBrief(p, clinical.reset_index(drop=True), animal.reset_index(drop=True), mechanisms,
                         effects.reset_index(drop=True), pooled, results, challenges, references,
                         analysis.poolability_statement(outcomes, every_study, lang=p["lang"]), findings,
                         preclinical_note, registered, imported["imported_on"] if imported else "")


def shown_title(p: Mapping[str, Any]) -> str:
    """The brief's title: the one given, or (for the default) one that states the question."""
    return question_title(p) if p["title"] == DEFAULTS["title"] else p["title"]


def _term(value: Any, lang: str) -> str:
    """A vocabulary value (a disease, a design) in the language, from the figures' catalogue."""
    return i18n.text(str(value), lang)


def question_title(p: Mapping[str, Any]) -> str:
    """A title that states the question, e.g. "MSC therapy for ACLF: UC-MSC, randomised trials" (plain text)."""
    lang = p.get("lang", "en")
    parts = [] if p["cell_type"] == "all" else [str(p["cell_type"])]
    if p["cell_origin"] != "all":
        parts.append(say("{origin} cells", lang, origin=_term(p["cell_origin"], lang)))
    if p["design"] != "all":
        parts.append(say("{design} studies", lang, design=_term(p["design"], lang)))
    if (p["year_from"], p["year_to"]) != (DEFAULTS["year_from"], DEFAULTS["year_to"]):
        parts.append(say("{year_from}-{year_to}", lang, year_from=p["year_from"], year_to=p["year_to"]))
    if p["disease"] == "all":
        title = say("Evidence brief: MSC therapy for liver disease", lang)
    else:
        title = say("Evidence brief: MSC therapy for {disease}", lang, disease=_term(p["disease"], lang))
    comma = say(", ", lang)
    return title + (f" ({comma.join(parts)})" if parts else "")


def question_text(p: Mapping[str, Any]) -> str:
    """The question a brief answers, in words (HTML-escaped: parameters may hold any text)."""
    lang = p.get("lang", "en")

    def shown(name: str) -> str:
        return html.escape(_term(p[name], lang))

    return say("disease: <b>{disease}</b>; cells: <b>{cells}</b>; origin: <b>{origin}</b>; design: <b>{design}</b>; "
               "years: <b>{year_from}-{year_to}</b>; preclinical studies: <b>{preclinical}</b>", lang,
               disease=shown("disease"), cells=shown("cell_type"), origin=shown("cell_origin"),
               design=shown("design"), year_from=p["year_from"], year_to=p["year_to"],
               preclinical=say("included", lang) if p["include_preclinical"] else say("left out", lang))


def header_html(p: Mapping[str, Any], generated: str) -> str:
    """The brief's title block; title and author are escaped, so any text shows as text."""
    lang = p.get("lang", "en")
    author = ("<p>" + say("Prepared by {author}", lang, author=html.escape(p["author"])) + "</p>") if p["author"] else ""
    return (f"<h1>{html.escape(shown_title(p))}</h1>{author}<p>"
            + say("<i>Question</i>: {question}.<br><i>Generated</i>: {generated} from the mscteach evidence tables.",
                  lang, question=question_text(p), generated=html.escape(i18n.digits(generated, lang)))
            + "</p>")


def report_name(parameters: Mapping[str, Any]) -> str:
    """A file name for a brief from its non-default parameters, e.g. ``disease-ACLF_cell-type-UC-MSC``."""
    parts = []
    for name in ("disease", "cell_type", "cell_origin", "design", "year_from", "year_to", "include_preclinical",
                 "lang"):
        if name in parameters and parameters[name] != DEFAULTS[name]:
            value = re.sub(r"[^A-Za-z0-9.-]+", "-", str(parameters[name])).strip("-")
            parts.append(f"{name.replace('_', '-')}-{value}")
    return "_".join(parts) or "all"


# --------------------------------------------------------------------------- running
def check_output(path: Path) -> Path:
    """A brief's output must be an ``.html`` file name; its JSON summary is written beside it.

    Raises
    ------
    ReportOutputError
        For any other suffix (``brief.json`` would be overwritten by its own summary).
    """
    path = Path(path)
    if path.suffix.lower() != ".html":
        raise ReportOutputError(f"the output must be an .html file (the JSON summary is written beside it, "
                                f"as {path.with_suffix('.json').name}); got {str(path)!r}: "
                                f"try -o {path.with_suffix('.html')}")
    return path


FORMATS = ("html", "pdf", "json")
#: What a brief adds to the page: tables for readers (text left, numbers right), and on paper, tables that
#: wrap instead of running off the page.
PRINT_CSS = """<style>
.mscteach-table th, .mscteach-table td { text-align: left !important; vertical-align: top !important; }
.mscteach-table td.number { text-align: right !important; }
@media print {
  body { font-size: 10pt; }
  table { width: 100% !important; border-collapse: collapse; }
  th, td { overflow-wrap: anywhere; hyphens: auto; font-size: 8pt; padding: 2px 3px; }
  tr, img, figure { break-inside: avoid; }
  h2 { break-after: avoid; }
  img { max-width: 100% !important; height: auto !important; }
  .jp-OutputArea-output { overflow: visible !important; }
}
</style>"""


def check_formats(formats: Iterable[str], paper: str = "A4") -> tuple[str, ...]:
    """The output formats asked for (a non-empty subset of html, pdf, json), checked before any kernel starts.

    Raises
    ------
    ReportOutputError
        For an unknown format or paper size, or PDF without a printer (Chromium and playwright).
    """
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise ReportOutputError(f"unknown output format {', '.join(unknown) or '(none)'}: choose from "
                                f"{', '.join(FORMATS)}, e.g. --format html,pdf,json")
    if paper not in PAPERS:
        raise ReportOutputError(f"unknown paper size {paper!r}: choose {' or '.join(PAPERS)}")
    if "pdf" in chosen:
        try:
            printer()
        except MscteachError as exc:
            raise ReportOutputError(f"{exc}, or leave pdf out of --format") from None
    return chosen


def _check_writable(path: Path) -> None:
    ensure_writable_folder(path.parent, "folder")
    if path.is_dir():
        raise MscteachError(f"{str(path)!r} is a folder; give a file name ending in .html")


def write_brief(parameters: Mapping[str, Any], out: Path, template: Path | None = None,
                data: Path | None = None, formats: Iterable[str] = ("html", "json"),
                paper: str = "A4") -> dict[str, Any]:
    """Run the report template for ``parameters`` and write ``out`` (HTML), ``out.json`` and ``out.pdf``.

    ``formats`` chooses which of the three are written (default HTML and JSON;
    PDF is printed by headless Chromium on ``paper``, A4 or Letter). Every file
    is written atomically: a failed run leaves no partial file and an existing
    file is replaced only by a complete new one. ``data`` is the data folder
    (the template's kernel reads the same one).

    Returns
    -------
    dict
        The JSON summary written beside the HTML.

    Raises
    ------
    ReportParameterError
        Before any kernel starts, for a bad parameter.
    ReportOutputError
        Before any kernel starts, for an output that is not an .html file.
    MscteachError
        If the output cannot be written.
    NotebookFailure
        If the template fails.
    """
    skip_unused_format_checkers()
    values = check_parameters(parameters, data)
    out = check_output(Path(out))
    formats = check_formats(formats, paper)
    _check_writable(out)
    summary = evidence_brief(values, data).summary()
    with tempfile.TemporaryDirectory(prefix="mscteach-report-") as tmp:
        executed = Path(tmp) / "brief.ipynb"
        execute_notebook(template or template_path(), executed, values, data=data)
        if values["lang"] != "en":
            translate_headings(executed, values["lang"])
        html_tmp = Path(tmp) / "brief.html"
        render_html(executed, html_tmp, exclude_input=True, lang=values["lang"])
        page = html_tmp.read_text(encoding="utf-8")
        page = re.sub(r"<title>.*?</title>", f"<title>{html.escape(shown_title(values))}</title>", page, count=1,
                      flags=re.S)
        page = page.replace("</head>", PRINT_CSS + "</head>", 1)
        if values["lang"] != "en":
            page = in_language(page, values["lang"])
        if "html" in formats:
            write_atomically(out, lambda part: part.write_text(page, encoding="utf-8"))
        if "pdf" in formats:
            html_tmp.write_text(page, encoding="utf-8")
            print_pdfs([(html_tmp, out.with_suffix(".pdf"))], paper)
    if "json" in formats:
        write_atomically(out.with_suffix(".json"), lambda part: part.write_text(
            json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"))
    return summary


#: The template's own page name in the translation catalogues (``mscteach/locale/LANG/LC_MESSAGES/evidence_brief.po``).
TEMPLATE_PAGE = "evidence_brief"


def translate_headings(notebook: Path, lang: str) -> None:
    """Translate an executed brief's markdown cells (headings, introductions) in place (untranslated ones stay English)."""
    import nbformat

    from . import translations

    nb = nbformat.read(str(notebook), as_version=4)
    known = translations.catalogue(lang, TEMPLATE_PAGE)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translations.translate_markdown(cell.source, known).text
    nbformat.write(nb, str(notebook))


@lru_cache(maxsize=2)
def font_css(family: str = "Vazirmatn") -> str:
    """@font-face rules carrying the Persian font inside the page (a brief is one file; PDF needs the font too)."""
    import base64

    from .i18n import FONT_FILES

    return "".join(
        f"@font-face {{ font-family: {family}; font-weight: {weight}; font-display: block; "
        f"src: url(data:font/woff2;base64,{base64.b64encode(path.read_bytes()).decode('ascii')}) format('woff2'); }}\n"
        for weight, path in FONT_FILES.items())


#: A right-to-left brief: Vazirmatn for the text; tables, code and references left to right as on the course site,
#: each table cell and list item taking the direction of its own text.
RTL_CSS = """<style>
{fonts}
:root {{ --jp-content-font-family: Vazirmatn, Tahoma, sans-serif; --jp-ui-font-family: Vazirmatn, Tahoma, sans-serif; }}
html[dir="rtl"] body, html[dir="rtl"] .jp-RenderedHTMLCommon {{ font-family: Vazirmatn, Tahoma, sans-serif; }}
html[dir="rtl"] .jp-RenderedHTMLCommon {{ text-align: right; }}
html[dir="rtl"] .jp-RenderedHTMLCommon ul {{ padding-left: 0; padding-right: 2em; }}
html[dir="rtl"] .mscteach-table, html[dir="rtl"] .references, html[dir="rtl"] pre, html[dir="rtl"] code {{
  direction: ltr; }}
html[dir="rtl"] .mscteach-table th, html[dir="rtl"] .mscteach-table td, html[dir="rtl"] li {{ unicode-bidi: plaintext; }}
html[dir="rtl"] .references p {{ text-align: left; }}
</style>"""


def in_language(page: str, lang: str) -> str:
    """A rendered brief marked as ``lang`` (``lang``/``dir`` on ``<html>``), with its font inside the page."""
    from .translations import RTL

    direction = "rtl" if lang in RTL else "ltr"
    page = re.sub(r"<html\b[^>]*>", f'<html lang="{lang}" dir="{direction}">', page, count=1)
    return page.replace("</head>", RTL_CSS.format(fonts=font_css()) + "</head>", 1) if direction == "rtl" else page


def expand_grid(values: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All combinations of repeated parameter values, in a stable order."""
    names = list(values)
    return [dict(zip(names, combo)) for combo in itertools.product(*(values[n] for n in names))]


def read_grid(path: Path) -> list[dict[str, Any]]:
    """Read a parameter grid: a CSV file (one brief per row) or a YAML/JSON list of mappings.

    Raises
    ------
    MscteachError
        In one line naming the file and row (CSV) or line (YAML) for a file
        that cannot be read: a row with more or fewer fields than the header,
        an unclosed quote, an empty file, a YAML syntax error.
    """
    import csv
    import io

    path = Path(path)
    if not path.is_file():
        raise MscteachError(f"grid file {str(path)!r} does not exist")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise MscteachError(f"grid file {path}: not UTF-8 text; save it as UTF-8") from None
    if not text.strip():
        raise MscteachError(f"grid file {path} is empty: give a header row of parameter names and one row per brief")
    if path.suffix.lower() == ".csv":
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        try:
            records = list(reader)
        except csv.Error as exc:
            raise MscteachError(f"grid file {path}, row {reader.line_num}: {exc} (an unclosed quote?)") from None
        header, grid = [h.strip() for h in records[0]], []
        for number, record in enumerate(records[1:], start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise MscteachError(f"grid file {path}, row {number}: {len(record)} fields where the header has "
                                    f"{len(header)} ({', '.join(header)})")
            grid.append({k: v for k, v in zip(header, record) if v != ""})
        return grid
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f", line {mark.line + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise MscteachError(f"grid file {path}{where}: not valid YAML ({problem})") from None
        if isinstance(data, dict) and "briefs" in data:
            data = data["briefs"]
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise MscteachError(f"{path}: expected a list of parameter mappings (or 'briefs:' with such a list)")
        return data
    raise MscteachError(f"{path}: a grid file must be .csv, .yaml, .yml or .json")


@dataclass
class BatchResult:
    """Where a batch wrote its briefs and which failed."""

    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _write_one(parameters: dict[str, Any], out: str, data: str | None,
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
    """
    from tqdm.auto import tqdm

    skip_unused_format_checkers()
    grid = [dict(g) for g in grid]
    if not grid:
        raise MscteachError("the parameter grid is empty")
    if jobs < 1:
        raise MscteachError(f"--jobs must be at least 1, got {jobs}")
    formats = check_formats(formats, paper)
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


def generated_at() -> str:
    """When a brief is generated (UTC, to the minute)."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


# --------------------------------------------------------------------------- sections of the template
# Every text that comes from the data or the parameters is HTML-escaped here: a finding such as
# "ALT fell to <ULN" shows as written, and markup in a data field never reaches the page.
def _esc(value: Any) -> str:
    if isinstance(value, list):
        return html.escape(", ".join(map(str, value)))
    return "–" if analysis.is_missing(value) else html.escape(str(value))


def _table(table: pd.DataFrame, lang: str = "en", translated: Sequence[str] = ()) -> Any:
    """A table for readers, drawn by :func:`mscteach.display.table_html` like every table of the course.

    In a language other than English the column labels are translated, and so are the cells of the
    ``translated`` columns (vocabulary and computed phrases; curated free text stays as written).
    """
    from IPython.display import HTML

    from .display import table_html

    if table.empty:
        return HTML("<p><i>" + say("None.", lang) + "</i></p>")
    if lang != "en":
        table = table.assign(**{c: table[c].map(lambda v: _phrase(v, lang)) for c in translated})
    return HTML(table_html(table, lang=lang))


def _phrase(value: Any, lang: str) -> Any:
    """A computed phrase in the language; phrases joined by "; " (flags, reasons) are translated one by one."""
    if not isinstance(value, str) or not value:
        return value
    return say("; ", lang).join(i18n.text(part, lang) for part in value.split("; "))


#: Findings the curators took from a study's own abstract say so in the data; the brief shows a mark and a footnote.
SOURCE_MARK = "†"


def _without_curation_notes(text: Any) -> Any:
    """A finding with the curators' "(source file)" notes turned into a footnote mark."""
    if not isinstance(text, str):
        return text
    text = re.sub(r"\s*\(([^()]*?)[;,]\s*(?:from the )?source file\)", rf" (\1) {SOURCE_MARK}", text)
    text = re.sub(r"\s*\(source file\)", f" {SOURCE_MARK}", text)
    return re.sub(r"\bSource file: ", f"{SOURCE_MARK} ", text)


def _paragraph(text: str) -> Any:
    """A paragraph of HTML that the caller has built from escaped parts."""
    from IPython.display import HTML

    return HTML(f"<p>{text}</p>")


def _number(value: float, lang: str = "en") -> str:
    return "–" if value != value else i18n.digits(f"{value:.2f}", lang)


def section(brief: EvidenceBrief, name: str) -> list:
    """The displayable items of one section of a brief (the template shows them in order)."""
    from IPython.display import HTML

    from . import plots

    lang, plural = brief.lang, analysis.plural
    if name == "counts":
        c = brief.counts
        designs = say(", ", lang).join(say("{n} {design}", lang, n=n, design=html.escape(_term(d, lang)))
                                       for d, n in c["designs"].items()) or say("none", lang)
        return [HTML("<ul><li>"
                     + say("<b>{n}</b> clinical {study_word} ({designs})", lang, n=c["clinical_studies"],
                           study_word=plural(c["clinical_studies"], "study", "studies"), designs=designs)
                     + "</li><li>"
                     + say("<b>{treated}</b> {patient_word} given cells, <b>{total}</b> in all (primary studies)",
                           lang, treated=c["patients_treated"], total=c["patients_total"],
                           patient_word=plural(c["patients_treated"], "patient", "patients"))
                     + "</li><li>"
                     + say("<b>{n}</b> preclinical {study_word}", lang, n=c["preclinical_studies"],
                           study_word=plural(c["preclinical_studies"], "study", "studies"))
                     + "</li></ul>")]
    if name == "meaning":
        return [_paragraph(_esc(plain_language(brief)))]
    if name == "certainty":
        if brief.findings.empty:
            return [_paragraph(say("No study matching this question reports an outcome counted in both arms, so "
                                   "there is nothing to rate.", lang))]
        table = brief.findings.rename(columns={"n_treated": "treated (n)", "n_control": "controls (n)",
                                               "relative_effect": "relative effect (95% CI)",
                                               "absolute_effect": "absolute effect", "reasons": "why"})
        return [_paragraph("<i>" + say("A rule-based first pass (mscteach.grade), not a panel's judgement: check "
                                       "each reason.", lang) + "</i>"),
                _table(table[["outcome", "timepoint", "studies", "treated (n)", "controls (n)",
                              "relative effect (95% CI)", "absolute effect", "certainty", "why"]], lang,
                       ["outcome", "timepoint", "relative effect (95% CI)", "absolute effect", "certainty", "why"])]
    if name == "clinical":
        if brief.clinical.empty:
            return [_paragraph(say("<b>No clinical study in the review matches this question.</b> Widen a parameter "
                                   "(e.g. <code>all</code>) to see related evidence.", lang))]
        table = brief.clinical.assign(study=brief.clinical["first_author"] + " " + brief.clinical["year"].astype(str),
                                      dose=analysis.dose_shown(brief.clinical))
        design = ["study", "disease", "cell_type", "design", "evidence_level", "n_treated", "n_control", "dose",
                  "route", "follow_up_weeks", "flags"]
        found = table[["study", "efficacy_finding", "safety_finding", "ref_ids"]].copy()
        for column in ("efficacy_finding", "safety_finding"):
            found[column] = found[column].map(_without_curation_notes)
        marked = found[["efficacy_finding", "safety_finding"]].astype(str).apply(
            lambda col: col.str.contains(SOURCE_MARK, regex=False)).to_numpy().any()
        note = say("{mark} From the study's own published abstract, not the review (the data's "
                   "<code>fields_from_sources</code> column says which fields).", lang, mark=SOURCE_MARK)
        return [_table(table[design], lang, ["disease", "design", "route", "flags"]),
                _paragraph("<b>" + say("What they found", lang) + "</b>"), _table(found, lang)] + \
            ([_paragraph(f'<small class="footnote">{note}</small>')] if marked else [])
    if name == "effects":
        items = [_paragraph(_markdown_bold(brief.poolability))]
        note = say("Note", lang)
        for outcome, timepoint, result in brief.pooled_results:
            items.append(_paragraph(f"<b>{_esc(_term(outcome, lang))} ({_esc(_term(timepoint, lang))})</b>: "
                                    f"{_esc(result.summary(lang))}"
                                    + "".join(f"<br><i>{note}</i>: {_esc(_phrase(w, lang))}"
                                              for w in result.warnings)))
            if result.pooled:
                items.append(display.localise_figure(plots.forest_plot(result), lang))
        if not brief.effects.empty:
            effects = brief.effects.assign(
                risk_ratio=[_number(v, lang) for v in brief.effects["effect"]],
                ci_95=[f"{_number(lo, lang)}-{_number(hi, lang)}" if inc else say("none: {why}", lang, why=_phrase(why, lang))
                       for lo, hi, inc, why in zip(brief.effects["ci_low"], brief.effects["ci_high"],
                                                   brief.effects["included"], brief.effects["excluded_reason"])])
            items += [_paragraph(say("Per-study risk ratios (treated vs control; below 1 means fewer events with "
                                     "cells):", lang)),
                      _table(effects[["study", "outcome", "timepoint", "events_treated", "n_treated", "events_control",
                                      "n_control", "risk_ratio", "ci_95", "corrected"]], lang, ["outcome", "timepoint"])]
        else:
            items.append(_paragraph(say("None of these studies reports a two-arm count that gives a per-study "
                                        "estimate.", lang)))
        return items
    if name == "preclinical":
        if not brief.parameters["include_preclinical"]:
            return [_paragraph(say("Preclinical studies were left out of this brief "
                                   "(<code>include_preclinical = False</code>).", lang))]
        if brief.animal.empty:
            return [_paragraph(say("<b>No preclinical study in the review matches this question.</b>", lang))]
        models = say(", ", lang).join(_esc(_term(m, lang)) for m in sorted(brief.animal["disease"].unique()))
        items = [] if brief.parameters["disease"] == "all" else [_paragraph(say(
            "Models shown as related to {disease}: {models} (a curation choice: the <code>related_models</code> "
            "table).", lang, disease=_esc(_term(brief.parameters["disease"], lang)), models=models))]
        if brief.preclinical_note:
            items.append(_paragraph(f"<b>{_esc(brief.preclinical_note)}</b>"))
        return items + [_table(brief.animal[["first_author", "year", "species", "model", "disease", "cell_type",
                                             "outcome", "finding", "ref_ids"]], lang, ["species", "disease"])]
    if name == "mechanisms":
        return [_table(brief.mechanisms[["category", "mediator", "target", "effect", "ref_ids"]], lang, ["category"])]
    if name == "registered":
        if brief.registered is None:
            return [_paragraph(say("No trial-registry export has been imported into this data folder, so trials "
                                   "registered since the review are not listed (data/README.md, \"Registered "
                                   "trials\", says how to add them).", lang))]
        if brief.registered.empty:
            return [_paragraph(say("None of the registered trials in the data folder matches this question's "
                                   "disease and cells.", lang))]
        n = len(brief.registered)
        return [_paragraph(say("{n} registered {trial_matches_word} this question's disease and cells (origin, "
                               "design and years do not apply to registry records). These are the registers' "
                               "records, not results: status as of the import of {imported_on}.", lang, n=n,
                               trial_matches_word=plural(n, "trial matches", "trials match"),
                               imported_on=_esc(i18n.digits(brief.registered_on, lang)))),
                _table(analysis.registered_overview(brief.registered).drop(columns=["disease"]), lang,
                       ["phase", "status"])]
    if name == "caveats":
        flagged = brief.clinical[~brief.clinical["flags"].isin(["none", "pools other studies"])]
        items = [_paragraph(say(
            "{flagged} of {n} matching {study_word} {carry_word} a quality flag (no control arm, fewer than "
            "{small} treated, or under {short} weeks of follow-up).", lang, flagged=len(flagged),
            n=len(brief.clinical), study_word=plural(len(brief.clinical), "study", "studies"),
            carry_word=plural(len(flagged), "carries", "carry"), small=analysis.SMALL_SAMPLE,
            short=analysis.SHORT_FOLLOW_UP))] if len(brief.clinical) else []
        p = brief.parameters
        specific, general = analysis.caveats_for(brief.challenges, p["disease"], p["cell_type"], p["cell_origin"])
        if len(specific):
            items += [_paragraph("<b>" + say("The review's caveats that name this question's disease, cells or "
                                             "origin:", lang) + "</b>"),
                      _table(specific[["challenge", "category", "description", "ref_ids"]], lang, ["category"])]
        general_list = "".join(
            f"<li>{_esc(r.challenge)} ({_esc(_term(r.category, lang))})"
            + (f" [{_esc(', '.join(map(str, r.ref_ids)))}]" if isinstance(r.ref_ids, list) and r.ref_ids else "")
            + "</li>" for r in general.itertuples())
        heading = (say("Other caveats the review raises for MSC therapy in general", lang) if len(specific)
                   else say("Caveats the review raises for MSC therapy in general", lang))
        items.append(HTML(f"<p><b>{heading}</b>:</p><ul>{general_list}</ul>"))
        return items
    if name == "references":
        if brief.references.empty:
            return [_paragraph(say("No references.", lang))]
        # the review's own numbers, written out (an HTML or Markdown list would renumber them)
        lines = "".join(f'<p class="reference" id="ref-{int(r.ref_id)}">[{int(r.ref_id)}] '
                        f'{_esc(r.citation)}</p>' for r in brief.references.itertuples())
        return [HTML(f'<div class="references">{lines}</div>')]
    raise UnknownNameError("section", name, ["counts", "meaning", "clinical", "effects", "certainty", "preclinical",
                                             "mechanisms", "registered", "caveats", "references"])


def plain_language(brief: EvidenceBrief) -> str:
    """What the evidence means, in plain words, generated from the brief's own numbers."""
    plural, lang = analysis.plural, brief.lang
    c = brief.counts
    if not c["clinical_studies"]:
        return say("No clinical study in the review answers this question, so nothing can be said about MSC therapy "
                   "for it in patients yet.", lang)
    randomised = int((brief.clinical["design"] == "RCT").sum())
    n = c["clinical_studies"]
    values = dict(n=n, study_word=plural(n, "study", "studies"), match_word=plural(n, "matches", "match"),
                  treated=c["patients_treated"], patient_word=plural(c["patients_treated"], "patient", "patients"))
    if randomised:
        text = say("{n} clinical {study_word} {match_word} this question, with {treated} {patient_word} given cells; "
                   "{randomised} {randomised_word}.", lang, randomised=randomised,
                   randomised_word=plural(randomised, "is a randomised trial", "are randomised trials"), **values)
    else:
        text = say("{n} clinical {study_word} {match_word} this question, with {treated} {patient_word} given cells; "
                   "none are randomised trials.", lang, **values)
    rated = brief.findings[brief.findings["relative_effect"] != "not estimable"] if not brief.findings.empty \
        else brief.findings
    for row in rated.itertuples():
        text += " " + say("For {outcome}, {studies} {study_word} ({patients} patients) found {effect} with MSCs; the "
                          "certainty of this evidence is {certainty}.", lang, outcome=_term(row.outcome, lang),
                          studies=row.studies, study_word=plural(row.studies, "study", "studies"),
                          patients=int(row.n_treated + row.n_control),
                          effect=_term(row.absolute_effect.split(" (")[0].replace(" per 1000", " per 1000 patients"),
                                       lang),
                          certainty=_term(row.level.lower(), lang))
    if rated.empty:
        text += " " + say("No study reports an outcome counted in both arms, so no effect can be estimated.", lang)
    if not brief.pooled or not any(v.get("estimate") is not None for v in brief.pooled.values()):
        text += " " + say("No outcome could be pooled across studies.", lang)
    return text + " " + say("Small, short and often uncontrolled studies cannot show that the therapy works: treat "
                            "these results as preliminary.", lang)


def _markdown_bold(text: str) -> str:
    """Escape a sentence and turn its **bold** parts into <b> (the only markup the statements use)."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))
