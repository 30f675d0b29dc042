"""Rule on methods lionagi removed from its classes: `branch.instruct(...)`, `branch.send(...)`.

LION201. Only objects the type inference knows for sure (a `Branch` made,
cloned, annotated or stored on `self`) are checked, and a method the
installed class has again is never reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Edit, Finding, Fix, Severity
from lionagi_playground.server.analysis.lionagi_rules.context import Context, fix
from lionagi_playground.server.knowledge.history import RemovedMethod


def check(ctx: Context) -> Iterator[Finding]:
    table = ctx.index.removed_methods
    for node, scope in ctx.walk.attributes:
        entries = table.get(node.attr)
        if not entries or not isinstance(node.ctx, ast.Load):
            continue
        receiver = ctx.types.of(node.value, scope) or ctx.types.class_of_expr(node.value)
        entry = next((e for e in entries if e.cls == receiver), None)
        if entry is None or ctx.knowledge.has_member(entry.cls, entry.name):
            continue
        span = ctx.attr_span(node)
        fixes: tuple[Fix, ...] = ()
        if entry.rename_to:
            fixes = fix(f"Use `{entry.rename_to}`", Edit(span, entry.rename_to))
        yield ctx.finding(
            span, "LION201", Severity.ERROR, _message(entry), fixes,
            deprecated=entry.status != "never",
        )  # fmt: skip


def _message(entry: RemovedMethod) -> str:
    if entry.status == "never":
        text = f"`{entry.cls}` has no method `{entry.name}`"
    else:
        when = f" in lionagi {entry.version}" if entry.version else ""
        text = f"`{entry.cls}.{entry.name}` was removed{when}"
    if entry.note:
        text += f" ({entry.note})"
    return f"{text}: use {entry.replacement}"
