"""LION201: removed Branch methods, on objects the light type inference knows are Branches."""

from __future__ import annotations

import ast
import dataclasses

import pytest

from lionagi_playground.server.analysis import lionagi_rules
from lionagi_playground.server.analysis.edits import apply_edits
from lionagi_playground.server.analysis.findings import Finding, Severity
from lionagi_playground.server.analysis.source import Source
from lionagi_playground.server.knowledge import Knowledge
from tests.lionagi_env import KNOWLEDGE


def lint(text: str, knowledge: Knowledge = KNOWLEDGE) -> list[Finding]:
    return [f for f in lionagi_rules.check(Source(text), knowledge) if f.code == "LION201"]


def fixed(text: str, finding: Finding) -> str:
    new = apply_edits(text, finding.fixes[0].edits)
    ast.parse(new)
    return new


@pytest.mark.parametrize(
    "program",
    [
        (
            "from lionagi import Branch\n"
            "b = Branch()\n"
            "\n"
            "async def f():\n"
            "    await b.instruct(instruction='x')\n"
        ),
        (
            "import lionagi\n"
            "b = lionagi.Branch()\n"
            "async def f():\n"
            "    await b.instruct(instruction='x')\n"
        ),
        (
            "import lionagi as li\n"
            "\n"
            "async def f():\n"
            "    b = li.Branch()\n"
            "    await b.instruct(instruction='x')\n"
        ),
        (
            "from lionagi import Session\n"
            "\n"
            "async def f(s: Session):\n"
            "    b = s.new_branch()\n"
            "    await b.instruct(instruction='x')\n"
        ),
        (
            "from lionagi import Branch\n"
            "\n"
            "async def f(a: Branch):\n"
            "    b = await a.aclone()\n"
            "    await b.instruct(instruction='x')\n"
        ),
        (
            "from lionagi import Branch\n"
            "\n"
            "async def f(b: 'Branch | None'):\n"
            "    await b.instruct(instruction='x')\n"
        ),
        (
            "from typing import Optional\n"
            "from lionagi import Branch\n"
            "\n"
            "async def f(b: Optional[Branch] = None):\n"
            "    await b.instruct(instruction='x')\n"
        ),
        (
            "from lionagi import Branch\n"
            "\n"
            "class Bot:\n"
            "    def __init__(self):\n"
            "        self.branch = Branch()\n"
            "\n"
            "    async def go(self):\n"
            "        await self.branch.instruct(instruction='x')\n"
        ),
        (
            "from lionagi import Branch\n"
            "\n"
            "async def f():\n"
            "    b: Branch = make()\n"
            "    await b.instruct(instruction='x')\n"
        ),
    ],
)
def test_instruct_on_a_known_branch_becomes_operate(program: str) -> None:
    (finding,) = lint(program)
    line = program.splitlines()[finding.span.line]
    assert line[finding.span.col : finding.span.end_col] == "instruct"
    assert finding.severity is Severity.ERROR
    assert finding.deprecated
    assert "0.22.6" in finding.message
    assert "operate" in finding.message
    new = fixed(program, finding)
    assert ".operate(instruction='x')" in new
    assert lint(new) == []


def test_methods_without_a_straight_replacement() -> None:
    text = (
        "from lionagi import Branch\nb = Branch()\n"
        "b.send('x')\nb.select(['a'])\nb.translate('x')\nb.receive_all()\n"
    )
    findings = lint(text)
    assert [f.span.line for f in findings] == [2, 3, 4, 5]
    assert "Session" in findings[0].message
    assert "0.18.1" in findings[0].message
    assert "0.17.6" in findings[1].message
    assert all(f.fixes == () for f in findings)


def test_add_message_points_at_msgs() -> None:
    text = "from lionagi import Branch\nb = Branch()\nb.add_message(x)\n"
    (finding,) = lint(text)
    assert (
        fixed(text, finding) == "from lionagi import Branch\nb = Branch()\nb.msgs.add_message(x)\n"
    )


@pytest.mark.parametrize(
    "program",
    [
        # Not a Branch, or not surely one: nothing to say.
        "class Agent:\n    def instruct(self): ...\na = Agent()\na.instruct()\n",
        "from lionagi import Branch\nb = Branch()\nb = other()\nb.instruct()\n",
        "from lionagi import Branch\nfor b in [Branch()]:\n    b.instruct()\n",
        "from lionagi import Branch\n\ndef f(b):\n    b.instruct()\n",
        "from lionagi import Branch\nb = Branch()\n\ndef f(b):\n    b.instruct()\n",
        "from lionagi import Branch\nb = Branch()\nb.instruct = print\n",
        "import something\nb = something.Branch()\nb.instruct()\n",
    ],
)
def test_no_report_on_objects_not_known_to_be_branches(program: str) -> None:
    assert lint(program) == []


def test_rules_follow_the_installed_class() -> None:
    # Were `instruct` back on Branch, it must not be reported.
    branch = KNOWLEDGE.export("Branch")
    assert branch is not None
    symbols = dict(KNOWLEDGE.symbols)
    symbols[branch.full_name] = dataclasses.replace(branch, members=(*branch.members, "instruct"))
    knowledge = dataclasses.replace(KNOWLEDGE, symbols=symbols, fingerprint="instruct-is-back")
    assert lint("from lionagi import Branch\nBranch().instruct()\n", knowledge) == []
    assert len(lint("from lionagi import Branch\nBranch().instruct()\n")) == 1
