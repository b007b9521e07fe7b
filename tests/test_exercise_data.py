"""Hidden value tests follow the data they grade with: a teacher who adds a study to a workspace grades the
reference solution full marks, and a wrong answer (the shipped data's answer, say) is still wrong there.

Every expected value below is known by hand, from the review's tables as shipped (the numbers the hidden
tests hard-coded before they computed them from the data) or from the rows a test adds, never from the
code under test.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import mscteach
from mscteach.classroom.answers import encode
from mscteach.classroom.scoring import load_tests

from .conftest import DATA, REPO, add_row, make_teacher_folder

AUTOGRADER = REPO / "exercises" / "autograder"

# the six randomised trials of clinical_studies, each with a smaller arm below 115 (the review's RCTs are
# all small: 15 to 56 patients in the smaller arm)
RCTS = ["Lin 2017", "Mohamadnejad 2013", "Shi 2012", "Suk 2016", "Xu 2014", "Zhang 2012"]


def _events(*years: int) -> pd.DataFrame:
    return pd.DataFrame({"category": ["transplantation"] * len(years), "year": list(years)})


def _studies(*authors: str) -> pd.DataFrame:
    return pd.DataFrame({"outcome": ["harm"] * len(authors), "first_author": list(authors)})


# (set, question, answer, right on the shipped data, wrong there): the right values are the ones the hidden
# tests hard-coded until they computed them from the data, or counted by hand in data/*.csv
SHIPPED = [
    ("ch01_history", "q1", "n_events", 11, 10),  # data/README.md: timeline has 11 rows
    ("ch01_history", "q2", "transplant_events", _events(1939, 1957, 1958, 1963, 1972),
     _events(1939, 1957, 1958, 1963)),
    ("ch01_history", "q3", "msc_year", 1991, 1888),  # 1888: the other terminology event, Boveri and Haecker
    ("ch01_history", "q4", "uncited_years", [1939], []),
    ("ch02_differentiation", "q1", "n_sources", 9, 8),  # data/README.md: cell_sources has 9 rows
    ("ch02_differentiation", "q2", "uc_refs", [101], [41]),  # 41: umbilical cord *blood*'s reference
    ("ch02_differentiation", "q3", "inducing_factors", ["EGF", "FGF", "HGF", "OSM"], ["EGF", "FGF", "HGF"]),
    ("ch02_differentiation", "q4", "stance_counts", pd.Series({"for": 10, "against": 4}),
     pd.Series({"for": 11, "against": 3})),
    # adaptive immunity: six T-cell rows, three Treg rows, a B-cell row and a CD4+ T-cell row
    ("ch03_immunomodulation", "q1", "n_adaptive", 11, 10),
    ("ch03_immunomodulation", "q2", "pge2_targets", {"M1/M2 macrophage", "T cell"}, {"T cell"}),
    ("ch03_immunomodulation", "q3", "treg_mediator", "Jagged-1", "IDO"),
    ("ch03_immunomodulation", "q4", "top_target", "T cell", "Treg"),
    # anti-fibrotic mediators: "HGF; IL-10; TNF-α", "HGF", "MMP-9; MMP-13", "TGF-β1", "TGF-β1/Smad"
    ("ch04_fibrosis", "q1", "fibrosis_mediators", ["HGF", "IL-10", "MMP-13", "MMP-9", "TGF-β1", "TGF-β1/Smad", "TNF-α"],
     ["HGF", "IL-10", "MMP-13", "MMP-9", "TGF-β1", "TGF-β1/Smad"]),
    ("ch05_animal_models", "q1", "n_hcc", 6, 5),
    ("ch05_animal_models", "q2", "harmful", _studies("Gong", "Teshima"), _studies("Gong")),
    ("ch05_animal_models", "q3", "alf_species", ["monkey", "mouse", "rat"], ["mouse", "rat"]),
    ("ch05_animal_models", "q4", "mouse_nafld", "3 benefit", "2 benefit"),
    ("ch06_clinical_trials", "q1", "n_rct", 6, 5),
    ("ch06_clinical_trials", "q2", "rct_treated", 192, 191),
    ("ch06_clinical_trials", "q3", "largest", "guo2019", "lin2017"),
    ("ch06_clinical_trials", "q4", "infection_rr", (9 / 56) / (18 / 54), (9 / 56) / (18 / 56)),
    # challenges stated without a citation: rows 2, 3, 4, 6, 8, 14, 15 and 16 of challenges.csv
    ("ch07_challenges", "q1", "n_uncited", 8, 7),
    # the whole list, not only its length: Peng 2011 is controlled but not randomised
    ("ch07_challenges", "q3", "underpowered", RCTS, sorted(["Peng 2011", *RCTS[1:]])),
    ("ch07_challenges", "q4", "n_apply", 2, 1),
]


def _score(exercise_set: str, question: str, name: str, value) -> tuple[float, float, list[str]]:
    """(points, possible, reasons) of one answer, scored by the set's tests on the data in use."""
    scores = {s.name: s for s in load_tests(AUTOGRADER / exercise_set / "tests").score({name: encode(value)})}
    s = scores[question]
    return s.score, s.possible, s.reasons


