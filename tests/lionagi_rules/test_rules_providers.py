"""LION701-704: providers and models, checked against the installed provider registry."""

from __future__ import annotations

import ast

import pytest

from lionagi_playground.server.analysis import lionagi_rules
from lionagi_playground.server.analysis.edits import apply_edits
from lionagi_playground.server.analysis.findings import Finding, Severity
from lionagi_playground.server.analysis.lionagi_rules.providers import suggest_provider
from lionagi_playground.server.analysis.source import Source
from tests.lionagi_env import KNOWLEDGE

HEAD = "import lionagi\nfrom lionagi import Branch, iModel\n\n"


def lint(body: str) -> list[Finding]:
    return lionagi_rules.check(Source(HEAD + body), KNOWLEDGE)


def fixed(body: str, finding: Finding) -> str:
    new = apply_edits(HEAD + body, finding.fixes[0].edits)
    ast.parse(new)
    return new[len(HEAD) :]


@pytest.mark.parametrize(
    ("body", "code", "after"),
    [
        ('m = iModel(provider="google", model="gemini-2.0-flash")\n', "LION701",
         'm = iModel(provider="gemini", model="gemini-2.0-flash")\n'),
        ("m = iModel(provider='antropic')\n", "LION701", "m = iModel(provider='anthropic')\n"),
        ('m = iModel(provider="claude-api")\n', "LION701", 'm = iModel(provider="anthropic")\n'),
        ('m = iModel(model="google/gemini-2.0-flash")\n', "LION701",
         'm = iModel(model="gemini/gemini-2.0-flash")\n'),
        ('m = iModel(provider="claude", model="sonnet")\n', "LION702",
         'm = iModel(provider="anthropic", model="sonnet")\n'),
        ('m = iModel(provider="codex")\n', "LION702", 'm = iModel(provider="openai")\n'),
        ('m = iModel(provider="gemini_code")\n', "LION702", 'm = iModel(provider="gemini")\n'),
        ('m = iModel(provider="openai", model="claude-3-5-sonnet-latest")\n', "LION703",
         'm = iModel(provider="anthropic", model="claude-3-5-sonnet-latest")\n'),
        ('m = iModel(model="claude-3-5-sonnet-latest")\n', "LION703",
         'm = iModel(model="anthropic/claude-3-5-sonnet-latest")\n'),
        ('b = Branch(chat_model="claude-3-5-haiku-latest")\n', "LION703",
         'b = Branch(chat_model="anthropic/claude-3-5-haiku-latest")\n'),
        ('m = iModel(provider="openai", model="anthropic/claude-3-5-haiku-latest")\n', "LION703",
         'm = iModel(provider="anthropic", model="claude-3-5-haiku-latest")\n'),
        ('m = iModel(provider="openai", model="openai/gpt-4o")\n', "LION704",
         'm = iModel(provider="openai", model="gpt-4o")\n'),
        ('b = Branch(chat_model=lionagi.iModel("google"))\n', "LION701",
         'b = Branch(chat_model=lionagi.iModel("gemini"))\n'),
    ],
)  # fmt: skip
def test_provider_findings_and_fixes(body: str, code: str, after: str) -> None:
    (finding,) = lint(body)
    assert finding.code == code
    assert finding.span.line == 3
    assert finding.source == "lionagi"
    expected = Severity.ERROR if code == "LION701" else Severity.WARNING
    assert finding.severity is expected
    assert fixed(body, finding) == after
    assert lint(after) == [] or all(f.code == "LION702" for f in lint(after))


def test_messages_say_what_to_write() -> None:
    (unknown,) = lint('m = iModel(provider="google")\n')
    assert 'use "gemini"' in unknown.message
    assert "ProviderNotFoundError" in unknown.message
    (cli,) = lint('m = iModel(provider="claude")\n')
    assert "CLI" in cli.message
    assert "sandbox" in cli.message
    assert '"anthropic"' in cli.message
    (default,) = lint('m = iModel(model="claude-3-opus")\n')
    assert "default provider (openai" in default.message


def test_cli_model_prefix_is_reported_without_a_fix() -> None:
    (finding,) = lint('b = Branch(chat_model="claude_code/sonnet")\n')
    assert finding.code == "LION702"
    assert finding.fixes == ()


def test_unknown_provider_without_any_close_name_lists_them() -> None:
    (finding,) = lint('m = iModel(provider="zzzzzz")\n')
    assert finding.fixes == ()
    assert "openai" in finding.message


@pytest.mark.parametrize(
    "body",
    [
        'm = iModel(provider="openai", model="gpt-4.1-mini")\n',
        'm = iModel(provider="anthropic", model="claude-3-5-sonnet-latest")\n',
        'm = iModel(model="anthropic/claude-3-5-sonnet-latest")\n',
        'm = iModel(provider="openrouter", model="anthropic/claude-3.5-sonnet")\n',
        'm = iModel(provider="groq", model="llama-3.3-70b-versatile")\n',
        'm = iModel(provider="ollama", model="llama3")\n',
        'm = iModel(provider="nvidia", model="meta/llama3-70b")\n',
        'm = iModel(provider="scripted", model="scripted-test")\n',
        'm = iModel(provider="my-proxy", base_url="http://localhost:8000/v1")\n',
        'm = iModel(provider=name, model="claude-3")\n',
        "m = iModel(**settings)\n",
        'm = iModel(model="gpt-4o")\n',
        'b = Branch(chat_model="openai/gpt-4o", parse_model=iModel(provider="gemini"))\n',
        'other(provider="google")\n',
    ],
)
def test_good_provider_use(body: str) -> None:
    assert lint(body) == []


def test_suggestions() -> None:
    assert suggest_provider(KNOWLEDGE, "Google") == "gemini"
    assert suggest_provider(KNOWLEDGE, "open_ai") == "openai"
    assert suggest_provider(KNOWLEDGE, "deepsek") == "deepseek"
    assert suggest_provider(KNOWLEDGE, "qqqqqq") is None
