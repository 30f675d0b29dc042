"""Co-editing under load: N clients typing on one document through the real WebSocket server.

    .venv/bin/python bench/collab.py [--clients 20] [--rate 5] [--seconds 60] [--flood 10]
                                     [--burst 500] [--no-deflate] [--in-process]

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

`--in-process` floods the server's own stack in the bench's process instead (sessions, pygls,
handlers, rooms, the SQLite log, the frame queues; sockets in memory, so no uvicorn, WebSocket
framing, deflate or socket calls), one client then N, and reports its CPU per acked op, split
between the event loop and the log's writer thread: what changes to the server's Python show in
without the rest of the stack and the bench's clients sharing the machine.
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
from typing import Any, ClassVar, cast

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


class _Socket:
    """A WebSocket as `serve_session` uses one, in memory, with a minimal client on the other
    end: it reads the revision of each remoteOp and the answer to each request, nothing more."""

    def __init__(self) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.answers: dict[int, asyncio.Future[Any]] = {}
        self.revision = 0

    async def receive(self) -> dict[str, Any]:
        return await self.inbox.get()

    async def send_text(self, frame: str) -> None:
        if frame.startswith('{"jsonrpc": "2.0", "method": "playground/collab/remoteOp"'):
            at = frame.index('"revision": ') + 12
            self.revision = max(self.revision, int(frame[at : frame.index(",", at)]))
            return
        message = json.loads(frame)
        if (answer := self.answers.pop(message.get("id"), None)) is not None:
            answer.set_result(message.get("result"))

    async def close(self, code: int = 1000, reason: str = "") -> None:
        return None

    def request(self, number: int, method: str, params: Any) -> asyncio.Future[Any]:
        answer = asyncio.get_running_loop().create_future()
        self.answers[number] = answer
        message = {"jsonrpc": "2.0", "id": number, "method": method, "params": params}
        self.inbox.put_nowait({"type": "websocket.receive", "text": json.dumps(message)})
        return answer


async def in_process(count: int, seconds: float) -> dict[str, Any]:
    """`count` clients flooding the server's own stack in this process (sessions, pygls,
    handlers, rooms, the SQLite log with its fsyncs, the frame queues) over in-memory sockets:
    no uvicorn, no WebSocket framing or deflate, no socket calls. The CPU per op is the
    server's Python, the minimal clients' few microseconds per frame included."""
    import threading

    from lionagi_playground.server.connection_limits import Limits
    from lionagi_playground.server.shared import Shared
    from lionagi_playground.server.websocket import serve_session

    with tempfile.TemporaryDirectory() as data:
        shared = Shared(None, data_dir=Path(data))
        quiet, before = 0, time.process_time()
        while quiet < 2:  # the completion engine warms up in a thread: let it finish
            await asyncio.sleep(0.5)
            now = time.process_time()
            quiet, before = (quiet + 1 if now - before < 0.05 else 0), now
        unlimited = Limits(messages_per_second=1e9, message_burst=1e9)
        sockets = [_Socket() for _ in range(count)]
        sessions = [
            asyncio.create_task(serve_session(cast(Any, s), shared, limits=unlimited))
            for s in sockets
        ]
        for s in sockets:
            await s.request(1, "initialize", {"capabilities": {}})
        made = await sockets[0].request(2, "playground/create", {"files": {PATH: document()}})
        where = {"playground": made["playground"], "path": PATH}
        start = len(document())
        for s in sockets:
            s.revision = (await s.request(3, "playground/collab/join", where))["revision"]
        me = psutil.Process()
        names = {t.native_id: t.name for t in threading.enumerate()}
        threads_before = {t.id: t.user_time + t.system_time for t in me.threads()}
        cpu_before, started = time.process_time(), time.perf_counter()
        acked = 0

        async def flood(socket: _Socket, seed: int) -> None:
            nonlocal acked
            rng = random.Random(seed)
            seq = 0
            while time.perf_counter() < started + seconds:
                seq += 1
                length = start + socket.revision  # insert-only: one unit an op
                at = rng.randrange(length + 1)
                op = [c for c in (at, "x", length - at) if c]
                params = {**where, "revision": socket.revision, "seq": seq, "op": op}
                answer = await socket.request(100 + seq, "playground/collab/op", params)
                socket.revision = max(socket.revision, answer["revision"])
                acked += 1

        await asyncio.gather(*(flood(s, n) for n, s in enumerate(sockets)))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        threads = {
            names.get(t.id, str(t.id)): t.user_time + t.system_time - threads_before.get(t.id, 0)
            for t in me.threads()
        }
        for s in sockets:
            s.inbox.put_nowait({"type": "websocket.disconnect"})
        await asyncio.gather(*sessions, return_exceptions=True)
        shared.close()
    return {
        "clients": count,
        "acked ops/s": round(acked / elapsed, 1),
        "acked": acked,
        "CPU us/op": round(1e6 * cpu / acked),
        "event loop us/op": round(1e6 * threads.get("MainThread", 0) / acked),
        "log writer us/op": round(1e6 * threads.get("collab-store", 0) / acked),
    }


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
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="flood the server's stack in this process over in-memory sockets instead",
    )
    args = parser.parse_args()
    if args.no_deflate:
        Client.compression = None
    if args.in_process:
        for count in (1, args.clients):
            result = await in_process(count, args.flood)
            print(json.dumps({"run": f"in-process, {count} flooding", **result}), flush=True)
        return
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
