"""The agent trace, keys and recordings over LSP, end to end (docs/trace.md): the real server
(over stdio and over WebSocket) runs real programs in the real sandbox, and each test waits
for the notifications it expects, never for time to pass.

- trace events arrive as `playground/trace` batches, every one before `playground/exit`;
- text that looks like a trace frame, or a frame without the run's nonce, is no trace event;
- a flood of trace events is bounded (batches at most ~20 a second, 5,000 events, one
  `truncated`) and leaves the program's output whole;
- `playground/trace/get` for the session's own run (running and ended), never another's;
- `keys` and `record` refused when they cannot apply, naming no key value;
- record with a real (fake, local) model, then replay offline with no key: the same output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
import weakref
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.fake_openai import FakeOpenAI
from tests.lsp.harness import TOKEN, Client, WsServer, start_client, stop_client
from tests.lsp.test_run import (
    RunLog,
    files_run,
    refused,
    request,
    run_log,
    start,
)

TRACE_MIME = "application/vnd.lionagi-playground.trace+json"
KEY = "sk-playground-test-7a1c9e2b4d6f8a0c2e4b6d8f"
"""A made-up key: it must reach the program and nowhere else."""

EMIT = f"""
import json, os, sys
from playground_runtime import display

def emit(event):
    display.emit({TRACE_MIME!r}, event if isinstance(event, str) else json.dumps(event))
