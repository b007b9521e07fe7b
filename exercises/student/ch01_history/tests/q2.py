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

# hidden tests check this answer's value when the work is graded
value_checked_when_graded = True
