"""What every lionagi rule reads: the source, the knowledge, one walk, imports, types, callees.

Built once per check; rules only read it. `callee(call)` answers "what lionagi
thing does this call invoke" once per call, however many rules ask.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import NamedTuple

from lionagi_playground.server.analysis.findings import Edit, Finding, Fix, Severity, Span
from lionagi_playground.server.analysis.lionagi_rules.index import index
from lionagi_playground.server.analysis.lionagi_rules.infer import Imports, Types
from lionagi_playground.server.analysis.lionagi_rules.scopes import Scope
from lionagi_playground.server.analysis.lionagi_rules.walk import Walk, walk
from lionagi_playground.server.analysis.source import Source
from lionagi_playground.server.knowledge import Knowledge, Symbol

SOURCE = "lionagi"
# Non-lionagi callables a rule looks at.
_OTHER_CALLEES = frozenset({"asyncio.run"})


class Callee(NamedTuple):
    """What a call invokes, as far as lionagi is concerned."""

    qualified: str | None
    """The dotted name the callee was imported as (`lionagi.Branch`, `asyncio.run`)."""
    constructs: str | None = None
    """The lionagi class it instantiates (`Branch` for `Branch(...)`)."""
    receiver: str | None = None
    """For `x.m(...)`: the lionagi class `x` is an instance of (or the class itself)."""
    method: str | None = None
    symbol: Symbol | None = None
    """The knowledge's symbol for what is called, when known."""
    on_class: bool = False
    """`Branch.m(...)` on the class itself rather than on an instance."""
    target: str | None = None
    """`Branch` for a constructor, `Branch.operate` for a method."""


def _callee(
    qualified: str | None,
    constructs: str | None,
    receiver: str | None,
    method: str | None,
    symbol: Symbol | None,
    on_class: bool,
    target: str | None,
) -> Callee:
    # tuple.__new__ skips the generated __new__ (a Python function): one per call site.
    fields = (qualified, constructs, receiver, method, symbol, on_class, target)
    return tuple.__new__(Callee, fields)


CallSite = tuple[ast.Call, Scope, Callee]


