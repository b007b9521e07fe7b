"""Run a student's notebook as untrusted code: no capabilities, read-only, no network, limited.

The sandbox is bubblewrap (``bwrap``). Inside it the submission sees the
Python installation, the installed packages, the mscteach package and the
course data, all read-only; a fresh, size-limited scratch folder (its home
and working folder) and ``/tmp``, both in memory and gone when it ends; no
network, no other process, nothing of the teacher's home, of ``/etc`` beyond
what libraries need (not ``/etc/shadow``), of other submissions, of the
exercise masters or of the hidden tests (those never enter the sandbox: see
:mod:`mscteach.classroom.scoring`).

Who starts the grader decides how privileges are shed:

* **as root** (a container, CI): bubblewrap makes new mount, PID, network,
  IPC and UTS namespaces, then ``setpriv`` switches to an unused user id of
  its own for each submission, clears the supplementary groups and drops
  every capability, the bounding set included; ``no_new_privs`` is set, so no
  set-user-id program can give them back;
* **as an ordinary user**: bubblewrap also makes a user namespace
  (``--unshare-all``), drops every capability (``--cap-drop ALL``) and forbids
  further user namespaces (``--disable-userns``).

Either way the notebook runner refuses to execute anything if it still holds
a capability or runs as user id 0. Limits: wall-clock time (the grader stops
the whole process tree), processor time, address space, processes, file
size, open files, the size of both in-memory folders, and the size of what
comes back; a watchdog also stops a submission whose processes together use
more memory or number more than allowed.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cgroups import make_cgroups, oom_killed, remove_cgroups
from .limits import SHM_MB, Limits

__all__ = ["Isolation", "Limits", "Outcome", "UNSANDBOXED", "probe", "run"]

HOME = "/home/student"
#: /etc entries that libraries read; everything else in /etc (shadow, ssh keys, ...) stays outside.
_ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "fonts", "nsswitch.conf", "mime.types",
        "alternatives", "hosts")
#: Bytes of the answers' JSON read back from a submission; a larger reply is refused.
REPLY_LIMIT = 8 * 1024 * 1024
#: Characters of the sandbox's own standard output and error kept for messages.
KEPT_LOG = 4000
_UID_BASE = 1_900_000_000  # well above any real account


@dataclass(frozen=True)
class Isolation:
    """How submissions are isolated here: ``mode`` is "root", "user" or "none"; ``label`` is for the gradebook.

    Parameters
    ----------
    mode : {"root", "user", "none"}
        Sandboxed after starting as root, sandboxed in a user namespace, or not sandboxed.
    label : str
        What the gradebook's ``isolation`` column says.
    reason : str, default ""
        Why there is no sandbox (mode "none").
    """

    mode: str
    label: str
    reason: str = ""

    @property
    def sandboxed(self) -> bool:
        """Whether submissions run in a sandbox (``mode`` is not "none")."""
        return self.mode != "none"


ROOT_LABEL = ("bubblewrap sandbox, started as root: a user id of its own with no capabilities, read-only "
              "system, no network, only its own scratch folder")
USER_LABEL = ("bubblewrap sandbox in a user namespace with no capabilities: read-only system, no network, "
              "only its own scratch folder")
UNSANDBOXED = ("NO SANDBOX (--allow-unsandboxed): the code ran as you, in a separate process with time and "
               "memory limits only; it could read your files")


@dataclass
class Outcome:
    """What came back from one run: ``status`` is "ran", "timed out", "out of memory", "too many processes"
    or "failed"; ``answers`` the encoded answers (JSON data) when it ran.

    Parameters
    ----------
    status : str
        How the run ended.
    message : str, default ""
        Why it did not run to the end, in words.
    answers : dict
        Answer name to its encoded value (see :mod:`.answers`).
    errors : list
        ``[cell number, exception name, message]`` of each code cell that raised.
    last_cell : int or None
        The code cell that was started last.
    printed : int, default 0
        Characters the notebook printed.
    """

    status: str
    message: str = ""
    answers: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    last_cell: int | None = None
    printed: int = 0


# --------------------------------------------------------------------------- what the sandbox sees
def _visible_paths(data_dir: Path) -> list[Path]:
    """Python, the installed packages, mscteach and its data: read-only inside the sandbox."""
    package = Path(__file__).resolve().parent.parent
    paths = {Path(sys.base_prefix), Path(sys.prefix), package, Path(data_dir)}
    # installed packages only: an editable install also puts the whole checkout on sys.path, and the
    # checkout holds the exercise masters and hidden tests
    paths.update(Path(p) for p in sys.path if p and Path(p).name in ("site-packages", "dist-packages"))
    resolved = sorted({p.resolve() for p in paths if p.exists()})
    resolved = [p for p in resolved if not str(p).startswith(("/usr/", "/etc/")) and str(p) != "/usr"]
    return [p for p in resolved if not any(p != q and q in p.parents for q in resolved)]


def _bwrap_args(mode: str, data_dir: Path, limits: Limits, uid: int) -> list[str]:
    args = ["bwrap", "--die-with-parent", "--new-session"]
    if mode == "root":
        args += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    else:
        args += ["--unshare-all", "--unshare-user", "--cap-drop", "ALL", "--disable-userns", "--uid", "65534",
                 "--gid", "65534"]
    args += ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--hostname", "sandbox"]
    for link in ("bin", "lib", "lib32", "lib64", "libx32", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            args += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            args += ["--ro-bind", str(target), str(target)]
    for name in _ETC:
        if (Path("/etc") / name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    scratch = str(limits.scratch_mb * 1024 * 1024)
    args += ["--perms", "1777", "--size", scratch, "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(SHM_MB * 1024 * 1024), "--tmpfs", "/dev/shm"]
    made = {"/"}
    for path in _visible_paths(data_dir):
        # bubblewrap would make the folders above a mount point readable by their owner only
        for parent in reversed(path.parents):
            if str(parent) not in made:
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", str(path), str(path)]
    # the folders made above are the sandbox's own: read-only like the rest, so only /tmp and HOME take writes
    args += ["--perms", "1777", "--size", scratch, "--tmpfs", HOME, "--remount-ro", "/", "--chdir", HOME,
             "--clearenv"]
    environment = {"HOME": HOME, "TMPDIR": "/tmp", "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                   "MPLBACKEND": "Agg", "MPLCONFIGDIR": "/tmp/matplotlib", _data_variable(): str(data_dir),
                   "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "PYDEVD_DISABLE_FILE_VALIDATION": "1", "USER": "student", "LOGNAME": "student"}
    for key, value in environment.items():
        args += ["--setenv", key, value]
    args.append("--")
    if mode == "root":
        args += [shutil.which("setpriv") or "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}",
                 "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--"]
    return args


def _plain_environment(data_dir: Path, scratch: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")}
    return {**keep, "HOME": str(scratch), "TMPDIR": str(scratch), "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": str(scratch / ".matplotlib"), _data_variable(): str(data_dir),
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


# Sets the limits, then becomes the sandbox: a small program of its own, since subprocess's preexec_fn is
# not safe in a process with threads (submissions are started from a thread pool).
_LIMITER = ("import os, resource, sys\n"
            "for name, value in zip(sys.argv[1].split(','), map(int, sys.argv[2].split(','))):\n"
            "    resource.setrlimit(getattr(resource, name), (value, value))\n"
            "for procs in filter(None, sys.argv[3].split(',')):\n"
            "    with open(procs, 'w') as f:\n"
            "        f.write(str(os.getpid()))\n"
            "os.execv(sys.argv[4], sys.argv[4:])\n")


def _limited(command: list[str], limits: Limits, processes: int, cgroups: Sequence[Path] = ()) -> list[str]:
    """``command`` started with the limits of one submission (address space, CPU, files, processes), inside
    ``cgroups`` (the files its process id is written to)."""
    caps = {"RLIMIT_AS": limits.memory_mb * 1024 * 1024, "RLIMIT_CPU": int(limits.timeout) + 10,
            "RLIMIT_FSIZE": limits.file_mb * 1024 * 1024, "RLIMIT_NOFILE": 256, "RLIMIT_CORE": 0,
            "RLIMIT_NPROC": processes}
    executable = command[0] if os.path.isabs(command[0]) else shutil.which(command[0]) or command[0]
    return [sys.executable, "-I", "-S", "-c", _LIMITER, ",".join(caps), ",".join(map(str, caps.values())),
            ",".join(map(str, cgroups)), executable, *command[1:]]


# --------------------------------------------------------------------------- can we isolate here?
_PROBE = "import os; print(os.geteuid(), open('/proc/self/status').read().count('\\t0000000000000000'))"
_probed: dict[str, Isolation] = {}


def probe(data_dir: Path) -> Isolation:
    """The isolation this machine gives, tried for real once per process; ``mode`` "none" says why not.

    Starts a sandbox (bubblewrap, and ``setpriv`` when run as root) and checks
    that the code inside runs as a user id other than 0 with no capabilities.
    The answer is remembered per data folder for the rest of the process.

    Parameters
    ----------
    data_dir : Path
        The data folder the sandbox shows the submission.

    Returns
    -------
    Isolation
    """
    key = str(data_dir)
    if key in _probed:
        return _probed[key]
    root = os.geteuid() == 0
    if not shutil.which("bwrap"):
        found = Isolation("none", UNSANDBOXED, "bubblewrap is not installed (Debian/Ubuntu: apt install bubblewrap)")
    elif root and not shutil.which("setpriv"):
        found = Isolation("none", UNSANDBOXED, "setpriv is not installed (Debian/Ubuntu: apt install util-linux)")
    else:
        mode = "root" if root else "user"
        command = _bwrap_args(mode, data_dir, Limits(), _UID_BASE) + [sys.executable, "-I", "-c", _PROBE]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
            uid, zero_caps = (int(x) for x in result.stdout.split()) if result.returncode == 0 else (0, 0)
        except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
            uid, zero_caps = 0, 0
            error = str(exc)
        else:
            error = ((result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"])[0]
        if uid != 0 and zero_caps >= 5:
            found = Isolation(mode, ROOT_LABEL if root else USER_LABEL)
        else:
            hint = "" if root else " (are unprivileged user namespaces allowed? sysctl kernel.unprivileged_userns_clone)"
            found = Isolation("none", UNSANDBOXED, f"bubblewrap could not make a sandbox without privileges here: "
                                                   f"{error[:200]}{hint}")
    _probed[key] = found
    return found


# --------------------------------------------------------------------------- one run
def _drain(stream, keep: list[str]) -> None:
    """Read a pipe to its end, keeping only its last characters (student code may write without end)."""
    tail = ""
    for chunk in iter(lambda: stream.read(65536), ""):
        tail = (tail + chunk)[-KEPT_LOG:]
    keep.append(tail)


def _read_reply(stream, out: dict) -> None:
    """Read the runner's reply in chunks (never a whole line at once: a line may have no end)."""
    chunks: list[str] = []
    size = 0
    for chunk in iter(lambda: stream.read(65536), ""):
        size += len(chunk)
        if size > REPLY_LIMIT:
            out["too_big"] = True
            chunks = []
            continue  # drain, so the writer is not blocked, and keep nothing
        chunks.append(chunk)
    out["lines"] = "".join(chunks).splitlines()


