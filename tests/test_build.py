"""`mscteach build`: the HTML site, failures, bad parameters and atomic writes."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mscteach import runner
from mscteach.site import build

from .conftest import REPO, run_build


def run(*args: str, cwd: Path | None = None, data: str | None = None) -> subprocess.CompletedProcess:
    return run_build(*args, cwd=cwd, data=data)


def test_every_chapter_read_the_relative_data_folder(site):
    """A relative --data folder was resolved against notebooks/ in every kernel, so every chapter failed."""
    out, result = site
    assert result.returncode == 0, result.stderr
    assert "0.5 × 10^6 cells/kg (from my-data)" in (out / "06_clinical_trials.html").read_text(encoding="utf-8")


def test_build_writes_a_page_per_notebook_and_the_course_pages(site):
    out, result = site
    assert result.returncode == 0, result.stderr
    assert f"open {(out / 'index.html').as_uri()}" in result.stdout
    home = (out / "index.html").read_text(encoding="utf-8")  # the index notebook is the site's home page
    for nb in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if nb.stem != "00_index":
            assert (out / f"{nb.stem}.html").is_file() and f'href="{nb.stem}.html' in home
    for name in ("glossary", "references", "data", "search"):
        assert (out / f"{name}.html").is_file() and f'href="{name}.html' in home
    assert "CC BY-NC-SA 4.0" in home


def test_pages_show_figures_tables_and_static_explorers_without_tracebacks(site):
    out, _ = site
    page = (out / "06_clinical_trials.html").read_text(encoding="utf-8")
    assert page.count('<img alt="') >= 3 and "_images/" in page
    assert '<table class="mscteach-table"' in page and "Lin 2017" in page
    assert 'class="mscteach-explorer"' in page and "widget-state+json" not in page
    # the pages the chapters' runs made (the API reference quotes tracebacks in its examples, on purpose)
    for html in [out / "index.html", *(out / f"{nb.stem}.html" for nb in (REPO / "notebooks").glob("0[1-9]_*.ipynb"))]:
        text = html.read_text(encoding="utf-8")
        assert "Traceback" not in text and "stderr" not in text


def test_a_rebuild_with_nothing_changed_does_no_work(site):
    out, _ = site
    again = run("--out", "site", "--jobs", "2", cwd=out.parent, data="my-data")
    assert again.returncode == 0, again.stderr
    assert "(nothing to execute, site up to date)" in again.stdout


def test_a_failing_notebook_is_named_with_its_cell_and_the_others_are_kept(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(REPO / "notebooks" / "00_index.ipynb", folder)
    broken = new_notebook(cells=[new_markdown_cell("# Broken"), new_code_cell("x = 1"), new_code_cell("1 / 0")],
                          metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(broken, str(folder / "99_broken.ipynb"))
    out = tmp_path / "site"
    result = run("--out", str(out), "--notebooks", str(folder))
    assert result.returncode == 1
    assert "99_broken.ipynb failed at cell 3: ZeroDivisionError: division by zero" in result.stderr
    assert "Traceback" not in result.stderr
    assert (out / "index.html").is_file() and (out / "99_broken.html").is_file()
    assert "99_broken.ipynb failed at cell 3" in (out / "99_broken.html").read_text(encoding="utf-8")


def test_an_unknown_parameter_is_refused_before_any_kernel_starts(tmp_path):
    out = tmp_path / "site"
    result = run("--out", str(out), "-p", "diseas", "ACLF")
    assert result.returncode == 2  # an unknown name is a usage error
    assert "unknown parameter 'diseas'" in result.stderr and "did you mean 'disease'" in result.stderr
    assert not out.exists()


def test_an_unwritable_output_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("--out", str(blocker / "site"))
    assert result.returncode == 1
    assert "cannot write to output folder" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("text, value", [("ACLF", "ACLF"), ("3", 3), ("0.5", 0.5), ("True", True),
                                         ("false", False), ('["Substance abuse"]', ["Substance abuse"])])
def test_parameter_values_from_the_command_line(text, value):
    assert build.parse_value(text) == value


def test_write_atomically_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old, complete")

    def fail(part: Path) -> None:
        part.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        runner.write_atomically(target, fail)
    assert target.read_text() == "old, complete"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_editing_one_chapter_executes_only_that_chapter(tmp_path):
    """Like make: the cache key covers each notebook's content, so an edited chapter alone runs again."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("00_index.ipynb", "01_history.ipynb", "04_fibrosis.ipynb"):
        shutil.copy(REPO / "notebooks" / name, folder)
    out = tmp_path / "site"
    first = build.build(out, jobs=2, folder=folder, progress=False)
    assert first.ok and first.rendered and first.executed == ["00_index.ipynb", "01_history.ipynb", "04_fibrosis.ipynb"]
    again = build.build(out, jobs=2, folder=folder, progress=False)
    assert again.executed == [] and not again.rendered  # nothing executed, Sphinx not run
    chapter = folder / "04_fibrosis.ipynb"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("## An imbalance", "## An imbalance between synthesis and degradation"),
                       encoding="utf-8")
    edited = build.build(out, jobs=2, folder=folder, progress=False)
    assert edited.executed == ["04_fibrosis.ipynb"] and edited.rendered
    assert "An imbalance between synthesis and degradation" in (out / "04_fibrosis.html").read_text(encoding="utf-8")


