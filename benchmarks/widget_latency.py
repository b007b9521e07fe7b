"""Widget update latency: control value changed -> outputs (figures included) redrawn, beside a plain-figure floor.

Headless: the explorer's observer runs synchronously in this process, so the time from setting a
control's value to the Output widget holding the new outputs is measured directly. Every live explorer
that draws a figure is timed, as a chapter sets it up (course.setup: tables drawn by table_html).

Two kinds of change are timed apart:
* first-time changes: each one sets the explorer to a combination of values it has not shown before
  (one control changed at a time, cycling through the controls listed for the explorer; views without
  a figure are passed over), so nothing the explorer remembers of earlier views can serve it;
* returns: the last change undone and redone, in turn: both views were shown before.
The floor of a change is the cheapest possible update to the view it shows: one plain figure as large and
as sharp as the view's figure (read from the PNG the explorer shows; a line and a title,
layout="constrained") drawn to PNG, timed right after the change. The ratio is the change's time over its
floor; medians are reported, in wall time and in CPU time (the process's own, steadier on a shared machine).
Goals (issue 27): for first-time changes, each explorer's median ratio <= 1.3; and a median <= 100 ms.
A second floor says how much of a change is the words its figure shows: the text floor is the plain figure
with every text of the view's figure added (each string in its own font, size, weight and angle, laid in a
column inside the axes), drawn to PNG the same way; its CPU ratio is printed too. matplotlib 3.11 lays out
and renders text glyph by glyph, about 0.1 ms a character, so a forest plot's 800 characters cost more than
the whole plain figure.
Run: python benchmarks/widget_latency.py [--changes N] [--returns N] [--only NAME ...]
"""
import argparse
import base64
import io
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import ipywidgets as w
from IPython.core.interactiveshell import InteractiveShell
from matplotlib.figure import Figure
from PIL import Image

import mscteach
from mscteach import chapters, course, datasets, evidence, registry, widgets

ROOT = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser()
parser.add_argument("--changes", type=int, default=12, help="first-time changes per explorer")
parser.add_argument("--returns", type=int, default=8, help="returns to a value shown before, per explorer")
parser.add_argument("--only", nargs="*", default=None, help="explorers to time (names as printed, or a prefix)")
args = parser.parse_args()


