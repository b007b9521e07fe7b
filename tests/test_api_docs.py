"""The public API is documented: every public function and class of the modules the API reference shows has
numpydoc sections, as numpydoc's own validator reads them (the reference page renders them with napoleon)."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings

import pytest
from numpydoc.validate import validate

from mscteach.site.config import API_MODULES

#: no docstring; a parameter not documented; a documented parameter that does not exist; no Returns section
REQUIRED = {"GL08", "PR01", "PR02", "RT01"}


def _modules() -> list[str]:
    names = []
    for name in API_MODULES:
        module = importlib.import_module(name)
        names.append(name)
        if hasattr(module, "__path__"):
            names += [m.name for m in pkgutil.walk_packages(module.__path__, f"{name}.")]
    return names


def _public(module_name: str) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        module = importlib.import_module(module_name)
    found = []
    for attr in getattr(module, "__all__", []):
        obj = getattr(module, attr)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__.startswith("mscteach"):
            found.append(f"{obj.__module__}.{obj.__qualname__}")
    return found


def test_the_api_reference_covers_the_user_facing_packages():
    assert {"mscteach.data", "mscteach.stats", "mscteach.evidence", "mscteach.plots", "mscteach.report",
            "mscteach.registry", "mscteach.classroom", "mscteach.widgets", "mscteach.i18n"} <= set(API_MODULES)
    assert len({name for m in _modules() for name in _public(m)}) > 150


@pytest.mark.parametrize("module", _modules())
def test_every_public_function_and_class_has_numpydoc_sections(module):
    lacking = {}
    for name in _public(module):
        errors = [f"{code} {message}" for code, message in validate(name)["errors"] if code in REQUIRED]
        if errors:
            lacking[name] = errors
    assert lacking == {}
