"""Document life cycle: what opening, editing and closing a document sets in motion."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from lionagi_playground.server.documents import snapshot
from lionagi_playground.server.features.diagnostics import is_python

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer

DOCUMENT = "playground/document"


def register(server: PlaygroundServer) -> None:
    scheduler = server.diagnostics

    @server.feature(types.INITIALIZED)
    def initialized(ls: PlaygroundServer, params: types.InitializedParams) -> None:
        text_caps = ls.client_capabilities.text_document
        scheduler.pull = text_caps is not None and text_caps.diagnostic is not None
        ls.shared.start_warm_up()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PlaygroundServer, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        if not is_python(document.uri, document.language_id):
            return
        scheduler.schedule(document.uri, delay=0)
        snap = snapshot(ls.workspace, document.uri)
        if snap is not None and snap.jedi_sized:
            ls.shared.jedi.prepare(snap.text, snap.path, snap.root)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PlaygroundServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(unquote(uri))
        if document is not None and is_python(uri, document.language_id):
            scheduler.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PlaygroundServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        scheduler.forget(uri)
        if not scheduler.pull:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )

    @server.feature(DOCUMENT)
    def document(ls: PlaygroundServer, raw: object) -> dict[str, object]:
        """The text this session holds for an open document, so a client can check that its
        incremental changes landed as it meant them (after a reconnect, in tests)."""
        uri = raw.get("uri") if isinstance(raw, dict) else None
        if not isinstance(raw, dict) or not isinstance(uri, str) or set(raw) - {"uri"}:
            raise JsonRpcInvalidParams(f"invalid params for {DOCUMENT}: it takes {{uri: string}}")
        open_document = ls.workspace.text_documents.get(unquote(uri))
        if open_document is None:
            raise JsonRpcInvalidParams(f"invalid params for {DOCUMENT}: {uri} is not open")
        return {"uri": uri, "version": open_document.version, "text": open_document.source}
