"""What offline mode changes in lionagi: each change applied to its module as it loads.

- `Endpoint._call_http` and `Endpoint._stream_http`, the two places every HTTP provider
  sends a request, answer from the offline model in the endpoint's own wire format
  (`wire`), so provider="openai", "anthropic" or any OpenAI-compatible provider, with
  whatever model name, reaches no network and runs lionagi's real response handling.
  When the run has a recording (`recording`), its calls answer first, in order, until one
  differs from the call being made.
- `Endpoint._account_routing_enabled` is always false: Anthropic account routing keeps a
  ledger database under the home directory.
- Token counting (`TokenCalculator`, `estimate_payload_input_tokens`) is approximate
  (`tokens`): tiktoken would download its encoding file.
- The CLI providers (claude_code, codex, gemini_code, pi) answer from the offline model
  instead of spawning their CLIs, which the sandbox does not have; so `branch.run(...)`,
  which lionagi allows only on them, streams offline too.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from types import ModuleType
from typing import Any

from playground_runtime import chat, recording, tokens, wire
from playground_runtime.offline_model import DEFAULT_FOLLOW_UP_PROMPTS, OfflineModel
from playground_runtime.script import OfflineModelError, find_script, load_script

ENDPOINT_MODULE = "lionagi.service.connections.endpoint"
TOKEN_CALCULATOR_MODULE = "lionagi.service.token_calculator"
API_CALLING_MODULE = "lionagi.service.connections.api_calling"

_model: OfflineModel | None = None
_calls = itertools.count(1)


def offline_model() -> OfflineModel:
    """The process's offline model, made at the first call (its script read then)."""
    global _model
    if _model is None:
        _model = OfflineModel(load_script(find_script()), _follow_up_prompts())
    return _model


def answer(endpoint: Any, payload: dict[str, Any]) -> tuple[wire.ApiKind, Any, str, int]:
    """The offline reply to `payload` sent to `endpoint`: (wire format, request, text, call no.)."""
    config = endpoint.config
    kind = wire.api_kind(str(config.endpoint))
    if kind is None:
        raise OfflineModelError(
            f"the playground's offline model answers chat requests only; {config.provider} "
            f"{config.endpoint!r} needs the network (supply an API key and allow network)"
        )
    request = wire.read_request(kind, payload)
    if not any(message.role == "user" for message in request.messages):
        # What the provider would answer with a 400: there is nothing to reply to.
        raise OfflineModelError(
            f"the request to {config.provider} {config.endpoint!r} carries no user message "
            "(the provider would refuse it too)"
        )
    return kind, request, offline_model().respond(request), next(_calls)


def patch_endpoint(module: ModuleType) -> None:
    endpoint_class = module.Endpoint

    async def _call_http(self: Any, payload: dict[str, Any], headers: Any, **_: Any) -> Any:
        replayed = recording.replayed_response(payload)
        if replayed is not None:
            return replayed
        kind, request, text, call = answer(self, payload)
        return wire.response_body(kind, request, text, call)

    async def _stream_http(
        self: Any, payload: dict[str, Any], headers: Any, **_: Any
    ) -> AsyncIterator[Any]:
        chunks = recording.replayed_chunks(payload)
        if chunks is not None:
            for data in chunks:
                yield self._line_to_stream_chunk(data)
            return
        kind, request, text, call = answer(self, payload)
        for data in wire.stream_events(kind, request, text, call):
            yield self._line_to_stream_chunk(data)

    def _account_routing_enabled(self: Any) -> bool:
        return False

    endpoint_class._call_http = _call_http
    endpoint_class._stream_http = _stream_http
    endpoint_class._account_routing_enabled = _account_routing_enabled
    endpoint_class.playground_offline = True


