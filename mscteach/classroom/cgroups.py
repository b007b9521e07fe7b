"""Memory and process cgroups for one submission: everything it keeps in memory counted, files in memory included."""
from __future__ import annotations

import os
import time
from pathlib import Path

from .limits import SHM_MB, Limits

__all__ = ["CGROUP", "cgroups_available", "make_cgroups", "oom_killed", "remove_cgroups"]

#: Where the kernel's cgroup file systems are mounted.
CGROUP = Path("/sys/fs/cgroup")


def make_cgroups(name: str, limits: Limits) -> tuple[list[Path], list[Path]]:
    """Memory and process cgroups for one submission, where this process may make them (root; cgroup v1 or
    v2): (files to join them by, folders to remove afterwards). Empty where none can be made.

    A memory cgroup counts everything the submission keeps in memory, files in memory (memfd, tmpfs, shared
    memory) included, which per-process limits and resident sizes do not see.

    Parameters
    ----------
    name : str
        The cgroups' folder name (unique per submission).
    limits : Limits
        Its memory (plus room for its in-memory folders) and process limits.

    Returns
    -------
    tuple of (list of Path, list of Path)
        The ``cgroup.procs`` files a process joins by writing its id, and the folders to remove afterwards.
    """
    # room above the per-process limit for what the cgroup also counts: its in-memory folders and the page
    # cache of the files it reads (at exactly the limit, a process near it would thrash instead of failing)
    memory = str((limits.memory_mb + 2 * limits.scratch_mb + SHM_MB + 256) * 1024 * 1024)
    pids = str(2 * limits.processes)
    made: list[Path] = []
    try:
        if (CGROUP / "cgroup.controllers").is_file():  # v2
            if "memory" not in (CGROUP / "cgroup.subtree_control").read_text().split():
                return [], []
            folder = CGROUP / name
            folder.mkdir()
            made.append(folder)
            (folder / "memory.max").write_text(memory)
            for optional, value in (("memory.swap.max", "0"), ("pids.max", pids)):
                if (folder / optional).exists():
                    (folder / optional).write_text(value)
            return [folder / "cgroup.procs"], made
        if (CGROUP / "memory" / "memory.limit_in_bytes").is_file():  # v1
            joins = []
            folder = CGROUP / "memory" / name
            folder.mkdir()
            made.append(folder)
            (folder / "memory.limit_in_bytes").write_text(memory)
            if (folder / "memory.memsw.limit_in_bytes").exists():
                (folder / "memory.memsw.limit_in_bytes").write_text(memory)
            joins.append(folder / "cgroup.procs")
            if (CGROUP / "pids").is_dir():
                folder = CGROUP / "pids" / name
                folder.mkdir()
                made.append(folder)
                (folder / "pids.max").write_text(pids)
                joins.append(folder / "cgroup.procs")
            return joins, made
    except OSError:
        remove_cgroups(made)
    return [], []


def remove_cgroups(folders: list[Path]) -> None:
    """Remove cgroup folders made by :func:`make_cgroups`, waiting a moment for the kernel to empty them.

    Parameters
    ----------
    folders : list of Path
        The folders, removed in reverse order.
    """
    for folder in reversed(folders):
        for _ in range(50):  # the kernel empties a cgroup a moment after its last process ends
            try:
                folder.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.1)


def cgroups_available() -> bool:
    """Whether grading here puts each submission in a memory cgroup of its own.

    Returns
    -------
    bool
    """
    joins, made = make_cgroups(f"mscteach-probe-{os.getpid()}", Limits())
    remove_cgroups(made)
    return bool(joins)


def oom_killed(cgroups: list[Path]) -> bool:
    """Whether the kernel stopped a process of these cgroups for using more memory than allowed.

    Parameters
    ----------
    cgroups : list of Path
        The submission's cgroup folders.

    Returns
    -------
    bool
    """
    for folder in cgroups:
        for name, key in (("memory.events", "oom_kill"), ("memory.oom_control", "oom_kill")):
            try:
                lines = (folder / name).read_text().splitlines()
            except OSError:
                continue
            if any(line.split()[:1] == [key] and int(line.split()[1]) > 0 for line in lines if len(line.split()) == 2):
                return True
    return False
