"""Rules on async use: a lionagi coroutine not awaited, an async generator awaited, nested loops.

LION401 a coroutine method (`branch.communicate`) called without `await`.
LION402 an async generator (`branch.run`, `ReActStream`) awaited or iterated with a plain `for`.
LION403 `asyncio.run(...)` inside `async def` (the loop is already running).
Which methods are coroutines or async generators comes from the knowledge
(the installed lionagi), never from a list here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Edit, Finding, Fix, Severity, Span
from lionagi_playground.server.analysis.lionagi_rules.context import Callee, Context, fix
from lionagi_playground.server.analysis.lionagi_rules.scopes import Scope

# Calls that only show or convert their argument: a coroutine object passed
# to them is certainly a mistake. Any other callee might await it.
SYNC_SINKS = frozenset(
    {"print", "str", "repr", "len", "list", "dict", "tuple", "set", "int", "float", "bool"}
    | {"sorted", "dumps", "pprint", "display", "format", "write"}
)
_MISUSED_PARENTS = (
    ast.Expr, ast.Attribute, ast.Subscript, ast.FormattedValue, ast.Compare, ast.If,
    ast.While, ast.UnaryOp, ast.BoolOp, ast.BinOp,
)  # fmt: skip
_ITEM = "chunk"


def check(ctx: Context) -> Iterator[Finding]:
    for attribute, scope in ctx.walk.attributes:
        call = ctx.parent(attribute)
        if (
            isinstance(call, ast.Call)
            and call.func is attribute
            and attribute.attr == "run_until_complete"
        ):
            yield from _nested_loop(ctx, call, scope, "loop.run_until_complete()")
    passed: _Passed = _Passed(ctx)
    for call, scope, callee in ctx.lionagi_calls:
        if callee.qualified == "asyncio.run":
            yield from _nested_loop(ctx, call, scope, "asyncio.run()")
            continue
        kind = callee.symbol.kind if callee.symbol is not None else None
        if kind == "coroutine":
            yield from _unawaited(ctx, call, scope, callee, passed)
        elif kind == "asyncgen":
            yield from _awaited_generator(ctx, call, scope, callee)


class _Passed:
    """(scope, name) of variables whose coroutine may well be awaited somewhere.

    A variable holding `branch.chat(...)` is reported only when every later
    use of it is a certain mistake (shown, converted, its attribute read) or
    there is none; any other use (awaited, returned, put in a list, passed to
    gather or to a function of the user's) counts as handing it on. Computed
    per scope on first use: correct code awaits its coroutines and never asks.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._names: dict[Scope, set[str]] = {}

    def __contains__(self, key: tuple[Scope, str]) -> bool:
        scope, name = key
        names = self._names.get(scope)
        if names is None:
            names = self._names[scope] = _handed_on(scope.node)
        return name in names


_NEW_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _handed_on(root: ast.AST) -> set[str]:
    """Names loaded in the body of `root` (not in nested scopes) other than by a mistake."""
    found: set[str] = set()
    stack: list[tuple[ast.AST, ast.AST]] = [(child, root) for child in ast.iter_child_nodes(root)]
    while stack:
        node, parent = stack.pop()
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and not _misused(node, parent):
                found.add(node.id)
            continue
        if not isinstance(node, _NEW_SCOPES):
            stack.extend((child, node) for child in ast.iter_child_nodes(node))
    return found


def _misused(node: ast.expr, parent: ast.AST) -> bool:
    """A use of a coroutine object that is certainly a mistake."""
    if isinstance(parent, ast.Call):
        return parent.func is node or (node in parent.args and _func_name(parent) in SYNC_SINKS)
    if isinstance(parent, (ast.Attribute, ast.Subscript)):
        return parent.value is node
    return isinstance(parent, (ast.FormattedValue, ast.Compare, ast.If, ast.While))


def _unawaited(
    ctx: Context, call: ast.Call, scope: Scope, callee: Callee, passed: _Passed
) -> Iterator[Finding]:
    parent = ctx.parent(call)
    if parent is None or isinstance(parent, ast.Await):
        return
    if isinstance(parent, (ast.Assign, ast.AnnAssign)):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            return
        if (scope, targets[0].id) in passed:
            return
    elif isinstance(parent, (ast.Call, ast.keyword)):
        outer = parent if isinstance(parent, ast.Call) else ctx.parent(parent)
        if not isinstance(outer, ast.Call):
            return
        if outer.func is not call and _func_name(outer) not in SYNC_SINKS:
            return
    elif not isinstance(parent, _MISUSED_PARENTS):
        return
    name = _display(ctx, call)
    function = scope.function()
    if function is not None and function.is_async:
        message = (
            f"`{name}(...)` is a coroutine: without `await` it returns a coroutine object and "
            f"never runs. Write `await {name}(...)`"
        )
        span = ctx.span(call)
        if _needs_parentheses(parent, call):
            edits: tuple[Edit, ...] = (
                Edit(Span(span.line, span.col, span.line, span.col), "(await "),
                Edit(Span(span.end_line, span.end_col, span.end_line, span.end_col), ")"),
            )
        else:
            edits = (Edit(Span(span.line, span.col, span.line, span.col), "await "),)
        fixes = fix(f"Add `await` before `{name}(...)`", *edits)
    else:
        where = "at module level" if function is None else "in a plain `def`"
        message = (
            f"`{name}(...)` is a coroutine and is called {where} without `await`: it never "
            f"runs. Call it as `await {name}(...)` inside an `async def main()`, and run that "
            "with `asyncio.run(main())`"
        )
        fixes = ()
    yield ctx.finding(ctx.span(call), "LION401", Severity.ERROR, message, fixes)


def _awaited_generator(
    ctx: Context, call: ast.Call, scope: Scope, callee: Callee
) -> Iterator[Finding]:
    parent = ctx.parent(call)
    if not isinstance(parent, (ast.Await, ast.For)):
        return
    name = _display(ctx, call)
    function = scope.function()
    in_async = function is not None and function.is_async
    if isinstance(parent, ast.Await):
        message = (
            f"`{name}(...)` is an async generator: `await` on it raises TypeError. "
            f"Iterate over it with `async for {_ITEM} in {name}(...):`"
        )
        fixes = _loop_fixes(ctx, parent, ctx.text(call)) if in_async else ()
        yield ctx.finding(ctx.span(parent), "LION402", Severity.ERROR, message, fixes)
    elif isinstance(parent, ast.For) and parent.iter is call:
        message = (
            f"`{name}(...)` is an async generator: a plain `for` raises TypeError. "
            f"Use `async for` (inside `async def`)"
        )
        start = ctx.span(parent)
        edit = Edit(Span(start.line, start.col, start.line, start.col), "async ")
        fixes = fix("Use `async for`", edit) if in_async else ()
        yield ctx.finding(ctx.span(call), "LION402", Severity.ERROR, message, fixes)


def _loop_fixes(ctx: Context, awaited: ast.Await, call_text: str) -> tuple[Fix, ...]:
    statement = ctx.parent(awaited)
    if (
        isinstance(statement, ast.Assign)
        and len(statement.targets) == 1
        and isinstance(statement.targets[0], ast.Name)
    ):
        text = f"[{_ITEM} async for {_ITEM} in {call_text}]"
        return fix("Collect the items with `async for`", Edit(ctx.span(awaited), text))
    if isinstance(statement, ast.Expr) and _alone_on_lines(ctx, ctx.span(statement)):
        span = ctx.span(statement)
        indent = ctx.source.lines[span.line][: span.col]
        text = f"async for {_ITEM} in {call_text}:\n{indent}    print({_ITEM})"
        return fix("Iterate with `async for` and print each item", Edit(span, text))
    return ()


def _nested_loop(ctx: Context, call: ast.Call, scope: Scope, what: str) -> Iterator[Finding]:
    function = scope.function()
    if function is None or not function.is_async or _inside_lambda(ctx, call, function.node):
        return
    message = (
        f"`{what}` inside `async def` raises RuntimeError: an event loop is already running. "
        "`await` the coroutine instead"
    )
    fixes: tuple[Fix, ...] = ()
    if len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Starred):
        text = f"await {ctx.text(call.args[0])}"
        if _needs_parentheses(ctx.parent(call), call):
            text = f"({text})"
        fixes = fix(f"Replace `{what}` with `await`", Edit(ctx.span(call), text))
    yield ctx.finding(ctx.span(call), "LION403", Severity.ERROR, message, fixes)


