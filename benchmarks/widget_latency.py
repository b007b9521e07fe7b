"""Widget update latency: control value changed -> outputs (figures included) redrawn (goal: median <= 100 ms).

Headless: the explorer's observer runs synchronously in this process, so the time from setting a
control's value to the Output widget holding the new figure is measured directly.
Run: python benchmarks/widget_latency.py
"""
import itertools
import statistics
import time

import mscteach
from mscteach import widgets

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


cases = {
    "timeline (years slider)": (widgets.timeline_explorer(mscteach.load("timeline")), "years",
                                [(1900, 1975), (1950, 1991), (1868, 1991)]),
    "trials (disease dropdown)": (widgets.trial_explorer(mscteach.load("clinical_studies")), "disease",
                                  ["ACLF", "cirrhosis", "all"]),
    "ECM model (slider)": (widgets.ecm_explorer(), "msc_synthesis_block", [0.2, 0.8, 0.5]),
    "animal studies (disease dropdown)": (widgets.animal_explorer(mscteach.load("animal_studies")), "disease",
                                          ["HCC", "ALF", "all"]),
}
for name, (explorer, control, values) in cases.items():
    median = latency(explorer, control, values)
    print(f"{name}: median {median:.0f} ms over {CHANGES} changes (goal <= 100 ms: {'met' if median <= 100 else 'NOT met'})")
