"""The answer given while jedi is still cold: the document's own words, marked incomplete.

A document's first completion waits for jedi to start the runtime's interpreter, parse the
file and infer through its imports (1.2-2 s on a fresh server, docs/benchmarks.md). Rather
than leave the editor blank meanwhile, the server answers after a short budget with what
VS Code's word-based suggestions offer: after a `.`, the attribute names the file uses
after dots; elsewhere, the file's identifiers and Python's keywords. The list is marked
`isIncomplete`, so the editor asks again at the next keystroke, by which time jedi (which
went on working) answers. Plain regular expressions: nothing else here needs a parse.
"""

from __future__ import annotations

import keyword
import re

from lsprotocol import types

_WORD = re.compile(r"[A-Za-z_]\w*")
_ATTRIBUTE = re.compile(r"\.[ \t]*([A-Za-z_]\w*)")
_TYPED = re.compile(r"(\.[ \t]*)?([A-Za-z_]\w*)?$")
MAX_ITEMS = 500


def word_items(lines: list[str], line: int, column: int) -> list[types.CompletionItem]:
    """Items for the cursor at (1-based `line`, `column`) of `lines`, from the text alone."""
    before = lines[line - 1][:column]
    typed = _TYPED.search(before)
    attribute = bool(typed and typed.group(1))
    prefix = (typed.group(2) if typed else None) or ""
    text = "\n".join([*lines[: line - 1], before[: len(before) - len(prefix)], *lines[line:]])
    if attribute:
        words = dict.fromkeys(_ATTRIBUTE.findall(text))
    else:
        words = dict.fromkeys([*_WORD.findall(text), *keyword.kwlist])
    items = []
    for word in sorted(words, key=lambda w: (w.startswith("_"), w.lower())):
        if word == prefix or not word.startswith(prefix[:1]):
            continue
        kind = (
            types.CompletionItemKind.Keyword
            if not attribute and keyword.iskeyword(word)
            else types.CompletionItemKind.Text
        )
        items.append(types.CompletionItem(label=word, kind=kind, sort_text=f"9{word}"))
        if len(items) == MAX_ITEMS:
            break
    return items
