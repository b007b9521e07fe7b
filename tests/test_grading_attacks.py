"""Hostile students: an attack corpus graded as root (as in CI or a container) and as an ordinary user.

Each attack is the exercise set's right answer with one cell added that tries to break out, cheat or
harm the batch. Where an attack could succeed unnoticed, it reports what it managed through its own q1
answer: ``n_rct`` is the right count plus 1000 per breach, so q1 scores 1 only if every attempt failed
(a breach would leave the right form and a wrong value: 0.5). Expected marks are worked out by hand:
each question is worth one point (half form, half value; q5's point is all value), 5 in all.

Victims are right answers graded after the attackers: they must keep 5/5, and the Python environment
the grader runs from must be byte-identical after the batch.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import nbformat
import psutil
import pytest

from mscteach.classroom import sandbox

from .conftest import REPO

SET = "ch06_clinical_trials"
SOLUTION = REPO / "exercises" / "autograder" / SET / f"{SET}.ipynb"
BLANK = REPO / "exercises" / "student" / SET / f"{SET}.ipynb"
UNPRIVILEGED_UID = 4242
TIMEOUT = "25"

pytestmark = pytest.mark.slow


# What an attack that writes its own reply needs: the grader's reply pipe is among its open descriptors.
_REPLY_PIPES = textwrap.dedent("""
    def reply_pipes():
        import os
        found = []
        for f in os.listdir("/proc/self/fd"):
            try:
                if f != "0" and os.readlink(f"/proc/self/fd/{f}").startswith("pipe:"):
                    found.append(int(f))
            except OSError:
                pass
        return found
