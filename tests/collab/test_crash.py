"""SIGKILL in the middle of an edit storm: after a restart on the same data folder every
acknowledged op is there, nothing unacknowledged is half-applied, and each client learns
from its rejoin whether its op in flight got in (a resend applies it at most once).

Seven typists on two files insert unique tokens of one fixed width at token boundaries, each
keeping one op in flight (as ot.js's client does) and sending the next as soon as its ack
comes. The server is killed right after the Nth acknowledgement, while the others' ops are
on their way; then the files must be whole tokens only, each at most once, every
acknowledged one present, and the text what the stored log replays to.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed

from lionagi_playground.server.collab.operation import apply, text, units
from lionagi_playground.server.collab.store import op_from_json
from tests.collab.harness import Peer, Server, open_peer, start_server

JOIN = "playground/collab/join"
OP = "playground/collab/op"
WIDTH = 10  # "<tt.sssss>": typist, seq
TOKEN = re.compile(r"<\d\d\.\d{5}>")
FILES = {"main.py": 5, "notes.md": 2}  # typists per file


def _token(typist: int, seq: int) -> str:
    return f"<{typist:02d}.{seq:05d}>"


@dataclass
class Typist:
    number: int
    path: str
    client: str = ""
    revision: int = 0
    """The last revision this typist knows the text at (joined or acknowledged)."""
    seq: int = 0
    acked: dict[str, int] = field(default_factory=dict)
    in_flight: dict[str, Any] | None = None
    """The op sent and not acknowledged: resent, unchanged, after the restart."""
    sent: set[str] = field(default_factory=set)

    def next_op(self, rng: random.Random) -> dict[str, Any]:
        self.seq += 1
        token = _token(self.number, self.seq)
        # Each revision is one token, so the text at `revision` is revision * WIDTH units;
        # an insert at a token boundary stays at one when the server transforms it.
        at = rng.randint(0, self.revision)
        op: list[int | str] = [c for c in (at * WIDTH, token, (self.revision - at) * WIDTH) if c]
        self.sent.add(token)
        return {"path": self.path, "revision": self.revision, "seq": self.seq, "op": op}


@dataclass
class Storm:
    server: Server
    playground: str
    kill_after: int
    acks: int = 0
    killed: bool = False
    in_flight_at_kill: int = 0


async def _type(storm: Storm, typist: Typist, peer: Peer, everyone: list[Typist]) -> None:
    rng = random.Random(typist.number * 7919 + storm.kill_after)
    while not storm.killed:
        params = typist.next_op(rng)
        typist.in_flight = params
        try:
            ack = await peer.request(OP, {"playground": storm.playground, **params})
        except (ConnectionError, ConnectionClosed):
            return
        token = _token(typist.number, params["seq"])
        typist.revision = typist.acked[token] = ack["revision"]
        typist.in_flight = None
        storm.acks += 1
        if storm.acks == storm.kill_after:
            storm.in_flight_at_kill = sum(t.in_flight is not None for t in everyone)
            storm.killed = True
            storm.server.kill()


async def _join(server: Server, playground: str, typists: list[Typist]) -> list[Peer]:
    """Everyone joins afresh, or rejoins from its last revision and resends its op in flight."""
    peers = []
    for typist in typists:
        peer = await open_peer(server.url())
        peers.append(peer)
        join = {"playground": playground, "path": typist.path}
        if not typist.client:
            joined = await peer.request(JOIN, join)
            typist.client, typist.revision = joined["clientId"], joined["revision"]
            continue
        since = {"clientId": typist.client, "revision": typist.revision}
        joined = await peer.request(JOIN, {**join, "since": since})
        assert joined["clientId"] == typist.client
        typist.revision = joined["revision"]
        mine = [h for h in joined["history"] if h["clientId"] == typist.client]
        sent = typist.in_flight
        if sent is None:
            assert mine == []
            continue
        assert [h["seq"] for h in mine] in ([], [sent["seq"]]), "only the op in flight"
        # Applied before the kill or not, the resend is answered once and applied once.
        ack = await peer.request(OP, {"playground": playground, **sent})
        if mine:
            assert ack["revision"] == mine[0]["revision"], "the original acknowledgement"
        typist.acked[_token(typist.number, sent["seq"])] = ack["revision"]
        typist.in_flight = None
        typist.revision = max(ack["revision"], typist.revision)
    return peers


async def _storm(storm: Storm, typists: list[Typist]) -> None:
    peers = await _join(storm.server, storm.playground, typists)
    await asyncio.gather(
        *(_type(storm, t, p, typists) for t, p in zip(typists, peers, strict=True))
    )
    for peer in peers:
        with contextlib.suppress(Exception):
            await peer.close()
    assert storm.killed
    assert storm.in_flight_at_kill >= 1, "the kill came with ops in flight"


def _replay(data: Path, playground: str, path: str) -> tuple[str, int]:
    """The file as its stored log replays from its first snapshot; every later snapshot on
    the way must be the text at its revision."""
    db = sqlite3.connect(f"file:{data / 'collab.sqlite3'}?mode=ro", uri=True)
    try:
        (file,) = db.execute(
            "SELECT id FROM files WHERE playground = ? AND path = ?", (playground, path)
        ).fetchone()
        snapshots = dict(
            db.execute("SELECT revision, text FROM snapshots WHERE file = ?", (file,)).fetchall()
        )
        ops = db.execute(
            "SELECT revision, op FROM ops WHERE file = ? ORDER BY revision", (file,)
        ).fetchall()
    finally:
        db.close()
    unit_text = units(snapshots.pop(0))
    for expected, (revision, op) in enumerate(ops, start=1):
        assert revision == expected, "the log has no gap"
        unit_text = apply(unit_text, op_from_json(json.loads(op)))
        if revision in snapshots:
            assert text(unit_text) == snapshots.pop(revision), f"snapshot {revision}"
    assert snapshots == {}, "no snapshot past the log"
    return text(unit_text), len(ops)


async def _check_after_restart(server: Server, playground: str, typists: list[Typist]) -> None:
    reader = await open_peer(server.url())
    for path in FILES:
        joined = await reader.request(JOIN, {"playground": playground, "path": path})
        shown, revision = joined["text"], joined["revision"]
        assert (shown, revision) == _replay(server.data_dir, playground, path)
        assert TOKEN.sub("", shown) == "", "whole tokens only: nothing half-applied"
        tokens = Counter(TOKEN.findall(shown))
        assert [t for t, n in tokens.items() if n > 1] == [], "no token twice"
        assert len(tokens) == revision, "one token per revision"
        here = [t for t in typists if t.path == path]
        acked = {token: r for t in here for token, r in t.acked.items()}
        assert set(acked) <= set(tokens), "every acknowledged op survived"
        assert revision >= max(acked.values(), default=0)
        in_flight = {_token(t.number, t.in_flight["seq"]) for t in here if t.in_flight}
        assert set(tokens) - set(acked) <= in_flight, "nothing but the ops in flight"
    await reader.close()


async def test_every_acknowledged_op_survives_a_sigkill_mid_storm(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(data)
    try:
        owner = await open_peer(server.url())
        made = await owner.request("playground/create", {"files": dict.fromkeys(FILES, "")})
        await owner.close()
        playground = made["playground"]
        typists = [
            Typist(number, path)
            for number, path in enumerate(p for p, n in FILES.items() for _ in range(n))
        ]
        # Round one passes a snapshot (every 200 ops of a file); round two starts from a
        # restarted log, after each typist has resent its op in flight.
        for kill_after in (330, 290):
            await _storm(Storm(server, playground, kill_after), typists)
            server = start_server(data)
            await _check_after_restart(server, playground, typists)
        # Once every op in flight is resent, every token ever sent is there exactly once.
        for peer in await _join(server, playground, typists):
            await peer.close()
        reader = await open_peer(server.url())
        for path in FILES:
            joined = await reader.request(JOIN, {"playground": playground, "path": path})
            sent = [token for t in typists if t.path == path for token in t.sent]
            assert sorted(TOKEN.findall(joined["text"])) == sorted(sent)
        await reader.close()
    finally:
        server.stop()
