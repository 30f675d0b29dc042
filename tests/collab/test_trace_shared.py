"""A shared run's agent trace (docs/trace.md) reaches every member of its playground, as its
output does, and `playground/trace/get` answers members only."""

from __future__ import annotations

import pytest

from tests.collab.harness import RpcError, Server, open_peer, server

__all__ = ["server"]

PROGRAM = """import json
from playground_runtime import display
display.emit("application/vnd.lionagi-playground.trace+json",
             json.dumps({"kind": "system", "timeMs": 1, "content": "shared"}))
print("traced")
"""


async def test_a_shared_runs_trace_reaches_every_member(server: Server) -> None:
    owner = await open_peer(server.url())
    mine = (await owner.request("playground/create", {"files": {"main.py": PROGRAM}}))["playground"]
    other = (await owner.request("playground/create", {"files": {"x.py": "print(1)\n"}}))[
        "playground"
    ]
    edit = await owner.request("playground/invite", {"playground": mine, "role": "edit"})
    view = await owner.request("playground/invite", {"playground": mine, "role": "view"})
    outsider_invite = await owner.request("playground/invite", {"playground": other})
    editor = await open_peer(server.url(invite=edit["invite"]))
    viewer = await open_peer(server.url(invite=view["invite"]))
    outsider = await open_peer(server.url(invite=outsider_invite["invite"]))
    for peer in (owner, editor, viewer):
        await peer.request("playground/collab/join", {"playground": mine, "path": "main.py"})
    run_id = (await editor.request("playground/run", {"playground": mine, "entry": "main.py"}))[
        "runId"
    ]
    expected = [{"seq": 1, "kind": "system", "timeMs": 1, "content": "shared"}]
    for peer in (editor, owner, viewer):
        end = await peer.wait_for("playground/exit", lambda p: p["runId"] == run_id)
        assert end["status"] == "ok"
        batches = [p for p in peer.received("playground/trace") if p["runId"] == run_id]
        assert [e for batch in batches for e in batch["events"]] == expected
        kept = await peer.request("playground/trace/get", {"runId": run_id})
        assert kept == {"runId": run_id, "events": expected, "truncated": False, "finished": True}
    with pytest.raises(RpcError, match=f"no run '{run_id}' known"):
        await outsider.request("playground/trace/get", {"runId": run_id})
    assert [p for p in outsider.received("playground/trace") if p["runId"] == run_id] == []
    for peer in (owner, editor, viewer, outsider):
        await peer.close()
