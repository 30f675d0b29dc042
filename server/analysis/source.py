"""A document parsed once for every check: text, lines, AST, node index and position conversion."""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar, cast

from lionagi_playground.server.analysis.findings import Span

N = TypeVar("N", bound=ast.AST)

# Python's tokenizer and LSP agree on these three, and only these: str.splitlines
# would also break on \x0c, \x1c, \u2028 ..., which Python keeps inside a line.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The lines of `text` as Python and LSP count them (a final break opens an empty line)."""
    return _LINE_BREAK.split(text)


# Fields that never hold a node worth indexing (names, numbers, contexts, operators).
_LEAF_FIELDS = frozenset(
    {"ctx", "op", "ops", "id", "attr", "arg", "name", "asname", "module", "level", "kind"}
    | {"conversion", "is_async", "type_comment", "tag", "lineno", "rest", "kwd_attrs", "simple"}
)
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def _child_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """The fields of `kind` that may hold nodes, reversed (so a stack pops them in order)."""
    fields = [name for name in kind._fields if name not in _LEAF_FIELDS]
    if kind in (ast.Constant, ast.MatchSingleton, ast.Global, ast.Nonlocal):
        fields = []  # Their values are Python values; Global.names are strings.
    return tuple(reversed(fields))


@dataclass
class Source:
    """The text under analysis. The AST is parsed lazily and at most once."""

    text: str
    filename: str = "<playground>"
    _lines: list[str] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
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
            if error.lineno is None:  # null bytes: CPython says so, but not where
                return self._error_at(max(self.text.find("\0"), 0), str(error.msg))
            return error
        except ValueError as error:
            # A lone surrogate cannot be encoded (JSON can carry one); older CPythons
            # raise ValueError for null bytes.
            if isinstance(error, UnicodeEncodeError):
                return self._error_at(error.start, "invalid character (a lone surrogate)")
            return self._error_at(max(self.text.find("\0"), 0), "source contains a null byte")
        except (RecursionError, MemoryError):
            # CPython's parser gives up on very deep nesting this way, not with SyntaxError.
            return self._error_at(0, "code nested too deeply to analyze")

    def _error_at(self, index: int, message: str) -> SyntaxError:
        before = split_lines(self.text[:index])
        error = SyntaxError(message)
        error.lineno, error.offset = len(before), len(before[-1]) + 1
        return error

    @property
    def tree(self) -> ast.Module | None:
        parsed = self._parsed
        return parsed if isinstance(parsed, ast.Module) else None

    @property
    def syntax_error(self) -> SyntaxError | None:
        parsed = self._parsed
        return parsed if isinstance(parsed, SyntaxError) else None

    @cached_property
    def _index(self) -> dict[type[ast.AST], list[ast.AST]]:
        index: dict[type[ast.AST], list[ast.AST]] = {}
        # One iterative pre-order walk shared by every check: an ast.walk per check
        # costs more than most checks, and recursion would fail on deep trees.
        stack: list[object] = [self.tree]
        while stack:
            node = stack.pop()
            if not isinstance(node, ast.AST):  # None: an absent child, a `**` key of a dict
                continue
            kind = type(node)
            bucket = index.get(kind)
            if bucket is None:
                index[kind] = bucket = []
            bucket.append(node)
            fields = _CHILD_FIELDS.get(kind)
            if fields is None:
                fields = _CHILD_FIELDS[kind] = _child_fields(kind)
            for name in fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    stack.extend(reversed(value))
                else:
                    stack.append(value)
        return index

    def nodes(self, kind: type[N]) -> list[N]:
        """Every node of exactly type `kind`, in pre-order ([] without a tree).

        Expression contexts (Load, Store) and operators (Add, Eq, And) are not indexed.
        """
        return cast(list[N], self._index.get(kind, []))

    def walk(self) -> Iterator[ast.AST]:
        """Every indexed node, grouped by type (cheaper than ast.walk: the index exists)."""
        for nodes in self._index.values():
            yield from nodes

    def col(self, lineno: int, utf8_offset: int) -> int:
        """Code-point column of an AST `col_offset` (UTF-8 bytes) on 1-based `lineno`."""
        if not 1 <= lineno <= len(self.lines):
            return 0
        line = self.lines[lineno - 1]
        if line.isascii():
            return min(utf8_offset, len(line))
        return len(line.encode("utf-8", "surrogatepass")[:utf8_offset].decode("utf-8", "ignore"))

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