"""
"""The runtime's own channel (`display.emit`, nonce-tagged): what the runtime's trace uses."""

_arrivals: weakref.WeakKeyDictionary[Client, dict[str, list[float]]] = weakref.WeakKeyDictionary()


def traced(client: Client) -> RunLog:
    """The client's run log, hearing `playground/trace` and `playground/recording` too, with
    the time each trace batch arrived (by run)."""
    log = run_log(client)
    if client not in _arrivals:
        arrivals = _arrivals[client] = {}
        for method in ("playground/trace", "playground/recording"):

            async def handler(params: Any, method: str = method) -> None:
                if method == "playground/trace":
                    run_id = params.runId if hasattr(params, "runId") else params["runId"]
                    arrivals.setdefault(run_id, []).append(time.monotonic())
                await log.add(method, params)

            client.feature(method)(handler)
    return log


def trace_events(log: RunLog, run_id: str) -> list[dict[str, Any]]:
    return [event for batch in log.of(run_id, "trace") for event in batch["events"]]


def program(source: str) -> str:
    return EMIT + textwrap.dedent(source)


async def traced_run(client: Client, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    traced(client)
    run_id = await start(client, params)
    return run_id, await run_log(client).exit(run_id)


def assert_all_before_exit(log: RunLog, run_id: str) -> None:
    kinds = log.kinds(run_id)
    assert kinds[-1] == "exit"
    assert kinds.count("exit") == 1


# -- the pipeline ----------------------------------------------------------------------------


async def test_trace_events_arrive_in_batches_before_the_exit(client: Client) -> None:
    source = program(
        """
        for n in range(1, 41):
            emit({"kind": "system", "timeMs": n, "content": f"e{n}", "seq": 999, "extra": 1})
            if n % 10 == 0:
                # Dropped: not JSON, an unknown kind, no timeMs, a wrong type, too big.
                emit("not json")
                emit({"kind": "made_up", "timeMs": 1})
                emit({"kind": "system"})
                emit({"kind": "model_end", "timeMs": 1, "tokensIn": "many"})
                emit({"kind": "system", "timeMs": 1, "content": "x" * 20000})
        print("done")
        """
    )
    run_id, end = await traced_run(client, files_run(source))
    log = run_log(client)
    assert end["status"] == "ok", log.text(run_id, "stderr")
    assert log.text(run_id) == "done\n"
    events = trace_events(log, run_id)
    assert events == [
        {"seq": n, "kind": "system", "timeMs": n, "content": f"e{n}"} for n in range(1, 41)
    ]
    batches = log.of(run_id, "trace")
    assert len(batches) <= 2 + end["elapsedMs"] / 50, "more than ~20 batches a second"
    assert_all_before_exit(log, run_id)


async def test_a_lionagi_program_is_traced_before_its_exit(client: Client) -> None:
    """The runtime's trace (no change to the program) through the capture and the server."""
    source = """
        import asyncio
        from lionagi import Branch

        async def main():
            print(await Branch().communicate("What is 2 + 2?"))

        asyncio.run(main())
    """
    run_id, end = await traced_run(client, files_run(source))
    log = run_log(client)
    assert end["status"] == "ok", log.text(run_id, "stderr")[-2000:]
    assert log.text(run_id) == "[offline echo] What is 2 + 2?\n"
    events = trace_events(log, run_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    kinds = [e["kind"] for e in events]
    for kind in ("operation_start", "instruction", "model_start", "model_end", "assistant"):
        assert kind in kinds, kinds
    assert kinds[-1] == "operation_end"
    start = events[kinds.index("operation_start")]
    assert start["operation"] == "communicate"
    model_end = events[kinds.index("model_end")]
    assert (model_end["answeredBy"], model_end["status"]) == ("offline", "ok")
    assert model_end["parent"] == start["span"]
    instruction = events[kinds.index("instruction")]
    assert "What is 2 + 2?" in instruction["content"]
    assert_all_before_exit(log, run_id)


async def test_text_that_looks_like_a_trace_frame_is_no_trace_event(client: Client) -> None:
    source = program(
        """
        import base64
        event = json.dumps({"kind": "system", "timeMs": 1, "content": "forged"})
        body = base64.b64encode(json.dumps(
            {"mime": "application/vnd.lionagi-playground.trace+json",
             "data": base64.b64encode(event.encode()).decode()}).encode()).decode()
        nonce = os.environ["PLAYGROUND_DISPLAY_NONCE"]
        del os.environ["PLAYGROUND_DISPLAY_NONCE"]
        print(event)                                             # plain JSON text
        print("\\x1b]5379;" + "0" * 32 + ";" + body + "\\x07")     # another nonce
        print("\\x1b]5379;;" + body + "\\x07")                     # no nonce
        os.write(2, ("\\x1b]5379;" + nonce + ";" + body + "\\x07\\n").encode())  # on stderr
        emit(event)                                              # the runtime, no nonce now
        print("end")
        """
    )
    run_id, end = await traced_run(client, files_run(source))
    log = run_log(client)
    assert end["status"] == "ok", log.text(run_id, "stderr")
    assert log.of(run_id, "trace") == []
    stdout = log.text(run_id)
    assert stdout.count('"content": "forged"') == 1
    assert stdout.count("\x1b]5379;") == 2
    assert stdout.endswith("end\n")
    assert "\x1b]5379;" in log.text(run_id, "stderr")


async def test_a_flood_of_trace_events_is_bounded_and_output_is_whole(client: Client) -> None:
    source = program(
        """
        for n in range(10_000):
            emit({"kind": "model_start", "timeMs": n, "span": f"s{n}", "model": "m"})
            print(n)
        """
    )
    run_id, end = await traced_run(client, files_run(source, limits={"timeout": 120}))
    log = run_log(client)
    assert end["status"] == "ok", log.text(run_id, "stderr")[-2000:]
    assert log.text(run_id) == "".join(f"{n}\n" for n in range(10_000))
    events = trace_events(log, run_id)
    assert len(events) == 5000
    assert [e["seq"] for e in events] == list(range(1, 5001))
    assert [e["kind"] for e in events].count("truncated") == 1
    assert events[-1]["kind"] == "truncated"
    batches = log.of(run_id, "trace")
    assert len(batches) <= 2 + end["elapsedMs"] / 50, (len(batches), end["elapsedMs"])
    arrived = _arrivals[client][run_id]
    if len(arrived) > 2:
        # ~20 a second at most: on average no closer than the interval (transport jitter
        # may bunch two, never many).
        assert (arrived[-1] - arrived[0]) / (len(arrived) - 1) >= 0.05 * 0.8
    assert_all_before_exit(log, run_id)


async def test_a_lionagi_flood_of_model_calls_is_bounded_and_output_is_whole(
    client: Client,
) -> None:
    """1,000 model calls through lionagi (about 6,000 trace events from the runtime)."""
    source = """
        import asyncio
        from lionagi import Branch, iModel

        async def main():
            model = iModel(provider="openai", model="gpt-4.1-mini")
            for n in range(1000):
                print(n, await Branch(chat_model=model).communicate(f"question {n}"))

        asyncio.run(main())
    """
    run_id, end = await traced_run(client, files_run(source, limits={"timeout": 240}))
    log = run_log(client)
    assert end["status"] == "ok", log.text(run_id, "stderr")[-2000:]
    lines = log.text(run_id).splitlines()
    assert lines == [f"{n} [offline echo] question {n}" for n in range(1000)]
    events = trace_events(log, run_id)
    assert len(events) == 5000
    assert [e["seq"] for e in events] == list(range(1, 5001))
    assert [e["kind"] for e in events].count("truncated") == 1
    assert events[-1]["kind"] == "truncated"
    assert len(log.of(run_id, "trace")) <= 2 + end["elapsedMs"] / 50
    assert_all_before_exit(log, run_id)


# -- playground/trace/get --------------------------------------------------------------------


async def test_trace_get_while_the_run_runs_and_after_it_ended(client: Client) -> None:
    source = program(
        """
        emit({"kind": "system", "timeMs": 1, "content": "first"})
        print("waiting", flush=True)
        input()
        emit({"kind": "system", "timeMs": 2, "content": "second"})
        """
    )
    log = traced(client)
    run_id = await start(client, files_run(source))
    await log.wait(run_id, lambda: bool(trace_events(log, run_id)))
    during = await request(client, "playground/trace/get", {"runId": run_id})
    assert during == {
        "runId": run_id,
        "events": [{"seq": 1, "kind": "system", "timeMs": 1, "content": "first"}],
        "truncated": False,
        "finished": False,
    }
    await request(client, "playground/stdin", {"runId": run_id, "text": "\n"})
    assert (await log.exit(run_id))["status"] == "ok"
    after = await request(client, "playground/trace/get", {"runId": run_id})
    assert after["finished"] is True
    assert after["events"] == trace_events(log, run_id)
    assert [e["content"] for e in after["events"]] == ["first", "second"]


@pytest_asyncio.fixture
async def other_session(
    request: pytest.FixtureRequest, ws_server: WsServer, tmp_path: Path
) -> AsyncIterator[Client]:
    """A second session on the client's transport (over stdio: a second server process)."""
    other = await start_client(str(request.node.callspec.params["client"]), ws_server, tmp_path)
    yield other
    await stop_client(other)


async def test_trace_get_of_another_sessions_run_is_refused(
    client: Client, other_session: Client
) -> None:
    source = program('emit({"kind": "system", "timeMs": 1})\nprint("waiting", flush=True)\ninput()')
    log = traced(client)
    run_id = await start(client, files_run(source))
    await log.output(run_id, "waiting")
    message = await refused(other_session, "playground/trace/get", {"runId": run_id})
    assert f"no run '{run_id}' known to this session" in message
    await request(client, "playground/stdin", {"runId": run_id, "text": "\n"})
    await log.exit(run_id)
    message = await refused(other_session, "playground/trace/get", {"runId": run_id})
    assert "no run" in message
    mine = await request(client, "playground/trace/get", {"runId": run_id})
    assert len(mine["events"]) == 1


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({}, "`runId` is required"),
        ({"runId": 7}, "`runId` must be a string"),
        ({"runId": "abc", "more": 1}, "unknown field 'more'"),
        ([], "must be an object"),
        ({"runId": "never-was"}, "no run 'never-was' known"),
    ],
)
async def test_bad_trace_get_params_are_refused(client: Client, params: Any, says: str) -> None:
    message = await refused(client, "playground/trace/get", params)
    assert message.startswith("invalid params for playground/trace/get: "), message
    assert says in message, message


