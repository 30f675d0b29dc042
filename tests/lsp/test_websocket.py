"""The WebSocket endpoint: many sessions in one process, each apart, only for invited clients."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from lsprotocol import types
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.lsp.harness import (
    ALLOWED_ORIGIN,
    WsServer,
    change_document,
    complete,
    open_document,
    pos,
    start_client,
    stop_client,
)


async def _raw_session(url: str, **kwargs: Any) -> Any:
    websocket = await connect(url, **kwargs)
    await websocket.send(
        json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
        )
    )
    return websocket


async def test_two_clients_edit_their_own_documents_and_one_vanishing_leaves_the_other(
    ws_server: WsServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    alice = await start_client("ws", ws_server, tmp_path_factory.mktemp("alice"))
    bob = await start_client("ws", ws_server, tmp_path_factory.mktemp("bob"))
    alice_uri = open_document(alice, "import json\nprint(alice_undefined)\n", "shared_name.py")
    bob_uri = open_document(bob, "import os\nprint(os.getcwd())\n", "shared_name.py")
    assert alice_uri != bob_uri  # different workspaces, same file name

    alice_diagnostics = await alice.published.wait(alice_uri, version=1)
    bob_diagnostics = await bob.published.wait(bob_uri, version=1)
    assert "alice_undefined" in " ".join(d.message for d in alice_diagnostics)
    assert bob_diagnostics == []
    assert bob_uri not in alice.published.by_uri
    assert alice_uri not in bob.published.by_uri

    # Alice's connection drops without a goodbye (no shutdown, no close frame).
    for task in alice._async_tasks:
        task.cancel()
    transport_closed = False
    for task in alice._async_tasks:
        try:
            await task
        except asyncio.CancelledError:
            transport_closed = True
    assert transport_closed

    change_document(bob, bob_uri, 2, "import os\nprint(bob_undefined)\n")
    diagnostics = await bob.published.wait(bob_uri, version=2)
    assert "bob_undefined" in " ".join(d.message for d in diagnostics)
    completion = await complete(
        bob,
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=bob_uri), position=pos(1, 8)
        ),
    )
    assert completion is not None
    await stop_client(bob)
    assert ws_server.process.poll() is None  # the server is still up


async def test_exit_ends_one_session_not_the_server(
    ws_server: WsServer, tmp_path_factory: pytest.TempPathFactory
) -> None:
    first = await start_client("ws", ws_server, tmp_path_factory.mktemp("first"))
    await stop_client(first)  # shutdown + exit
    second = await start_client("ws", ws_server, tmp_path_factory.mktemp("second"))
    uri = open_document(second, "x = undefined_after_exit\n")
    assert await second.published.wait(uri, version=1)
    await stop_client(second)
    assert ws_server.process.poll() is None


@pytest.mark.parametrize("token", ["", "wrong-token"])
async def test_a_connection_without_the_token_is_refused(ws_server: WsServer, token: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_server.url(token=token))
    assert refused.value.response.status_code == 401
    assert b"token" in refused.value.response.body


async def test_a_foreign_origin_is_refused_even_with_the_token(ws_server: WsServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_server.url(), origin="http://evil.example")  # type: ignore[arg-type]
    assert refused.value.response.status_code == 403
    assert b"origin" in refused.value.response.body


async def test_an_allowed_origin_with_the_token_is_served(ws_server: WsServer) -> None:
    websocket = await _raw_session(ws_server.url(), origin=ALLOWED_ORIGIN)
    reply = json.loads(await asyncio.wait_for(websocket.recv(), 30))
    assert reply["id"] == 1
    assert reply["result"]["serverInfo"]["name"] == "lionagi-playground"
    await websocket.close()


async def test_frames_are_text_frames(ws_server: WsServer) -> None:
    websocket = await _raw_session(ws_server.url())
    frame = await asyncio.wait_for(websocket.recv(), 30)
    assert isinstance(frame, str)  # Monaco's client rejects binary frames
    await websocket.close()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("this is not json", types.ErrorCodes.ParseError),
        ("[1, 2]", types.ErrorCodes.InvalidRequest),
    ],
)
async def test_an_unreadable_frame_is_answered_with_a_null_id(
    ws_server: WsServer, frame: str, code: int
) -> None:
    websocket = await _raw_session(ws_server.url())
    assert json.loads(await asyncio.wait_for(websocket.recv(), 30))["id"] == 1
    await websocket.send(frame)
    reply = json.loads(await asyncio.wait_for(websocket.recv(), 30))
    # JSON-RPC 2.0: an id that cannot be read is answered with `"id": null`, never omitted.
    assert "id" in reply
    assert reply["id"] is None
    assert reply["error"]["code"] == code
    await websocket.close()
