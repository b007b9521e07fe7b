"""The chapters' parameters: what each accepts, checked the same way by the chapter and by ``build``.

Every chapter's first code cell is a papermill ``parameters`` cell; the next
cell calls :func:`check_parameters` with those values, so a chapter run alone
(``papermill … -p year_from abc``) stops with a message naming the parameter
and what it accepts. ``mscteach build -p NAME VALUE`` checks the same
specifications before any kernel starts.

The rule for ``build -p NAME VALUE``: the value is given to every chapter that
has a parameter ``NAME`` *and accepts the value* (``-p disease ACLF`` focuses
the clinical chapters; chapter 5, whose ``disease`` is an animal model, keeps
its default). A value no chapter accepts is an error naming what each chapter
accepts. ``-p CHAPTER:NAME VALUE`` (e.g. ``-p 05_animal_models:disease HCC``)
gives the value to that one chapter, which must accept it.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import i18n
from .errors import ParameterError, UnknownNameError

__all__ = ["CHAPTERS", "Parameter", "ParameterError", "accepts", "check_parameters", "check_value"]


@dataclass(frozen=True)
class Parameter:
    """What one chapter parameter accepts.

    ``kind`` is ``"choice"`` (one of ``options()``, or ``"all"`` when
    ``allow_all``), ``"choices"`` (a list of such values), ``"year"``,
    ``"integer"``, ``"number"`` (between ``low`` and ``high``) or ``"flag"``
    (True or False).

    Parameters
    ----------
    kind : {"choice", "choices", "year", "integer", "number", "flag"}
        What sort of value the parameter takes.
    options : callable, optional
        For ``"choice"`` and ``"choices"``: returns the allowed values (called
        when a value is checked, so the list follows the data).
    allow_all : bool, default True
        Whether ``"all"`` is accepted besides ``options()``.
    low, high : float, optional
        Inclusive bounds (``"integer"``, ``"number"``); None for no bound.
    describes : str, optional
        What the parameter does, in words.

    Examples
    --------
    >>> Parameter("choice", lambda: ["HCC", "ACLF"]).allowed()
    ['all', 'HCC', 'ACLF']
    """

    kind: str
    options: Callable[[], Sequence[str]] | None = None
    allow_all: bool = True
    low: float | None = None
    high: float | None = None
    describes: str = ""

    def allowed(self) -> list[str]:
        """The values a choice accepts: ``"all"`` (when ``allow_all``), then ``options()``.

        Returns
        -------
        list of str
            The allowed values; only ``["all"]`` or ``[]`` for a parameter without options.
        """
        return (["all"] if self.allow_all else []) + list(self.options() if self.options else [])


def _vocabulary(table: str, field: str) -> Callable[[], list[str]]:
    def options() -> list[str]:
        from .data import vocabulary

        return vocabulary(table, field)
    return options


def _column(table: str, field: str) -> Callable[[], list[str]]:
    def options() -> list[str]:
        from .data import load

        return [str(v) for v in load(table)[field]]
    return options


def _immune_targets() -> list[str]:
    from . import evidence
    from .data import load

    immune = evidence.choose(load("mechanisms"), category=IMMUNE_CATEGORIES)
    return evidence.distinct_items(immune["target"])


#: The mechanism categories chapter 3 is about.
IMMUNE_CATEGORIES = ["innate immunity", "adaptive immunity", "immunomodulation (general)"]

INTERACTIVE = Parameter("flag", describes="show live explorers (False: their default view as plain output)")
#: Every chapter's ``lang``: the language of its figures, explorers and table labels (mscteach.i18n).
LANG = Parameter("choice", lambda: list(i18n.LANGUAGES), allow_all=False,
                 describes="language of figures, explorers and table labels: en or fa (Persian)")

#: Each chapter's parameters, by notebook name (without .ipynb).
CHAPTERS: dict[str, dict[str, Parameter]] = {
    "00_index": {"show_glossary": Parameter("flag", describes="show the glossary"), "lang": LANG},
    "01_history": {
        "year_from": Parameter("year", describes="first year shown"),
        "year_to": Parameter("year", describes="last year shown"),
        "category": Parameter("choice", _vocabulary("timeline", "category")),
        "interactive": INTERACTIVE,
        "lang": LANG,
    },
    "02_differentiation": {
        "source": Parameter("choice", _column("cell_sources", "source"), allow_all=False),
        "interactive": INTERACTIVE,
        "lang": LANG,
    },
    "03_immunomodulation": {
        "focus_cell": Parameter("choice", _immune_targets),
        "interactive": INTERACTIVE,
        "lang": LANG,
    },
    "04_fibrosis": {
        "msc_synthesis_block": Parameter("number", low=0, high=1),
        "msc_degradation_boost": Parameter("number", low=0, high=3),
        "msc_week": Parameter("integer", low=0, high=30),
        "interactive": INTERACTIVE,
        "lang": LANG,
    },
    "05_animal_models": {
        "disease": Parameter("choice", _vocabulary("animal_studies", "disease")),
        "interactive": INTERACTIVE,
        "lang": LANG,
    },
    "06_clinical_trials": {
        "disease": Parameter("choice", _vocabulary("clinical_studies", "disease")),
        "cell_type": Parameter("choice", _vocabulary("clinical_studies", "cell_type")),
        "interactive": INTERACTIVE,
        "lang": LANG,
    },
    "07_challenges": {
        "disease": Parameter("choice", _vocabulary("clinical_studies", "disease")),
        "conditions": Parameter("choices", _column("exclusion_criteria", "criterion"), allow_all=False),
        "interactive": INTERACTIVE,
        "lang": LANG,
    },
}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_value(chapter: str, name: str, value: Any) -> Any:
    """Return ``value`` if chapter ``chapter`` accepts it for parameter ``name``; else raise.

    Parameters
    ----------
    chapter : str
        The chapter's notebook name without ``.ipynb`` (a key of :data:`CHAPTERS`).
    name : str
        The parameter's name.
    value : object
        The value to check (already a Python value: ``2010``, not ``"2010"``).

    Returns
    -------
    object
        ``value`` itself.

    Raises
    ------
    UnknownNameError
        For an unknown chapter or parameter, or a choice outside the allowed
        values (naming them and the closest match).
    ParameterError
        For a value of the wrong type or out of range.

    Examples
    --------
    >>> check_value("04_fibrosis", "msc_week", 12)
    12
    >>> check_value("04_fibrosis", "msc_week", 40)
    Traceback (most recent call last):
    ...
    mscteach.errors.ParameterError: 04_fibrosis: parameter msc_week must be between 0 and 30; got 40
    """
    if chapter not in CHAPTERS:
        raise UnknownNameError("chapter", chapter, list(CHAPTERS))
    spec = CHAPTERS[chapter]
    if name not in spec:
        raise UnknownNameError(f"parameter of {chapter}", name, list(spec))
    p = spec[name]
    where = f"{chapter}: parameter {name}"
    if p.kind == "flag":
        if not isinstance(value, bool):
            raise ParameterError(f"{where} must be True or False; got {value!r}")
    elif p.kind in ("year", "integer"):
        if not _is_int(value):
            raise ParameterError(f"{where} must be a whole number{' (a year)' if p.kind == 'year' else ''}; "
                                 f"got {value!r}")
    elif p.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParameterError(f"{where} must be a number; got {value!r}")
    elif p.kind == "choice":
        if not isinstance(value, str):
            raise ParameterError(f"{where} must be text, one of: {', '.join(p.allowed())}; got {value!r}")
        if value not in p.allowed():
            raise UnknownNameError(f"value for {name} in {chapter}", value, p.allowed())
    elif p.kind == "choices":
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ParameterError(f"{where} must be a list of text values, e.g. [\"{p.allowed()[0]}\"]; got {value!r}")
        for item in value:
            if item not in p.allowed():
                raise UnknownNameError(f"value for {name} in {chapter}", item, p.allowed())
    if p.low is not None and value < p.low or p.high is not None and value > p.high:
        raise ParameterError(f"{where} must be between {p.low:g} and {p.high:g}; got {value!r}")
    return value


def accepts(chapter: str, name: str, value: Any) -> bool:
    """Whether ``chapter`` has parameter ``name`` and accepts ``value`` for it.

    Parameters
    ----------
    chapter : str
        The chapter's notebook name without ``.ipynb``.
    name : str
        The parameter's name.
    value : object
        The value.

    Returns
    -------
    bool
        True when :func:`check_value` accepts it; False (never an error) for
        an unknown chapter or parameter or a value it refuses.

    Examples
    --------
    >>> accepts("06_clinical_trials", "interactive", False), accepts("06_clinical_trials", "interactive", "no")
    (True, False)
    """
    try:
        check_value(chapter, name, value)
    except (UnknownNameError, ParameterError):
        return False
    return True


def check_parameters(chapter: str, **values: Any) -> None:
    """Check every parameter value of a chapter (the chapters call this after their parameters cell).

    A year range must not be reversed. Returns nothing, so a chapter's cell shows nothing when all is well.

    Parameters
    ----------
    chapter : str
        The chapter's notebook name without ``.ipynb``.
    **values
        Every parameter of the chapter, by name, with its value.

    Raises
    ------
    UnknownNameError, ParameterError
        Naming the chapter, the parameter, the value and what is allowed;
        a ``ParameterError`` too when a parameter of the chapter is not
        given, or ``year_from`` is after ``year_to``.

    Examples
    --------
    >>> check_parameters("01_history", year_from=1868, year_to=1991, category="all", interactive=True, lang="en")
    >>> check_parameters("01_history", year_from="abc", year_to=1991, category="all", interactive=True, lang="en")
    Traceback (most recent call last):
    ...
    mscteach.errors.ParameterError: 01_history: parameter year_from must be a whole number (a year); got 'abc'
    """
    if chapter not in CHAPTERS:  # also when no value is given, so the error is ours, not a KeyError
        raise UnknownNameError("chapter", chapter, list(CHAPTERS))
    for name, value in values.items():
        check_value(chapter, name, value)
    missing = sorted(set(CHAPTERS[chapter]) - set(values))
    if missing:
        raise ParameterError(f"{chapter}: parameters not checked: {', '.join(missing)}")
    if "year_from" in values and values["year_from"] > values["year_to"]:
        raise ParameterError(f"{chapter}: year_from ({values['year_from']}) is after year_to ({values['year_to']})")


def plan(chapters: Sequence[str], overrides: Mapping[str, Any],
         defaults: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Which parameter values each chapter gets from ``build -p`` overrides (the rule in the module docstring).

    ``defaults`` maps each chapter to its declared parameters (from its
    parameters cell); chapters without a specification here (a user's own
    notebooks) take an override when its type matches the default's.

    Parameters
    ----------
    chapters : sequence of str
        The chapters being built (notebook names without ``.ipynb``).
    overrides : mapping of str to object
        ``NAME`` or ``CHAPTER:NAME`` to the value.
    defaults : mapping of str to mapping of str to str
        Each chapter of ``chapters`` to its declared parameters (name to the
        default's source, as :func:`mscteach.site.build.notebook_parameters` reads it).

    Returns
    -------
    dict of str to dict of str to object
        Each chapter to the overrides it gets (an empty dict for none).

    Raises
    ------
    UnknownNameError, ParameterError
        For a parameter no chapter declares, a value no chapter accepts, or a
        ``CHAPTER:NAME`` the named chapter does not accept.
    """
    planned: dict[str, dict[str, Any]] = {c: {} for c in chapters}
    declared = sorted({n for c in chapters for n in defaults[c]})
    for key, value in overrides.items():
        chapter, _, name = key.rpartition(":")
        if chapter:
            if chapter not in planned:
                raise UnknownNameError("chapter", chapter, list(chapters))
            if name not in defaults[chapter]:
                raise UnknownNameError(f"parameter of {chapter}", name, sorted(defaults[chapter]))
            _accept(chapter, name, value, defaults[chapter][name])
            planned[chapter][name] = value
            continue
        if name not in declared:
            raise UnknownNameError("parameter", name, declared)
        refusals: list[Exception] = []
        for c in chapters:
            if name not in defaults[c]:
                continue
            try:
                _accept(c, name, value, defaults[c][name])
            except (UnknownNameError, ParameterError) as exc:
                refusals.append(exc)
                continue
            planned[c][name] = value
        if not any(name in p and p[name] is value for p in planned.values()):
            if len(refusals) == 1:
                raise refusals[0]
            raise ParameterError(f"no chapter accepts {name} = {value!r} (" + "; ".join(map(str, refusals)) + ")")
    return planned


def _accept(chapter: str, name: str, value: Any, default_source: str) -> None:
    if chapter in CHAPTERS:
        check_value(chapter, name, value)
    else:
        _same_type_as_default(name, value, default_source)


def _same_type_as_default(name: str, value: Any, default_source: str) -> None:
    """For notebooks without a specification: the value must have the type of the parameter's default."""
    import ast

    try:
        default = ast.literal_eval(default_source)
    except (ValueError, SyntaxError):
        return  # the default is an expression; the notebook checks the value itself
    expected = type(default)
    ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
    if expected is float and _is_int(value):
        ok = True
    if not ok:
        names = {bool: "True or False", int: "a whole number", float: "a number", str: "text", list: "a JSON list"}
        raise ParameterError(f"parameter {name} expects {names.get(expected, expected.__name__)} "
                             f"(its default is {default_source}); got {value!r}")
