"""Quick fixes for pyflakes findings: remove an unused import, an unused `as e`, a needless `f`."""

from __future__ import annotations

import ast
import re

from lionagi_playground.server.analysis.findings import Edit, Fix, Span
from lionagi_playground.server.analysis.literals import literals
from lionagi_playground.server.analysis.source import Source

_BLOCK_FIELDS = ("body", "orelse", "finalbody")
_BLOCKS: tuple[type[ast.AST], ...] = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.ExceptHandler,
    ast.match_case,
)
_TRAILING_COMMA = re.compile(r"[ \t]*,")


def imported_name(statement: ast.Import | ast.ImportFrom, alias: ast.alias) -> str:
    """The name pyflakes gives this alias in "... imported but unused" (mirrors its bindings)."""
    bound = alias.asname or alias.name
    if isinstance(statement, ast.Import):
        if alias.asname is None:
            return alias.name
        full = alias.name
    else:
        module = "." * statement.level + (statement.module or "")
        full = module + alias.name if module.endswith(".") else f"{module}.{alias.name}"
    return full if full.split(".")[-1] == bound else f"{full} as {bound}"


def remove_import(
    source: Source, statement: ast.Import | ast.ImportFrom, alias: ast.alias
) -> Fix | None:
    title = f"Remove unused import '{alias.asname or alias.name}'"
    if len(statement.names) > 1:
        return Fix(title, (_remove_alias(source, statement, alias),))
    edit = _remove_statement(source, statement)
    return Fix(title, (edit,)) if edit is not None else None


def _remove_statement(source: Source, statement: ast.stmt) -> Edit | None:
    span = source.span(statement)
    block = _block_of(source, statement)
    if block is None:
        return None
    siblings, in_module = block
    if len(siblings) == 1 and not in_module:
        return Edit(span, "pass")  # An empty block would not parse.
    index = next(i for i, sibling in enumerate(siblings) if sibling is statement)
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    preceding = siblings[index - 1] if index > 0 else None
    if following is not None and following.lineno == statement.end_lineno:
        # `import os; x = 1`: take the separator with the statement.
        start = source.span(following)
        return Edit(Span(span.line, span.col, start.line, start.col), "")
    if preceding is not None and preceding.end_lineno == statement.lineno:
        end = source.span(preceding)
        return Edit(Span(end.end_line, end.end_col, span.end_line, span.end_col), "")
    lines = source.lines
    if span.end_line + 1 < len(lines):
        return Edit(Span(span.line, 0, span.end_line + 1, 0), "")
    return Edit(Span(span.line, 0, span.end_line, len(lines[span.end_line])), "")


def _block_of(source: Source, statement: ast.stmt) -> tuple[list[ast.stmt], bool] | None:
    """The statement list holding `statement`, and whether it is the module's."""
    tree = source.tree
    if tree is None:
        return None
    if any(child is statement for child in tree.body):
        return tree.body, True
    for kind in _BLOCKS:
        for block in source.nodes(kind):
            first = getattr(block, "lineno", None)  # match_case has no position
            last = getattr(block, "end_lineno", None)
            if first is not None and last is not None and not first <= statement.lineno <= last:
                continue
            for name in _BLOCK_FIELDS:
                statements: list[ast.stmt] = getattr(block, name, [])
                if any(child is statement for child in statements):
                    return statements, False
    return None


def _remove_alias(source: Source, statement: ast.Import | ast.ImportFrom, alias: ast.alias) -> Edit:
    names = statement.names
    index = next(i for i, name in enumerate(names) if name is alias)
    span = source.span(alias)
    if index + 1 < len(names):
        # Up to the next name: takes the comma, the spacing and any line break.
        following = source.span(names[index + 1])
        return Edit(Span(span.line, span.col, following.line, following.col), "")
    line = source.lines[span.end_line]
    comma = _TRAILING_COMMA.match(line, span.end_col)
    if comma is not None:
        # `(\n    a,\n    b,\n)`: drop "b," and then its line if nothing is left on it.
        if not line[: span.col].strip() and not line[comma.end() :].strip():
            return Edit(Span(span.line, 0, span.line + 1, 0), "")
        return Edit(Span(span.line, span.col, span.end_line, comma.end()), "")
    preceding = source.span(names[index - 1])
    return Edit(Span(preceding.end_line, preceding.end_col, span.end_line, span.end_col), "")


def drop_unused_as(source: Source, handler: ast.ExceptHandler) -> tuple[Span | None, Fix | None]:
    """The span of the unused name in `except E as e:`, and a fix removing ` as e`."""
    if handler.type is None or handler.name is None:
        return None, None
    after = source.span(handler.type)
    line = source.lines[after.end_line]
    found = re.compile(rf"\)*(\s+as\s+)({re.escape(handler.name)})(?!\w)").match(
        line, after.end_col
    )
    if found is None:
        return None, None
    name = Span(after.end_line, found.start(2), after.end_line, found.end(2))
    removed = Span(after.end_line, found.start(1), after.end_line, found.end(2))
    return name, Fix(f"Remove unused name '{handler.name}'", (Edit(removed, ""),))


def drop_f_prefix(source: Source, string: ast.JoinedStr) -> Fix | None:
    """Remove the `f` of every piece of an f-string that has no placeholders."""
    span = source.span(string)
    text = source.segment(span)
    if "{" in text or "}" in text:
        return None  # `{{` would have to become `{`: not worth the risk.
    pieces = literals(text)
    if pieces is None:
        return None
    edits = []
    for piece in pieces:
        f_at = piece.prefix.lower().find("f")
        if f_at < 0:
            continue
        index = piece.start + f_at
        line = span.line + text.count("\n", 0, index)
        col = index - (text.rfind("\n", 0, index) + 1) + (span.col if line == span.line else 0)
        edits.append(Edit(Span(line, col, line, col + 1), ""))
    return Fix("Remove the needless 'f' prefix", tuple(edits)) if edits else None
