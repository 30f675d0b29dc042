"""Bad input to every collaboration method: refused with an error that says what was wrong,
nothing changed, the same connection still usable, and the other participants told nothing.

Each case runs against a fresh playground on one shared server: Alice sends the bad request,
Bob (joined to the same file) watches; afterwards Alice's op at revision 0 must become
revision 1 (so nothing was applied), Bob must see only that op, and a newcomer must find the
text, the files and both participants as they should be.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.collab.harness import Peer, RpcError, Server, open_peer, start_server

NO_ACCESS = "no such playground, or no access to it"
INVALID_PARAMS = -32602
REQUEST_FAILED = -32803
P = "<playground>"  # placeholders, filled in per case
C = "<alice's clientId>"
TEXT = "a😀b"  # 4 UTF-16 units: a, the emoji's two surrogates, b
OP = "playground/collab/op"
JOIN = "playground/collab/join"


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("bad-input") / "data")
    yield running
    running.stop()


@dataclass
class Watchers:
    """Bob, who shares each case's file with Alice, and a newcomer who looks afterwards: one
    connection each for the whole module (every case has a playground of its own)."""

    bob: Peer
    newcomer: Peer


@pytest.fixture(scope="module")
async def watchers(shared_server: Server) -> AsyncIterator[Watchers]:
    bob = await open_peer(shared_server.url())
    newcomer = await open_peer(shared_server.url())
    yield Watchers(bob, newcomer)
    for peer in (bob, newcomer):
        with contextlib.suppress(Exception):
            await peer.close()


@dataclass
class Scene:
    alice: Peer
    bob: Peer
    newcomer: Peer
    playground: str
    client: str
    playgrounds: int

    def fill(self, value: Any) -> Any:
        if value == P:
            return self.playground
        if value == C:
            return self.client
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        return value

    def _to_bob(self, method: str) -> list[Any]:
        return [p for p in self.bob.received(method) if p["playground"] == self.playground]

    async def assert_unchanged(self) -> None:
        """Nothing of the refused request shows, and Alice's connection still edits."""
        join = {"playground": self.playground, "path": "a.txt"}
        ack = await self.alice.request(OP, {**join, "revision": 0, "seq": 1, "op": [4, "!"]})
        assert ack == {"revision": 1}, "the refused request changed the revision"
        remote = await self.bob.wait_for(
            "playground/collab/remoteOp", lambda p: p["playground"] == self.playground
        )
        assert self._to_bob("playground/collab/remoteOp") == [remote]
        assert (remote["revision"], remote["op"]) == (1, [4, "!"])
        assert self._to_bob("playground/files/changed") == []
        joined = await self.newcomer.request(JOIN, {**join, "name": "Newcomer"})
        assert (joined["text"], joined["revision"]) == (TEXT + "!", 1)
        present = {p["name"]: p["selections"] for p in joined["participants"]}
        assert present == {"Alice": [], "Bob": [], "Newcomer": []}
        listing = await self.newcomer.request(
            "playground/files/list", {"playground": self.playground}
        )
        assert [f["path"] for f in listing["files"]] == ["a.txt", "b.txt"]
        assert len(await self.newcomer.request("playground/list")) == self.playgrounds


@pytest.fixture
async def scene(shared_server: Server, watchers: Watchers) -> AsyncIterator[Scene]:
    alice = await open_peer(shared_server.url())
    try:
        made = await alice.request("playground/create", {"files": {"a.txt": TEXT, "b.txt": "x"}})
        playground = made["playground"]
        join = {"playground": playground, "path": "a.txt"}
        joined = await alice.request(JOIN, {**join, "name": "Alice"})
        await watchers.bob.request(JOIN, {**join, "name": "Bob"})
        count = len(await alice.request("playground/list"))
        yield Scene(alice, watchers.bob, watchers.newcomer, playground, joined["clientId"], count)
    finally:
        with contextlib.suppress(Exception):
            await alice.close()


def _op(**change: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"playground": P, "path": "a.txt", "revision": 0, "seq": 1}
    params["op"] = [4]
    params.update(change)
    return {k: v for k, v in params.items() if v is not MISSING}


