from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q4_type(stance_counts):
    import pandas as pd
    assert isinstance(stance_counts, pd.Series), 'expected a Series (try .value_counts())'

@test_case(points=None, hidden=True)
def test_q4_value(stance_counts):
    from collections import Counter
    import mscteach
    counted = Counter(mscteach.load('differentiation')['stance'])
    assert all((int(stance_counts.get(stance, 0)) == counted[stance] for stance in ('against', 'for'))), 'count every row once, by stance'

