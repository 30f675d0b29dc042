"""Display frames: found in stdout even when split across reads; only this run's nonce counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lionagi_playground.sandbox import Display, Output
from lionagi_playground.sandbox.capture import Capture
from lionagi_playground.sandbox.display import BadFrame, FrameSplitter, frame

NONCE = "abc123"


def feed_all(chunks: list[bytes]) -> tuple[bytes, list[Display | BadFrame]]:
    splitter = FrameSplitter(NONCE, max_frame_bytes=1 << 20)
    plain, items = b"", []
    for chunk in chunks:
        for piece in splitter.feed(chunk):
            if isinstance(piece, bytes):
                plain += piece
            else:
                items.append(piece)
    return plain + splitter.flush(), items


@given(st.lists(st.integers(min_value=1, max_value=40), max_size=30))
def test_split_anywhere_the_result_is_the_same(cuts: list[int]) -> None:
    stream = b"hello " + frame(NONCE, "image/png", "iVBOR") + b" world " + frame(NONCE, "t", "x")
    chunks, rest = [], stream
    for cut in cuts:
        chunks.append(rest[:cut])
        rest = rest[cut:]
    chunks.append(rest)
    plain, items = feed_all(chunks)
    assert plain == b"hello  world "
    assert items == [Display("image/png", "iVBOR"), Display("t", "x")]


def test_another_nonce_is_plain_text() -> None:
    forged = frame("other", "text/plain", "x")
    plain, items = feed_all([forged])
    assert plain == forged
    assert items == []


def test_a_malformed_frame_is_reported() -> None:
    plain, items = feed_all([b"\x1b]5379;" + NONCE.encode() + b";not base64!\x07"])
    assert plain == b""
    assert len(items) == 1
    assert isinstance(items[0], BadFrame)


def test_an_unterminated_frame_ends_as_text() -> None:
    plain, items = feed_all([b"\x1b]5379;" + NONCE.encode() + b";abc"])
    assert plain.endswith(b";abc")
    assert items == []


def test_capture_caps_text_and_display_separately() -> None:
    capture = Capture(NONCE, output_bytes=10, display_bytes=20)
    events = capture.feed("stdout", frame(NONCE, "a/b", "0123456789") + b"12345")
    assert events == [Display("a/b", "0123456789"), Output("stdout", "12345")]
    events = capture.feed("stdout", frame(NONCE, "a/b", "0123456789"))
    assert events == [Output("stderr", "[playground] display limit (20 bytes) reached: dropped\n")]
    assert capture.feed("stderr", b"6789012345") == [Output("stderr", "67890")]
    assert capture.exceeded
    assert capture.feed("stdout", b"more") == []


def test_capture_keeps_characters_split_across_reads() -> None:
    capture = Capture(NONCE, output_bytes=100, display_bytes=100)
    text = "é€".encode()
    assert capture.feed("stdout", text[:1]) == []
    assert capture.feed("stdout", text[1:]) == [Output("stdout", "é€")]
