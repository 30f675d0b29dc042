"""The lionagi snippets (`snippets.toml`) and where in a Python file they fit.

A snippet fits at the start of a statement: the cursor's line holds only indentation and
the word being typed, and the lines above end a statement (no open bracket, string or
backslash continuation). Snippets that `await` fit only inside an `async def`. Both are read
from the text alone (a tokenize of the enclosing top-level statement, indentation for the
enclosing blocks), so deciding costs nothing next to jedi.
"""

from __future__ import annotations

import io
import re
import tokenize
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lionagi_playground.server.lessons.catalog import LessonDataError

SNIPPETS_FILE = Path(__file__).resolve().parent / "snippets.toml"
MAX_LINES_SCANNED = 2000

_TYPED = re.compile(r"[ \t]*[A-Za-z_]?\w*")
_HEADER = re.compile(r"[ \t]*(async[ \t]+def|def|class)\b")
_IMPORT = re.compile(r"(?:from[ \t]+([\w.]+)[ \t]+)?import[ \t]+(.+)")
_KEYS = {"prefix", "label", "description", "body", "imports", "needs_async"}


@dataclass(frozen=True)
class Snippet:
    prefix: str
    label: str
    description: str
    body: str
    imports: tuple[str, ...] = ()
    """Import statements the body needs (`from X import A, B` or `import X`)."""
    needs_async: bool = False


@cache
def load_snippets(path: Path = SNIPPETS_FILE) -> tuple[Snippet, ...]:
    """Every snippet of `path`, checked (bad data raises LessonDataError)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LessonDataError(f"{path.name}: {error}") from None
    entries = data.get("snippet")
    if set(data) != {"snippet"} or not isinstance(entries, list) or not entries:
        raise LessonDataError(f"{path.name}: expected [[snippet]] tables only")
    snippets = [_snippet(path.name, number, entry) for number, entry in enumerate(entries, 1)]
    prefixes = [snippet.prefix for snippet in snippets]
    if len(set(prefixes)) != len(prefixes):
        raise LessonDataError(f"{path.name}: two snippets share a prefix")
    return tuple(snippets)


def _snippet(name: str, number: int, entry: object) -> Snippet:
    where = f"{name}: snippet {number}"
    if not isinstance(entry, dict) or set(entry) - _KEYS:
        raise LessonDataError(f"{where}: a table of {', '.join(sorted(_KEYS))}")
    texts = {key: entry.get(key) for key in ("prefix", "label", "description", "body")}
    for key, value in texts.items():
        if not isinstance(value, str) or not value.strip():
            raise LessonDataError(f"{where}: {key} must be non-empty text")
    imports = entry.get("imports", [])
    if not isinstance(imports, list) or not all(
        isinstance(item, str) and _IMPORT.fullmatch(item) for item in imports
    ):
        raise LessonDataError(f"{where}: imports must be import statements")
    needs_async = entry.get("needs_async", False)
    if not isinstance(needs_async, bool):
        raise LessonDataError(f"{where}: needs_async must be true or false")
    if "await " in str(texts["body"]) and not needs_async:
        raise LessonDataError(f"{where}: its body awaits: set needs_async = true")
    return Snippet(
        prefix=str(texts["prefix"]),
        label=str(texts["label"]),
        description=str(texts["description"]),
        body=str(texts["body"]).strip("\n"),
        imports=tuple(imports),
        needs_async=needs_async,
    )


def at_statement_start(lines: list[str], line: int, column: int) -> bool:
    """Whether a statement may start at (0-based `line`, code-point `column`) of `lines`."""
    if not 0 <= line < len(lines) or not _TYPED.fullmatch(lines[line][:column]):
        return False
    start = line
    while start > 0 and line - start < MAX_LINES_SCANNED:
        start -= 1
        if lines[start][:1] not in ("", " ", "\t", "#", ")", "]", "}"):
            break  # a top-level statement starts here
    source = "".join(text + "\n" for text in lines[start:line])
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.ERRORTOKEN:
                return False
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, SyntaxError):
        return False  # inside a bracket, a string or a continued line
    return depth == 0


def inside_async_def(lines: list[str], line: int, column: int) -> bool:
    """Whether the cursor's block is (within) an `async def`, by indentation."""
    indent = len(lines[line][:column]) - len(lines[line][:column].lstrip())
    for number in range(line - 1, max(-1, line - MAX_LINES_SCANNED), -1):
        text = lines[number]
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        own = len(text) - len(stripped)
        if own >= indent:
            continue
        header = _HEADER.match(text)
        if header is not None:
            return header.group(1).startswith("async")
        indent = own
        if indent == 0:
            return False
    return False


def missing_imports(text: str, imports: tuple[str, ...]) -> list[str]:
    """The import statements of `imports` that `text` lacks, reduced to the missing names."""
    wanted: list[str] = []
    for statement in imports:
        match = _IMPORT.fullmatch(statement)
        assert match is not None  # load_snippets checked
        module, names = match.group(1), [n.strip() for n in match.group(2).split(",")]
        if module is None:
            if not re.search(rf"^[ \t]*import[ \t]+{re.escape(names[0])}\b", text, re.M):
                wanted.append(statement)
            continue
        imported = re.compile(
            rf"^[ \t]*from[ \t]+{re.escape(module)}[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)", re.M
        )
        have = {
            name.strip(" \t\n()\\") for found in imported.findall(text) for name in found.split(",")
        }
        lacking = [name for name in names if name not in have]
        if lacking:
            wanted.append(f"from {module} import {', '.join(lacking)}")
    return wanted


def import_line(lines: list[str]) -> int:
    """Where new imports go: after the file's leading imports, else after its docstring."""
    first = insert_at = _after_docstring(lines)
    open_import = False  # inside `from x import (` ... `)`
    for number in range(first, min(len(lines), MAX_LINES_SCANNED)):
        text = lines[number]
        if text.startswith(("import ", "from ")) or open_import:
            insert_at = number + 1
            open_import = (open_import or "(" in text) and ")" not in text
        elif text.strip() and not text.startswith(("#", " ", "\t", ")")):
            break  # the first statement that is not an import ends the block
    return insert_at


def _after_docstring(lines: list[str]) -> int:
    """The line after a module docstring (and comments or blank lines before it), else 0."""
    number = 0
    while number < len(lines) and (not lines[number].strip() or lines[number][:1] == "#"):
        number += 1
    if number == len(lines) or not lines[number].startswith(('"""', "'''", 'r"""')):
        return 0
    quote = lines[number].lstrip("r")[:3]
    if lines[number].count(quote) >= 2:
        return number + 1
    for end in range(number + 1, min(len(lines), MAX_LINES_SCANNED)):
        if quote in lines[end]:
            return end + 1
    return 0
