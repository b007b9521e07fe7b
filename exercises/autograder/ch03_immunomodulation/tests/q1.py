from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q1_type(n_adaptive):
    assert isinstance(n_adaptive, int), 'expected a whole number (wrap the count in int(...))'

@test_case(points=None, hidden=True)
def test_q1_value(n_adaptive):
    import mscteach
    m = mscteach.load('mechanisms')
    assert n_adaptive == int((m['category'] == 'adaptive immunity').sum()), "count rows with category 'adaptive immunity'"

