"""The backend interface every sandbox implements: start a run, then stdin, cancel and events.

Backends (bubblewrap today, Docker next) differ only behind these two protocols. A backend
never raises for what user code does: a timeout or an out-of-memory kill is an `Exit` status.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable

from lionagi_playground.sandbox.events import Event
from lionagi_playground.sandbox.request import RunRequest


class RunState(enum.Enum):
    """Where a run is in its life; each moves forward only (Piston's job states)."""

    CREATED = "created"
    QUEUED = "queued"
    STARTING = "starting"
    RUNNING = "running"
    FINISHED = "finished"
    CLEANED = "cleaned"


@runtime_checkable
class Execution(Protocol):
    """One started run. `events()` yields until (and including) the single `Exit`."""

    @property
    def state(self) -> RunState: ...

    def events(self) -> AsyncIterator[Event]: ...

    async def write_stdin(self, text: str) -> None:
        """Send text to the program's stdin; ignored once stdin is closed or the run ended."""

    async def close_stdin(self) -> None:
        """Send EOF."""

    async def cancel(self) -> None:
        """Stop the run; its `Exit` says `cancelled` unless it had already ended."""


@runtime_checkable
class Backend(Protocol):
    """A way to run code in isolation."""

    name: str

    def unavailable_reason(self) -> str | None:
        """None when the backend can run code here, else one sentence saying why not."""

    def languages(self) -> list[str]:
        """The runtimes this backend can start."""

    async def start(self, request: RunRequest) -> Execution:
        """Start the run (raises `SandboxError` only for requests or infrastructure)."""

    async def aclose(self) -> None:
        """Stop every run still going and release what the backend holds."""
