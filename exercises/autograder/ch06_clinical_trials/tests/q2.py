from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q2_type(rct_treated):
    assert isinstance(rct_treated, int), 'expected a whole number (wrap the sum in int(...))'

@test_case(points=None, hidden=True)
def test_q2_value(rct_treated):
    import mscteach
    by_design = mscteach.load('clinical_studies').groupby('design')['n_treated'].sum()
    assert rct_treated == int(by_design.get('RCT', 0)), 'sum n_treated over the RCT rows only'

