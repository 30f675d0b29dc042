"""End-to-end fixtures: the real server as a subprocess, driven over stdio and over WebSocket."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.io_ import WebSocketWriter, run_websocket
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import make_test_lsp_client
from websockets.asyncio.client import connect

SERVER = [sys.executable, "-m", "lionagi_playground", "lsp"]
TOKEN = "test-token-0123456789"
ALLOWED_ORIGIN = "http://allowed.example"
TIMEOUT = 30.0


@dataclass
class WsServer:
    process: subprocess.Popen[str]
    host: str
    port: int
    token: str

    def url(self, token: str | None = None) -> str:
        return f"ws://{self.host}:{self.port}/lsp?token={self.token if token is None else token}"


def start_ws_server(*extra: str) -> WsServer:
    """Start `lionagi-playground lsp --ws 127.0.0.1:0` and read the port it announces."""
    process = subprocess.Popen(
        [
            *SERVER,
            "--ws",
            "127.0.0.1:0",
            "--token",
            TOKEN,
            "--allow-origin",
            ALLOWED_ORIGIN,
            *extra,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    # readline blocks until the server prints its address (or dies: then it returns "").
    first = process.stdout.readline()
    match = re.search(r"ws://([\d.]+):(\d+)/lsp", first)
    if match is None:
        process.kill()
        raise RuntimeError(f"the server did not announce its address: {first!r}")
    return WsServer(process, match.group(1), int(match.group(2)), TOKEN)


@pytest.fixture(scope="session")
def ws_server() -> Iterator[WsServer]:
    server = start_ws_server()
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)
    assert server.process.stdout is not None
    server.process.stdout.close()


@dataclass
class Published:
    """Every publishDiagnostics a client received, by URI, with a way to wait for one."""

    by_uri: dict[str, list[types.PublishDiagnosticsParams]] = field(default_factory=dict)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def add(self, params: types.PublishDiagnosticsParams) -> None:
        async with self.changed:
            self.by_uri.setdefault(params.uri, []).append(params)
            self.changed.notify_all()

    async def wait(
        self, uri: str, version: int | None = None, within: float = TIMEOUT
    ) -> list[types.Diagnostic]:
        """The diagnostics published for `uri` at `version` (or the latest, if None)."""

        def found() -> types.PublishDiagnosticsParams | None:
            for params in reversed(self.by_uri.get(uri, [])):
                if version is None or params.version == version:
                    return params
            return None

        async def until_found() -> types.PublishDiagnosticsParams:
            async with self.changed:
                await self.changed.wait_for(lambda: found() is not None)
                result = found()
                assert result is not None
                return result

        return list((await asyncio.wait_for(until_found(), within)).diagnostics)


class Client(LanguageClient):
    published: Published
    root: Path


def make_client() -> Client:
    client = make_test_lsp_client()
    client.__class__ = Client
    assert isinstance(client, Client)
    client.published = Published()

    # pytest-lsp keeps only the latest diagnostics per URI; the tests need
    # each publication with its version, so this handler replaces its own.
    client.protocol.fm.features.pop(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)  # type: ignore[untyped-decorator]
    async def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        await client.published.add(params)

    return client


async def connect_ws(client: LanguageClient, url: str, **kwargs: Any) -> None:
    websocket = await connect(url, max_size=None, **kwargs)
    # run_websocket sets the writer too, but only once its task runs: set it
    # now so that a request sent right after connecting has a transport.
    client.protocol.set_writer(WebSocketWriter(websocket), include_headers=False)
    task = asyncio.create_task(
        run_websocket(
            stop_event=client._stop_event,
            websocket=websocket,
            protocol=client.protocol,
        )
    )
    client._async_tasks.append(task)


async def start_client(
    transport: str, ws: WsServer, root: Path, capabilities: types.ClientCapabilities | None = None
) -> Client:
    client = make_client()
    if transport == "stdio":
        await client.start_io(*SERVER)
    else:
        await connect_ws(client, ws.url())
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities or client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="playground")],
        )
    )
    client.root = root
    return client


async def stop_client(client: Client) -> None:
    await client.shutdown_session()
    await client.stop()  # type: ignore[no-untyped-call]


@pytest_asyncio.fixture(scope="module", params=["stdio", "ws"])
async def client(
    request: pytest.FixtureRequest, ws_server: WsServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Client]:
    root = tmp_path_factory.mktemp("workspace")
    lsp_client = await start_client(request.param, ws_server, root)
    yield lsp_client
    await stop_client(lsp_client)


_counter = iter(range(1, 1_000_000))


def open_document(client: Client, text: str, name: str | None = None) -> str:
    """Open a new document in the client's workspace; return its URI."""
    path = client.root / (name or f"doc_{next(_counter)}.py")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    return uri


def change_document(client: Client, uri: str, version: int, text: str) -> None:
    """Replace the whole text (a full-document change event)."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def complete(
    client: LanguageClient, params: types.CompletionParams, within: float = TIMEOUT
) -> types.CompletionList | Sequence[types.CompletionItem] | None:
    """Completion as an editor asks for it: again while the answer is marked incomplete.

    A document's first completion, while jedi is still cold, is answered with the file's
    words marked `isIncomplete` (server/features/word_completion.py); an editor asks again
    at the next keystroke. Each request waits in the server, so this is no busy loop.
    """
    async with asyncio.timeout(within):
        while True:
            result = await client.text_document_completion_async(params)
            if not isinstance(result, types.CompletionList) or not result.is_incomplete:
                return result


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)
