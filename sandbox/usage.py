"""Measuring what a run uses: from its cgroup when it has one, else from its process tree.

Both give current memory, cumulative CPU time, a peak and an OOM-kill count, so the
supervisor samples one interface whatever the host allows.

Memory is the program's own: its anonymous memory and the tmpfs/shared memory it wrote (its
working set), never the page cache of files it read (the read-only runtime's above all). The
peak is the highest working set read; the supervisor adds the program's own max RSS (from its
rusage), which catches a spike between two samples.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Protocol

import psutil

from lionagi_playground.sandbox.cgroups import RunCgroup


class UsageProbe(Protocol):
    def memory_bytes(self) -> int: ...

    def cpu_ns(self) -> int: ...

    def peak_memory_bytes(self) -> int: ...

    def oom_kills(self) -> int: ...


class CgroupUsage:
    """Exact figures from the run's cgroup; memory is its working set (`working_set`)."""

    def __init__(self, group: RunCgroup) -> None:
        self._group = group
        self._peak = 0

    def memory_bytes(self) -> int:
        current = self._group.memory_bytes()
        self._peak = max(self._peak, current)
        return current

    def cpu_ns(self) -> int:
        return self._group.cpu_ns()

    def peak_memory_bytes(self) -> int:
        """The highest working set read, this reading included (the kernel's own peak
        counters, memory.max_usage_in_bytes and memory.peak, include the page cache)."""
        return max(self._peak, self.memory_bytes())

    def oom_kills(self) -> int:
        return self._group.oom_kills()


class ProcessTreeUsage:
    """Sums over the live processes below the sandbox's root process (rlimit mode).

    Memory is each process's anonymous and shared resident pages (`own_resident_bytes`), not
    the mapped files of the runtime; bwrap's two processes add about 0.3 MiB. Processes that
    already exited drop out of the sum, so CPU is kept monotonic and the backend adds the
    reaped descendants' rusage at exit.
    """

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._peak = 0
        self._cpu_ns = 0

    def _tree(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self._pid)
            return [root, *root.children(recursive=True)]
        except psutil.Error:
            return []

    def memory_bytes(self) -> int:
        total = sum(own_resident_bytes(process.pid) for process in self._tree())
        self._peak = max(self._peak, total)
        return total

    def cpu_ns(self) -> int:
        total = 0.0
        for process in self._tree():
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system + times.children_user + times.children_system
        self._cpu_ns = max(self._cpu_ns, int(total * 1e9))
        return self._cpu_ns

    def peak_memory_bytes(self) -> int:
        return self._peak

    def oom_kills(self) -> int:
        return 0


def own_resident_bytes(pid: int) -> int:
    """A process's resident anonymous and shared-memory pages (RssAnon + RssShmem); 0 if gone.

    Its mapped files (RssFile: the interpreter, the libraries) are the page cache's, shared.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    total = 0
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name in ("RssAnon", "RssShmem"):
            with contextlib.suppress(ValueError, IndexError):
                total += int(value.split()[0]) * 1024  # always in kB
    return total