""")


def _submission(path: Path, attack: str, base: Path = SOLUTION, count_breaches: bool = True) -> None:
    nb = nbformat.read(str(base), as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    attack = textwrap.dedent(attack).strip()
    if "reply_pipes()" in attack:
        attack = _REPLY_PIPES.strip() + "\n" + attack
    cell = nbformat.v4.new_code_cell("breaches = []\n" + attack)
    if base == BLANK:  # after the blank answers, which would overwrite what the attack sets
        nb.cells.append(cell)
    else:  # after the imports cell (the 2nd code cell), so the attack is the 3rd code cell
        nb.cells.insert(code[1] + 1, cell)
    if count_breaches:
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source.startswith("n_rct = int("):
                cell.source = cell.source.replace("n_rct = int(", "n_rct = 1000 * len(breaches) + int(")
    nbformat.write(nb, str(path))


def _attacks(secrets: dict[str, str], port: int) -> dict[str, tuple[str, Path, bool]]:
    """name -> (attack cell, notebook it is added to, whether q1 counts breaches)."""
    site = [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
    planted = textwrap.dedent("""
        import builtins
        builtins.int = lambda *args, **kwargs: 0  # every later int(...) answer becomes 0
    """)
    return {
        "remount_environment": (f"""
            import subprocess
            for folder in {[sys.prefix, *site]!r}:
                subprocess.run(["mount", "-o", "remount,bind,rw", folder], capture_output=True)
                subprocess.run(["mount", "-o", "remount,rw", folder], capture_output=True)
                try:
                    with open(folder + "/sitecustomize.py", "w") as f:
                        f.write({planted!r})
                    breaches.append(folder)
                except OSError:
                    pass
        """, SOLUTION, True),
        "remount_usr": ("""
            import subprocess, glob
            subprocess.run(["mount", "-o", "remount,rw", "/usr"], capture_output=True)
            subprocess.run(["mount", "-o", "remount,bind,rw", "/usr"], capture_output=True)
            for folder in ["/usr/lib/python3/dist-packages", "/usr/local/lib", "/usr/bin"]:
                try:
                    with open(folder + "/zz-mscteach-attack.pth", "w") as f:
                        f.write("import builtins; builtins.int = lambda *a, **k: 0\\n")
                    breaches.append(folder)
                except OSError:
                    pass
        """, SOLUTION, True),
        "plant_for_next_student": (f"""
            import os, site, sys
            home, tmp = os.path.expanduser("~"), "/tmp"
            targets = set(sys.path) | {{site.getusersitepackages(), home, tmp, os.getcwd()}}
            for folder in sorted(t for t in targets if t):
                for name in ("sitecustomize.py", "usercustomize.py", "zz-attack.pth", "mscteach.py", "pandas.py"):
                    try:
                        os.makedirs(folder, exist_ok=True)
                        with open(os.path.join(folder, name), "w") as f:
                            f.write({planted!r} if name.endswith(".py") else "import builtins; builtins.int = len\\n")
                    except OSError:
                        continue
                    if not folder.startswith((home, tmp)):  # its own scratch folders vanish with it
                        breaches.append(folder)
        """, SOLUTION, True),
        "snoop": (f"""
            import os
            for path in {sorted(secrets.values())!r}:
                try:
                    if os.path.isdir(path):
                        os.listdir(path)
                    else:
                        open(path, "rb").read(1)
                    breaches.append(path)
                except OSError:
                    pass
        """, SOLUTION, True),
        "network": (f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3).close()
                breaches.append("loopback")
            except OSError:
                pass
        """, SOLUTION, True),
        "patch_otter": ("""
            import otter.test_files.exception_test as et, otter.test_files.abstract_test as at
            et.ExceptionTestFile.run = lambda self, env: setattr(self, "test_case_results", [])
            at.TestFile.passed_all = property(lambda self: True)
            at.TestFile.score = property(lambda self: self.possible)
            import mscteach.classroom.grading, mscteach.classroom.scoring as scoring
            scoring.TestSet.score = lambda self, answers: []
        """, BLANK, False),
        "always_equal": ("""
            class Anything(int):
                def __eq__(self, other): return True
                __hash__ = int.__hash__
            class AnyText(str):
                def __eq__(self, other): return True
                __hash__ = str.__hash__
                def strip(self): return self
                def lower(self): return self
            class AnyNumber(float):
                def __eq__(self, other): return True
                __hash__ = float.__hash__
                def __sub__(self, other): return 0.0
            n_rct, rct_treated, largest, infection_rr, q5_answer = Anything(0), Anything(0), AnyText(""), AnyNumber(1.0), AnyText("")
            import builtins
            builtins.int = lambda *a, **k: Anything(0)
            builtins.float = lambda *a, **k: AnyNumber(1.0)
        """, BLANK, False),
        "delete_own_files": ("""
            import os, shutil
            for entry in os.listdir("."):
                shutil.rmtree(entry, ignore_errors=True) if os.path.isdir(entry) else os.remove(entry)
            os.chdir("/")
        """, SOLUTION, True),
        "fork_bomb": ("""
            import os
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
        """, SOLUTION, True),
        "output_flood": ("""
            import sys, os
            for _ in range(50):
                print("x" * 1_000_000)
                os.write(1, b"y" * 1_000_000)
        """, SOLUTION, True),
        "huge_file": ("""
            with open("big.bin", "wb") as f:
                for _ in range(100):
                    f.write(b"z" * 1_000_000)
        """, SOLUTION, True),
        "allocate_8gb": ("""
            hoard = bytearray(8 * 1024 ** 3)
        """, SOLUTION, True),
        "forged_reply_nesting": ("""
            import os
            pipes = reply_pipes()
            for reply in pipes:
                os.write(reply, b"[" * 200_000 + b"\\n")
            os._exit(0)
        """, SOLUTION, True),
        "forged_reply_flood": ("""
            import os
            pipes = reply_pipes()
            for _ in range(20):
                for reply in pipes:
                    os.write(reply, b"x" * 1_000_000)
        """, SOLUTION, True),
        "forged_errors": ("""
            import os, json
            pipes = reply_pipes()
            forged = json.dumps({"answers": {"n_rct": 6, "rct_treated": 192, "largest": "guo2019",
                                                "infection_rr": 9 / 56 / (18 / 54), "q5_answer": "b"},
                                    "errors": [[1], "x", [1, 2, 3], [2, "E", "y" * 10_000]], "printed": "lots"}).encode() + b"\\n"
            for reply in pipes:
                os.write(reply, forged)
            os._exit(0)
        """, BLANK, False),
        "surrogate_message": ("""
            raise ValueError("boom \\ud800 \\x1b[2J")
        """, SOLUTION, True),
        "hash_flood": ("""
            import os, json
            pipes = reply_pipes()
            # integers that all hash to 0: a set of them is quadratic to build where the answers are scored
            slow = {"$": "set", "items": [k * (2 ** 61 - 1) for k in range(1, 150_000)]}
            forged = json.dumps({"answers": {"n_rct": slow}, "errors": [], "printed": 0}).encode() + b"\\n"
            for reply in pipes:
                os.write(reply, forged)
            os._exit(0)
        """, SOLUTION, True),
        "memory_in_files": ("""
            import os, time
            held = []
            for i in range(40):  # 40 x 63 MB in memory-backed files: no process's resident memory
                fd = os.memfd_create(f"hoard{i}")
                for _ in range(63):
                    os.write(fd, b"m" * 1_000_000)
                held.append(fd)
            time.sleep(10)
        """, SOLUTION, True),
        "endless_loop": ("""
            while True:
                pass
        """, SOLUTION, True),
    }


