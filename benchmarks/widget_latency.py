"""Widget update latency: control value changed -> outputs (figures included) redrawn, beside a plain-figure floor.

Headless: the explorer's observer runs synchronously in this process, so the time from setting a
control's value to the Output widget holding the new figure is measured directly (median of 20 changes).
The floor is what the cheapest possible update of that explorer costs: one plain figure of the same size
and resolution (a line and a title, layout="constrained") drawn to PNG, median of 20. Goals (issue 27):
each explorer <= 1.3 x its floor; and the absolute goal of a median <= 100 ms.
Run: python benchmarks/widget_latency.py
"""
import io
import itertools
import statistics
import time

from matplotlib.figure import Figure

import mscteach
from mscteach import datasets, widgets

CHANGES = 20


def latency(explorer, control, values) -> float:
    times = []
    for value in itertools.islice(itertools.cycle(values), CHANGES):
        before = explorer.output.outputs
        start = time.perf_counter()
        explorer.controls[control].value = value
        times.append(time.perf_counter() - start)
        assert explorer.output.outputs is not before
    return statistics.median(times) * 1000


def floor(explorer) -> float:
    """Median ms to draw a plain figure as large and as sharp as the explorer's first figure, to PNG."""
    figure = next(item for item in explorer.results() if isinstance(item, Figure))
    size, dpi = figure.get_size_inches(), figure.dpi
    times = []
    for _ in range(CHANGES):
        start = time.perf_counter()
        plain = Figure(figsize=size, dpi=dpi, layout="constrained")
        ax = plain.subplots()
        ax.plot(range(10), [v * v for v in range(10)])
        ax.set_title("a plain figure")
        plain.savefig(io.BytesIO(), format="png", dpi=dpi)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


cases = {
    "timeline (years slider)": (widgets.timeline_explorer(mscteach.load("timeline")), "years",
                                [(1900, 1975), (1950, 1991), (1868, 1991)]),
    "trials (disease dropdown)": (widgets.trial_explorer(mscteach.load("clinical_studies")), "disease",
                                  ["ACLF", "cirrhosis", "all"]),
    "ECM model (slider)": (widgets.ecm_explorer(), "msc_synthesis_block", [0.2, 0.8, 0.5]),
    "animal studies (disease dropdown)": (widgets.animal_explorer(mscteach.load("animal_studies")), "disease",
                                          ["HCC", "ALF", "all"]),
    "leave one out (measure dropdown)": (widgets.leave_one_out_explorer(datasets.load_bcg_trials()), "measure",
                                         ["OR", "RR"]),
}
for name, (explorer, control, values) in cases.items():
    median = latency(explorer, control, values)
    plain = floor(explorer)
    ratio = median / plain
    print(f"{name}: median {median:.0f} ms over {CHANGES} changes; plain-figure floor {plain:.0f} ms; ratio "
          f"{ratio:.2f} (goal <= 1.3: {'met' if ratio <= 1.3 else 'NOT met'}; goal <= 100 ms: "
          f"{'met' if median <= 100 else 'NOT met'})")
