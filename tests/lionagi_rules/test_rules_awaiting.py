"""LION401-403: coroutines not awaited, async generators awaited, nested `asyncio.run`."""

from __future__ import annotations

import ast

import pytest

from lionagi_playground.server.analysis import lionagi_rules
from lionagi_playground.server.analysis.edits import apply_edits
from lionagi_playground.server.analysis.findings import Finding, Severity
from lionagi_playground.server.analysis.source import Source
from tests.lionagi_env import KNOWLEDGE

HEAD = "import asyncio\nfrom lionagi import Branch, alcall\n\n"


def lint(body: str, code: str) -> list[Finding]:
    findings = lionagi_rules.check(Source(HEAD + body), KNOWLEDGE)
    return [f for f in findings if f.code == code]


def fixed(body: str, finding: Finding) -> str:
    new = apply_edits(HEAD + body, finding.fixes[0].edits)
    ast.parse(new)
    return new[len(HEAD) :]


@pytest.mark.parametrize(
    ("body", "after"),
    [
        (
            "async def main():\n    b = Branch()\n    b.communicate('hi')\n",
            "async def main():\n    b = Branch()\n    await b.communicate('hi')\n",
        ),
        (
            "async def main():\n    b = Branch()\n    reply = b.chat('hi')\n    print(reply)\n",
            (
                "async def main():\n"
                "    b = Branch()\n"
                "    reply = await b.chat('hi')\n"
                "    print(reply)\n"
            ),
        ),
        (
            "async def main():\n    b = Branch()\n    print(b.communicate('hi'))\n",
            "async def main():\n    b = Branch()\n    print(await b.communicate('hi'))\n",
        ),
        (
            "async def main():\n    b = Branch()\n    n = b.operate(instruction='x').total\n",
            (
                "async def main():\n"
                "    b = Branch()\n"
                "    n = (await b.operate(instruction='x')).total\n"
            ),
        ),
        (
            "async def main():\n    r = alcall([1], str)\n",
            "async def main():\n    r = await alcall([1], str)\n",
        ),
    ],
)
def test_coroutine_without_await_in_async_def(body: str, after: str) -> None:
    (finding,) = lint(body, "LION401")
    assert finding.severity is Severity.ERROR
    assert "await" in finding.message
    assert "coroutine" in finding.message
    assert fixed(body, finding) == after
    assert lint(after, "LION401") == []


@pytest.mark.parametrize(
    "use",
    ["", "    print(reply)\n", "    text = reply.upper()\n", "    log(f'{reply}')\n"],
)
def test_assigned_coroutine_only_misused_is_reported(use: str) -> None:
    body = f"async def main(log):\n    b = Branch()\n    reply = b.chat('hi')\n{use}"
    (finding,) = lint(body, "LION401")
    assert finding.span.line == 5
    assert "reply = await b.chat('hi')" in fixed(body, finding)


def test_coroutine_at_module_level_explains_asyncio_run() -> None:
    body = "b = Branch()\nb.communicate('hi')\n\ndef helper():\n    b.chat('x')\n"
    first, second = lint(body, "LION401")
    assert first.span.line == 4
    assert second.span.line == 7
    assert "asyncio.run(main())" in first.message
    assert "module level" in first.message
    assert "plain `def`" in second.message
    assert first.fixes == ()
    assert second.fixes == ()