# each hidden value test's hint, word for word as before its expectation was computed from the data
HINTS = {
    ("ch01_history", "q1"): "count every row of the timeline table",
    ("ch01_history", "q2"): "some transplantation events are missing",
    ("ch01_history", "q3"): "look for the headline that names mesenchymal stem cells",
    ("ch01_history", "q4"): "an uncited row has ref_ids == [] (use .map(len) == 0)",
    ("ch02_differentiation", "q1"): "count the rows of cell_sources",
    ("ch02_differentiation", "q2"): "use the row whose source is 'Umbilical cord'",
    ("ch02_differentiation", "q3"): "filter kind == 'inducing factor' and sort the items",
    ("ch02_differentiation", "q4"): "count every row once, by stance",
    ("ch03_immunomodulation", "q1"): "count rows with category 'adaptive immunity'",
    ("ch03_immunomodulation", "q2"): "PGE2 acts on one innate and one adaptive target",
    ("ch03_immunomodulation", "q3"): "filter the rows whose target is exactly 'Treg'",
    ("ch03_immunomodulation", "q4"): "count targets over innate and adaptive mechanisms only, after splitting lists",
    ("ch04_fibrosis", "q1"): "list each anti-fibrotic mediator once, and nothing else",
    ("ch05_animal_models", "q1"): "count rows whose disease is 'HCC'",
    ("ch05_animal_models", "q2"): "keep exactly the studies reporting harm",
    ("ch05_animal_models", "q3"): "filter ALF rows, drop missing species, sort",
    ("ch05_animal_models", "q4"): "use .loc['mouse', 'NAFLD'] on the matrix",
    ("ch06_clinical_trials", "q1"): "count rows whose design is 'RCT'",
    ("ch06_clinical_trials", "q2"): "sum n_treated over the RCT rows only",
    ("ch06_clinical_trials", "q3"): "leave the meta-analyses out before sorting by n_total",
    ("ch06_clinical_trials", "q4"): "risk ratio = (events/total treated) / (events/total control)",
    ("ch07_challenges", "q1"): "an uncited row has an empty ref_ids list",
    ("ch07_challenges", "q3"): "every RCT in the review is below a powered size",
    ("ch07_challenges", "q4"): "pass the exact criterion names from criteria['criterion']",
}


@pytest.mark.parametrize("exercise_set, question, name, right, wrong", SHIPPED,
                         ids=[f"{s}-{q}" for s, q, *_ in SHIPPED])
def test_on_the_shipped_data_each_computed_expectation_is_the_value_known_by_hand(exercise_set, question, name,
                                                                                 right, wrong):
    score, possible, reasons = _score(exercise_set, question, name, right)
    assert (score, reasons) == (possible, [])
    score, possible, reasons = _score(exercise_set, question, name, wrong)
    # the right form, the wrong value: the hidden half is lost, with the hidden test's own words
    assert score == possible - 0.5
    assert reasons == [f"{question} lost 0.5: {HINTS[exercise_set, question]}"]


def test_every_hidden_value_test_that_reads_the_data_is_checked_above():
    """A hidden test naming a table is listed in SHIPPED, so a new data-reading test cannot go unchecked."""
    listed = {(s, q) for s, q, *_ in SHIPPED}
    assert listed == set(HINTS)
    reading = {(path.parent.parent.name, path.stem) for path in AUTOGRADER.glob("*/tests/q*.py")
               if "mscteach.load(" in path.read_text(encoding="utf-8")}
    assert reading == listed


