"""Look-up tables the lionagi rules derive from a `Knowledge`, built once per knowledge.

A check runs per keystroke; these depend only on the knowledge (hundreds of
symbols), so they are computed on first use and cached by fingerprint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from lionagi_playground.server.knowledge import Knowledge, Symbol
from lionagi_playground.server.knowledge.history import RemovedKeyword, RemovedMethod

# The classes the history speaks of: known even when lionagi is not installed.
HISTORY_CLASSES = frozenset({"Branch", "iModel", "Session"})


class CallShape(NamedTuple):
    """What the call rules need to know about a callable's signature."""

    positional: tuple[str, ...]
    """Names of the parameters that can be passed by position, in order."""
    unlimited: bool
    """It takes `*args`."""
    keyword_only: bool
    """It takes no positional argument and has keyword-only parameters (`operate`)."""
    has_tools: bool
    actions_off: bool
    """It has an `actions` parameter that defaults to False."""


@dataclass(frozen=True)
class Index:
    members: frozenset[str]
    """Names of the methods some rule checks calls of (whose receiver type is worth inferring)."""
    removed_methods: dict[str, tuple[RemovedMethod, ...]]
    """By method name."""
    removed_keywords: dict[str, dict[str, RemovedKeyword]]
    """By target (`Branch`, `Branch.operate`), then keyword."""
    class_by_target: dict[str, str]
    """Full name of an exported class -> its export name."""
    class_by_simple: dict[str, str]
    """Class `__name__` or export name -> export name (`OperationGraphBuilder` -> `Builder`)."""
    class_exports: frozenset[str]
    knowledge: Knowledge
    _members: dict[tuple[str, str], Symbol | None] = field(default_factory=dict)
    _shapes: dict[str, CallShape] = field(default_factory=dict)
    _model_owners: dict[str, str | None] = field(default_factory=dict)

    def provider_for_model(self, model: str) -> str | None:
        """`knowledge.provider_for_model`, cached per model name."""
        if model not in self._model_owners:
            self._model_owners[model] = self.knowledge.provider_for_model(model)
        return self._model_owners[model]

    def member(self, cls: str, name: str) -> Symbol | None:
        """`knowledge.member`, cached: asked once per call site per check."""
        key = (cls, name)
        if key not in self._members:
            self._members[key] = self.knowledge.member(cls, name)
        return self._members[key]

    def shape(self, symbol: Symbol) -> CallShape:
        found = self._shapes.get(symbol.full_name)
        if found is None:
            found = _shape(symbol)
            self._shapes[symbol.full_name] = found
        return found


@lru_cache(maxsize=8)
def index(knowledge: Knowledge) -> Index:
    history = knowledge.history
    members: set[str] = {m.name for m in history.removed_methods}
    members.update(k.target.split(".")[1] for k in history.removed_keywords if "." in k.target)
    for symbol in knowledge.symbols.values():
        if _checked(symbol):
            members.add(symbol.full_name.rsplit(".", 1)[-1])
    removed_methods: dict[str, list[RemovedMethod]] = {}
    for method in history.removed_methods:
        removed_methods.setdefault(method.name, []).append(method)
    removed_keywords: dict[str, dict[str, RemovedKeyword]] = {}
    for keyword in history.removed_keywords:
        removed_keywords.setdefault(keyword.target, {})[keyword.keyword] = keyword
    by_target: dict[str, str] = {}
    by_simple: dict[str, str] = {}
    for export, target in knowledge.export_targets.items():
        exported = knowledge.symbols.get(target)
        if exported is not None and exported.kind == "class":
            by_target[target] = export
            by_simple.setdefault(target.rsplit(".", 1)[-1], export)
            by_simple[export] = export
    exports = set(by_target.values())
    if knowledge.version is None:
        exports |= HISTORY_CLASSES
        by_simple.update((export, export) for export in HISTORY_CLASSES)
    return Index(
        members=frozenset(members),
        removed_methods={k: tuple(v) for k, v in removed_methods.items()},
        removed_keywords=removed_keywords,
        class_by_target=by_target,
        class_by_simple=by_simple,
        class_exports=frozenset(exports),
        knowledge=knowledge,
    )


def _checked(symbol: Symbol) -> bool:
    """Whether any rule looks at calls of this method."""
    if symbol.kind in ("coroutine", "asyncgen"):
        return True
    if symbol.kind not in ("method", "function") or not symbol.params:
        return False
    if symbol.params[0].name == "instruct" or symbol.param("tools") is not None:
        return True
    return symbol.positional_count == 0 and any(p.kind == "keyword_only" for p in symbol.params)


def _shape(symbol: Symbol) -> CallShape:
    params = symbol.params
    positional = tuple(
        p.name for p in params if p.kind in ("positional_only", "positional_or_keyword")
    )
    actions = symbol.param("actions")
    return CallShape(
        positional=positional,
        unlimited=any(p.kind == "var_positional" for p in params),
        keyword_only=not positional and any(p.kind == "keyword_only" for p in params),
        has_tools=symbol.param("tools") is not None,
        actions_off=actions is not None and actions.default == "False",
    )
