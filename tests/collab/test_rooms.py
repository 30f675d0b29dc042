"""Co-editing through the real server: ops, acknowledgements, broadcasts, resends, rejoins,
presence, file events, and durability across a SIGKILL."""

from __future__ import annotations

import asyncio

import pytest

from lionagi_playground.server.collab.operation import apply, units
from tests.collab.harness import RpcError, Server, open_peer, peers, server, start_server

__all__ = ["server"]


async def _playground(owner_url: str, files: dict[str, str]) -> str:
    owner = await open_peer(owner_url)
    made = await owner.request("playground/create", {"title": "t", "files": files})
    await owner.close()
    return str(made["playground"])


async def test_two_clients_co_edit_and_each_sees_the_other(server: Server) -> None:
    playground = await _playground(server.url(), {"main.py": "print(1)\n"})
    async with peers(server.url(), 2) as (alice, bob):
        a = await alice.request(
            "playground/collab/join", {"playground": playground, "path": "main.py", "name": "Alice"}
        )
        b = await bob.request(
            "playground/collab/join", {"playground": playground, "path": "main.py", "name": "Bob"}
        )
        assert (a["text"], a["revision"], a["role"]) == ("print(1)\n", 0, "edit")
        assert a["uri"] == f"playground://{playground}/main.py"
        assert a["clientId"] != b["clientId"]

        ack = await alice.request(
            "playground/collab/op",
            {
                "playground": playground,
                "path": "main.py",
                "revision": 0,
                "seq": 1,
                "op": ["# 😀\n", 9],
            },
        )
        assert ack == {"revision": 1}
        remote = await bob.wait_for("playground/collab/remoteOp")
        assert remote == {
            "playground": playground,
            "path": "main.py",
            "revision": 1,
            "op": ["# 😀\n", 9],
            "clientId": a["clientId"],
            "seq": 1,
        }
        # Bob edits at revision 0 still (concurrently): the server transforms it.
        ack = await bob.request(
            "playground/collab/op",
            {
                "playground": playground,
                "path": "main.py",
                "revision": 0,
                "seq": 1,
                "op": [6, "2", -1, 2],
            },
        )
        assert ack == {"revision": 2}
        to_alice = await alice.wait_for("playground/collab/remoteOp")
        assert to_alice["op"] == [6 + 5, "2", -1, 2]  # shifted past "# 😀\n" (5 units)
        assert alice.received("playground/collab/remoteOp") == [to_alice], "never its own op"
        assert len(bob.received("playground/collab/remoteOp")) == 1

        carol = await open_peer(server.url())
        c = await carol.request(
            "playground/collab/join", {"playground": playground, "path": "main.py"}
        )
        assert (c["text"], c["revision"]) == ("# 😀\nprint(2)\n", 2)
        presence = await alice.wait_for(
            "playground/collab/presence", lambda p: len(p["participants"]) == 3
        )
        assert {p["name"] for p in presence["participants"]} == {"Alice", "Bob", "guest"}
        await carol.close()
        gone = await alice.wait_for(
            "playground/collab/presence", lambda p: len(p["participants"]) == 2
        )
        assert {p["name"] for p in gone["participants"]} == {"Alice", "Bob"}


async def test_a_resend_is_answered_once_and_a_rejoin_gets_the_history(server: Server) -> None:
    playground = await _playground(server.url(), {"a.txt": "abc"})
    async with peers(server.url(), 2) as (alice, bob):
        join = {"playground": playground, "path": "a.txt"}
        a = await alice.request("playground/collab/join", join)
        await bob.request("playground/collab/join", join)
        op = {**join, "revision": 0, "seq": 1, "op": [3, "d"]}
        assert await alice.request("playground/collab/op", op) == {"revision": 1}
        await bob.request("playground/collab/op", {**join, "revision": 1, "seq": 1, "op": ["z", 4]})
        # The same (clientId, seq) again, as after a reconnect: the original answer.
        assert await alice.request("playground/collab/op", op) == {"revision": 1}
        await bob.wait_for("playground/collab/remoteOp")
        assert len(bob.received("playground/collab/remoteOp")) == 1, "not broadcast again"

        await alice.close()
        again = await open_peer(server.url())
        back = await again.request(
            "playground/collab/join",
            {**join, "since": {"clientId": a["clientId"], "revision": 0}},
        )
        assert back["clientId"] == a["clientId"]
        assert "text" not in back
        assert [
            (h["revision"], h["clientId"] == a["clientId"], h["seq"]) for h in back["history"]
        ] == [
            (1, True, 1),
            (2, False, 1),
        ]
        text = "abc"
        for entry in back["history"]:
            text = apply(units(text), entry["op"])
        assert text == "zabcd"
        await again.close()


