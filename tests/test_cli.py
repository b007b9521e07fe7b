"""The command line: help, tables, describe, cite, validate and its error messages."""
from __future__ import annotations

import subprocess
import sys

import pytest

from mscteach.cli import main


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mscteach", *args], capture_output=True, text=True,
                          timeout=120, env=env)


def test_help_lists_every_command():
    result = run("--help")
    assert result.returncode == 0
    for command in ("tables", "describe", "cite", "validate"):
        assert command in result.stdout
    assert "CC BY-NC-SA 4.0" in result.stdout


def test_tables_lists_names_counts_and_titles(capsys):
    assert main(["tables"]) == 0
    out = capsys.readouterr().out
    assert "references" in out and "103 rows" in out and "Clinical studies" in out


def test_describe_prints_columns(capsys):
    assert main(["describe", "animal_studies"]) == 0
    out = capsys.readouterr().out
    assert "outcome (string, required)" in out and "benefit, harm, mixed, neutral" in out


def test_cite_prints_each_reference(capsys):
    assert main(["cite", "16", "96"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("[16] Caplan AI. Mesenchymal stem cells.")
    assert lines[1].startswith("[96] Kharaziha P")


def test_validate_reports_the_shipped_data_clean():
    result = run("validate")
    assert result.returncode == 0, result.stderr
    assert "all tables valid" in result.stdout


@pytest.mark.parametrize("args, words", [
    (["describe", "trials"], "unknown table 'trials'; available: references, timeline"),
    (["cite", "104"], "unknown reference number '104'; available: 1-103"),
    (["validate", "/nonexistent/data"], "data folder '/nonexistent/data' does not exist"),
    (["--data", "/nonexistent/data", "tables"], "does not exist"),
])
def test_user_errors_are_one_clear_line_and_exit_1(args, words):
    result = run(*args)
    assert result.returncode == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2():
    result = run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_environment_variable_selects_the_data_folder(data_copy):
    import os
    (data_copy / "glossary.csv").unlink()
    env = dict(os.environ, MSCTEACH_DATA_DIR=str(data_copy))
    result = run("validate", env=env)
    assert result.returncode == 1
    assert "data/glossary.csv: file is missing" in result.stderr


def test_a_closed_pipe_ends_quietly():
    """`mscteach tables | head -1` printed a BrokenPipeError traceback."""
    result = subprocess.run(f"{sys.executable} -m mscteach tables | head -1", shell=True, capture_output=True,
                            text=True, timeout=120)
    assert result.stdout.startswith("references") and len(result.stdout.splitlines()) == 1
    assert result.stderr == ""


@pytest.mark.parametrize("value", [True, False, 1.5, "1.0x"])
def test_cite_rejects_what_is_not_a_reference_number(value):
    import mscteach

    with pytest.raises(mscteach.UnknownNameError, match="unknown reference number"):
        mscteach.cite(value)
