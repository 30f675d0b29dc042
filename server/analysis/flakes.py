"""pyflakes over the shared AST: stable codes, severities and name-sized spans for its messages."""

from __future__ import annotations

import ast
import logging
import re
from typing import TypeVar

from pyflakes import messages as pyflakes_messages
from pyflakes.checker import Checker

from lionagi_playground.server.analysis import flakes_fixes
from lionagi_playground.server.analysis.findings import Finding, Fix, Severity, Span
from lionagi_playground.server.analysis.scopes import Position, position
from lionagi_playground.server.analysis.source import Source

log = logging.getLogger(__name__)

N = TypeVar("N", bound=ast.AST)

E, W = Severity.ERROR, Severity.WARNING

# flake8's codes (ruff uses the same). Keyed by class name so that a pyflakes
# without one of these classes still imports; a class not listed keeps its
# name as its code. ERROR for what fails at compile time or always at run time.
CODES: dict[str, tuple[str, Severity]] = {
    "UnusedImport": ("F401", W),
    "ImportShadowedByLoopVar": ("F402", W),
    "ImportStarUsed": ("F403", W),
    "LateFutureImport": ("F404", E),
    "ImportStarUsage": ("F405", W),
    "ImportStarNotPermitted": ("F406", E),
    "FutureFeatureNotDefined": ("F407", E),
    "PercentFormatInvalidFormat": ("F501", W),
    "PercentFormatExpectedMapping": ("F502", W),
    "PercentFormatExpectedSequence": ("F503", W),
    "PercentFormatExtraNamedArguments": ("F504", W),
    "PercentFormatMissingArgument": ("F505", W),
    "PercentFormatMixedPositionalAndNamed": ("F506", W),
    "PercentFormatPositionalCountMismatch": ("F507", W),
    "PercentFormatStarRequiresSequence": ("F508", W),
    "PercentFormatUnsupportedFormatCharacter": ("F509", W),
    "StringDotFormatInvalidFormat": ("F521", W),
    "StringDotFormatExtraNamedArguments": ("F522", W),
    "StringDotFormatExtraPositionalArguments": ("F523", W),
    "StringDotFormatMissingArgument": ("F524", W),
    "StringDotFormatMixingAutomatic": ("F525", W),
    "FStringMissingPlaceholders": ("F541", W),
    "MultiValueRepeatedKeyLiteral": ("F601", W),
    "MultiValueRepeatedKeyVariable": ("F602", W),
    "TooManyExpressionsInStarredAssignment": ("F621", E),
    "TwoStarredExpressions": ("F622", E),
    "AssertTuple": ("F631", W),
    "IsLiteral": ("F632", W),
    "InvalidPrintSyntax": ("F633", W),
    "IfTuple": ("F634", W),
    "BreakOutsideLoop": ("F701", E),
    "ContinueOutsideLoop": ("F702", E),
    "YieldOutsideFunction": ("F704", E),
    "ReturnOutsideFunction": ("F706", E),
    "DefaultExceptNotLast": ("F707", E),
    "DoctestSyntaxError": ("F721", W),
    "ForwardAnnotationSyntaxError": ("F722", W),
    "RedefinedWhileUnused": ("F811", W),
    "UndefinedName": ("F821", E),
    "UndefinedExport": ("F822", E),
    "UndefinedLocal": ("F823", E),
    "DuplicateArgument": ("F831", E),
    "UnusedVariable": ("F841", W),
    "UnusedAnnotation": ("F842", W),
    "RaiseNotImplemented": ("F901", W),
    "UnusedIndirectAssignment": ("PLW0602", W),
}

_UNNECESSARY = frozenset({"F401", "F841", "F842"})

# Messages whose first argument is the name the span should cover.
_NAME_FIRST = frozenset(
    {
        "UnusedImport",
        "UnusedVariable",
        "UnusedAnnotation",
        "UndefinedName",
        "UndefinedExport",
        "UndefinedLocal",
        "ImportStarUsage",
        "RedefinedWhileUnused",
        "ImportShadowedByLoopVar",
        "DuplicateArgument",
    }
)

_IDENTIFIER = re.compile(r"\w+")


class _Checker(Checker):  # type: ignore[misc]  # pyflakes is untyped
    # A misplaced `await` is the syntax check's, with a clearer message. pyflakes
    # would call it "'yield' outside function" and skip the names inside it, so
    # `await asyncio.sleep(1)` at module level made `import asyncio` look unused.
    AWAIT = Checker.handleChildren


