"""Running untrusted code: backends, runtimes and the scheduler in front of them.

The language server's entry points:

    backend = default_backend()                   # bubblewrap; check backend.unavailable_reason()
    scheduler = Scheduler(backend)                # one per server process
    limits = clamp(client_limits, maxima)         # InvalidRequestError on bad input
    run = scheduler.submit(RunRequest(files, entry, stdin=None, limits=limits, session=id))
    async for event in run.events(): ...          # Queue*, Output/Display/Trace/..., Exit
    await run.write_stdin("text\\n"); await run.close_stdin(); await run.cancel()
"""

from __future__ import annotations

from lionagi_playground.sandbox.backend import Backend, Execution, RunState
from lionagi_playground.sandbox.backends import BACKENDS, default_backend, make_backend
from lionagi_playground.sandbox.errors import (
    BackendUnavailableError,
    InvalidRequestError,
    QueueFullError,
    RunStartError,
    SandboxError,
    SessionBusyError,
    UnknownRuntimeError,
)
from lionagi_playground.sandbox.events import (
    STATUSES,
    Display,
    Event,
    Exit,
    Output,
    Queue,
    Recording,
    Stats,
    Status,
    Trace,
)
from lionagi_playground.sandbox.limits import DEFAULT_LIMITS, SERVER_MAXIMA, Limits, clamp
from lionagi_playground.sandbox.request import RunRequest
from lionagi_playground.sandbox.scheduler import ScheduledRun, Scheduler

__all__ = [
    "BACKENDS",
    "DEFAULT_LIMITS",
    "SERVER_MAXIMA",
    "STATUSES",
    "Backend",
    "BackendUnavailableError",
    "Display",
    "Event",
    "Execution",
    "Exit",
    "InvalidRequestError",
    "Limits",
    "Output",
    "Queue",
    "QueueFullError",
    "Recording",
    "RunRequest",
    "RunStartError",
    "RunState",
    "SandboxError",
    "ScheduledRun",
    "Scheduler",
    "SessionBusyError",
    "Stats",
    "Status",
    "Trace",
    "UnknownRuntimeError",
    "clamp",
    "default_backend",
    "make_backend",
]
