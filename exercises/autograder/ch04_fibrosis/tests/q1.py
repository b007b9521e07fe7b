from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q1_type(fibrosis_mediators):
    assert isinstance(fibrosis_mediators, list), 'expected a list of mediator names'

@test_case(points=None, hidden=True)
def test_q1_value(fibrosis_mediators):
    import mscteach
    from mscteach import evidence
    every = evidence.distinct_items(evidence.choose(mscteach.load('mechanisms'), category='anti-fibrotic')['mediator'])
    for m in ['HGF', 'IL-10', 'MMP-9', 'MMP-13']:
        if m in every:
            assert m in fibrosis_mediators, m + " is missing: split the ';'-separated mediator lists"
    assert sorted(fibrosis_mediators) == sorted(every), 'list each anti-fibrotic mediator once, and nothing else'