def candidates(control: w.ValueWidget) -> list:
    """Values worth setting a control to: every option, some subsets, or positions across a slider's range."""
    if isinstance(control, w.SelectMultiple):
        options = list(control._options_values)
        if set(control.value) == set(options):  # all chosen: leave one out, then two
            return [tuple(o for o in options if o != left) for left in options] + \
                   [tuple(o for o in options if o not in pair) for pair in zip(options, options[1:])]
        return [(o,) for o in options] + [tuple(pair) for pair in zip(options, options[1:])]
    if hasattr(control, "options"):
        return list(control._options_values)
    if isinstance(control, w.IntRangeSlider):
        low, high = control.min, control.max
        span = high - low
        return [(low + span * a // 12, high - span * b // 12) for a in range(6) for b in range(6)]
    steps = [control.min + (control.max - control.min) * k / 16 for k in range(17)]
    if isinstance(control, w.IntSlider):
        return list(dict.fromkeys(int(round(v)) for v in steps))
    return list(dict.fromkeys(round(round(v / control.step) * control.step, 10) for v in steps))


def draws_figure(explorer, values: dict) -> bool:
    return any(isinstance(item, Figure) for item in explorer.render(**values))


def first_time_changes(explorer, keys: list[str], n: int) -> list[tuple[str, object]]:
    """Up to n (control, value) changes, each to a combination of values not shown before whose view has a figure."""
    seen = {tuple(sorted(explorer.values().items()))}
    current = explorer.values()
    pools = {key: candidates(explorer.controls[key]) for key in keys}
    changes, turn = [], 0
    while len(changes) < n and turn < 50 * n:
        key = keys[turn % len(keys)]
        turn += 1
        for value in pools[key]:
            combination = tuple(sorted({**current, key: value}.items()))
            if combination not in seen and draws_figure(explorer, dict(combination)):
                seen.add(combination)
                current = dict(combination)
                changes.append((key, value))
                break
    return changes


def png_size(outputs) -> tuple[float, float, float] | None:
    """(width, height) in inches and dpi of the first figure among an Output widget's outputs."""
    for output in outputs:
        data = output["data"].get("image/png")
        if data is not None:
            png = data if isinstance(data, bytes) else base64.b64decode(data)
            image = Image.open(io.BytesIO(png))
            dpi = round(image.info.get("dpi", (80, 80))[0])  # matplotlib writes the figure's dpi into the PNG
            return image.size[0] / dpi, image.size[1] / dpi, dpi
    return None


def floor(size) -> tuple[float, float]:
    """(wall, CPU) seconds to draw a plain figure of this size to PNG."""
    width, height, dpi = size
    wall, cpu = time.perf_counter(), time.process_time()
    plain = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    ax = plain.subplots()
    ax.plot(range(10), [v * v for v in range(10)])
    ax.set_title("a plain figure")
    plain.savefig(io.BytesIO(), format="png", dpi=dpi)
    return time.perf_counter() - wall, time.process_time() - cpu


def text_floor(fig: Figure, size) -> float:
    """CPU seconds to draw the plain figure with every visible text of ``fig`` added, to PNG."""
    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text() and t.figure is not None]
    width, height, dpi = size
    cpu = time.process_time()
    plain = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
    ax = plain.subplots()
    ax.plot(range(10), [v * v for v in range(10)])
    ax.set_title("a plain figure")
    for i, text in enumerate(texts):
        ax.text(0.02 + 0.3 * (i % 3), 1 - (i // 3 + 1) / (len(texts) // 3 + 2), text.get_text(),
                fontproperties=text.get_fontproperties(), rotation=text.get_rotation(), transform=ax.transAxes)
    plain.savefig(io.BytesIO(), format="png", dpi=dpi)
    return time.process_time() - cpu


def timed(explorer, key, value) -> dict | None:
    """One change: its wall and CPU time, its floor's, or None when the view has no figure."""
    before = explorer.output.outputs
    wall, cpu = time.perf_counter(), time.process_time()
    explorer.controls[key].value = value
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert explorer.output.outputs is not before, (key, value)
    size = png_size(explorer.output.outputs)
    if size is None:
        return None
    floor_wall, floor_cpu = floor(size)
    texts = text_floor(explorer._figures[0], size)
    return {"wall": wall, "cpu": cpu, "floor_wall": floor_wall, "floor_cpu": floor_cpu, "text_floor_cpu": texts}


def summary(rows: list[dict]) -> str:
    if not rows:
        return "no change drew a figure"
    median = {k: statistics.median(r[k] for r in rows) * 1000 for k in rows[0]}  # ms
    ratio = statistics.median(r["wall"] / r["floor_wall"] for r in rows)
    cpu_ratio = statistics.median(r["cpu"] / r["floor_cpu"] for r in rows)
    text_ratio = statistics.median(r["cpu"] / r["text_floor_cpu"] for r in rows)
    return (f"median {median['wall']:.1f} ms (floor {median['floor_wall']:.0f}), ratio {ratio:.2f}; "
            f"CPU {median['cpu']:.1f} ms (floor {median['floor_cpu']:.0f}), ratio {cpu_ratio:.2f}; "
            f"text floor {median['text_floor_cpu']:.0f} ms, ratio {text_ratio:.2f}")


def registered_trials():
    """The registered trials of the test suite's synthetic January exports, imported into a copy of the data."""
    folder = Path(tempfile.mkdtemp()) / "data"
    shutil.copytree(ROOT / "data", folder)
    exports = ROOT / "tests" / "fixtures" / "registry"
    registry.import_exports([exports / "synthetic-ctgov-2026-01.json", exports / "synthetic-ctgov-2026-01.csv",
                             exports / "synthetic-ictrp-2026-01.csv"], folder, today="2026-01-15")
    try:
        return registry.registered_trials(folder)
    finally:
        shutil.rmtree(folder.parent)


InteractiveShell.instance()  # the shell the explorers format their outputs with
course.setup("en")  # as a chapter does: DataFrames through table_html, figures through figure_png
clinical = mscteach.load("clinical_studies")
immune = evidence.choose(mscteach.load("mechanisms"), category=chapters.IMMUNE_CATEGORIES)
cases = {  # explorer, and the controls its first-time changes cycle through
    "timeline": (lambda: widgets.timeline_explorer(mscteach.load("timeline")), ["years", "categories"]),
    "mechanisms": (lambda: widgets.mechanism_explorer(immune, chapters.IMMUNE_CATEGORIES), ["target", "mediator"]),
    "ECM model": (lambda: widgets.ecm_explorer(), ["msc_synthesis_block", "msc_degradation_boost", "msc_week"]),
    "animal studies": (lambda: widgets.animal_explorer(mscteach.load("animal_studies")), ["disease", "species"]),
    "trials": (lambda: widgets.trial_explorer(clinical), ["disease", "chart", "design"]),
    "registered trials": (lambda: widgets.registered_trial_explorer(registered_trials()),
                          ["status", "disease", "cell_type"]),
    "leave one out": (lambda: widgets.leave_one_out_explorer(datasets.load_bcg_trials()),
                      ["included", "measure", "method"]),
    "trial size": (lambda: widgets.trial_size_explorer(clinical), ["p_control", "improvement", "power"]),
    "RoB 2": (lambda: widgets.rob2_explorer("lin2017"), ["1.2", "1.1", "1.3"]),
}
print(f"load average at the start: {' '.join(f'{v:.2f}' for v in os.getloadavg())} ({os.cpu_count()} CPUs)")
for name, (make, keys) in cases.items():
    if args.only and not any(name.startswith(prefix) for prefix in args.only):
        continue
    # the changes are chosen on an explorer of their own: whatever it remembers, the one timed has not seen
    changes = first_time_changes(make(), keys, args.changes)
    explorer = make()
    first, before_last = [], None
    for key, value in changes:
        before_last = explorer.controls[key].value
        if row := timed(explorer, key, value):
            first.append(row)
    if not changes:
        print(f"{name}: no view with a figure to change to")
        continue
    # back and forth over the last change: both views were shown, the one before it and the last
    key, value = changes[-1]
    returns = [row for i in range(args.returns) if (row := timed(explorer, key, (before_last, value)[i % 2]))]
    print(f"{name}: first-time changes ({len(first)} with a figure): {summary(first)}")
    print(f"{' ' * len(name)}  returns ({len(returns)}): {summary(returns)}")
print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
