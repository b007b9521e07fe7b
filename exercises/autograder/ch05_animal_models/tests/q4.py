from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q4_type(mouse_nafld):
    assert isinstance(mouse_nafld, str), "a cell of outcome_matrix is text like '2 benefit'"

@test_case(points=None, hidden=True)
def test_q4_value(mouse_nafld):
    from collections import Counter
    import mscteach
    animals = mscteach.load('animal_studies')
    counts = Counter((outcome for species, disease, outcome in zip(animals['species'], animals['disease'], animals['outcome']) if isinstance(species, str) and species == 'mouse' and (disease == 'NAFLD')))
    expected = '\n'.join((f'{n} {outcome}' for outcome, n in sorted(counts.items())))
    assert mouse_nafld == expected, "use .loc['mouse', 'NAFLD'] on the matrix"

