from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q4_type(uncited_years):
    assert isinstance(uncited_years, list), 'expected a list of years'

@test_case(points=None, hidden=True)
def test_q4_value(uncited_years):
    import mscteach
    timeline = mscteach.load('timeline')
    expected = sorted((int(year) for year, refs in zip(timeline['year'], timeline['ref_ids']) if len(refs) == 0))
    assert [int(y) for y in uncited_years] == expected, 'an uncited row has ref_ids == [] (use .map(len) == 0)'

