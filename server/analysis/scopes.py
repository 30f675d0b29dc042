"""Which function, lambda or class body a position is in, found from AST positions alone."""

from __future__ import annotations

import ast
from bisect import bisect_right

from lionagi_playground.server.analysis.source import Source

Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef
Position = tuple[int, int]
"""(lineno, col_offset) exactly as the AST gives them: 1-based lines, UTF-8 columns."""

_SCOPE_KINDS: tuple[type[Scope], ...] = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.Lambda,
    ast.ClassDef,
)


def position(node: ast.AST) -> Position:
    return (getattr(node, "lineno", 1), getattr(node, "col_offset", 0))


def statement_start(statement: ast.stmt) -> Position:
    # A decorated definition starts at its first decorator, not at `def`.
    decorators: list[ast.expr] = getattr(statement, "decorator_list", [])
    return position(decorators[0]) if decorators else position(statement)


def body_start(scope: Scope) -> Position:
    """Where the body of a def, class or lambda starts (its header ends)."""
    if isinstance(scope, ast.Lambda):
        return position(scope.body)
    return statement_start(scope.body[0])


class Scopes:
    """The body regions of every scope in a tree, nested as the code nests them.

    A parent pointer per region and one bisection answer "innermost scope around
    this position" without a parent map of the whole tree (which would cost a
    full walk). Regions of an AST never partly overlap, which is what makes the
    sorted order plus parent pointers enough.
    """

    def __init__(self, source: Source) -> None:
        regions: list[tuple[Position, Position, Scope]] = []
        for kind in _SCOPE_KINDS:
            for node in source.nodes(kind):
                end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
                regions.append((body_start(node), end, node))
        # Equal starts: the larger region first, so that it becomes the parent.
        regions.sort(key=lambda region: (region[0], -region[1][0], -region[1][1]))
        self._starts = [start for start, _, _ in regions]
        self._ends = [end for _, end, _ in regions]
        self._scopes = [scope for _, _, scope in regions]
        self._parents: list[int] = []
        open_regions: list[int] = []
        for index, start in enumerate(self._starts):
            while open_regions and not start < self._ends[open_regions[-1]]:
                open_regions.pop()
            self._parents.append(open_regions[-1] if open_regions else -1)
            open_regions.append(index)

    def enclosing(self, at: Position, *, through_lambdas: bool = False) -> Scope | None:
        """The innermost scope whose body holds `at`; None for module level.

        With `through_lambdas`, a lambda is skipped in favour of the scope around it.
        """
        index = bisect_right(self._starts, at) - 1
        while index >= 0:
            if at < self._ends[index] and not (
                through_lambdas and isinstance(self._scopes[index], ast.Lambda)
            ):
                return self._scopes[index]
            index = self._parents[index]
        return None