async def test_refused_ops_change_nothing_and_the_connection_goes_on(server: Server) -> None:
    playground = await _playground(server.url(), {"a.txt": "a😀b"})
    async with peers(server.url(), 2) as (alice, bob):
        join = {"playground": playground, "path": "a.txt"}
        with pytest.raises(RpcError, match=r"join a\.txt before editing it"):
            await alice.request(
                "playground/collab/op", {**join, "revision": 0, "seq": 1, "op": [4]}
            )
        await alice.request("playground/collab/join", join)
        await bob.request("playground/collab/join", join)
        bad = [
            ([5], "covers 5 units but the document has 4"),
            ([2, "x", 2], "inside a surrogate pair"),
            ([0, 4], "unknown operation: 0"),
            ([True, 4], "unknown operation: true"),
            ([[1], 3], "unknown operation"),
            ("abcd", "a list of components"),
            ([1.5, 2.5], "unknown operation: 1.5"),
        ]
        for op, reason in bad:
            with pytest.raises(RpcError, match=reason):
                await alice.request(
                    "playground/collab/op", {**join, "revision": 0, "seq": 1, "op": op}
                )
        for revision in (-1, 1, 10**12):
            with pytest.raises(RpcError, match="revision"):
                await alice.request(
                    "playground/collab/op", {**join, "revision": revision, "seq": 1, "op": [4]}
                )
        with pytest.raises(RpcError, match="no file"):
            await alice.request(
                "playground/collab/op",
                {**join, "path": "../etc/passwd", "revision": 0, "seq": 1, "op": [4]},
            )
        with pytest.raises(RpcError, match="no such playground, or no access"):
            await alice.request(
                "playground/collab/op",
                {**join, "playground": "nope", "revision": 0, "seq": 1, "op": [4]},
            )
        assert await alice.request(
            "playground/collab/op", {**join, "revision": 0, "seq": 1, "op": [4, "!"]}
        ) == {"revision": 1}
        remote = await bob.wait_for("playground/collab/remoteOp")
        assert remote["revision"] == 1
        assert bob.received("playground/collab/remoteOp") == [remote]
        fresh = await open_peer(server.url())
        assert (await fresh.request("playground/collab/join", join))["text"] == "a😀b!"
        await fresh.close()


async def test_file_names_are_checked_and_changes_reach_every_member(server: Server) -> None:
    playground = await _playground(server.url(), {"main.py": ""})
    async with peers(server.url(), 2) as (alice, bob):
        await bob.request("playground/files/list", {"playground": playground})
        for name, reason in [
            ("../x.py", "'..' parts"),
            ("/abs.py", "relative"),
            ("a\x00b", "control characters"),
            ("a" * 300, "at most 200"),
            ("main.py", "already exists"),
        ]:
            with pytest.raises(RpcError, match=reason):
                await alice.request(
                    "playground/files/create", {"playground": playground, "path": name}
                )
        await alice.request(
            "playground/files/create",
            {"playground": playground, "path": "lib/util.py", "text": "x = 1\n"},
        )
        created = await bob.wait_for("playground/files/changed")
        assert (created["kind"], created["path"]) == ("create", "lib/util.py")
        await alice.request(
            "playground/files/rename",
            {"playground": playground, "path": "lib/util.py", "newPath": "util.py"},
        )
        renamed = await bob.wait_for("playground/files/changed", lambda e: e["kind"] == "rename")
        assert renamed["newPath"] == "util.py"
        listing = await bob.request("playground/files/list", {"playground": playground})
        assert [f["path"] for f in listing["files"]] == ["main.py", "util.py"]
        joined = await alice.request(
            "playground/collab/join", {"playground": playground, "path": "util.py"}
        )
        assert joined["text"] == "x = 1\n"


