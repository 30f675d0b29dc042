"""Unmodified lionagi programs run offline: exact output, no network attempt, nothing left behind.

Each program is what a learner writes (no playground import, no mock); the runtime
environment's boot arms the offline model because the run sets
`PLAYGROUND_LIONAGI_OFFLINE=1`. Each runs in a network namespace with no usable interface,
and an audit hook reports any resolution or connection attempt, so passing means the
program needed no network at all, not merely that a failure was swallowed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    # Fixtures come from conftest.py; only their types are imported, for the checker.
    from tests.runtime.conftest import Run, Runner, Snapshot

WEATHER_MODEL = """
    from pydantic import BaseModel

    class Weather(BaseModel):
        city: str
        temperature_c: float
        sunny: bool
        tags: list[str]
"""

MULTIPLY_TOOL = """
    def multiply(a: int, b: int) -> int:
        \"\"\"Multiply two integers.\"\"\"
        print(f"[tool] multiply({a}, {b})")
        return a * b
"""


def program(*parts: str) -> str:
    """A program from pieces of source, each indented as it likes."""
    return "\n".join(textwrap.dedent(part) for part in parts)


def assert_clean(run: Run, stdout: str) -> None:
    """The program printed exactly `stdout`, reached for no network and left nothing behind."""
    assert run.returncode == 0, run.stderr
    assert run.text == stdout
    assert run.network_attempts == []
    assert run.cwd_files == [], "lionagi wrote into the workspace (exit-time logs?)"
    assert run.home_files == []
    assert run.tmp_files == []


def test_communicate_records_history(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Branch

        async def main():
            branch = Branch(system="You are a concise assistant.")
            print(await branch.communicate("What is the capital of France?"))
            print(len(branch.messages))

        asyncio.run(main())
        """
    )
    assert_clean(run, "[offline echo] What is the capital of France?\n3\n")


def test_chat_does_not_record_history(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Branch

        async def main():
            branch = Branch()
            print(await branch.chat("Hello, who are you?"))
            print(len(branch.messages))

        asyncio.run(main())
        """
    )
    assert_clean(run, "[offline echo] Hello, who are you?\n0\n")


def test_operate_returns_the_response_format_filled(run_program: Runner) -> None:
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
            print(isinstance(weather, Weather), weather.model_dump())

        asyncio.run(main())
        """,
        )
    )
    assert_clean(
        run,
        "True {'city': 'offline city', 'temperature_c': 1.0, 'sunny': False, "
        "'tags': ['offline tags']}\n",
    )


def test_tools_with_actions_really_run(run_program: Runner) -> None:
    run = run_program(
        program(
            MULTIPLY_TOOL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            branch = Branch(tools=[multiply])
            result = await branch.operate(instruction="What is 6 times 7?", actions=True)
            for response in result.action_responses:
                print(response.function, response.arguments, response.output)

        asyncio.run(main())
        """,
        )
    )
    assert_clean(run, "[tool] multiply(6, 7)\nmultiply {'a': 6, 'b': 7} 42\n")


def test_tools_without_actions_never_run(run_program: Runner) -> None:
    """As with a real model: tools offered without actions=True are only described."""
    run = run_program(
        program(
            MULTIPLY_TOOL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            print(await Branch(tools=[multiply]).operate(instruction="What is 6 times 7?"))

        asyncio.run(main())
        """,
        )
    )
    assert_clean(run, "[offline echo] What is 6 times 7?\n")


def test_react_calls_the_tool_and_answers_with_its_result(run_program: Runner) -> None:
    run = run_program(
        program(
            MULTIPLY_TOOL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            branch = Branch(tools=[multiply])
            print(await branch.ReAct({"instruction": "What is 6 times 7?"}, max_extensions=2))

        asyncio.run(main())
        """,
        )
    )
    assert_clean(run, "[tool] multiply(6, 7)\nmultiply(a=6, b=7) returned 42.\n")


def test_react_stream_yields_each_round(run_program: Runner) -> None:
    run = run_program(
        program(
            MULTIPLY_TOOL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            branch = Branch(tools=[multiply])
            instruct = {"instruction": "What is 3 times 5?"}
            async for round in branch.ReActStream(instruct, max_extensions=2):
                print(type(round).__name__.removesuffix("Response").removesuffix("Response"))
                print("  ", getattr(round, "analysis", None) or round.answer)

        asyncio.run(main())
        """,
        )
    )
    assert_clean(
        run,
        "[tool] multiply(3, 5)\n"
        "ReActAnalysis\n   Calling multiply(a=3, b=5).\n"
        "ReActAnalysis\n   multiply(a=3, b=5) returned 15.\n"
        "Analysis\n   multiply(a=3, b=5) returned 15.\n",
    )


