from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q1_type(n_sources):
    assert isinstance(n_sources, int), 'expected a whole number (wrap the count in int(...))'

@test_case(points=None, hidden=True)
def test_q1_value(n_sources):
    import mscteach
    assert n_sources == len(mscteach.load('cell_sources')), 'count the rows of cell_sources'

