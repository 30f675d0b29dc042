"""Invalid escape sequences in string literals (`"\\d"`): a SyntaxWarning since Python 3.12."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Edit, Finding, Fix, Severity, Span
from lionagi_playground.server.analysis.literals import literals
from lionagi_playground.server.analysis.source import Source

INVALID_ESCAPE = "W605"

_VALID_IN_BYTES = frozenset("\n\\'\"abfnrtv01234567x")
_VALID_IN_STR = _VALID_IN_BYTES | frozenset("NuU")


def check(source: Source) -> Iterator[Finding]:
    with_backslash = {index for index, line in enumerate(source.lines) if "\\" in line}
    if not with_backslash:
        return
    for node in _literal_expressions(source):
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        if any(line in with_backslash for line in range(first, last + 1)):
            yield from _invalid_escapes(source, node)


def _literal_expressions(source: Source) -> Iterator[ast.expr]:
    """String and f-string expressions, each once (not the pieces inside an f-string)."""
    inside_fstrings = {id(value.format_spec) for value in source.nodes(ast.FormattedValue)}
    for joined in source.nodes(ast.JoinedStr):
        inside_fstrings.update(id(value) for value in joined.values)
    for joined in source.nodes(ast.JoinedStr):
        if id(joined) not in inside_fstrings:  # a format spec is part of its f-string
            yield joined
    for constant in source.nodes(ast.Constant):
        if isinstance(constant.value, str | bytes) and id(constant) not in inside_fstrings:
            yield constant


def _invalid_escapes(source: Source, node: ast.expr) -> Iterator[Finding]:
    span = source.span(node)
    text = source.segment(span)
    for piece in literals(text) or ():
        if piece.is_raw:
            continue
        valid = _VALID_IN_BYTES if piece.is_bytes else _VALID_IN_STR
        index = text.find("\\", piece.body_start, piece.body_end)
        while index >= 0:
            escaped = text[index + 1 : index + 2]
            if escaped not in valid:
                line = span.line + text.count("\n", 0, index)
                col = (
                    index
                    - (text.rfind("\n", 0, index) + 1)
                    + (span.col if line == span.line else 0)
                )
                at = Span(line, col, line, col + 2)
                fix = Fix("Escape the backslash", (Edit(Span.point(line, col), "\\"),))
                message = (
                    f"invalid escape sequence '\\{escaped}': write '\\\\{escaped}' or use r'...'"
                )
                yield Finding(at, Severity.INFORMATION, "style", INVALID_ESCAPE, message, (fix,))
            index = text.find("\\", index + 2, piece.body_end)