def test_session_flow_of_a_builder_graph(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Builder, Session

        async def main():
            session = Session()
            builder = Builder("fruit")
            first = builder.add_operation("communicate", instruction="List three fruits")
            second = builder.add_operation(
                "communicate", depends_on=[first], instruction="Pick the sweetest one"
            )
            result = await session.flow(builder.get_graph())
            print(result["operation_results"][first])
            print(result["operation_results"][second])
            print(len(result["completed_operations"]), len(result["failed_operations"]))

        asyncio.run(main())
        """
    )
    assert_clean(
        run,
        "[offline echo] List three fruits\n[offline echo] Pick the sweetest one\n2 0\n",
    )


@pytest.mark.parametrize(
    ("chat_model", "shape"),
    [
        ('iModel(provider="openai", model="gpt-4o")', "chatcmpl-offline-1"),
        ('iModel(provider="openai")', "chatcmpl-offline-1"),
        ('iModel(provider="anthropic", model="claude-sonnet-4-5")', "msg_offline_1"),
        ('iModel(model="anthropic/claude-haiku-4-5")', "msg_offline_1"),
        ('"openai/gpt-4.1-nano"', "chatcmpl-offline-1"),
    ],
)
def test_named_providers_reach_the_offline_model(
    run_program: Runner, chat_model: str, shape: str
) -> None:
    """Each answer comes back in its provider's own wire format (the id shows which)."""
    run = run_program(
        f"""
        import asyncio
        from lionagi import Branch, iModel

        async def main():
            branch = Branch(chat_model={chat_model})
            print(await branch.communicate("Say hello"))
            print(branch.messages[-1].metadata["model_response"]["id"])

        asyncio.run(main())
        """
    )
    assert_clean(run, f"[offline echo] Say hello\n{shape}\n")


def test_anthropic_without_a_model_fails_as_it_would_online(run_program: Runner) -> None:
    """lionagi refuses the payload before any request: offline mode does not hide that."""
    run = run_program(
        """
        import asyncio
        from lionagi import Branch, iModel

        async def main():
            await Branch(chat_model=iModel(provider="anthropic")).communicate("Say hello")

        asyncio.run(main())
        """
    )
    assert run.returncode == 1
    assert "ValueError: Failed to invoke API call: Invalid payload" in run.stderr
    assert run.network_attempts == []


@pytest.mark.parametrize("provider", ["claude_code", "codex"])
def test_run_streams_from_a_cli_provider(run_program: Runner, provider: str) -> None:
    """`branch.run` needs a CLI provider; offline, the CLI is the offline model."""
    run = run_program(
        f"""
        import asyncio
        from lionagi import Branch, iModel

        async def main():
            branch = Branch(chat_model=iModel(provider="{provider}"))
            async for message in branch.run("Write a haiku about lions"):
                print(type(message).__name__, message.rendered)
            print(await branch.communicate("And one about tigers"))

        asyncio.run(main())
        """
    )
    assert_clean(
        run,
        "Instruction Instruction: Write a haiku about lions\n"
        "AssistantResponse [offline echo] Write a haiku about lions\n"
        "[offline echo] And one about tigers\n",
    )


def test_the_responses_api_answers_input_and_refuses_messages(run_program: Runner) -> None:
    """`input=` is what the Responses API reads; lionagi's chat sends `messages`, which the
    real API refuses, and so does the offline model."""
    run = run_program(
        """
        import asyncio
        from lionagi import Branch, iModel

        async def main():
            model = iModel(provider="openai", endpoint="response", model="gpt-4.1")
            call = await model.invoke(input="Hi there")
            print(call.response["output"][0]["content"][0]["text"])
            try:
                await Branch(chat_model=model).communicate("Hi there")
            except Exception as error:
                print("refused:", type(error).__name__, "carries no user message" in str(error))

        asyncio.run(main())
        """
    )
    assert_clean(run, "[offline echo] Hi there\nrefused: ExecutionError True\n")


def test_model_streams_in_the_providers_event_format(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import iModel

        async def main():
            openai = iModel(provider="openai")
            anthropic = iModel(provider="anthropic", model="claude-sonnet-4-5")
            messages = [{"role": "user", "content": "stream me"}]
            for model in (openai, anthropic):
                pieces = []
                async for chunk in model.stream(messages=messages):
                    if getattr(chunk, "type", None) == "text":
                        pieces.append(chunk.content)
                print(pieces)

        asyncio.run(main())
        """
    )
    expected = "['[offline', ' echo]', ' stream', ' me']\n"
    assert_clean(run, expected * 2)


def test_script_rules_then_replies_then_schema(run_program: Runner) -> None:
    run = run_program(
        program(
            WEATHER_MODEL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            branch = Branch()
            print(await branch.communicate("What is the capital of FRANCE?"))
            weather = await branch.operate(
                instruction="The weather in Rome?", response_format=Weather
            )
            print(weather.model_dump())
            print(await branch.communicate("Anything else?"))
            print(await branch.communicate("And now?"))
            print(await branch.communicate("And after that?"))

        asyncio.run(main())
        """,
        ),
        files={
            "offline_model.yaml": """
                rules:
                  - prompt_contains: capital of france
                    reply: Paris.
                  - prompt_regex: "weather in \\\\w+"
                    reply: {city: Rome, temperature_c: 24.5, sunny: true, tags: [warm, dry]}
                replies:
                  - First scripted reply.
                  - Second scripted reply.
            """
        },
    )
    assert_clean(
        run,
        "Paris.\n"
        "{'city': 'Rome', 'temperature_c': 24.5, 'sunny': True, 'tags': ['warm', 'dry']}\n"
        "First scripted reply.\n"
        "Second scripted reply.\n"
        "[offline echo] And after that?\n",
    )