def _tree(pid: int):
    import psutil

    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _kill_tree(pid: int) -> None:
    import psutil

    processes = _tree(pid)
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(processes, timeout=10)


def batch_user_ids(grader_pid: int) -> range:
    """The user ids a grading process gives its submissions when it runs as root (one each, none an account's)."""
    first = _UID_BASE + (grader_pid % 10_000) * 100_000
    return range(first, first + 100_000)


def run(job: dict, isolation: Isolation, data_dir: Path, limits: Limits, slot: int, scratch: Path) -> Outcome:
    """Execute one submission's job (see :mod:`.notebook_runner`) under ``isolation`` and ``limits``.

    ``slot`` (the submission's place in its batch) makes its user id its own (root mode);
    ``scratch`` is a folder of the grader's for an unsandboxed run's working files.

    Parameters
    ----------
    job : dict
        ``cells`` (each ``number`` and ``source``) and ``names`` (the answers to hand back).
    isolation : Isolation
        How to isolate it (from :func:`probe`).
    data_dir : Path
        The data folder the submission may read.
    limits : Limits
        What it may use.
    slot : int
        Its place in the batch.
    scratch : Path
        Working folder of an unsandboxed run (made if needed; unused when sandboxed).

    Returns
    -------
    Outcome
        How the run ended; a run stopped by a limit is an outcome, not an exception.
    """
    job = {**job, "sandboxed": isolation.sandboxed}
    # -I: no environment variables, user site or current folder on the path; the package the grader runs is
    # put first, so the runner and the notebook import the very mscteach (and data) that is bound read-only
    package_parent = str(Path(__file__).resolve().parent.parent.parent)
    runner = [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {package_parent!r}); "
              "from mscteach.classroom.notebook_runner import main; sys.exit(main())"]
    if isolation.sandboxed:
        uid = batch_user_ids(os.getpid())[slot % 100_000]  # one per submission of a batch
        command, cwd, env = _bwrap_args(isolation.mode, data_dir, limits, uid) + runner, None, None
        # in root mode the count is for the submission's own user id; in a user namespace it also counts
        # the teacher's own processes, so leave room for those
        tasks = 2 * limits.processes
        processes = tasks if isolation.mode == "root" else tasks + _own_processes()
    else:
        scratch.mkdir(parents=True, exist_ok=True)
        command, cwd, env = runner, scratch, _plain_environment(data_dir, scratch)
        processes = 2 * limits.processes + _own_processes()
    joins, cgroups = make_cgroups(f"mscteach-{os.getpid()}-{slot}", limits)
    reply_read, reply_write = os.pipe()
    job["reply_fd"] = reply_write  # passed down with its number: bubblewrap and setpriv keep open descriptors
    try:
        process = subprocess.Popen(_limited(command, limits, processes, joins), cwd=cwd, env=env,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   pass_fds=(reply_write,), start_new_session=True)
    except BaseException:
        remove_cgroups(cgroups)
        raise
    finally:
        os.close(reply_write)
    try:
        outcome = _collect(process, job, reply_read, limits)
        if outcome.status in ("ran", "failed") and oom_killed(cgroups):
            outcome = Outcome("out of memory", f"used more than the {limits.memory_mb} MB allowed (files kept in "
                                               "memory count too)", last_cell=outcome.last_cell)
        return outcome
    finally:
        remove_cgroups(cgroups)


