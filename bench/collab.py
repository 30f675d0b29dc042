"""Co-editing under load: N clients typing on one document through the real WebSocket server.

    .venv/bin/python bench/collab.py [--clients 20] [--rate 5] [--seconds 60] [--flood 10]
                                     [--burst 500] [--no-deflate]

Starts `lionagi-playground lsp --ws` with a fresh data folder, waits for it to finish warming
up, creates a playground holding a 2,000-line file, and connects N clients that each make
`rate` edits a second (one character typed or deleted at a random place) for `seconds`, each
an ot.js-style client (one op in flight, the rest composed into a buffer). Reports the ops the
server acknowledged per second (each durable before its acknowledgement), the server's CPU (and
per acknowledged op), the bench's own CPU (its clients share the machine), the latency from a
keystroke to its arrival at every other client (p50/p95/p99), and the time to quiescence after
the typing stops, checking that every replica and a fresh join agree. Then one client floods as
fast as the protocol lets it (an op sent the moment the previous one is acknowledged, keystrokes
composed meanwhile), then N clients flood at once: the ceiling on one document.

A connection may send 200 messages a second after a burst of 600 (`connection_limits`), and
one client's flood goes faster than that: it floods `burst` ops per connection, then the next
connection (a new clientId) takes over, and only the flooding time is counted. The clients
offer permessage-deflate, as browsers do, unless `--no-deflate`.
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
from typing import Any, ClassVar

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
    closed: bool = False
    _next_id: int = 0
    _answers: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    _on_ack: dict[int, Callable[[dict[str, Any]], None]] = field(default_factory=dict)
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    compression: ClassVar[str | None] = "deflate"
    """What the clients offer: permessage-deflate, as browsers do (`--no-deflate`: nothing)."""

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
        self.closed = True  # the server closed it (e.g. past the connection's limits)
        self.idle.set()

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
    websocket = await connect(url, max_size=64 * 1024 * 1024, compression=Client.compression)
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


@dataclass
class Run:
    """What a run measured, summed over its parts (the one-client flood has several)."""

    clients: int
    acked: int = 0
    typed: float = 0.0
    quiet: float = 0.0
    server_cpu: float = 0.0
    bench_cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    revision: int = 0
    agree: bool = True

    def summary(self) -> dict[str, Any]:
        lat = self.latencies
        return {
            "clients": self.clients,
            "acked ops/s": round(self.acked / self.typed, 1),
            "acked": self.acked,
            "server CPU %": round(100 * self.server_cpu / (self.typed + self.quiet), 1),
            "server us/op": round(1e6 * self.server_cpu / max(self.acked, 1)),
            "bench CPU %": round(100 * self.bench_cpu / (self.typed + self.quiet), 1),
            "p50 ms": round(percentile(lat, 0.50), 1) if lat else None,
            "p95 ms": round(percentile(lat, 0.95), 1) if lat else None,
            "p99 ms": round(percentile(lat, 0.99), 1) if lat else None,
            "quiescence ms": round(self.quiet * 1000, 1),
            "revision": self.revision,
            "replicas agree": self.agree,
        }


def _cpu(times: Any) -> float:
    return float(times.user + times.system)


async def typing(
    url: str,
    playground: str,
    count: int,
    rate: float,
    seconds: float,
    flood: bool,
    process: psutil.Process,
    run: Run | None = None,
    limit: int | None = None,
) -> Run:
    """N clients typing (or flooding) for `seconds`, or until each has sent `limit` ops."""
    run = run or Run(count)
    sent: dict[tuple[str, int], float] = {}
    clients = [await open_client(url, playground, run.latencies, sent) for _ in range(count)]
    rng = random.Random(7)
    cpu_before, bench_before = _cpu(process.cpu_times()), time.process_time()
    started = time.perf_counter()

    async def type_on(client: Client, seed: int) -> None:
        local = random.Random(seed)
        deadline = started + seconds
        while time.perf_counter() < deadline and (limit is None or client.seq < limit):
            client.edit(client.random_edit(local))
            if flood:
                await client.idle.wait()  # the next keystroke as soon as the last is acknowledged
            else:
                await asyncio.sleep(local.expovariate(rate))
            if client.closed:
                raise RuntimeError("the server closed a connection (see its log)")

    await asyncio.gather(*(type_on(c, rng.randrange(1 << 30)) for c, _ in clients))
    typed = time.perf_counter() - started
    stop_typing = time.perf_counter()
    while True:  # quiescence: nothing in flight anywhere, every replica at one revision
        await asyncio.gather(*(c.idle.wait() for c, _ in clients))
        revisions = {c.revision for c, _ in clients}
        run.revision = max(revisions)
        if len(revisions) == 1:
            break
        await asyncio.sleep(0.005)
    run.quiet += time.perf_counter() - stop_typing
    run.typed += typed
    run.server_cpu += _cpu(process.cpu_times()) - cpu_before
    run.bench_cpu += time.process_time() - bench_before
    texts = {c.text for c, _ in clients}
    fresh, reader = await open_client(url, playground, [], {})
    run.agree = run.agree and len(texts) == 1 and units(text(fresh.text)) == next(iter(texts))
    run.acked += sum(c.acked for c, _ in clients)
    for client, task in [*clients, (fresh, reader)]:
        await client.websocket.close()
        task.cancel()
    return run


async def flood_one(
    url: str, playground: str, seconds: float, process: psutil.Process, burst: int
) -> Run:
    """One client flooding, `burst` ops per connection: the server lets a connection send
    200 messages a second after a burst of 600 (`connection_limits`), and one client's flood
    is faster than that, so each connection stays within its burst and the next takes over."""
    run = Run(1)
    while run.typed < seconds:
        await typing(url, playground, 1, 0, seconds - run.typed, True, process, run, burst)
    return run


async def settle(process: psutil.Process, limit: float = 60.0) -> None:
    """Wait until the server is idle: it warms its completion caches after it starts, which
    would be counted as the first run's CPU."""
    quiet, deadline = 0, time.monotonic() + limit
    before = _cpu(process.cpu_times())
    while quiet < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        after = _cpu(process.cpu_times())
        quiet = quiet + 1 if after - before < 0.05 else 0
        before = after


async def new_playground(url: str) -> str:
    websocket = await connect(url)
    setup = Client(websocket, "", [], {})
    reader = asyncio.get_running_loop().create_task(setup.read())
    await setup.request("initialize", {"capabilities": {}})
    made = await setup.request("playground/create", {"files": {PATH: document()}})
    await websocket.close()
    reader.cancel()
    return str(made["playground"])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rate", type=float, default=5.0, help="edits a second per client")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--flood", type=float, default=10.0, help="seconds of each flood")
    parser.add_argument(
        "--burst", type=int, default=500, help="ops per connection of the one-client flood"
    )
    parser.add_argument(
        "--no-deflate", action="store_true", help="clients do not offer permessage-deflate"
    )
    args = parser.parse_args()
    if args.no_deflate:
        Client.compression = None
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
            await settle(process)
            for label, count, rate, seconds, flood in [
                ("typing", args.clients, args.rate, args.seconds, False),
                ("one client flooding", 1, 0, args.flood, True),
                (f"{args.clients} clients flooding", args.clients, 0, args.flood, True),
            ]:
                playground = await new_playground(url)
                if count == 1 and flood:
                    run = await flood_one(url, playground, seconds, process, args.burst)
                else:
                    run = await typing(url, playground, count, rate, seconds, flood, process)
                print(json.dumps({"run": label, **run.summary()}), flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    asyncio.run(main())
