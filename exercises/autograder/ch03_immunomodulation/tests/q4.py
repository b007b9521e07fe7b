from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q4_type(top_target):
    assert isinstance(top_target, str), 'expected one target name'

@test_case(points=None, hidden=True)
def test_q4_value(top_target):
    from collections import Counter
    import mscteach
    m = mscteach.load('mechanisms')
    counts = Counter((part.strip() for category, targets in zip(m['category'], m['target']) if category in ('innate immunity', 'adaptive immunity') and isinstance(targets, str) for part in targets.split(';') if part.strip()))
    most = max(counts.values())
    assert top_target in {target for target, n in counts.items() if n == most}, 'count targets over innate and adaptive mechanisms only, after splitting lists'

