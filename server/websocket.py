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
import ipaddress
import json
import logging
import time
from dataclasses import dataclass, field

from lsprotocol import types
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from lionagi_playground.server.collab.access import OWNER, Grant
from lionagi_playground.server.connection_limits import (
    DEFAULT_LIMITS,
    ConnectionLimiter,
    LimitExceededError,
    Limits,
)
from lionagi_playground.server.session import PlaygroundServer
from lionagi_playground.server.shared import Shared

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = DEFAULT_LIMITS.max_message_bytes
POLICY_VIOLATION = 1008
CLOSE_GRACE_S = 5.0


@dataclass(frozen=True)
class _Close:
    """Queued after the last frames: close the connection with this code and reason."""

    code: int
    reason: str


Outgoing = asyncio.Queue["str | _Close | None"]


class _FrameWriter:
    """pygls's writer interface over a queue drained by one sender task, so frames keep order."""

    def __init__(self, queue: Outgoing) -> None:
        self._queue = queue

    def write(self, data: bytes) -> None:
        self._queue.put_nowait(data.decode("utf-8"))

    def close(self) -> None:
        self._queue.put_nowait(None)


@dataclass(frozen=True)
class Gate:
    """Who may open a WebSocket: the token (query `token`, `Authorization: Bearer`, or the
    page's cookie) or an invitation (query `invite`), from an allowed Origin.

    A browser's Origin is allowed when it is listed, or when it is the page's own origin (the
    Origin matches the Host the request came to) and that Host is one the server answers to:
    on a loopback address only loopback names, so a DNS-rebound name (evil.example resolving
    to 127.0.0.1) is not taken for the page's own origin.
    """

    token: str
    origins: frozenset[str] = frozenset()
    cookie: str | None = None
    """The name of the page's token cookie (None: no page, editors only)."""
    loopback_only: bool = True
    limits: Limits = field(default_factory=Limits)

    def token_ok(self, websocket: WebSocket) -> bool:
        offered = websocket.query_params.get("token", "")
        header = websocket.headers.get("authorization", "")
        if not offered and header.lower().startswith("bearer "):
            offered = header[7:].strip()
        if not offered and self.cookie is not None:
            offered = websocket.cookies.get(self.cookie, "")
        return bool(offered) and hmac.compare_digest(offered.encode(), self.token.encode())

    def origin_refusal(self, websocket: WebSocket) -> str | None:
        """Why this connection's Origin is refused, or None when it is allowed."""
        origin = websocket.headers.get("origin")
        if origin is None:
            return None  # not a browser: an editor or a tool, which the token guards
        origin = origin.rstrip("/")
        if origin in self.origins:
            return None
        host = websocket.headers.get("host", "")
        same_origin = origin in (f"http://{host}", f"https://{host}")
        if (
            self.cookie is not None
            and same_origin
            and (not self.loopback_only or is_loopback_host(host))
        ):
            return None
        return f"origin {origin} is not allowed"


def is_loopback_host(host_header: str) -> bool:
    """Whether a Host header names this machine's loopback (localhost, 127.x, [::1])."""
    host = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def lsp_endpoint(websocket: WebSocket, shared: Shared, gate: Gate) -> None:
    """The /lsp WebSocket: checked, then one LSP session until the client leaves."""
    if (refusal := gate.origin_refusal(websocket)) is not None:
        log.warning("refused a WebSocket: %s", refusal)
        await websocket.send_denial_response(PlainTextResponse(f"{refusal}\n", status_code=403))
        return
    grant: Grant | None = OWNER if gate.token_ok(websocket) else None
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
    await serve_session(websocket, shared, grant, gate.limits)


def create_app(shared: Shared, *, token: str, origins: list[str]) -> Starlette:
    """The language server alone (`lsp --ws`): /lsp and /health, no page."""
    gate = Gate(token, frozenset(origin.rstrip("/") for origin in origins))

    async def lsp(websocket: WebSocket) -> None:
        await lsp_endpoint(websocket, shared, gate)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(routes=[WebSocketRoute("/lsp", lsp), Route("/health", health)])


async def serve_session(
    websocket: WebSocket, shared: Shared, grant: Grant = OWNER, limits: Limits = DEFAULT_LIMITS
) -> None:
    """Run one LSP session until its client leaves (or sends `exit`, or breaks its limits)."""
    server = PlaygroundServer(shared)
    server.grant = grant
    server.reads_disk = False  # a browser's user does not own this machine's files
    outgoing: Outgoing = asyncio.Queue()
    server.protocol.set_writer(_FrameWriter(outgoing), include_headers=False)
    server.protocol.on_exit = lambda: outgoing.put_nowait(None)
    sender = asyncio.create_task(_send_frames(websocket, outgoing))
    receiver = asyncio.create_task(
        _receive_frames(websocket, server, ConnectionLimiter(limits, time.monotonic()), outgoing)
    )
    try:
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        if receiver.done() and not receiver.cancelled() and receiver.result():
            # Past its limits: the reason and the close frame go out before the session ends.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(sender), CLOSE_GRACE_S)
    finally:
        for task in (sender, receiver):
            task.cancel()
        server.close()
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close()  # unless the client closed it already


async def _send_frames(websocket: WebSocket, outgoing: Outgoing) -> None:
    while (frame := await outgoing.get()) is not None:
        if isinstance(frame, _Close):
            await websocket.close(frame.code, frame.reason)
            return
        await websocket.send_text(frame)


async def _receive_frames(
    websocket: WebSocket, server: PlaygroundServer, limiter: ConnectionLimiter, outgoing: Outgoing
) -> bool:
    """Hand every frame to the session; True when it stopped because a limit was broken."""
    protocol = server.protocol
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return False
        frame = message.get("text")
        raw = message.get("bytes")
        try:
            # A text frame's size in bytes is at least its length in characters: counted
            # without encoding it again, which is what a limit must not cost.
            limiter.check(len(frame) if frame is not None else len(raw or b""), time.monotonic())
        except LimitExceededError as error:
            log.warning("closing a connection past its limits: %s", error)
            reason = f"closing this connection: {error}"
            protocol.notify(
                types.WINDOW_SHOW_MESSAGE,
                types.ShowMessageParams(types.MessageType.Error, f"lionagi playground: {reason}"),
            )
            outgoing.put_nowait(_Close(POLICY_VIOLATION, reason[:120]))
            return True  # nothing more is read; the sender closes once the message is out
        if frame is None:
            frame = (raw or b"").decode("utf-8", errors="replace")
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
