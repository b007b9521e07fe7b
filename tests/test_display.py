"""Figures as the course site draws them, and the build process's import shortcut."""
from __future__ import annotations

import io
import subprocess
import sys

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from mscteach import display


def _red_left_blue_right() -> Figure:
    fig = Figure(figsize=(4, 3), dpi=80, facecolor=(1, 0, 0))
    fig.patches.append(Rectangle((0.5, 0), 0.5, 1, transform=fig.transFigure, figure=fig, color=(0, 0, 1)))
    return fig


def test_a_site_figure_is_drawn_at_144_dpi_in_64_colours_and_shown_at_96(monkeypatch):
    monkeypatch.setenv(display.SITE_BUILD, "1")
    data, metadata = display.figure_png(_red_left_blue_right())
    image = Image.open(io.BytesIO(data))
    assert image.size == (4 * 144, 3 * 144)
    assert (metadata["width"], metadata["height"]) == ("384", "288")  # 4 x 96, 3 x 96
    assert len(image.getcolors(maxcolors=256) or []) <= 64
    rgb = image.convert("RGB")
    # the pixels keep their place and their channels on the way from matplotlib to Pillow
    assert rgb.getpixel((10, 10)) == (255, 0, 0)
    assert rgb.getpixel((4 * 144 - 10, 3 * 144 - 10)) == (0, 0, 255)


def test_outside_a_site_build_a_figure_keeps_its_own_resolution(monkeypatch):
    monkeypatch.delenv(display.SITE_BUILD, raising=False)
    data, metadata = display.figure_png(_red_left_blue_right())
    assert Image.open(io.BytesIO(data)).size == (4 * 80, 3 * 80)
    assert "width" not in metadata


def test_a_figure_whose_size_is_not_whole_pixels_is_drawn_whole(monkeypatch):
    monkeypatch.setenv(display.SITE_BUILD, "1")
    fig = _red_left_blue_right()
    fig.set_size_inches(6.4, 0.42 * 16 + 1.3)  # a forest plot's height: 1154.88 pixels at 144 dpi
    image = Image.open(io.BytesIO(display.figure_png(fig)[0]))
    assert image.size == (921, 1154)


def test_the_build_process_skips_jsonschemas_iri_grammars_and_still_validates_notebooks():
    code = ("import sys\n"
            "from mscteach.runner import skip_unused_format_checkers\n"
            "skip_unused_format_checkers()\n"
            "import nbformat\n"
            "from nbformat.v4 import new_notebook, new_code_cell\n"
            "nbformat.validate(new_notebook(cells=[new_code_cell('1')]))\n"
            "bad = new_notebook(); bad.cells.append({'cell_type': 'nonsense'})\n"
            "try:\n"
            "    nbformat.validate(bad)\n"
            "except nbformat.ValidationError:\n"
            "    print('invalid notebook rejected')\n"
            "print('rfc3987_syntax loaded' if sys.modules.get('rfc3987_syntax') else 'rfc3987_syntax skipped')\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split("\n")[:2] == ["invalid notebook rejected", "rfc3987_syntax skipped"]


def test_the_shortcut_changes_nothing_once_jsonschema_is_loaded():
    code = ("import sys, jsonschema\n"
            "before = sys.modules.get('rfc3987_syntax', 'absent')\n"
            "from mscteach.runner import skip_unused_format_checkers\n"
            "skip_unused_format_checkers()\n"
            "print(sys.modules.get('rfc3987_syntax', 'absent') is before)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


def test_a_persian_table_writes_its_numbers_and_reference_numbers_in_persian_digits():
    import pandas as pd

    from mscteach.display import table_html

    html = table_html(pd.DataFrame({"n_treated": [56], "ref_ids": [[26, 100]], "study": ["Lin 2017"],
                                    "corrected": [False]}), lang="fa")
    assert '<td class="number">۵۶</td>' in html and "<td>۲۶, ۱۰۰</td>" in html
    assert "<td>Lin 2017</td>" in html and "<td>خیر</td>" in html  # a name keeps its digits; "no" in Persian
