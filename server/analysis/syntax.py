"""Errors Python reports before running a file: the parse error, and `await`/`async` misplaced."""

from __future__ import annotations

import ast

from lionagi_playground.server.analysis.findings import Finding, Severity, Span
from lionagi_playground.server.analysis.scopes import Scopes, position
from lionagi_playground.server.analysis.source import Source

SYNTAX_ERROR = "E999"
AWAIT_OUTSIDE_ASYNC = "PLE1142"

_OUTSIDE_FUNCTION_HINT = (
    ": put the code in `async def main()` and run it with `asyncio.run(main())`"
)


def check(source: Source) -> list[Finding]:
    error = source.syntax_error
    if error is not None:
        return [_syntax_error(source, error)]
    return _misplaced_async(source)


def _syntax_error(source: Source, error: SyntaxError) -> Finding:
    # SyntaxError positions are 1-based, and in code points when parsing a str.
    # CPython leaves end positions unset, 0 or -1 for many errors: then the span
    # covers the one character at the error.
    lines = source.lines
    line = min(max((error.lineno or 1) - 1, 0), len(lines) - 1)
    col = min(max((error.offset or 1) - 1, 0), len(lines[line]))
    end_line, end_col = line, min(col + 1, len(lines[line]))
    if error.end_lineno is not None and error.end_offset is not None:
        candidate_line = min(max(error.end_lineno - 1, 0), len(lines) - 1)
        candidate_col = min(max(error.end_offset - 1, 0), len(lines[candidate_line]))
        if (candidate_line, candidate_col) > (line, col):
            end_line, end_col = candidate_line, candidate_col
    message = str(error.msg) if error.msg else "invalid syntax"
    return Finding(
        Span(line, col, end_line, end_col), Severity.ERROR, "syntax", SYNTAX_ERROR, message
    )


def _misplaced_async(source: Source) -> list[Finding]:
    # ast.parse accepts these; compile() (and so `python file.py`) rejects them.
    # The playground runs files as scripts, where a top-level `await` is the
    # commonest way to meet this with lionagi's coroutine API.
    keywords: list[tuple[ast.AST, str]] = [(node, "await") for node in source.nodes(ast.Await)]
    keywords += [(node, "async for") for node in source.nodes(ast.AsyncFor)]
    keywords += [(node, "async with") for node in source.nodes(ast.AsyncWith)]
    if not keywords:
        return []
    scopes = Scopes(source)
    findings = []
    for node, keyword in keywords:
        scope = scopes.enclosing(position(node))
        if isinstance(scope, ast.AsyncFunctionDef):
            continue
        if scope is None or isinstance(scope, ast.ClassDef):
            message = f"'{keyword}' outside function{_OUTSIDE_FUNCTION_HINT}"
        else:
            message = f"'{keyword}' outside async function"
        start = source.span(node)
        span = Span(start.line, start.col, start.line, start.col + len(keyword.split()[0]))
        findings.append(Finding(span, Severity.ERROR, "syntax", AWAIT_OUTSIDE_ASYNC, message))
    return findings
