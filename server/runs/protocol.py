"""The run protocol on the wire: method names, results and notifications as camelCase JSON.

Sandbox events become `playground/*` notifications here and nowhere else (`lsp_run_notification`),
so every transport and every watching session sends exactly the same thing. docs/protocol.md
(Runs) is the contract these types follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from lionagi_playground.sandbox import Display, Exit, Limits, Output, Queue, Stats

RUN = "playground/run"
STDIN = "playground/stdin"
CANCEL = "playground/cancel"
RUN_COMMAND = "playground.run"
"""The same run as `workspace/executeCommand`, for clients that cannot send custom requests."""

QUEUE = "playground/queue"
OUTPUT = "playground/output"
DISPLAY = "playground/display"
STATS = "playground/stats"
EXIT = "playground/exit"
TRACE = "playground/trace"
"""`{runId, events}`: a batch of the run's agent trace (docs/trace.md), before its exit."""
RECORDING = "playground/recording"
"""`{runId, path, text}`: the run's recorded model calls, just before its exit."""
TRACE_GET = "playground/trace/get"
"""`{runId}` -> `{runId, events, truncated, finished}`: a kept run's whole trace so far."""

_OMIT_NONE = {"omit_none": True}
"""Field metadata: leave the key out when the value is None (the protocol's optional `x?`)."""


@dataclass(frozen=True)
class WireLimits:
    """The limits a run got, under the names a client uses to ask for them."""

    timeout: float
    memory_bytes: int
    cpus: float
    pids: int
    output_bytes: int
    display_bytes: int
    disk_bytes: int
    open_files: int
    network: bool


@dataclass(frozen=True)
class RunStarted:
    """The result of `playground/run`: the run's id, then its notifications carry it."""

    run_id: str
    limits: WireLimits


@dataclass(frozen=True)
class QueueNotice:
    run_id: str
    position: int


@dataclass(frozen=True)
class OutputNotice:
    run_id: str
    stream: str
    text: str


@dataclass(frozen=True)
class DisplayNotice:
    run_id: str
    mime: str
    data: str


@dataclass(frozen=True)
class StatsNotice:
    run_id: str
    memory_bytes: int
    cpu_percent: float
    elapsed_ms: int
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class ExitNotice:
    run_id: str
    status: str
    exit_code: int | None
    """null when the program did not exit by itself (killed, timed out, cancelled)."""
    elapsed_ms: int
    cpu_ms: int
    max_memory_bytes: int
    signal: int | None = field(default=None, metadata=_OMIT_NONE)
    message: str | None = field(default=None, metadata=_OMIT_NONE)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def wire(value: Any) -> dict[str, Any]:
    """A protocol dataclass as JSON: camelCase keys, tuples as lists, nested types converted."""
    out: dict[str, Any] = {}
    for item in fields(value):
        field_value = getattr(value, item.name)
        if field_value is None and item.metadata.get("omit_none"):
            continue
        if isinstance(field_value, tuple):
            field_value = list(field_value)
        elif hasattr(field_value, "__dataclass_fields__"):
            field_value = wire(field_value)
        out[_camel(item.name)] = field_value
    return out


def lsp_limits(limits: Limits) -> WireLimits:
    return WireLimits(
        timeout=limits.timeout_s,
        memory_bytes=limits.memory_bytes,
        cpus=limits.cpus,
        pids=limits.pids,
        output_bytes=limits.output_bytes,
        display_bytes=limits.display_bytes,
        disk_bytes=limits.disk_bytes,
        open_files=limits.open_files,
        network=limits.network,
    )


def lsp_run_started(run_id: str, limits: Limits) -> dict[str, Any]:
    return wire(RunStarted(run_id, lsp_limits(limits)))


def lsp_run_notification(
    run_id: str, event: Output | Display | Stats | Queue | Exit
) -> tuple[str, dict[str, Any]]:
    """The notification (method, params) that tells a client about `event` of run `run_id`.

    `Trace` and `Recording` events are not sent one by one: see `runs.trace`."""
    if isinstance(event, Output):
        return OUTPUT, wire(OutputNotice(run_id, event.stream, event.text))
    if isinstance(event, Display):
        return DISPLAY, wire(DisplayNotice(run_id, event.mime, event.data))
    if isinstance(event, Stats):
        return STATS, wire(
            StatsNotice(
                run_id, event.memory_bytes, event.cpu_percent, event.elapsed_ms, event.warnings
            )
        )
    if isinstance(event, Queue):
        return QUEUE, wire(QueueNotice(run_id, event.position))
    return EXIT, wire(lsp_exit(run_id, event))


def lsp_exit(run_id: str, event: Exit) -> ExitNotice:
    return ExitNotice(
        run_id=run_id,
        status=event.status,
        exit_code=event.exit_code,
        elapsed_ms=event.elapsed_ms,
        cpu_ms=event.cpu_ms,
        max_memory_bytes=event.max_memory_bytes,
        signal=event.signal,
        message=event.message or None,
    )
