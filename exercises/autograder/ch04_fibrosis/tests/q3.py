from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q3_type(ecm_change):
    assert isinstance(ecm_change, float), 'expected one number (a float)'

@test_case(points=None, hidden=True)
def test_q3_value(ecm_change):
    assert abs(ecm_change - -75.0) < 0.05, "read the 'with MSCs' row of ecm_summary (a negative percentage)"

