from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q1_type(n_uncited):
    assert isinstance(n_uncited, int), 'expected a whole number (wrap the count in int(...))'

# hidden tests check this answer's value when the work is graded
value_checked_when_graded = True
