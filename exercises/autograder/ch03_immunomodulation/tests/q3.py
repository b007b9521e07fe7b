from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q3_type(treg_mediator):
    assert isinstance(treg_mediator, str), "expected the mediator's name as text"

@test_case(points=None, hidden=True)
def test_q3_value(treg_mediator):
    import mscteach
    m = mscteach.load('mechanisms')
    named = {mediator for target, mediator in zip(m['target'], m['mediator']) if target == 'Treg' and isinstance(mediator, str)}
    assert treg_mediator in named, "filter the rows whose target is exactly 'Treg'"