# --------------------------------------------------------------------------- a teacher's data folder
def _grown(folder: Path) -> Path:
    """A copy of data/ with a row added to each table an exercise set reads (each marked ``teacher``)."""
    make_teacher_folder(folder)  # clinical_studies: a 2025 RCT, 60 + 60 patients, reference 104
    add_row(folder / "timeline.csv", {
        "year": "1980", "year_text": "1980", "headline": "A teacher's transplant event",
        "event": "An uncited transplantation event added by a teacher.", "category": "transplantation",
        "seed_section": "Introduction", "notes": "Added by a teacher; stated without a citation."})
    add_row(folder / "differentiation.csv", {
        "item": "VEGF", "kind": "inducing factor", "stance": "for", "detail": "A teacher's inducing factor.",
        "ref_ids": "47", "seed_section": "Differentiation capacity of MSCs"})
    add_row(folder / "mechanisms.csv", {
        "mechanism_id": "M99", "category": "innate immunity", "mediator": "IDO; PGE2", "target": "NK cell",
        "effect": "A teacher's mechanism.", "ref_ids": "64", "seed_section": "Innate immune response and MSCs"})
    for study, species, disease, outcome in (("teacher2024_alf", "mouse", "ALF", "benefit"),
                                             ("teacher2024_nafld", "mouse", "NAFLD", "harm")):
        add_row(folder / "animal_studies.csv", {
            "study_id": study, "first_author": "Teacher", "author_as_printed": "Teacher", "year": "2024",
            "ref_ids": "71", "species": species, "disease": disease, "cell_type": "UC-MSC", "setting": "in vivo",
            "outcome": outcome, "finding": "A teacher's study.", "seed_section": "Acute liver injury"})
    return folder


# (set, question, answer, right on the grown data, the shipped data's answer, now wrong): worked out by hand
# from the rows _grown adds
GROWN = [
    ("ch01_history", "q1", "n_events", 12, 11),
    ("ch01_history", "q2", "transplant_events", _events(1939, 1957, 1958, 1963, 1972, 1980),
     _events(1939, 1957, 1958, 1963, 1972)),
    ("ch01_history", "q4", "uncited_years", [1939, 1980], [1939]),
    ("ch02_differentiation", "q3", "inducing_factors", ["EGF", "FGF", "HGF", "OSM", "VEGF"], ["EGF", "FGF", "HGF", "OSM"]),
    ("ch02_differentiation", "q4", "stance_counts", pd.Series({"for": 11, "against": 4}),
     pd.Series({"for": 10, "against": 4})),
    ("ch03_immunomodulation", "q2", "pge2_targets", {"M1/M2 macrophage", "NK cell", "T cell"},
     {"M1/M2 macrophage", "T cell"}),
    ("ch05_animal_models", "q2", "harmful", _studies("Gong", "Teacher", "Teshima"), _studies("Gong", "Teshima")),
    # a second ALF mouse study: each species once
    ("ch05_animal_models", "q3", "alf_species", ["monkey", "mouse", "rat"], ["monkey", "mouse", "mouse", "rat"]),
    ("ch05_animal_models", "q4", "mouse_nafld", "3 benefit\n1 harm", "3 benefit"),
    ("ch06_clinical_trials", "q1", "n_rct", 7, 6),
    ("ch06_clinical_trials", "q2", "rct_treated", 252, 192),
    ("ch07_challenges", "q3", "underpowered", sorted([*RCTS, "Teacher 2025"]), RCTS),
]


@pytest.fixture(scope="module")
def grown_data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("grown") / "data"
    shutil.copytree(DATA, folder)
    return _grown(folder)


