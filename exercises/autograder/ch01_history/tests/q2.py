from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q2_frame(transplant_events):
    import pandas as pd
    assert isinstance(transplant_events, pd.DataFrame), 'expected a DataFrame with one row per event'
    assert 'category' in transplant_events.columns, "keep the table's columns (filter rows, not columns)"

@test_case(points=None, hidden=True)
def test_q2_rows(transplant_events):
    import mscteach
    timeline = mscteach.load('timeline')
    expected = sorted((int(year) for year, category in zip(timeline['year'], timeline['category']) if category == 'transplantation'))
    assert set(transplant_events['category']) == {'transplantation'}, 'keep only transplantation events'
    assert sorted(transplant_events['year']) == expected, 'some transplantation events are missing'

