"""Coming back with `since: {clientId, revision}`: a clientId is bound to whoever holds it
(the server token, or one invitation), a resend of the same (clientId, seq) is answered with
the original acknowledgement and applied once, and an op never comes back to its own clientId
on any of its connections."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.collab.harness import Peer, RpcError, Server, open_peer, start_server

JOIN = "playground/collab/join"
OP = "playground/collab/op"
REMOTE = "playground/collab/remoteOp"


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("rejoin") / "data")
    yield running
    running.stop()


@dataclass
class Room:
    server: Server
    owner: Peer
    playground: str
    opened: list[Peer]

    @property
    def join(self) -> dict[str, str]:
        return {"playground": self.playground, "path": "a.txt"}

    async def peer(self, *, invite: str | None = None) -> Peer:
        peer = await open_peer(
            self.server.url() if invite is None else self.server.url(invite=invite)
        )
        self.opened.append(peer)
        return peer

    async def invite(self, role: str = "edit") -> str:
        made = await self.owner.request(
            "playground/invite", {"playground": self.playground, "role": role}
        )
        return str(made["invite"])

    async def op(self, peer: Peer, revision: int, seq: int, op: list[Any]) -> int:
        ack = await peer.request(OP, {**self.join, "revision": revision, "seq": seq, "op": op})
        return int(ack["revision"])

    async def text(self) -> tuple[str, int]:
        """The file as a newcomer finds it."""
        newcomer = await self.peer()
        joined = await newcomer.request(JOIN, self.join)
        await newcomer.close()
        return joined["text"], joined["revision"]


@pytest.fixture
async def room(shared_server: Server) -> AsyncIterator[Room]:
    owner = await open_peer(shared_server.url())
    made = await owner.request("playground/create", {"files": {"a.txt": ""}})
    made_room = Room(shared_server, owner, made["playground"], [owner])
    try:
        yield made_room
    finally:
        for peer in made_room.opened:
            with contextlib.suppress(Exception):
                await peer.close()


def _own_ops_back(peer: Peer, client: str) -> list[Any]:
    return [p for p in peer.received(REMOTE) if p["clientId"] == client]


async def _resume_is_refused_or_fresh(peer: Peer, join: dict[str, Any], client: str) -> str:
    """Join with someone else's clientId: refused saying so, or a clientId of one's own."""
    refusal: str | None = None
    try:
        answer = await peer.request(JOIN, {**join, "since": {"clientId": client, "revision": 0}})
    except RpcError as refused:
        refusal = refused.message
    if refusal is not None:
        assert f"clientId {client} is not yours to resume" in refusal
        answer = await peer.request(JOIN, join)
    assert answer["clientId"] != client
    return str(answer["clientId"])


@pytest.mark.parametrize("owner_connected", [True, False], ids=["owner online", "owner gone"])
async def test_an_invitation_holder_cannot_resume_the_owners_clientId(
    room: Room, owner_connected: bool
) -> None:
    alice = await room.peer()
    x = (await alice.request(JOIN, {**room.join, "name": "Alice"}))["clientId"]
    assert await room.op(alice, 0, 1, ["<alice-1>"]) == 1
    if not owner_connected:
        await alice.close()
    guest = await room.peer(invite=await room.invite())
    mine = await _resume_is_refused_or_fresh(guest, room.join, x)
    # The guest's seq 1 is its own, not a resend of Alice's: it is applied, as the guest's.
    assert await room.op(guest, 1, 1, [9, "<guest-1>"]) == 2
    if owner_connected:
        remote = await alice.wait_for(REMOTE, lambda p: p["revision"] == 2)
        assert remote["clientId"] == mine
    # Alice's seqs are still hers: her resend is answered with her own ack, her next applies.
    back = await room.peer()
    resumed = await back.request(JOIN, {**room.join, "since": {"clientId": x, "revision": 1}})
    assert resumed["clientId"] == x
    assert [(h["clientId"], h["seq"]) for h in resumed["history"]] == [(mine, 1)]
    assert await room.op(back, 0, 1, ["<alice-1>"]) == 1
    assert await room.op(back, 2, 2, [18, "<alice-2>"]) == 3
    assert await room.text() == ("<alice-1><guest-1><alice-2>", 3)


async def test_one_invitation_cannot_resume_anothers_clientId(room: Room) -> None:
    first = await room.peer(invite=await room.invite())
    one = (await first.request(JOIN, room.join))["clientId"]
    assert await room.op(first, 0, 1, ["<one>"]) == 1
    second = await room.peer(invite=await room.invite())
    other = await _resume_is_refused_or_fresh(second, room.join, one)
    assert await room.op(second, 1, 1, [5, "<two>"]) == 2
    viewer = await room.peer(invite=await room.invite("view"))
    await _resume_is_refused_or_fresh(viewer, room.join, one)
    with pytest.raises(RpcError, match="view this playground but not edit"):
        await room.op(viewer, 2, 2, ["<viewer>"])
    assert await room.text() == ("<one><two>", 2)
    assert _own_ops_back(first, one) == []
    assert _own_ops_back(second, other) == []


async def test_a_lost_ack_is_learnt_from_the_history_and_the_resend_applies_once(
    room: Room,
) -> None:
    alice, bob = await room.peer(), await room.peer()
    x = (await alice.request(JOIN, room.join))["clientId"]
    await bob.request(JOIN, room.join)
    assert await room.op(alice, 0, 1, ["<1>"]) == 1
    # The op goes out and the connection drops before its ack can come back.
    params = {**room.join, "revision": 1, "seq": 2, "op": [3, "<2>"]}
    await alice.websocket.send(
        json.dumps({"jsonrpc": "2.0", "id": 99, "method": OP, "params": params})
    )
    await alice.websocket.close()
    again = await room.peer()
    resumed = await again.request(JOIN, {**room.join, "since": {"clientId": x, "revision": 1}})
    assert resumed["clientId"] == x
    # Whether the op got in before the drop, the history says so (the rejoin waited for it).
    applied = [h["revision"] for h in resumed["history"] if (h["clientId"], h["seq"]) == (x, 2)]
    assert applied in ([], [2]), resumed["history"]
    # The resend is the original ack if it was applied; then (same seq; a stale revision,
    # other content) the original ack again, never a second application.
    assert await room.op(again, 1, 2, [3, "<2>"]) == 2
    assert await room.op(again, 0, 2, ["<other>"]) == 2
    assert await room.op(again, 0, 1, ["<1>"]) == 1
    assert await room.op(again, 2, 3, [6, "<3>"]) == 3
    await bob.wait_for(REMOTE, lambda p: p["revision"] == 3)
    assert [(p["revision"], p["seq"]) for p in bob.received(REMOTE)] == [(1, 1), (2, 2), (3, 3)]
    assert await room.text() == ("<1><2><3>", 3)
    assert _own_ops_back(again, x) == []


async def test_a_seq_already_used_for_another_op_is_refused_not_applied(room: Room) -> None:
    alice = await room.peer()
    await alice.request(JOIN, room.join)
    assert await room.op(alice, 0, 5, ["<5>"]) == 1
    with pytest.raises(RpcError, match=r"seq 3 was already used by this client \(the next is 6\)"):
        await room.op(alice, 1, 3, [3, "<3>"])
    assert await room.op(alice, 1, 6, [3, "<6>"]) == 2
    assert await room.text() == ("<5><6>", 2)


async def test_a_second_connection_of_the_same_holder_takes_the_clientId_over(
    room: Room,
) -> None:
    """The owner reconnects while the old socket still looks open: the new connection is the
    clientId from then on; the old one can no longer send as it, nor hear its ops back."""
    first, bob = await room.peer(), await room.peer()
    x = (await first.request(JOIN, room.join))["clientId"]
    await bob.request(JOIN, room.join)
    assert await room.op(first, 0, 1, ["<1>"]) == 1
    second = await room.peer()
    resumed = await second.request(JOIN, {**room.join, "since": {"clientId": x, "revision": 1}})
    assert (resumed["clientId"], resumed["history"]) == (x, [])
    assert await room.op(second, 1, 2, [3, "<2>"]) == 2
    with pytest.raises(RpcError, match=r"join a\.txt before editing it"):
        await room.op(first, 1, 2, [3, "<evil>"])
    with pytest.raises(RpcError, match=r"join a\.txt before editing it"):
        await room.op(first, 2, 3, [6, "<evil>"])
    assert await room.op(bob, 2, 1, [6, "<bob>"]) == 3
    to_second = await second.wait_for(REMOTE, lambda p: p["revision"] == 3)
    assert to_second["op"] == [6, "<bob>"]
    await bob.wait_for(REMOTE, lambda p: p["revision"] == 2)
    assert [p["revision"] for p in first.received(REMOTE)] == [], "it left when taken over"
    assert _own_ops_back(first, x) == []
    assert _own_ops_back(second, x) == []
    assert await room.text() == ("<1><2><bob>", 3)


async def test_a_connection_that_rejoins_as_itself_keeps_its_seqs(room: Room) -> None:
    alice, bob = await room.peer(), await room.peer()
    x = (await alice.request(JOIN, room.join))["clientId"]
    await bob.request(JOIN, room.join)
    assert await room.op(alice, 0, 1, ["<1>"]) == 1
    again = await alice.request(JOIN, {**room.join, "since": {"clientId": x, "revision": 0}})
    assert [(h["clientId"], h["seq"]) for h in again["history"]] == [(x, 1)]
    assert await room.op(alice, 0, 1, ["<1>"]) == 1
    assert await room.op(alice, 1, 2, [3, "<2>"]) == 2
    await bob.wait_for(REMOTE, lambda p: p["revision"] == 2)
    assert [p["seq"] for p in bob.received(REMOTE)] == [1, 2]
    assert _own_ops_back(alice, x) == []


async def test_a_refused_rejoin_leaves_the_connection_where_it_was(room: Room) -> None:
    alice = await room.peer()
    x = (await alice.request(JOIN, room.join))["clientId"]
    guest = await room.peer(invite=await room.invite())
    await guest.request(JOIN, room.join)
    with pytest.raises(RpcError, match="not yours to resume"):
        await guest.request(JOIN, {**room.join, "since": {"clientId": x, "revision": 0}})
    assert await room.op(guest, 0, 1, ["<guest>"]) == 1, "still joined as itself"


async def test_a_clientId_that_never_existed_is_not_taken_as_given(room: Room) -> None:
    guest = await room.peer(invite=await room.invite())
    await _resume_is_refused_or_fresh(guest, room.join, "0123456789abcdef")


async def test_after_a_restart_an_invitation_cannot_resume_the_owners_clientId(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    server = start_server(data)
    try:
        owner = await open_peer(server.url())
        made = await owner.request("playground/create", {"files": {"a.txt": ""}})
        join = {"playground": made["playground"], "path": "a.txt"}
        invite = await owner.request(
            "playground/invite", {"playground": made["playground"], "role": "edit"}
        )
        x = (await owner.request(JOIN, join))["clientId"]
        await owner.request(OP, {**join, "revision": 0, "seq": 1, "op": ["<owner-1>"]})
        server.stop()
        server = start_server(data)
        guest = await open_peer(server.url(invite=invite["invite"]))
        mine = await _resume_is_refused_or_fresh(guest, join, x)
        assert mine != x
        await guest.request(OP, {**join, "revision": 1, "seq": 2, "op": [9, "<guest>"]})
        owner = await open_peer(server.url())
        back = await owner.request(JOIN, {**join, "since": {"clientId": x, "revision": 1}})
        assert [h["clientId"] for h in back["history"]] == [mine]
        ack = await owner.request(OP, {**join, "revision": 2, "seq": 2, "op": [16, "<owner-2>"]})
        assert ack == {"revision": 3}, "the owner's seq 2 is applied, not taken for the guest's"
        await guest.close()
        await owner.close()
    finally:
        server.stop()
