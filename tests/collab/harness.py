"""A real server (`lionagi-playground lsp --ws`, its own data folder) and a small JSON-RPC
client over WebSocket for driving collaboration from tests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

TOKEN = "collab-test-token-0123456789"
TIMEOUT = 20.0


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    data_dir: Path

    def url(self, *, token: str | None = TOKEN, invite: str | None = None) -> str:
        query = f"invite={invite}" if invite is not None else f"token={token}"
        return f"ws://127.0.0.1:{self.port}/lsp?{query}"

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, as a crash or a power cut of the process."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def start_server(data_dir: Path) -> Server:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lionagi_playground",
            "lsp",
            "--ws",
            "127.0.0.1:0",
            "--token",
            TOKEN,
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # blocks until the address is announced (or "" on death)
    match = re.search(r"ws://[\d.]+:(\d+)/lsp", first)
    if match is None:
        process.kill()
        raise RuntimeError(f"the server did not announce its address: {first!r}")
    return Server(process, int(match.group(1)), data_dir)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "data")
    yield running
    running.stop()


class RpcError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass
class Peer:
    """One connection: requests with their answers, and every notification it received."""

    websocket: ClientConnection
    notifications: list[tuple[str, Any]] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)
    """Every message received, in order."""
    _next_id: int = 0
    _answers: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task[None] | None = None

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for frame in self.websocket:
                message = json.loads(frame)
                self.frames.append(message)
                if "id" in message and "method" not in message:
                    future = self._answers.pop(message["id"], None)
                    if future is not None and not future.done():
                        future.set_result(message)
                elif "method" in message and "id" not in message:
                    self.notifications.append((message["method"], message.get("params")))
                    self._arrived.set()
        for future in self._answers.values():
            if not future.done():
                future.set_exception(ConnectionError("the connection closed"))

    async def request(self, method: str, params: Any = None) -> Any:
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._answers[self._next_id] = future
        await self.websocket.send(
            json.dumps({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        )
        message = await asyncio.wait_for(future, TIMEOUT)
        if "error" in message:
            raise RpcError(message["error"]["code"], message["error"]["message"])
        return message.get("result")

    async def notify(self, method: str, params: Any) -> None:
        await self.websocket.send(
            json.dumps({"jsonrpc": "2.0", "method": method, "params": params})
        )

    async def wait_for(
        self, method: str, predicate: Callable[[Any], bool] = lambda params: True
    ) -> Any:
        """The first notification of `method` matching `predicate` (waiting for it)."""

        async def find() -> Any:
            while True:
                for name, params in self.notifications:
                    if name == method and predicate(params):
                        return params
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(find(), TIMEOUT)

    def received(self, method: str) -> list[Any]:
        return [params for name, params in self.notifications if name == method]

    async def close(self) -> None:
        await self.websocket.close()
        if self._reader is not None:
            await self._reader


async def open_peer(url: str) -> Peer:
    websocket = await connect(url, max_size=32 * 1024 * 1024)
    peer = Peer(websocket)
    peer._reader = asyncio.get_running_loop().create_task(peer._read())
    await peer.request("initialize", {"capabilities": {}, "processId": None, "rootUri": None})
    await peer.notify("initialized", {})
    return peer


@contextlib.asynccontextmanager
async def peers(url: str, count: int) -> AsyncIterator[list[Peer]]:
    opened = [await open_peer(url) for _ in range(count)]
    try:
        yield opened
    finally:
        for peer in opened:
            with contextlib.suppress(Exception):
                await peer.close()
