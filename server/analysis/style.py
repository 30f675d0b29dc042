"""A few low-noise style checks, each one a habit worth teaching: lines, None, except, defaults."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lionagi_playground.server.analysis import escapes
from lionagi_playground.server.analysis.findings import Edit, Finding, Fix, Severity, Span
from lionagi_playground.server.analysis.source import Source

MAX_LINE_LENGTH = 120
"""Generous on purpose: prompts are long, and a playground is not a code review."""

LINE_TOO_LONG = "E501"
TRAILING_WHITESPACE = "W291"
WHITESPACE_ON_BLANK_LINE = "W293"
COMPARISON_TO_NONE = "E711"
BARE_EXCEPT = "E722"
MUTABLE_DEFAULT = "B006"

_WHITESPACE = " \t\x0b\x0c"
_MUTABLE_LITERALS = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
_MUTABLE_CALLS = frozenset(
    {"list", "dict", "set", "bytearray", "defaultdict", "OrderedDict", "Counter", "deque"}
)


def check(source: Source) -> list[Finding]:
    if source.tree is None:
        return []  # Without the AST, whitespace inside a string looks like trailing whitespace.
    findings = list(_lines(source))
    findings.extend(_comparisons_to_none(source))
    findings.extend(_bare_excepts(source))
    findings.extend(_mutable_defaults(source))
    findings.extend(escapes.check(source))
    return findings


def _finding(span: Span, severity: Severity, code: str, message: str, *fixes: Fix) -> Finding:
    return Finding(span, severity, "style", code, message, fixes)


def _lines(source: Source) -> Iterator[Finding]:
    in_string = _lines_ending_in_strings(source)
    long_lines = [index for index, line in enumerate(source.lines) if len(line) > MAX_LINE_LENGTH]
    strings = _string_columns(source, set(long_lines)) if long_lines else {}
    for index in long_lines:
        line = source.lines[index]
        if not _long_line_excused(line, strings.get(index, [])):
            span = Span(index, MAX_LINE_LENGTH, index, len(line))
            message = f"line too long ({len(line)} > {MAX_LINE_LENGTH} characters)"
            yield _finding(span, Severity.HINT, LINE_TOO_LONG, message)
    for index, line in enumerate(source.lines):
        stripped = line.rstrip(_WHITESPACE)
        # Whitespace at the end of a line inside a triple-quoted string is part of the value.
        if len(stripped) == len(line) or index in in_string:
            continue
        span = Span(index, len(stripped), index, len(line))
        fix = Fix("Remove trailing whitespace", (Edit(span, ""),))
        if stripped:
            yield _finding(span, Severity.HINT, TRAILING_WHITESPACE, "trailing whitespace", fix)
        else:
            message = "whitespace on a blank line"
            yield _finding(span, Severity.HINT, WHITESPACE_ON_BLANK_LINE, message, fix)


def _string_nodes(source: Source) -> Iterator[ast.expr]:
    yield from source.nodes(ast.JoinedStr)
    for constant in source.nodes(ast.Constant):
        if isinstance(constant.value, str | bytes):
            yield constant


def _lines_ending_in_strings(source: Source) -> set[int]:
    """0-based lines whose line break is inside a string literal."""
    lines: set[int] = set()
    for node in _string_nodes(source):
        if node.end_lineno is not None and node.end_lineno > node.lineno:
            lines.update(range(node.lineno - 1, node.end_lineno - 1))
    return lines


def _string_columns(source: Source, wanted: set[int]) -> dict[int, list[tuple[int, int]]]:
    """For the 0-based lines in `wanted`, the columns covered by string literals."""
    columns: dict[int, list[tuple[int, int]]] = {}
    for node in _string_nodes(source):
        last = (node.end_lineno or node.lineno) - 1
        lines = wanted.intersection(range(node.lineno - 1, last + 1))
        if not lines:
            continue
        span = source.span(node)
        for line in lines:
            start = span.col if line == span.line else 0
            end = span.end_col if line == span.end_line else len(source.lines[line])
            columns.setdefault(line, []).append((start, end))
    return columns


def _long_line_excused(line: str, strings: list[tuple[int, int]]) -> bool:
    # A long string (a prompt) or one unbreakable word (a URL) cannot be wrapped usefully.
    if not any(char.isspace() for char in line[MAX_LINE_LENGTH:]):
        return True
    return any(start < MAX_LINE_LENGTH < end for start, end in strings)


def _comparisons_to_none(source: Source) -> Iterator[Finding]:
    for compare in source.nodes(ast.Compare):
        operands = [compare.left, *compare.comparators]
        for index, operator in enumerate(compare.ops):
            if not isinstance(operator, ast.Eq | ast.NotEq):
                continue
            left, right = operands[index], operands[index + 1]
            if not (_is_none(left) or _is_none(right)):
                continue
            symbol, better = ("==", "is") if isinstance(operator, ast.Eq) else ("!=", "is not")
            start, end = source.span(left), source.span(right)
            message = f"comparison to None should use '{better}', not '{symbol}'"
            fixes = []
            gap = Span(start.end_line, start.end_col, end.line, end.col)
            between = source.segment(gap)
            if between.count(symbol) == 1 and "#" not in between:
                at = gap.col + between.index(symbol) if "\n" not in between else -1
                if at >= 0:
                    operator_span = Span(gap.line, at, gap.line, at + 2)
                    fixes.append(Fix(f"Use '{better}'", (Edit(operator_span, better),)))
            span = Span(start.line, start.col, end.end_line, end.end_col)
            yield _finding(span, Severity.INFORMATION, COMPARISON_TO_NONE, message, *fixes)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _bare_excepts(source: Source) -> Iterator[Finding]:
    for handler in source.nodes(ast.ExceptHandler):
        if handler.type is not None:
            continue
        line = handler.lineno - 1
        col = source.col(handler.lineno, handler.col_offset)
        if not source.lines[line].startswith("except", col):
            continue
        span = Span(line, col, line, col + len("except"))
        # Not preferred: it changes what is caught, so the user should choose it.
        insert = Edit(Span.point(line, span.end_col), " Exception")
        fix = Fix("Catch Exception instead", (insert,), preferred=False)
        message = "bare 'except:' also catches KeyboardInterrupt and SystemExit; catch Exception"
        yield _finding(span, Severity.INFORMATION, BARE_EXCEPT, message, fix)


def _mutable_defaults(source: Source) -> Iterator[Finding]:
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda] = [
        *source.nodes(ast.FunctionDef),
        *source.nodes(ast.AsyncFunctionDef),
        *source.nodes(ast.Lambda),
    ]
    message = "mutable default argument: one object is shared by every call; default to None"
    for function in functions:
        for default in (*function.args.defaults, *function.args.kw_defaults):
            if default is not None and _is_mutable(default):
                yield _finding(source.span(default), Severity.INFORMATION, MUTABLE_DEFAULT, message)


def _is_mutable(node: ast.expr) -> bool:
    if isinstance(node, _MUTABLE_LITERALS):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in _MUTABLE_CALLS
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            return func.value.id == "collections" and func.attr in _MUTABLE_CALLS
    return False
