"""deploy/jupyterhub/config.yaml: valid for the Zero to JupyterHub chart, and what README.md says of it.

The README's section "On a JupyterHub (Zero to JupyterHub)" names the file's keys as inline code (`cull.timeout:
3600`, `singleuser.extraFiles`): every key it names is read from the README text and must be in the file, with the
value the README gives, so the two cannot drift. The sizing arithmetic the README shows is done again here by hand
from the figures it states (a GKE node's memory reservation rule, the measured server), and the limits in the file
must agree with it. The file is checked as Helm checks a values file: merged over the chart's default values and
validated against the chart's values schema (both vendored from chart 4.4.0 in tests/fixtures/z2jh-*).
"""
from __future__ import annotations

import copy
import json
import math
import re
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
import yaml

from .conftest import REPO

CONFIG = REPO / "deploy" / "jupyterhub" / "config.yaml"
SCHEMA = json.loads((REPO / "tests" / "fixtures" / "z2jh-values.schema.json").read_text(encoding="utf-8"))
DEFAULTS = yaml.safe_load((REPO / "tests" / "fixtures" / "z2jh-values.yaml").read_text(encoding="utf-8"))
# JupyterHub's ByteSpecification, which the chart hands singleuser.memory to: K, M, G, T are powers of 1024
BYTES = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
# what the brief for this file asked the README to name (issue 27, item 6)
REQUIRED_KEYS = {"singleuser.image.name", "singleuser.image.tag", "singleuser.defaultUrl",
                 "singleuser.memory.guarantee", "singleuser.memory.limit", "singleuser.cpu.guarantee",
                 "singleuser.cpu.limit", "singleuser.storage.type", "singleuser.storage.capacity", "cull.enabled",
                 "cull.timeout", "cull.every"}


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def readme_section() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start = readme.index("### On a JupyterHub (Zero to JupyterHub)")
    end = re.compile(r"^#{2,3} ", re.M).search(readme, start + 1)
    return readme[start:end.start() if end else None]


def named_keys(text: str) -> dict[str, Any]:
    """The chart keys a text names as inline code, `a.b.c` or `a.b.c: value`, with their values (or ...)."""
    keys: dict[str, Any] = {}
    for span in re.findall(r"`([^`\n]+)`", text):
        found = re.fullmatch(r"(\w+(?:\.\w+)+)(?::\s+(.+))?", span.strip())
        if found and found.group(1).split(".")[0] in SCHEMA["properties"]:
            keys[found.group(1)] = ... if found.group(2) is None else yaml.safe_load(found.group(2))
    return keys


def problems(keys: dict[str, Any], values: dict) -> list[str]:
    """Keys missing from ``values`` or holding another value than named."""
    found = []
    for dotted, expected in keys.items():
        node: Any = values
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                found.append(f"{dotted}: not in {CONFIG.name}")
                break
            node = node[part]
        else:
            if expected is not ... and node != expected:
                found.append(f"{dotted}: {node!r} in {CONFIG.name}, {expected!r} in README.md")
    return found


def coalesce(defaults: Any, values: Any) -> Any:
    """``values`` over ``defaults`` as Helm merges a values file over a chart's: maps merged, null deletes."""
    if not (isinstance(defaults, dict) and isinstance(values, dict)):
        return copy.deepcopy(values)
    merged = copy.deepcopy(defaults)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = coalesce(merged.get(key), value)
    return merged


def to_bytes(quantity: str | int) -> int:
    if isinstance(quantity, int):
        return quantity
    return int(float(quantity[:-1]) * BYTES[quantity[-1]])


def test_every_key_the_readme_names_is_in_the_file_with_its_value(config):
    keys = named_keys(readme_section())
    assert REQUIRED_KEYS <= keys.keys(), REQUIRED_KEYS - keys.keys()
    assert problems(keys, config) == []
    # and the check catches a README that names a misspelled key, or another value
    assert problems(named_keys("`cull.timout: 3600` and `singleuser.memroy.limit`"), config) == [
        "cull.timout: not in config.yaml", "singleuser.memroy.limit: not in config.yaml"]
    assert problems(named_keys("`singleuser.memory.limit: 2G`"), config) == [
        "singleuser.memory.limit: '1G' in config.yaml, '2G' in README.md"]