MISSING: Any = object()

BAD_OPS: list[tuple[object, str]] = [
    ([0, 4], "unknown operation: 0"),
    ([4, -0.0], "unknown operation"),
    ([True, 4], "unknown operation: true"),
    ([False, 4], "unknown operation: false"),
    ([None, 4], "unknown operation: null"),
    ([[1], 3], r"unknown operation: \[1\]"),
    ([[["a"]]], "unknown operation"),
    ([{"retain": 4}], "unknown operation"),
    ([1.5, 2.5], "unknown operation: 1.5"),
    (4, "a list of components, not 4"),
    (None, "a list of components, not null"),
    ("abcd", "a list of components"),
    ({}, "a list of components"),
    (MISSING, "op is missing"),
    ([5], "covers 5 units but the document has 4"),
    ([3], "covers 3 units but the document has 4"),
    ([], "covers 0 units but the document has 4"),
    (["x"], "covers 0 units"),
    (["", 3], "covers 3 units"),
    ([4, -1], "covers 5 units"),
    ([10**30], "covers 1000000000000000000000000000000 units"),
    ([2, "x", 2], "cuts at unit 2, inside a surrogate pair"),
    ([1, -1, 2], "cuts at unit 2, inside a surrogate pair"),
    ([2, -2], "cuts at unit 2, inside a surrogate pair"),
    ([2, -1, 1], "cuts at unit 2, inside a surrogate pair"),
    ([1, "\ud800", 3], "lone surrogate"),
    ([4, "\udc00"], "lone surrogate"),
    ([4, "x" * 1_000_000], "at most 1000000 UTF-16 units"),
]

BAD_OP_PARAMS: list[tuple[dict[str, Any], str]] = [
    *[(_op(op=op), reason) for op, reason in BAD_OPS],
    (_op(revision=-1), "revision must be an integer >= 0, not -1"),
    (_op(revision=1), r"revision 1 is not in the history \(the file is at 0\)"),
    (_op(revision=10**12), "revision 1000000000000 is not in the history"),
    (_op(revision=0.5), "revision must be an integer >= 0, not 0.5"),
    (_op(revision=0.0), "revision must be an integer >= 0, not 0.0"),
    (_op(revision="0"), "revision must be an integer >= 0, not '0'"),
    (_op(revision=True), "revision must be an integer >= 0, not True"),
    (_op(revision=None), "revision must be an integer >= 0, not None"),
    (_op(revision=MISSING), "revision must be an integer >= 0, not None"),
    (_op(seq=0), "seq must be an integer >= 1, not 0"),
    (_op(seq=-3), "seq must be an integer >= 1, not -3"),
    (_op(seq=1.5), "seq must be an integer >= 1, not 1.5"),
    (_op(seq="1"), "seq must be an integer >= 1, not '1'"),
    (_op(seq=MISSING), "seq must be an integer >= 1, not None"),
    (_op(playground="nope"), NO_ACCESS),
    (_op(playground=7), NO_ACCESS),
    (_op(playground=MISSING), NO_ACCESS),
    (_op(path="nope.txt"), "no file 'nope.txt' in this playground"),
    (_op(path="../a.txt"), "no file '../a.txt'"),
    (_op(path="/a.txt"), "no file '/a.txt'"),
    (_op(path="./a.txt"), "no file './a.txt'"),
    (_op(path=7), "no file 7"),
    (_op(path=MISSING), "no file None"),
    (_op(path="b.txt"), "join b.txt before editing it"),
    (_op(extra=1), "playground/collab/op takes no extra"),
]

