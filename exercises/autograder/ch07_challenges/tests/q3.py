from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q3_type(underpowered):
    assert isinstance(underpowered, list), "expected a list of study labels like 'Lin 2017'"

@test_case(points=None, hidden=True)
def test_q3_value(underpowered):
    import pandas as pd
    import mscteach
    clinical = mscteach.load('clinical_studies')
    expected = []
    for author, year, design, treated, control in zip(clinical['first_author'], clinical['year'], clinical['design'], clinical['n_treated'], clinical['n_control']):
        arms = [n for n in (treated, control) if not pd.isna(n)]
        if design == 'RCT' and (not pd.isna(control)) and (min(arms) < 115):
            expected.append(f'{author} {year}')
    assert underpowered == sorted(expected), 'every RCT in the review is below a powered size'

