"""Measuring what a run uses: from its cgroup when it has one, else from its process tree.

Both give current memory, cumulative CPU time, a peak and an OOM-kill count, so the
supervisor samples one interface whatever the host allows.
"""

from __future__ import annotations

import contextlib
from typing import Protocol

import psutil

from lionagi_playground.sandbox.cgroups import RunCgroup


class UsageProbe(Protocol):
    def memory_bytes(self) -> int: ...

    def cpu_ns(self) -> int: ...

    def peak_memory_bytes(self) -> int: ...

    def oom_kills(self) -> int: ...


class CgroupUsage:
    """Exact figures from the run's cgroup (includes tmpfs pages the run wrote)."""

    def __init__(self, group: RunCgroup) -> None:
        self._group = group

    def memory_bytes(self) -> int:
        return self._group.memory_bytes()

    def cpu_ns(self) -> int:
        return self._group.cpu_ns()

    def peak_memory_bytes(self) -> int:
        return self._group.peak_memory_bytes()

    def oom_kills(self) -> int:
        return self._group.oom_kills()


class ProcessTreeUsage:
    """Sums over the live processes below the sandbox's root process (rlimit mode).

    Processes that already exited drop out of the sum, so CPU is kept monotonic and the
    backend adds the reaped descendants' rusage at exit.
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
        total = 0
        for process in self._tree():
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
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
