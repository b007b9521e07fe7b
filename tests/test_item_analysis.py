"""Item analysis of a gradebook, on a small class worked out by hand.

Five graded students, three one-point questions, one ungraded file:

    student  q1  q2   q3  total
    s1       1   1    0   2
    s2       1   1    0   2
    s3       1   0.5  0   1.5
    s4       1   0    1   2
    s5       1   0    0   1

q1: everyone right, difficulty 1, discrimination undefined (no spread): too easy.
q2: difficulty 2.5/5 = 0.5; rest scores (total - q2) 1, 1, 1, 2, 1. Deviations from the means (0.5 and
1.2): q2 .5 .5 0 -.5 -.5, rest -.2 -.2 -.2 .8 -.2; sum of products -0.5; sums of squares 1.0 and 0.8;
r = -0.5 / sqrt(0.8) = -sqrt(5)/4 = -0.5590: negatively discriminating.
q3: difficulty 0.2: too hard; rest 2, 2, 1.5, 1, 1 (deviations .5 .5 0 -.5 -.5 from 1.5), q3 deviations
-.2 -.2 -.2 .8 -.2: the same products, r = -sqrt(5)/4 as well: too hard and negatively discriminating.
"""
from __future__ import annotations

import math
import subprocess
import sys

import pytest

from mscteach.classroom import item_analysis
from mscteach.errors import MscteachError

HEADER = "student_id,file,q1,q2,q3,total,possible,percentage,status,message,isolation\n"
ROWS = ["s1,s1.ipynb,1,1,0,2,3,66.7,graded,,sandbox", "s2,s2.ipynb,1,1,0,2,3,66.7,graded,,sandbox",
        "s3,s3.ipynb,1,0.5,0,1.5,3,50.0,graded,,sandbox", "s4,s4.ipynb,1,0,1,2,3,66.7,graded,,sandbox",
        "s5,s5.ipynb,1,0,0,1,3,33.3,graded,,sandbox",
        "s6,s6.ipynb,,,,,3,,timed out,still running after 180 s (a cell that never ends?),sandbox"]


@pytest.fixture
def gradebook(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path


def test_difficulty_discrimination_and_flags_match_the_hand_calculation(gradebook):
    frame, questions = item_analysis.read_gradebook(gradebook)
    assert questions == ["q1", "q2", "q3"]
    stats = item_analysis.item_statistics(frame, questions).set_index("question")
    assert stats["graded"].tolist() == [5, 5, 5]
    assert stats["difficulty"].tolist() == pytest.approx([1.0, 0.5, 0.2])
    assert math.isnan(stats.loc["q1", "discrimination"])
    assert stats.loc["q2", "discrimination"] == pytest.approx(-math.sqrt(5) / 4)
    assert stats.loc["q3", "discrimination"] == pytest.approx(-math.sqrt(5) / 4)
    assert stats["flags"].tolist() == ["too easy", "negatively discriminating",
                                       "too hard; negatively discriminating"]


def test_the_command_writes_the_page_and_the_table(gradebook, tmp_path):
    out = tmp_path / "report"
    result = subprocess.run([sys.executable, "-m", "mscteach", "exercises", "report", str(gradebook), "-o", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(out / "item-analysis.html"), str(out / "item-analysis.csv")]
    table = (out / "item-analysis.csv").read_text(encoding="utf-8").splitlines()
    assert table[0] == "question,graded,mean_points,max_points,difficulty,discrimination,flags"
    assert table[1] == "q1,5,1,1,1,,too easy"
    assert table[2] == "q2,5,0.5,1,0.5,-0.559,negatively discriminating"
    page = (out / "item-analysis.html").read_text(encoding="utf-8")
    assert "5 of 6 submissions graded; mean total 1.70 of 3" in page  # (2+2+1.5+2+1)/5 = 1.7
    assert 'alt="Histogram of total scores: 1 scored 1, 1 scored 1.5, 3 scored 2."' in page
    assert "data:image/png;base64," in page and "http" not in page.replace("http-equiv", "")
    assert "s6.ipynb" in page and "still running after 180 s" in page
    assert "With 5 graded submissions these figures are a rough guide" in page


@pytest.mark.parametrize("text, error", [
    ("student_id,file,q1,total\n", "missing column(s) possible, status"),
    (HEADER + "s1,s1.ipynb,1,x,0,1,3,33.3,graded,,sandbox\n", "row 2, column q2: 'x' is not a number"),
    ("student_id,file,total,possible,status\n", "no question columns between 'file' and 'total'"),
])
def test_a_bad_gradebook_is_named_and_nothing_is_written(tmp_path, text, error):
    path = tmp_path / "scores.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MscteachError, match=error.replace("(", r"\(").replace(")", r"\)")):
        item_analysis.write_report(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()