# -- keys and record, refused ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"keys": {"OPENAI_API_KEY": KEY}}, "keys need network: this server does not allow"),
        (
            {"keys": {"OPENAI_API_KEY": KEY}, "limits": {"network": True}},
            "keys need network: this server does not allow",
        ),
        ({"record": True}, "`record` needs `keys`"),
        ({"record": "yes"}, "`record` must be true or false"),
        ({"keys": {KEY: "OPENAI_API_KEY"}}, "not of the form NAME_API_KEY"),
        ({"keys": {"OPENAI_API_KEY": KEY + "\u00e9"}}, "printable ASCII"),
        ({"keys": {"OPENAI_API_KEY": KEY * 20}}, "8 to 512 characters"),
        ({"keys": {f"K{n}_API_KEY": KEY for n in range(9)}}, "at most 8 keys"),
        ({"keys": KEY}, "`keys` must be an object"),
    ],
)
async def test_bad_keys_and_record_are_refused_and_nothing_changes(
    client: Client, extra: dict[str, Any], says: str
) -> None:
    log = traced(client)
    run_id = await start(client, files_run("print('up', flush=True)\nprint(input())\n"))
    await log.output(run_id, "up\n")
    message = await refused(client, "playground/run", files_run("print(1)\n", **extra))
    assert says in message, message
    assert KEY[:12] not in message
    # The refused run replaced nothing: the session's run goes on.
    await request(client, "playground/stdin", {"runId": run_id, "text": "still here\n"})
    end = await log.exit(run_id)
    assert (end["status"], log.text(run_id)) == ("ok", "up\nstill here\n")


