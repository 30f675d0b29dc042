"""The lionagi rules: source -> findings (with quick fixes) about how a program uses lionagi.

`check(source, knowledge)` runs every rule family over one shared walk of the
module. The rules are data-driven: what exists comes from the `Knowledge` of
the installed lionagi, what was removed from its curated history. A rule
family that crashes is logged and skipped; the others still report.

Codes (see each family's module for details):
LION101-103 names and modules (names.py)      LION201 removed methods (methods.py)
LION301-302 removed keywords (keywords.py)    LION401-403 await and loops (awaiting.py)
LION501-503 call shapes (calls.py)            LION601-602 tool schemas (tools.py)
LION701-704 providers and models (providers.py)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from lionagi_playground.server.analysis.findings import Finding
from lionagi_playground.server.analysis.lionagi_rules import (
    awaiting,
    calls,
    keywords,
    methods,
    names,
    providers,
    tools,
)
from lionagi_playground.server.analysis.lionagi_rules.context import Context
from lionagi_playground.server.analysis.source import Source
from lionagi_playground.server.knowledge import Knowledge

log = logging.getLogger(__name__)

Rule = Callable[[Context], Iterator[Finding]]
RULES: tuple[tuple[str, Rule], ...] = (
    ("names", names.check),
    ("methods", methods.check),
    ("keywords", keywords.check),
    ("awaiting", awaiting.check),
    ("calls", calls.check),
    ("tools", tools.check),
    ("providers", providers.check),
)

# A module that mentions neither cannot trigger any rule: skip the walk.
_MARKERS = ("lionagi", "asyncio", "run_until_complete")


def check(source: Source, knowledge: Knowledge) -> list[Finding]:
    """Every lionagi finding for `source`, sorted by position."""
    tree = source.tree
    if tree is None or not any(marker in source.text for marker in _MARKERS):
        return []
    try:
        ctx = Context(source, tree, knowledge)
    except Exception:
        log.exception("lionagi rules: could not analyse %s", source.filename)
        return []
    findings: list[Finding] = []
    for name, rule in RULES:
        try:
            findings.extend(rule(ctx))
        except Exception:
            log.exception("lionagi rule family %r crashed on %s", name, source.filename)
    findings.sort(key=lambda f: (f.span.line, f.span.col, f.code))
    return findings


__all__ = ["RULES", "check"]
