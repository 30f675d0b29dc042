"""The scheduler: FIFO admission within the concurrency bound, queue positions, refusals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from lionagi_playground.sandbox import (
    Event,
    Exit,
    Output,
    Queue,
    QueueFullError,
    RunRequest,
    RunState,
    Scheduler,
    SessionBusyError,
)
from lionagi_playground.sandbox.backend import Execution


class HeldRun:
    """A fake execution that runs until the test releases it."""

    def __init__(self, request: RunRequest) -> None:
        self.request = request
        self.stdin: list[str | None] = []
        self.release = asyncio.Event()
        self.cancelled = False

    @property
    def state(self) -> RunState:
        return RunState.RUNNING

    async def events(self) -> AsyncIterator[Event]:
        yield Output("stdout", f"started {self.request.session}\n")
        await self.release.wait()
        yield Exit("cancelled" if self.cancelled else "ok", 0)

    async def write_stdin(self, text: str) -> None:
        self.stdin.append(text)

    async def close_stdin(self) -> None:
        self.stdin.append(None)

    async def cancel(self) -> None:
        self.cancelled = True
        self.release.set()


class HeldBackend:
    name = "held"

    def __init__(self) -> None:
        self.started: list[HeldRun] = []
        self.changed = asyncio.Event()

    def unavailable_reason(self) -> str | None:
        return None

    def languages(self) -> list[str]:
        return ["python"]

    async def start(self, request: RunRequest) -> Execution:
        run = HeldRun(request)
        self.started.append(run)
        self.changed.set()
        return run

    async def aclose(self) -> None:
        return None

    async def wait_started(self, count: int) -> None:
        while len(self.started) < count:
            self.changed.clear()
            await asyncio.wait_for(self.changed.wait(), 5)


def request(session: str) -> RunRequest:
    return RunRequest({"main.py": ""}, "main.py", session=session)


async def next_event(events: AsyncIterator[Event]) -> Event:
    return await asyncio.wait_for(anext(events), 5)


async def test_runs_beyond_the_bound_queue_in_order_and_learn_their_position() -> None:
    backend = HeldBackend()
    scheduler = Scheduler(backend, max_active=1, max_queued=5)
    first = scheduler.submit(request("a"))
    second = scheduler.submit(request("b"))
    third = scheduler.submit(request("c"))
    await backend.wait_started(1)
    second_events, third_events = second.events(), third.events()
    assert await next_event(second_events) == Queue(1)
    assert await next_event(third_events) == Queue(2)
    backend.started[0].release.set()
    await backend.wait_started(2)
    assert backend.started[1].request.session == "b"
    assert await next_event(third_events) == Queue(1)
    assert await next_event(second_events) == Output("stdout", "started b\n")
    for run in backend.started[1:]:
        run.release.set()
    backend.started[1].release.set()
    await backend.wait_started(3)
    backend.started[2].release.set()
    await asyncio.wait_for(third.done.wait(), 5)
    assert first.done.is_set()
    await scheduler.aclose()


async def test_a_full_queue_refuses_clearly() -> None:
    scheduler = Scheduler(HeldBackend(), max_active=1, max_queued=1)
    scheduler.submit(request("a"))
    scheduler.submit(request("b"))
    with pytest.raises(QueueFullError, match="queue is full"):
        scheduler.submit(request("c"))
    await scheduler.aclose()


async def test_one_run_per_session_unless_replacing() -> None:
    backend = HeldBackend()
    scheduler = Scheduler(backend, max_active=2)
    old = scheduler.submit(request("s"))
    with pytest.raises(SessionBusyError, match="already has run"):
        scheduler.submit(request("s"))
    await backend.wait_started(1)
    new = scheduler.submit(request("s"), replace=True)
    await asyncio.wait_for(old.done.wait(), 5)
    events = [event async for event in old.events()]
    assert events[-1] == Exit("cancelled", 0)
    await backend.wait_started(2)
    await new.cancel()
    await scheduler.aclose()


async def test_cancel_while_queued_and_stdin_before_start() -> None:
    backend = HeldBackend()
    scheduler = Scheduler(backend, max_active=1)
    running = scheduler.submit(request("a"))
    waiting = scheduler.submit(request("b"))
    later = scheduler.submit(request("c"))
    await later.write_stdin("hello\n")
    await later.close_stdin()
    await waiting.cancel()
    events = [event async for event in waiting.events()]
    assert events[-1].kind == "exit"
    assert events[-1] == Exit("cancelled", message="cancelled while queued")
    await running.cancel()
    await backend.wait_started(2)
    assert backend.started[1].stdin == ["hello\n", None]
    await later.cancel()
    await scheduler.aclose()
