"""The sandbox's exceptions: one root, `SandboxError`, with a subclass per kind of refusal.

What user code does (time out, print too much, run out of memory) is never an exception: it is
an `Exit` status. These are for requests the sandbox refuses and for infrastructure that fails.
"""

from __future__ import annotations


class SandboxError(Exception):
    """Root of every error the sandbox raises; `code` is a stable machine-readable name."""

    code = "sandbox_error"


class InvalidRequestError(SandboxError, ValueError):
    """A run request or its limits are malformed (bad file name, negative timeout, ...)."""

    code = "invalid_request"


class UnknownRuntimeError(InvalidRequestError):
    """The request names a language that no runtime provides on this machine."""

    code = "unknown_runtime"


class QueueFullError(SandboxError):
    """The scheduler's queue is at its bound; the client should try again later."""

    code = "queue_full"


class SessionBusyError(SandboxError):
    """The session already has a run queued or running."""

    code = "session_busy"


class BackendUnavailableError(SandboxError):
    """The backend cannot run anything on this machine (missing tool, no permission)."""

    code = "backend_unavailable"


class RunStartError(SandboxError):
    """The backend was available but could not start this run (infrastructure failure)."""

    code = "run_start_failed"