async def test_every_acknowledged_op_survives_a_sigkill(tmp_path: pytest.TempPathFactory) -> None:
    data = tmp_path / "data"  # type: ignore[operator]
    running = start_server(data)
    acked: list[int] = []
    try:
        playground = await _playground(running.url(), {"log.txt": ""})
        writer = await open_peer(running.url())
        join = {"playground": playground, "path": "log.txt"}
        await writer.request("playground/collab/join", join)
        revision = 0
        for seq in range(1, 451):  # past two snapshots (every 200 ops)
            token = f"<{seq}>"
            answer = await writer.request(
                "playground/collab/op",
                {
                    **join,
                    "revision": revision,
                    "seq": seq,
                    "op": [sum(len(f"<{n}>") for n in acked), token] if acked else [token],
                },
            )
            revision = answer["revision"]
            acked.append(seq)
        running.kill()
    finally:
        running.stop()
    again = start_server(data)
    try:
        reader = await open_peer(again.url())
        joined = await reader.request("playground/collab/join", join)
        assert joined["revision"] == 450
        assert joined["text"] == "".join(f"<{n}>" for n in acked)
        await reader.close()
    finally:
        again.stop()


async def test_an_acknowledgement_comes_in_revision_order_among_the_remote_ops(
    server: Server,
) -> None:
    """ot.js's client needs its ack after every op before it and before every op after it."""
    playground = await _playground(server.url(), {"a.txt": "x"})
    async with peers(server.url(), 2) as (alice, bob):
        join = {"playground": playground, "path": "a.txt"}
        await alice.request("playground/collab/join", join)
        await bob.request("playground/collab/join", join)

        async def bob_types(seq: int) -> None:
            await bob.request(
                "playground/collab/op", {**join, "revision": 0, "seq": seq, "op": ["b", 1]}
            )

        burst = [asyncio.ensure_future(bob_types(seq)) for seq in range(1, 41)]
        mine = await alice.request(
            "playground/collab/op", {**join, "revision": 0, "seq": 1, "op": [1, "a"]}
        )
        await asyncio.gather(*burst)
        await alice.wait_for("playground/collab/remoteOp", lambda p: p["revision"] == 41)
        order = [
            f["params"]["revision"] if f.get("method") == "playground/collab/remoteOp" else "ack"
            for f in alice.frames
            if f.get("method") == "playground/collab/remoteOp" or f.get("result") == mine
        ]
        at = order.index("ack")
        assert order[:at] == list(range(1, mine["revision"])), order
        assert order[at + 1 :] == list(range(mine["revision"] + 1, 42)), order


async def test_a_new_name_reaches_the_others_at_once(server: Server) -> None:
    playground = await _playground(server.url(), {"a.py": "", "b.py": ""})
    async with peers(server.url(), 2) as (alice, bob):
        for path in ("a.py", "b.py"):
            await alice.request(
                "playground/collab/join", {"playground": playground, "path": path, "name": "A"}
            )
        await bob.request("playground/collab/join", {"playground": playground, "path": "a.py"})
        answer = await alice.request(
            "playground/collab/name", {"playground": playground, "name": " Ada "}
        )
        assert answer == {"files": 2}
        renamed = await bob.wait_for(
            "playground/collab/presence",
            lambda p: any(x["name"] == "Ada" for x in p["participants"]),
        )
        assert sorted(x["name"] for x in renamed["participants"]) == ["Ada", "guest"]
        for bad in ("", "   ", 5, "n" * 201):
            with pytest.raises(RpcError, match="name"):
                await alice.request(
                    "playground/collab/name", {"playground": playground, "name": bad}
                )
        with pytest.raises(RpcError, match="no such playground"):
            await alice.request("playground/collab/name", {"playground": "nope", "name": "x"})
