"""Open documents as the features need them: text, lines, positions checked against the text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument, Workspace

from lionagi_playground.server.convert import codepoint_column
from lionagi_playground.server.limits import LARGE_DOCUMENT_CHARS


@dataclass(frozen=True)
class Snapshot:
    """A document's text at one version, with what jedi and the converters need."""

    uri: str
    version: int | None
    text: str
    lines: list[str]
    path: str | None
    root: str | None

    @property
    def jedi_sized(self) -> bool:
        """Whether jedi may work on this document (see `limits.LARGE_DOCUMENT_CHARS`)."""
        return len(self.text) <= LARGE_DOCUMENT_CHARS

    def jedi_position(self, position: types.Position) -> tuple[int, int] | None:
        """jedi's (1-based line, code-point column), or None when outside the document."""
        if not 0 <= position.line < len(self.lines) or position.character < 0:
            return None
        line = self.lines[position.line]
        return position.line + 1, codepoint_column(line, position.character)


def version_of(workspace: Workspace, uri: str) -> int | None:
    """The version of the open document at `uri` (None when it is not open)."""
    document: TextDocument | None = workspace.text_documents.get(unquote(uri))
    return document.version if document is not None else None


def is_open(workspace: Workspace, uri: str) -> bool:
    return unquote(uri) in workspace.text_documents


def snapshot(workspace: Workspace, uri: str) -> Snapshot | None:
    """The open document at `uri`, or None when the client never opened it."""
    document: TextDocument | None = workspace.text_documents.get(unquote(uri))
    if document is None:
        return None
    text = document.source
    lines = text.splitlines() or [""]
    if text.endswith(("\n", "\r")):
        lines.append("")
    path = to_fs_path(uri)
    return Snapshot(uri, document.version, text, lines, path, _root_for(workspace, path))


@dataclass(frozen=True)
class Cursor:
    """A position in a document snapshot, in jedi's terms (1-based line, code-point column)."""

    snap: Snapshot
    line: int
    column: int


class PositionParams(Protocol):
    """The params of every request made at a position (hover, completion, definition...)."""

    @property
    def text_document(self) -> types.TextDocumentIdentifier: ...

    @property
    def position(self) -> types.Position: ...


def cursor(workspace: Workspace, params: PositionParams) -> Cursor | None:
    """The open document and position a request names, or None when either does not exist."""
    snap = snapshot(workspace, params.text_document.uri)
    if snap is None or not snap.jedi_sized:
        return None
    where = snap.jedi_position(params.position)
    return Cursor(snap, *where) if where is not None else None


def _root_for(workspace: Workspace, path: str | None) -> str | None:
    root: str | None = workspace.root_path
    if path is None:
        return root
    for folder in workspace.folders.values():
        folder_path = to_fs_path(folder.uri)
        if folder_path and Path(path).is_relative_to(folder_path):
            return folder_path
    return root or str(Path(path).parent)
