"""The loading API: load, list_tables, describe, cite, vocabulary, data folders."""
from __future__ import annotations

import pandas as pd
import pytest

import mscteach
from mscteach import DataDirectoryError, UnknownNameError

from .conftest import set_cell

TABLES = ["references", "timeline", "cell_sources", "differentiation", "mechanisms",
          "animal_studies", "clinical_studies", "outcomes", "challenges", "exclusion_criteria", "glossary",
          "related_models", "related_mechanisms", "registry_conditions", "registry_interventions"]


def test_list_tables_names_every_table_in_package_order():
    assert mscteach.list_tables() == TABLES


@pytest.mark.parametrize("name", TABLES)
def test_every_table_loads_as_a_non_empty_dataframe(name):
    table = mscteach.load(name)
    assert isinstance(table, pd.DataFrame)
    assert len(table) > 0
    assert list(table.columns) == [f for f in mscteach.describe(name).columns["name"]]


def test_integer_columns_are_integers_and_missing_values_are_na():
    trials = mscteach.load("clinical_studies")
    assert str(trials["n_treated"].dtype) == "Int64"
    assert str(trials["year"].dtype) == "Int64"
    lin = trials.set_index("study_id").loc["lin2017"]
    assert (lin["n_treated"], lin["n_control"], lin["follow_up_weeks"], lin["n_infusions"]) == (56, 54, 24, 4)
    assert pd.isna(trials.set_index("study_id").loc["kharaziha2009", "n_control"])


def test_number_columns_are_floats():
    trials = mscteach.load("clinical_studies").set_index("study_id")
    assert str(trials["dose_cells_per_kg"].dtype) == "Float64"
    assert trials.loc["shi2012", "dose_cells_per_kg"] == 0.5e6


def test_ref_ids_are_lists_of_int():
    trials = mscteach.load("clinical_studies").set_index("study_id")
    assert trials.loc["vento1996", "ref_ids"] == [39, 40]
    assert all(isinstance(x, int) for refs in trials["ref_ids"] for x in refs)


def test_uncited_rows_have_an_empty_list():
    timeline = mscteach.load("timeline")
    row = timeline[timeline["year"] == 1939].iloc[0]
    assert row["ref_ids"] == []
    assert "without a citation" in row["notes"]


def test_each_call_returns_a_fresh_copy():
    first = mscteach.load("clinical_studies")
    first.loc[0, "n_treated"] = 9999
    first.loc[0, "ref_ids"].append(12345)
    again = mscteach.load("clinical_studies")
    assert again.loc[0, "n_treated"] != 9999
    assert 12345 not in again.loc[0, "ref_ids"]


def test_cache_notices_an_edited_file(data_copy):
    before = mscteach.load("exclusion_criteria", data_copy)
    path = data_copy / "exclusion_criteria.csv"
    text = path.read_text(encoding="utf-8").replace("Substance abuse,", "Drug abuse,")
    path.write_text(text, encoding="utf-8")
    import os
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000))
    after = mscteach.load("exclusion_criteria", data_copy)
    assert "Substance abuse" in set(before["criterion"])
    assert "Drug abuse" in set(after["criterion"])


def test_unknown_table_lists_the_available_ones_and_suggests():
    with pytest.raises(UnknownNameError) as info:
        mscteach.load("clinical_study")
    message = str(info.value)
    assert "unknown table 'clinical_study'" in message
    for name in TABLES:
        assert name in message
    assert "did you mean 'clinical_studies'" in message
    assert isinstance(info.value, LookupError)


def test_describe_gives_table_and_column_descriptions():
    info = mscteach.describe("clinical_studies")
    assert info.title == "Clinical studies"
    assert info.n_rows == len(mscteach.load("clinical_studies"))
    assert info.primary_key == ["study_id"]
    cols = info.columns.set_index("name")
    assert cols.loc["n_treated", "type"] == "integer"
    assert cols.loc["ref_ids", "type"] == "list of integer"
    assert "RCT" in cols.loc["design", "allowed"]
    assert all(cols["description"].str.len() > 10)
    text = str(info)
    assert "dose_text" in text and "Clinical studies" in text
    assert "| `design` |" in info._repr_markdown_()