def check(source: Source) -> list[Finding]:
    tree = source.tree
    if tree is None:
        return []
    try:
        checker = _Checker(tree, filename=source.filename, withDoctest=False)
    except RecursionError:
        # pyflakes recurses once per nesting level; code this deep is reported
        # by nothing else either, and is not worth a message of its own.
        log.info("pyflakes skipped %s: nested too deeply", source.filename)
        return []
    nodes = _NodeFinder(source)
    return [_finding(source, nodes, message) for message in checker.messages]


def _finding(source: Source, nodes: _NodeFinder, message: pyflakes_messages.Message) -> Finding:
    kind = type(message).__name__
    code, severity = CODES.get(kind, (kind, W))
    at: Position = (message.lineno, message.col)
    args: tuple[object, ...] = tuple(message.message_args)
    try:
        span, fix = _fixed(source, nodes, kind, at, args)
    except Exception:
        # A bug in a fix must cost the fix, not the finding.
        log.exception("no quick fix for %s at %s in %s", code, at, source.filename)
        span, fix = None, None
    if span is None:
        if kind in _NAME_FIRST:
            name: object = args[0]
        elif kind == "UnusedIndirectAssignment":
            name = args[1]
        else:
            name = None
        span = _span(source, nodes, at, name if isinstance(name, str) else None)
    text = message.message % message.message_args
    fixes = (fix,) if fix is not None else ()
    return Finding(span, severity, "pyflakes", code, text, fixes, unnecessary=code in _UNNECESSARY)


def _fixed(
    source: Source, nodes: _NodeFinder, kind: str, at: Position, args: tuple[object, ...]
) -> tuple[Span | None, Fix | None]:
    """For messages with a quick fix: the span of what it removes, and the fix."""
    if kind == "UnusedImport":
        return _unused_import(source, nodes, at, str(args[0]))
    if kind == "UnusedVariable":
        handler = nodes.of_type(ast.ExceptHandler, at)
        if handler is not None and handler.name == args[0]:
            return flakes_fixes.drop_unused_as(source, handler)
    if kind == "FStringMissingPlaceholders":
        string = nodes.of_type(ast.JoinedStr, at)
        if string is not None:
            return source.span(string), flakes_fixes.drop_f_prefix(source, string)
    return None, None


def _unused_import(
    source: Source, nodes: _NodeFinder, at: Position, imported: str
) -> tuple[Span | None, Fix | None]:
    statement: ast.Import | ast.ImportFrom | None = nodes.of_type(ast.Import, at)
    if statement is None:
        statement = nodes.of_type(ast.ImportFrom, at)
    if statement is None:
        return None, None
    for alias in statement.names:
        if flakes_fixes.imported_name(statement, alias) == imported:
            return source.span(alias), flakes_fixes.remove_import(source, statement, alias)
    return None, None


def _span(source: Source, nodes: _NodeFinder, at: Position, name: str | None) -> Span:
    """The name `name` at or after `at` on its line; else the node at `at`; else the word there."""
    line_index = min(max(at[0] - 1, 0), len(source.lines) - 1)
    line = source.lines[line_index]
    col = source.col(at[0], at[1])
    if name:
        word = _IDENTIFIER.match(line, col)
        if word is not None and word.group() == name:
            return Span(line_index, col, line_index, word.end())
        found = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)").search(line, col)
        if found is not None:
            return Span(line_index, found.start(), line_index, found.end())
    node = nodes.outermost(at)
    if node is not None:
        span = source.span(node)
        if span.end_line != span.line:  # A squiggle over many lines hides more than it shows.
            return Span(span.line, span.col, span.line, len(line))
        return span
    word = _IDENTIFIER.match(line, col)
    return Span(line_index, col, line_index, word.end() if word else min(col + 1, len(line)))


class _NodeFinder:
    """Nodes by start position, built only when a message needs them."""

    def __init__(self, source: Source) -> None:
        self._source = source
        self._by_type: dict[type[ast.AST], dict[Position, ast.AST]] = {}
        self._outermost: dict[Position, ast.AST] | None = None

    def of_type(self, kind: type[N], at: Position) -> N | None:
        table = self._by_type.get(kind)
        if table is None:
            table = {position(node): node for node in self._source.nodes(kind)}
            self._by_type[kind] = table
        found = table.get(at)
        return found if isinstance(found, kind) else None

    def outermost(self, at: Position) -> ast.AST | None:
        if self._outermost is None:
            self._outermost = self._build_outermost()
        return self._outermost.get(at)

    def _build_outermost(self) -> dict[Position, ast.AST]:
        table: dict[Position, ast.AST] = {}
        ends: dict[Position, tuple[int, int]] = {}
        for node in self._source.walk():
            if not hasattr(node, "lineno"):
                continue
            at = position(node)
            end = (getattr(node, "end_lineno", 0) or 0, getattr(node, "end_col_offset", 0) or 0)
            if at not in ends or end > ends[at]:
                table[at], ends[at] = node, end
        return table