#: Marks worked out by hand: q1..q5, total, status, and a phrase the message must hold.
EXPECTED = {
    "remount_environment": (["1", "1", "1", "1", "1"], "5", "graded", ""),
    "remount_usr": (["1", "1", "1", "1", "1"], "5", "graded", ""),
    "plant_for_next_student": (["1", "1", "1", "1", "1"], "5", "graded", ""),
    "snoop": (["1", "1", "1", "1", "1"], "5", "graded", ""),
    "network": (["1", "1", "1", "1", "1"], "5", "graded", ""),
    # a blank notebook: its answers are `...`, left blank; patching otter and the scorer changed nothing
    "patch_otter": (["0", "0", "0", "0", "0"], "0", "graded", "q1: n_rct was left blank (...)"),
    "always_equal": (["0", "0", "0", "0", "0"], "0", "graded", "n_rct is not plain data (a subclass of int"),
    "delete_own_files": (["1", "1", "1", "1", "1"], "5", "graded", ""),
    "output_flood": (["1", "1", "1", "1", "1"], "5", "graded", "printed 50 million characters (not kept)"),
    "allocate_8gb": (["1", "1", "1", "1", "1"], "5", "graded", "code cell 3 (`breaches = []`) raised MemoryError"),
    # 64 MB per file: the 65th megabyte is refused (Python ignores SIGXFSZ, so the write raises)
    "huge_file": (["1", "1", "1", "1", "1"], "5", "graded", "code cell 3 (`breaches = []`) raised OSError: [Errno 27] File too large"),
    "fork_bomb": ([""] * 5, "", "too many processes", "(a fork bomb?), in code cell 3 (`breaches = []`)"),
    "endless_loop": ([""] * 5, "", "timed out", f"still running after {TIMEOUT} s"),
    # what its own process writes back can only fail it, never the grader
    "forged_reply_nesting": ([""] * 5, "", "failed", "ended the grading process before its answers were read"),
    "forged_reply_flood": ([""] * 5, "", "failed", "its answers came back larger than 8 MB"),
    # a reply forged with the right values scores as typing them would; its malformed error list is dropped
    # but for the one well-formed entry, cut to 200 characters
    "forged_errors": (["1", "1", "1", "1", "1"], "5", "graded", "code cell 2 (`import pandas as pd`) raised E: " + "y" * 200),
    "nested_json": ([""] * 5, "", "unreadable", "not a notebook: RecursionError"),
    # the message is the student's text: no lone surrogate or terminal escape reaches the CSV or the terminal
    "surrogate_message": (["1", "1", "1", "1", "1"], "5", "graded",
                          "code cell 3 (`breaches = []`) raised ValueError: boom ? ?[2J"),
    "hash_flood": ([""] * 5, "", "failed", f"its answers could not be scored: scoring took longer than {TIMEOUT} s"),
    "memory_in_files": ([""] * 5, "", "out of memory", "MB allowed"),
    # ids from a notebook's own metadata: flagged, and made printable
    "id_surrogate": (["1", "1", "1", "1", "1"], "5", "graded", "student id from the notebook's own metadata"),
    "id_escapes": (["1", "1", "1", "1", "1"], "5", "graded", "student id from the notebook's own metadata"),
}


