"""Light type inference for the lionagi rules: which expressions hold a `Branch`, an `iModel`, ...

Deliberately small and precise rather than complete: a name has a type only
when every binding of it in its scope agrees (`b = Branch()`,
`b = await b.aclone()`, `b: Branch`, a parameter annotated `Branch`,
`self.b = Branch()` in any method). Anything else is unknown, and rules say
nothing about unknown objects. Return types of methods come from the
knowledge (the installed lionagi's annotations), not from a table here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import lru_cache

from lionagi_playground.server.analysis.lionagi_rules.index import index
from lionagi_playground.server.analysis.lionagi_rules.scopes import Annotated, Bound, Scope
from lionagi_playground.server.analysis.lionagi_rules.walk import Walk
from lionagi_playground.server.knowledge import Knowledge

_MAX_DEPTH = 12


class Imports:
    """Local names bound by imports -> the dotted names they stand for."""

    def __init__(self, nodes: list[ast.Import | ast.ImportFrom]) -> None:
        self.names: dict[str, str] = {}
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.names[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        self.names[top] = top
            elif node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"

    def qualified(self, expr: ast.expr) -> str | None:
        """`lionagi.Branch` for `Branch`, `li.Branch`, `lionagi.Branch` (as imported)."""
        kind = type(expr)
        if kind is ast.Name:
            return self.names.get(expr.id)  # type: ignore[attr-defined]
        if kind is ast.Attribute:
            base = self.qualified(expr.value)  # type: ignore[attr-defined]
            return f"{base}.{expr.attr}" if base else None  # type: ignore[attr-defined]
        return None


class Types:
    """Which lionagi class (export name, e.g. `Branch`) an expression's value is an instance of."""

    def __init__(self, walk: Walk, imports: Imports, knowledge: Knowledge) -> None:
        self.walk = walk
        self.imports = imports
        self.knowledge = knowledge
        self._names: dict[tuple[Scope, str], str | None] = {}
        # A binding that depends on itself (`b = b.clone()`) is unknown, and so
        # is every name resolved while it was in progress: caching those Nones
        # is right, since the cycle makes the final answer None as well.
        self._lookups: dict[tuple[Scope, str], str | None] = {}
        self._attrs: dict[tuple[ast.ClassDef, str], str | None] = {}
        tables = self._index = index(knowledge)
        self._by_target = tables.class_by_target
        self._by_simple = tables.class_by_simple
        self._exports = tables.class_exports

    # -- classes ----------------------------------------------------------

    def export_class(self, qualified: str | None) -> str | None:
        """The export name of the lionagi class `qualified` names, if it names one."""
        if not qualified or not qualified.startswith("lionagi"):
            return None
        found = self._by_target.get(qualified)
        if found is None and qualified.count(".") == 1:
            name = qualified[len("lionagi.") :]
            found = name if name in self._exports else None
        if found is None:
            alias = self.knowledge.aliases.get(qualified)
            found = self._by_target.get(alias) if alias else None
        return found

    def class_of_expr(self, expr: ast.expr) -> str | None:
        """The class an expression names (`Branch`, `lionagi.Branch`), not an instance of it."""
        return self.export_class(self.imports.qualified(expr))

    def from_annotation(self, annotation: ast.expr | None) -> str | None:
        """`Branch` for annotations `Branch`, `"Branch"`, `Branch | None`, `Optional[Branch]`."""
        if annotation is None:
            return None
        kind = type(annotation)
        if kind is ast.Constant and isinstance(annotation.value, str):  # type: ignore[attr-defined]
            parsed = _parse_annotation(annotation.value)  # type: ignore[attr-defined]
            return self.from_annotation(parsed)
        if kind is ast.Name or kind is ast.Attribute:
            return self.class_of_expr(annotation)
        if kind is ast.BinOp and isinstance(annotation.op, ast.BitOr):  # type: ignore[attr-defined]
            return self._one_of([annotation.left, annotation.right])  # type: ignore[attr-defined]
        if kind is ast.Subscript:
            assert isinstance(annotation, ast.Subscript)
            base = self.imports.qualified(annotation.value) or ""
            if base in ("typing.Optional", "typing_extensions.Optional"):
                return self.from_annotation(annotation.slice)
            if base in ("typing.Union", "typing_extensions.Union"):
                items = annotation.slice
                return self._one_of(list(items.elts) if isinstance(items, ast.Tuple) else [items])
        return None

    def _one_of(self, options: list[ast.expr]) -> str | None:
        found = {
            self.from_annotation(option)
            for option in options
            if not (isinstance(option, ast.Constant) and option.value is None)
        }
        return found.pop() if len(found) == 1 else None

    def from_text(self, text: str | None) -> str | None:
        """A class from an introspected return annotation (`Branch`, `'Branch' | None`)."""
        if not text:
            return None
        parts = {p.strip().strip("'\"") for p in text.split("|")} - {"None"}
        if len(parts) != 1:
            return None
        part = parts.pop()
        if part.startswith("Optional[") and part.endswith("]"):
            part = part[len("Optional[") : -1]
        return self._by_simple.get(part)

    # -- instances ----------------------------------------------------------

    def of(self, expr: ast.expr, scope: Scope, depth: int = 0) -> str | None:
        """The class `expr`'s value is an instance of, when we can tell for sure."""
        if depth > _MAX_DEPTH:
            return None
        kind = type(expr)
        if kind is ast.Name:
            return self._name(expr.id, scope, depth)  # type: ignore[attr-defined]
        if kind is ast.Call:
            return self._call(expr, scope, depth, awaited=False)  # type: ignore[arg-type]
        if kind is ast.Await:
            value = expr.value  # type: ignore[attr-defined]
            if type(value) is ast.Call:
                return self._call(value, scope, depth, awaited=True)
            return None
        if kind is ast.Attribute:
            return self._self_attr(expr, scope, depth)  # type: ignore[arg-type]
        return None

    def _call(self, call: ast.Call, scope: Scope, depth: int, awaited: bool) -> str | None:
        func = call.func
        constructed = self.class_of_expr(func)
        if constructed is not None:
            return None if awaited else constructed
        if type(func) is not ast.Attribute:
            return None
        receiver = self.of(func.value, scope, depth + 1) or self.class_of_expr(func.value)
        if receiver is None:
            return None
        member = self._index.member(receiver, func.attr)
        if member is None or member.kind == "asyncgen":
            return None
        if (member.kind == "coroutine") != awaited:
            return None
        if member.kind not in ("coroutine", "method", "function"):
            return None
        return self.from_text(member.returns)

    def _name(self, name: str, scope: Scope, depth: int) -> str | None:
        seen = (scope, name)
        if seen in self._lookups:
            return self._lookups[seen]
        found = self._lookups[seen] = self._resolve_name(name, scope, depth)
        return found

    def _resolve_name(self, name: str, scope: Scope, depth: int) -> str | None:
        owner: Scope | None = scope
        while owner is not None:
            if name in owner.assigned and (owner is scope or owner.kind != "class"):
                break
            owner = owner.parent
        if owner is None:
            return None
        key = (owner, name)
        if key in self._names:
            return self._names[key]
        self._names[key] = None  # a cycle (`b = b.clone()`) stays unknown
        found = self._agree(((b, owner) for b in owner.assigned[name]), depth)
        self._names[key] = found
        return found

    def _self_attr(self, expr: ast.Attribute, scope: Scope, depth: int) -> str | None:
        method = scope.function()
        value = expr.value
        if method is None or method.cls is None or type(value) is not ast.Name:
            return None
        if value.id != method.self_name:
            return None
        key = (method.cls, expr.attr)
        if key in self._attrs:
            return self._attrs[key]
        self._attrs[key] = None
        bindings = self.walk.class_attrs.get(key, [])
        found = self._agree(bindings, depth) if bindings else None
        self._attrs[key] = found
        return found

    def _agree(self, bindings: Iterable[tuple[Bound, Scope]], depth: int = 0) -> str | None:
        """The one type every binding gives, else None."""
        found: str | None = None
        for bound, scope in bindings:
            kind = self._bound(bound, scope, depth + 1)
            if kind is None or (found is not None and kind != found):
                return None
            found = kind
        return found

    def _bound(self, bound: Bound, scope: Scope, depth: int) -> str | None:
        if bound is None:
            return None
        if isinstance(bound, Annotated):
            from_annotation = self.from_annotation(bound.annotation)
            if from_annotation is not None or bound.value is None:
                return from_annotation
            return self.of(bound.value, scope, depth)
        return self.of(bound, scope, depth)


@lru_cache(maxsize=256)
def _parse_annotation(text: str) -> ast.expr | None:
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        return None
