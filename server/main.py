"""Entry points: the language server over stdio (one editor) or WebSocket (many clients)."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sys
from pathlib import Path

from lionagi_playground.sandbox.backends import DEFAULT_BACKEND
from lionagi_playground.server.session import PlaygroundServer
from lionagi_playground.server.shared import Shared

log = logging.getLogger(__name__)

PING_INTERVAL_S = 2.0
PING_TIMEOUT_S = 3.0
"""A connection that stops answering pings is closed within about five seconds, so a
collaborator whose network dropped leaves the others' participant lists as fast."""


def run_stdio(
    runtime: Path | None = None, backend: str = DEFAULT_BACKEND, data_dir: Path | None = None
) -> None:
    """Serve one editor on stdin/stdout until it exits."""
    shared = Shared(runtime, backend=backend, data_dir=data_dir)
    server = PlaygroundServer(shared)

    def leave() -> None:
        # Leave at once when the editor says `exit` (or closes stdin). A normal
        # interpreter exit joins every thread, and the jedi thread or pygls's
        # stdin reader can sit in a blocking call for as long as the client
        # keeps its end open: an editor waiting for that exit hangs. Our
        # children (the analysis worker, jedi's environment process) end at
        # EOF on their stdin; runs were cancelled at `shutdown`.
        shared.close()
        logging.shutdown()
        sys.stdout.flush()
        os._exit(0 if server.protocol._shutdown else 1)

    server.protocol.on_exit = leave
    try:
        server.start_io()
    finally:
        leave()


def run_websocket(
    host: str,
    port: int,
    *,
    token: str | None = None,
    origins: list[str] | None = None,
    runtime: Path | None = None,
    backend: str = DEFAULT_BACKEND,
    data_dir: Path | None = None,
) -> None:
    """Serve every WebSocket client at ws://HOST:PORT/lsp?token=..., one session each."""
    import uvicorn

    from lionagi_playground.server.websocket import create_app

    token = token or secrets.token_urlsafe(24)
    shared = Shared(runtime, backend=backend, data_dir=data_dir)
    app = create_app(shared, token=token, origins=origins or [])

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        ws="websockets-sansio",
        ws_max_size=16 * 1024 * 1024,
        ws_ping_interval=PING_INTERVAL_S,
        ws_ping_timeout=PING_TIMEOUT_S,
        lifespan="off",
    )

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if not self.started:
                return
            bound = [s.getsockname() for srv in self.servers for s in srv.sockets]
            actual_port = bound[0][1] if bound else port
            # The first line is for tools that start the server and read the port.
            print(
                f"lionagi-playground language server on ws://{host}:{actual_port}/lsp\n"
                f"  connect with: ws://{host}:{actual_port}/lsp?token={token}\n"
                f"  allowed browser origins: {', '.join(origins or []) or 'none (editors only)'}",
                flush=True,
            )

    server = AnnouncingServer(config)
    try:
        server.run()
    finally:
        shared.close()
    # As over stdio: do not wait for the jedi thread to finish what it was doing.
    logging.shutdown()
    sys.stdout.flush()
    os._exit(0 if server.started else 1)
