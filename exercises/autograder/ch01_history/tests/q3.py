from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q3_type(msc_year):
    assert isinstance(msc_year, int) and 1800 < msc_year < 2025, 'expected a year as a whole number'

@test_case(points=None, hidden=True)
def test_q3_value(msc_year):
    import mscteach
    timeline = mscteach.load('timeline')
    named = [int(year) for year, category, headline in zip(timeline['year'], timeline['category'], timeline['headline']) if category == 'terminology' and 'mesenchymal stem cell' in str(headline).lower()]
    assert msc_year == min(named), 'look for the headline that names mesenchymal stem cells'

