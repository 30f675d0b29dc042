"""Runs over LSP, end to end: `playground/run` and its notifications, stdin, cancel, every exit
status, the queue, workspaces, bad params and the `playground.run` command.

Each test drives the real server (over stdio and over WebSocket, the `client` fixture) and
waits for the notifications it expects, never for time to pass.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import textwrap
import uuid
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import pytest
import pytest_asyncio
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import client_capabilities
from websockets.asyncio.client import connect

from lionagi_playground.sandbox import STATUSES
from tests.lsp.harness import (
    SERVER,
    Client,
    WsServer,
    connect_ws,
    make_client,
    open_document,
    start_client,
    stop_client,
)

WAIT_S = 30.0
"""The longest any single expected notification may take (a run's start is ~0.2 s)."""

NOTIFICATIONS = (
    "playground/queue",
    "playground/output",
    "playground/display",
    "playground/stats",
    "playground/exit",
)
INVALID_PARAMS = types.ErrorCodes.InvalidParams.value


def plain(value: Any) -> Any:
    """JSON values back from pygls's namedtuples."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


@dataclass
class Heard:
    """One notification: its method (without `playground/`) and params."""

    kind: str
    params: dict[str, Any]


@dataclass
class RunLog:
    """Every run notification a client received, in order, with a way to wait for one."""

    heard: list[Heard] = field(default_factory=list)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def add(self, method: str, params: Any) -> None:
        # Appended before any await: the log keeps the order the notifications arrived in.
        self.heard.append(Heard(method.removeprefix("playground/"), plain(params)))
        async with self.changed:
            self.changed.notify_all()

    def of(self, run_id: str, kind: str | None = None) -> list[dict[str, Any]]:
        return [
            h.params
            for h in self.heard
            if h.params.get("runId") == run_id and kind in (None, h.kind)
        ]

    def kinds(self, run_id: str) -> list[str]:
        return [h.kind for h in self.heard if h.params.get("runId") == run_id]

    def text(self, run_id: str, stream: str = "stdout") -> str:
        return "".join(p["text"] for p in self.of(run_id, "output") if p["stream"] == stream)

    async def wait(self, run_id: str, until: Callable[[], bool], within: float = WAIT_S) -> None:
        async def waiting() -> None:
            async with self.changed:
                await self.changed.wait_for(until)

        try:
            await asyncio.wait_for(waiting(), within)
        except TimeoutError:
            raise AssertionError(
                f"run {run_id}: still waiting after {within} s; heard {self.kinds(run_id)}, "
                f"stdout {self.text(run_id)!r}, stderr {self.text(run_id, 'stderr')!r}"
            ) from None

    async def output(self, run_id: str, text: str) -> None:
        """Wait until the run's stdout contains `text`."""
        await self.wait(run_id, lambda: text in self.text(run_id))

    async def first(self, run_id: str, kind: str, within: float = WAIT_S) -> dict[str, Any]:
        """Wait for the run's first notification of `kind` and return it."""
        await self.wait(run_id, lambda: bool(self.of(run_id, kind)), within)
        return self.of(run_id, kind)[0]

    async def exit(self, run_id: str, within: float = WAIT_S) -> dict[str, Any]:
        return await self.first(run_id, "exit", within)


_logs: weakref.WeakKeyDictionary[Client, RunLog] = weakref.WeakKeyDictionary()


def run_log(client: Client) -> RunLog:
    """The client's run log, listening from the first call on."""
    if client not in _logs:
        log = _logs[client] = RunLog()
        for method in NOTIFICATIONS:

            async def handler(params: Any, method: str = method) -> None:
                await log.add(method, params)

            client.feature(method)(handler)
    return _logs[client]


async def request(client: Client, method: str, params: Any) -> Any:
    return plain(await client.protocol.send_request_async(method, params))  # type: ignore[no-untyped-call]


async def start(client: Client, params: dict[str, Any]) -> str:
    run_log(client)
    result = await request(client, "playground/run", params)
    run_id = result["runId"]
    assert isinstance(run_id, str)
    return run_id


def files_run(source: str, **extra: Any) -> dict[str, Any]:
    return {"files": {"main.py": textwrap.dedent(source)}, "entry": "main.py", **extra}


async def run_to_exit(client: Client, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    run_id = await start(client, params)
    return run_id, await run_log(client).exit(run_id)


async def refused(client: Client, method: str, params: Any) -> str:
    """The message of the InvalidParams error that `method` must answer with."""
    with pytest.raises(JsonRpcException) as error:
        await client.protocol.send_request_async(method, params)  # type: ignore[no-untyped-call]
    assert error.value.code == INVALID_PARAMS, error.value
    return error.value.message


TRANSPORTS = pytest.mark.parametrize("transport", ["stdio", "ws"])
"""For a test that starts its own sessions rather than using `client`."""


@pytest.fixture
def transport(request: pytest.FixtureRequest) -> str:
    """The transport the test's `client` speaks."""
    return str(request.node.callspec.params["client"])


@pytest_asyncio.fixture
async def other_client(
    transport: str, ws_server: WsServer, tmp_path: Path
) -> AsyncIterator[Client]:
    """A second session on the same transport (over stdio: a second server process)."""
    other = await start_client(transport, ws_server, tmp_path)
    yield other
    await stop_client(other)


# -- output, stdin, exit --------------------------------------------------------------------


async def test_run_reports_exact_output_and_usage(client: Client) -> None:
    source = """
        import sys
        print("hello")
        print("oops", file=sys.stderr)
        print(6 * 7)
    """
    result = await request(client, "playground/run", files_run(source, limits={"timeout": 1e4}))
    run_id = result["runId"]
    # Limits may be raised only up to the server's maxima: asked 10,000 s, got 300.
    assert result["limits"]["timeout"] == 300
    assert result["limits"]["memoryBytes"] == 512 * 1024 * 1024
    log = run_log(client)
    end = await log.exit(run_id)
    assert log.text(run_id) == "hello\n42\n"
    assert log.text(run_id, "stderr") == "oops\n"
    assert (end["status"], end["exitCode"]) == ("ok", 0)
    assert end["elapsedMs"] > 0
    assert end["maxMemoryBytes"] > 0
    assert end["cpuMs"] >= 0
    assert "signal" not in end
    assert log.kinds(run_id)[-1] == "exit"


async def test_a_trivial_run_reports_its_own_memory(client: Client) -> None:
    """`print(1)` peaks at about 9 MiB of its own. The server's peak (59-135 MiB), inherited
    by the launch chain's ru_maxrss, or the runtime's page cache must not be reported."""
    _, end = await run_to_exit(client, files_run("print(1)\n"))
    assert end["status"] == "ok"
    assert 0 < end["maxMemoryBytes"] < 20 * 1024 * 1024, end


async def test_output_is_live_and_stdin_feeds_input(client: Client) -> None:
    source = """
        import sys
        print("name?", flush=True)
        name = input()
        rest = sys.stdin.read()
        print("hello", name, rest.upper())
    """
    run_id = await start(client, files_run(source))
    log = run_log(client)
    # The line printed before input() arrives while the program still waits.
    await log.output(run_id, "name?\n")
    assert log.of(run_id, "exit") == []
    await request(client, "playground/stdin", {"runId": run_id, "text": "ada\n"})
    await request(client, "playground/stdin", {"runId": run_id, "text": "more "})
    await request(client, "playground/stdin", {"runId": run_id, "text": "text", "eof": True})
    end = await log.exit(run_id)
    assert log.text(run_id) == "name?\nhello ada MORE TEXT\n"
    assert end["status"] == "ok"


async def test_stdin_given_up_front(client: Client) -> None:
    run_id, end = await run_to_exit(
        client, files_run("print(input()[::-1])\nprint(input())\n", stdin="olleh\nworld\n")
    )
    assert run_log(client).text(run_id) == "hello\nworld\n"
    assert end["status"] == "ok"


@dataclass(frozen=True)
class Case:
    source: str
    limits: dict[str, Any] = field(default_factory=dict)
    cancel_after: str | None = None
    """Cancel the run once its stdout holds this."""
    check: Callable[[RunLog, str, dict[str, Any]], None] | None = None


def _ok(log: RunLog, run_id: str, end: dict[str, Any]) -> None:
    assert (log.text(run_id), end["exitCode"]) == ("fine\n", 0)


def _error(log: RunLog, run_id: str, end: dict[str, Any]) -> None:
    assert end["exitCode"] == 3
    assert log.text(run_id, "stderr") == "bad\n"


def _killed(log: RunLog, run_id: str, end: dict[str, Any]) -> None:
    assert end["exitCode"] is None  # present, and null: the program did not exit by itself


def _capped(log: RunLog, run_id: str, end: dict[str, Any]) -> None:
    assert 0 < len(log.text(run_id).encode()) <= 2048
    assert end["message"]


def _signalled(log: RunLog, run_id: str, end: dict[str, Any]) -> None:
    assert end["signal"] == 15
    assert log.text(run_id) == "terminating\n"


STATUS_CASES = {
    "ok": Case("print('fine')\n", check=_ok),
    "error": Case("import sys\nprint('bad', file=sys.stderr)\nsys.exit(3)\n", check=_error),
    "timeout": Case("import time\ntime.sleep(30)\n", {"timeout": 0.5}, check=_killed),
    "memory": Case(
        "block = bytearray(300 * 1024 * 1024)\nblock[::4096] = b'1' * len(block[::4096])\n",
        {"memoryMb": 64},
    ),
    "output_limit": Case(
        "while True:\n    print('flood ' * 20)\n", {"outputBytes": 2048}, check=_capped
    ),
    "cancelled": Case(
        "import time\nprint('up', flush=True)\ntime.sleep(30)\n",
        cancel_after="up\n",
        check=_killed,
    ),
    "signal": Case(
        "import os, signal\n"
        "print('terminating', flush=True)\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n",
        check=_signalled,
    ),
}


def test_the_cases_cover_every_status() -> None:
    assert set(STATUS_CASES) == set(STATUSES)


@pytest.mark.parametrize("status", list(STATUS_CASES))
async def test_exit_status(client: Client, status: str) -> None:
    case = STATUS_CASES[status]
    run_id = await start(client, files_run(case.source, limits=case.limits))
    log = run_log(client)
    if case.cancel_after is not None:
        await log.output(run_id, case.cancel_after)
        assert await request(client, "playground/cancel", {"runId": run_id}) is None
    end = await log.exit(run_id)
    assert end["status"] == status, end
    assert log.kinds(run_id)[-1] == "exit"
    assert len(log.of(run_id, "exit")) == 1
    if case.check is not None:
        case.check(log, run_id, end)


async def test_usage_samples_while_a_run_lasts(client: Client) -> None:
    source = "print('spinning', flush=True)\nwhile True:\n    pass\n"
    run_id, end = await run_to_exit(client, files_run(source, limits={"timeout": 1.6}))
    log = run_log(client)
    assert end["status"] == "timeout"
    assert end["elapsedMs"] >= 1600
    samples = log.of(run_id, "stats")
    assert samples, "no playground/stats during a 1.6 s run"
    sample = samples[-1]
    assert set(sample) == {"runId", "memoryBytes", "cpuPercent", "elapsedMs", "warnings"}
    assert sample["memoryBytes"] > 0
    assert sample["cpuPercent"] > 20  # a busy loop, though the first second includes start-up
    assert 0 < sample["elapsedMs"] <= end["elapsedMs"]
    assert isinstance(sample["warnings"], list)
    assert log.kinds(run_id).index("stats") > log.kinds(run_id).index("output")


async def test_matplotlib_show_sends_a_png(client: Client) -> None:
    source = """
        import matplotlib.pyplot as plt
        plt.plot([1, 4, 9])
        plt.show()
        print("shown")
    """
    run_id, end = await run_to_exit(client, files_run(source))
    log = run_log(client)
    assert end["status"] == "ok", log.text(run_id, "stderr")
    displays = log.of(run_id, "display")
    assert [d["mime"] for d in displays] == ["image/png"]
    assert base64.b64decode(displays[0]["data"]).startswith(b"\x89PNG\r\n\x1a\n")
    assert log.text(run_id) == "shown\n"


async def test_a_lionagi_program_runs_offline(client: Client) -> None:
    source = """
        import asyncio
        from lionagi import Branch

        async def main():
            print(await Branch().communicate("What is 2 + 2?"))

        asyncio.run(main())
    """
    run_id, end = await run_to_exit(client, files_run(source))
    log = run_log(client)
    assert end["status"] == "ok", log.text(run_id, "stderr")[-2000:]
    assert log.text(run_id) == "[offline echo] What is 2 + 2?\n"


# -- one run per session ---------------------------------------------------------------------


async def test_run_pressed_again_restarts(client: Client) -> None:
    first = await start(client, files_run("print('first', flush=True)\ninput()\n"))
    log = run_log(client)
    await log.output(first, "first\n")
    second, end = await run_to_exit(client, files_run("print('second')\n"))
    assert (await log.exit(first))["status"] == "cancelled"
    assert (end["status"], log.text(second)) == ("ok", "second\n")


async def test_stdin_and_cancel_only_for_the_sessions_own_active_runs(
    client: Client, other_client: Client
) -> None:
    run_id = await start(client, files_run("print('mine', flush=True)\nprint(input())\n"))
    log = run_log(client)
    await log.output(run_id, "mine\n")
    for method, params in (
        ("playground/cancel", {"runId": run_id}),
        ("playground/stdin", {"runId": run_id, "text": "x\n"}),
    ):
        assert "no active run" in await refused(other_client, method, params)
    await request(client, "playground/stdin", {"runId": run_id, "text": "still mine\n"})
    end = await log.exit(run_id)
    assert (end["status"], log.text(run_id)) == ("ok", "mine\nstill mine\n")
    message = await refused(client, "playground/cancel", {"runId": run_id})
    assert "no active run" in message  # ended runs are not active


@TRANSPORTS
async def test_a_sessions_end_cancels_its_run(
    transport: str, ws_server: WsServer, tmp_path: Path
) -> None:
    leaver = await start_client(transport, ws_server, tmp_path)
    entry = f"hold_{uuid.uuid4().hex[:8]}.py"
    run_id = await start(leaver, {"files": {entry: "print('up', flush=True)\ninput()\n"}})
    await run_log(leaver).output(run_id, "up\n")
    program = [
        p for p in psutil.process_iter(["cmdline"]) if entry in " ".join(p.info["cmdline"] or [])
    ]
    assert program, f"no process runs {entry}"
    if transport == "ws":
        # The connection drops: no shutdown, no exit.
        writer: Any = leaver.protocol.writer
        await writer.close()
        await leaver.stop()  # type: ignore[no-untyped-call]
    else:
        await stop_client(leaver)
    _, alive = await asyncio.to_thread(psutil.wait_procs, program, 15)
    assert alive == [], f"still running after the session ended: {alive}"


@contextlib.asynccontextmanager
async def every_slot_held(ws_server: WsServer, tmp_path: Path) -> AsyncIterator[None]:
    """Runs waiting for input in every slot of the server (one per core), released on exit."""
    holders = [await start_client("ws", ws_server, tmp_path) for _ in range(os.cpu_count() or 1)]
    held = [
        await start(holder, files_run("print('holding', flush=True)\ninput()\n"))
        for holder in holders
    ]
    try:
        for holder, run_id in zip(holders, held, strict=True):
            await run_log(holder).output(run_id, "holding\n")
        yield
    finally:
        for holder, run_id in zip(holders, held, strict=True):
            await request(holder, "playground/stdin", {"runId": run_id, "text": "\n"})
        for holder, run_id in zip(holders, held, strict=True):
            assert (await run_log(holder).exit(run_id))["status"] == "ok"
            await stop_client(holder)


async def test_queue_positions_under_load(ws_server: WsServer, tmp_path: Path) -> None:
    """More runs than the server's slots, from several sessions: each waits its turn, told
    its place, and all complete.

    Only over WebSocket: a stdio server has one session, and a session one run.
    """
    waiters = [await start_client("ws", ws_server, tmp_path) for _ in range(3)]
    queued = []
    async with every_slot_held(ws_server, tmp_path):
        for number, waiter in enumerate(waiters, start=1):
            run_id = await start(waiter, files_run(f"print('queued run {number}')\n"))
            queued.append(run_id)
            assert (await run_log(waiter).first(run_id, "queue"))["position"] == number
        assert all(run_log(w).of(r, "exit") == [] for w, r in zip(waiters, queued, strict=True))
    for number, (waiter, run_id) in enumerate(zip(waiters, queued, strict=True), start=1):
        log = run_log(waiter)
        end = await log.exit(run_id)
        assert (end["status"], log.text(run_id)) == ("ok", f"queued run {number}\n")
        positions = [q["position"] for q in log.of(run_id, "queue")]
        assert positions == list(range(number, 0, -1))
        assert log.kinds(run_id)[: len(positions)] == ["queue"] * len(positions)
        await stop_client(waiter)


async def test_the_run_id_comes_before_the_runs_notifications(
    ws_server: WsServer, tmp_path: Path
) -> None:
    """A queued run has its first notification at once; still, the response goes out first."""
    async with every_slot_held(ws_server, tmp_path), connect(ws_server.url()) as raw:
        await raw.send(
            json.dumps(
                {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
            )
        )
        assert json.loads(await raw.recv())["id"] == 1
        params = files_run("print('after the others')\n")
        await raw.send(
            json.dumps({"jsonrpc": "2.0", "id": 2, "method": "playground/run", "params": params})
        )
        response = json.loads(await asyncio.wait_for(raw.recv(), WAIT_S))
        assert response["id"] == 2, response
        queued = json.loads(await asyncio.wait_for(raw.recv(), WAIT_S))
        assert queued["method"] == "playground/queue"
        assert queued["params"] == {"runId": response["result"]["runId"], "position": 1}


# -- workspaces ------------------------------------------------------------------------------


async def test_a_run_covers_the_documents_folder_and_open_buffers_win(
    client: Client, transport: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Over stdio the folder comes from disk (no links, no dot-files, no binaries, no
    examples/ of its own) with the open buffers winning; over WebSocket only the open
    buffers: the server's disk is not the browser user's. Every run also finds the sandbox's
    read-only example datasets in examples/."""
    folder = client.root / f"project_{uuid.uuid4().hex[:8]}"
    (folder / "pkg").mkdir(parents=True)
    (folder / "__pycache__").mkdir()
    outside = tmp_path_factory.mktemp("outside") / "secret.py"
    outside.write_text("SECRET = 'from outside'\n")
    main = textwrap.dedent(
        """
        import os
        from helper import greet
        print(greet())
        found = sorted(
            os.path.relpath(os.path.join(top, name))
            for top, _, names in os.walk(".") for name in names
        )
        print(" ".join(found))
        """
    )
    (folder / "main.py").write_text(main)
    (folder / "helper.py").write_text("def greet():\n    return 'from disk'\n")
    (folder / "pkg" / "__init__.py").write_text("")
    (folder / "pkg" / "deep.py").write_text("DEPTH = 'deep'\n")
    (folder / ".hidden.py").write_text("")
    (folder / "__pycache__" / "cached.py").write_text("")
    (folder / "data.bin").write_bytes(b"\xff\xfe\x00binary")
    (folder / "examples").mkdir()
    (folder / "examples" / "mine.csv").write_text("a,b\n")
    (folder / "linked.py").symlink_to(outside)
    (folder / "linked_folder").symlink_to(outside.parent, target_is_directory=True)
    # Unsaved: the editor's text of helper.py, and a buffer never saved at all.
    open_document(
        client, "def greet():\n    return 'from the buffer'\n", f"{folder.name}/helper.py"
    )
    open_document(client, "UNSAVED = True\n", f"{folder.name}/fresh.py")
    main_uri = (folder / "main.py").as_uri()

    if transport == "stdio":
        run_id, end = await run_to_exit(client, {"uri": main_uri})
        listed = "fresh.py helper.py main.py pkg/__init__.py pkg/deep.py"
    else:
        assert "is not open" in await refused(client, "playground/run", {"uri": main_uri})
        open_document(client, main, f"{folder.name}/main.py")
        run_id, end = await run_to_exit(client, {"uri": main_uri})
        listed = "fresh.py helper.py main.py"
    log = run_log(client)
    assert end["status"] == "ok", log.text(run_id, "stderr")
    datasets = "examples/flowers.csv examples/sales.csv examples/temperatures.csv"
    assert log.text(run_id) == f"from the buffer\n{datasets} {listed}\n"


async def test_an_open_document_runs_by_uri_with_another_entry(client: Client) -> None:
    folder = f"entry_{uuid.uuid4().hex[:8]}"
    uri = open_document(client, "import lib\nprint(lib.VALUE)\n", f"{folder}/app.py")
    open_document(client, "VALUE = 'lib buffer'\n", f"{folder}/lib.py")
    run_id, end = await run_to_exit(client, {"uri": uri})
    assert (end["status"], run_log(client).text(run_id)) == ("ok", "lib buffer\n")
    lib_uri = uri.replace("app.py", "lib.py")
    # Run app.py while editing lib.py: `entry` names the file to start.
    run_id, end = await run_to_exit(client, {"uri": lib_uri, "entry": "app.py"})
    assert (end["status"], run_log(client).text(run_id)) == ("ok", "lib buffer\n")


async def test_an_unsaved_buffer_runs_in_the_language_it_was_opened_with(client: Client) -> None:
    # Editors' new buffers have no extension: the document's languageId tells the language.
    uri = f"untitled:Untitled-{uuid.uuid4().hex[:8]}"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text="print(6 * 7)\n"
            )
        )
    )
    run_id, end = await run_to_exit(client, {"uri": uri})
    assert (end["status"], run_log(client).text(run_id)) == ("ok", "42\n")


# -- bad params ------------------------------------------------------------------------------

NAN = float("nan")

BAD_RUN_PARAMS: list[tuple[Any, str]] = [
    (None, "must be an object"),
    (["main.py"], "must be an object, got an array"),
    ({}, "exactly one of `uri`"),
    ({"uri": "file:///x.py", "files": {"a.py": ""}}, "exactly one of `uri`"),
    ({"files": {"a.py": ""}, "stdIn": "x"}, "unknown field 'stdIn'"),
    ({"files": "print(1)"}, "`files` must be an object"),
    ({"files": {"a.py": 1}}, "must be text, got a number"),
    ({"files": {"a.py": "", "b.py": ""}}, "`entry` is required"),
    ({"files": {"a.py": ""}, "entry": "b.py"}, "entry 'b.py' is not one of the files"),
    ({"files": {"../up.py": ""}}, "'..'"),
    ({"files": {"/etc/passwd": ""}}, "absolute"),
    ({"files": {"a\x00.py": ""}}, "NUL"),
    ({"files": {"a.py": ""}, "entry": 3}, "`entry` must be a string"),
    ({"files": {"a.py": ""}, "stdin": ["x"]}, "`stdin` must be a string"),
    ({"files": {"a.py": ""}, "language": "cobol"}, "no runtime for language 'cobol'"),
    ({"files": {"a.txt": ""}}, "cannot tell the language"),
    ({"files": {"a.py": ""}, "limits": {"cpu": 1}}, "unknown limit 'cpu'"),
    ({"files": {"a.py": ""}, "limits": {"timeout": -1}}, "must be at least"),
    ({"files": {"a.py": ""}, "limits": {"timeout": NAN}}, "finite"),
    ({"files": {"a.py": ""}, "limits": {"memoryMb": "lots"}}, "must be a number"),
    ({"files": {"a.py": ""}, "limits": {"network": 1}}, "true or false"),
    ({"files": {"a.py": ""}, "limits": [1]}, "`limits` must be an object"),
    ({"uri": "file:///nonexistent/nowhere.py"}, "is not open"),
    ({"uri": "untitled:Untitled-9"}, "is not open"),
]


async def test_bad_params_are_refused_and_the_session_goes_on(client: Client) -> None:
    for params, expected in BAD_RUN_PARAMS:
        message = await refused(client, "playground/run", params)
        assert expected in message, (params, message)
        assert message.startswith("invalid params for playground/run: "), message
    for method, params, expected in (
        ("playground/stdin", {"runId": "abc"}, "`text` is required"),
        ("playground/stdin", {"runId": "abc", "text": "x", "eof": "yes"}, "`eof` must be"),
        ("playground/stdin", {"runId": "abc", "text": "x"}, "no active run 'abc'"),
        ("playground/cancel", {}, "`runId` is required"),
        ("playground/cancel", {"runId": 7}, "`runId` must be a string"),
        ("playground/cancel", {"runId": "abc"}, "no active run 'abc'"),
    ):
        assert expected in await refused(client, method, params), (method, params)
    run_id, end = await run_to_exit(client, files_run("print('still here')\n"))
    assert (end["status"], run_log(client).text(run_id)) == ("ok", "still here\n")


# -- workspace/executeCommand ----------------------------------------------------------------


@TRANSPORTS
async def test_the_run_command_is_advertised(
    transport: str, ws_server: WsServer, tmp_path: Path
) -> None:
    fresh = make_client()
    if transport == "stdio":
        await fresh.start_io(*SERVER)
    else:
        await connect_ws(fresh, ws_server.url())
    initialized = await fresh.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("neovim"), root_uri=tmp_path.as_uri()
        )
    )
    provider = initialized.capabilities.execute_command_provider
    assert provider is not None
    assert "playground.run" in provider.commands
    await stop_client(fresh)


async def test_the_run_command_for_clients_without_custom_requests(client: Client) -> None:
    run_log(client)
    result = plain(
        await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="playground.run", arguments=[files_run("print('by command')\n")]
            )
        )
    )
    run_id = result["runId"]
    end = await run_log(client).exit(run_id)
    assert (end["status"], run_log(client).text(run_id)) == ("ok", "by command\n")
    for arguments in ([], [files_run(""), {}], [{"files": {"../a.py": ""}}]):
        with pytest.raises(JsonRpcException) as error:
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="playground.run", arguments=arguments)
            )
        assert error.value.code == INVALID_PARAMS
        assert "playground.run" in error.value.message
