from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q1_type(n_rct):
    assert isinstance(n_rct, int), 'expected a whole number (wrap the count in int(...))'

@test_case(points=None, hidden=True)
def test_q1_value(n_rct):
    import mscteach
    assert n_rct == list(mscteach.load('clinical_studies')['design']).count('RCT'), "count rows whose design is 'RCT'"

