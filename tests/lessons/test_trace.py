"""Every lionagi lesson's agent trace (docs/trace.md), from its solution's real run in the
sandbox on the offline model: the kinds in order, spans that nest, the tool call with its
arguments and result, ReAct's rounds, a Session's branches, a graph's concurrent steps.

The events are read as the server reads them (`parse_event`, which drops anything off the
schema), so what is asserted here is what a client's Trace panel gets.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from lionagi_playground.sandbox import Backend
from lionagi_playground.sandbox.events import Trace
from lionagi_playground.server.lessons import Lesson, load_catalog
from lionagi_playground.server.runs.trace import parse_event
from tests.lessons.test_solutions import run_for_check
from tests.sandbox.harness import Result

LESSONS = {lesson.id: lesson for lesson in load_catalog().lessons}
LIONAGI_LESSONS = sorted(name for name in LESSONS if name.startswith("lionagi-"))

Event = dict[str, Any]


async def traced(backend: Backend, lesson: Lesson) -> tuple[Result, list[Event]]:
    result = await run_for_check(backend, lesson, lesson.solution)
    assert result.exit.status == "ok", result.text("stderr")[-800:]
    events = [parse_event(event.data) for event in result.events if isinstance(event, Trace)]
    assert all(event is not None for event in events), "an event off the schema"
    return result, [event for event in events if event is not None]


def kinds(events: list[Event]) -> list[str]:
    return [event["kind"] for event in events]


def spans(events: list[Event], kind: str, **match: object) -> list[Event]:
    """The `<kind>_start` events whose fields hold `match`."""
    return [
        event
        for event in events
        if event["kind"] == f"{kind}_start" and all(event.get(k) == v for k, v in match.items())
    ]


def end_of(events: list[Event], start: Event) -> Event:
    kind = start["kind"].removesuffix("_start") + "_end"
    (end,) = [event for event in events if event["kind"] == kind and event["span"] == start["span"]]
    return end


def inside(events: list[Event], span: Event) -> list[Event]:
    """The events whose parent is `span`."""
    return [event for event in events if event.get("parent") == span["span"]]


def test_every_lionagi_lesson_is_checked_here() -> None:
    assert set(LIONAGI_LESSONS) == set(EXPECTED), "a lionagi lesson without a trace test"


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", LIONAGI_LESSONS)
async def test_the_trace_of_a_lessons_run_has_its_shape(sandbox: Backend, name: str) -> None:
    result, events = await traced(sandbox, LESSONS[name])
    assert events, "no trace at all"
    assert "truncated" not in kinds(events)
    # Every span opened is closed once, after it opened, with a duration; parents exist.
    opened = {event["span"]: event for event in events if event["kind"].endswith("_start")}
    closed = [event for event in events if event["kind"].endswith("_end")]
    assert sorted(event["span"] for event in closed) == sorted(opened)
    for end in closed:
        assert end["timeMs"] >= opened[end["span"]]["timeMs"]
        assert end["status"] == "ok"
        assert end["durationMs"] >= 0
    assert all(event.get("parent") in (None, *opened) for event in events)
    times = [event["timeMs"] for event in events]
    assert times == sorted(times)
    # Every model call is answered by the offline model, with its tokens counted.
    for model in spans(events, "model"):
        end = end_of(events, model)
        assert (end["answeredBy"], end["provider"]) == ("offline", "openai")
        assert end["tokensIn"] > 0
        assert end["tokensOut"] > 0
    EXPECTED[name](result, events)


def first_chat(result: Result, events: list[Event]) -> None:
    assert kinds(events) == [
        "system",
        "operation_start",
        "model_start",
        "model_end",
        "instruction",
        "assistant",
        "operation_end",
    ]
    (chat,) = spans(events, "operation", operation="communicate")
    assert [event["kind"] for event in inside(events, chat)] == [
        "model_start",
        "model_end",
        "instruction",
        "assistant",
    ]
    assistant = next(event for event in events if event["kind"] == "assistant")
    assert assistant["content"] in result.text()


def memory(result: Result, events: list[Event]) -> None:
    first, second = spans(events, "operation", operation="communicate")
    assert first["branch"] == second["branch"]
    model_ends = [event for event in events if event["kind"] == "model_end"]
    assert [end["parent"] for end in model_ends] == [first["span"], second["span"]]
    # The second call carries the first turn with it: that is the memory.
    assert model_ends[1]["tokensIn"] > model_ends[0]["tokensIn"] + 10


def structured_output(result: Result, events: list[Event]) -> None:
    (operate,) = spans(events, "operation", operation="operate")
    assert [event["operation"] for event in spans(events, "operation")] == ["operate", "parse"]
    (parse,) = spans(events, "operation", operation="parse")
    assert parse["parent"] == operate["span"]
    (assistant,) = [event for event in events if event["kind"] == "assistant"]
    reply = json.loads(assistant["content"].strip().removeprefix("```json").removesuffix("```"))
    assert {"name", "minutes", "ingredients"} <= set(reply)


def tools(result: Result, events: list[Event]) -> None:
    (operate,) = spans(events, "operation", operation="operate")
    (act,) = spans(events, "operation", operation="act")
    assert act["parent"] == operate["span"]
    (call,) = spans(events, "tool")
    assert (call["tool"], call["parent"], json.loads(call["content"])) == (
        "multiply",
        act["span"],
        {"a": 6, "b": 7},
    )
    assert end_of(events, call)["content"] == "42"
    request, response = [event for event in events if event["kind"].startswith("action_")]
    assert (request["kind"], request["tool"]) == ("action_request", "multiply")
    assert (response["kind"], response["content"]) == ("action_response", "42")


def react(result: Result, events: list[Event]) -> None:
    (loop,) = spans(events, "operation", operation="ReAct")
    rounds = [event for event in inside(events, loop) if event["kind"] == "operation_start"]
    assert [event["operation"] for event in rounds] == ["operate"] * len(rounds)
    assert len(rounds) >= 2, "ReAct: at least a round that acts and one that answers"
    # The first round calls the tool; the last answers with its result.
    (call,) = spans(events, "tool")
    (act,) = [
        event
        for event in spans(events, "operation", operation="act")
        if event["parent"] == rounds[0]["span"]
    ]
    assert (call["tool"], call["parent"]) == ("population", act["span"])
    assert not [event for event in events if event["kind"] == "tool_start"][1:]
    answer = [event for event in inside(events, rounds[-1]) if event["kind"] == "assistant"]
    assert end_of(events, call)["content"] in answer[0]["content"]


def streaming(result: Result, events: list[Event]) -> None:
    assert kinds(events) == ["model_start", "model_end"]
    (end,) = [event for event in events if event["kind"] == "model_end"]
    assert f"story: {end['content']}\n" in result.text()


def writer_critic(result: Result, events: list[Event]) -> None:
    talks = spans(events, "operation", operation="communicate")
    assert [talk["branch"]["name"] for talk in talks] == ["writer", "critic", "writer"]
    writer, critic = talks[0]["branch"], talks[1]["branch"]
    assert writer["id"] != critic["id"]
    assert talks[2]["branch"] == writer
    # Each branch's messages carry that branch: the two conversations stay apart.
    systems = {
        event["branch"]["name"]: event["content"] for event in events if event["kind"] == "system"
    }
    assert set(systems) == {"writer", "critic"}
    for talk in talks:
        assert all(event["branch"] == talk["branch"] for event in inside(events, talk))


def builder_flow(result: Result, events: list[Event]) -> None:
    (flow,) = spans(events, "operation", operation="flow")
    steps = spans(events, "operation", operation="communicate")
    assert len(steps) == 4
    assert all(step["parent"] == flow["span"] for step in steps)
    # The two steps that depend only on the first run at once: each starts before the
    # other ends.
    _, left, right, _ = steps
    assert right["timeMs"] < end_of(events, left)["timeMs"]
    assert left["timeMs"] < end_of(events, right)["timeMs"]
    assert end_of(events, steps[0])["timeMs"] <= left["timeMs"]
    assert end_of(events, right)["timeMs"] <= steps[3]["timeMs"]


EXPECTED = {
    "lionagi-first-chat": first_chat,
    "lionagi-memory": memory,
    "lionagi-structured-output": structured_output,
    "lionagi-tools": tools,
    "lionagi-react": react,
    "lionagi-streaming": streaming,
    "lionagi-writer-critic": writer_critic,
    "lionagi-builder-flow": builder_flow,
}
