"""Which offered tools the offline model calls, and with what arguments, read off the task.

A tool is chosen when words of the task meet words of its name or description (a few
arithmetic words count as their operation: "times" is "multiply"); when none meets any,
the first tool is chosen, so a tool offered with `actions=True` always really runs.
Arguments come from the task's text by parameter type: numbers in the order they appear;
strings from quoted text, then capitalised names ("Paris"), then the task itself (always
the task itself for parameters named like `query`); an enum the value the task names, or
its first; booleans false; anything else a filled schema value.
"""

from __future__ import annotations

import re
from typing import Any

from playground_runtime.chat import ToolSpec
from playground_runtime.schema_fill import fill_schema

_SYNONYMS = {
    "times": "multiply",
    "product": "multiply",
    "multiplied": "multiply",
    "plus": "add",
    "sum": "add",
    "total": "add",
    "minus": "subtract",
    "difference": "subtract",
    "divided": "divide",
    "quotient": "divide",
}
_STOP_TEXT = (
    "a an and are as at be by can do for from how i in is it me my of on or the this to two "
    "what when where which who why with you your"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_WHOLE_TASK_PARAMETERS = frozenset({"query", "q", "text", "question", "prompt", "input", "message"})
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.]*\w)")
_QUOTED = re.compile(r"\"([^\"]+)\"|'([^']+)'")
_NAME = re.compile(r"\b[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*")


def choose_tools(task: str, tools: list[ToolSpec]) -> list[ToolSpec]:
    """The tools that fit `task` best (the first tool when none fits at all)."""
    if not tools:
        return []
    task_words = _words(task)
    scores = [len(task_words & (_words(t.name) | _words(t.description))) for t in tools]
    best = max(scores)
    if best == 0:
        return [tools[0]]
    return [tool for tool, score in zip(tools, scores, strict=True) if score == best]


def tool_arguments(task: str, tool: ToolSpec) -> dict[str, Any]:
    """Arguments for `tool` read off `task`, by the tool's parameter schema."""
    properties = tool.parameters.get("properties")
    if not isinstance(properties, dict):
        return {}
    numbers = [_as_number(match) for match in _NUMBER.findall(task)]
    strings = [a or b for a, b in _QUOTED.findall(task)] + _names(task)
    arguments: dict[str, Any] = {}
    for name, schema in properties.items():
        schema = schema if isinstance(schema, dict) else {}
        kind = _kind(schema)
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            arguments[name] = _named_choice(task, schema["enum"])
        elif kind in ("number", "integer"):
            value = numbers.pop(0) if numbers else 1
            arguments[name] = int(value) if kind == "integer" else value
        elif kind == "string":
            if name.lower() in _WHOLE_TASK_PARAMETERS or not strings:
                arguments[name] = task
            else:
                arguments[name] = strings.pop(0)
        elif kind == "boolean":
            arguments[name] = False
        elif kind == "array" and _kind(schema.get("items") or {}) in ("number", "integer"):
            arguments[name], numbers = numbers, []
        else:
            arguments[name] = fill_schema(schema)
    return arguments


def _words(text: str) -> set[str]:
    words = set()
    for word in re.findall(r"[a-z]+", _split_camel(text).lower()):
        word = _SYNONYMS.get(word, word)
        if word in _STOP_WORDS or len(word) < 3:
            continue
        words.add(word[:-1] if word.endswith("s") and len(word) > 3 else word)
    return words


def _split_camel(text: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).replace("_", " ")


def _kind(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None:
        for option in schema.get("anyOf") or []:
            if isinstance(option, dict) and option.get("type") not in (None, "null"):
                return str(option["type"])
    return str(kind) if kind else ""


def _as_number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


def _names(task: str) -> list[str]:
    """Capitalised words and runs of them, less a sentence's first word and words like "I"."""
    names = []
    for match in _NAME.finditer(task):
        start = match.start()
        before = task[:start].rstrip()
        sentence_start = not before or before[-1] in ".!?:\n"
        words = match.group(0).split()
        if sentence_start:
            words = words[1:]
        words = [word for word in words if word.lower() not in _STOP_WORDS]
        if words:
            names.append(" ".join(words))
    return names


def _named_choice(task: str, choices: list[Any]) -> Any:
    lowered = task.lower()
    for choice in choices:
        if isinstance(choice, str) and choice.lower() in lowered:
            return choice
    return choices[0]
