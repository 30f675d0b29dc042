"""The provider-neutral chat request the offline model answers, and lionagi's prompt format.

`ChatRequest` is what `wire` reads off an OpenAI or Anthropic payload. lionagi renders
each user turn as a small YAML document (`Instruction:`, `Context:`, `Tools:`,
`ResponseSchema:`, `ResponseFormat:`); `read_turn` reads one back, and tool results
(lionagi puts them in the `Context:` of the turn after the call) come out as `ToolResult`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

JsonSchema = dict[str, Any]


@dataclass(frozen=True)
class Message:
    role: str
    text: str


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    parameters: JsonSchema


@dataclass(frozen=True)
class ToolResult:
    function: str
    arguments: dict[str, Any]
    output: Any


@dataclass(frozen=True)
class ChatRequest:
    messages: tuple[Message, ...]
    model: str = ""
    # A schema the provider was asked to enforce (OpenAI `response_format: json_schema`).
    native_schema: JsonSchema | None = None


@dataclass
class Turn:
    """One user turn as lionagi rendered it (or plain text, when it is not lionagi's)."""

    raw: str
    instruction: str
    guidance: str = ""
    context: list[Any] = field(default_factory=list)
    tools: list[ToolSpec] = field(default_factory=list)
    schema: JsonSchema | None = None
    format_hint: str = ""

    @property
    def tool_results(self) -> list[ToolResult]:
        return [result for item in self.context if (result := _tool_result(item)) is not None]


_SECTIONS = ("Guidance", "Instruction", "Context", "Tools", "ResponseSchema", "ResponseFormat")
# Appended by lionagi when the endpoint counts tokens (ReAct asks for it).
_TOKEN_USAGE_NOTE = re.compile(r"\n\nEstimated Current Token Usage: [\d,]+(?:/[\d,]+)?\s*\Z")


def read_turn(text: str) -> Turn:
    """Read a user turn; text that is not lionagi's YAML is all instruction."""
    body = _TOKEN_USAGE_NOTE.sub("", text)
    doc = _load_yaml(body) if "Instruction:" in body or "ResponseSchema:" in body else None
    if not isinstance(doc, dict) or not any(key in doc for key in _SECTIONS):
        return Turn(raw=text, instruction=body.strip())
    context = doc.get("Context")
    schema = doc.get("ResponseSchema")
    return Turn(
        raw=text,
        instruction=_text(doc.get("Instruction")),
        guidance=_text(doc.get("Guidance")),
        context=context if isinstance(context, list) else [] if context is None else [context],
        tools=_tool_specs(doc.get("Tools")),
        schema=schema if isinstance(schema, dict) else None,
        format_hint=_text(doc.get("ResponseFormat")),
    )


_INSTRUCTION_LINE = re.compile(r"^Instruction:", re.MULTILINE)
_GUIDANCE_LINE = re.compile(r"^Guidance:", re.MULTILINE)


def last_turn_of_transcript(prompt: str) -> str:
    """The latest user turn of a CLI provider's prompt, which is the conversation joined.

    lionagi sends Claude Code and its kin every message's text, one after the other; a
    user turn of lionagi's starts with `Guidance:` (when it has one) or `Instruction:`.
    """
    instructions = list(_INSTRUCTION_LINE.finditer(prompt))
    if not instructions:
        return prompt
    start = instructions[-1].start()
    previous = instructions[-2].end() if len(instructions) > 1 else 0
    guidance = [m for m in _GUIDANCE_LINE.finditer(prompt, previous, start)]
    return prompt[guidance[-1].start() if guidance else start :]


def tool_specs(items: Any) -> list[ToolSpec]:
    """Tools in OpenAI's function format (what lionagi renders) or Anthropic's."""
    return _tool_specs(items)


def _load_yaml(text: str) -> Any:
    import yaml  # type: ignore[import-untyped]  # a lionagi dependency, loaded on first answer

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _tool_specs(items: Any) -> list[ToolSpec]:
    specs: list[ToolSpec] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        nested = item.get("function")
        function: dict[str, Any] = nested if isinstance(nested, dict) else item
        name = function.get("name")
        if not isinstance(name, str) or not name:
            continue
        parameters = function.get("parameters") or function.get("input_schema") or {}
        specs.append(
            ToolSpec(
                name=name,
                description=_text(function.get("description")),
                parameters=parameters if isinstance(parameters, dict) else {},
            )
        )
    return specs


def _tool_result(item: Any) -> ToolResult | None:
    if not isinstance(item, dict) or "function" not in item or "output" not in item:
        return None
    arguments = item.get("arguments")
    return ToolResult(
        function=str(item["function"]),
        arguments=arguments if isinstance(arguments, dict) else {},
        output=item["output"],
    )
