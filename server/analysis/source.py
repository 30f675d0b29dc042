"""A document parsed once for every check: text, lines, AST and position conversion."""

from __future__ import annotations

import ast
import warnings
from dataclasses import dataclass, field
from functools import cached_property

from lionagi_playground.server.analysis.findings import Span


@dataclass
class Source:
    """The text under analysis. The AST is parsed lazily and at most once."""

    text: str
    filename: str = "<playground>"
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            # Same line breaks as LSP: \n, \r\n and \r.
            self._lines = self.text.splitlines() or [""]
            if self.text.endswith(("\n", "\r")):
                self._lines.append("")
        return self._lines

    @cached_property
    def _parsed(self) -> ast.Module | SyntaxError:
        try:
            with warnings.catch_warnings():
                # "invalid escape sequence" and friends are reported by our style
                # checks, not raised while parsing.
                warnings.simplefilter("ignore")
                return ast.parse(self.text, filename=self.filename, type_comments=False)
        except SyntaxError as error:
            return error
        except ValueError as error:  # source code string cannot contain null bytes
            syntax_error = SyntaxError(str(error))
            syntax_error.lineno, syntax_error.offset = 1, 1
            return syntax_error

    @property
    def tree(self) -> ast.Module | None:
        parsed = self._parsed
        return parsed if isinstance(parsed, ast.Module) else None

    @property
    def syntax_error(self) -> SyntaxError | None:
        parsed = self._parsed
        return parsed if isinstance(parsed, SyntaxError) else None

    def col(self, lineno: int, utf8_offset: int) -> int:
        """Code-point column of an AST `col_offset` (UTF-8 bytes) on 1-based `lineno`."""
        if not 1 <= lineno <= len(self.lines):
            return 0
        line = self.lines[lineno - 1]
        if line.isascii():
            return min(utf8_offset, len(line))
        return len(line.encode("utf-8")[:utf8_offset].decode("utf-8", errors="ignore"))

    def span(self, node: ast.AST) -> Span:
        """The span of an AST node (which must carry positions)."""
        lineno: int = getattr(node, "lineno", 1)
        col_offset: int = getattr(node, "col_offset", 0)
        end_lineno: int = getattr(node, "end_lineno", None) or lineno
        end_col_offset: int = getattr(node, "end_col_offset", None) or col_offset
        return Span(
            lineno - 1,
            self.col(lineno, col_offset),
            end_lineno - 1,
            self.col(end_lineno, end_col_offset),
        )

    def segment(self, span: Span) -> str:
        """The text covered by `span`."""
        if span.line == span.end_line:
            return self.lines[span.line][span.col : span.end_col]
        parts = [self.lines[span.line][span.col :]]
        parts.extend(self.lines[span.line + 1 : span.end_line])
        parts.append(self.lines[span.end_line][: span.end_col])
        return "\n".join(parts)