def test_the_grown_data_folder_is_valid(grown_data):
    result = subprocess.run([sys.executable, "-m", "mscteach", "--data", str(grown_data), "validate"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("exercise_set, question, name, right, stale", GROWN, ids=[f"{s}-{q}" for s, q, *_ in GROWN])
def test_on_a_teachers_data_the_tests_expect_its_answers(grown_data, monkeypatch, exercise_set, question, name,
                                                         right, stale):
    monkeypatch.setenv(mscteach.ENV_VAR, str(grown_data))  # as the grader sets it for its scoring process
    score, possible, reasons = _score(exercise_set, question, name, right)
    assert (score, reasons) == (possible, [])
    score, possible, reasons = _score(exercise_set, question, name, stale)
    assert score == possible - 0.5
    assert reasons == [f"{question} lost 0.5: {HINTS[exercise_set, question]}"]


# --------------------------------------------------------------------------- through the grading command
def _variant(source: Path, target: Path, *replacements: tuple[str, str]) -> None:
    nb = nbformat.read(str(source), as_version=4)
    for old, new in replacements:
        cells = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
        assert len(cells) == 1, old
        cells[0].source = cells[0].source.replace(old, new)
    nbformat.write(nb, str(target))


# per set: the solution line replaced by the hand-worked answer on the teacher's data, and by the shipped
# data's answer (what a student who copied last year's numbers hands in)
HAND = {
    "ch06_clinical_trials": [
        ('n_rct = int((clinical["design"] == "RCT").sum())', "n_rct = 7", "n_rct = 6"),
        ('rct_treated = int(clinical.loc[clinical["design"] == "RCT", "n_treated"].sum())', "rct_treated = 252",
         "rct_treated = 192")],
    "ch07_challenges": [
        ('underpowered = sorted(table.loc[(table["design"] == "RCT") & (table["smaller_arm"] < per_arm), "study"])',
         f"underpowered = {sorted([*RCTS, 'Teacher 2025'])!r}", f"underpowered = {RCTS!r}")],
}


@pytest.fixture(scope="module")
def teacher_grades(tmp_path_factory) -> dict[str, dict[str, dict[str, str]]]:
    """Each set of HAND graded by `mscteach exercises grade` in an instructor workspace with an added RCT."""
    work = tmp_path_factory.mktemp("teacher")
    env = {k: v for k, v in os.environ.items() if k != mscteach.ENV_VAR}
    made = subprocess.run([sys.executable, "-m", "mscteach", "init", "course", "--instructor"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    course = work / "course"
    make_teacher_folder(course / "data")
    books = {}
    for exercise_set, lines in HAND.items():
        solution = course / "exercises" / "autograder" / exercise_set / f"{exercise_set}.ipynb"
        submissions = work / exercise_set
        submissions.mkdir()
        shutil.copy(solution, submissions / "solution.ipynb")
        _variant(solution, submissions / "by_hand.ipynb", *[(old, hand) for old, hand, _ in lines])
        _variant(solution, submissions / "stale.ipynb", *[(old, stale) for old, _, stale in lines])
        book = work / f"{exercise_set}.csv"
        result = subprocess.run(
            [sys.executable, "-m", "mscteach", "exercises", "grade", exercise_set, *(
                str(submissions / f"{n}.ipynb") for n in ("solution", "by_hand", "stale")),
             "-o", str(book), "--jobs", "2", "--no-progress"],
            cwd=course, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr
        with book.open(newline="", encoding="utf-8") as f:
            books[exercise_set] = {Path(r["file"]).stem: r for r in csv.DictReader(f)}
    return books


@pytest.mark.parametrize("exercise_set", list(HAND))
def test_in_a_workspace_with_an_added_rct_the_solution_earns_full_marks(teacher_grades, exercise_set):
    rows = teacher_grades[exercise_set]
    for name in ("solution", "by_hand"):  # the master's code, and the answers worked out by hand
        assert (rows[name]["status"], rows[name]["total"], rows[name]["message"]) == ("graded", "5", ""), rows[name]


def test_in_that_workspace_last_years_answers_are_marked_wrong(teacher_grades):
    ch06, ch07 = teacher_grades["ch06_clinical_trials"]["stale"], teacher_grades["ch07_challenges"]["stale"]
    assert [ch06[q] for q in ("q1", "q2", "q3", "q4", "q5", "total")] == ["0.5", "0.5", "1", "1", "1", "4"]
    assert ch06["message"] == ("q1 lost 0.5: count rows whose design is 'RCT'; "
                               "q2 lost 0.5: sum n_treated over the RCT rows only")
    assert [ch07[q] for q in ("q1", "q2", "q3", "q4", "q5", "total")] == ["1", "1", "0.5", "1", "1", "4.5"]
    assert ch07["message"] == "q3 lost 0.5: every RCT in the review is below a powered size"
