"""Provider wire formats: a provider's request payload in, its response body or stream out.

The offline model answers in the shape the called endpoint expects, so all of lionagi's own
response handling runs as it would against the real API: OpenAI Chat Completions (also the
shape of the OpenAI-compatible providers: groq, deepseek, openrouter, ollama, ...), the
Anthropic Messages API, and the OpenAI Responses API. Streams are the providers' event
objects as JSON text, one per server-sent event.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from playground_runtime import tokens
from playground_runtime.chat import ChatRequest, JsonSchema, Message

ApiKind = Literal["openai_chat", "anthropic_messages", "openai_responses"]


def api_kind(endpoint_path: str) -> ApiKind | None:
    """The wire format of an endpoint path (`chat/completions`, `messages`, `responses`)."""
    path = endpoint_path.strip("/")
    if path.endswith("chat/completions") or path == "chat":
        return "openai_chat"
    if path.endswith("messages"):
        return "anthropic_messages"
    if path.endswith("responses"):
        return "openai_responses"
    return None


def read_request(kind: ApiKind, payload: dict[str, Any]) -> ChatRequest:
    model = str(payload.get("model") or "")
    if kind == "openai_chat":
        messages = [
            _message(m.get("role"), m.get("content")) for m in _dicts(payload.get("messages"))
        ]
        return ChatRequest(tuple(messages), model, _openai_schema(payload.get("response_format")))
    if kind == "anthropic_messages":
        system = payload.get("system")
        messages = [_message("system", system)] if system else []
        messages += [
            _message(m.get("role"), m.get("content")) for m in _dicts(payload.get("messages"))
        ]
        return ChatRequest(tuple(messages), model)
    instructions = payload.get("instructions")
    messages = [_message("system", instructions)] if instructions else []
    items = payload.get("input")
    if isinstance(items, str):
        messages.append(Message("user", items))
    else:
        messages += [_message(m.get("role", "user"), m.get("content")) for m in _dicts(items)]
    text_options = payload.get("text")
    schema_format = text_options.get("format") if isinstance(text_options, dict) else None
    return ChatRequest(tuple(messages), model, _openai_schema(schema_format))


def response_body(kind: ApiKind, request: ChatRequest, text: str, call: int) -> dict[str, Any]:
    usage_in, usage_out = _prompt_tokens(request), tokens.count(text)
    if kind == "openai_chat":
        return {
            "id": f"chatcmpl-offline-{call}",
            "object": "chat.completion",
            "created": 0,
            "model": request.model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": usage_in,
                "completion_tokens": usage_out,
                "total_tokens": usage_in + usage_out,
            },
        }
    if kind == "anthropic_messages":
        return {
            "id": f"msg_offline_{call}",
            "type": "message",
            "role": "assistant",
            "model": request.model,
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": usage_in, "output_tokens": usage_out},
        }
    return {
        "id": f"resp_offline_{call}",
        "object": "response",
        "created_at": 0,
        "status": "completed",
        "model": request.model,
        "output": [
            {
                "type": "message",
                "id": f"msg_offline_{call}",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ],
        "usage": {
            "input_tokens": usage_in,
            "output_tokens": usage_out,
            "total_tokens": usage_in + usage_out,
        },
    }


def stream_events(kind: ApiKind, request: ChatRequest, text: str, call: int) -> list[str]:
    """The server-sent events' data of a streamed reply, the text in word-sized deltas."""
    pieces = text_pieces(text)
    body = response_body(kind, request, text, call)
    events: list[Any]
    if kind == "openai_chat":
        head = {
            "id": body["id"],
            "object": "chat.completion.chunk",
            "created": 0,
            "model": request.model,
        }
        events = [
            {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
            *({**head, "choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces),
            {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {**head, "choices": [], "usage": body["usage"]},
        ]
        return [json.dumps(e) for e in events] + ["[DONE]"]
    if kind == "anthropic_messages":
        start = {**body, "content": [], "stop_reason": None}
        start["usage"] = {"input_tokens": body["usage"]["input_tokens"], "output_tokens": 0}
        events = [
            {"type": "message_start", "message": start},
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
            *(
                {
                    "type": "content_block_delta",
                    "index": 0,
                    "delta": {"type": "text_delta", "text": p},
                }
                for p in pieces
            ),
            {"type": "content_block_stop", "index": 0},
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": body["usage"]["output_tokens"]},
            },
            {"type": "message_stop"},
        ]
        return [json.dumps(e) for e in events]
    events = [
        {"type": "response.created", "response": {**body, "status": "in_progress", "output": []}},
        *({"type": "response.output_text.delta", "output_index": 0, "delta": p} for p in pieces),
        {"type": "response.completed", "response": body},
    ]
    return [json.dumps(e) for e in events]


def text_pieces(text: str) -> list[str]:
    """`text` in word-sized deltas (each word with the space before it), as models stream."""
    return re.findall(r"\s*\S+", text) or [text]


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _message(role: Any, content: Any) -> Message:
    role = "system" if role == "developer" else str(role or "user")
    return Message(role, _content_text(content))


def _content_text(content: Any) -> str:
    """The text of a message's content: a string, or the text parts of a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        content = [content]
    parts = []
    for block in content if isinstance(content, list) else []:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and isinstance(block.get("text"), str):
            parts.append(block["text"])
        elif isinstance(block, dict) and block.get("type") == "tool_result":
            parts.append(_content_text(block.get("content")))
    return "\n".join(parts)


def _openai_schema(response_format: Any) -> JsonSchema | None:
    if not isinstance(response_format, dict):
        return None
    kind = response_format.get("type")
    if kind == "json_object":
        return {"type": "object"}
    if kind != "json_schema":
        return None
    holder = response_format.get("json_schema", response_format)
    schema = holder.get("schema") if isinstance(holder, dict) else None
    return schema if isinstance(schema, dict) else {"type": "object"}


def _prompt_tokens(request: ChatRequest) -> int:
    return sum(4 + tokens.count(m.text) for m in request.messages)
