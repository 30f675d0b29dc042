"""The lionagi snippets as completion items, where a statement may start (see lessons/snippets.py).

Only for clients that announce snippet support (`completionItem.snippetSupport`): the body is
LSP snippet syntax. Each item replaces the word typed, asks the editor to indent its lines
like the cursor's (`insertTextMode: adjustIndentation`), and adds the imports it needs at
the top of the file when they are missing.
"""

from __future__ import annotations

import re

from lsprotocol import types

from lionagi_playground.server.convert import lsp_position
from lionagi_playground.server.lessons.snippets import (
    Snippet,
    at_statement_start,
    import_line,
    inside_async_def,
    load_snippets,
    missing_imports,
)

_WORD = re.compile(r"\w*$")
_DEFAULT = re.compile(r"\$\{(\d+):([^}]*)\}")
_TABSTOP = re.compile(r"\$(\d+)")


def supports_snippets(capabilities: types.ClientCapabilities) -> bool:
    completion = capabilities.text_document and capabilities.text_document.completion
    item = completion and completion.completion_item
    return bool(item and item.snippet_support)


def snippet_items(
    lines: list[str], text: str, line: int, column: int
) -> list[types.CompletionItem]:
    """Items for the cursor at (1-based `line`, code-point `column`), or none where none fit."""
    index = line - 1
    if not at_statement_start(lines, index, column):
        return []
    in_async = inside_async_def(lines, index, column)
    word = _WORD.search(lines[index][:column])
    start = column - len(word.group(0)) if word else column
    replaced = types.Range(
        start=lsp_position(lines, index, start), end=lsp_position(lines, index, column)
    )
    return [
        lsp_snippet_item(snippet, replaced, lines, text)
        for snippet in load_snippets()
        if in_async or not snippet.needs_async
    ]


def lsp_snippet_item(
    snippet: Snippet, replaced: types.Range, lines: list[str], text: str
) -> types.CompletionItem:
    imports = missing_imports(text, snippet.imports)
    extra = []
    if imports:
        at = types.Position(line=import_line(lines), character=0)
        new_text = "".join(f"{statement}\n" for statement in imports)
        extra.append(types.TextEdit(range=types.Range(start=at, end=at), new_text=new_text))
    preview = _preview(snippet.body)
    return types.CompletionItem(
        label=snippet.prefix,
        label_details=types.CompletionItemLabelDetails(description=snippet.label),
        kind=types.CompletionItemKind.Snippet,
        detail=f"lionagi snippet: {snippet.label}",
        documentation=types.MarkupContent(
            kind=types.MarkupKind.Markdown,
            value=f"{snippet.description}\n\n```python\n{preview}\n```",
        ),
        sort_text=f"8{snippet.prefix}",
        filter_text=snippet.prefix,
        insert_text_format=types.InsertTextFormat.Snippet,
        insert_text_mode=types.InsertTextMode.AdjustIndentation,
        text_edit=types.TextEdit(range=replaced, new_text=snippet.body),
        additional_text_edits=extra or None,
    )


def _preview(body: str) -> str:
    """The body as it reads once inserted: each placeholder's default, tab stops filled."""
    defaults = dict(_DEFAULT.findall(body))
    text = _DEFAULT.sub(lambda match: match.group(2), body)
    return _TABSTOP.sub(lambda match: defaults.get(match.group(1), ""), text)
