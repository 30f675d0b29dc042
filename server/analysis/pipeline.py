"""The analysis entry point: one parsed Source, every check over it, findings in document order."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Protocol, cast

from lionagi_playground.server.analysis import complexity, flakes, security, style, syntax
from lionagi_playground.server.analysis.findings import Finding, Severity, Span
from lionagi_playground.server.analysis.source import Source

if TYPE_CHECKING:
    from lionagi_playground.server.knowledge import Knowledge

log = logging.getLogger(__name__)

Check = Callable[[Source], Iterable[Finding]]

# Every check but the syntax check needs the AST, so they run only when it parsed.
TREE_CHECKS: tuple[tuple[str, Check], ...] = (
    ("pyflakes", flakes.check),
    ("radon", complexity.check),
    ("style", style.check),
    ("security", security.check),
)

_LIONAGI_RULES = f"{__package__}.lionagi_rules"


class _Rules(Protocol):
    def check(self, source: Source, knowledge: Knowledge) -> Iterable[Finding]: ...


def analyze(
    text: str,
    knowledge: Knowledge | None = None,
    filename: str = "<playground>",
    *,
    full_analysis_limit: int | None = None,
) -> tuple[Finding, ...]:
    """All findings for `text`, sorted by position. Never raises for any text.

    Past `full_analysis_limit` characters only the syntax is checked, and a
    notice says so: pyflakes on a generated file of megabytes can take a
    minute, and the editor must stay responsive.
    """
    source = Source(text, filename)
    findings = _run("syntax", syntax.check, source)
    if full_analysis_limit is not None and len(text) > full_analysis_limit:
        findings.append(_large_file_notice(len(text), full_analysis_limit))
        return tuple(findings)
    if not _parses(source):
        return tuple(findings)
    for name, check in TREE_CHECKS:
        findings.extend(_run(name, check, source))
    rules = _lionagi_rules() if knowledge is not None else None
    if rules is not None and knowledge is not None:
        findings.extend(_run("lionagi", lambda parsed: rules.check(parsed, knowledge), source))
    findings.sort(key=_order)
    return tuple(findings)


def _large_file_notice(size: int, limit: int) -> Finding:
    return Finding(
        span=Span(0, 0, 0, 0),
        severity=Severity.INFORMATION,
        source="playground",
        code="large-file",
        message=(
            f"This file has {size:,} characters; past {limit:,} only its syntax is checked "
            "(pyflakes, complexity, style and the lionagi rules are skipped)."
        ),
    )


def _run(name: str, check: Check, source: Source) -> list[Finding]:
    # One rule crashing must not cost the user every other finding.
    try:
        return list(check(source))
    except Exception:
        log.exception("analysis check %r failed on %s", name, source.filename)
        return []


def _parses(source: Source) -> bool:
    try:
        return source.tree is not None
    except Exception:
        log.exception("could not parse %s", source.filename)
        return False


@cache
def _lionagi_rules() -> _Rules | None:
    """The lionagi rules module, or None while it does not exist (or fails to import)."""
    try:
        return cast(_Rules, importlib.import_module(_LIONAGI_RULES))
    except ModuleNotFoundError as error:
        if error.name != _LIONAGI_RULES:
            log.exception("the lionagi rules could not be imported")
        return None
    except Exception:
        log.exception("the lionagi rules could not be imported")
        return None


def _order(finding: Finding) -> tuple[int, int, int, int, int, str, str, str]:
    span = finding.span
    return (
        span.line,
        span.col,
        span.end_line,
        span.end_col,
        finding.severity,
        finding.source,
        finding.code,
        finding.message,
    )
