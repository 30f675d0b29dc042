"""LION101-103: names and modules lionagi lacks or deprecates, checked against the real lionagi."""

from __future__ import annotations

import ast
import dataclasses

from lionagi_playground.server.analysis import lionagi_rules
from lionagi_playground.server.analysis.edits import apply_edits
from lionagi_playground.server.analysis.findings import Finding, Severity
from lionagi_playground.server.analysis.source import Source
from lionagi_playground.server.knowledge import Knowledge, fallback_knowledge
from tests.lionagi_env import KNOWLEDGE


def lint(text: str, knowledge: Knowledge = KNOWLEDGE) -> list[Finding]:
    return lionagi_rules.check(Source(text), knowledge)


def one(text: str, code: str, knowledge: Knowledge = KNOWLEDGE) -> Finding:
    found = [f for f in lint(text, knowledge) if f.code == code]
    assert len(found) == 1, found
    return found[0]


def fixed(text: str, finding: Finding) -> str:
    assert finding.fixes, finding
    new = apply_edits(text, finding.fixes[0].edits)
    ast.parse(new)
    return new


def test_agent_import_is_renamed_to_branch_with_its_uses() -> None:
    text = "from lionagi import Agent\n\nagent = Agent(system='hi')\nprint(Agent)\n"
    finding = one(text, "LION101")
    assert (finding.span.line, finding.span.col, finding.span.end_col) == (0, 20, 25)
    assert finding.severity is Severity.ERROR
    assert finding.source == "lionagi"
    assert "`Branch`" in finding.message
    new = fixed(text, finding)
    assert new == "from lionagi import Branch\n\nagent = Branch(system='hi')\nprint(Branch)\n"
    assert lint(new) == []


def test_aliased_import_renames_only_the_imported_name() -> None:
    text = "from lionagi import LiteiModel as M\nm = M()\n"
    finding = one(text, "LION101")
    assert "0.10" in finding.message
    assert "`iModel`" in finding.message
    assert fixed(text, finding) == "from lionagi import iModel as M\nm = M()\n"


def test_removed_name_without_a_straight_rename_has_no_fix() -> None:
    text = "import lionagi\n\ntool = lionagi.func_to_tool(print)\n"
    finding = one(text, "LION101")
    assert finding.span.line == 2
    assert finding.span.col == 15
    assert "0.5" in finding.message
    assert "Branch(tools=[f])" in finding.message
    assert finding.fixes == ()
    assert finding.deprecated


def test_unknown_name_gets_a_suggestion() -> None:
    text = "from lionagi import Brnch\n"
    finding = one(text, "LION101")
    assert "did you mean `Branch`" in finding.message
    assert lint(fixed(text, finding)) == []


def test_moved_module() -> None:
    text = "from lionagi.service.connections.providers.oai_ import OpenAIChatEndpoint\n"
    finding = one(text, "LION102")
    assert (finding.span.line, finding.span.col) == (0, 5)
    assert "0.23.1" in finding.message
    assert "lionagi.providers" in finding.message


def test_module_typo_is_fixed() -> None:
    text = "import lionagi.provider.openai.chat\n"
    finding = one(text, "LION102")
    assert "`lionagi.providers.openai.chat`" in finding.message
    assert lint(fixed(text, finding)) == []


def test_deprecated_name_is_a_hint() -> None:
    text = "import lionagi\nmsg = lionagi.create_message(instruction='x')\n"
    finding = one(text, "LION103")
    assert finding.severity is Severity.INFORMATION
    assert finding.deprecated
    assert "msgs.create_message" in finding.message


def test_deprecated_submodule_name_is_renamed() -> None:
    text = "from lionagi.service.connections import CLIEndpoint\n"
    finding = one(text, "LION103")
    assert "AgenticEndpoint" in finding.message
    assert lint(fixed(text, finding)) == []


def test_correct_program_has_no_name_findings() -> None:
    text = (
        "import lionagi\n"
        "from lionagi import Branch, iModel, Session, Builder, types, ln\n"
        "from lionagi.providers.openai import chat\n"
        "from lionagi.testing import scripted_imodel\n"
        "from lionagi import lazy_import  # a helper, not an export: still importable\n"
        "print(lionagi.__version__, lionagi.Branch, lionagi.alcall)\n"
    )
    assert lint(text) == []


def test_rules_follow_the_installed_exports() -> None:
    # Were lionagi to export `Agent` again, the history entry must not fire.
    knowledge = dataclasses.replace(
        KNOWLEDGE, exports=KNOWLEDGE.exports | {"Agent"}, fingerprint="with-agent"
    )
    assert [f for f in lint("from lionagi import Agent\n", knowledge) if f.code == "LION101"] == []


def test_without_lionagi_the_history_still_reports() -> None:
    knowledge = fallback_knowledge()
    finding = one("from lionagi import Agent, Branch, whatever\n", "LION101", knowledge)
    assert "`Branch`" in finding.message