def _fingerprint(folders: list[str]) -> str:
    """Every file's path, size and modification time, and the bytes of every .pth and *customize.py."""
    digest = hashlib.sha256()
    for folder in sorted(set(folders)):
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                try:
                    info = os.lstat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
                if name.endswith(".pth") or name.endswith("customize.py"):
                    digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def _listener() -> tuple[socket.socket, list[str]]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    seen: list[str] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            seen.append("connected")
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    return server, seen


def _private_ancestors(paths: list[Path]) -> list[Path]:
    """The highest folders above ``paths`` that other users cannot enter (CI's Python lives in /root)."""
    found = []
    for path in paths:
        for parent in reversed(path.parents):
            if parent != Path("/") and not os.stat(parent).st_mode & 0o001:
                found.append(parent)
                break
    return sorted(set(found))


def _as_user(command: list[str], home: Path) -> list[str]:
    """``command`` run by an ordinary user (no capabilities) who can read the Python installation and checkout.

    A private mount namespace covers each folder closed to other users with an empty one that shows only
    what the grader needs (the Python installation, this checkout), so nothing of root's is opened up.
    """
    needed = [Path(sys.base_prefix).resolve(), REPO.resolve(), Path(sys.prefix).resolve()]
    lines = ["set -e", "mount --make-rprivate /"]
    for i, private in enumerate(_private_ancestors(needed)):
        stage = f"/tmp/.mscteach-stage-{os.getpid()}-{i}"
        lines += [f"mkdir -p {stage}", f"mount --bind {private} {stage}",
                  f"mount -t tmpfs -o mode=755 tmpfs {private}"]
        for path in needed:
            if private in path.parents:
                inside = f"{stage}/{path.relative_to(private)}"
                lines += [f"mkdir -p {path}", f"mount --bind {inside} {path}"]
    quoted = " ".join(f"'{c}'" for c in command)
    lines.append(f"exec setpriv --reuid={UNPRIVILEGED_UID} --regid={UNPRIVILEGED_UID} --clear-groups "
                 f"--inh-caps=-all --bounding-set=-all env HOME={home} {quoted}")
    return ["unshare", "--mount", "bash", "-c", "\n".join(lines)]


