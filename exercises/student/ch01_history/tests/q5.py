from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 1

@test_case(points=0, hidden=False, 
    success_message="one of the letters, as asked: whether it is the right one is checked when your work is graded (a wrong letter earns no marks)")
def test_q5_is_a_letter(q5_answer):
    assert isinstance(q5_answer, str) and q5_answer.strip().lower() in ['a', 'b', 'c'], 'expected one letter: ' + ', '.join(['a', 'b', 'c'])

# hidden tests check this answer's value when the work is graded
value_checked_when_graded = True
