"""The package's layers, enforced by import-linter (contracts in pyproject.toml), and no private names shared."""
from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

from .conftest import REPO

PACKAGE = REPO / "mscteach"


def _contracts() -> list[dict]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_import_linter_keeps_every_contract():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--config", str(REPO / "pyproject.toml")], capture_output=True, text=True,
                            cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"Contracts: {len(_contracts())} kept, 0 broken." in result.stdout


def test_every_module_has_a_layer():
    layers = next(c for c in _contracts() if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    modules = {f"mscteach.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    modules |= {f"mscteach.{p.parent.name}" for p in PACKAGE.glob("*/__init__.py")}
    assert modules - placed == set(), "add the new module to a layer in pyproject.toml"
    assert placed - modules == set()


def _private_uses(path: Path) -> list[str]:
    """Private names of other mscteach modules that ``path`` imports or reads (``from .x import _y``, ``x._y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ours: set[str] = set()  # names bound to mscteach modules in this file
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("mscteach")):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} imports {alias.name} from {node.module or '.'}")
                ours.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            ours.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("mscteach"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ours \
                and node.attr.startswith("_") and not node.attr.startswith("__"):
            found.append(f"{path.name}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    found = [use for path in sorted(PACKAGE.rglob("*.py")) for use in _private_uses(path)]
    assert found == []


def test_moved_modules_still_import_from_their_old_names_with_a_warning():
    code = ("import warnings; warnings.simplefilter('error', DeprecationWarning)\n"
            "try:\n    import mscteach.grading\nexcept DeprecationWarning as w:\n    print(w)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "mscteach.grading has moved to mscteach.classroom.grading"
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from mscteach import exercises, grading
        from mscteach.classroom import exercises as new_exercises, grading as new_grading
    assert grading.grade is new_grading.grade and grading.ISOLATION_LABELS is new_grading.ISOLATION_LABELS
    assert exercises.exercise_sets is new_exercises.exercise_sets


def test_no_subprocess_is_started_with_preexec_fn():
    """subprocess's preexec_fn is unsafe in a process with threads; grading starts sandboxes from a pool."""
    found = [f"{path.relative_to(REPO)}:{node.lineno}" for path in sorted(PACKAGE.rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.keyword) and node.arg == "preexec_fn"]
    assert found == []


def test_every_exception_class_lives_in_errors():
    found = [f"{path.relative_to(REPO)}:{node.lineno} {node.name}" for path in sorted(PACKAGE.rglob("*.py"))
             if path.name != "errors.py"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.ClassDef) and any(
                 isinstance(b, ast.Name) and (b.id.endswith(("Error", "Exception", "Failure")) or b.id == "Warning")
                 for b in node.bases)]
    assert found == []


def test_the_package_type_checks():
    """mypy agrees with the package's annotations (configuration in pyproject.toml [tool.mypy])."""
    mypy = Path(sys.executable).with_name("mypy")
    result = subprocess.run([str(mypy), "--config-file", str(REPO / "pyproject.toml"), "--no-incremental"],
                            capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout.startswith("Success: no issues found")


def test_the_package_says_it_is_typed():
    assert (PACKAGE / "py.typed").is_file()


def test_no_module_is_longer_than_600_lines():
    """One job per module: a module that grows past this is doing two."""
    long = {str(p.relative_to(REPO)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}
