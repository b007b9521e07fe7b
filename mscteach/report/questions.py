"""The question a brief answers: its parameters checked against the schema's vocabularies, and said in words."""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from markupsafe import escape

from .. import i18n
from ..data import vocabulary
from ..errors import ReportParameterError
from ..i18n import say

__all__ = ["DEFAULTS", "VOCABULARY", "check_parameters", "question_text", "question_title", "report_name",
           "shown_title", "term"]

DEFAULTS: dict[str, Any] = {
    "disease": "all", "cell_type": "all", "cell_origin": "all", "design": "all",
    "year_from": 1900, "year_to": 2100, "include_preclinical": True,
    "title": "Evidence brief: MSC therapy for liver disease", "author": "", "lang": "en",
}
#: Report parameters restricted to a controlled vocabulary: (table, field) in the schema.
VOCABULARY = {"disease": ("clinical_studies", "disease"), "cell_type": ("clinical_studies", "cell_type"),
              "cell_origin": ("clinical_studies", "cell_origin"), "design": ("clinical_studies", "design")}


def check_parameters(parameters: Mapping[str, Any], data: Path | None = None) -> dict[str, Any]:
    """Validate and complete report parameters; return them with defaults filled in.

    Called before any kernel starts, so a bad parameter costs no notebook run.

    Parameters
    ----------
    parameters : mapping of str to object
        Some of the names in :data:`DEFAULTS`: ``disease``, ``cell_type``,
        ``cell_origin`` and ``design`` take ``"all"`` or a value of the
        schema's vocabulary for that field of ``clinical_studies``;
        ``year_from`` and ``year_to`` an int or a string of one;
        ``include_preclinical`` a bool or ``"true"``/``"yes"``/``"1"``,
        ``"false"``/``"no"``/``"0"`` (any case); ``title`` and ``author`` a
        str; ``lang`` one of :data:`mscteach.i18n.LANGUAGES`.
    data : Path, optional
        The data folder whose schema gives the vocabularies (default: the one
        in use, ``$MSCTEACH_DATA_DIR`` or the packaged data).

    Returns
    -------
    dict of str to object
        Every name of :data:`DEFAULTS`, the defaults under the values given;
        years as int and ``include_preclinical`` as bool.

    Raises
    ------
    ReportParameterError
        For an unknown parameter name, a value outside the schema's vocabulary
        (naming the allowed values and the closest match), a value of the
        wrong type, or ``year_from`` after ``year_to``.

    Examples
    --------
    >>> values = check_parameters({"disease": "ACLF", "year_from": "2010", "include_preclinical": "no"})
    >>> values["disease"], values["year_from"], values["include_preclinical"], values["design"]
    ('ACLF', 2010, False, 'all')
    >>> check_parameters({"desease": "ACLF"})
    Traceback (most recent call last):
    ...
    mscteach.errors.ReportParameterError: unknown parameter 'desease'; available: disease, cell_type, cell_origin,
    design, year_from, year_to, include_preclinical, title, author, lang (did you mean 'disease'?)
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


def term(value: Any, lang: str) -> str:
    """A vocabulary value (a disease, a design) in the language, from the figures' catalogue.

    Parameters
    ----------
    value : object
        The value as the data writes it (turned into a str).
    lang : str
        A language code of :data:`mscteach.i18n.LANGUAGES`.

    Returns
    -------
    str
        Its translation, or the value as written where the catalogue has none
        (names and abbreviations such as "ACLF" stay as they are).

    Examples
    --------
    >>> term("RCT", "en")
    'RCT'
    """
    return i18n.text(str(value), lang)


def shown_title(p: Mapping[str, Any]) -> str:
    """The brief's title: the one given, or (for the default) one that states the question.

    Parameters
    ----------
    p : mapping of str to object
        Checked parameters (:func:`check_parameters`).

    Returns
    -------
    str
        ``p["title"]`` as given (plain text, not escaped) unless it is the
        default title; then :func:`question_title`.

    Examples
    --------
    >>> shown_title(check_parameters({"title": "Ward round, 3 May"}))
    'Ward round, 3 May'
    >>> shown_title(check_parameters({"disease": "ACLF"}))
    'Evidence brief: MSC therapy for ACLF'
    """
    return question_title(p) if p["title"] == DEFAULTS["title"] else p["title"]


def question_title(p: Mapping[str, Any]) -> str:
    """A title that states the question, in the brief's language (plain text, not escaped).

    Parameters
    ----------
    p : mapping of str to object
        Checked parameters (:func:`check_parameters`); ``lang`` defaults to
        ``"en"`` when missing.

    Returns
    -------
    str
        "Evidence brief: MSC therapy for" the disease (or "liver disease"),
        then in brackets the non-default cells, origin, design and years.

    Examples
    --------
    >>> question_title(check_parameters({"disease": "ACLF", "cell_type": "UC-MSC", "design": "RCT"}))
    'Evidence brief: MSC therapy for ACLF (UC-MSC, RCT studies)'
    >>> question_title(check_parameters({}))
    'Evidence brief: MSC therapy for liver disease'
    """
    lang = p.get("lang", "en")
    parts = [] if p["cell_type"] == "all" else [str(p["cell_type"])]
    if p["cell_origin"] != "all":
        parts.append(say("{origin} cells", lang, origin=term(p["cell_origin"], lang)))
    if p["design"] != "all":
        parts.append(say("{design} studies", lang, design=term(p["design"], lang)))
    if (p["year_from"], p["year_to"]) != (DEFAULTS["year_from"], DEFAULTS["year_to"]):
        parts.append(say("{year_from}-{year_to}", lang, year_from=p["year_from"], year_to=p["year_to"]))
    if p["disease"] == "all":
        title = say("Evidence brief: MSC therapy for liver disease", lang)
    else:
        title = say("Evidence brief: MSC therapy for {disease}", lang, disease=term(p["disease"], lang))
    comma = say(", ", lang)
    return title + (f" ({comma.join(parts)})" if parts else "")


def question_text(p: Mapping[str, Any]) -> str:
    """The question a brief answers, in words (HTML: the parameters are escaped, as they may hold any text).

    Parameters
    ----------
    p : mapping of str to object
        Checked parameters (:func:`check_parameters`); ``lang`` defaults to
        ``"en"`` when missing.

    Returns
    -------
    str
        An HTML fragment naming every parameter of the question, its values
        in ``<b>``.

    Examples
    --------
    >>> question_text(check_parameters({"disease": "ACLF", "include_preclinical": False}))
    'disease: <b>ACLF</b>; cells: <b>all</b>; origin: <b>all</b>; design: <b>all</b>; years:
    <b>1900-2100</b>; preclinical studies: <b>left out</b>'
    """
    lang = p.get("lang", "en")

    def shown(name: str) -> str:
        return escape(term(p[name], lang))

    return say("disease: <b>{disease}</b>; cells: <b>{cells}</b>; origin: <b>{origin}</b>; design: "
               "<b>{design}</b>; years: <b>{year_from}-{year_to}</b>; preclinical studies: <b>{preclinical}</b>",
               lang, disease=shown("disease"), cells=shown("cell_type"), origin=shown("cell_origin"),
               design=shown("design"), year_from=p["year_from"], year_to=p["year_to"],
               preclinical=say("included", lang) if p["include_preclinical"] else say("left out", lang))


def report_name(parameters: Mapping[str, Any]) -> str:
    """A file name for a brief from its non-default parameters, e.g. ``disease-ACLF_cell-type-UC-MSC``.

    Parameters
    ----------
    parameters : mapping of str to object
        Report parameters; only the question's (disease, cells, origin,
        design, years, preclinical studies) and ``lang`` count, each compared
        with its default as given, without conversion (the string ``"1900"``
        is not the default ``year_from``).

    Returns
    -------
    str
        ``name-value`` parts joined by ``_`` (underscores in names become
        hyphens, and so does any run of characters other than letters, digits,
        ``.`` and ``-`` in values); ``"all"`` when every parameter is a default.

    Examples
    --------
    >>> report_name({"disease": "ACLF", "cell_type": "UC-MSC"})
    'disease-ACLF_cell-type-UC-MSC'
    >>> report_name({"disease": "liver failure", "lang": "fa"})
    'disease-liver-failure_lang-fa'
    >>> report_name({"title": "Any title"})
    'all'
    """
    parts = []
    for name in ("disease", "cell_type", "cell_origin", "design", "year_from", "year_to", "include_preclinical",
                 "lang"):
        if name in parameters and parameters[name] != DEFAULTS[name]:
            value = re.sub(r"[^A-Za-z0-9.-]+", "-", str(parameters[name])).strip("-")
            parts.append(f"{name.replace('_', '-')}-{value}")
    return "_".join(parts) or "all"
