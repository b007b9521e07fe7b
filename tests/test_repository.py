"""House rules that keep the repository honest."""
from __future__ import annotations

import re

from .conftest import REPO


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text, re.S)
    assert block and text.index("```bash") < 30, "the README must open with its commands"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_starts_with_exactly_two_commands():
    assert len(_readme_commands()) == 2


def test_ci_runs_the_readme_test_command_verbatim():
    test_command = _readme_commands()[1]
    assert "pytest" in test_command
    assert test_command in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_licences_are_stated():
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    data_licence = (REPO / "data" / "LICENSE.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA 4.0" in data_licence and "Moudi B, Karbalaie-Harofteh M, Moudi M" in data_licence
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA 4.0" in readme


def test_binder_environment_lists_every_runtime_dependency():
    import re
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[<>=!~ \[]", dep)[0].lower() for dep in project["dependencies"]}
    binder = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8")
    listed = {re.split(r"[<>=!~ \[]", line)[0].lower() for line in binder.splitlines()
              if line.strip() and not line.startswith("#")}
    assert names <= listed, names - listed
    assert "pip install --no-deps -e ." in (REPO / "binder" / "postBuild").read_text(encoding="utf-8")


def test_the_readmes_count_the_tables_the_data_has():
    import json

    descriptor = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))
    catalogue = (REPO / "data" / "README.md").read_text(encoding="utf-8")
    mappings = len(re.findall(r"^\| `(\w+)` \| \d+ \| \*\*curation mapping\*\*", catalogue, re.M))
    assert mappings == 4  # related_models, related_mechanisms, registry_conditions, registry_interventions
    words = {4: "four", 11: "eleven"}
    assert len(descriptor["resources"]) == 11 + mappings
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"{words[11]} CSV tables from the review, {words[mappings]} curation mappings" in readme
    assert f"Eleven tables curated by hand from one review, and {words[mappings]} curation mappings" in catalogue
    required = [f["name"] for r in descriptor["resources"] if r["name"] == "references" for f in r["schema"]["fields"]
                if f.get("constraints", {}).get("required")]
    assert all(f"`{name}`" in catalogue.split("## Adding newer studies")[1].split("4. Check")[0] for name in required)


def test_the_binder_image_pins_a_python_the_package_accepts():
    # repo2docker reads the Python version from binder/runtime.txt and ignores pyproject.toml's requires-python
    # when a binder/ folder exists; without the file it picks its own default (3.10), and postBuild's install fails
    import tomllib

    from packaging.specifiers import SpecifierSet

    runtime = (REPO / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    requires = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert runtime.removeprefix("python-") + ".0" in SpecifierSet(requires)
