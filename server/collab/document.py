"""A shared file's text, taking operations without copying itself.

A Python str is immutable, so `operation.apply` on a 10,000-line file copies all of it for
every keystroke. Here the text (a unit string, see `operation`) is a list of chunks of about
`CHUNK` units: an operation re-slices only the chunks it touches and moves the others by
reference, so a one-character edit costs a few chunks and a walk over the list, not the text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from lionagi_playground.server.collab.operation import (
    Component,
    OperationError,
    base_length,
    has_lone_surrogate,
    is_high,
    is_low,
)

CHUNK = 2048
"""Target chunk size in units: pieces shorter than a quarter of it are merged with a
neighbour, longer than twice it are split."""


class Document:
    def __init__(self, unit_text: str = "") -> None:
        self._chunks = _split(unit_text)
        self._reindex()

    def __len__(self) -> int:
        return self._length

    def text(self) -> str:
        """The whole text (a unit string); a copy, for joins and snapshots."""
        return "".join(self._chunks)

    def slice(self, start: int, end: int) -> str:
        """Units start..end, reading only the chunks they lie in."""
        if start >= end:
            return ""
        first = bisect_right(self._starts, start) - 1
        parts: list[str] = []
        index = first
        while index < len(self._chunks) and self._starts[index] < end:
            chunk_start = self._starts[index]
            parts.append(self._chunks[index][max(0, start - chunk_start) : end - chunk_start])
            index += 1
        return "".join(parts)

    def check(self, op: Sequence[Component]) -> None:
        """OperationError unless `op` fits: its base length is this text's, no cut falls
        inside a surrogate pair, and no insert holds a lone surrogate."""
        if base_length(op) != self._length:
            raise OperationError(
                f"the operation covers {base_length(op)} units but the document has "
                f"{self._length} (UTF-16 code units)"
            )
        position = 0
        for component in op:
            if isinstance(component, str):
                if has_lone_surrogate(component):
                    raise OperationError("the insert holds a lone surrogate (invalid UTF-16)")
                self._check_cut(position)
            else:
                self._check_cut(position)
                position += abs(component)
                self._check_cut(position)

    def _check_cut(self, position: int) -> None:
        if 0 < position < self._length:
            pair = self.slice(position - 1, position + 1)
            if is_high(pair[0]) and is_low(pair[1]):
                raise OperationError(
                    f"the operation cuts at unit {position}, inside a surrogate pair"
                )

    def apply(self, op: Sequence[Component]) -> None:
        """Apply a checked operation (see `check`) in place."""
        pieces: list[str] = []
        chunks = self._chunks
        index = 0  # the chunk being read
        offset = 0  # units of it already consumed
        for component in op:
            if isinstance(component, str):
                pieces.append(component)
                continue
            keep = component > 0
            count = abs(component)
            while count:
                chunk = chunks[index]
                if offset == 0 and len(chunk) <= count:
                    if keep:
                        pieces.append(chunk)  # untouched: moved, not copied
                    count -= len(chunk)
                    index += 1
                    continue
                take = min(count, len(chunk) - offset)
                if keep:
                    pieces.append(chunk[offset : offset + take])
                offset += take
                count -= take
                if offset == len(chunk):
                    index, offset = index + 1, 0
        self._chunks = _normalise(pieces)
        self._reindex()

    def _reindex(self) -> None:
        lengths = [len(chunk) for chunk in self._chunks]
        self._starts = [0, *accumulate(lengths)][:-1] if lengths else [0]
        self._length = sum(lengths)


def _split(unit_text: str) -> list[str]:
    chunks = [unit_text[i : i + CHUNK] for i in range(0, len(unit_text), CHUNK)]
    return _normalise(chunks)


def _normalise(pieces: list[str]) -> list[str]:
    """Merge pieces shorter than CHUNK / 4 into their neighbour, split those over 2 * CHUNK,
    and drop empty ones; a piece already between the bounds is kept as it is (no copy)."""
    out: list[str] = []
    for piece in pieces:
        if not piece:
            continue
        if out and (len(piece) < CHUNK // 4 or len(out[-1]) < CHUNK // 4):
            piece = out.pop() + piece
        while len(piece) > 2 * CHUNK:
            out.append(piece[:CHUNK])
            piece = piece[CHUNK:]
        out.append(piece)
    return out
