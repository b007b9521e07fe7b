"""Helpers shared by the benchmarks: timing of whole commands in fresh processes."""
from __future__ import annotations

import statistics
import subprocess
import sys
import time


def time_command(command: list[str], repeat: int = 1, **kwargs) -> float:
    """Median wall time in seconds of running ``command`` ``repeat`` times (each must succeed)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, **kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def python(*code: str) -> list[str]:
    return [sys.executable, "-c", "; ".join(code)]


def report(name: str, ours: float, baseline: float, goal: float | None, unit: str = "s") -> None:
    ratio = ours / baseline
    verdict = "" if goal is None else (" (goal <= %.2f: %s)" % (goal, "met" if ratio <= goal else "NOT met"))
    print(f"{name}: {ours:.3f} {unit} vs {baseline:.3f} {unit}; ratio {ratio:.2f}{verdict}")