# -- keys, network, record and replay ----------------------------------------------------------


SERVER_WITH_NETWORK = [
    sys.executable,
    "-m",
    "lionagi_playground",
    "--log-level",
    "DEBUG",
    "lsp",
    "--ws",
    "127.0.0.1:0",
    "--token",
    TOKEN,
    "--allow-network",
]


@pytest.fixture(scope="module")
def network_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WsServer, Path]]:
    """A server started with --allow-network, logging everything (DEBUG) to a file."""
    import re

    log_file = tmp_path_factory.mktemp("network-server") / "server.log"
    with log_file.open("w") as stderr:
        process = subprocess.Popen(
            SERVER_WITH_NETWORK, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"ws://([\d.]+):(\d+)/lsp", first)
    if match is None:
        process.kill()
        raise RuntimeError(f"the server did not announce its address: {first!r}")
    yield WsServer(process, match.group(1), int(match.group(2)), TOKEN), log_file
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(["The capital of France is Paris.", "7 + 5 is 12."]) as server:
        yield server


def lionagi_program(base_url: str) -> str:
    # allow_local_network: lionagi refuses loopback hosts otherwise (its SSRF guard);
    # requires_tokens off: lionagi's online token count fetches tiktoken's encoding file
    # from the internet, which a test machine need not reach.
    return textwrap.dedent(
        f"""
        import asyncio
        from lionagi import Branch, iModel

        async def main():
            model = iModel(provider="openai", model="gpt-4.1-mini",
                           base_url={base_url!r}, allow_local_network=True)
            model.endpoint.config.requires_tokens = False
            branch = Branch(chat_model=model)
            print(await branch.communicate("What is the capital of France?"))
            print(await branch.communicate("And what is 7 + 5?"))

        asyncio.run(main())
        """
    )


