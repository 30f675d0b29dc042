"""The curated part of the lionagi knowledge: what was removed or renamed, and when.

Data, not code. What exists today is read from the installed lionagi; these
tables only say what people still write from older versions (or from other
libraries) and what to write instead. Every rule that reads them first checks
the live knowledge, so a name lionagi brings back is no longer reported.
Sources: lionagi's changelog, reproduced on 0.36 (see /work/shared/LIONAGI.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["removed", "never", "deprecated"]
Failure = Literal["TypeError", "ValidationError", "ignored", "deprecated"]


@dataclass(frozen=True, slots=True)
class RemovedName:
    """A name importable from `module` once (or never), with what to use instead."""

    module: str
    name: str
    status: Status
    version: str | None
    replacement: str
    """What to write instead, for the message."""
    rename_to: str | None = None
    """Set when the fix is a straight rename of the imported name."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class RemovedMethod:
    """A method of an exported class (`Branch`) that is gone."""

    cls: str
    name: str
    status: Status
    version: str | None
    replacement: str
    rename_to: str | None = None
    """Replacement text for the attribute (`operate`, `msgs.add_message`)."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class RemovedKeyword:
    """A keyword argument a callable no longer takes.

    `target` is an export (`Branch`, `iModel`: the constructor) or `Export.method`.
    """

    target: str
    keyword: str
    failure: Failure
    version: str | None
    rename_to: str | None
    """The keyword to use instead; None when the argument should just go."""
    note: str = ""


@dataclass(frozen=True, slots=True)
class MovedModule:
    old_prefix: str
    new_prefix: str
    version: str
    note: str = ""


_V05 = "0.5"
_OPS = "use `Builder` to build an operation graph and `await session.flow(graph)` to run it"

REMOVED_NAMES: tuple[RemovedName, ...] = (
    RemovedName("lionagi", "Agent", "never", None, "`Branch`", "Branch",
                "the agent / conversation object of lionagi is `Branch`"),
    RemovedName("lionagi", "Conversation", "never", None, "`Branch`", "Branch",
                "the agent / conversation object of lionagi is `Branch`"),
    RemovedName("lionagi", "Services", "removed", _V05,
                "`iModel(provider=..., model=...)`"),
    RemovedName("lionagi", "direct", "removed", _V05,
                "the `Branch` methods (`await branch.operate(...)`, `communicate`, `ReAct`)"),
    RemovedName("lionagi", "func_to_tool", "removed", _V05,
                "the function itself (`Branch(tools=[f])` or `branch.register_tools(f)`)"),
    RemovedName("lionagi", "Form", "removed", _V05,
                "a pydantic model passed as `response_format=`"),
    RemovedName("lionagi", "Report", "removed", _V05,
                "a pydantic model passed as `response_format=`"),
    RemovedName("lionagi", "Worker", "removed", _V05, _OPS),
    RemovedName("lionagi", "work", "removed", _V05, _OPS),
    RemovedName("lionagi", "worklink", "removed", _V05, _OPS),
    RemovedName("lionagi", "pile", "removed", _V05, "the `Pile` class"),
    RemovedName("lionagi", "progression", "removed", _V05, "the `Progression` class"),
    RemovedName("lionagi", "Tree", "removed", _V05, "`Graph`"),
    RemovedName("lionagi", "chunk", "removed", _V05, "your own splitting, or a library for it"),
    RemovedName("lionagi", "load", "removed", _V05, "your own loading, or a library for it"),
    RemovedName("lionagi", "cd", "removed", _V05, "`Branch` methods"),
    RemovedName("lionagi", "bcall", "removed", _V05, "`lionagi.ln.bcall`"),
    RemovedName("lionagi", "tcall", "removed", _V05,
                "`alcall` with `retry_timeout=`, or `asyncio.wait_for`"),
    RemovedName("lionagi", "to_df", "removed", _V05, "`branch.to_df()` (needs pandas)"),
    RemovedName("lionagi", "to_readable_dict", "removed", _V05, "`to_dict`"),
    RemovedName("lionagi", "Settings", "removed", "0.6",
                "environment variables (read by `lionagi.config.settings`)"),
    RemovedName("lionagi", "Step", "removed", "0.6",
                "`await branch.operate(..., reason=True, actions=True)`"),
    RemovedName("lionagi", "LiteiModel", "removed", "0.10", "`iModel`", "iModel"),
    RemovedName("lionagi", "op", "removed", "0.10", "the `Branch` methods"),
    RemovedName("lionagi", "ops_types", "removed", "0.10", "the `Branch` methods"),
    RemovedName("lionagi", "brainstorm", "removed", "0.16", _OPS),
    RemovedName("lionagi", "plan", "removed", "0.16", _OPS),
    RemovedName("lionagi", "flow", "removed", "0.16", _OPS),
    RemovedName("lionagi", "AgentConfig", "removed", "0.27.1",
                "`AgentSpec.compose()` or `AgentSpec.coding()` (from `lionagi.agent`)"),
    RemovedName("lionagi.agent", "AgentConfig", "removed", "0.27.1",
                "`AgentSpec.compose()` or `AgentSpec.coding()`"),
    RemovedName("lionagi", "create_message", "deprecated", "0.27",
                "`branch.msgs.create_message(...)` (MessageManager.create_message)"),
    RemovedName("lionagi.service.connections", "CLIEndpoint", "deprecated", None,
                "`AgenticEndpoint`", "AgenticEndpoint"),
    RemovedName("lionagi.service.connections.cli_endpoint", "CLIEndpoint", "deprecated", None,
                "`AgenticEndpoint` (from `lionagi.service.connections`)"),
    RemovedName("lionagi.hooks.builtins", "log_tool_use", "deprecated", "0.29",
                "a hook of your own"),
    RemovedName("lionagi.agent.hooks", "log_tool_use", "deprecated", "0.29",
                "a hook of your own"),
)  # fmt: skip

REMOVED_METHODS: tuple[RemovedMethod, ...] = (
    RemovedMethod("Branch", "instruct", "removed", "0.22.6",
                  "`await branch.operate(...)` with the same keywords", "operate",
                  "it was removed in 0.18.1, came back in 0.22.0 and went again in 0.22.6"),
    RemovedMethod("Branch", "translate", "removed", "0.16.2",
                  "`await branch.communicate(\"Translate ...\")`"),
    RemovedMethod("Branch", "compress", "removed", "0.16.2",
                  "`await branch.communicate(\"Summarize ...\")`"),
    RemovedMethod("Branch", "select", "removed", "0.17.6",
                  "`await branch.operate(..., response_format=Choice)` (a model of the choice)"),
    RemovedMethod("Branch", "send", "removed", "0.18.1", "`session.send(...)` on a `Session`"),
    RemovedMethod("Branch", "receive", "removed", "0.18.1",
                  "`session.receive(...)` on a `Session`"),
    RemovedMethod("Branch", "asend", "removed", "0.18.1", "`session.send(...)` on a `Session`"),
    RemovedMethod("Branch", "areceive", "removed", "0.18.1",
                  "`session.receive(...)` on a `Session`"),
    RemovedMethod("Branch", "receive_all", "removed", "0.18.1",
                  "`session.receive(...)` on a `Session`"),
    RemovedMethod("Branch", "add_message", "never", None, "`branch.msgs.add_message(...)`",
                  "msgs.add_message"),
    RemovedMethod("Branch", "think", "never", None,
                  "`await branch.operate(..., reason=True)` or `await branch.ReAct(...)`"),
)  # fmt: skip

_ORM = "0.26.17"
REMOVED_KEYWORDS: tuple[RemovedKeyword, ...] = (
    RemovedKeyword("Branch.communicate", "request_model", "TypeError", _ORM, "response_format"),
    RemovedKeyword("Branch.communicate", "operative_model", "TypeError", _ORM, "response_format"),
    RemovedKeyword("Branch.communicate", "imodel", "TypeError", _ORM, "chat_model",
                   "`chat()` still takes `imodel=`"),
    RemovedKeyword("Branch.operate", "request_model", "TypeError", _ORM, "response_format"),
    RemovedKeyword("Branch.operate", "operative_model", "TypeError", _ORM, "response_format"),
    RemovedKeyword("Branch.operate", "imodel", "TypeError", _ORM, "chat_model",
                   "`chat()` still takes `imodel=`"),
    RemovedKeyword("Branch", "imodel", "ValidationError", None, "chat_model"),
    RemovedKeyword("Branch", "parse_imodel", "ValidationError", None, "parse_model"),
    RemovedKeyword("Branch", "system_template", "deprecated", "0.27", None,
                   "template rendering was removed; it has no effect"),
    RemovedKeyword("Branch", "system_template_context", "deprecated", "0.27", None,
                   "template rendering was removed; it has no effect"),
    RemovedKeyword("iModel", "task", "ignored", None, "endpoint"),
    RemovedKeyword("iModel", "interval_tokens", "ignored", None, "limit_tokens"),
    RemovedKeyword("iModel", "interval_requests", "ignored", None, "limit_requests"),
    RemovedKeyword("iModel", "api_key_schema", "ignored", None, None,
                   "the key is read from the provider's environment variable, or `api_key=`"),
)  # fmt: skip

MOVED_MODULES: tuple[MovedModule, ...] = (
    MovedModule("lionagi.service.connections.providers", "lionagi.providers", "0.23.1",
                "provider endpoints now live in `lionagi.providers.<company>.<endpoint>`"),
    MovedModule("lionagi.service.third_party", "lionagi.providers", "0.23.1",
                "provider endpoints now live in `lionagi.providers.<company>.<endpoint>`"),
)  # fmt: skip

PROVIDER_ALIASES: tuple[tuple[str, str], ...] = (
    # Names people guess for a provider, beyond what difflib finds. "claude" is
    # not here: it is a real alias (of the Claude Code CLI).
    ("google", "gemini"),
    ("google-gemini", "gemini"),
    ("googleai", "gemini"),
    ("google-ai", "gemini"),
    ("google_genai", "gemini"),
    ("vertex", "gemini"),
    ("vertexai", "gemini"),
    ("claude-api", "anthropic"),
    ("claude_api", "anthropic"),
    ("chatgpt", "openai"),
    ("gpt", "openai"),
    ("oai", "openai"),
    ("open-ai", "openai"),
    ("open_ai", "openai"),
    ("azure", "openai"),
    ("azure-openai", "openai"),
    ("meta", "groq"),
    ("llama", "ollama"),
)

MODEL_PREFIXES: tuple[tuple[str, str], ...] = (
    # Model-name prefix (lower case) -> the provider whose own models they are.
    ("gpt-", "openai"),
    ("chatgpt-", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("text-embedding-", "openai"),
    ("dall-e", "openai"),
    ("gpt-image", "openai"),
    ("whisper", "openai"),
    ("tts-", "openai"),
    ("codex-mini", "openai"),
    ("claude-", "anthropic"),
    ("gemini-", "gemini"),
    ("deepseek-", "deepseek"),
    ("sonar", "perplexity"),
)

FIRST_PARTY_PROVIDERS: frozenset[str] = frozenset(
    # Providers that serve only their own models: a model of another family
    # sent to them fails. Routers (openrouter, groq, ollama, nvidia_nim, ...)
    # serve everyone's models and are never checked.
    {"openai", "anthropic", "gemini", "deepseek", "perplexity"}
)

API_FALLBACK: str = "openai"
"""Suggested for a local CLI provider whose company has no HTTP API provider."""


@dataclass(frozen=True, slots=True)
class History:
    """The curated tables, bundled so a `Knowledge` carries (and fingerprints) them."""

    removed_names: tuple[RemovedName, ...] = REMOVED_NAMES
    removed_methods: tuple[RemovedMethod, ...] = REMOVED_METHODS
    removed_keywords: tuple[RemovedKeyword, ...] = REMOVED_KEYWORDS
    moved_modules: tuple[MovedModule, ...] = MOVED_MODULES
    provider_aliases: tuple[tuple[str, str], ...] = PROVIDER_ALIASES
    model_prefixes: tuple[tuple[str, str], ...] = MODEL_PREFIXES
    first_party_providers: frozenset[str] = field(default=FIRST_PARTY_PROVIDERS)
    api_fallback: str = API_FALLBACK

    def probe_names(self) -> tuple[tuple[str, str], ...]:
        """(module, name) pairs outside `lionagi` itself whose presence the introspection checks."""
        return tuple(
            sorted({(e.module, e.name) for e in self.removed_names if e.module != "lionagi"})
        )

    def content(self) -> str:
        """A stable text of every table, for fingerprints."""
        return repr(
            (
                self.removed_names,
                self.removed_methods,
                self.removed_keywords,
                self.moved_modules,
                self.provider_aliases,
                self.model_prefixes,
                sorted(self.first_party_providers),
                self.api_fallback,
            )
        )
