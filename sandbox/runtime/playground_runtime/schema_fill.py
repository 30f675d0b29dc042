"""A deterministic JSON value for a JSON schema: how the offline model fills a response format.

Every field gets a value of its type, defaults included (a model is asked for all of them):
strings `"offline <field name>"` (or a valid sample for `format`s such as `date`), numbers 1
(moved into `minimum`/`maximum`), booleans false, arrays one item, enums their first value,
optional (`anyOf [..., null]`) fields their non-null type. `$ref`s are followed, and
recursion stops at a fixed depth. A caller can decide any field by name first (`decide`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

JsonSchema = dict[str, Any]
# Returns the value for the named field, or NOT_DECIDED to let the schema decide.
Decide = Callable[[str, JsonSchema], Any]
NOT_DECIDED: Any = object()

_MAX_DEPTH = 8
_FORMAT_SAMPLES = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00",
    "duration": "P1D",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "hostname": "example.com",
}


def fill_schema(schema: JsonSchema, decide: Decide | None = None) -> Any:
    """A value that validates against `schema` (as far as its keywords are understood)."""
    return _Filler(schema, decide).value(schema, "value", 0)


class _Filler:
    def __init__(self, root: JsonSchema, decide: Decide | None) -> None:
        self.root = root
        self.decide = decide

    def value(self, schema: JsonSchema, name: str, depth: int) -> Any:
        schema = self.resolve(schema)
        if depth > _MAX_DEPTH:
            return [] if schema.get("type") == "array" else None
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return schema["enum"][0]
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                return self.value(_first_not_null(options, self.resolve), name, depth)
        if isinstance(schema.get("allOf"), list) and schema["allOf"]:
            merged: JsonSchema = {}
            for part in schema["allOf"]:
                if isinstance(part, dict):
                    merged.update(self.resolve(part))
            return self.value(merged, name, depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind is None and "properties" in schema:
            kind = "object"
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return self.array(schema, name, depth)
        if kind == "string":
            return _string(schema, name)
        if kind in ("integer", "number"):
            return _number(schema, integer=kind == "integer")
        if kind == "boolean":
            return False
        return None

    def object(self, schema: JsonSchema, depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        result: dict[str, Any] = {}
        if not isinstance(properties, dict):
            return result
        for key, sub in properties.items():
            sub = sub if isinstance(sub, dict) else {}
            decided = self.decide(key, self.resolve(sub)) if self.decide else NOT_DECIDED
            result[key] = decided if decided is not NOT_DECIDED else self.value(sub, key, depth + 1)
        return result

    def array(self, schema: JsonSchema, name: str, depth: int) -> list[Any]:
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list):
            return [self.value(p if isinstance(p, dict) else {}, name, depth + 1) for p in prefix]
        # Recursive models (a tree's children) end in empty lists.
        count = (
            int(schema.get("minItems", 0))
            if depth >= _MAX_DEPTH
            else max(1, int(schema.get("minItems", 1)))
        )
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        items = schema.get("items")
        item_schema = items if isinstance(items, dict) else {}
        return [self.value(item_schema, name, depth + 1) for _ in range(count)]

    def resolve(self, schema: JsonSchema) -> JsonSchema:
        seen = 0
        while isinstance(schema.get("$ref"), str) and seen < _MAX_DEPTH:
            target = _pointer(self.root, schema["$ref"])
            extra = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **extra} if isinstance(target, dict) else extra
            seen += 1
        return schema


def _first_not_null(options: list[Any], resolve: Callable[[JsonSchema], JsonSchema]) -> JsonSchema:
    for option in options:
        if isinstance(option, dict) and resolve(option).get("type") != "null":
            return option
    first = options[0]
    return first if isinstance(first, dict) else {}


def _pointer(root: JsonSchema, ref: str) -> Any:
    if not ref.startswith("#"):
        return None
    node: Any = root
    for part in ref.lstrip("#").strip("/").split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _string(schema: JsonSchema, name: str) -> str:
    text = _FORMAT_SAMPLES.get(str(schema.get("format", "")), "offline " + name.replace("_", " "))
    min_length = int(schema.get("minLength", 0))
    if len(text) < min_length:
        text = text + "x" * (min_length - len(text))
    if "maxLength" in schema:
        text = text[: int(schema["maxLength"])]
    return text


def _number(schema: JsonSchema, *, integer: bool) -> int | float:
    value: float = 1
    low, high = schema.get("minimum"), schema.get("maximum")
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    step = 1 if integer else 0.5
    if isinstance(low, (int, float)):
        value = max(value, low)
    if isinstance(exclusive_low, (int, float)) and value <= exclusive_low:
        value = exclusive_low + step
    if isinstance(high, (int, float)):
        value = min(value, high)
    if isinstance(exclusive_high, (int, float)) and value >= exclusive_high:
        value = exclusive_high - step
    multiple = schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and multiple > 0:
        value = math.ceil(value / multiple) * multiple
    if integer:
        return math.ceil(value)
    return float(value)
