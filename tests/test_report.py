"""`mscteach report`: single and batch briefs, JSON summaries, bad input, escaping, atomic writes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from mscteach import report
from mscteach.build import NotebookFailure

from .conftest import REPO


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mscteach", "report", "--no-progress", *args],
                          capture_output=True, text=True, timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "aclf-uc.html"
    result = run("--disease", "ACLF", "--cell-type", "UC-MSC", "--title", "<script>alert(1)</script>",
                 "--author", "Dr A & B", "-o", str(out))
    return out, result


def test_single_brief_writes_html_and_json(single):
    out, result = single
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert "Clinical studies" in page and "Shi 2012" in page and "CC BY-NC-SA 4.0" in page
    assert "report.section(" not in page and "from mscteach import" not in page
    assert "Traceback" not in page
    summary = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert summary["parameters"]["disease"] == "ACLF" and summary["parameters"]["cell_type"] == "UC-MSC"
    assert summary["clinical_study_ids"] == ["shi2012"]
    assert summary["counts"]["clinical_studies"] == 1 and summary["counts"]["patients_treated"] == 24
    assert summary["pooled"] == {} and "ALF" not in summary["clinical_study_ids"]
    assert summary["preclinical_study_ids"] and summary["reference_ids"]


def test_text_parameters_are_escaped(single):
    out, _ = single
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Dr A &amp; B" in page


def test_batch_of_briefs_in_parallel(tmp_path):
    result = run("--disease", "cirrhosis", "--disease", "ACLF", "--disease", "NAFLD", "--jobs", "2", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert f"written 3, failed 0, in {tmp_path}" in result.stdout
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["disease-ACLF.html", "disease-ACLF.json", "disease-NAFLD.html", "disease-NAFLD.json",
                     "disease-cirrhosis.html", "disease-cirrhosis.json"]
    cirrhosis = json.loads((tmp_path / "disease-cirrhosis.json").read_text())
    assert {"zhang2012", "suk2016", "kharaziha2009"} <= set(cirrhosis["clinical_study_ids"])


def test_grid_file(tmp_path):
    grid = tmp_path / "grid.csv"
    grid.write_text("disease,cell_type,design\nACLF,,RCT\ncirrhosis,BM-MSC,\n", encoding="utf-8")
    result = run("--grid", str(grid), "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").glob("*.json")) == [
        "disease-ACLF_design-RCT.json", "disease-cirrhosis_cell-type-BM-MSC.json"]
    rct = json.loads((tmp_path / "out" / "disease-ACLF_design-RCT.json").read_text())
    assert rct["clinical_study_ids"] == ["shi2012", "lin2017"]


def test_a_filter_matching_nothing_gives_a_valid_brief_that_says_so(tmp_path):
    out = tmp_path / "empty.html"
    result = run("--disease", "NAFLD", "--cell-type", "UC-MSC", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "No clinical study in the review matches this question" in out.read_text(encoding="utf-8")
    assert json.loads(out.with_suffix(".json").read_text())["clinical_study_ids"] == []


@pytest.mark.parametrize("args, words", [
    (["--disease", "cirrosis"], "unknown value for --disease 'cirrosis'; available: all, cirrhosis"),
    (["--cell-type", "UCMSC"], "did you mean 'UC-MSC'"),
    (["--design", "randomised"], "unknown value for --design 'randomised'"),
    (["--year-from", "twenty"], "unknown value for --year-from 'twenty'"),
    (["--year-from", "2020", "--year-to", "2000"], "unknown year range '2020-2000'"),
])
def test_bad_parameters_exit_2_before_any_kernel_starts(args, words, tmp_path):
    out = tmp_path / "brief.html"
    result = run(*args, "-o", str(out))
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_an_unwritable_output_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("--disease", "ACLF", "-o", str(blocker / "brief.html"))
    assert result.returncode == 1
    assert "cannot write to" in result.stderr and "Traceback" not in result.stderr


def test_a_failing_run_leaves_the_old_brief_untouched_and_no_partial_file(tmp_path):
    broken = tmp_path / "broken.ipynb"
    nb = new_notebook(cells=[new_code_cell("disease = 'all'", metadata={"tags": ["parameters"]}),
                             new_code_cell("raise RuntimeError('kernel trouble')")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, str(broken))
    out = tmp_path / "site" / "brief.html"
    out.parent.mkdir()
    out.write_text("previous complete brief")
    with pytest.raises(NotebookFailure, match="RuntimeError: kernel trouble"):
        report.write_brief({"disease": "ACLF"}, out, template=broken)
    assert out.read_text() == "previous complete brief"
    assert sorted(p.name for p in out.parent.iterdir()) == ["brief.html"]


def test_the_template_runs_directly_with_papermill(tmp_path):
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(REPO / "reports" / "evidence_brief.ipynb"), str(out),
                               parameters={"disease": "cirrhosis", "design": "RCT"}, progress_bar=False)
    executed = nbformat.read(str(out), as_version=4)
    clinical = next(c for c in executed.cells if "'clinical'" in c.source)
    html = json.dumps(clinical.outputs)
    # the RCTs in cirrhosis the review describes include Suk 2016; Kharaziha 2009 is single-arm
    assert "Suk 2016" in html and "Kharaziha" not in html


def test_check_parameters_fills_defaults_and_converts_types():
    values = report.check_parameters({"disease": "ACLF", "year_from": "2010", "include_preclinical": "false"})
    assert values["year_from"] == 2010 and values["include_preclinical"] is False
    assert values["cell_type"] == "all" and values["title"].startswith("Evidence brief")
    with pytest.raises(report.ReportParameterError, match="unknown parameter 'diseas'.*did you mean 'disease'"):
        report.check_parameters({"diseas": "ACLF"})
    with pytest.raises(report.ReportParameterError, match="include-preclinical"):
        report.check_parameters({"include_preclinical": "maybe"})


def test_report_names_and_grids(tmp_path):
    assert report.report_name({}) == "all"
    assert report.report_name({"disease": "ACLF and chronic liver disease", "design": "RCT"}) == \
        "disease-ACLF-and-chronic-liver-disease_design-RCT"
    assert report.expand_grid({"disease": ["a", "b"], "design": ["RCT"]}) == [
        {"disease": "a", "design": "RCT"}, {"disease": "b", "design": "RCT"}]
    yaml_grid = tmp_path / "g.yaml"
    yaml_grid.write_text("briefs:\n  - {disease: ACLF}\n  - {disease: NAFLD, include_preclinical: false}\n")
    assert report.read_grid(yaml_grid)[1] == {"disease": "NAFLD", "include_preclinical": False}
    bad = tmp_path / "g.txt"
    bad.write_text("x")
    with pytest.raises(report.MscteachError, match="must be .csv, .yaml"):
        report.read_grid(bad)


def test_evidence_brief_content_is_consistent():
    brief = report.evidence_brief({"disease": "ACLF"})
    assert set(brief.clinical["study_id"]) == {"xue2018", "lin2017", "shi2012"}
    assert set(brief.animal["disease"]) <= {"ALF", "fibrosis/cirrhosis"}
    assert set(brief.mechanisms["category"]) == {"innate immunity", "adaptive immunity", "anti-inflammatory"}
    assert brief.effects["study_id"].tolist() == ["lin2017", "lin2017"]
    summary = brief.summary()
    json.dumps(summary)  # JSON-ready
    assert summary["per_study_effects"][0]["estimate"] == pytest.approx(0.4821, abs=1e-4)
