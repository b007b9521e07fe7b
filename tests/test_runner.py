"""The notebook runner that build and report share: clean shutdown, data folders, layering."""
from __future__ import annotations

import ast
import time

import pytest

from mscteach import runner

from .conftest import REPO


def _sleep(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_the_pool_is_shut_down_when_the_body_raises():
    """An unexpected error must not leave workers (and their kernels) running."""
    with pytest.raises(RuntimeError, match="unexpected"):
        with runner.worker_pool(2) as pool:
            running = pool.submit(_sleep, 0.2)
            queued = [pool.submit(_sleep, 1) for _ in range(12)]
            raise RuntimeError("unexpected")
    assert running.done() and all(f.cancelled() or f.done() for f in queued)
    # a process pool starts at most one call per worker and queues (workers + 1) more: the rest were cancelled
    assert sum(f.cancelled() for f in queued) >= 12 - (2 + 3)
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(_sleep, 0)


def _imports(module: str) -> set[str]:
    """The top-level mscteach modules that ``module`` (a module, or a package's modules together) imports."""
    path = REPO / "mscteach" / module
    files, outward = ([*path.rglob("*.py")], 2) if path.is_dir() else ([path.with_suffix(".py")], 1)
    found = set()
    for file in files:
        depth = outward + len(file.relative_to(path).parts) - 1 if path.is_dir() else outward
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= depth:  # out of the package, to the top level
                found.add((node.module or "").split(".")[0])
                found.update(alias.name for alias in node.names if not node.module)
    return found - {""}


def test_report_imports_nothing_from_build():
    assert "build" not in _imports("report")
    assert "runner" in _imports("report") and "runner" in _imports("site/build")


def test_lower_layers_never_import_higher_ones():
    layers = ["errors", "data", "stats", "evidence", "plots", "widgets"]
    for i, module in enumerate(layers):
        higher = set(layers[i + 1:]) | {"build", "report", "cli", "runner", "course", "site"}
        assert not _imports(module) & higher, module


def test_a_kernel_reads_the_data_folder_it_is_given(tmp_path):
    import shutil

    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder = tmp_path / "copy"
    shutil.copytree(REPO / "data", folder)
    nb = new_notebook(cells=[new_code_cell("import mscteach\nprint(mscteach.data_dir())")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    source = tmp_path / "nb" / "probe.ipynb"
    source.parent.mkdir()
    nbformat.write(nb, str(source))
    runner.execute_notebook(source, tmp_path / "out.ipynb", data=folder)
    printed = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4).cells[0].outputs[0]["text"].strip()
    assert printed == str(folder.resolve())
