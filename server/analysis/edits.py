"""Applies a quick fix's edits to a text, as an editor does: how the tests check every fix.

Positions are those of `findings.py`: 0-based lines split as LSP splits them,
code-point columns. Edits of one fix must not overlap; they apply as if
simultaneously (the later ones first, so earlier positions stay valid).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from lionagi_playground.server.analysis.findings import Edit


class OverlappingEditsError(ValueError):
    """Two edits of one fix touch the same text."""


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    starts = _line_starts(text)

    def offset(line: int, col: int) -> int:
        if line >= len(starts):
            return len(text)
        return min(starts[line] + col, len(text))

    ranges = sorted(
        ((offset(e.span.line, e.span.col), offset(e.span.end_line, e.span.end_col), e.new_text)
         for e in edits),
        reverse=True,
    )  # fmt: skip
    for (start, _end, _new), (_, previous_end, _) in itertools.pairwise(ranges):
        if previous_end > start:
            raise OverlappingEditsError(f"edits overlap at offset {start}")
    for start, end, new_text in ranges:
        text = text[:start] + new_text + text[end:]
    return text


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts
