from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q3_type(largest):
    assert isinstance(largest, str), "expected a study_id such as 'lin2017'"

@test_case(points=None, hidden=True)
def test_q3_value(largest):
    import mscteach
    clinical = mscteach.load('clinical_studies')
    primary = clinical[clinical['design'] != 'meta-analysis']
    biggest = set(primary.loc[primary['n_total'] == primary['n_total'].max(), 'study_id'])
    assert largest in biggest, 'leave the meta-analyses out before sorting by n_total'

