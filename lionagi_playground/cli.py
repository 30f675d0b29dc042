"""The `lionagi-playground` command line: `lsp`, `run`, `setup`, `image` (and later `serve`)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from lionagi_playground import __version__
from lionagi_playground.sandbox.backends import BACKENDS, DEFAULT_BACKEND


def _host_port(value: str) -> tuple[str, int]:
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lionagi-playground",
        description="Code intelligence, sandboxed runs and live collaboration for lionagi.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING"])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    lsp = commands.add_parser("lsp", help="run the language server (stdio by default)")
    lsp.add_argument(
        "--ws",
        metavar="HOST:PORT",
        type=_host_port,
        help="serve many clients over WebSocket instead of one over stdio "
        "(host defaults to 127.0.0.1)",
    )
    lsp.add_argument("--token", help="the token WebSocket clients must present (default: random)")
    lsp.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="a browser Origin allowed to connect, e.g. http://localhost:5173 (repeatable)",
    )
    lsp.add_argument(
        "--runtime", type=Path, help="the runtime environment (default: the one `setup` built)"
    )
    lsp.add_argument(
        "--backend",
        choices=BACKENDS,
        default=DEFAULT_BACKEND,
        help=f"the sandbox that runs code for playground/run (default: {DEFAULT_BACKEND})",
    )

    run = commands.add_parser("run", help="run a file in the sandbox, streaming its output")
    from lionagi_playground.sandbox.cli_run import add_arguments

    add_arguments(run)

    setup = commands.add_parser("setup", help="build the runtime environment user code runs with")
    setup.add_argument("--runtime", type=Path, help="where to build it")
    setup.add_argument("--python", help="the base Python (default: the system's python3)")

    image = commands.add_parser(
        "image", help="build the docker backend's sandbox image (starts dockerd if needed)"
    )
    from lionagi_playground.sandbox.cli_image import add_arguments as add_image_arguments

    add_image_arguments(image)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr)
    if args.command == "setup":
        from lionagi_playground.runtime_env import RuntimeEnvError, build_runtime_env
        from lionagi_playground.server.knowledge import KnowledgeError, build_knowledge

        try:
            env = build_runtime_env(args.runtime, base_python=args.python)
            # What the editor knows of lionagi is read from this environment
            # now, so the language server starts warm.
            build_knowledge(env, progress=print)
        except (RuntimeEnvError, KnowledgeError) as error:
            print(f"lionagi-playground setup: {error}", file=sys.stderr)
            return 1
        return 0
    if args.command == "run":
        from lionagi_playground.sandbox.cli_run import main as run_main

        return run_main(args)
    if args.command == "image":
        from lionagi_playground.sandbox.cli_image import main as image_main

        return image_main(args)
    if args.command == "lsp":
        from lionagi_playground.server.main import run_stdio, run_websocket

        if args.ws is None:
            if args.token or args.allow_origin:
                print(
                    "lionagi-playground lsp: --token and --allow-origin need --ws", file=sys.stderr
                )
                return 2
            run_stdio(runtime=args.runtime, backend=args.backend)
        else:
            host, port = args.ws
            run_websocket(
                host,
                port,
                token=args.token,
                origins=args.allow_origin,
                runtime=args.runtime,
                backend=args.backend,
            )
        return 0
    raise AssertionError(f"unhandled command {args.command}")
