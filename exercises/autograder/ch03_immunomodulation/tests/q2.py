from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q2_type(pge2_targets):
    assert isinstance(pge2_targets, set), 'expected a set of target names'

@test_case(points=None, hidden=True)
def test_q2_value(pge2_targets):
    import mscteach
    m = mscteach.load('mechanisms')
    expected = {target for target, mediators in zip(m['target'], m['mediator']) if isinstance(mediators, str) and 'PGE2' in [part.strip() for part in mediators.split(';')]}
    assert pge2_targets == expected, 'PGE2 acts on one innate and one adaptive target'

