"""Scopes and bindings: what each module, class and function body binds its names to.

Filled by the walk (`walk.py`), read by the type inference (`infer.py`).
"""

from __future__ import annotations

import ast
from typing import TypeAlias

# A binding whose value we do not follow (loop variable, tuple unpacking, ...).
UNKNOWN = None


class Annotated:
    """A binding known by its annotation (and, if any, its value): `x: Branch = ...`."""

    __slots__ = ("annotation", "value")

    def __init__(self, annotation: ast.expr, value: ast.expr | None) -> None:
        self.annotation = annotation
        self.value = value


Bound: TypeAlias = ast.expr | Annotated | None
"""What a name is bound to: an expression, an annotation (with its value), or UNKNOWN."""


class Scope:
    """A module, class or function body: the names it binds and to what."""

    __slots__ = ("assigned", "cls", "globals", "is_async", "kind", "node", "parent", "self_name")

    def __init__(
        self,
        node: ast.AST,
        kind: str,
        parent: Scope | None,
        is_async: bool = False,
        cls: ast.ClassDef | None = None,
        self_name: str | None = None,
    ) -> None:
        self.node = node
        self.kind = kind
        """`module`, `class` or `function`."""
        self.parent = parent
        self.is_async = is_async
        self.cls = cls
        """For a method: the class whose body defines it (for `self.attr`)."""
        self.self_name = self_name
        self.assigned: dict[str, list[Bound]] = {}
        self.globals: set[str] = set()

    def bind(self, name: str, value: Bound) -> None:
        scope: Scope = self
        if name in self.globals:
            while scope.parent is not None:
                scope = scope.parent
        bound = scope.assigned.get(name)
        if bound is None:
            scope.assigned[name] = [value]
        else:
            bound.append(value)

    def function(self) -> Scope | None:
        """The innermost function scope (the one `await` belongs to), if any."""
        scope: Scope | None = self
        while scope is not None and scope.kind == "class":
            scope = scope.parent
        return scope if scope is not None and scope.kind == "function" else None