def _needs_parentheses(parent: ast.AST | None, node: ast.expr) -> bool:
    """`(await x).attr`, `(await x)[0]`, `(await x)()`: `await` binds looser than these."""
    if isinstance(parent, (ast.Attribute, ast.Subscript)):
        return parent.value is node
    return isinstance(parent, ast.Call) and parent.func is node


def _inside_lambda(ctx: Context, node: ast.expr, function: ast.AST) -> bool:
    """Whether `node` is in the body of a lambda inside `function` (which may run elsewhere)."""
    where = (node.lineno, node.col_offset)
    inside = (getattr(function, "lineno", 0), getattr(function, "end_lineno", None) or 0)
    for lam in ctx.walk.lambdas:
        if not inside[0] <= lam.lineno <= inside[1]:
            continue
        end = (lam.end_lineno or lam.lineno, lam.end_col_offset or lam.col_offset)
        if (lam.lineno, lam.col_offset) <= where <= end:
            return True
    return False


def _alone_on_lines(ctx: Context, span: Span) -> bool:
    """Nothing but indentation before, and nothing but a comment after, the statement."""
    lines = ctx.source.lines
    before = lines[span.line][: span.col]
    after = lines[span.end_line][span.end_col :].strip()
    return not before.strip() and (not after or after.startswith("#"))


def _func_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _display(ctx: Context, call: ast.Call) -> str:
    """`branch.communicate` for the call (shortened when the receiver is long)."""
    text = ctx.text(call.func)
    if len(text) > 40 or "\n" in text:
        func = call.func
        return f"….{func.attr}" if isinstance(func, ast.Attribute) else text[:40]
    return text
