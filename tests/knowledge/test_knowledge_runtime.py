"""The knowledge read from the real runtime environment's lionagi (no mocks of lionagi)."""

from __future__ import annotations

import pickle

import pytest

from lionagi_playground.server.knowledge import Knowledge, load_knowledge
from tests.lionagi_env import ENV


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(ENV)


def test_version_and_exports(knowledge: Knowledge) -> None:
    assert knowledge.version is not None
    assert ENV is not None
    assert knowledge.version == ENV.info().get("lionagi", knowledge.version)
    assert {"Branch", "iModel", "Session", "Builder"} <= knowledge.exports
    assert "Agent" not in knowledge.exports


def test_method_kinds_are_read_from_lionagi(knowledge: Knowledge) -> None:
    kinds = {
        name: (symbol.kind if (symbol := knowledge.member("Branch", name)) else None)
        for name in ("communicate", "operate", "chat", "run", "ReActStream", "register_tools")
    }
    assert kinds == {
        "communicate": "coroutine",
        "operate": "coroutine",
        "chat": "coroutine",
        "run": "asyncgen",
        "ReActStream": "asyncgen",
        "register_tools": "method",
    }
    messages = knowledge.member("Branch", "messages")
    assert messages is not None
    assert messages.kind == "property"
    invoke = knowledge.member("iModel", "invoke")
    assert invoke is not None
    assert invoke.kind == "coroutine"


def test_symbols_are_found_by_jedi_full_names(knowledge: Knowledge) -> None:
    # What jedi's Name.full_name reports for these in the runtime environment.
    operate = knowledge.symbol("lionagi.session.branch.Branch.operate")
    assert operate is not None
    assert operate.name == "Branch.operate"
    assert knowledge.symbol("lionagi.Branch") is knowledge.symbol("lionagi.session.branch.Branch")
    builder = knowledge.symbol("lionagi.operations.builder.OperationGraphBuilder.add_operation")
    assert builder is not None
    assert builder.name == "Builder.add_operation"
    # An inherited member is keyed by its defining class, reachable from the subclass.
    inherited = knowledge.symbol("lionagi.session.branch.Branch.to_json")
    assert inherited is not None
    assert inherited.full_name == "lionagi.protocols.generic.element.Element.to_json"
    assert knowledge.symbol("lionagi.nothing.Here") is None


def test_signature_and_parameters(knowledge: Knowledge) -> None:
    operate = knowledge.member("Branch", "operate")
    assert operate is not None
    assert operate.signature is not None
    assert operate.signature.startswith("Branch.operate(*, ")
    assert operate.header.startswith("async def Branch.operate(")
    assert operate.positional_count == 0
    instruction = operate.param("instruction")
    assert instruction is not None
    assert instruction.kind == "keyword_only"
    actions = operate.param("actions")
    assert actions is not None
    assert actions.default == "False"
    assert actions.annotation == "bool"
    provider = knowledge.parameter("lionagi.service.imodel.iModel", "provider")
    assert provider is not None
    assert provider.default == "None"
    names = [p.name for p in knowledge.keyword_params("lionagi.Branch")]
    assert "chat_model" in names
    assert "imodel" not in names


def test_providers_come_from_the_registry(knowledge: Knowledge) -> None:
    assert {"openai", "anthropic", "gemini", "ollama", "openrouter"} <= set(knowledge.providers)
    assert {"claude_code", "codex", "gemini_code", "pi"} <= knowledge.cli_providers
    assert "scripted" in knowledge.providers
    assert "scripted" not in knowledge.cli_providers
    assert knowledge.canonical_provider("claude") == "claude_code"
    assert knowledge.canonical_provider("CLAUDE") == "claude_code"
    assert knowledge.canonical_provider("google") is None
    assert knowledge.is_cli_provider("claude")
    assert not knowledge.is_cli_provider("anthropic")
    claude = knowledge.provider_info["claude_code"]
    assert claude.kind == "cli"
    assert claude.api_alternative == "anthropic"
    assert knowledge.provider_info["gemini_code"].api_alternative == "gemini"
    assert knowledge.provider_info["openai"].api_key_env == "OPENAI_API_KEY"
    assert "claude" in knowledge.provider_names()


def test_models_and_defaults(knowledge: Knowledge) -> None:
    assert knowledge.default_provider == "openai"
    assert "gpt-4o" in knowledge.models.get("openai", ())
    assert knowledge.provider_for_model("gpt-4o") == "openai"
    assert knowledge.provider_for_model("claude-3-5-sonnet-latest") == "anthropic"
    assert knowledge.provider_for_model("gemini-2.0-flash") == "gemini"
    assert knowledge.provider_for_model("llama3") is None


def test_tool_schema_behaviour_is_probed(knowledge: Knowledge) -> None:
    outcomes = knowledge.tool_schema.outcomes
    assert outcomes["str"].ok
    assert outcomes["str"].json_type == "string"
    assert outcomes["int"].json_type == "number"
    assert not outcomes["X | None"].ok
    assert outcomes["X | None"].error is not None
    assert "UnionType" in outcomes["X | None"].error
    assert not outcomes["'str'"].ok
    assert outcomes["Optional"].ok
    assert outcomes["Optional"].json_type == "Optional"


def test_knowledge_pickles_and_compares_by_fingerprint(knowledge: Knowledge) -> None:
    copy = pickle.loads(pickle.dumps(knowledge))
    assert copy == knowledge
    assert hash(copy) == hash(knowledge)
    assert copy.fingerprint == knowledge.fingerprint
    assert copy.member("Branch", "run") == knowledge.member("Branch", "run")
    assert load_knowledge(ENV).fingerprint == knowledge.fingerprint
