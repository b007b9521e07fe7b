from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q4_range(half_block):
    assert isinstance(half_block, (int, float)) and 0 <= half_block <= 1, 'expected a number between 0 and 1 (a share of synthesis)'

@test_case(points=None, hidden=True)
def test_q4_value(half_block):
    from mscteach import evidence
    res = evidence.ecm_summary(evidence.ecm_balance(evidence.EcmScenario(msc_synthesis_block=half_block, msc_degradation_boost=0, weeks=300)))
    assert abs(res.loc['with MSCs', 'change_vs_untreated_percent'] + 50) < 0.5, 'the steady state is proportional to synthesis'

