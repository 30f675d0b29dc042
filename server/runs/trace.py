"""A run's agent trace and recording on the server (docs/trace.md): validate, number, keep,
batch; gather recorded model calls into the recording file's text; hide key values.

Pure apart from the clock and the event loop's timer (`TraceBatcher`): the sandbox hands over
`Trace` and `Recording` events as text the program wrote, and nothing here trusts them. An
event of the wrong shape, an unknown kind or over `MAX_EVENT_BYTES` is dropped; the run keeps
at most `MAX_EVENTS` events and `MAX_TRACE_BYTES`, then one `truncated` event. Watchers hear
the events in `playground/trace` batches, at most one per `FLUSH_INTERVAL_S` per run, and the
last batch before the run's `playground/exit` (`RunService` flushes before it sends the exit).
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

MAX_EVENT_BYTES = 16 * 1024
MAX_EVENTS = 5000
MAX_TRACE_BYTES = 4 * 1024 * 1024
FLUSH_INTERVAL_S = 0.05
"""At most 20 `playground/trace` notifications a second per run."""
KEPT_RUNS = 64
KEPT_FOR_S = 3600.0
KEPT_BYTES = 64 * 1024 * 1024
"""Finished runs whose trace `playground/trace/get` still answers: the last 64, for an hour,
at most 64 MiB of them in all (kept as their JSON text, not as objects)."""
CONTENT_CHARS = 2000
"""The runtime cuts `content` here; the server cuts what a program sent longer."""
HIDDEN = "[key hidden]"
"""What a key value is replaced with in a trace or a recording."""

KINDS = frozenset(
    {
        "system",
        "instruction",
        "assistant",
        "action_request",
        "action_response",
        "operation_start",
        "operation_end",
        "model_start",
        "model_end",
        "tool_start",
        "tool_end",
        "error",
        "truncated",
    }
)
ANSWERED_BY = frozenset({"network", "offline", "recording"})
STATUSES = frozenset({"ok", "error"})
SHORT_CHARS = 200
"""The longest name-like string field (span, operation, model, tool, a branch's id)."""


def _short(value: object) -> bool:
    return isinstance(value, str) and len(value) <= SHORT_CHARS


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _branch(value: object) -> bool:
    if not isinstance(value, Mapping) or set(value) - {"id", "name"}:
        return False
    name = value.get("name")
    return _short(value.get("id")) and (name is None or _short(name))


_FIELDS: dict[str, Callable[[object], bool]] = {
    "timeMs": _number,
    "kind": lambda value: value in KINDS,
    "span": _short,
    "parent": _short,
    "branch": _branch,
    "operation": _short,
    "model": _short,
    "provider": _short,
    "answeredBy": lambda value: value in ANSWERED_BY,
    "tokensIn": _count,
    "tokensOut": _count,
    "durationMs": _number,
    "status": lambda value: value in STATUSES,
    "tool": _short,
    "content": lambda value: isinstance(value, str),
    "contentSize": _count,
}
"""Every field of an event but `seq` (the server's) and the check its value must pass."""


class Scrubber:
    """Hides a run's key values wherever they appear in text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = {value for value in secrets if value}
        # Longest first, so a key containing another is hidden whole. The JSON-escaped form
        # too: a value with `"` or `\` in it appears that way inside JSON text.
        forms = values | {json.dumps(value)[1:-1] for value in values}
        self._forms = sorted(forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._forms)

    def text(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, HIDDEN)
        return text

    def tail(self, text: str) -> str:
        """`text` hidden, and a cut-off start of a key at its end hidden too (content is cut
        at a length, which may fall inside a key)."""
        text = self.text(text)
        if cut := self.partial_suffix(text):
            text = text[:-cut] + HIDDEN
        return text

    def partial_suffix(self, text: str, least: int = 4) -> int:
        """The length of the longest end of `text` (at least `least` characters) that is the
        start of a key: what may be the first part of a key split across two pieces."""
        best = 0
        for form in self._forms:
            if len(form) <= least:
                continue
            head = form[:least]
            at = text.find(head, max(0, len(text) - len(form) + 1))
            while at != -1:
                if form.startswith(text[at:]):
                    best = max(best, len(text) - at)
                    break  # the earliest start is the longest end
                at = text.find(head, at + 1)
        return best

    def value(self, value: Any) -> Any:
        """A JSON value with every string in it (keys of objects too) hidden."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        return value


class StreamScrubber:
    """Hides key values in one output stream that arrives in pieces: the end of a piece that
    may be the start of a key is held back until the next piece (or the run's end) says."""

    def __init__(self, scrub: Scrubber) -> None:
        self._scrub = scrub
        self._held = ""

    def feed(self, text: str) -> str:
        text = self._scrub.text(self._held + text)
        keep = self._scrub.partial_suffix(text)
        self._held = text[len(text) - keep :]
        return text[: len(text) - keep]

    def flush(self) -> str:
        """What is held back: the run ended, so it was not a key."""
        held, self._held = self._held, ""
        return held


def parse_event(text: str, scrub: Scrubber | None = None) -> dict[str, Any] | None:
    """One event from the program, checked against the schema, or None to drop it.

    Dropped: not a JSON object, over `MAX_EVENT_BYTES`, no `kind` or `timeMs`, an unknown kind,
    a field of the wrong type. Fields the schema does not know are left out; `seq` is the
    server's to set. `content` longer than the runtime's cut is cut, and key values hidden.
    """
    if len(text) > MAX_EVENT_BYTES or len(text.encode("utf-8", "replace")) > MAX_EVENT_BYTES:
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict) or "kind" not in raw or "timeMs" not in raw:
        return None
    event: dict[str, Any] = {}
    for name, check in _FIELDS.items():
        if name not in raw:
            continue
        value = raw[name]
        if not check(value):
            return None
        event[name] = value
    content = event.get("content")
    if isinstance(content, str) and len(content) > CONTENT_CHARS:
        event["content"] = content[:CONTENT_CHARS]
        event["contentSize"] = max(len(content), event.get("contentSize", 0))
    if scrub:
        event = scrub.value(event)
        if isinstance(event.get("content"), str):
            event["content"] = scrub.tail(event["content"])
    return event


