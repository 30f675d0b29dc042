"""Co-editing under load: N clients typing on one document through the real WebSocket server.

    .venv/bin/python bench/collab.py [--clients 20] [--rate 5] [--seconds 60] [--flood 10]

Starts `lionagi-playground lsp --ws` with a fresh data folder, creates a playground holding a
2,000-line file, and connects N clients that each make `rate` edits a second (one character
typed or deleted at a random place) for `seconds`, each an ot.js-style client (one op in
flight, the rest composed into a buffer). Reports the ops the server acknowledged per second
(each durable before its acknowledgement), the server's CPU, the latency from a keystroke to
its arrival at every other client (p50/p95/p99), and the time to quiescence after the typing
stops, checking that every replica and a fresh join agree. Then one client floods as fast as
the protocol lets it (an op sent the moment the previous one is acknowledged, keystrokes
composed meanwhile), then N clients flood at once: the ceiling on one document.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from websockets.asyncio.client import ClientConnection, connect

from lionagi_playground.server.collab.operation import (
    Operation,
    apply,
    compose,
    text,
    transform,
    units,
)

TOKEN = "bench-collab-token-0123456789"
PATH = "big.py"


def document() -> str:
    return "".join(f"value_{n} = compute({n}, 'line {n} of the document')\n" for n in range(2000))


@dataclass
class Client:
    websocket: ClientConnection
    playground: str
    latencies: list[float]
    sent_at: dict[tuple[str, int], float]
    text: str = ""
    revision: int = 0
    client_id: str = ""
    seq: int = 0
    outstanding: Operation | None = None
    outstanding_since: float = 0.0
    buffer: Operation | None = None
    buffer_since: float = 0.0
    acked: int = 0
    _next_id: int = 0
    _answers: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    _on_ack: dict[int, Callable[[dict[str, Any]], None]] = field(default_factory=dict)
    idle: asyncio.Event = field(default_factory=asyncio.Event)

    async def request(self, method: str, params: Any) -> Any:
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._answers[self._next_id] = future
        message = {"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params}
        await self.websocket.send(json.dumps(message))
        answer = await future
        if "error" in answer:
            raise RuntimeError(answer["error"]["message"])
        return answer["result"]

    async def read(self) -> None:
        async for frame in self.websocket:
            message = json.loads(frame)
            if "method" not in message:
                if (on_ack := self._on_ack.pop(message["id"], None)) is not None:
                    on_ack(message)  # at once: the ops after it must find it applied
                else:
                    self._answers.pop(message["id"]).set_result(message)
            elif message["method"] == "playground/collab/remoteOp":
                self.on_remote(message["params"])

    def edit(self, op: Operation) -> None:
        now = time.perf_counter()
        self.text = apply(self.text, op)
        if self.outstanding is None:
            self.send(op, now)
        elif self.buffer is None:
            self.buffer, self.buffer_since = op, now
        else:
            self.buffer = compose(self.buffer, op)

    def send(self, op: Operation, since: float) -> None:
        self.idle.clear()
        self.seq += 1
        self.outstanding, self.outstanding_since = op, since
        self.sent_at[(self.client_id, self.seq)] = since
        params = {
            "playground": self.playground,
            "path": PATH,
            "revision": self.revision,
            "seq": self.seq,
            "op": [text(c) if isinstance(c, str) else c for c in op],
        }
        self._next_id += 1
        self._on_ack[self._next_id] = self._acknowledged
        message = {"jsonrpc": "2.0", "id": self._next_id, "method": "playground/collab/op"}
        asyncio.get_running_loop().create_task(
            self.websocket.send(json.dumps({**message, "params": params}))
        )

    def _acknowledged(self, message: dict[str, Any]) -> None:
        if "error" in message:
            raise RuntimeError(f"op refused: {message['error']['message']}")
        self.revision = message["result"]["revision"]
        self.acked += 1
        self.outstanding = None
        if self.buffer is not None:
            op, since, self.buffer = self.buffer, self.buffer_since, None
            self.send(op, since)
        else:
            self.idle.set()

    def on_remote(self, params: dict[str, Any]) -> None:
        op: Operation = tuple(units(c) if isinstance(c, str) else c for c in params["op"])
        if self.outstanding is not None:
            self.outstanding, op = transform(self.outstanding, op)
        if self.buffer is not None:
            self.buffer, op = transform(self.buffer, op)
        self.text = apply(self.text, op)
        self.revision = params["revision"]
        sent = self.sent_at.get((params["clientId"], params["seq"]))
        if sent is not None:
            self.latencies.append(time.perf_counter() - sent)

    def random_edit(self, rng: random.Random) -> Operation:
        size = len(self.text)
        at = rng.randrange(size + 1)
        if size and rng.random() < 0.3:
            at = min(at, size - 1)
            return tuple(c for c in (at, -1, size - at - 1) if c)
        return tuple(c for c in (at, rng.choice("abcxyz ()\n"), size - at) if c)


async def open_client(
    url: str, playground: str, latencies: list[float], sent: dict[tuple[str, int], float]
) -> tuple[Client, asyncio.Task[None]]:
    websocket = await connect(url, max_size=64 * 1024 * 1024)
    client = Client(websocket, playground, latencies, sent)
    reader = asyncio.get_running_loop().create_task(client.read())
    await client.request("initialize", {"capabilities": {}, "processId": None, "rootUri": None})
    joined = await client.request(
        "playground/collab/join", {"playground": playground, "path": PATH}
    )
    client.text, client.revision, client.client_id = (
        units(joined["text"]),
        joined["revision"],
        joined["clientId"],
    )
    client.idle.set()
    return client, reader


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def typing(
    url: str,
    playground: str,
    count: int,
    rate: float,
    seconds: float,
    flood: bool,
    process: psutil.Process,
) -> dict[str, Any]:
    latencies: list[float] = []
    sent: dict[tuple[str, int], float] = {}
    clients = [await open_client(url, playground, latencies, sent) for _ in range(count)]
    rng = random.Random(7)
    cpu_before = process.cpu_times()
    started = time.perf_counter()

    async def type_on(client: Client, seed: int) -> None:
        local = random.Random(seed)
        deadline = started + seconds
        while time.perf_counter() < deadline:
            client.edit(client.random_edit(local))
            if flood:
                await client.idle.wait()  # the next keystroke as soon as the last is acknowledged
            else:
                await asyncio.sleep(local.expovariate(rate))

    await asyncio.gather(*(type_on(c, rng.randrange(1 << 30)) for c, _ in clients))
    typed = time.perf_counter() - started
    stop_typing = time.perf_counter()
    target = None
    while True:  # quiescence: nothing in flight anywhere, every replica at one revision
        await asyncio.gather(*(c.idle.wait() for c, _ in clients))
        revisions = {c.revision for c, _ in clients}
        target = max(revisions)
        if len(revisions) == 1:
            break
        await asyncio.sleep(0.005)
    quiet = time.perf_counter() - stop_typing
    cpu_after = process.cpu_times()
    texts = {c.text for c, _ in clients}
    fresh, reader = await open_client(url, playground, [], {})
    agree = len(texts) == 1 and units(text(fresh.text)) == next(iter(texts))
    acked = sum(c.acked for c, _ in clients)
    for client, task in [*clients, (fresh, reader)]:
        await client.websocket.close()
        task.cancel()
    cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    return {
        "clients": count,
        "acked ops/s": round(acked / typed, 1),
        "acked": acked,
        "server CPU %": round(100 * cpu / (typed + quiet), 1),
        "p50 ms": round(percentile(latencies, 0.50), 1) if latencies else None,
        "p95 ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "p99 ms": round(percentile(latencies, 0.99), 1) if latencies else None,
        "quiescence ms": round(quiet * 1000, 1),
        "revision": target,
        "replicas agree": agree,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0, help="edits a second per client")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--flood", type=float, default=10.0, help="seconds of each flood")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        server = subprocess.Popen(  # noqa: ASYNC220 (before any client: nothing to block)
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
                str(Path(data)),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert server.stdout is not None
        match = re.search(r":(\d+)/lsp", server.stdout.readline())
        assert match, "the server did not start"
        url = f"ws://127.0.0.1:{match.group(1)}/lsp?token={TOKEN}"
        try:
            process = psutil.Process(server.pid)
            results = []
            for label, count, rate, seconds, flood in [
                ("typing", args.clients, args.rate, args.seconds, False),
                ("one client flooding", 1, 0, args.flood, True),
                (f"{args.clients} clients flooding", args.clients, 0, args.flood, True),
            ]:
                websocket = await connect(url)
                setup = Client(websocket, "", [], {})
                reader = asyncio.get_running_loop().create_task(setup.read())
                await setup.request("initialize", {"capabilities": {}})
                made = await setup.request("playground/create", {"files": {PATH: document()}})
                await websocket.close()
                reader.cancel()
                result = await typing(url, made["playground"], count, rate, seconds, flood, process)
                print(json.dumps({"run": label, **result}), flush=True)
                results.append((label, result))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
