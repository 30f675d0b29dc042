"""Supervising one sandboxed process: live output, the wall clock, the output cap, usage, exit.

Backend-neutral: it is given a spawned process (pid and pipes), a `Containment` that can
measure and kill the run's whole tree and release what the backend set up, and optionally a
`Root` (how to wait for the process whose end is the run's end: our own child by default, a
process inside a container for Docker). It guarantees the event order of `events.py` and
that, by the time `Exit` is delivered, nothing of the run is left: the tree is killed, the
process reaped, the containment released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from lionagi_playground.sandbox.backend import RunState
from lionagi_playground.sandbox.capture import Capture
from lionagi_playground.sandbox.events import Event, Exit, Output, Stats, Status, Stream
from lionagi_playground.sandbox.limits import MIB, Limits
from lionagi_playground.sandbox.usage import UsageProbe

log = logging.getLogger(__name__)

SAMPLE_EVERY_S = 1.0
MEMORY_WARNING = 0.8
CPU_WARNING = 0.9
DRAIN_S = 2.0
"""How long output may still trickle in after the process ended (then the pipes are cut)."""
KILL_GRACE_S = 2.0
"""After killing the tree, how long the root process gets before it is killed directly."""
READ_CHUNK = 64 * 1024
COALESCE_S = 0.005
COALESCE_MAX = 64 * 1024


class Containment(Protocol):
    """What the backend built around the process."""

    probe: UsageProbe

    def kill(self) -> None:
        """Kill every process of the run (idempotent, never blocks)."""

    def started(self) -> bool:
        """Whether the user's program was started (False: the sandbox failed to set up)."""

    async def release(self) -> None:
        """Remove what the run left on the host (cgroup, ids); after the tree is gone."""


@dataclass(frozen=True)
class Ended:
    """How the root process ended: its exit code as `os.waitstatus_to_exitcode` gives it
    (negative for a signal), and what it used as far as it knows."""

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


@dataclass(frozen=True)
class Spawned:
    """The spawned root process and our ends of its standard streams (non-blocking)."""

    pid: int
    stdin: int
    stdout: int
    stderr: int