@dataclass(eq=False)
class RunTrace:
    """One run's trace as the server keeps it, and who may read it."""

    run_id: str
    owner: str
    playground: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    size: int = 0
    truncated: bool = False
    finished: bool = False
    finished_at: float = 0.0
    scrub: Scrubber = field(default_factory=lambda: Scrubber(()))
    frozen: str | None = None
    """A finished run's events as JSON text: a tenth of the memory of the objects."""

    def add(self, text: str) -> dict[str, Any] | None:
        """Validate, number and keep one event from the program; the event kept, or None."""
        if self.truncated:
            return None
        event = parse_event(text, self.scrub)
        if event is None:
            return None
        size = len(json.dumps(event))
        if len(self.events) >= MAX_EVENTS - 1 or self.size + size > MAX_TRACE_BYTES:
            time_ms = self.events[-1]["timeMs"] if self.events else event["timeMs"]
            event = {"timeMs": time_ms, "kind": "truncated"}
            size = len(json.dumps(event))
        if event["kind"] == "truncated":
            self.truncated = True
        event = {"seq": len(self.events) + 1, **event}
        self.events.append(event)
        self.size += size
        return event

    def freeze(self) -> None:
        """The run ended: keep its events as text from now on."""
        if self.frozen is None:
            self.frozen = json.dumps(self.events, separators=(",", ":"))
            self.events = []

    def snapshot(self) -> dict[str, Any]:
        """The answer of `playground/trace/get`."""
        events = json.loads(self.frozen) if self.frozen is not None else list(self.events)
        return {
            "runId": self.run_id,
            "events": events,
            "truncated": self.truncated,
            "finished": self.finished,
        }


