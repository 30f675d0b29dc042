"""`lionagi-playground lsp`: the language server, over stdio (one editor) or WebSocket (many)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lionagi_playground.sandbox.backends import BACKENDS, DEFAULT_BACKEND


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ws",
        metavar="HOST:PORT",
        type=host_port,
        help="serve many clients over WebSocket instead of one over stdio "
        "(host defaults to 127.0.0.1)",
    )
    parser.add_argument(
        "--token", help="the token WebSocket clients must present (default: random)"
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser Origin allowed to connect, e.g. http://localhost:5173 (repeatable)",
    )
    parser.add_argument(
        "--runtime", type=Path, help="the runtime environment (default: the one `setup` built)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where playgrounds are kept (SQLite; default: the user's data directory, "
        "or $LIONAGI_PLAYGROUND_DATA)",
    )
    parser.add_argument(
        "--allow-network",
        action="store_true",
        help="let runs ask for network access (limits.network); a run with model API keys "
        "then talks to the real model (default: every run is offline)",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default=DEFAULT_BACKEND,
        help=f"the sandbox that runs code for playground/run (default: {DEFAULT_BACKEND})",
    )


def main(args: argparse.Namespace) -> int:
    from lionagi_playground.server.main import run_stdio, run_websocket

    if args.ws is None:
        if args.token or args.allow_origin:
            print("lionagi-playground lsp: --token and --allow-origin need --ws", file=sys.stderr)
            return 2
        run_stdio(
            runtime=args.runtime,
            backend=args.backend,
            data_dir=args.data_dir,
            allow_network=args.allow_network,
        )
    else:
        host, port = args.ws
        run_websocket(
            host,
            port,
            token=args.token,
            origins=args.allow_origin,
            runtime=args.runtime,
            backend=args.backend,
            data_dir=args.data_dir,
            allow_network=args.allow_network,
        )
    return 0


def host_port(value: str) -> tuple[str, int]:
    """`HOST:PORT` or `PORT` (host 127.0.0.1); `[::1]:PORT` for IPv6."""
    host, sep, port_text = value.rpartition(":")
    if not sep:
        host, port_text = "127.0.0.1", value
    try:
        port = int(port_text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT or PORT, got {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range 0-65535")
    return host.strip("[]") or "127.0.0.1", port
