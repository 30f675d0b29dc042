"""One run's cgroup (one directory per v1 controller, or one v2 directory): its limits, its
usage, killing everything in it, and removing it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from lionagi_playground.sandbox.cgroups.files import integer, keyed, read, write

log = logging.getLogger(__name__)

CFS_PERIOD_US = 100_000


def working_set(version: int, stat: str) -> int:
    """What the programs of a cgroup hold themselves, from its memory.stat: anonymous memory
    (heaps, stacks; transparent huge pages included) plus shared memory, i.e. tmpfs files they
    wrote (/tmp, /workspace, /dev/shm) and shared anonymous mappings, which count against the
    run's limit and cannot be reclaimed while they exist.

    Not the page cache of files read (the read-only runtime's, mostly: reclaimable, and charged
    to whichever cgroup read a page first), which memory.usage_in_bytes (v1) and memory.current
    (v2) and their peaks include, nor kernel memory. v1: total_rss + total_shmem (v1's "rss" is
    anonymous memory only; the total_ figures include child cgroups); v2: anon + shmem.
    """
    values: dict[str, int] = {}
    for line in stat.splitlines():
        name, _, value = line.partition(" ")
        values[name] = integer(value)
    keys = (
        (("total_rss", "rss"), ("total_shmem", "shmem"))
        if version == 1
        else (("anon",), ("shmem",))
    )
    return sum(next((values[key] for key in choice if key in values), 0) for choice in keys)


@dataclass(frozen=True)
class RunLimits:
    memory_bytes: int
    pids: int
    cpus: float


class RunCgroup:
    """The cgroup (one directory per v1 controller, or one v2 directory) of one run."""

    def __init__(self, version: int, dirs: dict[str, Path]) -> None:
        self.version = version
        self.dirs = dirs

    @property
    def procs_files(self) -> list[Path]:
        """Where a process writes its pid to join (every controller on v1)."""
        unique = dict.fromkeys(path / "cgroup.procs" for path in self.dirs.values())
        return list(unique)

    def adopt(self, pid: int) -> None:
        """Move `pid` (not yet running user code, so with no children) into the run."""
        for procs in self.procs_files:
            write(procs, str(pid))

    def apply(self, limits: RunLimits) -> None:
        quota = max(1000, int(limits.cpus * CFS_PERIOD_US))
        if self.version == 2:
            d = self.dirs["memory"]
            write(d / "memory.max", str(limits.memory_bytes))
            with contextlib.suppress(OSError):  # absent when the kernel has no swap accounting
                write(d / "memory.swap.max", "0")
            with contextlib.suppress(OSError):
                write(d / "memory.oom.group", "1")
            write(d / "pids.max", str(limits.pids))
            write(d / "cpu.max", f"{quota} {CFS_PERIOD_US}")
            return
        memory = self.dirs["memory"]
        write(memory / "memory.limit_in_bytes", str(limits.memory_bytes))
        with contextlib.suppress(OSError):
            write(memory / "memory.memsw.limit_in_bytes", str(limits.memory_bytes))
        with contextlib.suppress(OSError):
            write(memory / "memory.swappiness", "0")
        write(self.dirs["pids"] / "pids.max", str(limits.pids))
        write(self.dirs["cpu"] / "cpu.cfs_period_us", str(CFS_PERIOD_US))
        write(self.dirs["cpu"] / "cpu.cfs_quota_us", str(quota))

    def memory_bytes(self) -> int:
        """What the run's programs hold themselves now (see `working_set`)."""
        return working_set(self.version, read(self.dirs["memory"] / "memory.stat"))

    def cpu_ns(self) -> int:
        if self.version == 2:
            return keyed(read(self.dirs["cpu"] / "cpu.stat"), "usage_usec") * 1000
        return integer(read(self.dirs["cpuacct"] / "cpuacct.usage"))

    def oom_kills(self) -> int:
        if self.version == 2:
            return keyed(read(self.dirs["memory"] / "memory.events"), "oom_kill")
        return keyed(read(self.dirs["memory"] / "memory.oom_control"), "oom_kill")

    def pids(self) -> list[int]:
        found: set[int] = set()
        for procs in self.procs_files:
            found.update(integer(line) for line in read(procs).split())
        found.discard(0)
        return sorted(found)

    def kill(self) -> None:
        """SIGKILL every process in the run; new forks are caught by the next pass."""
        kill_file = self.dirs["memory"] / "cgroup.kill"
        if self.version == 2 and kill_file.exists():
            with contextlib.suppress(OSError):
                write(kill_file, "1")
                return
        for _ in range(100):
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def remove(self, wait_s: float = 5.0) -> bool:
        """Kill what is left and delete the directories; False if one could not be removed."""
        deadline = time.monotonic() + wait_s
        removed = True
        for path in dict.fromkeys(self.dirs.values()):
            while True:
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        log.warning("could not remove cgroup %s: %s", path, error)
                        removed = False
                        break
                    self.kill()
                    time.sleep(0.005)  # the kernel finishes exiting the killed tasks
        return removed
