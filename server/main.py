"""Entry points: the language server over stdio (one editor) or WebSocket (many clients)."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lionagi_playground.sandbox.backends import DEFAULT_BACKEND
from lionagi_playground.server.connection_limits import DEFAULT_LIMITS
from lionagi_playground.server.session import PlaygroundServer
from lionagi_playground.server.shared import Shared

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = DEFAULT_LIMITS.max_message_bytes

PING_INTERVAL_S = 2.0
PING_TIMEOUT_S = 3.0
"""A connection that stops answering pings is closed within about five seconds, so a
collaborator whose network dropped leaves the others' participant lists as fast."""


def run_stdio(
    runtime: Path | None = None,
    backend: str = DEFAULT_BACKEND,
    data_dir: Path | None = None,
    allow_network: bool = False,
) -> None:
    """Serve one editor on stdin/stdout until it exits."""
    shared = Shared(runtime, backend=backend, data_dir=data_dir, allow_network=allow_network)
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
    allow_network: bool = False,
) -> None:
    """Serve every WebSocket client at ws://HOST:PORT/lsp?token=..., one session each."""
    from lionagi_playground.server.websocket import create_app

    token = token or secrets.token_urlsafe(24)
    shared = Shared(runtime, backend=backend, data_dir=data_dir, allow_network=allow_network)
    app = create_app(shared, token=token, origins=origins or [])

    def announce(actual_port: int) -> str:
        # The first line is for tools that start the server and read the port.
        return (
            f"lionagi-playground language server on ws://{host}:{actual_port}/lsp\n"
            f"  connect with: ws://{host}:{actual_port}/lsp?token={token}\n"
            f"  allowed browser origins: {', '.join(origins or []) or 'none (editors only)'}"
        )

    _run_uvicorn(app, shared, host, port, announce)


def run_web(
    host: str,
    port: int,
    *,
    token: str | None = None,
    origins: list[str] | None = None,
    runtime: Path | None = None,
    backend: str = DEFAULT_BACKEND,
    data_dir: Path | None = None,
    open_browser: bool = False,
    allow_network: bool = False,
) -> None:
    """The web playground: the page at http://HOST:PORT/?token=..., and /lsp for it and editors."""
    from lionagi_playground.server.collab.hub import default_data_dir
    from lionagi_playground.server.web.app import create_web_app, load_or_make_token

    data_dir = data_dir or default_data_dir()
    token = token or load_or_make_token(data_dir)
    shared = Shared(runtime, backend=backend, data_dir=data_dir, allow_network=allow_network)
    app = create_web_app(
        shared, token=token, origins=origins, loopback_only=_is_loopback_address(host)
    )

    def announce(actual_port: int) -> str:
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{actual_port}/?token={token}"
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        return (
            f"lionagi-playground on http://{shown}:{actual_port}/\n"
            f"  open: {url}\n"
            f"  editors connect to ws://{shown}:{actual_port}/lsp?token={token}\n"
            f"  playgrounds are kept in {data_dir}"
        )

    _run_uvicorn(app, shared, host, port, announce)


def _is_loopback_address(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _run_uvicorn(
    app: Any, shared: Shared, host: str, port: int, announce: Callable[[int], str]
) -> None:
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        ws="websockets-sansio",
        ws_max_size=MAX_MESSAGE_BYTES,
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
            print(announce(bound[0][1] if bound else port), flush=True)

    server = AnnouncingServer(config)
    try:
        server.run()
    finally:
        shared.close()
    # As over stdio: do not wait for the jedi thread to finish what it was doing.
    logging.shutdown()
    sys.stdout.flush()
    os._exit(0 if server.started else 1)
