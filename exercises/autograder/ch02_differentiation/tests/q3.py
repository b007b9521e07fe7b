from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q3_type(inducing_factors):
    assert isinstance(inducing_factors, list), "expected a list of names, e.g. ['EGF', ...]"

@test_case(points=None, hidden=True)
def test_q3_value(inducing_factors):
    import mscteach
    table = mscteach.load('differentiation')
    expected = sorted((item for item, kind in zip(table['item'], table['kind']) if kind == 'inducing factor'))
    assert inducing_factors == expected, "filter kind == 'inducing factor' and sort the items"