def test_a_bad_script_is_reported_by_name(run_program: Runner) -> None:
    run = run_program(
        """
        import asyncio
        from lionagi import Branch

        asyncio.run(Branch().communicate("hi"))
        """,
        files={"offline_model.json": '{"rules": [{"reply": "no condition"}]}'},
    )
    assert run.returncode == 1
    assert "offline_model.json: rule 1 needs `prompt_contains` or `prompt_regex`" in run.stderr
    assert run.network_attempts == []


def test_exit_logs_stay_off_even_when_the_workspace_asks(run_program: Runner) -> None:
    """A workspace .env cannot turn lionagi's exit-time log files back on in offline mode."""
    run = run_program(
        """
        import asyncio
        from lionagi import Branch

        asyncio.run(Branch().communicate("log me"))
        print("done")
        """,
        files={".env": "LOG_AUTO_SAVE_ON_EXIT=true\n"},
    )
    assert_clean(run, "done\n")


def test_nothing_is_written_into_the_runtime_environment(
    run_program: Runner, runtime_snapshot: Callable[[], Snapshot]
) -> None:
    before = runtime_snapshot()
    run = run_program(
        program(
            MULTIPLY_TOOL,
            """
        import asyncio
        from lionagi import Branch
        async def main():
            branch = Branch(tools=[multiply])
            await branch.ReAct({"instruction": "What is 2 times 21?"}, max_extensions=1)

        asyncio.run(main())
        """,
        )
    )
    assert_clean(run, "[tool] multiply(2, 21)\n")
    assert runtime_snapshot() == before


def test_without_offline_mode_the_same_program_reaches_for_the_network(
    run_program: Runner,
) -> None:
    """The control: with PLAYGROUND_LIONAGI_OFFLINE=0 nothing is patched, so the network
    namespace and the audit hook are what stop the call; the offline tests above pass
    only because the offline model answered."""
    run = run_program(
        """
        import asyncio
        from lionagi import Branch

        asyncio.run(Branch().communicate("What is the capital of France?"))
        """,
        offline=False,
        env={"OPENAI_API_KEY": "sk-not-a-real-key"},
    )
    assert run.returncode == 1
    assert run.network_attempts, run.stderr
