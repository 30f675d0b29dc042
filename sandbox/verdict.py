"""The exit verdict: a run's status, exit code, signal and message, from how it ended.

Pure: given why the supervisor stopped the run (if it did), the root's exit code, whether
the kernel killed something for memory and whether the program started at all.
"""

from __future__ import annotations

import signal

from lionagi_playground.sandbox.events import Status
from lionagi_playground.sandbox.limits import MIB, Limits

Verdict = tuple[Status, int | None, int | None, str]
"""(status, exit code, signal, message)."""


def verdict(
    reason: Status | None, code: int, *, oom: bool, started: bool, limits: Limits
) -> Verdict:
    """(status, exit code, signal, message) from why we stopped it and how it ended."""
    if reason == "timeout":
        return "timeout", None, None, f"timed out after {limits.timeout_s:g} s"
    if reason == "output_limit":
        return (
            "output_limit",
            None,
            None,
            f"output passed {_size(limits.output_bytes)}: stopped",
        )
    if reason == "cancelled":
        return "cancelled", None, None, "cancelled"
    if reason == "memory" or oom:
        return "memory", None, None, f"ran out of memory (limit {_size(limits.memory_bytes)})"
    if not started:
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


def _size(count: int) -> str:
    return f"{count / MIB:g} MiB" if count >= MIB else f"{count} bytes"