@pytest.mark.parametrize(
    "body",
    [
        "async def main():\n    b = Branch()\n    return b.chat('x')\n",
        "async def main():\n    b = Branch()\n    t = b.chat('x')\n    return await t\n",
        (
            "async def main():\n"
            "    b = Branch()\n"
            "    t = b.chat('x')\n"
            "    await asyncio.gather(t, b.chat('y'))\n"
        ),
        "async def main():\n    b = Branch()\n    await asyncio.wait_for(b.chat('x'), 5)\n",
        (
            "async def main():\n"
            "    b = Branch()\n"
            "    task = asyncio.create_task(b.chat('x'))\n"
            "    await task\n"
        ),
        (
            "async def main():\n"
            "    b = Branch()\n"
            "    jobs = [b.chat(t) for t in 'ab']\n"
            "    await asyncio.gather(*jobs)\n"
        ),
        "async def main():\n    b = Branch()\n    jobs = []\n    jobs.append(b.chat('x'))\n",
        (
            "async def main():\n"
            "    b = Branch()\n"
            "    async with asyncio.TaskGroup() as tg:\n"
            "        tg.create_task(b.chat('x'))\n"
        ),
        "async def main():\n    b = Branch()\n    later = lambda: b.chat('x')\n",
        "b = Branch()\nasyncio.run(b.communicate('hi'))\n",
        "async def main():\n    b = Branch()\n    b.register_tools(print)\n    b2 = b.clone()\n",
        "async def main(x):\n    x.communicate('hi')\n",
        (
            "async def main():\n"
            "    b = Branch()\n"
            "    one, two = b.chat('a'), b.chat('b')\n"
            "    first = b.chat('c')\n"
            "    second = b.chat('d')\n"
            "    pending = [first, second]\n"
            "    await asyncio.gather(*pending, *[one, two])\n"
        ),
        "async def main():\n    b = Branch()\n    t = b.chat('x')\n    return [t]\n",
        "async def main(run):\n    b = Branch()\n    t = b.chat('x')\n    run(t)\n",
    ],
)
def test_coroutines_handed_on_are_fine(body: str) -> None:
    assert lint(body, "LION401") == []


def test_awaited_async_generator_assigned_becomes_a_list() -> None:
    body = "async def main():\n    b = Branch()\n    out = await b.run('hi')\n"
    (finding,) = lint(body, "LION402")
    assert finding.span.line == 5
    assert "async for" in finding.message
    after = fixed(body, finding)
    assert (
        after
        == "async def main():\n    b = Branch()\n    out = [chunk async for chunk in b.run('hi')]\n"
    )
    assert lint(after, "LION402") == []


def test_awaited_async_generator_statement_becomes_a_loop() -> None:
    body = (
        "async def main():\n"
        "    b = Branch()\n"
        "    await b.ReActStream(instruct={'instruction': 'x'})\n"
    )
    (finding,) = lint(body, "LION402")
    after = fixed(body, finding)
    assert "    async for chunk in b.ReActStream(" in after
    assert "        print(chunk)\n" in after
    assert lint(after, "LION402") == []


def test_plain_for_over_async_generator() -> None:
    body = "async def main():\n    b = Branch()\n    for m in b.run('hi'):\n        print(m)\n"
    (finding,) = lint(body, "LION402")
    after = fixed(body, finding)
    assert "    async for m in b.run('hi'):\n" in after
    assert lint(after, "LION402") == []


def test_async_for_over_async_generator_is_fine() -> None:
    body = (
        "async def main():\n    b = Branch()\n"
        "    async for m in b.run('hi'):\n        print(m)\n"
        "    stream = b.run('x')\n"
    )
    assert lint(body, "LION402") == []


def test_asyncio_run_inside_async_def() -> None:
    body = "async def main():\n    b = Branch()\n    r = asyncio.run(b.chat('x'))\n"
    (finding,) = lint(body, "LION403")
    assert finding.span.line == 5
    assert "RuntimeError" in finding.message
    after = fixed(body, finding)
    assert after == "async def main():\n    b = Branch()\n    r = await b.chat('x')\n"
    assert lint(after, "LION403") == []
    assert lint(after, "LION401") == []


def test_run_until_complete_inside_async_def() -> None:
    body = "async def main(loop, coro):\n    loop.run_until_complete(coro)\n"
    (finding,) = lint(body, "LION403")
    assert fixed(body, finding) == "async def main(loop, coro):\n    await coro\n"


def test_asyncio_run_outside_async_def_is_fine() -> None:
    body = (
        "async def main():\n    return 1\n\n"
        "def sync():\n    return asyncio.run(main())\n\n"
        "async def outer():\n"
        "    def inner():\n"
        "        return asyncio.run(main())\n"
        "    return inner\n\n"
        "asyncio.run(main())\n"
    )
    assert lint(body, "LION403") == []
