"""Display frames: finding the runtime's rich-output frames in stdout and decoding them.

The runtime package inside the sandbox writes each item to fd 1 as one write of
`ESC ] 5379 ; NONCE ; base64(json {"mime", "data"}) BEL`, with the per-run NONCE the backend
put in `PLAYGROUND_DISPLAY_NONCE`. Frames may arrive split across reads; only this run's nonce
counts, so text that merely looks like a frame passes through as text.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass

from lionagi_playground.sandbox.events import Display

NONCE_ENV = "PLAYGROUND_DISPLAY_NONCE"
_OPEN = b"\x1b]5379;"
_CLOSE = b"\x07"


@dataclass(frozen=True)
class BadFrame:
    """A frame with this run's nonce whose payload did not decode."""

    reason: str


def frame(nonce: str, mime: str, data: str) -> bytes:
    """Encode one display item exactly as the runtime package does (used by tests)."""
    payload = json.dumps({"mime": mime, "data": data}).encode()
    return _OPEN + nonce.encode() + b";" + base64.b64encode(payload) + _CLOSE


class FrameSplitter:
    """Splits a byte stream into plain bytes and display frames, holding back partial frames."""

    def __init__(self, nonce: str, max_frame_bytes: int) -> None:
        self._marker = _OPEN + nonce.encode("ascii") + b";"
        self._max_frame = max_frame_bytes
        self._pending = b""

    def feed(self, data: bytes) -> list[bytes | Display | BadFrame]:
        """Plain byte chunks and decoded frames, in stream order."""
        self._pending += data
        pieces: list[bytes | Display | BadFrame] = []
        while self._pending:
            start = self._pending.find(self._marker)
            if start < 0:
                keep = _partial_suffix(self._pending, self._marker)
                plain, self._pending = (
                    self._pending[: len(self._pending) - keep],
                    self._pending[len(self._pending) - keep :],
                )
                if plain:
                    pieces.append(plain)
                break
            if start:
                pieces.append(self._pending[:start])
            body_start = start + len(self._marker)
            end = self._pending.find(_CLOSE, body_start)
            if end < 0:
                self._pending = self._pending[start:]
                if len(self._pending) > self._max_frame:
                    # Never buffer without bound: an unterminated frame becomes plain text.
                    pieces.append(self._pending)
                    self._pending = b""
                break
            pieces.append(decode_payload(self._pending[body_start:end]))
            self._pending = self._pending[end + 1 :]
        return pieces

    def flush(self) -> bytes:
        """What is held back at end of stream (an unfinished frame is just text)."""
        rest, self._pending = self._pending, b""
        return rest


def decode_payload(body: bytes) -> Display | BadFrame:
    try:
        item = json.loads(base64.b64decode(body, validate=True))
    except (binascii.Error, ValueError) as error:
        return BadFrame(f"not base64 JSON ({error})")
    if not isinstance(item, dict):
        return BadFrame("payload is not an object")
    mime, data = item.get("mime"), item.get("data")
    if not isinstance(mime, str) or not isinstance(data, str) or not mime:
        return BadFrame("payload needs string 'mime' and 'data'")
    return Display(mime=mime, data=data)


def _partial_suffix(data: bytes, marker: bytes) -> int:
    """Length of the longest suffix of `data` that is a proper prefix of `marker`."""
    for size in range(min(len(marker) - 1, len(data)), 0, -1):
        if data.endswith(marker[:size]):
            return size
    return 0