class Context:
    """One module under check: its walk, imports, types, and its calls resolved once."""

    def __init__(self, source: Source, tree: ast.Module, knowledge: Knowledge) -> None:
        self.source = source
        self.knowledge = knowledge
        self.index = index(knowledge)
        watch = frozenset(self.index.removed_methods) | {"run_until_complete"}
        self.walk: Walk = walk(tree, watch, _module_aliases(tree))
        self.imports = Imports(self.walk.imports)
        self.types = Types(self.walk, self.imports, knowledge)
        self._members = self.index.members
        self.lionagi_calls: list[CallSite] = []
        """Every call of something lionagi (or asyncio) we know."""
        self.constructions: list[CallSite] = []
        """`Branch(...)`, `iModel(...)`: the calls that make a lionagi object."""
        self.method_calls: list[CallSite] = []
        """`branch.operate(...)`: calls of a known method on a known lionagi object."""
        for call, scope in self.walk.calls:
            callee = self._resolve(call, scope)
            if callee is None:
                continue
            site = (call, scope, callee)
            self.lionagi_calls.append(site)
            if callee.constructs is not None:
                self.constructions.append(site)
            elif callee.method is not None and callee.symbol is not None:
                self.method_calls.append(site)

    def parent(self, node: ast.AST) -> ast.AST | None:
        """The parent of a call, await, keyword argument, attribute or starred argument."""
        return self.walk.parents.get(node)

    def _resolve(self, call: ast.Call, scope: Scope) -> Callee | None:
        """What `call` invokes, if it is something lionagi (or asyncio) we know about."""
        func = call.func
        kind = type(func)
        imported = self.imports.names
        if kind is ast.Name:
            if func.id not in imported:  # type: ignore[attr-defined]
                return None  # print(...), a local function: the most common call by far
        elif kind is ast.Attribute:
            base = func.value  # type: ignore[attr-defined]
            while type(base) is ast.Attribute:
                base = base.value
            if type(base) is not ast.Name or base.id not in imported:
                # `branch.chat(...)`, `self.x.y(...)`: only a method we check is of interest.
                if func.attr not in self._members:  # type: ignore[attr-defined]
                    return None
                return self._method(func, scope, None)  # type: ignore[arg-type]
        else:
            return None
        qualified = self.imports.qualified(func)
        constructs = self.types.export_class(qualified)
        if constructs is not None:
            symbol = self.knowledge.export(constructs)
            return _callee(qualified, constructs, None, None, symbol, False, constructs)
        if type(func) is ast.Attribute and func.attr in self._members:
            found = self._method(func, scope, qualified)
            if found is not None:
                return found
        if qualified is None:
            return None
        if qualified.startswith("lionagi."):
            symbol = self.knowledge.symbol(qualified)
            return _callee(qualified, None, None, None, symbol, False, None)
        if qualified in _OTHER_CALLEES:
            return _callee(qualified, None, None, None, None, False, None)
        return None

    def _method(self, func: ast.Attribute, scope: Scope, qualified: str | None) -> Callee | None:
        """`x.m(...)` where `x` is an instance (or the class) of a lionagi class."""
        receiver = self.types.of(func.value, scope)
        on_class = receiver is None
        if on_class:
            receiver = self.types.class_of_expr(func.value)
        if receiver is None:
            return None
        method = func.attr
        symbol = self.index.member(receiver, method)
        return _callee(qualified, None, receiver, method, symbol, on_class, f"{receiver}.{method}")

    def argument(self, call: ast.Call, symbol: Symbol | None, name: str) -> ast.expr | None:
        """The expression passed for parameter `name` of `symbol`, by keyword or by position."""
        for keyword in call.keywords:
            if keyword.arg == name:
                return keyword.value
        if symbol is None or not call.args:
            return None
        positional = self.index.shape(symbol).positional
        if name not in positional:
            return None
        where = positional.index(name)
        if where >= len(call.args) or any(
            isinstance(a, ast.Starred) for a in call.args[: where + 1]
        ):
            return None
        return call.args[where]

    # -- positions ----------------------------------------------------------

    def span(self, node: ast.AST) -> Span:
        return self.source.span(node)

    def text(self, node: ast.AST) -> str:
        return self.source.segment(self.source.span(node))

    def attr_span(self, node: ast.Attribute) -> Span:
        """Just the name after the dot."""
        end = self.span(node)
        return Span(end.end_line, end.end_col - len(node.attr), end.end_line, end.end_col)

    def keyword_name_span(self, keyword: ast.keyword) -> Span:
        start = self.span(keyword)
        return Span(start.line, start.col, start.line, start.col + len(keyword.arg or ""))

    def alias_name_span(self, alias: ast.alias) -> Span:
        start = self.span(alias)
        name = alias.name
        return Span(start.line, start.col, start.line, start.col + len(name))

    def finding(
        self,
        span: Span,
        code: str,
        severity: Severity,
        message: str,
        fixes: Sequence[Fix] = (),
        deprecated: bool = False,
    ) -> Finding:
        return Finding(span, severity, SOURCE, code, message, tuple(fixes), deprecated=deprecated)

    # -- edits ----------------------------------------------------------------

    def string_edit(self, node: ast.Constant, new_value: str) -> Edit | None:
        """Replace a one-line string literal's value, keeping its quotes; None if not simple."""
        span = self.span(node)
        text = self.source.segment(span)
        if span.line != span.end_line or len(text) < 2 or text[0] not in "'\"":
            return None
        quote = text[0]
        if text.startswith(quote * 3) or text[-1] != quote or quote in new_value:
            return None
        if "\\" in new_value:
            return None
        return Edit(span, f"{quote}{new_value}{quote}")

    def remove_argument(self, call: ast.Call, argument: ast.AST) -> Edit | None:
        """Delete one argument (`x=1`) with its comma; None if the layout is unusual."""
        items: list[ast.AST] = [*call.args, *call.keywords]
        items.sort(key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
        if argument not in items:
            return None
        index = items.index(argument)
        here = self.span(argument)
        if index + 1 < len(items):
            after = self.span(items[index + 1])
            return Edit(Span(here.line, here.col, after.line, after.col), "")
        if index > 0:
            before = self.span(items[index - 1])
            return Edit(Span(before.end_line, before.end_col, here.end_line, here.end_col), "")
        return Edit(here, "")


def fix(title: str, *edits: Edit | None, preferred: bool = True) -> tuple[Fix, ...]:
    """A one-fix tuple, or () when an edit could not be made."""
    if not edits or any(edit is None for edit in edits):
        return ()
    return (Fix(title, tuple(e for e in edits if e is not None), preferred),)


def _module_aliases(tree: ast.Module) -> frozenset[str]:
    """Names bound to the `lionagi` package itself (`import lionagi as li` -> `li`)."""
    names: set[str] = set()
    for node in _top_level(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "lionagi":
                    names.add(alias.asname or "lionagi")
                elif alias.name.startswith("lionagi.") and not alias.asname:
                    names.add("lionagi")
    return frozenset(names)


def _top_level(tree: ast.Module) -> list[ast.stmt]:
    """Module statements, one level into `if`/`try` (where guarded imports live)."""
    found: list[ast.stmt] = []
    for node in tree.body:
        found.append(node)
        if isinstance(node, (ast.If, ast.Try)):
            found.extend(node.body)
    return found
