"""The agent trace, recording and replay, from inside real lionagi programs (docs/trace.md).

Each program is unmodified lionagi run by the runtime environment's interpreter with a
display nonce, as the sandbox runs it; its stdout is split into text and frames by the
sandbox's own frame parser, so what is asserted is what the supervisor would receive.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from lionagi_playground.sandbox.display import BadFrame, FrameSplitter
from lionagi_playground.sandbox.events import Display
from lionagi_playground.server.runs.trace import KINDS
from tests.fake_openai import FakeOpenAI
from tests.runtime.test_runtime_offline_lionagi import MULTIPLY_TOOL, WEATHER_MODEL, program

if TYPE_CHECKING:
    from tests.runtime.conftest import Run, Runner

NONCE = "tr4ce-n0nce"
TRACE = "application/vnd.lionagi-playground.trace+json"
RECORDING = "application/vnd.lionagi-playground.recording+json"
TRACED = {"PLAYGROUND_DISPLAY_NONCE": NONCE}


@dataclass
class Output:
    text: str
    events: list[dict[str, Any]] = field(default_factory=list)
    recordings: list[dict[str, Any]] = field(default_factory=list)
    others: list[Display] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [event["kind"] for event in self.events]

    def of(self, kind: str, **match: Any) -> list[dict[str, Any]]:
        return [
            e
            for e in self.events
            if e["kind"] == kind and all(e.get(k) == v for k, v in match.items())
        ]

    def span(self, span: str) -> dict[str, Any]:
        (start,) = [
            e for e in self.events if e.get("span") == span and e["kind"].endswith("_start")
        ]
        return start


def split(run: Run, nonce: str = NONCE) -> Output:
    """The run's stdout as the supervisor reads it: text, trace events, recordings, others."""
    splitter = FrameSplitter(nonce, max_frame_bytes=1 << 20)
    pieces = [*splitter.feed(run.stdout), splitter.flush()]
    output = Output(text="")
    for piece in pieces:
        if isinstance(piece, bytes):
            output.text += piece.decode("utf-8", "replace")
        elif isinstance(piece, BadFrame):
            raise AssertionError(f"a bad frame: {piece.reason}")
        elif piece.mime == TRACE:
            output.events.append(json.loads(base64.b64decode(piece.data)))
        elif piece.mime == RECORDING:
            output.recordings.append(json.loads(base64.b64decode(piece.data)))
        else:
            output.others.append(piece)
    return output


def traced(run: Run) -> Output:
    """A run that succeeded, its trace checked against the contract's shape."""
    assert run.returncode == 0, run.stderr
    assert run.network_attempts == []
    output = split(run)
    times = [event["timeMs"] for event in output.events]
    assert times == sorted(times)
    opened: dict[str, dict[str, Any]] = {}
    for event in output.events:
        assert event["kind"] in KINDS
        if "content" in event:
            assert len(event["content"]) <= 2_000
            assert event["contentSize"] >= len(event["content"])
        if event.get("parent"):
            assert event["parent"] in opened, f"parent of {event} is no span opened before it"
        if event["kind"].endswith("_start"):
            assert event["span"] not in opened
            opened[event["span"]] = event
        elif event["kind"].endswith("_end"):
            start = opened[event["span"]]
            assert start["kind"].removesuffix("_start") == event["kind"].removesuffix("_end")
            assert event.get("parent") == start.get("parent")
            assert event["status"] in ("ok", "error")
            assert event["durationMs"] >= 0
    return output