def test_the_file_is_valid_for_the_chart_and_a_misspelled_key_is_not(config):
    validator = jsonschema.Draft7Validator(SCHEMA)
    assert [e.message for e in validator.iter_errors(coalesce(DEFAULTS, config))] == []
    for path, wrong in [(("singleuser", "memory"), "memroy"), (("cull", "timeout"), "timout"), ((), "singleusers"),
                        (("singleuser", "extraFiles", "jupyter-server-config", "mountPath"), "mount_path")]:
        broken = copy.deepcopy(config)
        parent = broken
        for part in path[:-1]:
            parent = parent[part]
        if path:
            parent[wrong] = parent.pop(path[-1])
        else:
            broken[wrong] = broken.pop("singleuser")
        errors = [e.message for e in validator.iter_errors(coalesce(DEFAULTS, broken))]
        assert any(repr(wrong) in message for message in errors), (wrong, errors)
    broken = copy.deepcopy(config)
    broken["singleuser"]["cpu"]["limit"] = "one core"
    assert not validator.is_valid(coalesce(DEFAULTS, broken))


def test_the_chart_version_is_the_same_in_the_readme_the_file_and_the_fixtures(config):
    fixtures = (REPO / "tests" / "fixtures" / "z2jh-README.md").read_text(encoding="utf-8")
    version = re.search(r"chart\s+version (\d+\.\d+\.\d+)", fixtures).group(1)
    assert re.findall(r"--version=(\S+)", readme_section()) == [version]
    assert re.findall(r"--version=(\S+)", CONFIG.read_text(encoding="utf-8")) == [version]
    assert version.split(".")[0] == "4"


def test_the_image_the_readme_builds_is_the_one_the_file_runs(config):
    section = readme_section()
    image = config["singleuser"]["image"]
    assert re.findall(r"--image-name=(\S+)", section) == [f"{image['name']}:{image['tag']}"]
    assert re.findall(r"docker push (\S+)", section) == [f"{image['name']}:{image['tag']}"]
    assert f"`{image['name']}`" in section and f"`{image['tag']}`" in section  # the placeholders, named
    assert isinstance(image["tag"], str)
    # the course's folder in the image is where the file points Voilà for the course's template
    repo_dir = re.search(r"--target-repo-dir=(\S+)", section).group(1)
    share = config["singleuser"]["extraEnv"]["JUPYTER_PATH"]
    assert share.startswith(repo_dir + "/")
    assert (REPO / share.removeprefix(repo_dir + "/") / "nbconvert" / "templates" / "mscteach" / "conf.json").is_file()
    assert "--user-name=jovyan" in section and config["singleuser"]["storage"]["homeMountPath"] == "/home/jovyan"
    assert not repo_dir.startswith("/home/jovyan")  # the students' volumes are mounted over it