def _grade_corpus(as_root: bool) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="mscteach-attacks-"))
    folder.chmod(0o755)
    home = folder / "teacher-home"
    home.mkdir()
    (home / "grades-secret.txt").write_text("the teacher's private notes", encoding="utf-8")
    server, seen = _listener()
    try:
        port = server.getsockname()[1]
        victim_first = folder / "victim_first.ipynb"
        shutil.copy(SOLUTION, victim_first)
        secrets = {"hidden tests": str(REPO / "exercises" / "autograder" / SET / "tests" / "q1.py"),
                   "masters": str(REPO / "exercises" / "masters"),
                   "another submission": str(victim_first),
                   "teacher's home": str(home / "grades-secret.txt"),
                   "shadow": "/etc/shadow"}
        if Path("/root/.bashrc").exists():
            secrets["root's home"] = "/root/.bashrc"
        names = []
        for name, (attack, base, counts) in _attacks(secrets, port).items():
            _submission(folder / f"{name}.ipynb", attack, base, counts)
            names.append(name)
        (folder / "nested_json.ipynb").write_text("[" * 200_000, encoding="utf-8")
        names.append("nested_json")
        for name, sid in (("id_surrogate", "x\ud800"), ("id_escapes", "victim\t0\t5\tgraded\n\x1b[2K")):
            notebook = json.loads(SOLUTION.read_text(encoding="utf-8"))
            notebook["metadata"]["mscteach"] = {"student_id": sid}
            (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")  # \\ud800 escaped
            names.append(name)
        for victim in ("victim_next", "victim_last"):
            shutil.copy(SOLUTION, folder / f"{victim}.ipynb")
        files = [str(victim_first), *(str(folder / f"{n}.ipynb") for n in names),
                 str(folder / "victim_next.ipynb"), str(folder / "victim_last.ipynb")]
        for f in files:
            os.chmod(f, 0o644)
        out = folder / "out"
        out.mkdir()
        gradebook = out / "grades.csv"
        environment = [sys.prefix, *(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))]
        before = _fingerprint(environment)
        command = [sys.executable, "-m", "mscteach", "exercises", "grade", SET, *files, "-o", str(gradebook),
                   "--timeout", TIMEOUT, "--memory", "2048", "--jobs", "2", "--no-progress"]
        if not as_root:
            for path in (home, out, home / "grades-secret.txt"):
                os.chown(path, UNPRIVILEGED_UID, UNPRIVILEGED_UID)
            command = _as_user(command, home)
        env = {k: v for k, v in os.environ.items() if k != "MSCTEACH_DATA_DIR"}
        env["HOME"] = str(home)
        grader = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                                  cwd=folder)
        stdout, stderr = grader.communicate(timeout=900)
        result = subprocess.CompletedProcess(command, grader.returncode, stdout, stderr)
        # the user ids this batch's sandboxes ran as (unshare, setpriv and env exec in place: one process id)
        ours = sandbox.batch_user_ids(grader.pid) if as_root else range(UNPRIVILEGED_UID, UNPRIVILEGED_UID + 1)
        after = _fingerprint(environment)
        with gradebook.open(newline="", encoding="utf-8") as f:
            rows = {Path(r["file"]).stem: r for r in csv.DictReader(f)}
        leftovers = [p.info for p in psutil.process_iter(["pid", "uids", "name", "status"])
                     if p.info["uids"] and p.info["uids"].real in ours
                     and p.info["status"] != psutil.STATUS_ZOMBIE]  # an ended process not yet reaped by init
        return {"rows": rows, "result": result, "same_environment": before == after, "connections": list(seen),
                "leftovers": leftovers, "secrets": secrets}
    finally:
        server.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", params=["root", "ordinary user"])
def corpus(request):
    if os.geteuid() != 0:
        pytest.fail("the attack corpus needs root to start the grader both as root and as an ordinary user "
                    "(CI runs as root)")
    return request.param, _grade_corpus(as_root=request.param == "root")


def test_the_grader_ran_sandboxed_and_says_how(corpus):
    who, run = corpus
    result = run["result"]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    label = sandbox.ROOT_LABEL if who == "root" else sandbox.USER_LABEL
    assert {r["isolation"] for r in run["rows"].values()} == {label}, result.stderr[-2000:]
    assert f"isolation: {label}" in result.stderr


@pytest.mark.parametrize("attack", sorted(EXPECTED))
def test_each_attack_gets_its_hand_computed_marks(corpus, attack):
    _, run = corpus
    row = run["rows"][attack]
    marks, total, status, phrase = EXPECTED[attack]
    assert [row[q] for q in ("q1", "q2", "q3", "q4", "q5")] == marks, (attack, row)
    assert (row["total"], row["status"]) == (total, status), (attack, row)
    assert phrase in row["message"], (attack, row["message"])


def test_victims_keep_full_marks_and_the_environment_is_unchanged(corpus):
    _, run = corpus
    for victim in ("victim_first", "victim_next", "victim_last"):
        row = run["rows"][victim]
        assert (row["total"], row["status"], row["message"]) == ("5", "graded", ""), row
    assert run["same_environment"], "a submission changed the Python environment the grader runs from"


def test_nothing_reached_the_network_and_nothing_was_left_running(corpus):
    _, run = corpus
    assert run["connections"] == []
    assert run["leftovers"] == []


def test_ids_and_messages_from_a_notebook_are_printable(corpus):
    _, run = corpus
    rows = run["rows"]
    assert rows["id_surrogate"]["student_id"] == "x?"
    assert rows["id_escapes"]["student_id"] == "victim 0 5 graded ?[2K"
    lines = run["result"].stdout.splitlines()
    assert len(lines) == 1 + len(rows)  # one line per submission: no row forged on the terminal
    assert "\x1b" not in run["result"].stdout + run["result"].stderr
    for row in rows.values():
        assert all(ch >= " " for value in row.values() for ch in value), row
