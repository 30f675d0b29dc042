"""Trace and recording frames (docs/trace.md): taken out of the display stream into events of
their own, under caps of their own, on every backend; text that merely looks like a frame, or
a frame without the run's nonce, stays text."""

from __future__ import annotations

import base64
import json

from lionagi_playground.sandbox import Backend, Display, Output, Recording, Trace
from lionagi_playground.sandbox.capture import (
    RECORDING_CAP_CALLS,
    RECORDING_MIME,
    TRACE_CAP_BYTES,
    TRACE_MIME,
    Capture,
)
from lionagi_playground.sandbox.display import frame
from tests.sandbox.harness import run_files

NONCE = "abc123"


def item(mime: str, text: str) -> bytes:
    """A frame exactly as `playground_runtime.display.emit` writes one (data in base64)."""
    return frame(NONCE, mime, base64.b64encode(text.encode()).decode())


def test_trace_and_recording_frames_become_their_own_events() -> None:
    capture = Capture(NONCE, output_bytes=100, display_bytes=0)
    event = '{"kind": "system", "timeMs": 1}'
    events = capture.feed(
        "stdout", b"a" + item(TRACE_MIME, event) + item(RECORDING_MIME, '{"x": 1}') + b"b"
    )
    assert events == [
        Output("stdout", "a"),
        Trace(event),
        Recording('{"x": 1}'),
        Output("stdout", "b"),
    ]
    # Not display items: a run with no display budget at all still has its trace.
    assert capture.display_total == 0


def test_the_trace_has_its_own_cap_then_one_truncated_event() -> None:
    capture = Capture(NONCE, output_bytes=100, display_bytes=100)
    big = json.dumps({"kind": "assistant", "timeMs": 1, "content": "x" * (1024 * 1024)})
    traces: list[Trace] = []
    for _ in range(TRACE_CAP_BYTES // len(big) + 3):
        traces += [e for e in capture.feed("stdout", item(TRACE_MIME, big)) if isinstance(e, Trace)]
    assert traces[:-1] == [Trace(big)] * (TRACE_CAP_BYTES // len(big))
    assert json.loads(traces[-1].data)["kind"] == "truncated"
    # The text and the display budget are untouched by it.
    assert capture.feed("stdout", b"ok") == [Output("stdout", "ok")]
    shown = capture.feed("stdout", frame(NONCE, "text/plain", "aGk="))
    assert shown == [Display("text/plain", "aGk=")]


def test_the_recording_has_its_own_cap_of_calls() -> None:
    capture = Capture(NONCE, output_bytes=100, display_bytes=100)
    events = []
    for _ in range(RECORDING_CAP_CALLS + 5):
        events += capture.feed("stdout", item(RECORDING_MIME, "{}"))
    assert events[:-1] == [Recording("{}")] * RECORDING_CAP_CALLS
    assert events[-1] == Recording("", truncated=True)


def test_a_trace_frame_in_another_nonce_or_on_stderr_is_text() -> None:
    capture = Capture(NONCE, output_bytes=10_000, display_bytes=100)
    forged = frame("other", TRACE_MIME, base64.b64encode(b'{"kind":"system","timeMs":1}').decode())
    assert capture.feed("stdout", forged) == [Output("stdout", forged.decode())]
    assert capture.feed("stderr", item(TRACE_MIME, "{}")) == [
        Output("stderr", item(TRACE_MIME, "{}").decode())
    ]


PROGRAM = """
import json, sys
from playground_runtime import display
display.emit("application/vnd.lionagi-playground.trace+json",
             json.dumps({"kind": "system", "timeMs": 1.0, "content": "hi"}))
print("between")
display.emit("application/vnd.lionagi-playground.recording+json", json.dumps({"calls": 1}))
# Looks like a frame, but not with this run's nonce, nor as the runtime writes one.
sys.stdout.write("\\x1b]5379;0000;" + "eyJtaW1lIjogImEifQ==" + "\\x07\\n")
print("after")
"""


async def test_a_sandboxed_program_sends_trace_events(backend: Backend) -> None:
    result = await run_files(backend, {"main.py": PROGRAM}, "main.py")
    assert result.exit.status == "ok", result.text("stderr")
    traces = [e for e in result.events if isinstance(e, Trace)]
    assert [json.loads(t.data) for t in traces] == [
        {"kind": "system", "timeMs": 1.0, "content": "hi"}
    ]
    assert [e for e in result.events if isinstance(e, Recording)] == [Recording('{"calls": 1}')]
    assert result.displays == []
    stdout = result.text()
    assert stdout.startswith("between\n")
    assert stdout.endswith("after\n")
    assert "\x1b]5379;0000;" in stdout
