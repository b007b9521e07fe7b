from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q2_type(uc_refs):
    assert isinstance(uc_refs, list) and all((isinstance(r, int) for r in uc_refs)), 'expected the ref_ids list of one row'

@test_case(points=None, hidden=True)
def test_q2_value(uc_refs):
    import mscteach
    sources = mscteach.load('cell_sources')
    row = sources[sources['source'] == 'Umbilical cord'].iloc[0]
    assert uc_refs == [int(r) for r in row['ref_ids']], "use the row whose source is 'Umbilical cord'"

