"""What an analysis reports: findings with spans, severities and quick fixes.

Positions are 0-based lines and 0-based columns counted in Python `str`
indices (code points). Conversion to the UTF-16 units LSP speaks happens once,
in `lionagi_playground.server.convert`, so no check has to think about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Severity(IntEnum):
    """Same numbers as LSP's DiagnosticSeverity."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4


@dataclass(frozen=True, slots=True)
class Span:
    line: int
    col: int
    end_line: int
    end_col: int

    @classmethod
    def point(cls, line: int, col: int) -> Span:
        return cls(line, col, line, col)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text in `span` by `new_text`."""

    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A quick fix: a titled set of non-overlapping edits to the same document."""

    title: str
    edits: tuple[Edit, ...]
    preferred: bool = True


@dataclass(frozen=True, slots=True)
class Finding:
    span: Span
    severity: Severity
    source: str
    """Which check found it: syntax, pyflakes, radon, style, security, lionagi."""
    code: str
    """Stable identifier, e.g. `LION101`; clients and tests key on it."""
    message: str
    fixes: tuple[Fix, ...] = ()
    unnecessary: bool = False
    """Rendered faded by editors (unused import, unused variable)."""
    deprecated: bool = False
    """Rendered struck through by editors (a removed or deprecated API)."""