async def test_record_with_keys_then_replay_offline_with_none(
    network_server: tuple[WsServer, Path], fake_openai: FakeOpenAI, tmp_path: Path
) -> None:
    server, server_log = network_server
    client = await start_client("ws", server, tmp_path)
    try:
        log = traced(client)
        source = lionagi_program(fake_openai.base_url)
        params = files_run(
            source,
            keys={"OPENAI_API_KEY": KEY},
            record=True,
            limits={"network": True, "timeout": 60},
        )
        result = await request(client, "playground/run", params)
        assert result["limits"]["network"] is True
        run_id = result["runId"]
        end = await log.exit(run_id, within=90)
        assert end["status"] == "ok", log.text(run_id, "stderr")[-3000:]
        recorded_stdout = log.text(run_id)
        assert recorded_stdout == "The capital of France is Paris.\n7 + 5 is 12.\n"
        # The key reached the program (lionagi sent it to the model) ...
        assert list(fake_openai.authorizations()) == [f"Bearer {KEY}"] * 2
        # ... and the recording came before the exit, with the calls and no key.
        kinds = log.kinds(run_id)
        assert kinds.index("recording") < kinds.index("exit")
        recording = log.of(run_id, "recording")
        assert len(recording) == 1
        assert recording[0]["path"] == "main.recording.json"
        text = recording[0]["text"]
        assert KEY not in text
        document = json.loads(text)
        assert document["format"] == "lionagi-playground-recording"
        calls = document["calls"]
        assert len(calls) == 2
        assert calls[0]["response"]["choices"][0]["message"]["content"] == (
            "The capital of France is Paris."
        )
        assert "What is the capital of France?" in json.dumps(calls[0]["request"])
        # The key is in nothing the server sent, nor in its log.
        everything = json.dumps([heard.params for heard in log.heard])
        assert KEY not in everything
        model_ends = [e for e in trace_events(log, run_id) if e["kind"] == "model_end"]
        assert [e.get("answeredBy") for e in model_ends] == ["network", "network"]

        # Replay: the recording beside the entry, no keys, no network.
        replay = {"files": {"main.py": source, "main.recording.json": text}, "entry": "main.py"}
        replay_id, replay_end = await traced_run(client, replay)
        assert replay_end["status"] == "ok", log.text(replay_id, "stderr")[-3000:]
        assert log.text(replay_id) == recorded_stdout
        assert len(fake_openai.received) == 2, "the replay reached the model"
        model_ends = [e for e in trace_events(log, replay_id) if e["kind"] == "model_end"]
        assert [e.get("answeredBy") for e in model_ends] == ["recording", "recording"]
        assert log.of(replay_id, "recording") == []
    finally:
        await stop_client(client)
    assert KEY not in server_log.read_text(errors="replace")


async def test_keys_reach_the_program_but_no_trace_or_error_message(
    network_server: tuple[WsServer, Path], tmp_path: Path
) -> None:
    """A program that puts its key in a message, its output and an exception: the key
    reaches it, and the trace and the output show it hidden."""
    server, server_log = network_server
    client = await start_client("ws", server, tmp_path)
    source = """
        import asyncio, os
        from lionagi import Branch

        async def main():
            key = os.environ["OPENAI_API_KEY"]
            branch = Branch(system=f"the key is {key}")
            print(len(key), f"key={key}")
            raise RuntimeError(f"failed with {key}")

        asyncio.run(main())
    """
    try:
        log = traced(client)
        # Refused first (the server logs at DEBUG): the key is not in its answer nor its log.
        bad = files_run(source, keys={"OPENAI_API_KEY": KEY + "\u00e9"}, limits={"network": True})
        assert KEY not in await refused(client, "playground/run", bad)
        params = files_run(source, keys={"OPENAI_API_KEY": KEY}, limits={"network": True})
        run_id = await start(client, params)
        end = await log.exit(run_id, within=60)
        assert end["status"] == "error"
        assert log.text(run_id) == f"{len(KEY)} key=[key hidden]\n"
        assert "RuntimeError: failed with [key hidden]" in log.text(run_id, "stderr")
        assert KEY not in json.dumps([heard.params for heard in log.heard])
        events = trace_events(log, run_id)
        assert any(e["kind"] == "system" for e in events), events
        assert KEY not in json.dumps(events)
        assert KEY not in json.dumps(
            await request(client, "playground/trace/get", {"runId": run_id})
        )
        assert log.of(run_id, "recording") == []  # no record asked
    finally:
        await stop_client(client)
    assert KEY not in server_log.read_text(errors="replace")


@pytest.fixture(autouse=True)
def _no_key_in_the_environment() -> None:
    assert KEY not in os.environ.values()