def test_vocabulary_reads_enums_from_the_schema():
    assert mscteach.vocabulary("clinical_studies", "design") == [
        "RCT", "non-randomised controlled", "cohort", "single-arm", "case report", "meta-analysis"]
    assert "HCC" in mscteach.vocabulary("animal_studies", "disease")
    with pytest.raises(UnknownNameError, match="controlled field of clinical_studies"):
        mscteach.vocabulary("clinical_studies", "notes")
    with pytest.raises(UnknownNameError, match="unknown field of clinical_studies 'desing'"):
        mscteach.vocabulary("clinical_studies", "desing")


def test_cite_formats_a_vancouver_citation():
    assert mscteach.cite(26) == (
        "[26] Lin BL, Chen JF, Qiu WH, Wang KW, Xie DY, Chen XY, et al. Allogeneic bone marrow-derived "
        "mesenchymal stromal cells for hepatitis B virus-related acute-on-chronic liver failure: A randomized "
        "controlled trial. Hepatology. 2017;66(1):209-19. doi:10.1002/hep.29189")
    # an entry with no pages and a split author/title in the review
    assert mscteach.cite(2).endswith("Int J Mol Sci. 2022;23(5).")
    assert mscteach.cite("12").startswith("[12] Cheng M. Hartmann Stahelin (1925-2011)")


@pytest.mark.parametrize("bad", [0, 104, "abc", 2.5, None])
def test_cite_rejects_unknown_reference_numbers(bad):
    with pytest.raises(UnknownNameError, match="unknown reference number .* available: 1-103"):
        mscteach.cite(bad)


def test_data_folder_from_argument_and_environment(data_copy, monkeypatch):
    path = data_copy / "glossary.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    blank = ["" for _ in rows[0].split(",")]  # as many cells as the header has columns
    rows.append(",".join(["Zebrafish model", "", "A small fish used in regeneration studies."] + blank[3:]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert "Zebrafish model" in set(mscteach.load("glossary", data_copy)["term"])
    assert "Zebrafish model" not in set(mscteach.load("glossary")["term"])
    monkeypatch.setenv(mscteach.ENV_VAR, str(data_copy))
    assert "Zebrafish model" in set(mscteach.load("glossary")["term"])
    assert mscteach.data_dir() == data_copy.resolve()


def test_missing_data_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataDirectoryError, match="does not exist"):
        mscteach.load("references", tmp_path / "nowhere")
    with pytest.raises(DataDirectoryError, match="has no datapackage.json"):
        mscteach.load("references", tmp_path)


def test_shipped_data_validates_clean():
    assert mscteach.validate() == []


def test_randomised_designs_come_from_the_schema():
    from mscteach.data import is_randomised, randomised_designs, vocabulary

    assert randomised_designs() == {"RCT"} and set(randomised_designs()) <= set(vocabulary("clinical_studies", "design"))
    assert is_randomised("RCT") and not is_randomised("non-randomised controlled") and not is_randomised(None)


def test_provenance_names_the_data_and_whether_it_is_the_packaged_data(data_copy):
    from mscteach.data import content_hash, provenance_of

    shipped = provenance_of()
    assert shipped.packaged and str(shipped) == f"data {shipped.hash[:12]} (packaged)"
    copy = provenance_of(data_copy)
    assert copy.packaged and copy.hash == shipped.hash  # a workspace's unchanged copy is the packaged data
    (data_copy / ".ipynb_checkpoints").mkdir()
    (data_copy / ".ipynb_checkpoints" / "x.csv").write_text("not data", encoding="utf-8")
    assert content_hash(data_copy) == shipped.hash
    set_cell(data_copy / "timeline.csv", 2, "event", "edited")
    edited = provenance_of(data_copy)
    assert not edited.packaged and edited.hash != shipped.hash and str(edited).endswith("(modified)")


def test_one_import_reaches_every_subpackage_and_stays_light():
    """`import mscteach` alone, then `mscteach.stats.rob2`: an analyst browsing with help() needs no second import,
    and nothing heavy is imported until a subpackage is named."""
    import subprocess
    import sys

    script = ("import sys, mscteach\n"
              "light = 'seaborn' not in sys.modules and 'mscteach.stats' not in sys.modules\n"
              "print(light, mscteach.stats.rob2.open_question('D1', {}).question, mscteach.plots.__name__)\n"
              "try:\n    mscteach.no_such_thing\nexcept AttributeError as exc:\n    print(exc)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["True 1.1 mscteach.plots",
                                          "module 'mscteach' has no attribute 'no_such_thing'"]
