"""Turning a run's raw stdout/stderr bytes into events, within the output and display caps.

Text is decoded incrementally (a character split across reads stays whole; invalid UTF-8
becomes U+FFFD). Plain text counts against `output_bytes`; display frames count against their
own `display_bytes`, so one plot does not eat the text budget.
"""

from __future__ import annotations

import codecs
import logging

from lionagi_playground.sandbox.display import BadFrame, FrameSplitter
from lionagi_playground.sandbox.events import Display, Event, Output, Stream

log = logging.getLogger(__name__)

NOTICE = "[playground] "


class Capture:
    """Accounts output for one run; `exceeded` turns true once the text cap is passed."""

    def __init__(self, nonce: str, output_bytes: int, display_bytes: int) -> None:
        self._output_cap = output_bytes
        self._display_cap = display_bytes
        self._splitter = FrameSplitter(nonce, max_frame_bytes=max(display_bytes, 1) + 1024)
        self._decoders: dict[Stream, codecs.IncrementalDecoder] = {
            "stdout": codecs.getincrementaldecoder("utf-8")(errors="replace"),
            "stderr": codecs.getincrementaldecoder("utf-8")(errors="replace"),
        }
        self.output_total = 0
        self.display_total = 0
        self.exceeded = False
        self._display_refused = False

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
