"""LION301-302: keyword arguments lionagi no longer takes, checked against the real signatures."""

from __future__ import annotations

import ast
import dataclasses

import pytest

from lionagi_playground.server.analysis import lionagi_rules
from lionagi_playground.server.analysis.edits import apply_edits
from lionagi_playground.server.analysis.findings import Finding, Severity
from lionagi_playground.server.analysis.source import Source
from lionagi_playground.server.knowledge import Knowledge, Param
from tests.lionagi_env import KNOWLEDGE

CODES = ("LION301", "LION302")
ERROR, WARNING = Severity.ERROR, Severity.WARNING


def lint(text: str, knowledge: Knowledge = KNOWLEDGE) -> list[Finding]:
    return [f for f in lionagi_rules.check(Source(text), knowledge) if f.code in CODES]


def fixed(text: str, finding: Finding) -> str:
    new = apply_edits(text, finding.fixes[0].edits)
    ast.parse(new)
    return new


@pytest.mark.parametrize(
    ("call", "old", "new", "severity"),
    [
        ("await b.communicate('hi', request_model=A)", "request_model", "response_format", ERROR),
        ("await b.operate(instruction='hi', operative_model=A)", "operative_model",
         "response_format", ERROR),
        ("await b.operate(instruction='hi', imodel=m)", "imodel", "chat_model", ERROR),
        ("Branch(imodel=m)", "imodel", "chat_model", ERROR),
        ("Branch(chat_model=m, parse_imodel=m)", "parse_imodel", "parse_model", ERROR),
        ("iModel(provider='openai', task='chat')", "task", "endpoint", WARNING),
        ("iModel(provider='openai', interval_tokens=1000)", "interval_tokens", "limit_tokens",
         WARNING),
        ("iModel(provider='openai', interval_requests=10)", "interval_requests",
         "limit_requests", WARNING),
    ],
)  # fmt: skip
def test_removed_keyword_is_renamed(call: str, old: str, new: str, severity: Severity) -> None:
    text = (
        "from lionagi import Branch, iModel\n\n"
        "async def main(m, A):\n"
        "    b = Branch()\n"
        f"    x = {call}\n"
    )
    (finding,) = lint(text)
    assert finding.span.line == 4
    assert text.splitlines()[4][finding.span.col : finding.span.end_col] == old
    assert finding.severity is severity
    assert f"`{new}=`" in finding.message
    after = fixed(text, finding)
    assert f"{new}=" in after
    assert f"{old}=" not in after
    assert lint(after) == []


def test_keyword_given_twice_is_removed_instead() -> None:
    text = "from lionagi import Branch\nb = Branch(imodel=a, chat_model=a, name='x')\n"
    (finding,) = lint(text)
    assert finding.fixes[0].title.startswith("Remove")
    assert (
        fixed(text, finding) == "from lionagi import Branch\nb = Branch(chat_model=a, name='x')\n"
    )


def test_keyword_without_replacement_is_removed() -> None:
    text = "from lionagi import iModel\nm = iModel(provider='openai', api_key_schema='x')\n"
    (finding,) = lint(text)
    assert "remove it" in finding.message
    assert fixed(text, finding) == "from lionagi import iModel\nm = iModel(provider='openai')\n"


def test_deprecated_keyword_is_information() -> None:
    text = "from lionagi import Branch\nb = Branch(\n    system='x',\n    system_template='t',\n)\n"
    (finding,) = lint(text)
    assert finding.code == "LION302"
    assert finding.severity is Severity.INFORMATION
    assert finding.span.line == 3
    assert lint(fixed(text, finding)) == []


def test_current_keywords_are_fine() -> None:
    text = (
        "from lionagi import Branch, iModel\n\n"
        "async def main(Answer):\n"
        "    m = iModel(provider='openai', endpoint='chat', limit_tokens=10, limit_requests=1)\n"
        "    b = Branch(chat_model=m, parse_model=m)\n"
        "    await b.chat('hi', imodel=m)\n"  # chat() still takes imodel=
        "    await b.operate(instruction='hi', response_format=Answer, chat_model=m)\n"
        "    await b.communicate('hi', response_format=Answer)\n"
        "    other.communicate('hi', request_model=Answer)\n"  # not a Branch
    )
    assert lint(text) == []


def test_rules_follow_the_installed_signature() -> None:
    # Were `request_model=` a parameter of communicate again, it must not be reported.
    communicate = KNOWLEDGE.member("Branch", "communicate")
    assert communicate is not None
    params = (*communicate.params, Param("request_model", "keyword_only", "None"))
    symbols = dict(KNOWLEDGE.symbols)
    symbols[communicate.full_name] = dataclasses.replace(communicate, params=params)
    knowledge = dataclasses.replace(KNOWLEDGE, symbols=symbols, fingerprint="request-model")
    text = (
        "from lionagi import Branch\n\n"
        "async def f():\n"
        "    await Branch().communicate('x', request_model=A)\n"
    )
    assert lint(text, knowledge) == []
    assert len(lint(text)) == 1
