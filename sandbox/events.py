"""What a run reports while it runs: output, display items, usage samples, queue positions, exit.

Every backend produces exactly these events, in this order of guarantees: zero or more `Queue`
events before the run starts, then `Output`/`Display`/`Trace`/`Recording`/`Stats` in the order
they happened, and exactly one `Exit` last. The LSP layer turns each into a `playground/*`
notification (`Trace` and `Recording` through the server's trace pipeline, docs/trace.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Stream = Literal["stdout", "stderr"]

Status = Literal["ok", "error", "timeout", "memory", "output_limit", "cancelled", "signal"]
"""ok: exit code 0. error: any other exit code. timeout: wall clock ran out. memory: killed for
exceeding the memory limit. output_limit: printed more than allowed. cancelled: the client
asked. signal: killed by a signal it was not killed by the sandbox for."""

STATUSES: tuple[Status, ...] = (
    "ok",
    "error",
    "timeout",
    "memory",
    "output_limit",
    "cancelled",
    "signal",
)


@dataclass(frozen=True)
class Output:
    """Text the program wrote; invalid UTF-8 is replaced (U+FFFD), never raised."""

    stream: Stream
    text: str
    kind: Literal["output"] = field(default="output", init=False)


@dataclass(frozen=True)
class Display:
    """A rich item (e.g. a matplotlib PNG): `data` is base64 for binary types, text otherwise."""

    mime: str
    data: str
    kind: Literal["display"] = field(default="display", init=False)


@dataclass(frozen=True)
class Trace:
    """One agent-trace event the runtime wrote (docs/trace.md): `data` is its JSON text, as the
    program sent it through the nonce-tagged display channel. Nothing here vouches for its
    shape: the server validates it. The capture's own `{"kind": "truncated"}` ends the trace
    once the run's trace bytes pass their cap."""

    data: str
    kind: Literal["trace"] = field(default="trace", init=False)


@dataclass(frozen=True)
class Recording:
    """One recorded model call (docs/trace.md, Recording): `data` is its JSON text, unchecked.
    `truncated` (with empty `data`): the run's recording cap was reached, later calls dropped."""

    data: str
    truncated: bool = False
    kind: Literal["recording"] = field(default="recording", init=False)


@dataclass(frozen=True)
class Stats:
    """A usage sample, about once a second while the run runs."""

    memory_bytes: int
    cpu_percent: float
    elapsed_ms: int
    warnings: tuple[str, ...] = ()
    kind: Literal["stats"] = field(default="stats", init=False)


@dataclass(frozen=True)
class Queue:
    """The run waits for a slot; `position` 1 means it is next."""

    position: int
    kind: Literal["queue"] = field(default="queue", init=False)


@dataclass(frozen=True)
class Exit:
    """The last event of every run: how it ended and what it used."""

    status: Status
    exit_code: int | None = None
    signal: int | None = None
    elapsed_ms: int = 0
    cpu_ms: int = 0
    max_memory_bytes: int = 0
    message: str = ""
    kind: Literal["exit"] = field(default="exit", init=False)


Event = Output | Display | Trace | Recording | Stats | Queue | Exit
