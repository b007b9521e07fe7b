from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q2_type(pge2_targets):
    assert isinstance(pge2_targets, set), 'expected a set of target names'

# hidden tests check this answer's value when the work is graded
value_checked_when_graded = True