BAD_FILE_NAMES: list[tuple[object, str]] = [
    ("../x.py", "'..' parts"),
    ("a/../b.py", "'..' parts"),
    ("./a.py", "'.' and '..' parts"),
    ("a//b.py", "empty, '.' and '..' parts"),
    ("lib/", "empty, '.' and '..' parts"),
    ("/etc/passwd", "a file name is relative"),
    ("a\\b.py", "a file name is relative, with / between folders"),
    ("C:\\x.py", "a file name is relative"),
    ("a\nb.py", "control characters"),
    ("a\x7fb.py", "control characters"),
    ("a\x00b", "control characters"),
    ("a\u200bb.py", "control characters"),
    ("\ud800.py", "control characters"),
    (" a.py", "cannot start or end with a space"),
    ("a.py ", "cannot start or end with a space"),
    ("", "a file name cannot be empty"),
    ("a" * 201, "at most 200 characters, this one 201"),
    ("s" * 101, "each part is at most 100 characters"),
    ("/".join("d" * 9), "at most 8 folders deep"),
    (5, "a file name is a string, not int"),
    (None, "a file name is a string, not NoneType"),
    ("a.txt", "'a.txt' already exists"),
]

BAD_REQUESTS: list[tuple[str, object, str]] = [
    *[(OP, params, reason) for params, reason in BAD_OP_PARAMS],
    (OP, None, "params must be an object"),
    (OP, [P, "a.txt", 0, 1, [4]], "params must be an object"),
    # playground/collab/join
    (JOIN, {"path": "a.txt"}, "playground must be a non-empty string"),
    (JOIN, {"playground": 5, "path": "a.txt"}, "playground must be a non-empty string"),
    (JOIN, {"playground": P}, "path must be a non-empty string"),
    (JOIN, {"playground": P, "path": ""}, "path must be a non-empty string"),
    (JOIN, {"playground": P, "path": ["a.txt"]}, "path must be a non-empty string"),
    (JOIN, {"playground": "nope", "path": "a.txt"}, NO_ACCESS),
    (JOIN, {"playground": P, "path": "nope.txt"}, "no file 'nope.txt'"),
    (JOIN, {"playground": P, "path": "../a.txt"}, "no file '../a.txt'"),
    (JOIN, {"playground": P, "path": "a.txt", "name": 5}, "name must be a string"),
    (JOIN, {"playground": P, "path": "a.txt", "name": "n" * 201}, "name is at most 200"),
    (JOIN, {"playground": P, "path": "a.txt", "since": "x"}, r"since must be \{clientId"),
    (JOIN, {"playground": P, "path": "a.txt", "since": {"clientId": C}}, "since must be"),
    (
        JOIN,
        {"playground": P, "path": "a.txt", "since": {"clientId": 5, "revision": 0}},
        "clientId must be a non-empty string",
    ),
    (
        JOIN,
        {"playground": P, "path": "a.txt", "since": {"clientId": C, "revision": -1}},
        "revision must be an integer >= 0, not -1",
    ),
    (
        JOIN,
        {"playground": P, "path": "a.txt", "since": {"clientId": C, "revision": 1.5}},
        "revision must be an integer >= 0, not 1.5",
    ),
    (JOIN, {"playground": P, "path": "a.txt", "color": "red"}, "join takes no color"),
    (JOIN, None, "params must be an object"),
    # playground/collab/leave
    ("playground/collab/leave", {"path": "a.txt"}, NO_ACCESS),
    ("playground/collab/leave", {"playground": P, "path": "nope.txt"}, "no file 'nope.txt'"),
    ("playground/collab/leave", {"playground": P, "path": "b.txt"}, "join b.txt before"),
    ("playground/collab/leave", {"playground": P, "path": "a.txt", "x": 1}, "takes no x"),
    # playground/files/*
    ("playground/files/list", {}, NO_ACCESS),
    ("playground/files/list", {"playground": 5}, NO_ACCESS),
    ("playground/files/list", {"playground": P, "path": "a.txt"}, "takes no path"),
    ("playground/files/list", None, "params must be an object"),
    *[
        ("playground/files/create", {"playground": P, "path": name}, reason)
        for name, reason in BAD_FILE_NAMES
    ],
    ("playground/files/create", {"path": "new.py"}, NO_ACCESS),
    ("playground/files/create", {"playground": P, "path": "n.py", "text": 5}, "text must be"),
    ("playground/files/create", {"playground": P, "path": "n.py", "mode": 1}, "takes no mode"),
    (
        "playground/files/create",
        {"playground": P, "path": "big.txt", "text": "x" * 1_000_001},
        "at most 1000000 UTF-16 units",
    ),
    *[
        ("playground/files/rename", {"playground": P, "path": "a.txt", "newPath": name}, reason)
        for name, reason in BAD_FILE_NAMES
        if name != "a.txt"
    ],
    (
        "playground/files/rename",
        {"playground": P, "path": "a.txt", "newPath": "b.txt"},
        "'b.txt' already exists",
    ),
    ("playground/files/rename", {"playground": P, "path": "no.txt", "newPath": "c"}, "no file"),
    ("playground/files/rename", {"playground": P, "newPath": "c.txt"}, "no file None"),
    ("playground/files/delete", {"playground": P, "path": "nope.txt"}, "no file 'nope.txt'"),
    ("playground/files/delete", {"playground": P, "path": "../a.txt"}, "no file '../a.txt'"),
    ("playground/files/delete", {"playground": P, "path": "/a.txt"}, "no file '/a.txt'"),
    ("playground/files/delete", {"playground": P}, "no file None"),
    ("playground/files/delete", {"playground": "nope", "path": "a.txt"}, NO_ACCESS),
    # playground/create, list, invite, revoke
    ("playground/create", {"files": "a.txt"}, "files must be an object of path: text"),
    ("playground/create", {"files": ["a.txt"]}, "files must be an object"),
    ("playground/create", {"files": {"../a.txt": ""}}, "'..' parts"),
    ("playground/create", {"files": {"/a.txt": ""}}, "a file name is relative"),
    ("playground/create", {"files": {"a\tb": ""}}, "control characters"),
    ("playground/create", {"files": {"a.txt": 5}}, "a file's text must be a string"),
    ("playground/create", {"files": {"a.txt": None}}, "a file's text must be a string"),
    (
        "playground/create",
        {"files": {f"f{n}.py": "" for n in range(201)}},
        "at most 200 files in a playground",
    ),
    (
        "playground/create",
        {"files": {"big.txt": "x" * 1_000_001}},
        "at most 1000000 UTF-16 units",
    ),
    ("playground/create", {"title": 5}, "title must be a string"),
    ("playground/create", {"title": "t" * 201}, "title is at most 200 characters"),
    ("playground/create", {"name": "x"}, "create takes no name"),
    ("playground/create", [], "params must be an object"),
    ("playground/list", {"playground": P}, "list takes no playground"),
    ("playground/invite", {"playground": P, "role": 5}, "role must be one of edit, view"),
    ("playground/invite", {"playground": P, "role": "owner"}, "role must be one of edit"),
    ("playground/invite", {"playground": P, "expiresIn": "10"}, "expiresIn is a number"),
    ("playground/invite", {"playground": P, "expiresIn": True}, "expiresIn is a number"),
    ("playground/invite", {"playground": P, "expiresIn": 0}, "expiresIn is a number"),
    ("playground/invite", {"role": "edit"}, NO_ACCESS),
    ("playground/invite", {"playground": "nope"}, NO_ACCESS),
    ("playground/invite", {"playground": P, "who": "x"}, "invite takes no who"),
    ("playground/revoke", {"playground": P}, "invite must be a non-empty string"),
    ("playground/revoke", {"playground": P, "invite": 5}, "invite must be a non-empty string"),
    ("playground/revoke", {"playground": P, "invite": "x.y"}, "no such invitation"),
    ("playground/revoke", {"playground": "nope", "invite": "x.y"}, NO_ACCESS),
    # Numbers past what a client can count, and text UTF-8 cannot hold: refused before they
    # reach SQLite (a 64-bit INTEGER, a UTF-8 encoder) or a float.
    (OP, {"playground": P, "path": "a.txt", "revision": 0, "seq": 2**63, "op": [4]}, "seq"),
    (OP, {"playground": P, "path": "a.txt", "revision": 0, "seq": 10**30, "op": [4]}, "seq"),
    (OP, {"playground": P, "path": "a.txt", "revision": 2**53, "seq": 1, "op": [4]}, "revision"),
    ("playground/create", {"files": {"a.txt": "\ud800"}}, "lone surrogate"),
    ("playground/create", {"title": "x\udc00"}, "lone surrogate"),
    ("playground/files/create", {"playground": P, "path": "n.txt", "text": "\ud800"}, "lone"),
    ("playground/invite", {"playground": P, "expiresIn": 10**400}, "expiresIn"),
    ("playground/invite", {"playground": P, "expiresIn": 1e300}, "expiresIn"),
    (
        JOIN,
        {"playground": P, "path": "a.txt", "since": {"clientId": C, "revision": 99}},
        r"revision 99 is not in the history \(the file is at 0\)",
    ),
]


