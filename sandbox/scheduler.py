"""The scheduler in front of a backend: one run per session, bounded concurrency, a FIFO queue.

At most `max_active` runs execute at once (the number of cores by default); the rest wait in
arrival order and are told their position whenever it changes. The queue has a bound: past it
`submit` refuses with `QueueFullError` instead of letting waits grow without limit. A session
has at most one run queued or running; a second is refused, or replaces the first on request.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator

from lionagi_playground.sandbox.backend import Backend, Execution, RunState
from lionagi_playground.sandbox.errors import QueueFullError, SessionBusyError
from lionagi_playground.sandbox.events import Event, Exit, Queue
from lionagi_playground.sandbox.request import RunRequest

log = logging.getLogger(__name__)


class ScheduledRun:
    """A run as the scheduler holds it; the same calls as an `Execution`, from the moment
    it is submitted (stdin written while queued is delivered when it starts)."""

    def __init__(self, scheduler: Scheduler, request: RunRequest) -> None:
        self.request = request
        self.id = request.run_id
        self.session = request.session
        self.submitted = time.monotonic()
        self._scheduler = scheduler
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._state = RunState.CREATED
        self._execution: Execution | None = None
        self._pending_stdin: list[str | None] = []
        self._cancelled = False
        self._slot = asyncio.Event()
        self._position = 0
        self._consumed = False
        self.done = asyncio.Event()

    @property
    def state(self) -> RunState:
        return self._execution.state if self._execution is not None else self._state

    async def events(self) -> AsyncIterator[Event]:
        """Every event of the run, ending with its `Exit`; iterate once."""
        if self._consumed:
            raise RuntimeError(f"the events of run {self.id} are already being read")
        self._consumed = True
        while True:
            event = await self._events.get()
            yield event
            if isinstance(event, Exit):
                return

    async def write_stdin(self, text: str) -> None:
        if self._execution is None:
            self._pending_stdin.append(text)
        else:
            await self._execution.write_stdin(text)

    async def close_stdin(self) -> None:
        if self._execution is None:
            self._pending_stdin.append(None)
        else:
            await self._execution.close_stdin()

    async def cancel(self) -> None:
        self._cancelled = True
        if self._execution is not None:
            await self._execution.cancel()
        else:
            self._slot.set()  # wake the driver so it can finish as cancelled

    def _tell_position(self, position: int) -> None:
        if position != self._position:
            self._position = position
            self._events.put_nowait(Queue(position))

    async def _drive(self) -> None:
        try:
            self._state = RunState.QUEUED
            await self._slot.wait()
            if self._cancelled:
                self._finish(Exit("cancelled", message="cancelled while queued"))
                return
            self._state = RunState.STARTING
            await self._run()
        except Exception as error:
            log.exception("run %s failed in the sandbox", self.id)
            self._finish(Exit("error", message=f"the sandbox failed to run this: {error}"))
        finally:
            self._scheduler._release(self)

    async def _run(self) -> None:
        self._execution = await self._scheduler.backend.start(self.request)
        for text in self._pending_stdin:
            if text is None:
                await self._execution.close_stdin()
            else:
                await self._execution.write_stdin(text)
        if self._cancelled:
            await self._execution.cancel()
        async for event in self._execution.events():
            if isinstance(event, Exit):
                self._finish(event)
                return
            self._events.put_nowait(event)
        self._finish(Exit("error", message="the backend ended the run without an exit"))

    def _finish(self, event: Exit) -> None:
        self._state = RunState.FINISHED
        self._events.put_nowait(event)
        self.done.set()


class Scheduler:
    """Admits runs to `backend`: FIFO, `max_active` at once, at most `max_queued` waiting."""

    def __init__(
        self, backend: Backend, *, max_active: int | None = None, max_queued: int = 16
    ) -> None:
        if max_active is not None and max_active < 1:
            raise ValueError("max_active must be at least 1")
        if max_queued < 0:
            raise ValueError("max_queued must not be negative")
        self.backend = backend
        self.max_active = max_active or os.cpu_count() or 1
        self.max_queued = max_queued
        self._waiting: list[ScheduledRun] = []
        self._active: set[ScheduledRun] = set()
        self._by_session: dict[str, ScheduledRun] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, request: RunRequest, *, replace: bool = False) -> ScheduledRun:
        """Queue a run; refuses with `SessionBusyError` or `QueueFullError`.

        With `replace`, a run the session already has is cancelled first (the Run button
        pressed again).
        """
        previous = self._by_session.get(request.session)
        if previous is not None:
            if not replace:
                raise SessionBusyError(
                    f"session {request.session!r} already has run {previous.id}; cancel it first"
                )
            self._spawn(previous.cancel())
        if len(self._waiting) >= self.max_queued and len(self._active) >= self.max_active:
            raise QueueFullError(
                f"the sandbox queue is full ({self.max_queued} runs waiting); try again shortly"
            )
        run = ScheduledRun(self, request)
        self._by_session[request.session] = run
        self._waiting.append(run)
        self._spawn(run._drive())
        self._admit()
        return run

    def get(self, run_id: str) -> ScheduledRun | None:
        for run in (*self._active, *self._waiting):
            if run.id == run_id:
                return run
        return None

    @property
    def active(self) -> int:
        return len(self._active)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def aclose(self) -> None:
        """Cancel everything and wait for it to finish."""
        runs = [*self._waiting, *self._active]
        for run in runs:
            await run.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, work: object) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(work)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _admit(self) -> None:
        # A cancelled waiter leaves at once: it must not hold a place or a slot.
        for run in [run for run in self._waiting if run._cancelled]:
            self._waiting.remove(run)
            run._slot.set()
        while self._waiting and len(self._active) < self.max_active:
            run = self._waiting.pop(0)
            self._active.add(run)
            run._slot.set()
        for position, run in enumerate(self._waiting, start=1):
            run._tell_position(position)

    def _release(self, run: ScheduledRun) -> None:
        self._active.discard(run)
        if run in self._waiting:
            self._waiting.remove(run)
        if self._by_session.get(run.session) is run:
            del self._by_session[run.session]
        self._admit()