class SupervisedRun:
    """An `Execution` of one spawned process (see `backend.Execution`)."""

    def __init__(
        self,
        spawned: Spawned,
        containment: Containment,
        limits: Limits,
        nonce: str,
        stdin_text: str | None,
        root: Root | None = None,
    ) -> None:
        self._spawned = spawned
        self._root: Root = root if root is not None else ProcessRoot(spawned.pid)
        self._containment = containment
        self._limits = limits
        self._stdin_text = stdin_text
        self._capture = Capture(nonce, limits.output_bytes, limits.display_bytes)
        self._queue: asyncio.Queue[Event] = asyncio.Queue()
        self._state = RunState.RUNNING
        self._reason: Status | None = None
        self._started = time.monotonic()
        self._stdin: int | None = spawned.stdin
        self._stdin_lock = asyncio.Lock()
        self._stdin_wait: asyncio.Future[None] | None = None
        self._eof: dict[Stream, asyncio.Future[None]] = {}
        self._ended: Ended | None = None
        self._task: asyncio.Task[None] | None = None
        self._held: Output | None = None
        self._flush_timer: asyncio.TimerHandle | None = None

    @property
    def state(self) -> RunState:
        return self._state

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._supervise())

    async def events(self) -> AsyncIterator[Event]:
        while True:
            event = await self._queue.get()
            yield event
            if isinstance(event, Exit):
                return

    async def write_stdin(self, text: str) -> None:
        data = text.encode("utf-8", "surrogateescape")
        async with self._stdin_lock:
            while data and self._stdin is not None:
                try:
                    data = data[os.write(self._stdin, data) :]
                except BlockingIOError:
                    await self._stdin_writable()
                except OSError:  # the program closed stdin or ended: nothing to deliver to
                    self._close_stdin()

    async def close_stdin(self) -> None:
        async with self._stdin_lock:
            self._close_stdin()

    async def cancel(self) -> None:
        self._stop("cancelled")

    async def wait(self) -> None:
        if self._task is not None:
            await asyncio.shield(self._task)

    # -- supervision -----------------------------------------------------------------------

    async def _supervise(self) -> None:
        loop = asyncio.get_running_loop()
        exit_event: Exit | None = None
        timer = loop.call_later(self._limits.timeout_s, self._stop, "timeout")
        sampler = loop.create_task(self._sample())
        feeder = loop.create_task(self._feed_stdin())
        try:
            for stream, fd in self._pipes():
                self._eof[stream] = loop.create_future()
                loop.add_reader(fd, self._on_readable, stream, fd)
            await self._reap()
            timer.cancel()
            self._containment.kill()  # daemons left behind go with the run
            await self._drain()
            exit_event = self._exit_event()
        except Exception as error:
            # Infrastructure failed, not the program: log it all, tell the client one line.
            log.exception("supervising pid %s failed", self._spawned.pid)
            exit_event = Exit("error", message=f"the sandbox failed: {error}")
        finally:
            timer.cancel()
            sampler.cancel()
            feeder.cancel()
            await self._teardown()
            for event in self._capture.finish():
                self._emit(event)
            self._flush()
            self._state = RunState.CLEANED
            self._queue.put_nowait(exit_event or Exit("error", message="the sandbox failed"))

    def _pipes(self) -> tuple[tuple[Stream, int], ...]:
        return (("stdout", self._spawned.stdout), ("stderr", self._spawned.stderr))

    async def _reap(self) -> None:
        """Wait for the root process to exit, without blocking the loop."""
        self._ended = await self._root.wait()
        self._state = RunState.FINISHED

    def _on_readable(self, stream: Stream, fd: int) -> None:
        try:
            data = os.read(fd, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._close_reader(stream, fd)
            return
        for event in self._capture.feed(stream, data):
            self._emit(event)
        if self._capture.exceeded:
            self._stop("output_limit")

    def _emit(self, event: Event) -> None:
        """Queue an event, merging output written in many small pieces.

        Unbuffered programs (a Python traceback, `print(..., end="")`) write a few bytes at
        a time; consecutive text of one stream is held for at most COALESCE_S and sent as
        one event, so clients are not flooded while output still feels live.
        """
        if isinstance(event, Output):
            held = self._held
            if held is not None and held.stream == event.stream and len(held.text) < COALESCE_MAX:
                self._held = Output(held.stream, held.text + event.text)
                return
            self._flush()
            self._held = event
            self._flush_timer = asyncio.get_running_loop().call_later(COALESCE_S, self._flush)
            return
        self._flush()
        self._queue.put_nowait(event)

    def _flush(self) -> None:
        if self._flush_timer is not None:
            self._flush_timer.cancel()
            self._flush_timer = None
        if self._held is not None:
            self._queue.put_nowait(self._held)
            self._held = None

    def _close_reader(self, stream: Stream, fd: int) -> None:
        future = self._eof.get(stream)
        if future is None or future.done():
            return
        asyncio.get_running_loop().remove_reader(fd)
        os.close(fd)
        future.set_result(None)

    async def _drain(self) -> None:
        """Read what is still in the pipes; a holder that escaped the kill is cut off."""
        pending = [future for future in self._eof.values() if not future.done()]
        if pending:
            await asyncio.wait(pending, timeout=DRAIN_S)

    def _stop(self, reason: Status) -> None:
        if self._reason is None and self._state is RunState.RUNNING:
            self._reason = reason
            self._containment.kill()
            asyncio.get_running_loop().call_later(KILL_GRACE_S, self._kill_root)

    def _kill_root(self) -> None:
        if self._ended is None:
            self._root.kill()

    async def _sample(self) -> None:
        probe = self._containment.probe
        last_cpu, last_time = probe.cpu_ns(), time.monotonic()
        while True:
            await asyncio.sleep(SAMPLE_EVERY_S)
            memory, cpu, now = probe.memory_bytes(), probe.cpu_ns(), time.monotonic()
            percent = max(0.0, (cpu - last_cpu) / 1e9 / max(now - last_time, 1e-6) * 100)
            last_cpu, last_time = cpu, now
            warnings = []
            if memory >= MEMORY_WARNING * self._limits.memory_bytes:
                warnings.append(
                    f"memory at {memory / self._limits.memory_bytes:.0%} of its "
                    f"{self._limits.memory_bytes // MIB} MiB limit"
                )
            if percent >= CPU_WARNING * self._limits.cpus * 100:
                warnings.append(f"CPU at {percent:.0f}% (limit {self._limits.cpus * 100:.0f}%)")
            elapsed = int((now - self._started) * 1000)
            self._emit(Stats(memory, round(percent, 1), elapsed, tuple(warnings)))
            if probe.oom_kills():
                self._stop("memory")

    async def _feed_stdin(self) -> None:
        if self._stdin_text is None:
            return
        await self.write_stdin(self._stdin_text)
        await self.close_stdin()

    async def _stdin_writable(self) -> None:
        assert self._stdin is not None
        loop = asyncio.get_running_loop()
        fd = self._stdin
        self._stdin_wait = loop.create_future()
        waiter = self._stdin_wait
        loop.add_writer(fd, _resolve, waiter)
        try:
            await waiter
        finally:
            loop.remove_writer(fd)
            self._stdin_wait = None

    def _close_stdin(self) -> None:
        if self._stdin is None:
            return
        if self._stdin_wait is not None and not self._stdin_wait.done():
            self._stdin_wait.cancel()
        with contextlib.suppress(OSError):
            asyncio.get_running_loop().remove_writer(self._stdin)
        os.close(self._stdin)
        self._stdin = None

    async def _teardown(self) -> None:
        self._containment.kill()
        self._close_stdin()
        for stream, fd in self._pipes():
            self._close_reader(stream, fd)
        if self._ended is None:
            self._kill_root()
            self._ended = await self._root.collect()
        self._state = RunState.FINISHED
        await self._containment.release()

    # -- the verdict -----------------------------------------------------------------------

    def _exit_event(self) -> Exit:
        assert self._ended is not None
        ended = self._ended
        probe = self._containment.probe
        verdict, code, number, message = self._verdict(ended.code, probe.oom_kills() > 0)
        return Exit(
            verdict,
            code,
            number,
            elapsed_ms=int((time.monotonic() - self._started) * 1000),
            cpu_ms=max(probe.cpu_ns() // 1_000_000, ended.cpu_ms),
            max_memory_bytes=max(probe.peak_memory_bytes(), ended.max_rss_bytes),
            message=message,
        )

    def _verdict(self, code: int, oom: bool) -> tuple[Status, int | None, int | None, str]:
        """(status, exit code, signal, message) from why we stopped it and how it ended."""
        limits = self._limits
        if self._reason == "timeout":
            return "timeout", None, None, f"timed out after {limits.timeout_s:g} s"
        if self._reason == "output_limit":
            return (
                "output_limit",
                None,
                None,
                f"output passed {_size(limits.output_bytes)}: stopped",
            )
        if self._reason == "cancelled":
            return "cancelled", None, None, "cancelled"
        if self._reason == "memory" or oom:
            return "memory", None, None, f"ran out of memory (limit {_size(limits.memory_bytes)})"
        if not self._containment.started():
            return "error", code, None, "the sandbox could not start (see stderr)"
        if code == 0:
            return "ok", 0, None, ""
        # bwrap reports a program killed by signal n as 128 + n, as shells do.
        number = code - 128 if code > 128 else -code if code < 0 else 0
        if 0 < number < signal.NSIG:
            name = signal.Signals(number).name if number in _SIGNALS else f"signal {number}"
            return "signal", None, number, f"killed by {name}"
        return "error", code, None, f"exited with code {code}"


_SIGNALS = {int(item) for item in signal.Signals}


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _size(count: int) -> str:
    return f"{count / MIB:g} MiB" if count >= MIB else f"{count} bytes"
