"""One run's use of a container's attach stream: the header and stdin in, output and the end out.

Docker carries a container's stdout and stderr on one connection, in frames (an 8-byte
header: the stream, 1 or 2, and a big-endian length; then that many bytes). `AttachPump`
turns them back into two pipes that the shared supervisor reads exactly as it reads a local
process's, forwards the supervisor's stdin pipe to the connection (EOF becomes a half-close,
which Docker passes on as EOF because containers are created with StdinOnce), and finds the
agent's end markers (image/agent.py): what precedes a marker is the program's output, the
JSON after it on stdout says how the program ended. Everything runs in the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from dataclasses import dataclass

END_MARKER = b"\x00\x1bplayground-end:"
"""Must equal `END_MARKER` in image/agent.py (a test checks)."""
FRAME_HEADER = 8
READ_CHUNK = 64 * 1024
MAX_REPORT = 4096


@dataclass(frozen=True)
class EndReport:
    """What the agent said of the program's end: its wait status and its own rusage."""

    status: int
    cpu_ms: int
    maxrss_kib: int


def header_bytes(header: dict[str, object]) -> bytes:
    """The run header as the agent reads it: its length on a line, then the JSON."""
    body = json.dumps(header, ensure_ascii=True).encode()
    return str(len(body)).encode() + b"\n" + body


class EndScanner:
    """Finds `marker` in a stream that arrives in pieces, passing everything before it on.

    A piece ending in what could be the start of the marker is held back until the next
    piece says otherwise (only bytes beginning with NUL can be, so ordinary text is never
    held).
    """

    def __init__(self, marker: bytes) -> None:
        self.marker = marker
        self.found = False
        self._held = b""

    def feed(self, data: bytes) -> tuple[bytes, bytes | None]:
        """(output to pass on, the bytes after the marker once it is found, else None)."""
        buffer = self._held + data
        at = buffer.find(self.marker)
        if at >= 0:
            self.found = True
            self._held = b""
            return buffer[:at], buffer[at + len(self.marker) :]
        keep = self._partial(buffer)
        self._held = buffer[len(buffer) - keep :] if keep else b""
        return buffer[: len(buffer) - keep], None

    def _partial(self, buffer: bytes) -> int:
        """The length of the longest end of `buffer` that begins the marker."""
        start = max(0, len(buffer) - len(self.marker) + 1)
        at = buffer.find(self.marker[:1], start)
        while at >= 0:
            if self.marker.startswith(buffer[at:]):
                return len(buffer) - at
            at = buffer.find(self.marker[:1], at + 1)
        return 0


class AttachPump:
    """Pumps one run through an attached container connection (see the module docstring)."""

    def __init__(self, sock: socket.socket, header: bytes, token: str) -> None:
        self._sock = sock
        self._header = header
        marker = END_MARKER + token.encode("ascii")
        self._scanners = {1: EndScanner(marker), 2: EndScanner(marker)}
        self._report = b""
        flags = os.O_CLOEXEC | os.O_NONBLOCK
        self.stdout, self._stdout_w = os.pipe2(flags)
        self.stderr, self._stderr_w = os.pipe2(flags)
        self._stdin_r, self.stdin = os.pipe2(flags)
        self._writers: dict[int, int | None] = {1: self._stdout_w, 2: self._stderr_w}
        self._stdin_open = True
        self._tasks: list[asyncio.Task[None]] = []
        self.ended: asyncio.Future[EndReport | None] = asyncio.get_running_loop().create_future()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._sock.setblocking(False)
        self._tasks = [loop.create_task(self._pump_out()), loop.create_task(self._pump_in())]

    async def close(self) -> None:
        """Stop pumping and close our ends (the supervisor closes its own)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for stream in (1, 2):
            self._close_writer(stream)
        self._close_stdin_reader()
        if not self.ended.done():
            self.ended.set_result(None)

    # -- output ----------------------------------------------------------------------------

    async def _pump_out(self) -> None:
        loop = asyncio.get_running_loop()
        buffer = bytearray()
        try:
            while not self.ended.done():
                data = await loop.sock_recv(self._sock, READ_CHUNK)
                if not data:
                    break
                buffer += data
                while len(buffer) >= FRAME_HEADER:
                    size = int.from_bytes(buffer[4:FRAME_HEADER], "big")
                    if len(buffer) < FRAME_HEADER + size:
                        break
                    kind = buffer[0]
                    payload = bytes(buffer[FRAME_HEADER : FRAME_HEADER + size])
                    del buffer[: FRAME_HEADER + size]
                    if kind in (1, 2):
                        await self._route(kind, payload)
                self._check_end()
        except OSError:
            pass  # the connection went with the container: that is an end too
        finally:
            for stream in (1, 2):
                self._close_writer(stream)
            if not self.ended.done():
                self.ended.set_result(None)

    async def _route(self, stream: int, payload: bytes) -> None:
        scanner = self._scanners[stream]
        if scanner.found:
            if stream == 1 and len(self._report) < MAX_REPORT:
                self._report += payload
            return
        output, after = scanner.feed(payload)
        if output:
            await self._write(stream, output)
        if after is not None:
            self._close_writer(stream)
            if stream == 1:
                self._report = after

    def _check_end(self) -> None:
        if self.ended.done() or not all(s.found for s in self._scanners.values()):
            return
        line, newline, _ = self._report.partition(b"\n")
        if not newline and len(self._report) < MAX_REPORT:
            return
        self.ended.set_result(_parse_report(line))

    async def _write(self, stream: int, data: bytes) -> None:
        """Into the supervisor's pipe, waiting while it is full; dropped once it is closed."""
        loop = asyncio.get_running_loop()
        while data:
            fd = self._writers[stream]
            if fd is None:
                return
            try:
                data = data[os.write(fd, data) :]
            except BlockingIOError:
                ready: asyncio.Future[None] = loop.create_future()
                loop.add_writer(fd, _resolve, ready)
                try:
                    await ready
                finally:
                    loop.remove_writer(fd)
            except OSError:  # the supervisor closed its end: nobody reads any more
                self._close_writer(stream)

    def _close_writer(self, stream: int) -> None:
        fd = self._writers.get(stream)
        if fd is not None:
            self._writers[stream] = None
            os.close(fd)

    # -- input -----------------------------------------------------------------------------

    async def _pump_in(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            await loop.sock_sendall(self._sock, self._header)
            while True:
                data = await self._read_stdin()
                if not data:
                    self._sock.shutdown(socket.SHUT_WR)
                    return
                await loop.sock_sendall(self._sock, data)
        except OSError:
            return  # the container is gone: there is no one to send stdin to
        finally:
            self._close_stdin_reader()

    async def _read_stdin(self) -> bytes:
        loop = asyncio.get_running_loop()
        while True:
            try:
                return os.read(self._stdin_r, READ_CHUNK)
            except BlockingIOError:
                ready: asyncio.Future[None] = loop.create_future()
                loop.add_reader(self._stdin_r, _resolve, ready)
                try:
                    await ready
                finally:
                    loop.remove_reader(self._stdin_r)

    def _close_stdin_reader(self) -> None:
        if self._stdin_open:
            self._stdin_open = False
            os.close(self._stdin_r)


def _parse_report(line: bytes) -> EndReport | None:
    try:
        data = json.loads(line)
        return EndReport(int(data["status"]), int(data["cpu_ms"]), int(data["maxrss_kib"]))
    except (ValueError, KeyError, TypeError):
        return None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
