"""Reading the collaboration methods' params from JSON, strictly, saying what was wrong."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lionagi_playground.server.collab.operation import Operation, has_lone_surrogate, units
from lionagi_playground.server.collab.store import op_from_json

MAX_SELECTIONS = 100
MAX_INTEGER = 2**53 - 1
"""JavaScript's largest safe integer: what every client can count to, and what SQLite's 64-bit
INTEGER holds with room to spare."""


class CollabParamsError(ValueError):
    """Params that do not fit their method (answered with InvalidParams)."""


def mapping(raw: object, method: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise CollabParamsError(f"params must be an object, not {type(raw).__name__}")
    unknown = sorted(set(raw) - allowed - {"workDoneToken"})
    if unknown:
        raise CollabParamsError(f"{method} takes no {', '.join(unknown)}")
    return raw


def string(params: Mapping[str, Any], key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value:
        raise CollabParamsError(f"{key} must be a non-empty string")
    return value


def optional_string(params: Mapping[str, Any], key: str) -> str | None:
    value = params.get(key)
    if value is not None and not isinstance(value, str):
        raise CollabParamsError(f"{key} must be a string")
    if value is not None and len(value) > 200:
        raise CollabParamsError(f"{key} is at most 200 characters")
    if value is not None:
        valid_text(value, key)
    return value


def valid_text(value: str, what: str) -> str:
    """`value` unless it holds a lone surrogate (JSON can carry one; UTF-8 cannot store it)."""
    if has_lone_surrogate(units(value)):
        raise CollabParamsError(f"{what} holds a lone surrogate (invalid UTF-16)")
    return value


def integer(params: Mapping[str, Any], key: str, *, minimum: int = 0) -> int:
    value = params.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CollabParamsError(f"{key} must be an integer >= {minimum}, not {_short(value)}")
    if value > MAX_INTEGER:
        raise CollabParamsError(f"{key} must be at most {MAX_INTEGER}, not {_short(value)}")
    return value


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{shown[:37]}..."


def operation(params: Mapping[str, Any]) -> Operation:
    if "op" not in params:
        raise CollabParamsError("op is missing")
    return op_from_json(params["op"])


def since(params: Mapping[str, Any]) -> tuple[str, int] | None:
    value = params.get("since")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"clientId", "revision"}:
        raise CollabParamsError("since must be {clientId, revision}")
    return string(value, "clientId"), integer(value, "revision")


def selections(params: Mapping[str, Any]) -> list[dict[str, int]]:
    value = params.get("selections")
    if not isinstance(value, list) or len(value) > MAX_SELECTIONS:
        raise CollabParamsError(f"selections must be a list of at most {MAX_SELECTIONS}")
    out = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"anchor", "head"}:
            raise CollabParamsError("each selection is {anchor, head}")
        out.append({"anchor": integer(item, "anchor"), "head": integer(item, "head")})
    return out
