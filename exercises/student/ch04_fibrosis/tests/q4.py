from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q4_range(half_block):
    assert isinstance(half_block, (int, float)) and 0 <= half_block <= 1, 'expected a number between 0 and 1 (a share of synthesis)'

# hidden tests check this answer's value when the work is graded
value_checked_when_graded = True
