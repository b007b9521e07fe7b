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
    (["validate", "--data", "/nonexistent/data"], "data folder '/nonexistent/data' does not exist"),
    (["--data", "/nonexistent/data", "tables"], "does not exist"),
])
def test_failures_are_one_clear_line_and_exit_1(args, words):
    result = run(*args)
    assert result.returncode == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args, words", [
    (["describe", "trials"], "unknown table 'trials'; available: references, timeline"),
    (["cite", "104"], "unknown reference number '104'; available: 1-103"),
    (["build", "--lang", "de"], "argument --lang: unknown language de; available: en, fa"),
    (["build", "--jobs", "0"], "argument --jobs: must be a whole number of at least 1, got 0"),
    (["report", "--disease", "hepatitis"], "unknown value for --disease 'hepatitis'"),
    (["report", "--disease", "ACLF", "--format", "docx"], "unknown output format docx"),
    (["exercises", "grade", "ch6", "x.ipynb"], "unknown exercise set 'ch6'"),
    (["exercises", "grade", "ch06_clinical_trials", "x.ipynb", "--memory", "-1"], "argument --memory: must be a positive"),
    (["voila", "08_nothing", "--no-browser"], "unknown chapter '08_nothing'"),
    (["voila", "--pool", "-1", "--no-browser"], "argument --pool: must be a whole number of 0 or more, got -1"),
    (["translations", "status", "--lang", "xx"], "unknown language xx"),
])
def test_unknown_values_are_usage_errors_exit_2_before_anything_runs(args, words, tmp_path):
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def _leaf_commands() -> list[list[str]]:
    """Every command path the parser knows, e.g. ['tables'], ['exercises', 'grade']."""
    import argparse

    from mscteach.cli.grammar import parser

    def walk(parser, path):
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            return [path]
        return [leaf for name, child in subs[0].choices.items() for leaf in walk(child, [*path, name])]
    return walk(parser(), [])


def test_the_command_list_is_complete():
    commands = {" ".join(c) for c in _leaf_commands()}
    assert commands == {"tables", "describe", "cite", "validate", "build", "report", "exercises generate",
                        "exercises check", "exercises report", "exercises grade", "links", "init", "voila",
                        "registry import", "registry diff", "translations update", "translations status", "lab"}


#: what each command needs besides options, so the parser gets as far as the option under test
REQUIRED = {"describe": ["x"], "cite": ["1"], "exercises grade": ["SET", "a.ipynb"], "exercises report": ["s.csv"],
            "links": ["--hub", "https://h"], "init": ["d"], "registry import": ["f.json"], "registry diff": ["a", "b"]}


@pytest.mark.parametrize("command", _leaf_commands(), ids=" ".join)
def test_every_command_documents_its_exit_status_and_refuses_unknown_options_with_2(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    assert "exit status: 0 done; 1 the command failed" in capsys.readouterr().out
    with pytest.raises(SystemExit) as done:
        main([*command, *REQUIRED.get(" ".join(command), []), "--no-such-option"])
    assert done.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


@pytest.mark.parametrize("command", _leaf_commands(), ids=" ".join)
def test_every_command_takes_data_before_or_after_its_name(command):
    from mscteach.cli.grammar import parser

    needs = REQUIRED.get(" ".join(command), [])
    after = parser().parse_args([*command, *needs, "--data", "my-data"])
    before = parser().parse_args(["--data", "my-data", *command, *needs])
    assert after.data == before.data == "my-data"
    assert parser().parse_args([*command, *needs]).data is None


def test_old_option_names_still_work_for_one_release_and_say_what_to_write(data_copy):
    result = run("validate", str(data_copy))
    assert result.returncode == 0 and "all tables valid" in result.stdout
    assert "`mscteach validate DIR` is deprecated; use `mscteach validate --data DIR`" in result.stderr
    from mscteach.cli.grammar import parser

    import contextlib
    import io

    with contextlib.redirect_stderr(io.StringIO()) as err:
        args = parser().parse_args(["exercises", "grade", "SET", "a.ipynb", "--csv", "g.csv", "--format", "canvas"])
    assert (args.out, args.layout) == ("g.csv", "canvas")
    assert "--csv is deprecated; use -o/--out" in err.getvalue()
    assert "--format is deprecated; use --layout" in err.getvalue()


def test_lang_is_read_the_same_way_by_every_command():
    from mscteach.cli.grammar import chosen_languages, parser

    for command in (["build"], ["report"], ["translations", "status"]):
        args = parser().parse_args([*command, "--lang", "fa", "--lang", "en,fa"])
        assert chosen_languages(args.lang, ["x"]) == ["fa", "en"]
        assert chosen_languages(parser().parse_args(command).lang, ["x"]) == ["x"]


def test_an_unknown_command_exits_2():
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
