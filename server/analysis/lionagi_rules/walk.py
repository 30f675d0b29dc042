"""One pass over a module's AST that records what the lionagi rules look at.

It records imports, calls, attribute accesses of interest, every binding of
every name per scope (the input of the type inference in `infer.py`), and
each node's parent. Each scope's body is walked with one flat loop that
does nothing for most nodes (nested functions and classes recurse with their
own scope): the rules must take a few milliseconds on a 2,000-line module.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lionagi_playground.server.analysis.lionagi_rules.node_fields import FIELDS, LEAVES
from lionagi_playground.server.analysis.lionagi_rules.scopes import UNKNOWN, Annotated, Bound, Scope

# The nodes whose parent a rule asks for (the context of a call, an await, an argument).
_TRACKED = frozenset({ast.Call, ast.Await, ast.keyword, ast.Attribute, ast.Starred})
_NOTHING: tuple[tuple[str, ...], None] = ((), None)
_CALL_ARGUMENTS = ("args", "keywords")
# Hooks take their own node type; the table is keyed by it.
_Hook = Callable[[Any, Scope], bool]


@dataclass
class Walk:
    """What one pass over the module found."""

    module: Scope
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)
    """The parent of each call, await, keyword argument, attribute and starred argument."""
    calls: list[tuple[ast.Call, Scope]] = field(default_factory=list)
    attributes: list[tuple[ast.Attribute, Scope]] = field(default_factory=list)
    """Attribute accesses `x.<name in watch>` and `<name in watch_values>.x`."""
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    class_attrs: dict[tuple[ast.ClassDef, str], list[tuple[Bound, Scope]]] = field(
        default_factory=dict
    )
    """`self.<attr> = value` in the methods of a class, and class-level annotations."""
    functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = field(default_factory=dict)
    """Module-level function definitions by name."""
    future_annotations: ast.ImportFrom | None = None
    lambdas: list[ast.Lambda] = field(default_factory=list)


def walk(
    tree: ast.Module, watch: frozenset[str], watch_values: frozenset[str] = frozenset()
) -> Walk:
    """Walk `tree` once; record attribute accesses `x.<watch>` and `<watch_values>.x`."""
    module = Scope(tree, "module", None)
    result = Walk(module)
    _Walker(result, watch, watch_values).statements(tree.body, tree, module)
    return result


class _Walker:
    """A flat loop per scope body; nested functions and classes recurse with their own scope."""

    def __init__(self, result: Walk, watch: frozenset[str], watch_values: frozenset[str]) -> None:
        self.result = result
        self.parents = result.parents
        self.watch = watch
        self.watch_values = watch_values
        self.hooks: dict[type, _Hook] = {
            ast.AnnAssign: self.ann_assign,
            ast.AugAssign: self.loop_target,
            ast.For: self.loop_target,
            ast.AsyncFor: self.loop_target,
            ast.With: self.with_,
            ast.AsyncWith: self.with_,
            ast.ExceptHandler: self.except_,
            ast.match_case: self.case,
            ast.Import: self.import_,
            ast.ImportFrom: self.import_,
            ast.FunctionDef: self.function,
            ast.AsyncFunctionDef: self.function,
            ast.ClassDef: self.class_def,
            ast.Global: self.global_,
            ast.Nonlocal: self.nonlocal_,
            ast.NamedExpr: self.named_expr,
            ast.comprehension: self.comprehension,
            ast.Lambda: self.lambda_,
        }
        # One look-up per node: its child fields and its hook.
        self.plan: dict[type, tuple[tuple[str, ...], _Hook | None]] = {
            kind: (names, self.hooks.get(kind)) for kind, names in FIELDS.items()
        }

    def statements(self, body: Sequence[ast.AST], parent: ast.AST, scope: Scope) -> None:
        """Walk a scope's body (or loose expressions of it, such as decorators)."""
        parents = self.parents
        calls = self.result.calls
        attributes = self.result.attributes
        watch, watch_values = self.watch, self.watch_values
        plan = self.plan
        leaves = LEAVES
        tracked = _TRACKED
        for root in body:
            if type(root) in tracked:  # a decorator call, a class keyword
                parents[root] = parent
        stack: list[ast.AST] = [*body]
        stack.reverse()
        pop, push = stack.pop, stack.append
        while stack:
            node = pop()
            kind = type(node)
            fields, hook = plan.get(kind, _NOTHING)
            if kind is ast.Call:
                calls.append((node, scope))  # type: ignore[arg-type]
                func = node.func  # type: ignore[attr-defined]
                if type(func) is ast.Attribute and type(func.value) is ast.Name:
                    # `name.method(...)`, the commonest call: its callee needs no walk.
                    parents[func] = node
                    if func.attr in watch or func.value.id in watch_values:
                        attributes.append((func, scope))
                    fields = _CALL_ARGUMENTS
            elif kind is ast.Attribute:
                value = node.value  # type: ignore[attr-defined]
                if node.attr in watch or (  # type: ignore[attr-defined]
                    type(value) is ast.Name and value.id in watch_values
                ):
                    attributes.append((node, scope))  # type: ignore[arg-type]
            elif kind is ast.Assign:  # the commonest binding, inlined
                bound = node.value  # type: ignore[attr-defined]
                for target in node.targets:  # type: ignore[attr-defined]
                    if type(target) is ast.Name and target.id not in scope.globals:
                        scope.assigned.setdefault(target.id, []).append(bound)
                    else:
                        self.bind_target(target, bound, scope)
            elif hook is not None and hook(node, scope):
                continue
            for name in fields:
                value = getattr(node, name)
                if type(value) is list:
                    for child in value:
                        child_kind = type(child)
                        if child_kind not in leaves:
                            if child_kind in tracked:
                                parents[child] = node
                            push(child)
                elif value is not None:
                    child_kind = type(value)
                    if child_kind not in leaves:
                        if child_kind in tracked:
                            parents[value] = node
                        push(value)

    # Hooks return True when they walked the node's children themselves.

    def ann_assign(self, node: ast.AnnAssign, scope: Scope) -> bool:
        target = node.target
        bound = Annotated(node.annotation, node.value)
        if isinstance(target, ast.Name):
            scope.bind(target.id, bound)
            if isinstance(scope.node, ast.ClassDef):
                key = (scope.node, target.id)
                self.result.class_attrs.setdefault(key, []).append((bound, scope))
        elif isinstance(target, ast.Attribute) and _is_self_attr(target, scope):
            self.bind_attr(target, bound, scope)
        return False

    def loop_target(self, node: ast.For | ast.AsyncFor | ast.AugAssign, scope: Scope) -> bool:
        self.bind_target(node.target, None, scope)
        return False

    def with_(self, node: ast.With | ast.AsyncWith, scope: Scope) -> bool:
        for item in node.items:
            if item.optional_vars is not None:
                self.bind_target(item.optional_vars, None, scope)
        return False

    def except_(self, node: ast.ExceptHandler, scope: Scope) -> bool:
        if node.name:
            scope.bind(node.name, UNKNOWN)
        return False

    def case(self, node: ast.match_case, scope: Scope) -> bool:
        for part in ast.walk(node.pattern):
            name = getattr(part, "name", None) or getattr(part, "rest", None)
            if isinstance(name, str):
                scope.bind(name, UNKNOWN)
        return False

    def import_(self, node: ast.Import | ast.ImportFrom, scope: Scope) -> bool:
        self.result.imports.append(node)
        for alias in node.names:
            bound = alias.asname or alias.name.split(".")[0]
            if bound != "*":
                scope.bind(bound, UNKNOWN)
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "__future__"
            and any(a.name == "annotations" for a in node.names)
        ):
            self.result.future_annotations = node
        return True

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> bool:
        scope.bind(node.name, UNKNOWN)
        if scope.kind == "module":
            self.result.functions.setdefault(node.name, []).append(node)
        cls = scope.node if isinstance(scope.node, ast.ClassDef) else None
        positional = [*node.args.posonlyargs, *node.args.args]
        is_static = any(_decorator_name(d) == "staticmethod" for d in node.decorator_list)
        self_name = positional[0].arg if cls is not None and positional and not is_static else None
        is_async = isinstance(node, ast.AsyncFunctionDef)
        inner = Scope(node, "function", scope, is_async, cls, self_name)
        self.bind_params(node.args, inner, skip=self_name)
        outer = [
            child
            for child in (*node.decorator_list, *node.args.defaults, *node.args.kw_defaults)
            if child is not None
        ]
        if outer:
            self.statements(outer, node, scope)
        self.statements(node.body, node, inner)
        return True

    def class_def(self, node: ast.ClassDef, scope: Scope) -> bool:
        scope.bind(node.name, UNKNOWN)
        inner = Scope(node, "class", scope)
        outer: list[ast.AST] = [*node.decorator_list, *node.bases, *node.keywords]
        if outer:
            self.statements(outer, node, scope)
        self.statements(node.body, node, inner)
        return True

    def global_(self, node: ast.Global, scope: Scope) -> bool:
        scope.globals.update(node.names)
        return True

    def nonlocal_(self, node: ast.Nonlocal, scope: Scope) -> bool:
        for name in node.names:
            scope.bind(name, UNKNOWN)
            parent = scope.parent
            while parent is not None:
                if name in parent.assigned:
                    parent.bind(name, UNKNOWN)
                    break
                parent = parent.parent
        return True

    def named_expr(self, node: ast.NamedExpr, scope: Scope) -> bool:
        self.bind_target(node.target, node.value, scope.function() or self.result.module)
        return False

    def comprehension(self, node: ast.comprehension, scope: Scope) -> bool:
        self.bind_target(node.target, None, scope)
        return False

    def lambda_(self, node: ast.Lambda, scope: Scope) -> bool:
        self.result.lambdas.append(node)
        # Lambda parameters shadow names in the lambda only; marking them
        # unknown in the enclosing scope loses a little precision, never adds
        # a false report.
        self.bind_params(node.args, scope, skip=None, annotations=False)
        return False

    # -- bindings ---------------------------------------------------------

    def bind_target(self, target: ast.expr, value: ast.expr | None, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.bind(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind_target(element, None, scope)
        elif isinstance(target, ast.Starred):
            self.bind_target(target.value, None, scope)
        elif isinstance(target, ast.Attribute) and _is_self_attr(target, scope):
            self.bind_attr(target, value, scope)

    def bind_attr(self, target: ast.Attribute, value: Bound, scope: Scope) -> None:
        method = scope.function()
        if method is None or method.cls is None:
            return
        key = (method.cls, target.attr)
        self.result.class_attrs.setdefault(key, []).append((value, method))

    def bind_params(
        self, args: ast.arguments, scope: Scope, skip: str | None, annotations: bool = True
    ) -> None:
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.arg == skip:
                continue
            annotation = arg.annotation if annotations else None
            scope.bind(arg.arg, Annotated(annotation, None) if annotation is not None else UNKNOWN)
        for star in (args.vararg, args.kwarg):
            if star is not None:
                scope.bind(star.arg, UNKNOWN)


def _is_self_attr(target: ast.Attribute, scope: Scope) -> bool:
    if not isinstance(target.value, ast.Name):
        return False
    method = scope.function()
    return method is not None and method.self_name == target.value.id


def _decorator_name(decorator: ast.expr) -> str | None:
    if isinstance(decorator, ast.Name):
        return decorator.id
    if isinstance(decorator, ast.Attribute):
        return decorator.attr
    return None
