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


# ------------------------------------------------------------------ alt text: every category accounted for
def _bars(values: dict[str, float], horizontal: bool = True) -> Figure:
    fig = Figure()
    ax = fig.subplots()
    (ax.barh if horizontal else ax.bar)(list(values), list(values.values()))
    ax.set_xlabel("patients") if horizontal else ax.set_ylabel("trials")
    ax.set_title("Patients per study")
    return fig


def test_alt_text_of_many_bars_counts_them_and_names_the_largest_and_smallest():
    # 15 studies, s01 .. s15, with 10, 20, ..., 150 patients, drawn in a shuffled order
    values = {f"s{i:02d}": 10.0 * i for i in (7, 3, 15, 1, 9, 12, 2, 14, 5, 11, 4, 13, 6, 10, 8)}
    alt = display.figure_alt(_bars(values))
    assert alt == ("Patients per study. A bar chart of patients for each category, 15 in all; the largest: "
                   "s15 (150), s14 (140), s13 (130); the smallest: s01 (10), s02 (20), s03 (30).")


def test_alt_text_of_a_few_bars_lists_each_with_its_value_from_the_top_down():
    # barh draws the first category at the bottom: a reader meets the last one first
    alt = display.figure_alt(_bars({"Lin 2017": 110, "Peng 2011": 158, "Guo 2019": 568.5}))
    assert alt == ("Patients per study. A bar chart of patients for each category: Guo 2019 (568.5), "
                   "Peng 2011 (158), Lin 2017 (110).")


def test_stacked_bars_are_read_as_their_totals():
    fig = Figure()
    ax = fig.subplots()
    ax.barh([0, 1], [5, 30], color="C0", label="treated")
    ax.barh([0, 1], [7, 25], left=[5, 30], color="C1", label="control")
    ax.set_yticks([0, 1], ["A 2001", "B 2002"])
    ax.set_xlabel("patients")
    ax.legend()
    assert display.figure_alt(fig) == ("A figure. A bar chart of patients for each category: B 2002 (55), "
                                       "A 2001 (12). Colours: treated, control.")


def test_vertical_bars_over_years_read_the_years_not_the_count_axis():
    alt = display.figure_alt(_bars({"2021": 1, "2023": 1, "2024": 2}, horizontal=False))
    assert alt.endswith("A bar chart of trials for each category: 2021 (1), 2023 (1), 2024 (2).")


def test_the_registered_trials_start_year_panel_reads_years(data_copy):
    from mscteach import plots, registry

    from .test_registry import JANUARY

    registry.import_exports(JANUARY, data_copy, today="2026-01-15")
    alt = display.figure_alt(plots.registered_trials_figure(registry.registered_trials(data_copy)))
    # the January fixtures' start dates (tests/fixtures/registry/README.md): 2021, 2023, 2024 twice, 2025, 2026
    assert "by start year: A bar chart of trials for each category: 2021 (1), 2023 (1), 2024 (2), 2025 (1), " \
           "2026 (1)." in alt


def test_a_histogram_is_not_read_as_categories():
    fig = Figure()
    ax = fig.subplots()
    ax.hist([1990, 1995, 1996, 2005], bins=[1990, 2000, 2010])
    ax.set_xlabel("year")
    ax.set_ylabel("references")
    assert display.figure_alt(fig) == "A figure. A bar chart of references for each year."


def test_a_grid_with_many_rows_says_how_many_it_does_not_name():
    import pandas as pd

    from mscteach.plots.common import count_heatmap

    fig = Figure()
    ax = fig.subplots()
    count_heatmap(ax, pd.DataFrame({"x": range(1, 15)}, index=[f"r{i}" for i in range(1, 15)]), "Blues")
    ax.set_xlabel("target")
    ax.set_ylabel("mediator")
    assert display.figure_alt(fig) == ("A figure. A grid of counts: mediator in rows (r1, r2, r3, r4, r5, r6, r7, "
                                       "r8, r9, r10, r11, r12 and 2 more) by target in columns (x).")


def test_persian_alt_text_writes_values_in_persian_digits():
    few = display.figure_alt(display.localise_figure(_bars({"Lin 2017": 110, "Peng 2011": 158}), "fa"))
    assert few.endswith(": Peng 2011 (۱۵۸)، Lin 2017 (۱۱۰).") and "A bar chart" not in few
    many = display.figure_alt(display.localise_figure(_bars({f"s{i:02d}": i for i in range(1, 16)}), "fa"))
    assert "۱۵ در مجموع" in many and "s15 (۱۵)، s14 (۱۴)، s13 (۱۳)" in many and "s01 (۱)" in many
    assert "A bar chart" not in many


def test_alt_text_of_bars_side_by_side_names_each_category_with_its_total():
    """Bars of two colours side by side (seaborn's hue) stand beside their tick, not on it: each is read with it."""
    import matplotlib
    import pandas as pd
    import seaborn as sns

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from mscteach.display import figure_alt

    table = pd.DataFrame({"cell": ["A", "A", "B", "B", "C"], "arm": ["x", "y", "x", "y", "x"],
                          "studies": [7, 6, 5, 3, 1]})
    fig = Figure()
    ax = fig.subplots()
    sns.barplot(data=table, y="cell", x="studies", hue="arm", orient="h", ax=ax)
    ax.set_title("Studies by cell")
    text = figure_alt(fig)
    assert "A bar chart of studies for each cell: A (13), B (8), C (1)." in text, text  # 7+6, 5+3, 1
    assert "Colours: x, y." in text


def test_the_cell_type_figures_words_read_as_a_sentence_and_count_the_data_not_the_review():
    import pandas as pd

    from mscteach import display, plots

    counts = pd.DataFrame({"cell_type": ["BM-MSC", "UC-MSC", "BM-MSC"], "evidence": ["clinical", "clinical",
                                                                                      "preclinical"],
                           "studies": [6, 3, 2]})
    alt = display.figure_alt(plots.studies_per_source_figure(counts))
    assert alt.startswith("Which cells have been studied? A bar chart of studies in the data for each cell type")
    assert "?." not in alt and "described in the review" not in alt