def test_communicate_traces_its_messages_and_the_model_call(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Branch

        async def main():
            branch = Branch(system="You are concise.", name="tutor")
            print(await branch.communicate("What is 2 + 2?"))
            print(branch.id)

        asyncio.run(main())
        """,
        env=TRACED,
    )
    output = traced(run)
    answer, branch_id = output.text.splitlines()
    assert answer == "[offline echo] What is 2 + 2?"
    assert output.kinds() == [
        "system",
        "operation_start",
        "model_start",
        "model_end",
        "instruction",
        "assistant",
        "operation_end",
    ]
    branch = {"id": branch_id, "name": "tutor"}
    assert all(event["branch"] == branch for event in output.events)
    system, start, model_start, model_end, instruction, assistant, end = output.events
    assert system["content"] == "You are concise."
    assert start["operation"] == end["operation"] == "communicate"
    assert end["status"] == "ok"
    assert model_start["parent"] == instruction["parent"] == assistant["parent"] == start["span"]
    assert model_end["span"] == model_start["span"]
    assert model_end["answeredBy"] == "offline"
    assert (model_end["model"], model_end["provider"]) == ("gpt-4.1-mini", "openai")
    assert model_end["tokensIn"] > 0
    assert model_end["tokensOut"] > 0
    assert (instruction["content"], instruction["contentSize"]) == ("What is 2 + 2?", 14)
    assert assistant["content"] == answer


def test_operate_with_a_response_format(run_program: Runner) -> None:
    run = run_program(
        program(
            WEATHER_MODEL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            weather = await Branch().operate(
                instruction="Describe the weather in Paris", response_format=Weather
            )
            print(weather.city)

        asyncio.run(main())
        """,
        ),
        env=TRACED,
    )
    output = traced(run)
    assert output.text == "offline city\n"
    (operate,) = output.of("operation_start", operation="operate")
    assert "parent" not in operate
    # communicate is how operate talks to the model: a step, not a span of its own.
    assert output.of("operation_start", operation="communicate") == []
    (parse,) = output.of("operation_start", operation="parse")
    assert parse["parent"] == operate["span"]
    (assistant,) = output.of("assistant")
    assert '"city": "offline city"' in assistant["content"]
    (model_end,) = output.of("model_end")
    assert model_end["parent"] == operate["span"]


def test_tools_with_actions_trace_arguments_and_result(run_program: Runner) -> None:
    run = run_program(
        program(
            MULTIPLY_TOOL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            branch = Branch(tools=[multiply])
            await branch.operate(instruction="What is 6 times 7?", actions=True)

        asyncio.run(main())
        """,
        ),
        env=TRACED,
    )
    output = traced(run)
    assert output.text == "[tool] multiply(6, 7)\n"
    (tool_start,) = output.of("tool_start")
    (tool_end,) = output.of("tool_end")
    assert tool_start["tool"] == tool_end["tool"] == "multiply"
    assert json.loads(tool_start["content"]) == {"a": 6, "b": 7}
    assert (tool_end["status"], tool_end["content"]) == ("ok", "42")
    act = output.span(tool_start["parent"])
    assert act["operation"] == "act"
    assert output.span(act["parent"])["operation"] == "operate"
    (request,) = output.of("action_request")
    (response,) = output.of("action_response")
    assert (request["tool"], json.loads(request["content"])) == ("multiply", {"a": 6, "b": 7})
    assert (response["tool"], response["content"]) == ("multiply", "42")


def test_react_rounds_nest_inside_react(run_program: Runner) -> None:
    run = run_program(
        program(
            MULTIPLY_TOOL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            branch = Branch(tools=[multiply])
            print(await branch.ReAct({"instruction": "What is 6 times 7?"}, max_extensions=2))
            async for round in branch.ReActStream({"instruction": "What is 2 times 3?"}):
                pass

        asyncio.run(main())
        """,
        ),
        env=TRACED,
    )
    output = traced(run)
    assert (
        output.text
        == "[tool] multiply(6, 7)\nmultiply(a=6, b=7) returned 42.\n[tool] multiply(2, 3)\n"
    )
    (react,) = output.of("operation_start", operation="ReAct")
    (stream,) = output.of("operation_start", operation="ReActStream")
    assert "parent" not in react
    assert "parent" not in stream
    rounds = output.of("operation_start", operation="operate", parent=react["span"])
    assert len(rounds) == 3  # the tool call, its result read, the final answer
    assert len(output.of("operation_start", operation="operate", parent=stream["span"])) >= 2
    # Every model call of the ReAct run happens inside one of its rounds.
    react_models = [
        e for e in output.of("model_start") if e["parent"] in {r["span"] for r in rounds}
    ]
    assert len(react_models) == 3
    (tool_start, _) = output.of("tool_start")
    assert output.span(output.span(tool_start["parent"])["parent"]) == rounds[0]
    assert output.of("operation_end", span=react["span"])[0]["status"] == "ok"