class TraceBatcher:
    """Sends a run's new events in batches: the first at once, the next no sooner than
    `FLUSH_INTERVAL_S` after the one before (a timer, so a quiet run sends what it has
    without waiting for another event)."""

    def __init__(self, send: Callable[[list[dict[str, Any]]], None]) -> None:
        self._send = send
        self._pending: list[dict[str, Any]] = []
        self._last = -math.inf
        self._timer: asyncio.TimerHandle | None = None

    def add(self, event: dict[str, Any]) -> None:
        self._pending.append(event)
        if self._timer is not None:
            return
        wait = self._last + FLUSH_INTERVAL_S - time.monotonic()
        if wait <= 0:
            self.flush()
        else:
            self._timer = asyncio.get_running_loop().call_later(wait, self.flush)

    def flush(self) -> None:
        """Send what is waiting now (the run's exit is next)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._pending:
            batch, self._pending = self._pending, []
            self._last = time.monotonic()
            self._send(batch)


class KeptTraces:
    """Traces of active runs, and of the last `KEPT_RUNS` finished ones for `KEPT_FOR_S`."""

    def __init__(
        self, keep: int = KEPT_RUNS, keep_for_s: float = KEPT_FOR_S, keep_bytes: int = KEPT_BYTES
    ) -> None:
        self._keep = keep
        self._keep_for = keep_for_s
        self._keep_bytes = keep_bytes
        self._active: dict[str, RunTrace] = {}
        self._finished: OrderedDict[str, RunTrace] = OrderedDict()
        self._finished_bytes = 0

    def begin(self, trace: RunTrace) -> None:
        self._active[trace.run_id] = trace

    def finish(self, trace: RunTrace) -> None:
        if trace.finished:
            return
        trace.finished = True
        trace.finished_at = time.monotonic()
        trace.freeze()
        self._active.pop(trace.run_id, None)
        self._finished[trace.run_id] = trace
        self._finished_bytes += len(trace.frozen or "")
        self._expire()

    def get(self, run_id: str) -> RunTrace | None:
        self._expire()
        return self._active.get(run_id) or self._finished.get(run_id)

    def _expire(self) -> None:
        now = time.monotonic()
        while self._finished:
            oldest = next(iter(self._finished.values()))
            if (
                len(self._finished) <= self._keep
                and self._finished_bytes <= self._keep_bytes
                and now - oldest.finished_at < self._keep_for
            ):
                break
            self._finished.popitem(last=False)
            self._finished_bytes -= len(oldest.frozen or "")


RECORDING_FORMAT = "lionagi-playground-recording"


class Recorder:
    """The recorded model calls of a run that asked for `record`, as the file's text."""

    def __init__(self, entry: str, scrub: Scrubber) -> None:
        self.entry = entry
        self.scrub = scrub
        self.calls: list[Any] = []
        self.truncated = False
        self.created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def add(self, text: str, truncated: bool = False) -> None:
        if truncated:
            self.truncated = True
            return
        try:
            call = json.loads(text)
        except ValueError:
            return
        if isinstance(call, dict):
            self.calls.append(self.scrub.value(call))

    @property
    def path(self) -> str:
        """`<entry stem>.recording.json` beside the entry."""
        entry = PurePosixPath(self.entry)
        return str(entry.with_name(f"{entry.stem}.recording.json"))

    def text(self) -> str:
        document: dict[str, Any] = {
            "format": RECORDING_FORMAT,
            "version": 1,
            "entry": PurePosixPath(self.entry).name,
            "createdAt": self.created_at,
            "calls": self.calls,
        }
        if self.truncated:
            document["truncated"] = True
        # Every string was hidden already; the text once more, in case a value was split
        # across strings in a way that joins in the text (it cannot, but it costs nothing).
        return self.scrub.text(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
