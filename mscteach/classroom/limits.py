"""What one submission may use: time, memory, processes, file sizes and scratch space."""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SHM_MB", "Limits"]

#: Size of the in-memory /dev/shm a submission gets, in megabytes.
SHM_MB = 64


@dataclass(frozen=True)
class Limits:
    """What one submission may use.

    Parameters
    ----------
    timeout : float, default 180.0
        Seconds of wall-clock time.
    memory_mb : int, default 3072
        Address space per process, and resident memory of all its processes together.
    processes : int, default 32
        Processes at once (the kernel's own cap, on tasks, is twice this).
    file_mb : int, default 64
        The largest file it may write.
    scratch_mb : int, default 256
        Size of its home folder and of ``/tmp``, each.
    """

    timeout: float = 180.0          # seconds of wall-clock time
    memory_mb: int = 3072           # address space per process, and resident memory of all its processes
    processes: int = 32             # processes at once (the kernel's own cap, on tasks, is twice this)
    file_mb: int = 64               # largest file it may write
    scratch_mb: int = 256           # its home folder and /tmp, each
