"""The `lionagi-playground` parser and dispatch: each subcommand's module adds its arguments
and runs it."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple

from lionagi_playground import __version__
from lionagi_playground.cli import image, lsp, run, serve, setup


class Command(NamedTuple):
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    main: Callable[[argparse.Namespace], int]


COMMANDS = {
    "serve": Command(
        "the web playground: prints a link to open in a browser", serve.add_arguments, serve.main
    ),
    "lsp": Command("run the language server (stdio by default)", lsp.add_arguments, lsp.main),
    "run": Command("run a file in the sandbox, streaming its output", run.add_arguments, run.main),
    "setup": Command(
        "build the runtime environment user code runs with", setup.add_arguments, setup.main
    ),
    "image": Command(
        "build the docker backend's sandbox image (starts dockerd if needed)",
        image.add_arguments,
        image.main,
    ),
}


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lionagi-playground",
        description="Code intelligence, sandboxed runs and live collaboration for lionagi.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING"])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        command.add_arguments(commands.add_parser(name, help=command.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, stream=sys.stderr)
    return COMMANDS[args.command].main(args)
