"""The WebSocket endpoint: one LSP session per connection, text frames, token and Origin checked.

pygls's own `start_ws` serves a single client per process, sends binary frames
(which Monaco's client rejects) and stops when the first client leaves
(pygls#219). Here each connection gets its own `PlaygroundServer` session over
the process's shared state, and a connection's end touches nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from lionagi_playground.server.collab.access import OWNER, Grant
from lionagi_playground.server.session import PlaygroundServer
from lionagi_playground.server.shared import Shared

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class _FrameWriter:
    """pygls's writer interface over a queue drained by one sender task, so frames keep order."""

    def __init__(self, queue: asyncio.Queue[str | None]) -> None:
        self._queue = queue

    def write(self, data: bytes) -> None:
        self._queue.put_nowait(data.decode("utf-8"))

    def close(self) -> None:
        self._queue.put_nowait(None)


def _token_ok(websocket: WebSocket, token: str) -> bool:
    offered = websocket.query_params.get("token", "")
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        offered = offered or header[7:].strip()
    return hmac.compare_digest(offered.encode(), token.encode())


def create_app(shared: Shared, *, token: str, origins: list[str]) -> Starlette:
    allowed_origins = {origin.rstrip("/") for origin in origins}

    async def lsp(websocket: WebSocket) -> None:
        origin = websocket.headers.get("origin")
        if origin is not None and origin.rstrip("/") not in allowed_origins:
            log.warning("refused a WebSocket from origin %s", origin)
            await websocket.send_denial_response(
                PlainTextResponse(f"origin {origin} is not allowed\n", status_code=403)
            )
            return
        grant: Grant | None = OWNER if _token_ok(websocket, token) else None
        if grant is None and (invite := websocket.query_params.get("invite")):
            await shared.collab.ready()
            assert shared.collab.invitations is not None
            grant = shared.collab.invitations.grant(invite)
        if grant is None:
            await websocket.send_denial_response(
                PlainTextResponse("missing or wrong token or invitation\n", status_code=401)
            )
            return
        await websocket.accept()
        await serve_session(websocket, shared, grant)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app = Starlette(routes=[WebSocketRoute("/lsp", lsp), Route("/health", health)])
    return app


async def serve_session(websocket: WebSocket, shared: Shared, grant: Grant = OWNER) -> None:
    """Run one LSP session until its client leaves (or sends `exit`)."""
    server = PlaygroundServer(shared)
    server.grant = grant
    server.reads_disk = False  # a browser's user does not own this machine's files
    outgoing: asyncio.Queue[str | None] = asyncio.Queue()
    server.protocol.set_writer(_FrameWriter(outgoing), include_headers=False)
    server.protocol.on_exit = lambda: outgoing.put_nowait(None)
    sender = asyncio.create_task(_send_frames(websocket, outgoing))
    receiver = asyncio.create_task(_receive_frames(websocket, server))
    try:
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sender, receiver):
            task.cancel()
        server.close()
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close()  # unless the client closed it already


async def _send_frames(websocket: WebSocket, outgoing: asyncio.Queue[str | None]) -> None:
    while (frame := await outgoing.get()) is not None:
        await websocket.send_text(frame)


async def _receive_frames(websocket: WebSocket, server: PlaygroundServer) -> None:
    protocol = server.protocol
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        frame = message.get("text")
        if frame is None:
            frame = (message.get("bytes") or b"").decode("utf-8", errors="replace")
        try:
            data = json.loads(frame)
        except ValueError as error:
            protocol.reject_unparsable(str(error))
            continue
        try:
            parsed = protocol.structure_message(data) if isinstance(data, dict) else data
            protocol.handle_message(parsed)
        except Exception:
            log.exception("failed to handle a message")
