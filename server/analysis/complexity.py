"""Cyclomatic complexity per function (radon's definition), warned above a threshold.

radon's `cc_visit_ast` walks the tree with a visitor object per statement and
costs about as much as pyflakes; this counts the same decision points from the
shared node index in a fraction of that. tests/analysis checks the numbers
against radon's on real modules.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Finding, Severity, Span
from lionagi_playground.server.analysis.scopes import (
    Position,
    Scopes,
    body_start,
    position,
    statement_start,
)
from lionagi_playground.server.analysis.source import Source

THRESHOLD = 10
"""radon ranks 1-10 as A/B (simple, well structured); 11 and up is where it says "complex"."""

CODE = "C901"

Function = ast.FunctionDef | ast.AsyncFunctionDef


def _match_weight(node: ast.Match) -> int:
    # A catch-all `case _:` (or `case name:`) is the match's "else": not a branch.
    catch_all = any(
        isinstance(case.pattern, ast.MatchAs) and case.pattern.pattern is None
        for case in node.cases
    )
    return max(0, len(node.cases) - catch_all)


def _decisions(source: Source) -> Iterator[tuple[Position, int]]:
    """Where each decision point is and what it adds, as radon counts them."""
    for kind in (ast.If, ast.IfExp):
        for node in source.nodes(kind):
            yield position(node), 1
    loops: list[ast.For | ast.AsyncFor | ast.While] = [
        *source.nodes(ast.For),
        *source.nodes(ast.AsyncFor),
        *source.nodes(ast.While),
    ]
    for loop in loops:
        yield position(loop), 1 + bool(loop.orelse)
    attempts: list[ast.Try | ast.TryStar] = [*source.nodes(ast.Try), *source.nodes(ast.TryStar)]
    for attempt in attempts:
        yield position(attempt), len(attempt.handlers) + bool(attempt.orelse)
    for boolean in source.nodes(ast.BoolOp):
        yield position(boolean), len(boolean.values) - 1
    for generator in source.nodes(ast.comprehension):  # no position of its own
        yield position(generator.target), 1 + len(generator.ifs)
    for match in source.nodes(ast.Match):
        yield position(match), _match_weight(match)


def complexities(source: Source) -> dict[Function, int]:
    """Every function's cyclomatic complexity: 1 + the decision points in its body.

    As in radon, decisions in a nested function count for that function only,
    decisions in a lambda count for the function around it, and an `assert` is
    1 whatever it holds. Decorators, defaults, annotations and base classes
    count for nobody.
    """
    functions: list[Function] = [
        *source.nodes(ast.FunctionDef),
        *source.nodes(ast.AsyncFunctionDef),
    ]
    totals: dict[Function, int] = dict.fromkeys(functions, 1)
    if not functions:
        return totals
    scopes = Scopes(source)
    ignored = _IgnoredRegions(source)
    decisions = [(at, weight) for at, weight in _decisions(source) if at not in ignored]
    decisions += [(position(node), 1) for node in source.nodes(ast.Assert)]
    for at, weight in decisions:
        scope = scopes.enclosing(at, through_lambdas=True)
        if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
            totals[scope] += weight
    return totals


class _IgnoredRegions:
    """The inside of asserts and the headers of defs and classes: radon never looks there."""

    def __init__(self, source: Source) -> None:
        regions: list[tuple[Position, Position]] = [
            (position(node), (node.end_lineno or 0, node.end_col_offset or 0))
            for node in source.nodes(ast.Assert)
        ]
        headers: list[Function | ast.ClassDef] = [
            *source.nodes(ast.FunctionDef),
            *source.nodes(ast.AsyncFunctionDef),
            *source.nodes(ast.ClassDef),
        ]
        regions.extend((statement_start(node), body_start(node)) for node in headers)
        regions.sort()  # never overlapping: a header holds no assert and no other header
        self._starts = [start for start, _ in regions]
        self._ends = [end for _, end in regions]

    def __contains__(self, at: Position) -> bool:
        index = bisect_right(self._starts, at) - 1
        return index >= 0 and at < self._ends[index]


def check(source: Source) -> list[Finding]:
    findings = []
    for function, total in complexities(source).items():
        if total > THRESHOLD:
            message = f"function '{function.name}' is too complex ({total} > {THRESHOLD})"
            findings.append(
                Finding(_name_span(source, function), Severity.WARNING, "radon", CODE, message)
            )
    return findings


def _name_span(source: Source, function: Function) -> Span:
    line = function.lineno - 1
    col = source.col(function.lineno, function.col_offset)
    text = source.lines[line]
    found = re.compile(rf"(?:async\s+)?def\s+({re.escape(function.name)})").match(text, col)
    if found is None:  # `def \` + line break + name: point at `def` instead.
        return Span(line, col, line, min(col + 3, len(text)))
    return Span(line, found.start(1), line, found.end(1))
