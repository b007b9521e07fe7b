from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q2_frame(harmful):
    import pandas as pd
    assert isinstance(harmful, pd.DataFrame), 'expected a DataFrame with one row per study'

@test_case(points=None, hidden=True)
def test_q2_rows(harmful):
    import mscteach
    animals = mscteach.load('animal_studies')
    expected = sorted((author for author, outcome in zip(animals['first_author'], animals['outcome']) if outcome == 'harm'))
    assert sorted(harmful['first_author']) == expected, 'keep exactly the studies reporting harm'

