"""`mscteach report`: single and batch briefs, JSON summaries, bad input, escaping, atomic writes."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from mscteach import report
from mscteach.runner import NotebookFailure

from .conftest import REPO


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    data = [*args[:2]] if args[:1] == ("--data",) else []  # a global option goes before the command
    rest = args[2:] if data else args
    env = {k: v for k, v in os.environ.items() if k != "MSCTEACH_DATA_DIR"}
    return subprocess.run([sys.executable, "-m", "mscteach", *data, "report", "--no-progress", *rest],
                          capture_output=True, text=True, timeout=600, cwd=cwd, env=env)


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


# ------------------------------------------------------------------ what a reader of a brief sees is right
def test_the_reference_list_shows_the_reviews_own_numbers(single):
    out, _ = single
    page = out.read_text(encoding="utf-8")
    summary = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    pairs = re.findall(r'<p class="reference" id="ref-(\d+)">\[(\d+)\]', page)
    assert all(anchor == shown for anchor, shown in pairs)
    assert [int(shown) for _, shown in pairs] == summary["reference_ids"]
    # Shi 2012 is the review's reference 100 (its reference list: "Shi M, Zhang Z, Xu R, ...")
    assert re.search(r"\[100\] Shi M, Zhang Z", page)
    assert "<ol" not in page.split("References")[-1]  # no list that would renumber them


def test_a_misprinted_dose_is_never_shown_bare(tmp_path):
    out = tmp_path / "aclf.html"
    result = run("--disease", "ACLF", "--design", "RCT", "-o", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.count("10^5 × 10^-1 cells/kg") == page.count("10^5 × 10^-1 cells/kg weekly for 4 weeks [as printed "
                                                              "in the review; published: 1.0-10 × 10^5") >= 1


def _copy_with(tmp_path: Path, study: str, column: str, value: str) -> Path:
    import shutil

    from .conftest import DATA, set_cell

    folder = tmp_path / "my-data"
    shutil.copytree(DATA, folder)
    rows = (folder / "clinical_studies.csv").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(rows, start=1) if line.startswith(study + ","))
    set_cell(folder / "clinical_studies.csv", row, column, value)
    if f"{column}_fa" in rows[0].split(","):  # new English text: its Persian twin no longer says the same
        set_cell(folder / "clinical_studies.csv", row, f"{column}_fa", "")
    return folder


def test_data_text_is_escaped_and_report_reads_a_relative_data_folder(tmp_path):
    """--data was ignored by report; a relative folder is the one where the command runs; text is escaped."""
    _copy_with(tmp_path, "shi2012", "efficacy_finding", 'ALT fell to <ULN; <img src=x onerror="alert(1)">')
    result = run("--data", "my-data", "--disease", "ACLF", "--cell-type", "UC-MSC", "-o", "brief.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert "ALT fell to &lt;ULN" in page  # shown as written, from the copy
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page


def test_report_reads_a_relative_data_folder_from_the_environment(tmp_path):
    _copy_with(tmp_path, "shi2012", "efficacy_finding", "Marker text only in the copy.")
    env = dict(os.environ, MSCTEACH_DATA_DIR="my-data")
    result = subprocess.run([sys.executable, "-m", "mscteach", "report", "--no-progress", "--disease", "ACLF",
                             "-o", "brief.html"], capture_output=True, text=True, timeout=600, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert "Marker text only in the copy." in (tmp_path / "brief.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["brief.json", "brief", "brief.htm"])
def test_an_output_that_is_not_html_is_refused_before_any_kernel(name, tmp_path):
    result = run("--disease", "ACLF", "-o", str(tmp_path / name))
    assert result.returncode == 2
    assert "the output must be an .html file" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name, text, words", [
    ("extra.csv", "disease,design\nACLF,RCT,surplus\n", "grid.csv, row 2: cell 3 ('surplus') is beyond the header's 2"),
    ("quote.csv", 'disease,design\n"ACLF,RCT\n', "grid.csv, row 2"),
    ("empty.csv", "", "is empty"),
    ("bad.yaml", "briefs:\n  - {disease: ACLF\n  - {disease: NAFLD}\n", "grid.yaml, line 3: not valid YAML"),
])
def test_a_grid_file_that_cannot_be_parsed_is_one_clear_line(name, text, words, tmp_path):
    grid = tmp_path / ("grid" + Path(name).suffix)
    grid.write_text(text, encoding="utf-8")
    result = run("--grid", str(grid), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_brief_prints_why_nothing_was_pooled(single):
    out, _ = single
    page = out.read_text(encoding="utf-8")
    assert "Nothing can be pooled" in page
    summary = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert summary["pooled"] == {}


@pytest.fixture(scope="module")
def lin2017(tmp_path_factory):
    """ACLF with BM-MSCs: Lin 2017 alone (56 treated, 54 controls; severe infection 9/56 vs 18/54)."""
    out = tmp_path_factory.mktemp("lin") / "aclf-bm.html"
    result = run("--disease", "ACLF", "--cell-type", "BM-MSC", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out.read_text(encoding="utf-8"), json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))


def test_a_brief_states_its_question_in_its_title_and_counts_in_good_grammar(lin2017):
    page, _ = lin2017
    assert "<title>Evidence brief: MSC therapy for ACLF (BM-MSC)</title>" in page
    assert "<h1>Evidence brief: MSC therapy for ACLF (BM-MSC)</h1>" in page
    assert "<b>1</b> clinical study (" in page and "clinical studies (" not in page


def test_a_brief_labels_columns_for_readers(lin2017):
    page, _ = lin2017
    assert "treated (n)" in page and ">n_treated<" not in page and ">efficacy_finding<" not in page


def test_curation_notes_become_a_footnote_not_part_of_a_finding():
    from mscteach import report

    brief = report.evidence_brief(dict(disease="cirrhosis"))
    shown = "".join(item.data for item in report.section(brief, "clinical"))
    # zhang2012's safety finding reads "No significant side effects in either group (source file)." in the data
    assert "source file" not in shown.lower()
    assert f"No significant side effects in either group {report.SOURCE_MARK}." in shown
    # under each table, once: the studies' table (Zhang 2012's dose from the sources file) and the findings'
    assert shown.count("† from the study&#x27;s published report (sources file), not the review") == 2


def test_a_brief_carries_the_summary_of_findings_and_says_what_it_means(lin2017):
    page, summary = lin2017
    [row] = [r for r in summary["summary_of_findings"] if r["outcome"] == "severe infection"]
    # by hand: RR (9/56)/(18/54) = 0.48 (0.24 to 0.98); 333 per 1000 control risk -> 173 fewer per 1000
    assert row["relative_effect"] == "RR 0.48 (0.24 to 0.98)"
    assert row["absolute_effect"] == "173 fewer per 1000 (from 254 fewer to 7 fewer)"
    assert row["participants"] == {"treated": 56, "control": 54} and row["certainty"] == "Moderate"
    assert row["assessment"] == "rule-based first pass"
    assert "⊕⊕⊕◯ Moderate" in page and "rule-based first pass" in page
    assert ("1 clinical study matches this question, with 56 patients given cells; 1 is a randomised trial. "
            "For severe infection, 1 study (110 patients) found 173 fewer per 1000 patients with MSCs; the "
            "certainty of this evidence is moderate.") in page
    # which domains were judged and which assumed, and whose counts: Lin 2017's are its abstract's (outcome rows
    # 1-2, source "abstract of ref 26"); one study: inconsistency not applicable; risk of bias not assessed
    assert ("moderate. Judged from the data: inconsistency, indirectness, imprecision. Not assessed, so assumed "
            "not serious: risk of bias, publication bias. Its counts come from the study's published report "
            "(sources file), not the review.") in page
    assert (row["judged"], row["assumed"], row["counts_from"]) == (
        "inconsistency; indirectness; imprecision", "risk of bias; publication bias", "the sources file")


def test_what_this_means_says_what_the_rating_assumed_and_where_counts_came_from():
    from mscteach.report.content import grade_domain

    brief = report.evidence_brief(dict(disease="ACLF", cell_type="BM-MSC"))
    text = report.plain_language(brief)
    assert "the certainty of this evidence is moderate. Judged from the data: inconsistency, indirectness, " \
           "imprecision. Not assessed, so assumed not serious: risk of bias, publication bias. Its counts come " \
           "from the study's published report (sources file), not the review." in text
    persian = report.plain_language(report.evidence_brief(dict(disease="ACLF", cell_type="BM-MSC", lang="fa")))
    assert "ارزیابی نشده، پس جدی نبودنش فرض شده است: خطر سوگیری، سوگیری انتشار." in persian
    assert "شمارش های آن از گزارش منتشر شده مطالعه (فایل منابع) آمده اند، نه از مقاله مروری." in persian
    assert grade_domain("risk of bias (override)", "fa") == "خطر سوگیری (تعیین شده به دست مدرس)"


def test_preclinical_evidence_follows_the_questions_cells_or_says_none_did():
    from mscteach import report

    bm = report.evidence_brief(dict(disease="ACLF", cell_type="BM-MSC"))
    assert len(bm.animal) and all(str(c).startswith("BM-MSC") for c in bm.animal["cell_type"])
    # ACLF's related models are ALF and fibrosis/cirrhosis (related_models.csv): 9 rows of animal_studies.csv,
    # none of them with bone-marrow mononuclear cells
    mnc = report.evidence_brief(dict(disease="ACLF", cell_type="BM-MNC"))
    assert mnc.preclinical_note.startswith("None of the 9 related preclinical studies used BM-MNC")
    assert len(mnc.animal) == 9


def _pdf_text(path: Path) -> tuple[str, list]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() for page in reader.pages), reader.pages


def test_a_pdf_brief_says_what_its_json_says(tmp_path):
    out = tmp_path / "aclf.html"
    result = run("--disease", "ACLF", "--cell-type", "BM-MSC", "--format", "html,pdf,json", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert f"wrote {out}, {out.with_suffix('.pdf')} and {out.with_suffix('.json')}" in result.stdout
    summary = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    text, pages = _pdf_text(out.with_suffix(".pdf"))
    flat = " ".join(text.split())
    assert "Evidence brief: MSC therapy for ACLF (BM- MSC)" in flat or "Evidence brief: MSC therapy for ACLF (BM-MSC)" in flat
    counts = summary["counts"]
    assert f"{counts['patients_treated']} patients given cells, {counts['patients_total']} in all" in flat
    [row] = [r for r in summary["summary_of_findings"] if r["outcome"] == "severe infection"]
    assert row["relative_effect"] in flat and "173 fewer per 1000 patients" in flat
    for reference in summary["reference_ids"]:
        assert f"[{reference}]" in flat  # the last section is there: nothing was cut off at the end
    assert [round(float(v)) for v in pages[0].mediabox[2:]] == [596, 843]  # A4 in points
    assert f"1 / {len(pages)}" in flat and f"{len(pages)} / {len(pages)}" in flat  # page numbers


def test_pdf_only_on_letter_paper(tmp_path):
    out = tmp_path / "aclf.html"
    result = run("--disease", "ACLF", "--format", "pdf", "--paper", "Letter", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aclf.pdf"]
    _, pages = _pdf_text(out.with_suffix(".pdf"))
    assert [round(float(v)) for v in pages[0].mediabox[2:]] == [612, 792]


def test_a_batch_prints_every_pdf_with_one_browser(tmp_path):
    result = run("--disease", "ACLF", "--disease", "cirrhosis", "--format", "pdf,json", "-o", str(tmp_path / "b"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert names == ["disease-ACLF.json", "disease-ACLF.pdf", "disease-cirrhosis.json", "disease-cirrhosis.pdf"]


@pytest.mark.parametrize("args, says", [
    (["--format", "html,docx"], "unknown output format docx: choose from html, pdf, json"),
    (["--format", ""], "unknown output format (none)"),
])
def test_bad_formats_are_refused_before_any_kernel_starts(tmp_path, args, says):
    result = run("--disease", "ACLF", *args, "-o", str(tmp_path / "x.html"))
    assert result.returncode == 2 and says in result.stderr and not list(tmp_path.iterdir())


def test_pdf_without_a_printer_says_what_to_install(tmp_path, monkeypatch):
    import shutil as shutil_module

    from mscteach import report

    monkeypatch.setattr(shutil_module, "which", lambda name: None)
    with pytest.raises(report.ReportOutputError, match=r"install Chromium \(Debian/Ubuntu: apt install chromium\)"):
        report.check_formats(["html", "pdf"])


@pytest.mark.parametrize("question, specific", [
    # by hand from challenges.csv: these descriptions name "UC-MSCs" / "a UC-MSC trial"
    (dict(disease="ACLF", cell_type="UC-MSC"), ["Cell source and dose", "Long-term survival benefit unproven"]),
    (dict(disease="cirrhosis"), ["Frequency of infusion"]),  # "in alcoholic cirrhosis two injections ..."
    (dict(cell_origin="autologous"), ["Autologous cells from diseased patients"]),
    ({}, []),
])
def test_caveats_that_name_the_question_come_first_and_the_rest_are_listed_briefly(question, specific):
    import mscteach
    from mscteach import analysis, report

    challenges = mscteach.load("challenges")
    named, general = analysis.caveats_for(challenges, **question)
    assert named["challenge"].tolist() == specific and len(named) + len(general) == len(challenges)
    brief = report.evidence_brief(question)
    shown = "".join(item.data for item in report.section(brief, "caveats"))
    for title in specific:
        assert f"<td>{title}</td>" in shown  # in full, in the table
    for title in general["challenge"]:
        assert f"<li>{title} (" in shown  # by name, in the list
    assert ("name this question" in shown) == bool(specific)


def test_the_template_displays_the_brief_computed_once_by_the_parent(tmp_path):
    """write_brief computes a brief once (its JSON comes from it) and hands that same brief to the kernel."""
    brief = report.evidence_brief({"disease": "ACLF", "cell_type": "BM-MNC"})
    brief.preclinical_note = "A note only the brief of the parent carries."
    kept = tmp_path / "brief.pickle"
    report.save_brief(brief, kept)
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(REPO / "reports" / "evidence_brief.ipynb"), str(out), progress_bar=False,
                               parameters={"disease": "ACLF", "cell_type": "BM-MNC", "brief_file": str(kept)})
    executed = nbformat.read(str(out), as_version=4)
    preclinical = next(c for c in executed.cells if "'preclinical'" in c.source)
    assert "A note only the brief of the parent carries." in json.dumps(preclinical.outputs)
