"""Turning a run's raw stdout/stderr bytes into events, within the output and display caps.

Text is decoded incrementally (a character split across reads stays whole; invalid UTF-8
becomes U+FFFD). Plain text counts against `output_bytes`; display frames count against their
own `display_bytes`, so one plot does not eat the text budget.

Two display types are not shown but taken out of the display stream (docs/trace.md): agent
trace events (`TRACE_MIME`) become `Trace` events and recorded model calls (`RECORDING_MIME`)
become `Recording` events, each under a fixed cap of its own (not `display_bytes`: a traced
program's plots and text are unaffected by its trace). Only frames with this run's nonce are
frames at all, so text that merely looks like one stays text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import logging
import time

from lionagi_playground.sandbox.display import BadFrame, FrameSplitter
from lionagi_playground.sandbox.events import Display, Event, Output, Recording, Stream, Trace

log = logging.getLogger(__name__)

NOTICE = "[playground] "

TRACE_MIME = "application/vnd.lionagi-playground.trace+json"
RECORDING_MIME = "application/vnd.lionagi-playground.recording+json"

MIB = 1024 * 1024
TRACE_CAP_BYTES = 4 * MIB
"""Trace event text one run may send (then one `truncated` event, and no more)."""
RECORDING_CAP_BYTES = 16 * MIB
RECORDING_CAP_CALLS = 1000
"""Recorded model calls one run may send (then one truncated `Recording`, and no more)."""
MAX_FRAME_BYTES = 24 * MIB
"""The largest frame held back while it arrives, whatever `display_bytes` is: one recorded
call can be megabytes (base64 of base64 JSON: about 1.8 times its size)."""


class Capture:
    """Accounts output for one run; `exceeded` turns true once the text cap is passed."""

    def __init__(self, nonce: str, output_bytes: int, display_bytes: int) -> None:
        self._output_cap = output_bytes
        self._display_cap = display_bytes
        self._splitter = FrameSplitter(
            nonce, max_frame_bytes=max(display_bytes, MAX_FRAME_BYTES) + 1024
        )
        self._decoders: dict[Stream, codecs.IncrementalDecoder] = {
            "stdout": codecs.getincrementaldecoder("utf-8")(errors="replace"),
            "stderr": codecs.getincrementaldecoder("utf-8")(errors="replace"),
        }
        self._started = time.monotonic()
        self.output_total = 0
        self.display_total = 0
        self.trace_total = 0
        self.recording_total = 0
        self.recording_calls = 0
        self.exceeded = False
        self._display_refused = False
        self._trace_truncated = False
        self._recording_truncated = False

    def feed(self, stream: Stream, data: bytes) -> list[Event]:
        if self._stopped():
            return []
        if stream == "stderr":
            return self._text(stream, data)
        events: list[Event] = []
        for piece in self._splitter.feed(data):
            if isinstance(piece, bytes):
                events += self._text(stream, piece)
            elif isinstance(piece, BadFrame):
                log.info("dropped a display frame: %s", piece.reason)
                events.append(Output("stderr", f"{NOTICE}a display item was malformed: dropped\n"))
            elif piece.mime == TRACE_MIME:
                events += self._trace(piece)
            elif piece.mime == RECORDING_MIME:
                events += self._recording(piece)
            else:
                events += self._display(piece)
            if self._stopped():
                break
        return events

    def _stopped(self) -> bool:
        return self.exceeded

    def finish(self) -> list[Event]:
        """Flush what is held back (partial characters, an unterminated frame)."""
        events: list[Event] = []
        if not self.exceeded:
            events += self._text("stdout", self._splitter.flush())
        for stream, decoder in self._decoders.items():
            tail = decoder.decode(b"", final=True)
            if tail and not self.exceeded:
                events.append(Output(stream, tail))
        return [event for event in events if not isinstance(event, Output) or event.text]

    def _text(self, stream: Stream, data: bytes) -> list[Event]:
        room = self._output_cap - self.output_total
        if len(data) > room:
            data = data[: max(room, 0)]
            self.exceeded = True
        self.output_total += len(data)
        text = self._decoders[stream].decode(data, final=self.exceeded)
        return [Output(stream, text)] if text else []

    def _display(self, item: Display) -> list[Event]:
        size = len(item.data) + len(item.mime)
        if self.display_total + size > self._display_cap:
            if self._display_refused:
                return []
            self._display_refused = True
            cap = self._display_cap
            shown = f"{cap / (1024 * 1024):g} MiB" if cap >= 1024 * 1024 else f"{cap} bytes"
            return [Output("stderr", f"{NOTICE}display limit ({shown}) reached: dropped\n")]
        self.display_total += size
        return [item]

    def _trace(self, item: Display) -> list[Event]:
        if self._trace_truncated:
            return []
        decoded = _decoded(item.data)
        if decoded is None:
            return []  # not base64 of UTF-8: no event the server could read
        text, size = decoded
        if self.trace_total + size > TRACE_CAP_BYTES:
            self._trace_truncated = True
            elapsed = round((time.monotonic() - self._started) * 1000, 1)
            return [Trace(json.dumps({"kind": "truncated", "timeMs": elapsed}))]
        self.trace_total += size
        return [Trace(text)]

    def _recording(self, item: Display) -> list[Event]:
        if self._recording_truncated:
            return []
        decoded = _decoded(item.data)
        if decoded is None:
            return []
        text, size = decoded
        if (
            self.recording_total + size > RECORDING_CAP_BYTES
            or self.recording_calls >= RECORDING_CAP_CALLS
        ):
            self._recording_truncated = True
            return [Recording("", truncated=True)]
        self.recording_total += size
        self.recording_calls += 1
        return [Recording(text)]


def _decoded(data: str) -> tuple[str, int] | None:
    """A frame's data (base64, as `display.emit` writes every item) as UTF-8 text, and its
    size in bytes; None when it is not."""
    try:
        raw = base64.b64decode(data, validate=True)
        return raw.decode("utf-8"), len(raw)
    except (binascii.Error, ValueError):
        return None
