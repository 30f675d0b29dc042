"""Go to definition and find references."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path

from lionagi_playground.server.documents import Snapshot, cursor

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer


def lsp_location(name: Any, snap: Snapshot) -> types.Location | None:
    """Where a jedi name is defined, or None for builtins without source."""
    if name.line is None or name.column is None:
        return None
    path = name.module_path
    uri = snap.uri if path is None or str(path) == snap.path else from_fs_path(str(path))
    if uri is None:
        return None
    start = types.Position(line=name.line - 1, character=name.column)
    end = types.Position(line=name.line - 1, character=name.column + len(name.name))
    return types.Location(uri=uri, range=types.Range(start=start, end=end))


def _definitions(
    server: PlaygroundServer, snap: Snapshot, line: int, column: int
) -> list[types.Location]:
    script = server.shared.jedi.script(snap.text, snap.path, snap.root)
    names = script.goto(line, column, follow_imports=True, follow_builtin_imports=True)
    return [loc for name in names if (loc := lsp_location(name, snap)) is not None]


def _references(
    server: PlaygroundServer, snap: Snapshot, line: int, column: int, include_declaration: bool
) -> list[types.Location]:
    script = server.shared.jedi.script(snap.text, snap.path, snap.root)
    names = script.get_references(line, column, include_builtins=False)
    return [
        loc
        for name in names
        if (include_declaration or not name.is_definition())
        and (loc := lsp_location(name, snap)) is not None
    ]


def register(server: PlaygroundServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(
        ls: PlaygroundServer, params: types.DefinitionParams
    ) -> list[types.Location] | None:
        at = cursor(ls.workspace, params)
        if at is None:
            return None
        return await ls.shared.jedi.run(_definitions, ls, at.snap, at.line, at.column)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(
        ls: PlaygroundServer, params: types.ReferenceParams
    ) -> list[types.Location] | None:
        at = cursor(ls.workspace, params)
        if at is None:
            return None
        return await ls.shared.jedi.run(
            _references, ls, at.snap, at.line, at.column, params.context.include_declaration
        )
