"""Who reaches what: the token, invitations by role, revocation, expiry, and shared runs."""

from __future__ import annotations

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.collab.harness import Peer, RpcError, Server, open_peer, server

__all__ = ["server"]

NO_ACCESS = "no such playground, or no access to it"


async def _setup(server: Server) -> tuple[Peer, str, str]:
    owner = await open_peer(server.url())
    mine = (await owner.request("playground/create", {"files": {"main.py": "print('hi')\n"}}))[
        "playground"
    ]
    other = (await owner.request("playground/create", {"files": {"secret.py": "KEY = 1\n"}}))[
        "playground"
    ]
    return owner, mine, other


async def _refused(url: str) -> int:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url):
            pass
    return refused.value.response.status_code


async def test_no_token_or_a_forged_invitation_is_refused_at_the_door(server: Server) -> None:
    owner, mine, _ = await _setup(server)
    made = await owner.request("playground/invite", {"playground": mine, "role": "edit"})
    forged = made["invite"][:-2] + ("AA" if not made["invite"].endswith("AA") else "BB")
    assert await _refused(server.url(token=None)) == 401
    assert await _refused(server.url(token="wrong")) == 401
    assert await _refused(server.url(invite=forged)) == 401
    assert await _refused(server.url(invite="nothing.at-all")) == 401
    await owner.close()


async def test_an_invitation_reaches_its_playground_only_and_leaks_nothing(server: Server) -> None:
    owner, mine, other = await _setup(server)
    made = await owner.request("playground/invite", {"playground": mine, "role": "edit"})
    assert made["url"] == f"?invite={made['invite']}"
    guest = await open_peer(server.url(invite=made["invite"]))
    joined = await guest.request("playground/collab/join", {"playground": mine, "path": "main.py"})
    assert joined["role"] == "edit"
    assert [p["playground"] for p in await guest.request("playground/list")] == [mine]
    answers = []
    for playground in (other, "does-not-exist"):
        for method, params in [
            ("playground/collab/join", {"path": "secret.py"}),
            ("playground/files/list", {}),
            ("playground/files/create", {"path": "x.py"}),
            ("playground/invite", {"role": "edit"}),
            ("playground/run", {"entry": "secret.py"}),
        ]:
            with pytest.raises(RpcError) as refused:
                await guest.request(method, {"playground": playground, **params})
            answers.append(refused.value.message.replace(playground, "<p>"))
    assert all(NO_ACCESS in answer for answer in answers), answers
    assert answers[:5] == answers[5:], "another playground and none answer alike"
    with pytest.raises(RpcError, match="only the server's owner can create"):
        await guest.request("playground/create", {"files": {}})
    with pytest.raises(RpcError, match="runs its playground's files only"):
        await guest.request("playground/run", {"files": {"a.py": "print(1)"}})
    await guest.close()
    await owner.close()


async def test_a_viewer_reads_and_watches_but_changes_nothing(server: Server) -> None:
    owner, mine, _ = await _setup(server)
    made = await owner.request("playground/invite", {"playground": mine, "role": "view"})
    viewer = await open_peer(server.url(invite=made["invite"]))
    join = {"playground": mine, "path": "main.py"}
    joined = await viewer.request("playground/collab/join", join)
    assert (joined["role"], joined["text"]) == ("view", "print('hi')\n")
    with pytest.raises(RpcError, match="view this playground but not edit"):
        await viewer.request(
            "playground/collab/op", {**join, "revision": 0, "seq": 1, "op": ["x", 12]}
        )
    with pytest.raises(RpcError, match="view this playground but not change"):
        await viewer.request("playground/files/create", {"playground": mine, "path": "new.py"})
    with pytest.raises(RpcError, match="view this playground's runs but not start"):
        await viewer.request("playground/run", {"playground": mine, "entry": "main.py"})
    fresh = await owner.request("playground/collab/join", join)
    assert fresh["text"] == "print('hi')\n", "nothing changed"
    await viewer.close()
    await owner.close()


async def test_revoked_and_expired_invitations_stop_working(server: Server) -> None:
    owner, mine, _ = await _setup(server)
    made = await owner.request("playground/invite", {"playground": mine, "role": "edit"})
    guest = await open_peer(server.url(invite=made["invite"]))
    join = {"playground": mine, "path": "main.py"}
    await guest.request("playground/collab/join", join)
    await owner.request("playground/revoke", {"playground": mine, "invite": made["invite"]})
    with pytest.raises(RpcError, match=NO_ACCESS):  # on the connection already open
        await guest.request(
            "playground/collab/op", {**join, "revision": 0, "seq": 1, "op": ["x", 12]}
        )
    assert await _refused(server.url(invite=made["invite"])) == 401
    short = await owner.request(
        "playground/invite", {"playground": mine, "role": "edit", "expiresIn": 0.001}
    )
    assert await _refused(server.url(invite=short["invite"])) == 401
    with pytest.raises(RpcError, match="expiresIn"):
        await owner.request("playground/invite", {"playground": mine, "expiresIn": -5})
    with pytest.raises(RpcError, match="role must be one of edit, view"):
        await owner.request("playground/invite", {"playground": mine, "role": "admin"})
    await guest.close()
    await owner.close()


async def test_a_shared_run_reaches_every_participant(server: Server) -> None:
    owner, mine, _ = await _setup(server)
    edit = await owner.request("playground/invite", {"playground": mine, "role": "edit"})
    view = await owner.request("playground/invite", {"playground": mine, "role": "view"})
    editor = await open_peer(server.url(invite=edit["invite"]))
    viewer = await open_peer(server.url(invite=view["invite"]))
    join = {"playground": mine, "path": "main.py"}
    for peer in (owner, editor, viewer):
        await peer.request("playground/collab/join", join)
    await editor.request(
        "playground/collab/op", {**join, "revision": 0, "seq": 1, "op": [12, "print(6 * 7)\n"]}
    )
    started = await editor.request("playground/run", {"playground": mine, "entry": "main.py"})
    run_id = started["runId"]
    for peer in (owner, viewer):
        announced = await peer.wait_for("playground/runStarted", lambda p: p["runId"] == run_id)
        assert announced == {"runId": run_id, "playground": mine, "entry": "main.py"}
    with pytest.raises(RpcError, match="no active run"):
        await viewer.request("playground/cancel", {"runId": run_id})
    for peer in (editor, owner, viewer):
        end = await peer.wait_for("playground/exit", lambda p: p["runId"] == run_id)
        assert end["status"] == "ok"
        output = "".join(
            p["text"] for p in peer.received("playground/output") if p["runId"] == run_id
        )
        assert output == "hi\n42\n", "the run ran the shared text as it was"
    for peer in (owner, editor, viewer):
        await peer.close()
