from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q3_type(ecm_change):
    assert isinstance(ecm_change, float), 'expected one number (a float)'

# hidden tests check this answer's value when the work is graded
value_checked_when_graded = True
