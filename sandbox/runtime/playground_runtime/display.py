"""Display items: the one place that writes a display frame for the sandbox supervisor.

The frame is an OSC-style escape on fd 1, parsed out of stdout by the supervisor:

    ESC ] 5379 ; NONCE ; base64(json({"mime": MIME, "data": base64(DATA)})) BEL

NONCE is `$PLAYGROUND_DISPLAY_NONCE`, chosen per run by the supervisor. It is not a
secret from the program (any program may show images: that is the point); it keeps output
that merely happens to hold the escape bytes, a binary file dumped to stdout say, from
being read as a frame.
"""

from __future__ import annotations

import base64
import json
import os
import sys

NONCE_ENV = "PLAYGROUND_DISPLAY_NONCE"
FRAME_START = b"\x1b]5379;"
FRAME_END = b"\x07"


def nonce() -> bytes | None:
    """The run's display nonce, or None when this process is not run by the supervisor."""
    value = os.environ.get(NONCE_ENV)
    if not value:
        return None
    try:
        raw = value.encode("ascii")
    except UnicodeEncodeError:
        return None
    # A nonce holding the frame's own separators could not be parsed back.
    if any(byte < 0x21 or byte > 0x7E or byte == ord(";") for byte in raw):
        return None
    return raw


def frame(mime: str, data: bytes, run_nonce: bytes) -> bytes:
    """The bytes of one display frame (pure: no I/O)."""
    body = json.dumps({"mime": mime, "data": base64.b64encode(data).decode("ascii")})
    return FRAME_START + run_nonce + b";" + base64.b64encode(body.encode("utf-8")) + FRAME_END


def emit(mime: str, data: bytes | str) -> bool:
    """Show `data` (of type `mime`) in the playground's output; False when there is nowhere to.

    Text is sent as its UTF-8 bytes. The frame goes out in one `os.write` on fd 1 after
    `sys.stdout` is flushed, so it lands after everything printed before it and is never
    split by text written through `sys.stdout`.
    """
    run_nonce = nonce()
    if run_nonce is None:
        return False
    payload = frame(mime, data.encode("utf-8") if isinstance(data, str) else data, run_nonce)
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
        written = os.write(1, payload)
        # A blocking pipe takes it all in one write; a signal can still cut one short.
        while written < len(payload):
            written += os.write(1, payload[written:])
    except (OSError, ValueError):
        # fd 1 closed, or sys.stdout closed by the program: the item has nowhere to go.
        return False
    return True
