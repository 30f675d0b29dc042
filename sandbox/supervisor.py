"""Supervising one sandboxed process: live output, the wall clock, the output cap, usage, exit.

Backend-neutral: it is given a spawned process (pid and pipes), a `Containment` that can
measure and kill the run's whole tree and release what the backend set up, and optionally a
`Root` (how to wait for the process whose end is the run's end: our own child by default, a
process inside a container for Docker). It guarantees the event order of `events.py` and
that, by the time `Exit` is delivered, nothing of the run is left: the tree is killed, the
process reaped, the containment released. The verdict itself is `verdict.py`, stdin goes
through `stdin.StdinPipe`, and the `Root` types are in `root.py`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from lionagi_playground.sandbox.backend import RunState
from lionagi_playground.sandbox.capture import Capture
from lionagi_playground.sandbox.events import (
    Event,
    Exit,
    Output,
    Recording,
    Stats,
    Status,
    Stream,
    Trace,
)
from lionagi_playground.sandbox.limits import MIB, Limits
from lionagi_playground.sandbox.root import Ended, ProcessRoot, Root
from lionagi_playground.sandbox.stdin import StdinPipe
from lionagi_playground.sandbox.usage import UsageProbe
from lionagi_playground.sandbox.verdict import verdict

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
        self._stdin = StdinPipe(spawned.stdin)
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
        await self._stdin.write(text)

    async def close_stdin(self) -> None:
        await self._stdin.close()

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
        feeder = loop.create_task(self._stdin.feed(self._stdin_text))
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
        one event, so clients are not flooded while output still feels live. Trace and
        recording events do not interrupt it: they go their own way (batched by the
        server), so a traced program's output is merged just as an untraced one's.
        """
        if isinstance(event, Trace | Recording):
            self._queue.put_nowait(event)
            return
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

    async def _teardown(self) -> None:
        self._containment.kill()
        self._stdin.close_now()
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
        status, code, number, message = verdict(
            self._reason,
            ended.code,
            oom=probe.oom_kills() > 0,
            started=self._containment.started(),
            limits=self._limits,
        )
        return Exit(
            status,
            code,
            number,
            elapsed_ms=int((time.monotonic() - self._started) * 1000),
            cpu_ms=max(probe.cpu_ns() // 1_000_000, ended.cpu_ms),
            # The program's own peak: the highest working set sampled (anonymous and tmpfs
            # memory, no page cache) or the max RSS of its largest process (exact, so a spike
            # between two samples counts; the root gives the program's, not a launcher's).
            max_memory_bytes=max(probe.peak_memory_bytes(), ended.max_rss_bytes),
            message=message,
        )
