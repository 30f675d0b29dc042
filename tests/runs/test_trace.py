"""The server's trace pipeline without a sandbox (docs/trace.md): validation, numbering and
bounds, batching on a timer, the kept traces, recordings, key hiding, and the params of
`keys` and `record`. The proof through the real server and sandbox is tests/lsp/test_trace.py.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from lionagi_playground.sandbox import InvalidRequestError, RunRequest
from lionagi_playground.server.runs import trace as trace_module
from lionagi_playground.server.runs.params import RunParamsError, run_params, trace_get_params
from lionagi_playground.server.runs.trace import (
    FLUSH_INTERVAL_S,
    HIDDEN,
    MAX_EVENT_BYTES,
    MAX_EVENTS,
    KeptTraces,
    Recorder,
    RunTrace,
    Scrubber,
    TraceBatcher,
    parse_event,
)

KEY = "sk-test-0123456789abcdef"


def event(**fields: Any) -> str:
    return json.dumps({"kind": "system", "timeMs": 1.5, **fields})


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        json.dumps({"kind": "system"}),  # no timeMs
        json.dumps({"timeMs": 1}),  # no kind
        event(kind="made_up"),
        event(timeMs="soon"),
        event(timeMs=-1),
        event(tokensIn=1.5),
        event(tokensIn=True),
        event(status="fine"),
        event(answeredBy="me"),
        event(branch={"id": 1}),
        event(branch={"id": "b", "name": None, "extra": 1}),
        event(span="s" * 1000),
        event(content="x" * MAX_EVENT_BYTES),
    ],
)
def test_events_of_the_wrong_shape_are_dropped(text: str) -> None:
    assert parse_event(text) is None


def test_a_valid_event_keeps_the_schemas_fields_only() -> None:
    parsed = parse_event(
        event(seq=99, unknown="x", branch={"id": "b1", "name": None}, content="hi", contentSize=2)
    )
    assert parsed == {
        "kind": "system",
        "timeMs": 1.5,
        "branch": {"id": "b1", "name": None},
        "content": "hi",
        "contentSize": 2,
    }


def test_long_content_is_cut_and_its_size_kept() -> None:
    parsed = parse_event(event(content="y" * 5000))
    assert parsed is not None
    assert (len(parsed["content"]), parsed["contentSize"]) == (2000, 5000)


def test_the_server_numbers_and_bounds_the_trace() -> None:
    trace = RunTrace("r1", "session")
    for _ in range(MAX_EVENTS + 100):
        trace.add(event())
    assert len(trace.events) == MAX_EVENTS
    assert [e["seq"] for e in trace.events] == list(range(1, MAX_EVENTS + 1))
    assert [e["kind"] for e in trace.events].count("truncated") == 1
    assert trace.events[-1]["kind"] == "truncated"
    assert trace.truncated


def test_the_trace_is_bounded_in_bytes_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trace_module, "MAX_TRACE_BYTES", 10_000)
    trace = RunTrace("r1", "session")
    for _ in range(100):
        trace.add(event(content="z" * 1000))
    assert trace.events[-1]["kind"] == "truncated"
    assert trace.size <= 10_000 + 100
    assert len(trace.events) < 12


def test_key_values_are_hidden_in_events_even_when_cut() -> None:
    scrub = Scrubber([KEY])
    parsed = parse_event(event(content=f"my key is {KEY}!", tool=KEY[:10]), scrub)
    assert parsed is not None
    assert parsed["content"] == f"my key is {HIDDEN}!"
    cut = parse_event(event(content="x" * 1990 + KEY), scrub)
    assert cut is not None
    assert KEY[:6] not in cut["content"]
    assert cut["content"].endswith(HIDDEN)


def test_a_recording_is_indented_json_with_no_key() -> None:
    tricky = 'ab"cd\\ef-0123456789'
    recorder = Recorder("src/main.py", Scrubber([KEY, tricky]))
    recorder.add(json.dumps({"request": {"messages": [KEY]}, "response": {KEY: tricky}}))
    recorder.add("not json")
    recorder.add("", truncated=True)
    text = recorder.text()
    assert recorder.path == "src/main.recording.json"
    assert KEY not in text
    assert tricky not in text
    assert json.dumps(tricky)[1:-1] not in text
    document = json.loads(text)
    assert document["format"] == "lionagi-playground-recording"
    assert document["version"] == 1
    assert document["truncated"] is True
    assert document["calls"] == [{"request": {"messages": [HIDDEN]}, "response": {HIDDEN: HIDDEN}}]
    assert text.startswith('{\n  "format"')


async def test_batches_wait_for_the_interval_on_a_timer() -> None:
    sent: list[tuple[float, list[int]]] = []
    arrived = asyncio.Event()

    def send(events: list[dict[str, Any]]) -> None:
        sent.append((time.monotonic(), [e["seq"] for e in events]))
        if sum(len(batch) for _, batch in sent) == 300:
            arrived.set()

    batcher = TraceBatcher(send)
    for seq in range(1, 301):
        batcher.add({"seq": seq})
    assert [batch for _, batch in sent] == [[1]]  # the first goes at once, the rest wait
    await asyncio.wait_for(arrived.wait(), 5)
    assert [batch for _, batch in sent] == [[1], list(range(2, 301))]
    assert sent[1][0] - sent[0][0] >= FLUSH_INTERVAL_S * 0.9
    batcher.add({"seq": 301})
    batcher.flush()  # the exit is next: what waits goes now
    assert sent[-1][1] == [301]


def test_kept_traces_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = KeptTraces(keep=2, keep_for_s=60)
    traces = [RunTrace(f"r{n}", "s") for n in range(3)]
    for trace in traces:
        kept.begin(trace)
    assert kept.get("r0") is traces[0]
    for trace in traces:
        kept.finish(trace)
    assert kept.get("r0") is None
    assert kept.get("r2") is traces[2]
    later = time.monotonic() + 61
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert kept.get("r2") is None


def test_kept_traces_are_bounded_in_bytes_and_kept_as_text() -> None:
    kept = KeptTraces(keep=10, keep_for_s=60, keep_bytes=1500)
    traces = []
    for n in range(3):
        trace = RunTrace(f"r{n}", "s")
        for _ in range(10):
            trace.add(event(content="c" * 50))
        kept.begin(trace)
        kept.finish(trace)
        traces.append(trace)
    assert traces[2].events == []  # frozen: kept as JSON text
    assert len(kept.get("r2").snapshot()["events"]) == 10  # type: ignore[union-attr]
    assert kept.get("r0") is None  # three runs of ~800 bytes do not fit in 1,500


def files(**extra: Any) -> dict[str, Any]:
    return {"files": {"main.py": "print(1)"}, **extra}


@pytest.mark.parametrize(
    ("params", "says"),
    [
        (files(keys=["x"]), "`keys` must be an object"),
        (files(keys={f"K{n}_API_KEY": KEY for n in range(9)}), "at most 8 keys"),
        (files(keys={KEY: "OPENAI_API_KEY"}), "not of the form NAME_API_KEY"),
        (files(keys={"openai_api_key": KEY}), "not of the form NAME_API_KEY"),
        (files(keys={"OPENAI_KEY": KEY}), "not of the form NAME_API_KEY"),
        (files(keys={"OPENAI_API_KEY": 7}), "must be a string"),
        (files(keys={"OPENAI_API_KEY": "short"}), "8 to 512 characters"),
        (files(keys={"OPENAI_API_KEY": KEY * 40}), "8 to 512 characters"),
        (files(keys={"OPENAI_API_KEY": KEY + "\n"}), "printable ASCII"),
        (files(keys={"OPENAI_API_KEY": KEY + "é"}), "printable ASCII"),
        (files(record="yes"), "`record` must be true or false"),
        (files(record=1), "`record` must be true or false"),
    ],
)
def test_bad_keys_and_record_are_refused_without_showing_a_key(
    params: dict[str, Any], says: str
) -> None:
    with pytest.raises(RunParamsError) as error:
        run_params(params)
    assert says in str(error.value)
    assert KEY not in str(error.value)
    assert "sk-" not in str(error.value)


def test_good_keys_are_read_and_not_shown_in_the_params_repr() -> None:
    params = run_params(files(keys={"OPENAI_API_KEY": KEY}, record=True))
    assert params.keys == {"OPENAI_API_KEY": KEY}
    assert params.record is True
    assert KEY not in repr(params)


@pytest.mark.parametrize("raw", [None, [], {}, {"runId": 7}, {"runId": "a", "more": 1}])
def test_bad_trace_get_params(raw: object) -> None:
    with pytest.raises(RunParamsError):
        trace_get_params(raw)


def test_a_requests_env_is_checked_and_never_shown() -> None:
    good = RunRequest({"main.py": ""}, "main.py", env={"OPENAI_API_KEY": KEY})
    assert KEY not in repr(good)
    for env in (
        {"PATH": "/bin"},
        {"PLAYGROUND_DISPLAY_NONCE": "x"},
        {"LD_PRELOAD": "x"},
        {"OPENAI_API_KEY": KEY + "\x00"},
        {"OPENAI_API_KEY": "k" * 513},
    ):
        with pytest.raises(InvalidRequestError) as error:
            RunRequest({"main.py": ""}, "main.py", env=env)
        assert KEY not in str(error.value)
