"""Rules on how lionagi methods are called: positional text, tools that never run.

LION501 positional arguments to a keyword-only method (`branch.operate("text")`: TypeError).
LION502 text where a method's first parameter is an `instruct` dict (`branch.ReAct("text")`).
LION503 `operate(tools=...)` without `actions=True`: the tools are never called.
All three read the installed signatures (parameter kinds, names, defaults).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Edit, Finding, Fix, Severity, Span
from lionagi_playground.server.analysis.lionagi_rules.context import Callee, Context, fix
from lionagi_playground.server.analysis.lionagi_rules.index import CallShape
from lionagi_playground.server.knowledge import Symbol


def check(ctx: Context) -> Iterator[Finding]:
    for call, _scope, callee in ctx.method_calls:
        symbol = callee.symbol
        if symbol is None or not symbol.has_signature:
            continue
        shape = ctx.index.shape(symbol)
        # `Branch.operate(b, ...)` on the class passes self positionally.
        positional = call.args and not callee.on_class and not shape.unlimited
        if positional and not any(isinstance(a, ast.Starred) for a in call.args):
            finding = _positional(ctx, call, callee, symbol, shape)
            if finding is not None:
                yield finding
        if shape.actions_off and shape.has_tools:
            finding = _tools_without_actions(ctx, call, callee)
            if finding is not None:
                yield finding


def _positional(
    ctx: Context, call: ast.Call, callee: Callee, symbol: Symbol, shape: CallShape
) -> Finding | None:
    name = f"{callee.receiver}.{callee.method}"
    given = {k.arg for k in call.keywords}
    # Only keyword-only methods (`operate`): other arity errors are Python's business.
    if shape.keyword_only:
        extra = call.args
        span = _covering(ctx, extra)
        message = f"`{name}()` takes keyword arguments only"
        keyword = _keyword_for(symbol, extra[0]) if len(extra) == 1 else None
        fixes: tuple[Fix, ...] = ()
        if keyword is not None and keyword not in given:
            message += f": write `{keyword}=...`"
            start = ctx.span(extra[0])
            insert = Edit(Span(start.line, start.col, start.line, start.col), f"{keyword}=")
            fixes = fix(f"Pass it as `{keyword}=`", insert)
        return ctx.finding(span, "LION501", Severity.ERROR, message + " (TypeError)", fixes)
    arg = call.args[0]
    if not shape.positional or shape.positional[0] != "instruct" or not _is_text(arg):
        return None
    message = (
        f"the first parameter of `{name}()` is `instruct`, a dict such as "
        f'`{{"instruction": ...}}`, not the text: write `{callee.method}(instruct='
        f'{{"instruction": ...}})`'
    )
    fixes = ()
    if len(call.args) == 1 and "instruct" not in given:
        text = f'instruct={{"instruction": {ctx.text(arg)}}}'
        fixes = fix('Pass it as `instruct={"instruction": ...}`', Edit(ctx.span(arg), text))
    return ctx.finding(ctx.span(arg), "LION502", Severity.ERROR, message, fixes)


def _tools_without_actions(ctx: Context, call: ast.Call, callee: Callee) -> Finding | None:
    tools = None
    given = None
    for keyword in call.keywords:
        if keyword.arg is None:
            return None  # **options may carry actions=
        if keyword.arg == "tools":
            tools = keyword
        elif keyword.arg == "actions":
            given = keyword
    if tools is None or _is_falsy(tools.value):
        return None
    if given is not None and not _is_falsy(given.value):
        return None
    message = (
        f"`{callee.receiver}.{callee.method}(tools=...)` without `actions=True` never calls "
        "the tools: the model's tool request comes back as text. Add `actions=True`"
    )
    if given is not None:
        fixes = fix("Set `actions=True`", Edit(ctx.span(given.value), "True"))
    else:
        end = ctx.span(tools)
        insert = Edit(Span(end.end_line, end.end_col, end.end_line, end.end_col), ", actions=True")
        fixes = fix("Add `actions=True`", insert)
    span = ctx.keyword_name_span(tools)
    return ctx.finding(span, "LION503", Severity.WARNING, message, fixes)


def _keyword_for(symbol: Symbol, arg: ast.expr) -> str | None:
    """The keyword a lone positional argument was meant for."""
    wanted = "instruct" if _is_instruct(arg) else "instruction"
    param = symbol.param(wanted)
    return wanted if param is not None and param.is_keyword else None


def _is_instruct(arg: ast.expr) -> bool:
    if isinstance(arg, ast.Dict):
        return True
    if isinstance(arg, ast.Call):
        func = arg.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name == "Instruct"
    return False


def _is_text(arg: ast.expr) -> bool:
    if isinstance(arg, ast.Constant):
        return isinstance(arg.value, str)
    if isinstance(arg, ast.JoinedStr):
        return True
    if isinstance(arg, ast.BinOp) and isinstance(arg.op, (ast.Add, ast.Mod)):
        return _is_text(arg.left)
    return False


def _is_falsy(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return not value.value
    return isinstance(value, (ast.List, ast.Tuple)) and not value.elts


def _covering(ctx: Context, nodes: list[ast.expr]) -> Span:
    first, last = ctx.span(nodes[0]), ctx.span(nodes[-1])
    return Span(first.line, first.col, last.end_line, last.end_col)
