"""`lionagi-playground serve`: the web playground (the page, its WebSocket, health)."""

from __future__ import annotations

import argparse
from pathlib import Path

from lionagi_playground.cli.lsp import host_port
from lionagi_playground.sandbox.backends import BACKENDS, DEFAULT_BACKEND

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"default: {DEFAULT_HOST}")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"default: {DEFAULT_PORT}")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument(
        "--token",
        help="the token the page's link carries (default: one made once and kept in the "
        "data folder, so a restart keeps open pages working)",
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="another browser Origin allowed to connect (the page's own needs no flag)",
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
        help=f"the sandbox that runs code (default: {DEFAULT_BACKEND})",
    )


def main(args: argparse.Namespace) -> int:
    from lionagi_playground.server.main import run_web

    run_web(
        args.host,
        args.port,
        token=args.token,
        origins=args.allow_origin,
        runtime=args.runtime,
        backend=args.backend,
        data_dir=args.data_dir,
        allow_network=args.allow_network,
        open_browser=args.open,
    )
    return 0


def _port(value: str) -> int:
    return host_port(f"x:{value}")[1]