def test_run_interpret_and_a_failing_tool(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Branch, iModel

        def boom(x: int) -> int:
            \"\"\"Always fails.\"\"\"
            raise RuntimeError("tool exploded")

        async def main():
            cli = Branch(chat_model=iModel(provider="claude_code"), name="cli")
            async for message in cli.run("Write a haiku"):
                pass
            branch = Branch(tools=[boom])
            await branch.interpret("sum of two numbers")
            await branch.operate(instruction="Call boom with 3", actions=True)
            print("still running")

        asyncio.run(main())
        """,
        env=TRACED,
    )
    output = traced(run)
    assert output.text == "still running\n"
    (run_span,) = output.of("operation_start", operation="run")
    assert run_span["branch"]["name"] == "cli"
    (cli_model,) = output.of("model_end", parent=run_span["span"])
    assert (cli_model["provider"], cli_model["answeredBy"]) == ("claude_code", "offline")
    assert [e["kind"] for e in output.events if e.get("parent") == run_span["span"]] == [
        "instruction",
        "model_start",
        "model_end",
        "assistant",
    ]
    (interpret,) = output.of("operation_start", operation="interpret")
    assert len(output.of("model_end", parent=interpret["span"])) == 1
    (tool_end,) = output.of("tool_end", tool="boom")
    assert tool_end["status"] == "error"
    (error,) = output.of("error")
    assert (error["parent"], error["content"]) == (tool_end["span"], "RuntimeError: tool exploded")
    # lionagi answers a failing tool with its error; the operation itself goes on.
    (operate_end,) = output.of("operation_end", operation="operate")
    assert operate_end["status"] == "ok"


def test_a_sessions_branches_each_carry_their_id_and_name(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Session

        async def main():
            session = Session()
            writer = session.new_branch(name="writer", system="You write.")
            critic = session.new_branch(name="critic", system="You criticise.")
            draft = await writer.communicate("Write one line about lions")
            await critic.communicate(f"Criticise: {draft}")
            print(writer.id)
            print(critic.id)

        asyncio.run(main())
        """,
        env=TRACED,
    )
    output = traced(run)
    writer_id, critic_id = output.text.splitlines()
    writer = {"id": writer_id, "name": "writer"}
    critic = {"id": critic_id, "name": "critic"}
    assert [e["branch"] for e in output.of("system")] == [writer, critic]
    assert [e["branch"] for e in output.of("model_end")] == [writer, critic]
    assert [e["branch"] for e in output.of("instruction")] == [writer, critic]
    (instruction,) = output.of("instruction", branch=critic)
    assert instruction["content"] == "Criticise: [offline echo] Write one line about lions"


def test_a_builder_graph_is_a_flow_span_with_its_operations_inside(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Builder, Session

        async def main():
            session = Session()
            builder = Builder("fruit")
            first = builder.add_operation("communicate", instruction="List three fruits")
            builder.add_operation("communicate", depends_on=[first], instruction="Pick one")
            result = await session.flow(builder.get_graph())
            print(len(result["completed_operations"]))

        asyncio.run(main())
        """,
        env=TRACED,
    )
    output = traced(run)
    assert output.text == "2\n"
    (flow,) = output.of("operation_start", operation="flow")
    steps = output.of("operation_start", operation="communicate")
    assert [s["parent"] for s in steps] == [flow["span"], flow["span"]]
    assert [e["content"] for e in output.of("instruction")] == ["List three fruits", "Pick one"]
    for step in steps:
        (model,) = output.of("model_end", parent=step["span"])
        assert model["branch"] == step["branch"]
        assert step["branch"]["id"]
    assert output.events[-1]["kind"] == "operation_end"
    assert output.events[-1]["span"] == flow["span"]


def test_long_content_is_cut_with_its_full_size(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Branch

        asyncio.run(Branch().communicate("é" * 5000))
        """,
        env=TRACED,
    )
    output = traced(run)
    (instruction,) = output.of("instruction")
    assert instruction["content"] == "é" * 2_000
    assert instruction["contentSize"] == 5_000
    (assistant,) = output.of("assistant")
    assert len(assistant["content"]) == 2_000
    assert assistant["contentSize"] == len("[offline echo] ") + 5_000


