"""`lionagi-playground run FILE`: run one file (and its folder's files) in the sandbox.

Output streams to our stdout/stderr as it happens, stdin is forwarded, and a one-line usage
summary goes to stderr at the end. The exit code is the program's own, or one per status:

    ok / error   the program's exit code
    timeout      124 (as timeout(1))
    output_limit 125
    cancelled    130 (Ctrl-C)
    memory       137 (128 + SIGKILL, as an OOM kill looks in a shell)
    signal N     128 + N
    refused      2 (bad request, e.g. an unknown language) / 3 (backend unavailable)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import stat
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from lionagi_playground.sandbox.backend import Execution
from lionagi_playground.sandbox.backends import BACKENDS, DEFAULT_BACKEND, make_backend
from lionagi_playground.sandbox.errors import (
    BackendUnavailableError,
    InvalidRequestError,
    SandboxError,
)
from lionagi_playground.sandbox.events import Display, Exit, Output
from lionagi_playground.sandbox.limits import MIB, SERVER_MAXIMA, clamp
from lionagi_playground.sandbox.request import MAX_FILE_BYTES, MAX_FILES, RunRequest

EXIT_CODES = {"timeout": 124, "output_limit": 125, "cancelled": 130, "memory": 137}
REFUSED = 2
UNAVAILABLE = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the entry file; its folder's files come along")
    parser.add_argument("--backend", choices=BACKENDS, default=DEFAULT_BACKEND)
    parser.add_argument("--language", help="python, javascript or bash (default: by extension)")
    parser.add_argument("--timeout", type=float, metavar="S", help="wall-clock limit in seconds")
    parser.add_argument("--memory", type=float, metavar="MB", help="memory limit in MiB")
    parser.add_argument("--stdin", metavar="TEXT", help="stdin text (default: forward ours)")
    parser.add_argument("--network", action="store_true", help="allow network access")
    parser.add_argument("--runtime", type=Path, help="the runtime environment (default: setup's)")


def main(args: argparse.Namespace) -> int:
    try:
        request = build_request(args)
    except (InvalidRequestError, OSError) as error:
        print(f"lionagi-playground run: {error}", file=sys.stderr)
        return REFUSED
    return asyncio.run(_run(request, args.backend, args.runtime))


def build_request(args: argparse.Namespace) -> RunRequest:
    entry: Path = args.file
    if not entry.is_file():
        raise InvalidRequestError(f"{entry} is not a file")
    requested: dict[str, object] = {}
    if args.timeout is not None:
        requested["timeout_s"] = args.timeout
    if args.memory is not None:
        requested["memoryMb"] = args.memory
    if args.network:
        requested["network"] = True
    # The command line is the operator: the server maxima bound it, network included.
    limits = clamp(requested, replace(SERVER_MAXIMA, network=True))
    return RunRequest(
        files=workspace_files(entry),
        entry=entry.name,
        language=args.language,
        stdin=args.stdin,
        limits=limits,
        session="cli",
    )


def workspace_files(entry: Path) -> dict[str, str]:
    """The entry plus the other small text files beside it (symlinks and others skipped)."""
    files = {entry.name: entry.read_text(encoding="utf-8")}
    for path in sorted(entry.parent.iterdir()):
        if len(files) >= MAX_FILES:
            break
        if path.name == entry.name or path.name.startswith("."):
            continue
        with contextlib.suppress(OSError, UnicodeDecodeError):
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE_BYTES:
                files[path.name] = path.read_text(encoding="utf-8")
    return files


async def _run(request: RunRequest, backend_name: str, runtime: Path | None) -> int:
    try:
        backend = make_backend(backend_name, runtime, one_shot=True)
    except BackendUnavailableError as error:
        print(f"lionagi-playground run: {error}", file=sys.stderr)
        return UNAVAILABLE
    try:
        run = await backend.start(request)
    except SandboxError as error:
        print(f"lionagi-playground run: {error}", file=sys.stderr)
        await backend.aclose()
        return REFUSED if isinstance(error, InvalidRequestError) else UNAVAILABLE
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, lambda: _spawn(run.cancel()))
    forwarding = None if request.stdin is not None else _forward_stdin(run)
    try:
        final = await _show(run)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        if forwarding is not None:
            forwarding()
        await backend.aclose()
    print(summary(final), file=sys.stderr)
    return exit_code(final)


async def _show(run: Execution) -> Exit:
    async for event in run.events():
        if isinstance(event, Output):
            stream = sys.stdout if event.stream == "stdout" else sys.stderr
            stream.write(event.text)
            stream.flush()
        elif isinstance(event, Display):
            print(f"[display {event.mime}, {len(event.data)} characters]", file=sys.stderr)
        elif isinstance(event, Exit):
            return event
    raise SandboxError("the run ended without an exit")


_TASKS: set[asyncio.Task[None]] = set()


def _spawn(work: Coroutine[Any, Any, None]) -> None:
    task = asyncio.get_running_loop().create_task(work)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


def _forward_stdin(run: Execution) -> Callable[[], None]:
    """Forward our stdin to the run as it arrives; returns a function that stops it."""
    loop = asyncio.get_running_loop()
    fd = sys.stdin.fileno() if sys.stdin is not None else -1

    def on_input() -> None:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if data:
            _spawn(run.write_stdin(data.decode("utf-8", "replace")))
        else:
            loop.remove_reader(fd)
            _spawn(run.close_stdin())

    try:
        loop.add_reader(fd, on_input)
    except (OSError, ValueError):
        # Regular files and /dev/null cannot be polled, but reading them never blocks.
        text = ""
        with contextlib.suppress(OSError, ValueError):
            text = sys.stdin.read()
        _spawn(_send_all(run, text))
        return lambda: None
    return lambda: _stop_reading(loop, fd)


def _stop_reading(loop: asyncio.AbstractEventLoop, fd: int) -> None:
    loop.remove_reader(fd)


async def _send_all(run: Execution, text: str) -> None:
    if text:
        await run.write_stdin(text)
    await run.close_stdin()


def exit_code(event: Exit) -> int:
    if event.status in ("ok", "error"):
        return event.exit_code if event.exit_code is not None else 1
    if event.status == "signal" and event.signal is not None:
        return 128 + event.signal
    return EXIT_CODES.get(event.status, 1)


def summary(event: Exit) -> str:
    """One line: status, message, wall and CPU time, peak memory."""
    said = f" ({event.message})" if event.message else ""
    return (
        f"[{event.status}{said}] {event.elapsed_ms} ms wall, {event.cpu_ms} ms CPU, "
        f"{event.max_memory_bytes / MIB:.1f} MiB peak"
    )
