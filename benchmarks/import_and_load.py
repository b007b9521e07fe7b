"""`import mscteach` + load every table, against `import pandas` (goal: ratio <= 1.3).

Run: python benchmarks/import_and_load.py
"""
from _common import python, report, time_command

REPEAT = 7
ours = time_command(python("import mscteach", "[mscteach.load(t) for t in mscteach.list_tables()]"), REPEAT)
baseline = time_command(python("import pandas"), REPEAT)
report("import mscteach + load all tables vs import pandas (median of %d)" % REPEAT, ours, baseline, goal=1.3)
