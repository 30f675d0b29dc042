"""Hover: the signature and docstring under the cursor; lionagi names from the knowledge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from lionagi_playground.server.documents import Snapshot, cursor
from lionagi_playground.server.knowledge import Knowledge

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer


def _hover_text(
    server: PlaygroundServer, snap: Snapshot, line: int, column: int, knowledge: Knowledge
) -> str | None:
    script = server.shared.jedi.script(snap.text, snap.path, snap.root)
    names: list[Any] = script.infer(line, column) or script.goto(line, column)
    if not names:
        return None
    name = names[0]
    symbol = knowledge.symbol(str(name.full_name)) if name.full_name else None
    if symbol is not None:
        return _markdown(symbol.signature or name.name, symbol.doc)
    signatures = name.get_signatures()
    header = (
        "\n".join(s.to_string() for s in signatures) or f"{name.type} {name.full_name or name.name}"
    )
    return _markdown(header, name.docstring(raw=True))


def _markdown(header: str, doc: str | None) -> str:
    text = f"```python\n{header}\n```"
    if doc:
        text += f"\n---\n{doc}"
    return text


def register(server: PlaygroundServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: PlaygroundServer, params: types.HoverParams) -> types.Hover | None:
        at = cursor(ls.workspace, params)
        if at is None:
            return None
        knowledge = await ls.shared.analyzer.knowledge()
        text = await ls.shared.jedi.run(_hover_text, ls, at.snap, at.line, at.column, knowledge)
        if text is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text))