def patch_cli_endpoints(module: ModuleType) -> None:
    """The module's CLI endpoints (Claude Code, Codex, ...) answer from the offline model.

    Their CLIs are not in the sandbox; offline, `branch.run(...)` (which lionagi allows only on
    CLI endpoints) streams the offline model's reply as the CLI's text events would.
    """
    from lionagi.service.connections.agentic_endpoint import AgenticEndpoint

    for value in list(vars(module).values()):
        if (
            isinstance(value, type)
            and issubclass(value, AgenticEndpoint)
            and value.__module__ == module.__name__
        ):
            endpoint_class: Any = value
            endpoint_class.stream = _cli_stream
            endpoint_class._call = _cli_call
            endpoint_class.playground_offline = True


async def _cli_call(self: Any, payload: dict[str, Any], headers: Any, **_: Any) -> Any:
    # The shape of Claude Code's final event, which lionagi reads as the reply's text.
    return {"result": _cli_answer(payload["request"]), "session_id": None}


async def _cli_stream(self: Any, request: Any, **kwargs: Any) -> AsyncIterator[Any]:
    from lionagi.service.types.stream_chunk import StreamChunk

    if isinstance(request, dict) and "request" in request:
        request_object = request["request"]
    else:
        request_object = self.create_payload(request, **kwargs)[0]["request"]
    for piece in wire.text_pieces(_cli_answer(request_object)):
        yield StreamChunk(type="text", content=piece, is_delta=True)
    yield StreamChunk(type="result", metadata={"done": True})


def _cli_answer(request: Any) -> str:
    prompt = getattr(request, "prompt", None)
    if not isinstance(prompt, str) or not prompt:
        raise OfflineModelError("the offline model found no prompt in the CLI request")
    messages = [chat.Message("user", chat.last_turn_of_transcript(prompt))]
    system = getattr(request, "system_prompt", None)
    if isinstance(system, str) and system:
        messages.insert(0, chat.Message("system", system))
    return offline_model().respond(chat.ChatRequest(tuple(messages)))


def patch_token_calculator(module: ModuleType) -> None:
    calculator = module.TokenCalculator
    calculator.calculate_message_tokens = staticmethod(tokens.count_messages)
    calculator.calculate_embed_token = staticmethod(tokens.count_embed_inputs)
    calculator.tokenize = staticmethod(tokens.tokenize)


def patch_api_calling(module: ModuleType) -> None:
    module.__dict__["estimate_payload_input_tokens"] = tokens.estimate_payload


CLI_ENDPOINT_MODULES = (
    "lionagi.providers.anthropic.claude_code",
    "lionagi.providers.openai.codex",
    "lionagi.providers.google.gemini_code",
    "lionagi.providers.pi.cli",
)

PATCHES: dict[str, Callable[[ModuleType], None]] = {
    ENDPOINT_MODULE: patch_endpoint,
    TOKEN_CALCULATOR_MODULE: patch_token_calculator,
    API_CALLING_MODULE: patch_api_calling,
    **dict.fromkeys(CLI_ENDPOINT_MODULES, patch_cli_endpoints),
}


def patch_module(name: str, module: ModuleType) -> None:
    """The hook `boot` runs after each of PATCHES' modules executes."""
    PATCHES[name](module)


def _follow_up_prompts() -> tuple[str, ...]:
    """The installed lionagi's own follow-up prompts (0.36's when they cannot be read)."""
    try:
        from lionagi.operations.ReAct.utils import ReActAnalysis
    except ImportError:
        return DEFAULT_FOLLOW_UP_PROMPTS
    templates = (
        getattr(ReActAnalysis, "FIRST_EXT_PROMPT", None),
        getattr(ReActAnalysis, "CONTINUE_EXT_PROMPT", None),
        getattr(ReActAnalysis, "ANSWER_PROMPT", None),
    )
    if not all(isinstance(t, str) for t in templates):
        return DEFAULT_FOLLOW_UP_PROMPTS
    return (*(str(t) for t in templates), DEFAULT_FOLLOW_UP_PROMPTS[-1])
