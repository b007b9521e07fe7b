from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q4_type(n_apply):
    assert isinstance(n_apply, int), 'expected a whole number (wrap the count in int(...))'

@test_case(points=None, hidden=True)
def test_q4_value(n_apply):
    import mscteach
    named = ('Pregnancy or lactation', 'Active gastrointestinal bleeding')
    assert n_apply == sum((1 for criterion in mscteach.load('exclusion_criteria')['criterion'] if criterion in named)), "pass the exact criterion names from criteria['criterion']"