def _collect(process: subprocess.Popen, job: dict, reply_read: int, limits: Limits) -> Outcome:
    """Feed the job to the runner, watch it, and read its reply into an :class:`Outcome`."""
    reply: dict = {}
    log: list[str] = []
    with os.fdopen(reply_read, encoding="utf-8", errors="replace") as reply_stream:
        readers = [threading.Thread(target=_read_reply, args=(reply_stream, reply), daemon=True),
                   threading.Thread(target=_drain, args=(_text(process.stdout), log), daemon=True)]
        for reader in readers:
            reader.start()
        assert process.stdin is not None  # started with stdin=PIPE
        try:
            process.stdin.write(json.dumps(job).encode())
            process.stdin.close()
        except BrokenPipeError:
            pass
        stopped = _watch(process, limits)
        for reader in readers:
            reader.join(timeout=15)
    messages = [m for m in map(_parse, reply.get("lines", [])) if isinstance(m, dict)]
    cells = [m["cell"] for m in messages if isinstance(m, dict) and isinstance(m.get("cell"), int)]
    last_cell = cells[-1] if cells else None
    final = next((m for m in messages if isinstance(m, dict) and ("answers" in m or "refused" in m)), None)
    if stopped:
        return Outcome(stopped[0], stopped[1], last_cell=last_cell)
    if reply.get("too_big"):
        return Outcome("failed", f"its answers came back larger than {REPLY_LIMIT // 2**20} MB", last_cell=last_cell)
    if final and "refused" in final:
        if last_cell is None:  # the runner refuses before any cell; a later "refusal" is the notebook's own
            return Outcome("failed", "the sandbox still held privileges, so nothing was run: see "
                                     "`mscteach exercises grade --help` and exercises/README.md")
        return Outcome("failed", "the notebook wrote its own reply instead of its answers", last_cell=last_cell)
    if final is None or type(final.get("answers")) is not dict:
        if process.returncode in (-9, 137) or "MemoryError" in "".join(log):
            return Outcome("out of memory", f"used more than the {limits.memory_mb} MB allowed", last_cell=last_cell)
        if process.returncode == -signal.SIGXCPU:
            return Outcome("timed out", f"used more than {int(limits.timeout)} s of processor time",
                           last_cell=last_cell)
        last = next((line for line in reversed("".join(log).strip().splitlines()) if line.strip()), "")
        return Outcome("failed", "the notebook ended the grading process before its answers were read"
                       + (f" ({last.strip()[:200]})" if last and last_cell is None else ""), last_cell=last_cell)
    errors = [[e[0], e[1][:100], e[2][:200]] for e in final.get("errors", [])[:20] if type(e) is list and len(e) == 3
              and type(e[0]) is int and type(e[1]) is str and type(e[2]) is str] \
        if type(final.get("errors")) is list else []
    printed = final["printed"] if type(final.get("printed")) is int else 0
    return Outcome("ran", answers=final["answers"], errors=errors, last_cell=last_cell, printed=printed)


