"""The offline lionagi model: a deterministic reply to a chat request, with no network.

`OfflineModel.respond` answers, in this order:

1. the user's script (`script`): the first rule whose prompt matches, then the next
   scripted reply;
2. tool calls: when the turn offers tools and its response format has `action_requests`
   (lionagi's `actions=True`), a call of each chosen tool (`tool_choice`) not already
   answered since the task was given, so the tool really runs and lionagi feeds its result
   back;
3. JSON that fits the requested response schema (`schema_fill`), with `action_required`
   and `extension_needed` true only while calling tools, and free-text fields (`answer`,
   `analysis`, ...) holding the text of 4;
4. text: what the tools returned ("multiply(a=6, b=7) returned 42."), else an echo of the
   task ("[offline echo] What is the capital of France?").

"The task" is the instruction of the latest user turn that is not one of lionagi's own
follow-up prompts (ReAct's extension and final-answer prompts, parse's reformat request).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from playground_runtime.chat import ChatRequest, JsonSchema, ToolResult, Turn, read_turn
from playground_runtime.schema_fill import NOT_DECIDED, fill_schema
from playground_runtime.script import Script
from playground_runtime.tool_choice import choose_tools, tool_arguments

ECHO_PREFIX = "[offline echo] "

# lionagi 0.36's follow-up prompts; `lionagi_patch` reads the installed lionagi's own.
# `{extensions}` and `{instruction}` are the templates' placeholders.
DEFAULT_FOLLOW_UP_PROMPTS: tuple[str, ...] = (
    "This is a multi-step task. You have room for up to {extensions} reason-act rounds — "
    "that is headroom to do the job well, not a target to fill or a clock to race. Plan "
    "across rounds, and within each round batch every independent tool call together "
    "(concurrent actions) so you move fast without wasting rounds. Set extension_needed=True "
    "while the task is unfinished — the normal state as you work. Set it to False ONLY once "
    "you have done the work and verified it succeeded; never for a plan or an interim "
    "summary. Stopping before the task is complete and verified is the only failure.",
    "Keep going — about {extensions} rounds of headroom remain, finish properly. Batch "
    "independent tool calls in this round to stay efficient, take the next actions the task "
    "needs, and observe the results. Set extension_needed=False only once the work is "
    "genuinely done and verified.",
    "Given your reasoning and actions, please now provide the final answer to the user's "
    "request:\n\n{instruction}",
    "reformat text into specified model or structure",
)

# String fields a model writes prose into.
_FREE_TEXT_FIELDS = frozenset(
    {
        "answer",
        "analysis",
        "summary",
        "response",
        "reply",
        "content",
        "text",
        "explanation",
        "reasoning",
        "result",
        "output",
        "message",
    }
)


class OfflineModel:
    def __init__(
        self, script: Script, follow_up_prompts: Sequence[str] = DEFAULT_FOLLOW_UP_PROMPTS
    ) -> None:
        self.script = script
        self.follow_ups = [_template_pattern(t) for t in follow_up_prompts]

    def respond(self, request: ChatRequest) -> str:
        user_turns = [read_turn(m.text) for m in request.messages if m.role == "user"]
        last = user_turns[-1] if user_turns else Turn(raw="", instruction="")
        schema = request.native_schema if request.native_schema is not None else last.schema
        fenced = request.native_schema is None

        matched, reply = self.script.answer(last.instruction or last.raw)
        if matched:
            structured = schema is not None or bool(last.format_hint)
            return reply if isinstance(reply, str) else _json(reply, fenced=structured)

        task_index = self._task_index(user_turns)
        task = self._task_text(user_turns[task_index].instruction) if user_turns else ""
        task = task or last.instruction or last.raw
        results = [r for turn in user_turns[task_index + 1 :] for r in turn.tool_results]
        calls = _tool_calls(task, last, schema, results)
        text = _prose(task, calls, results)
        if schema is None:
            return text

        def decide(name: str, field: JsonSchema) -> Any:
            if name == "action_requests":
                return calls
            if name in ("action_required", "extension_needed"):
                return bool(calls)
            if name == "action_responses":
                return None
            if name in _FREE_TEXT_FIELDS and _is_string(field):
                return text
            return NOT_DECIDED

        return _json(fill_schema(schema, decide), fenced=fenced)

    def _task_index(self, turns: list[Turn]) -> int:
        for index in range(len(turns) - 1, -1, -1):
            if self._task_text(turns[index].instruction):
                return index
        return max(len(turns) - 1, 0)

    def _task_text(self, instruction: str) -> str:
        for pattern in self.follow_ups:
            instruction = pattern.sub("", instruction)
        return instruction.strip()


def _template_pattern(template: str) -> re.Pattern[str]:
    pattern = re.escape(template)
    pattern = pattern.replace(re.escape("{extensions}"), r"\d+")
    pattern = pattern.replace(re.escape("{instruction}"), r".*")
    return re.compile(pattern, re.DOTALL)


def _tool_calls(
    task: str, turn: Turn, schema: JsonSchema | None, results: list[ToolResult]
) -> list[dict[str, Any]]:
    properties = schema.get("properties") if schema else None
    if not turn.tools or not isinstance(properties, dict) or "action_requests" not in properties:
        return []
    answered = {(r.function, _canonical(r.arguments)) for r in results}
    calls = []
    for tool in choose_tools(task, turn.tools):
        arguments = tool_arguments(task, tool)
        if (tool.name, _canonical(arguments)) not in answered:
            calls.append({"function": tool.name, "arguments": arguments})
    return calls


def _prose(task: str, calls: list[dict[str, Any]], results: list[ToolResult]) -> str:
    if calls:
        return (
            "Calling " + ", ".join(_call_text(c["function"], c["arguments"]) for c in calls) + "."
        )
    if results:
        return " ".join(
            f"{_call_text(r.function, r.arguments)} returned {_output_text(r.output)}."
            for r in results
        )
    return ECHO_PREFIX + task


def _call_text(function: str, arguments: dict[str, Any]) -> str:
    return f"{function}({', '.join(f'{k}={v!r}' for k, v in arguments.items())})"


def _output_text(output: Any) -> str:
    return output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)


def _is_string(schema: JsonSchema) -> bool:
    if schema.get("type") == "string":
        return True
    options = schema.get("anyOf") or schema.get("oneOf") or []
    return any(isinstance(o, dict) and o.get("type") == "string" for o in options)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _json(value: Any, *, fenced: bool) -> str:
    text = json.dumps(value, ensure_ascii=False)
    # lionagi's response format asks for a ```json block; a provider-enforced schema does not.
    return f"```json\n{text}\n```" if fenced else text
