"""The process whose end is a run's end (`Root`), how it ended (`Ended`), and our own child's.

The supervisor waits on a `Root`: by default `ProcessRoot`, our own child waited for with a
pidfd and reaped with wait4 (for its rusage); a backend whose program is not our child (a
process inside a container) brings its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import signal
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Ended:
    """How the root process ended: its exit code as `os.waitstatus_to_exitcode` gives it
    (negative for a signal), and what the program used as far as it knows: CPU time, and
    the peak RSS of its largest process (ru_maxrss), which must be the program's own, not
    that of a launcher in between (ru_maxrss survives exec), 0 when unknown."""

    code: int
    cpu_ms: int = 0
    max_rss_bytes: int = 0


class Root(Protocol):
    """The process whose end is the run's end."""

    async def wait(self) -> Ended:
        """Until it ends (cancellable)."""

    def kill(self) -> None:
        """SIGKILL it directly: the last resort after the tree kill (idempotent)."""

    async def collect(self) -> Ended:
        """Its end once it was killed; must return."""


class ProcessRoot:
    """Our own child process: waited for with a pidfd, reaped with wait4 (for its rusage)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    async def wait(self) -> Ended:
        loop = asyncio.get_running_loop()
        pidfd = os.pidfd_open(self.pid)
        exited: asyncio.Future[None] = loop.create_future()
        loop.add_reader(pidfd, _resolve, exited)
        try:
            await exited
        finally:
            loop.remove_reader(pidfd)
            os.close(pidfd)
        # The pidfd said it exited: this wait does not block.
        _, status, usage = os.wait4(self.pid, os.WNOHANG)  # noqa: ASYNC222
        return _ended(status, usage)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    async def collect(self) -> Ended:
        _, status, usage = await asyncio.to_thread(os.wait4, self.pid, 0)
        return _ended(status, usage)


def _ended(status: int, usage: resource.struct_rusage) -> Ended:
    return Ended(
        os.waitstatus_to_exitcode(status),
        int((usage.ru_utime + usage.ru_stime) * 1000),
        usage.ru_maxrss * 1024,
    )


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
