"""Which child fields of each AST node class the lionagi rules' walk visits, and its leaves.

Computed once, at import, for every node class: the walk looks a node's fields up in `FIELDS`
instead of asking `ast` (the rules must take a few milliseconds on a 2,000-line module).
"""

from __future__ import annotations

import ast

SKIP_FIELDS = frozenset(
    {"ctx", "op", "ops", "type_comment", "type_ignores", "kind", "conversion", "is_async"}
    | {"id", "attr", "arg", "name", "module", "level", "asname", "names", "tag"}
    | {"annotation", "returns", "type_params", "simple"}
)
LEAVES: frozenset[type] = frozenset(
    {ast.Constant, ast.Name, ast.Load, ast.Store, ast.Del, ast.Pass, ast.Break, ast.Continue}
    | set(ast.operator.__subclasses__())
    | set(ast.unaryop.__subclasses__())
    | set(ast.boolop.__subclasses__())
    | set(ast.cmpop.__subclasses__())
)
FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(cls: type) -> tuple[str, ...]:
    fields = FIELDS.get(cls)
    if fields is None:
        fields = tuple(f for f in getattr(cls, "_fields", ()) if f not in SKIP_FIELDS)
        FIELDS[cls] = fields
    return fields


def _every_node_class(cls: type) -> list[type]:
    found = [cls]
    sub: type
    for sub in cls.__subclasses__():
        found.extend(_every_node_class(sub))
    return found


for _cls in _every_node_class(ast.AST):
    child_fields(_cls)
