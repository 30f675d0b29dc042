"""LION601-602: tool functions whose annotations the installed lionagi cannot turn into a schema."""

from __future__ import annotations

import ast

import pytest

from lionagi_playground.server.analysis import lionagi_rules
from lionagi_playground.server.analysis.edits import apply_edits
from lionagi_playground.server.analysis.findings import Finding, Severity
from lionagi_playground.server.analysis.source import Source
from lionagi_playground.server.knowledge import fallback_knowledge
from tests.lionagi_env import KNOWLEDGE

CODES = ("LION601", "LION602")


def lint(text: str) -> list[Finding]:
    return [f for f in lionagi_rules.check(Source(text), KNOWLEDGE) if f.code in CODES]


def fixed(text: str, finding: Finding) -> str:
    new = apply_edits(text, finding.fixes[0].edits)
    ast.parse(new)
    return new


@pytest.mark.parametrize(
    ("annotation", "code", "simpler"),
    [
        ("int | None", "LION601", "int"),
        ("None | str", "LION601", "str"),
        ("'int'", "LION601", "int"),
        ("Optional[int]", "LION602", "int"),
        ("Union[list[str], None]", "LION602", "list[str]"),
        ("Literal['c', 'f']", "LION602", "str"),
        ("Literal[1, 2]", "LION602", "int"),
        ("Any", "LION602", None),
        ("Union[int, str]", "LION602", None),
        ("Unit", "LION602", None),
        ("set", "LION602", None),
    ],
)
def test_tool_annotation(annotation: str, code: str, simpler: str | None) -> None:
    text = (
        "from typing import Any, Literal, Optional, Union\n"
        "from lionagi import Branch\n\n"
        "class Unit:\n    pass\n\n"
        f"def convert(value: {annotation}, scale: float = 1.0) -> str:\n"
        "    return str(value)\n\n"
        "branch = Branch(tools=[convert])\n"
    )
    (finding,) = lint(text)
    assert finding.code == code
    assert finding.span.line == 6
    line = text.splitlines()[6]
    assert line[finding.span.col : finding.span.end_col] == annotation
    assert finding.severity is (Severity.ERROR if code == "LION601" else Severity.WARNING)
    assert "convert" in finding.message
    if simpler is None:
        assert finding.fixes == ()
        return
    assert f"`{simpler}`" in finding.message
    after = fixed(text, finding)
    assert f"def convert(value: {simpler}, scale: float = 1.0)" in after
    assert lint(after) == []


def test_future_annotations_are_removed_when_safe() -> None:
    text = (
        '"""Tools."""\n'
        "from __future__ import annotations\n\n"
        "from lionagi import Branch\n\n"
        "def add(a: int, b: int) -> int:\n    return a + b\n\n"
        "async def main() -> None:\n"
        "    b = Branch()\n"
        "    b.register_tools([add])\n"
    )
    (finding,) = lint(text)
    assert finding.code == "LION601"
    assert finding.span.line == 10
    assert "from __future__ import annotations" in finding.message
    after = fixed(text, finding)
    assert "__future__" not in after
    assert lint(after) == []


def test_future_annotations_needed_elsewhere_are_kept() -> None:
    text = (
        "from __future__ import annotations\n\n"
        "from lionagi import Branch\n\n"
        "def add(a: int, b: int) -> int:\n    return a + b\n\n"
        "def later() -> Later:\n    return Later()\n\n"
        "class Later:\n    pass\n\n"
        "branch = Branch(tools=add)\n"
    )
    (finding,) = lint(text)
    assert finding.code == "LION601"
    assert finding.fixes == ()


@pytest.mark.parametrize(
    "registration",
    [
        "Branch(tools=[add, sub])",
        "Branch().register_tools(add)",
        "Branch().register_tools(tools=[add])",
    ],
)
def test_every_way_of_registering_is_checked(registration: str) -> None:
    text = (
        "from lionagi import Branch\n\n"
        "def add(a: int | None) -> int:\n    return a or 0\n\n"
        "def sub(a: int) -> int:\n    return -a\n\n"
        f"x = {registration}\n"
    )
    (finding,) = lint(text)
    assert finding.span.line == 2


def test_good_tools_and_unregistered_functions_are_fine() -> None:
    text = (
        "from typing import Optional\n"
        "from lionagi import Branch\n\n"
        "def add(a: int, b: float, words: list[str], opts: dict, flag: bool, name) -> int:\n"
        "    return 1\n\n"
        "def helper(x: Optional[int]) -> int | None:\n    return x\n\n"
        "branch = Branch(tools=[add, print])\n"
    )
    assert lint(text) == []


def test_without_lionagi_the_rule_is_silent() -> None:
    text = "from lionagi import Branch\n\ndef f(a: int | None): ...\n\nBranch(tools=[f])\n"
    findings = lionagi_rules.check(Source(text), fallback_knowledge())
    assert [f for f in findings if f.code in CODES] == []