def _text(stream):
    import io

    return io.TextIOWrapper(stream, encoding="utf-8", errors="replace")


def _parse(line: str):
    """One JSON line of the reply, or None (the reply is written by the submission's own process)."""
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _own_processes() -> int:
    import psutil

    uid = os.getuid()
    count = 0
    for process in psutil.process_iter(["uids", "num_threads"]):
        try:
            if process.info["uids"] and process.info["uids"].real == uid:
                count += process.info["num_threads"] or 1
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return count


def _memory_in_use(tree) -> int:
    """Resident memory of the processes, and the size of the in-memory files they hold open (memfd)."""
    import psutil

    used, seen = 0, set()
    for p in tree:
        try:
            used += p.memory_info().rss
            for fd in os.listdir(f"/proc/{p.pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{p.pid}/fd/{fd}")
                    if target.startswith("/memfd:"):
                        info = os.stat(f"/proc/{p.pid}/fd/{fd}")
                        if (info.st_dev, info.st_ino) not in seen:
                            seen.add((info.st_dev, info.st_ino))
                            used += info.st_size
                except OSError:
                    continue
        except (psutil.Error, OSError):
            continue
    return used


def _watch(process: subprocess.Popen, limits: Limits) -> tuple[str, str] | None:
    """Wait for the run, stopping it at the time limit, or when its processes together use too much."""
    deadline = time.monotonic() + limits.timeout
    memory = limits.memory_mb * 1024 * 1024
    while True:
        try:
            process.wait(timeout=0.2)
            return None
        except subprocess.TimeoutExpired:
            pass
        tree = _tree(process.pid)
        reason = None
        if time.monotonic() > deadline:
            reason = ("timed out", f"still running after {limits.timeout:g} s (a cell that never ends?)")
        elif len(tree) > limits.processes:
            reason = ("too many processes", f"started more than {limits.processes} processes (a fork bomb?)")
        else:
            if _memory_in_use(tree) > memory:
                reason = ("out of memory", f"its processes together used more than the {limits.memory_mb} MB allowed")
        if reason:
            _kill_tree(process.pid)
            process.wait()
            return reason


def _data_variable() -> str:
    from ..data import ENV_VAR

    return ENV_VAR
