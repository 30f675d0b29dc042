"""LION501-503: positional text to `operate`/`ReAct`, tools without `actions=True`."""

from __future__ import annotations

import ast

import pytest

from lionagi_playground.server.analysis import lionagi_rules
from lionagi_playground.server.analysis.edits import apply_edits
from lionagi_playground.server.analysis.findings import Finding, Severity
from lionagi_playground.server.analysis.source import Source
from tests.lionagi_env import KNOWLEDGE

HEAD = "from lionagi import Branch\n\ndef add(a: int, b: int) -> int:\n    return a + b\n\n"


def lint(body: str) -> list[Finding]:
    return lionagi_rules.check(Source(HEAD + body), KNOWLEDGE)


def fixed(body: str, finding: Finding) -> str:
    new = apply_edits(HEAD + body, finding.fixes[0].edits)
    ast.parse(new)
    return new[len(HEAD) :]


def test_operate_with_positional_text() -> None:
    body = (
        "async def main():\n    b = Branch()\n    await b.operate('Summarise this', reason=True)\n"
    )
    (finding,) = lint(body)
    assert finding.code == "LION501"
    assert finding.severity is Severity.ERROR
    assert finding.span.line == 7
    assert "keyword arguments only" in finding.message
    assert "instruction=" in finding.message
    after = fixed(body, finding)
    assert "await b.operate(instruction='Summarise this', reason=True)" in after
    assert lint(after) == []


def test_operate_with_a_positional_dict_means_instruct() -> None:
    body = "async def main():\n    b = Branch()\n    await b.operate({'instruction': 'x'})\n"
    (finding,) = lint(body)
    assert finding.code == "LION501"
    assert "operate(instruct={'instruction': 'x'})" in fixed(body, finding)


def test_operate_with_two_positionals_has_no_fix() -> None:
    body = "async def main():\n    b = Branch()\n    await b.operate('x', 'y')\n"
    (finding,) = lint(body)
    assert finding.code == "LION501"
    assert finding.fixes == ()


def test_react_with_text() -> None:
    body = (
        "async def main():\n    b = Branch()\n    await b.ReAct('Plan a trip', max_extensions=2)\n"
    )
    (finding,) = lint(body)
    assert finding.code == "LION502"
    assert finding.span.line == 7
    assert 'instruct={"instruction": ...}' in finding.message
    after = fixed(body, finding)
    assert "b.ReAct(instruct={\"instruction\": 'Plan a trip'}, max_extensions=2)" in after
    assert lint(after) == []


def test_tools_without_actions() -> None:
    body = (
        "async def main():\n"
        "    b = Branch()\n"
        "    await b.operate(instruction='add 2 and 3', tools=[add])\n"
    )
    (finding,) = lint(body)
    assert finding.code == "LION503"
    assert finding.severity is Severity.WARNING
    assert "actions=True" in finding.message
    after = fixed(body, finding)
    assert "tools=[add], actions=True)" in after
    assert lint(after) == []


def test_tools_with_actions_false() -> None:
    body = (
        "async def main():\n"
        "    b = Branch()\n"
        "    await b.operate(instruction='x', actions=False, tools=[add])\n"
    )
    (finding,) = lint(body)
    assert "actions=True, tools=[add]" in fixed(body, finding)


@pytest.mark.parametrize(
    "call",
    [
        "await b.operate(instruction='x', tools=[add], actions=True)",
        "await b.operate(instruction='x', tools=[add], **options)",
        "await b.operate(instruction='x', tools=None)",
        "await b.operate(instruct={'instruction': 'x'})",
        "await b.ReAct({'instruction': 'x'}, tools=[add])",
        "await b.ReAct(instruct=plan)",
        "await b.communicate('plain text is fine here')",
        "await b.chat('and here')",
        "await Branch.operate(b, instruction='x')",
        "await other.operate('x')",
    ],
)
def test_correct_calls(call: str) -> None:
    body = f"async def main(options, plan, other):\n    b = Branch(tools=[add])\n    {call}\n"
    assert lint(body) == []