def _case_id(case: tuple[str, object, str]) -> str:
    method, params, _ = case
    shown = repr(params)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"{method.removeprefix('playground/')} {shown}"


@pytest.mark.parametrize(
    ("method", "params", "reason"), BAD_REQUESTS, ids=map(_case_id, BAD_REQUESTS)
)
async def test_a_bad_request_is_refused_saying_why_and_changes_nothing(
    scene: Scene, method: str, params: object, reason: str
) -> None:
    with pytest.raises(RpcError, match=reason) as refused:
        await scene.alice.request(method, scene.fill(params))
    assert refused.value.code in (INVALID_PARAMS, REQUEST_FAILED), refused.value
    assert refused.value.message.startswith(f"invalid params for {method}: ") or (
        refused.value.message.startswith(f"{method} refused: ")
    ), refused.value.message
    await scene.assert_unchanged()


BAD_CURSORS: list[dict[str, Any]] = [
    {"playground": P, "path": "a.txt", "revision": 0},
    {"playground": P, "path": "a.txt", "revision": 0, "selections": "0:1"},
    {"playground": P, "path": "a.txt", "revision": 0, "selections": [{"anchor": 1}]},
    {"playground": P, "path": "a.txt", "revision": 0, "selections": [[0, 1]]},
    {"playground": P, "path": "a.txt", "revision": 0, "selections": [{"anchor": -1, "head": 0}]},
    {"playground": P, "path": "a.txt", "revision": 0, "selections": [{"anchor": "1", "head": 1}]},
    {
        "playground": P,
        "path": "a.txt",
        "revision": 0,
        "selections": [{"anchor": 0, "head": 0}] * 101,
    },
    {"playground": P, "path": "a.txt", "revision": 3, "selections": [{"anchor": 0, "head": 1}]},
    {"playground": P, "path": "a.txt", "revision": -1, "selections": [{"anchor": 0, "head": 1}]},
    {"playground": P, "path": "b.txt", "revision": 0, "selections": [{"anchor": 0, "head": 1}]},
    {
        "playground": "nope",
        "path": "a.txt",
        "revision": 0,
        "selections": [{"anchor": 0, "head": 1}],
    },
    {"path": "a.txt", "revision": 0, "selections": [{"anchor": 0, "head": 1}]},
]


@pytest.mark.parametrize("params", BAD_CURSORS, ids=[repr(c)[:60] for c in BAD_CURSORS])
async def test_a_bad_cursor_is_ignored_and_the_connection_goes_on(
    scene: Scene, params: dict[str, Any]
) -> None:
    """A cursor is a notification: no answer to refuse with, but nobody sees it either."""
    await scene.alice.notify("playground/collab/cursor", scene.fill(params))
    await scene.assert_unchanged()  # its op comes after the cursor; newcomer sees no selection


async def test_one_editors_huge_seq_does_not_break_the_file_for_everyone(scene: Scene) -> None:
    join = {"playground": scene.playground, "path": "a.txt"}
    with pytest.raises(RpcError):
        await scene.alice.request(OP, {**join, "revision": 0, "seq": 2**63, "op": [4, "?"]})
    ack = await scene.bob.request(OP, {**join, "revision": 0, "seq": 1, "op": ["B", 4]})
    assert ack == {"revision": 1}, "Bob, who sent nothing wrong, can still edit"
