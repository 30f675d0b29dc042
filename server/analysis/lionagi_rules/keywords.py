"""Rule on keyword arguments lionagi no longer takes: `operate(request_model=)`, `Branch(imodel=)`.

LION301 (removed: TypeError, ValidationError, or silently ignored) and LION302
(deprecated, no effect). A keyword the installed signature names again is
never reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from lionagi_playground.server.analysis.findings import Edit, Finding, Severity
from lionagi_playground.server.analysis.lionagi_rules.context import Context, fix
from lionagi_playground.server.knowledge.history import RemovedKeyword

_EFFECT = {
    "TypeError": "raises TypeError",
    "ValidationError": "raises a ValidationError",
    "ignored": "is silently ignored",
    "deprecated": "is deprecated and has no effect",
}


def check(ctx: Context) -> Iterator[Finding]:
    table = ctx.index.removed_keywords
    if not table:
        return
    for call, _scope, callee in ctx.lionagi_calls:
        target = callee.target
        entries = table.get(target) if target and call.keywords else None
        if not entries:
            continue
        for keyword in call.keywords:
            entry = entries.get(keyword.arg or "")
            if entry is None:
                continue
            deprecated = entry.failure == "deprecated"
            live = callee.symbol.param(entry.keyword) if callee.symbol is not None else None
            if live is not None and not deprecated:
                continue  # the installed lionagi takes it (again)
            span = ctx.keyword_name_span(keyword)
            given = {k.arg for k in call.keywords}
            if entry.rename_to and entry.rename_to not in given:
                fixes = fix(f"Rename to `{entry.rename_to}=`", Edit(span, entry.rename_to))
            else:
                fixes = fix(f"Remove `{entry.keyword}=`", ctx.remove_argument(call, keyword))
            yield ctx.finding(
                span,
                "LION302" if deprecated else "LION301",
                _severity(entry),
                _message(entry),
                fixes,
                deprecated=True,
            )


def _severity(entry: RemovedKeyword) -> Severity:
    if entry.failure == "deprecated":
        return Severity.INFORMATION
    if entry.failure == "ignored":
        return Severity.WARNING
    return Severity.ERROR


def _message(entry: RemovedKeyword) -> str:
    target = entry.target if "." in entry.target else f"{entry.target}(...)"
    since = f" (since lionagi {entry.version})" if entry.version else ""
    text = f"`{entry.keyword}=` {_EFFECT[entry.failure]} in `{target}`{since}"
    if entry.rename_to:
        text += f": use `{entry.rename_to}=`"
    else:
        text += ": remove it"
    if entry.note:
        text += f" ({entry.note})"
    return text
