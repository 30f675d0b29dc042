"""Rules on tool functions lionagi cannot turn into a JSON schema.

LION601 the schema builder crashes (`from __future__ import annotations`,
`X | None`, a quoted annotation): `Branch(tools=[f])` raises.
LION602 it builds a schema with a type that is not JSON (`Optional`, `Literal`, a class).
What crashes and what each annotation becomes is read from the installed
lionagi (the introspection builds a tool per annotation shape), so the rules
follow lionagi when it learns new types.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Edit, Finding, Severity, Span
from lionagi_playground.server.analysis.lionagi_rules.context import Context, fix
from lionagi_playground.server.knowledge import SchemaOutcome

JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})
_BUILTIN_SHAPES = frozenset(
    {"str", "int", "float", "bool", "list", "tuple", "dict", "set", "bytes"}
)
_SPECIAL = {"Optional": "Optional", "Union": "Union", "Literal": "Literal", "Any": "Any"}
_BUILTINS = frozenset(dir(builtins))
_Function = ast.FunctionDef | ast.AsyncFunctionDef


def check(ctx: Context) -> Iterator[Finding]:
    if not ctx.knowledge.tool_schema.outcomes:
        return
    seen: set[_Function] = set()
    for call, _scope, callee in ctx.lionagi_calls:
        symbol = callee.symbol
        if symbol is None or not ctx.index.shape(symbol).has_tools:
            continue
        value = ctx.argument(call, symbol, "tools")
        for name in _names(value) if value is not None else ():
            defined = ctx.walk.functions.get(name.id)
            if not defined or defined[-1] in seen:
                continue
            seen.add(defined[-1])
            yield from _check_function(ctx, defined[-1], name)


def _names(value: ast.expr) -> list[ast.Name]:
    if isinstance(value, ast.Name):
        return [value]
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return [v for v in value.elts if isinstance(v, ast.Name)]
    return []


def _annotations(func: _Function) -> list[tuple[str, ast.expr]]:
    args = func.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every.extend(a for a in (args.vararg, args.kwarg) if a is not None)
    return [(a.arg, a.annotation) for a in every if a.annotation is not None]


def _check_function(ctx: Context, func: _Function, registered: ast.Name) -> Iterator[Finding]:
    annotations = _annotations(func)
    if not annotations:
        return
    future = ctx.walk.future_annotations
    outcomes = ctx.knowledge.tool_schema.outcomes
    if future is not None:
        outcome = outcomes.get("'str'")
        if outcome is None or (outcome.ok and outcome.json_type in JSON_TYPES):
            return
        message = (
            f"tool `{func.name}` is defined under `from __future__ import annotations`, so its "
            f"annotations are strings and lionagi cannot build its schema "
            f"({outcome.error or 'invalid schema'}). Remove that import, or register a "
            "function defined in a module without it"
        )
        removal = _future_removal(ctx, future)
        fixes = fix("Remove `from __future__ import annotations`", removal) if removal else ()
        yield ctx.finding(ctx.span(registered), "LION601", Severity.ERROR, message, fixes)
        return
    for param, annotation in annotations:
        shape, shown = _shape(ctx, annotation)
        outcome = outcomes.get(shape)
        if outcome is None or (outcome.ok and outcome.json_type in JSON_TYPES):
            continue
        yield _annotation_finding(ctx, func, param, annotation, outcome, shown)


def _annotation_finding(
    ctx: Context,
    func: _Function,
    param: str,
    annotation: ast.expr,
    outcome: SchemaOutcome,
    shown: str,
) -> Finding:
    written = f"{param}: {ctx.text(annotation)}"
    simpler = _simpler(ctx, annotation)
    advice = (
        f"annotate it as `{simpler}`"
        if simpler
        else "use a plain type (str, int, float, bool, list, dict)"
    )
    if ctx.knowledge.tool_schema.defaults_ignored:
        advice += "; lionagi marks every parameter required, defaults or not"
    if not outcome.ok:
        message = (
            f"tool `{func.name}`: lionagi cannot build a schema from `{written}` "
            f"({outcome.error}), so registering it raises: {advice}"
        )
        code, severity = "LION601", Severity.ERROR
    else:
        json_type = outcome.json_type if shown == "" else shown
        message = (
            f'tool `{func.name}`: lionagi writes `{written}` as the JSON type "{json_type}", '
            f"which is not a JSON schema type (models reject or misread it): {advice}"
        )
        code, severity = "LION602", Severity.WARNING
    fixes = fix(f"Annotate as `{simpler}`", Edit(ctx.span(annotation), simpler)) if simpler else ()
    return ctx.finding(ctx.span(annotation), code, severity, message, fixes)


def _shape(ctx: Context, annotation: ast.expr) -> tuple[str, str]:
    """(the probe shape it behaves like, the type name lionagi would write for a class or '')."""
    if isinstance(annotation, ast.Constant):
        if isinstance(annotation.value, str):
            return "'str'", ""
        return ("None", "") if annotation.value is None else ("Custom", str(annotation.value))
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return "X | None", ""
    base = annotation.value if isinstance(annotation, ast.Subscript) else annotation
    qualified = ctx.imports.qualified(base)
    name = (qualified or "").rsplit(".", 1)[-1] or _last_name(base)
    if isinstance(annotation, ast.Subscript):
        if name in ("list", "dict", "tuple", "set") and qualified is None:
            return f"{name}[]", ""
        if name in _SPECIAL and qualified in (f"typing.{name}", f"typing_extensions.{name}"):
            return _SPECIAL[name], ""
        return "Custom", name
    if name == "Any" and qualified in ("typing.Any", "typing_extensions.Any"):
        return "Any", ""
    if name in _BUILTIN_SHAPES and qualified is None:
        return name, ""
    return "Custom", name


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _simpler(ctx: Context, annotation: ast.expr) -> str | None:
    """A plain annotation lionagi handles that keeps the meaning, when there is an obvious one."""
    options: list[ast.expr] = []
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        options = [annotation.left, annotation.right]
    elif isinstance(annotation, ast.Subscript):
        special, _ = _shape(ctx, annotation)
        inner = annotation.slice
        items = list(inner.elts) if isinstance(inner, ast.Tuple) else [inner]
        if special in ("Optional", "Union"):
            options = items
        elif special == "Literal":
            kinds = {type(i.value) for i in items if isinstance(i, ast.Constant)}
            if len(kinds) == 1 and len(items) == len(
                [i for i in items if isinstance(i, ast.Constant)]
            ):
                kind = kinds.pop()
                return {str: "str", int: "int", float: "float", bool: "bool"}.get(kind)
            return None
    elif isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            parsed = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
        options = [parsed]
    rest = [o for o in options if not (isinstance(o, ast.Constant) and o.value is None)]
    if len(rest) != 1:
        return None
    kept = rest[0]
    shape, _ = _shape(ctx, kept)
    outcome = ctx.knowledge.tool_schema.outcomes.get(shape)
    if outcome is None or not outcome.ok or outcome.json_type not in JSON_TYPES:
        return None
    return ast.unparse(kept)


def _future_removal(ctx: Context, node: ast.ImportFrom) -> Edit | None:
    """Deleting `from __future__ import annotations`, when no annotation needs it."""
    tree = ctx.source.tree
    if tree is None or len(node.names) != 1 or "TYPE_CHECKING" in ctx.source.text:
        return None
    span = ctx.span(node)
    lines = ctx.source.lines
    if lines[span.line][: span.col].strip() or lines[span.end_line][span.end_col :].strip():
        return None
    bound: dict[str, int] = {}
    classes: dict[str, tuple[int, int]] = {}
    for statement in tree.body:
        for name in _bound_names(statement):
            bound.setdefault(name, statement.lineno)
        if isinstance(statement, ast.ClassDef):
            classes[statement.name] = (statement.lineno, statement.end_lineno or statement.lineno)
    for annotation in _every_annotation(tree):
        for part in ast.walk(annotation):
            if not isinstance(part, ast.Name) or (part.id in _BUILTINS and part.id not in bound):
                continue
            line = bound.get(part.id)
            if line is None or line >= part.lineno:
                return None  # a forward reference: it needs the postponed evaluation
            start, end = classes.get(part.id, (0, -1))
            if start <= part.lineno <= end:
                return None  # the class's own name inside its body
    return Edit(Span(span.line, 0, span.end_line + 1, 0), "")


def _bound_names(statement: ast.stmt) -> list[str]:
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in statement.names]
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, ast.Assign):
        return [t.id for t in statement.targets if isinstance(t, ast.Name)]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        return [statement.target.id]
    return []


def _every_annotation(tree: ast.Module) -> Iterator[ast.expr]:
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            yield node.annotation
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns:
            yield node.returns
        elif isinstance(node, ast.AnnAssign):
            yield node.annotation
