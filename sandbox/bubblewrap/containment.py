"""What holds one bwrap run: its status pipe, its sandbox init (by pidfd) and its cgroup.

The supervisor's `Containment` for bubblewrap. bwrap reports its child's pid on the JSON
status pipe; the containment holds a pidfd on that init (killing it kills the namespace),
moves it into the run's cgroup before bwrap lets the program start, and at the end reaps the
init, removes the cgroup and gives the run's uid back.

`BubblewrapRoot` is the supervisor's `Root`: bwrap's end is the run's end, but what the
program used comes from the init, which reaped it. bwrap's own rusage is the launch chain's:
the trampoline was vforked from the server, and ru_maxrss survives exec, so bwrap's "max
RSS" is the server's peak (26 MiB from the command line, 59-135 MiB over the language
server), and its CPU time excludes the program, which bwrap never waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import resource
import signal
from collections.abc import Callable

from lionagi_playground.sandbox.bubblewrap.spawn import parent_of
from lionagi_playground.sandbox.cgroups import RunCgroup
from lionagi_playground.sandbox.root import Ended, ProcessRoot
from lionagi_playground.sandbox.usage import UsageProbe

log = logging.getLogger(__name__)

INIT_EXIT_S = 5.0


class BubblewrapContainment:
    """The bwrap run's tree: bwrap's status pipe, its sandbox init, and the cgroup."""

    def __init__(
        self,
        pid: int,
        status_fd: int,
        go_fd: int,
        group: RunCgroup | None,
        uid: int | None,
        probe: UsageProbe,
        release_uid: Callable[[int | None], None],
    ) -> None:
        self.probe = probe
        self.on_release: Callable[[], None] = _nothing
        self._release_uid = release_uid
        self._pid = pid
        self._group = group
        self._uid = uid
        self._status_fd: int | None = status_fd
        self._status = b""
        self._init_pidfd: int | None = None
        self._child_pid: int | None = None
        self._go_fd: int | None = go_fd
        self._init_reaped = False
        self._init_usage: resource.struct_rusage | None = None
        self._adopting: asyncio.Task[None] | None = None
        os.set_blocking(status_fd, False)
        asyncio.get_running_loop().add_reader(status_fd, self._on_status)

    def _on_status(self) -> None:
        assert self._status_fd is not None
        try:
            data = os.read(self._status_fd, 4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        self._status += data
        if self._child_pid is None:
            self._find_child()
        if not data:
            self._close_status()

    def _find_child(self) -> None:
        """Hold a pidfd on the sandbox's init (pid 1 inside), the handle that kills it all."""
        for line in self._status.splitlines():
            with contextlib.suppress(ValueError):
                item = json.loads(line)
                if isinstance(item, dict) and isinstance(item.get("child-pid"), int):
                    self._child_pid = item["child-pid"]
                    break
        if self._child_pid is None:
            return
        try:
            pidfd = os.pidfd_open(self._child_pid)
        except OSError:
            return
        # The pid is only trusted while it is still bwrap's child: bwrap is ours and unreaped.
        if parent_of(self._child_pid) == self._pid:
            self._init_pidfd = pidfd
            self._adopting = asyncio.get_running_loop().create_task(self._adopt(self._child_pid))
        else:
            os.close(pidfd)

    async def _adopt(self, child: int) -> None:
        """Move the sandbox into the run's cgroup, then let bwrap start the program.

        Done here rather than by the launching shell: a task moving itself between v1
        cgroups waits for an RCU grace period (~10 ms); here that overlaps bwrap's set-up.
        bwrap's child has not forked yet (it blocks on `--block-fd`), so everything the
        program starts is born inside the cgroup.
        """
        try:
            if self._group is not None:
                await asyncio.to_thread(self._group.adopt, child)
            if self._go_fd is not None:
                os.write(self._go_fd, b"1")
        except OSError:
            log.exception("could not move run %s into its cgroup", self._pid)
            self.kill()
        finally:
            self._close_go()

    def _close_go(self) -> None:
        if self._go_fd is not None:
            os.close(self._go_fd)
            self._go_fd = None

    def _close_status(self) -> None:
        if self._status_fd is not None:
            asyncio.get_running_loop().remove_reader(self._status_fd)
            os.close(self._status_fd)
            self._status_fd = None

    async def reap_init(self) -> resource.struct_rusage | None:
        """Kill and reap the sandbox's init once bwrap has exited: its rusage is the program's.

        bwrap exits as soon as its init reports the program's status (the init reaped the
        program, so its rusage holds the program's and that of every process it reaped);
        the init then dies of --die-with-parent (the kill here only makes sure) and, with us
        as subreaper, becomes our zombie to collect. None when there was no init, or bwrap
        reaped it itself (the init died first: a kill from outside).
        """
        pidfd, pid = self._init_pidfd, self._child_pid
        if self._init_reaped or pidfd is None or pid is None:
            return self._init_usage
        with contextlib.suppress(ProcessLookupError, OSError):
            signal.pidfd_send_signal(pidfd, signal.SIGKILL)
        loop = asyncio.get_running_loop()
        exited: asyncio.Future[None] = loop.create_future()
        loop.add_reader(pidfd, _resolve, exited)
        try:
            await asyncio.wait_for(exited, INIT_EXIT_S)
        except TimeoutError:
            log.warning("the sandbox init of run %s did not exit", self._pid)
            return None
        finally:
            loop.remove_reader(pidfd)
        self._init_reaped = True
        # Our unreaped child (a zombie keeps its pid), or not ours to reap: then left alone.
        if parent_of(pid) == os.getpid():
            with contextlib.suppress(ChildProcessError, OSError):
                # It has exited (the pidfd said so): WNOHANG, this never blocks.
                found, _, usage = os.wait4(pid, os.WNOHANG)  # noqa: ASYNC222
                if found == pid:
                    self._init_usage = usage
        return self._init_usage

    def started(self) -> bool:
        return self._child_pid is not None and self._go_fd is None

    def kill(self) -> None:
        if self._group is not None:
            self._group.kill()
        if self._init_pidfd is not None:
            # Killing the namespace's init kills every process in it (the kernel's doing).
            with contextlib.suppress(ProcessLookupError, OSError):
                signal.pidfd_send_signal(self._init_pidfd, signal.SIGKILL)
        elif not self.started():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)

    async def release(self) -> None:
        if self._adopting is not None and not self._adopting.done():
            self._adopting.cancel()
        self._close_go()
        if self._status_fd is not None:
            self._on_status()
            self._close_status()
        if self._init_pidfd is not None:
            await self.reap_init()
            os.close(self._init_pidfd)
            self._init_pidfd = None
        try:
            if self._group is not None:
                if self._group.pids():
                    await asyncio.to_thread(self._group.remove)
                else:
                    self._group.remove()
        finally:
            self._release_uid(self._uid)
            self.on_release()


class BubblewrapRoot(ProcessRoot):
    """bwrap, our child: its exit code is the program's; the usage is the init's account."""

    def __init__(self, pid: int, containment: BubblewrapContainment) -> None:
        super().__init__(pid)
        self._containment = containment

    async def wait(self) -> Ended:
        return await self._program(await super().wait())

    async def collect(self) -> Ended:
        return await self._program(await super().collect())

    async def _program(self, bwrap: Ended) -> Ended:
        usage = await self._containment.reap_init()
        if usage is None:
            return Ended(bwrap.code)  # the cgroup's (or the process tree's) figures stand
        cpu_ms = int((usage.ru_utime + usage.ru_stime) * 1000)
        return Ended(bwrap.code, cpu_ms, usage.ru_maxrss * 1024)


def _nothing() -> None:
    return None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
