"""Converters from the engines' plain values to lsprotocol types (and back), in one place.

The engines count columns in code points; LSP counts UTF-16 code units. Every
conversion between the two happens here.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from lionagi_playground.server.analysis.findings import Edit, Finding, Span


def utf16_column(line: str, col: int) -> int:
    """UTF-16 units before code-point column `col` of `line`."""
    head = line[:col]
    if head.isascii():
        return len(head)
    return len(head.encode("utf-16-le")) // 2


def codepoint_column(line: str, character: int) -> int:
    """Code-point column of UTF-16 offset `character` (clamped to the line's end)."""
    if line.isascii():
        return min(character, len(line))
    units = 0
    for index, char in enumerate(line):
        if units >= character:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def lsp_position(lines: Sequence[str], line: int, col: int) -> types.Position:
    if line >= len(lines):
        return types.Position(line=max(len(lines) - 1, 0), character=0)
    return types.Position(line=line, character=utf16_column(lines[line], col))


def lsp_range(lines: Sequence[str], span: Span) -> types.Range:
    return types.Range(
        start=lsp_position(lines, span.line, span.col),
        end=lsp_position(lines, span.end_line, span.end_col),
    )


def lsp_diagnostic(lines: Sequence[str], finding: Finding) -> types.Diagnostic:
    tags = []
    if finding.unnecessary:
        tags.append(types.DiagnosticTag.Unnecessary)
    if finding.deprecated:
        tags.append(types.DiagnosticTag.Deprecated)
    return types.Diagnostic(
        range=lsp_range(lines, finding.span),
        message=finding.message,
        severity=types.DiagnosticSeverity(int(finding.severity)),
        code=finding.code,
        source=finding.source,
        tags=tags or None,
    )


def lsp_text_edit(lines: Sequence[str], edit: Edit) -> types.TextEdit:
    return types.TextEdit(range=lsp_range(lines, edit.span), new_text=edit.new_text)


def span_from_lsp(lines: Sequence[str], range_: types.Range) -> Span:
    """The code-point span of an LSP range (clamped to the document)."""

    def point(position: types.Position) -> tuple[int, int]:
        if not lines:
            return 0, 0
        line = min(max(position.line, 0), len(lines) - 1)
        return line, codepoint_column(lines[line], max(position.character, 0))

    start, end = point(range_.start), point(range_.end)
    return Span(start[0], start[1], end[0], end[1])
