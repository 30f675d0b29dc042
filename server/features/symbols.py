"""Document symbols: classes, functions, methods and module-level names, nested as written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from lionagi_playground.server.convert import utf16_column
from lionagi_playground.server.documents import Snapshot, snapshot

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer

_KINDS = {
    "class": types.SymbolKind.Class,
    "function": types.SymbolKind.Function,
    "module": types.SymbolKind.Module,
    "statement": types.SymbolKind.Variable,
    "param": types.SymbolKind.Variable,
    "instance": types.SymbolKind.Variable,
    "property": types.SymbolKind.Property,
}


def _range(snap: Snapshot, start: tuple[int, int], end: tuple[int, int]) -> types.Range:
    def position(line: int, col: int) -> types.Position:
        index = min(max(line - 1, 0), len(snap.lines) - 1)
        return types.Position(line=index, character=utf16_column(snap.lines[index], col))

    return types.Range(start=position(*start), end=position(*end))


def _symbols(server: PlaygroundServer, snap: Snapshot) -> list[types.DocumentSymbol]:
    script = server.shared.jedi.script(snap.text, snap.path, snap.root)
    names = script.get_names(all_scopes=True, definitions=True, references=False)
    children_of: dict[tuple[int, int], list[types.DocumentSymbol]] = {}
    top: list[types.DocumentSymbol] = []
    for name in names:
        if name.type in ("param", "module") or name.line is None:
            continue
        parent = name.parent()
        kind = _KINDS.get(name.type, types.SymbolKind.Variable)
        if kind == types.SymbolKind.Function and parent is not None and parent.type == "class":
            kind = types.SymbolKind.Method
        definition_start = name.get_definition_start_position() or (name.line, name.column)
        definition_end = name.get_definition_end_position() or (name.line, name.column)
        children: list[types.DocumentSymbol] | None = (
            [] if name.type in ("class", "function") else None
        )
        symbol = types.DocumentSymbol(
            name=name.name,
            kind=kind,
            range=_range(snap, definition_start, definition_end),
            selection_range=_range(
                snap, (name.line, name.column), (name.line, name.column + len(name.name))
            ),
            detail=name.description,
            children=children,
        )
        siblings = children_of.get((parent.line, parent.column)) if parent is not None else None
        if siblings is not None:
            siblings.append(symbol)
        elif parent is None or parent.type == "module":
            top.append(symbol)
        if children is not None:
            children_of[(name.line, name.column)] = children
    return top


def register(server: PlaygroundServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbols(
        ls: PlaygroundServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        snap = snapshot(ls.workspace, params.text_document.uri)
        if snap is None or not snap.jedi_sized:
            return None
        return await ls.shared.jedi.run(_symbols, ls, snap)