def test_the_image_has_nbgitpuller_and_voila():
    lines = (REPO / "binder" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    names = {re.split(r"[<>=!~ \[]", line)[0].lower() for line in lines if line.strip() and not line.startswith("#")}
    assert {"nbgitpuller", "voila"} <= names


def test_voila_on_the_hub_is_configured_as_mscteach_voila_configures_its_own(config):
    from mscteach.cli.commands import voila_command

    served = voila_command(None, 8866, "127.0.0.1", 0, False, max_kernels=0)
    options: dict[str, list[str]] = {}
    for argument in served:
        if argument.startswith("--") and "=" in argument:
            name, value = argument[2:].split("=", 1)
            options.setdefault(name, []).append(value)
    hub = config["singleuser"]["extraFiles"]["jupyter-server-config"]
    assert hub["mountPath"] == "/etc/jupyter/jupyter_server_config.json"
    data = hub["data"]
    assert data["VoilaConfiguration"]["template"] == options["VoilaConfiguration.template"][0] == "mscteach"
    assert data["VoilaConfiguration"]["strip_sources"] is True and options["VoilaConfiguration.strip_sources"] == [
        "True"]
    assert data["VoilaConfiguration"]["extension_allowlist"] == options["VoilaConfiguration.extension_allowlist"]
    assert data["VoilaExporter"]["preprocessors"] == options["VoilaExporter.preprocessors"]
    module, _, name = data["VoilaExporter"]["preprocessors"][0].rpartition(".")
    assert callable(getattr(__import__(module, fromlist=[name]), name))


def test_the_limits_agree_with_the_readme_figures(config):
    section = " ".join(readme_section().split())
    server, lab, voila, kernel_low, kernel_high = map(int, re.search(
        r"the server alone (\d+) MB; with the chapter run in JupyterLab (\d+) MB; with its Voilà page open as "
        r"well (\d+) MB \(a chapter's kernel holds (\d+)-(\d+) MB\)", section).groups())
    cpu_low, cpu_high = map(float, re.search(r"running the chapter took ([\d.]+)-([\d.]+) s of processor time",
                                             section).groups())
    assert server < lab < voila and kernel_low <= lab - server <= kernel_high and kernel_low <= voila - lab <= kernel_high
    singleuser = config["singleuser"]
    guarantee, limit = to_bytes(singleuser["memory"]["guarantee"]), to_bytes(singleuser["memory"]["limit"])
    # the guarantee holds a student with the chapter in JupyterLab and as a Voilà page, and not much more
    assert voila * 2**20 <= guarantee < (voila + kernel_low) * 2**20
    # the limit holds the server and three chapters' kernels, the README's sum, and not four
    three = server + 3 * kernel_high
    assert f"{server} + 3 × {kernel_high} = {three} MB" in section
    assert three * 2**20 <= limit < (server + 4 * kernel_high) * 2**20
    assert singleuser["cpu"]["limit"] == 1 and 0 < singleuser["cpu"]["guarantee"] <= 0.25

    # a 4-core 16 GB node on GKE: 25 % of the first 4 GB, 20 % of the next 4, 10 % of the next 8, 0.1 GB
    reserved = 0.25 * 4 + 0.20 * 4 + 0.10 * 8
    assert "1 + 0.8 + 0.8 = 2.6 GB" in section and reserved == pytest.approx(2.6)
    allocatable = 16 - reserved - 0.1
    assert "leaving 13.3 GB" in section and round(allocatable, 1) == 13.3
    guarantee_mb = guarantee / 2**20
    by_memory = 13.3 * 1024 / guarantee_mb
    by_cores = 4 / singleuser["cpu"]["guarantee"]
    assert f"13.3 × 1024 MB ÷ {guarantee_mb:.0f} MB = {by_memory:.1f}" in section
    assert f"4 ÷ {singleuser['cpu']['guarantee']} = {by_cores:.0f}" in section
    per_node = math.floor(min(by_memory, by_cores))
    assert per_node == 22 and by_memory < by_cores
    assert f"**{per_node} students per node**" in section and f"one node per {per_node} students" in section
    assert f"a class of 60 needs {math.ceil(60 / per_node)})" in section
    low, high = round(per_node * cpu_low), round(per_node * cpu_high)
    assert f"{per_node} × {cpu_low}-{cpu_high} = {low}-{high} s of processor, " \
           f"{round(per_node * cpu_low / 4)}-{round(per_node * cpu_high / 4)} s of the node's 4 cores" in section
    assert f"{per_node} students on 4 cores are {per_node / 4:.1f} a core" in section
    # the file's comments quote the same measurements
    comments = " ".join(line.split("#", 1)[1] for line in CONFIG.read_text(encoding="utf-8").splitlines()
                        if "#" in line)
    for figure in (server, lab, voila):
        assert f"{figure} MB" in comments
    assert f"{cpu_low}-{cpu_high} s of processor" in " ".join(comments.split())


@pytest.mark.slow
def test_the_measured_server_matches_the_readme():
    """The README's figures come from deploy/jupyterhub/measure_user_server.py: run it again (about a minute)."""
    result = subprocess.run([sys.executable, str(REPO / "deploy" / "jupyterhub" / "measure_user_server.py")],
                            capture_output=True, text=True, timeout=900, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr[-6000:]
    out = result.stdout
    assert "course template: yes; code hidden: yes; links off the machine: none" in out, out
    measured = {m.group(1).strip(): int(m.group(2))
                for m in re.finditer(r"^(.+?)\s+resident\s+(\d+) MB", out, re.M)}
    section = " ".join(readme_section().split())
    server, lab, voila = map(int, re.search(r"the server alone (\d+) MB; with the chapter run in JupyterLab (\d+) "
                                            r"MB; with its Voilà page open as well (\d+) MB", section).groups())
    # resident memory moves with library versions and the machine; a tenth either way is the same figure
    assert measured["server started"] == pytest.approx(server, rel=0.1)
    assert measured["06_clinical_trials run in JupyterLab"] == pytest.approx(lab, rel=0.1)
    assert measured["and its Voilà page"] == pytest.approx(voila, rel=0.1)
