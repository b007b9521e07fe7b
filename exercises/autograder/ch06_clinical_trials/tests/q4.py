from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q4_type(infection_rr):
    assert isinstance(infection_rr, float) and infection_rr > 0, 'expected a positive ratio'

@test_case(points=None, hidden=True)
def test_q4_value(infection_rr):
    import mscteach
    outcomes = mscteach.load('outcomes')
    arms = outcomes[(outcomes['study_id'] == 'lin2017') & (outcomes['outcome'] == 'severe infection')].set_index('arm_role')
    risk = {role: float(arms.loc[role, 'events']) / float(arms.loc[role, 'total']) for role in ('treated', 'control')}
    assert abs(infection_rr - risk['treated'] / risk['control']) < 1e-06, 'risk ratio = (events/total treated) / (events/total control)'