def test_the_trace_stops_at_5000_events_with_one_truncated(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import iModel

        async def main():
            model = iModel(provider="openai")
            for n in range(2600):
                await model.invoke(messages=[{"role": "user", "content": f"call {n}"}])
            print("done")

        asyncio.run(main())
        """,
        env=TRACED,
    )
    output = traced(run)
    assert output.text == "done\n"
    assert len(output.events) == 5_001
    assert output.kinds().count("truncated") == 1
    assert output.events[-1]["kind"] == "truncated"
    assert set(output.kinds()[:-1]) == {"model_start", "model_end"}


def test_text_that_looks_like_a_frame_is_no_trace_event(run_program: Runner) -> None:
    """A frame needs this run's nonce: a forged one, or the text of one, stays output."""
    event = json.dumps({"timeMs": 1, "kind": "system", "content": "forged"})
    run = run_program(
        f"""
        import base64, json
        from lionagi import Branch

        def frame(nonce):
            data = base64.b64encode({event!r}.encode()).decode()
            body = json.dumps({{"mime": {TRACE!r}, "data": data}})
            return "\\x1b]5379;" + nonce + ";" + base64.b64encode(body.encode()).decode() + "\\x07"

        print(frame("not-the-nonce"))
        print({event!r})
        print(frame("{NONCE}").replace("\\x1b", "ESC"))
        Branch(system="the real one")
        """,
        env=TRACED,
    )
    output = traced(run)
    assert [e["content"] for e in output.events] == ["the real one"]
    assert output.others == []
    lines = output.text.splitlines()
    assert lines[0].startswith("\x1b]5379;not-the-nonce;")
    assert lines[1] == event
    assert lines[2].startswith(f"ESC]5379;{NONCE};")


def test_a_failing_trace_never_breaks_the_program(run_program: Runner) -> None:
    run = run_program(
        program(
            """
        import asyncio
        from lionagi import Branch

        class Unprintable:
            def __str__(self):
                raise RuntimeError("no str")
            __repr__ = __str__

        def odd() -> str:
            \"\"\"Return something no trace can show.\"\"\"
            return Unprintable()
        """,
            """
        async def main():
            branch = Branch(tools=[odd])
            result = await branch.operate(instruction="Call odd", actions=True)
            print(type(result.action_responses[0].output).__name__)
            import playground_runtime.display as display

            def broken(mime, data):
                raise OSError("the display channel broke")

            display.emit = broken
            # A new branch: lionagi itself cannot render the odd result into a conversation.
            print(await Branch().communicate("Still answering?"))

        asyncio.run(main())
        """,
        ),
        env=TRACED,
    )
    output = traced(run)
    assert output.text == "Unprintable\n[offline echo] Still answering?\n"
    assert run.stderr == ""
    # What could be shown was: the tool's start, and nothing after the channel broke.
    assert output.of("tool_start", tool="odd")
    assert output.of("instruction", content="Still answering?") == []


def test_an_error_is_traced_where_it_leaves_a_span(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Branch, iModel

        async def main():
            branch = Branch(chat_model=iModel(provider="anthropic"), name="no-model")
            try:
                await branch.communicate("Say hello")
            except Exception as error:
                print("caught", type(error).__name__)

        asyncio.run(main())
        """,
        env=TRACED,
    )
    output = traced(run)
    assert output.text == "caught ValueError\n"
    (error,) = output.of("error")
    assert error["content"].startswith("ValueError: Failed to invoke API call: Invalid payload")
    (model_end,) = output.of("model_end")
    assert error["parent"] == model_end["span"]
    assert model_end["status"] == "error"
    assert "answeredBy" not in model_end
    (end,) = output.of("operation_end")
    assert end["status"] == "error"


def test_without_a_nonce_nothing_is_traced(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio, sys
        from lionagi import Branch

        print(asyncio.run(Branch().communicate("hi")))
        print("playground_runtime.trace" in sys.modules)
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.text == "[offline echo] hi\nFalse\n"


def test_boot_hooks_name_every_trace_patch(run_program: Runner) -> None:
    run = run_program(
        """
        from playground_runtime import boot, trace
        print(sorted(boot.TRACE_HOOKS) == sorted(trace.PATCHES))
        """
    )
    assert run.text == "True\n", run.stderr


# ---------------------------------------------------------------------------------------
# Replay


def recording(*calls: dict[str, Any]) -> str:
    return json.dumps(
        {
            "format": "lionagi-playground-recording",
            "version": 1,
            "entry": "program.py",
            "createdAt": "2026-12-07T10:00:00Z",
            "calls": list(calls),
        },
        indent=2,
    )


def chat_call(prompt: str, answer: str, *, model: str = "gpt-4.1-mini") -> dict[str, Any]:
    return {
        "provider": "openai",
        "endpoint": "chat/completions",
        "model": model,
        "stream": False,
        "request": {"model": model, "messages": [{"role": "user", "content": prompt}]},
        "response": {
            "id": "chatcmpl-recorded",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10},
        },
    }


THREE_QUESTIONS = """
    import asyncio
    from lionagi import Branch

    async def main():
        branch = Branch()
        print(await branch.chat("First question"))
        print(await branch.chat("Second question"))
        print(await branch.chat("Third question"))

    asyncio.run(main())
"""


def test_a_recording_answers_the_calls_in_order(run_program: Runner) -> None:
    run = run_program(
        THREE_QUESTIONS,
        env=TRACED,
        files={
            "program.recording.json": recording(
                chat_call("Instruction: First question", "Recorded one."),
                chat_call("Instruction: Second question", "Recorded two."),
                chat_call("Instruction: Third question", "Recorded three."),
            )
        },
    )
    output = traced(run)
    assert output.text == "Recorded one.\nRecorded two.\nRecorded three.\n"
    assert run.stderr == ""
    ends = output.of("model_end")
    assert [e["answeredBy"] for e in ends] == ["recording"] * 3
    assert [(e["tokensIn"], e["tokensOut"]) for e in ends] == [(7, 3)] * 3
    assert output.of("error") == []


def test_a_mismatch_falls_back_to_the_offline_model_from_there_on(run_program: Runner) -> None:
    run = run_program(
        THREE_QUESTIONS,
        env=TRACED,
        files={
            "program.recording.json": recording(
                chat_call("Instruction: First question", "Recorded one."),
                chat_call("Instruction: A different question", "Recorded two."),
                chat_call("Instruction: Third question", "Recorded three."),
            )
        },
    )
    output = traced(run)
    assert output.text == (
        "Recorded one.\n[offline echo] Second question\n[offline echo] Third question\n"
    )
    assert run.stderr == (
        "[playground] program.recording.json: model call 2 does not match the recording: "
        "messages item 1 is 'user: Instruction: Second question', recorded "
        "'user: Instruction: A different question'; the offline model answers it and "
        "every later call\n"
    )
    assert [e["answeredBy"] for e in output.of("model_end")] == ["recording", "offline", "offline"]
    (error,) = output.of("error")
    assert "model call 2 does not match the recording" in error["content"]
    second = output.of("model_start")[1]
    assert error["parent"] == second["span"]


def test_past_the_end_of_the_recording_the_offline_model_answers(run_program: Runner) -> None:
    run = run_program(
        THREE_QUESTIONS,
        env=TRACED,
        files={
            "program.recording.json": recording(
                chat_call("Instruction: First question", "Recorded one.")
            )
        },
    )
    output = traced(run)
    assert output.text.splitlines()[1:] == [
        "[offline echo] Second question",
        "[offline echo] Third question",
    ]
    assert "model call 2 is past the end of the recording (1 recorded call)" in run.stderr
    assert len(run.stderr.splitlines()) == 1


def test_a_recorded_stream_is_replayed_chunk_by_chunk(run_program: Runner) -> None:
    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "gpt-4.1-mini"}
    streamed = {
        "provider": "openai",
        "endpoint": "chat/completions",
        "model": "gpt-4.1-mini",
        "stream": True,
        "request": {
            "model": "gpt-4.1-mini",
            "messages": [{"role": "user", "content": "stream me"}],
            "stream": True,
        },
        "chunks": [
            {**chunk, "choices": [{"index": 0, "delta": {"content": word}}]}
            for word in ("Recorded", " stream")
        ]
        + ["[DONE]"],
    }
    run = run_program(
        """
        import asyncio
        from lionagi import iModel

        async def main():
            pieces = []
            messages = [{"role": "user", "content": "stream me"}]
            async for chunk in iModel(provider="openai").stream(messages=messages):
                if getattr(chunk, "type", None) == "text":
                    pieces.append(chunk.content)
            print(pieces)

        asyncio.run(main())
        """,
        env=TRACED,
        files={"program.recording.json": recording(streamed)},
    )
    output = traced(run)
    assert output.text == "['Recorded', ' stream']\n"
    (model_end,) = output.of("model_end")
    assert model_end["answeredBy"] == "recording"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "program.recording.json: not valid JSON"),
        ('{"calls": []}', 'program.recording.json: not a recording (expected "format"'),
        (recording({"request": {}}), "program.recording.json: call 1 needs a `response`"),
    ],
)
def test_a_bad_recording_is_reported_by_name(run_program: Runner, text: str, message: str) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Branch

        asyncio.run(Branch().communicate("hi"))
        """,
        files={"program.recording.json": text},
    )
    assert run.returncode == 1
    assert message in run.stderr


# ---------------------------------------------------------------------------------------
# Recording, against a stand-in for the OpenAI API on this machine


ANSWER = "Fake answer from the network."


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """Chat completions on 127.0.0.1: the branch's and the bare call's answer, then a stream."""
    with FakeOpenAI([ANSWER, ANSWER, "Fake stream"]) as server:
        yield server


KEY = "sk-test-0123456789abcdef"
ONLINE = """
    import asyncio
    from lionagi import Branch, iModel

    async def main():
        model = iModel(
            provider="openai", base_url={url!r}, api_key={key!r}, model="gpt-4.1-mini",
            allow_local_network=True, requires_tokens=False,
        )
        branch = Branch(chat_model=model)
        print(await branch.communicate("Hello, network"))
        call = await model.invoke(
            messages=[{{"role": "user", "content": "with metadata"}}],
            metadata={{"api_key": {key!r}, "note": "kept"}},
        )
        pieces = []
        async for chunk in model.stream(messages=[{{"role": "user", "content": "stream me"}}]):
            if getattr(chunk, "type", None) == "text":
                pieces.append(chunk.content)
        print(pieces)

    asyncio.run(main())
"""


def test_record_mode_writes_each_call_without_the_key(
    run_program: Runner, fake_openai: FakeOpenAI
) -> None:
    run = run_program(
        ONLINE.format(url=fake_openai.base_url, key=KEY),
        env={**TRACED, "PLAYGROUND_LIONAGI_RECORD": "1", "LOG_AUTO_SAVE_ON_EXIT": "false"},
        offline=False,
        isolated=False,
    )
    assert run.returncode == 0, run.stderr
    output = split(run)
    assert output.text == f"{ANSWER}\n['Fake', ' stream']\n"
    # The key went to the server, as the provider needs it, and nowhere into the frames.
    assert fake_openai.authorizations() == [f"Bearer {KEY}"] * 3
    assert KEY not in run.stdout.decode()
    first, second, third = output.recordings
    assert first == {
        "provider": "openai",
        "endpoint": "chat/completions",
        "model": "gpt-4.1-mini",
        "stream": False,
        "request": fake_openai.received[0].body,
        "response": first["response"],
    }
    assert first["response"]["choices"][0]["message"]["content"] == ANSWER
    assert second["request"]["metadata"] == {"note": "kept"}
    assert third["stream"] is True
    assert "response" not in third
    assert third["chunks"][-1] == "[DONE]"
    assert [c["choices"][0]["delta"]["content"] for c in third["chunks"][:-1]] == [
        "Fake",
        " stream",
    ]
    ends = output.of("model_end")
    assert [e["answeredBy"] for e in ends] == ["network"] * 3
    assert (ends[0]["tokensIn"], ends[0]["tokensOut"]) == (17, 6)


def test_a_recorded_run_replays_offline_with_no_network(
    run_program: Runner, fake_openai: FakeOpenAI
) -> None:
    source = ONLINE.format(url=fake_openai.base_url, key=KEY)
    online = run_program(
        source,
        env={**TRACED, "PLAYGROUND_LIONAGI_RECORD": "1", "LOG_AUTO_SAVE_ON_EXIT": "false"},
        offline=False,
        isolated=False,
    )
    assert online.returncode == 0, online.stderr
    calls = split(online).recordings
    replay = run_program(source, env=TRACED, files={"program.recording.json": recording(*calls)})
    output = traced(replay)
    assert output.text == split(online).text
    assert replay.stderr == ""
    assert [e["answeredBy"] for e in output.of("model_end")] == ["recording"] * 3
    assert len(fake_openai.received) == 3, "the replay reached the server"
