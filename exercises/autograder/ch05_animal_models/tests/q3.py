from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 1

@test_case(points=None, hidden=False, 
    success_message="only the form of the answer was checked here: its value is checked when your work is graded")
def test_q3_type(alf_species):
    assert isinstance(alf_species, list), 'expected a list of species names'

@test_case(points=None, hidden=True)
def test_q3_value(alf_species):
    import mscteach
    animals = mscteach.load('animal_studies')
    expected = sorted({species for species, disease in zip(animals['species'], animals['disease']) if disease == 'ALF' and isinstance(species, str)})
    assert alf_species == expected, 'filter ALF rows, drop missing species, sort'

