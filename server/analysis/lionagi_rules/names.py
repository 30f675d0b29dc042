"""Rules on lionagi names: imports and `lionagi.X` of names and modules that do not exist.

LION101 a name lionagi does not have (removed, renamed, or never there).
LION102 a module that moved or does not exist.
LION103 a name that still works but is deprecated.
What exists is the installed lionagi's (exports, modules, probes); the
history only explains and suggests. A name the installed lionagi exports is
never reported as missing, even if the history lists it.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterator
from dataclasses import replace

from lionagi_playground.server.analysis.findings import Edit, Finding, Fix, Severity, Span
from lionagi_playground.server.analysis.lionagi_rules.context import Context, fix
from lionagi_playground.server.knowledge.history import RemovedName

PACKAGE = "lionagi"


def check(ctx: Context) -> Iterator[Finding]:
    for node in ctx.walk.imports:
        if isinstance(node, ast.Import):
            yield from _import(ctx, node)
        elif node.module and not node.level:
            yield from _import_from(ctx, node)
    yield from _module_attributes(ctx)


def _import(ctx: Context, node: ast.Import) -> Iterator[Finding]:
    for alias in node.names:
        if alias.name.split(".")[0] == PACKAGE:
            finding = _missing_module(ctx, alias.name, ctx.span(alias))
            if finding is not None:
                yield finding


def _import_from(ctx: Context, node: ast.ImportFrom) -> Iterator[Finding]:
    module = node.module or ""
    if module.split(".")[0] != PACKAGE:
        return
    if module != PACKAGE:
        finding = _missing_module(ctx, module, _module_span(ctx, node, module))
        if finding is not None:
            yield finding
            return
    for alias in node.names:
        if alias.name == "*":
            continue
        finding = _imported_name(ctx, node, alias)
        if finding is not None:
            yield finding


def _imported_name(ctx: Context, node: ast.ImportFrom, alias: ast.alias) -> Finding | None:
    module = node.module or PACKAGE
    span = ctx.alias_name_span(alias)
    finding = _judge(ctx, module, alias.name, span)
    if finding is None or finding.code != "LION101" or alias.asname or not finding.fixes:
        return finding
    # A straight rename of an imported name also renames its uses.
    rename = finding.fixes[0]
    new = rename.edits[0].new_text
    edits = (*rename.edits, *_rename_uses(ctx, alias.name, new))
    return replace(finding, fixes=fix(rename.title, *edits))


def _module_attributes(ctx: Context) -> Iterator[Finding]:
    for node, _scope in ctx.walk.attributes:
        if not isinstance(node.ctx, ast.Load) or ctx.imports.qualified(node.value) != PACKAGE:
            continue
        if node.attr.startswith("__"):
            continue
        finding = _judge(ctx, PACKAGE, node.attr, ctx.attr_span(node))
        if finding is not None:
            yield finding


def _judge(ctx: Context, module: str, name: str, span: Span) -> Finding | None:
    """The finding for using `module.name`, if any."""
    entry = _history(ctx, module, name)
    exists = _exists(ctx, module, name)
    if exists is not False:
        if entry is not None and entry.status == "deprecated":
            return _deprecated(ctx, span, module, entry)
        if exists or entry is None:
            return None
    if entry is None:
        # We know the contents of the top-level package only.
        return _unknown(ctx, span, name) if module == PACKAGE else None
    fixes = fix(f"Use `{entry.rename_to}`", Edit(span, entry.rename_to)) if entry.rename_to else ()
    return ctx.finding(
        span, "LION101", Severity.ERROR, _removed_message(module, entry), fixes,
        deprecated=entry.status != "never",
    )  # fmt: skip


def _exists(ctx: Context, module: str, name: str) -> bool | None:
    """Whether `from module import name` works in the installed lionagi; None if unknown."""
    knowledge = ctx.knowledge
    if knowledge.version is None:
        return None
    if module == PACKAGE:
        return (
            name in knowledge.exports
            or name in knowledge.names
            or f"{PACKAGE}.{name}" in knowledge.modules
        )
    if f"{module}.{name}" in knowledge.modules:
        return True
    return knowledge.probes.get(f"{module}:{name}")


def _history(ctx: Context, module: str, name: str) -> RemovedName | None:
    for entry in ctx.knowledge.history.removed_names:
        if entry.name == name and entry.module == module:
            return entry
    return None


def _missing_module(ctx: Context, module: str, span: Span) -> Finding | None:
    knowledge = ctx.knowledge
    if knowledge.version is not None and module in knowledge.modules:
        return None
    for moved in knowledge.history.moved_modules:
        if module == moved.old_prefix or module.startswith(moved.old_prefix + "."):
            message = (
                f"`{module}` moved in lionagi {moved.version} to `{moved.new_prefix}`: {moved.note}"
            )
            return ctx.finding(span, "LION102", Severity.ERROR, message, deprecated=True)
    if knowledge.version is None:
        return None
    close = difflib.get_close_matches(module, sorted(knowledge.modules), n=1, cutoff=0.85)
    message = f"lionagi {knowledge.version} has no module `{module}`"
    fixes: tuple[Fix, ...] = ()
    if close:
        message += f": did you mean `{close[0]}`?"
        fixes = fix(f"Use `{close[0]}`", Edit(span, close[0]))
    return ctx.finding(span, "LION102", Severity.ERROR, message, fixes)


def _unknown(ctx: Context, span: Span, name: str) -> Finding:
    knowledge = ctx.knowledge
    close = difflib.get_close_matches(name, sorted(knowledge.exports), n=1, cutoff=0.75)
    message = f"lionagi {knowledge.version} has no `{name}`"
    fixes: tuple[Fix, ...] = ()
    if close:
        message += f": did you mean `{close[0]}`?"
        fixes = fix(f"Use `{close[0]}`", Edit(span, close[0]))
    return ctx.finding(span, "LION101", Severity.ERROR, message, fixes)


def _deprecated(ctx: Context, span: Span, module: str, entry: RemovedName) -> Finding:
    since = f" since lionagi {entry.version}" if entry.version else ""
    message = f"`{module}.{entry.name}` is deprecated{since}: use {entry.replacement}"
    fixes = fix(f"Use `{entry.rename_to}`", Edit(span, entry.rename_to)) if entry.rename_to else ()
    return ctx.finding(span, "LION103", Severity.INFORMATION, message, fixes, deprecated=True)


def _removed_message(module: str, entry: RemovedName) -> str:
    if entry.status == "never":
        text = f"lionagi has no `{entry.name}`"
        text += f" ({entry.note})" if entry.note else ""
        return f"{text}: use {entry.replacement}"
    if entry.status == "deprecated":
        since = f" since {entry.version}" if entry.version else ""
        text = f"`{module}.{entry.name}` is gone (it was deprecated{since})"
    else:
        when = f" in lionagi {entry.version}" if entry.version else ""
        text = f"`{module}.{entry.name}` was removed{when}"
    if entry.note:
        text += f" ({entry.note})"
    return f"{text}: use {entry.replacement}"


def _module_span(ctx: Context, node: ast.ImportFrom, module: str) -> Span:
    """The module name in `from <module> import ...` (the AST gives no position for it)."""
    span = ctx.span(node)
    line = ctx.source.lines[span.line]
    col = line.find(module, span.col)
    if col < 0:
        return span
    return Span(span.line, col, span.line, col + len(module))


def _rename_uses(ctx: Context, old: str, new: str) -> list[Edit]:
    """Edits renaming every use of the module-level name `old` (for an import rename)."""
    tree = ctx.source.tree
    if tree is None:
        return []
    return [
        Edit(ctx.span(node), new)
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == old
    ]