def test_a_build_of_two_editions_says_each_chapter_ran_once_per_edition(tmp_path, capsys):
    from mscteach import cli

    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("00_index.ipynb", "04_fibrosis.ipynb"):
        shutil.copy(REPO / "notebooks" / name, folder)
    out = tmp_path / "site"
    assert cli.main(["build", "--notebooks", str(folder), "--lang", "en,fa", "-o", str(out), "--no-progress"]) == 0
    said = capsys.readouterr().out
    assert "built 2 of 2 notebooks in each of 2 editions (executed 2, 4 runs in all); open" in said
    assert (out / "04_fibrosis.html").is_file() and (out / "fa" / "04_fibrosis.html").is_file()


def test_a_change_to_the_data_executes_every_chapter_again(tmp_path, data_copy):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("00_index.ipynb", "01_history.ipynb"):
        shutil.copy(REPO / "notebooks" / name, folder)
    keys = build.cache_keys(sorted(folder.glob("*.ipynb")), {p: {} for p in folder.glob("*.ipynb")}, data_copy)
    (data_copy / "glossary.csv").write_text((data_copy / "glossary.csv").read_text(encoding="utf-8") + "\n",
                                            encoding="utf-8")
    changed = build.cache_keys(sorted(folder.glob("*.ipynb")), {p: {} for p in folder.glob("*.ipynb")}, data_copy)
    assert all(keys[p] != changed[p] for p in keys)
    same = build.cache_keys(sorted(folder.glob("*.ipynb")), {p: {} for p in folder.glob("*.ipynb")}, data_copy)
    assert same == changed


def test_compact_images_stores_a_figure_with_a_64_colour_palette_at_its_size(tmp_path):
    import base64
    import io

    import nbformat
    from PIL import Image

    from mscteach.site.build import compact_images

    # a 300 x 200 RGBA gradient: 300 distinct colours before, at most 64 after
    image = Image.new("RGBA", (300, 200))
    image.putdata([(x % 256, (x * 3) % 256, 128, 255) for y in range(200) for x in range(300)])
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("figure", outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": base64.b64encode(raw.getvalue()).decode(), "text/plain": "<Figure>"})])])
    path = tmp_path / "chapter.ipynb"
    nbformat.write(nb, str(path))
    compact_images(path)
    stored = nbformat.read(str(path), as_version=4).cells[0].outputs[0]
    after = Image.open(io.BytesIO(base64.b64decode(stored["data"]["image/png"])))
    assert after.mode == "P" and after.size == (300, 200) and len(after.getcolors(256)) <= 64
    assert stored["data"]["text/plain"] == "<Figure>"
    before = path.read_bytes()
    compact_images(path)  # a palette image is left as it is
    assert path.read_bytes() == before
