"""Reading the run methods' params from JSON: strictly, with a message saying what was wrong.

Every check here fails with `RunParamsError`, which the handlers answer as JSON-RPC
InvalidParams. Limits are only checked for names here; their values are checked and clamped
to the server's maxima by the sandbox (`limits.clamp`), which knows the ranges.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lionagi_playground.sandbox.request import MAX_STDIN_BYTES


class RunParamsError(ValueError):
    """Params that do not fit their method: answered with InvalidParams and this message."""


LIMIT_NAMES = (
    "timeout",
    "memoryMb",
    "memoryBytes",
    "cpus",
    "pids",
    "outputBytes",
    "displayBytes",
    "diskBytes",
    "openFiles",
    "network",
)
"""The protocol's limit names (`timeout` in seconds); the sandbox's `clamp` reads them all."""

_PROTOCOL_KEYS = frozenset({"workDoneToken"})
"""Keys LSP lets any request carry; accepted and ignored."""


@dataclass(frozen=True)
class RunParams:
    """`playground/run`: a document (`uri`) or the files themselves, and how to run them."""

    uri: str | None
    files: dict[str, str] | None
    entry: str | None
    playground: str | None
    """A shared run: the playground's files as they are now (collaboration), `entry` named."""
    language: str | None
    stdin: str | None
    limits: dict[str, object]
    """What the client asked for, by protocol name; `clamp` turns it into `Limits`."""
    keys: dict[str, str] = field(default_factory=dict, repr=False)
    """Model API keys for the program's environment (docs/trace.md): never shown anywhere."""
    record: bool = False
    """Record the run's model calls (`playground/recording` before the exit)."""


@dataclass(frozen=True)
class TraceGetParams:
    run_id: str


@dataclass(frozen=True)
class StdinParams:
    run_id: str
    text: str
    eof: bool


@dataclass(frozen=True)
class CancelParams:
    run_id: str


def run_params(raw: object) -> RunParams:
    values = _object(
        raw,
        "playground/run",
        {"uri", "files", "entry", "language", "stdin", "limits", "playground", "keys", "record"},
    )
    uri = _string(values, "uri")
    files = _files(values.get("files"))
    playground = _string(values, "playground")
    if [uri, files, playground].count(None) != 2:
        raise RunParamsError(
            "give exactly one of `uri` (a document to run), `files`, and `playground`"
        )
    entry = _string(values, "entry")
    if playground is not None and not entry:
        raise RunParamsError("`entry` is required with `playground`: the file to run")
    if files is not None and entry is None:
        if len(files) != 1:
            raise RunParamsError("`entry` is required when `files` holds more than one file")
        entry = next(iter(files))
    stdin = _string(values, "stdin")
    if stdin is not None and len(stdin.encode("utf-8", "surrogatepass")) > MAX_STDIN_BYTES:
        raise RunParamsError(f"`stdin` is larger than {MAX_STDIN_BYTES} bytes")
    return RunParams(
        uri=uri,
        files=files,
        entry=entry,
        playground=playground,
        language=_string(values, "language"),
        stdin=stdin,
        limits=_limits(values.get("limits")),
        keys=_keys(values.get("keys")),
        record=_record(values.get("record", False)),
    )


def stdin_params(raw: object) -> StdinParams:
    values = _object(raw, "playground/stdin", {"runId", "text", "eof"})
    text = _string(values, "text")
    if text is None:
        raise RunParamsError('`text` is required (send "" with `eof: true` to close stdin)')
    if len(text.encode("utf-8", "surrogatepass")) > MAX_STDIN_BYTES:
        raise RunParamsError(f"`text` is larger than {MAX_STDIN_BYTES} bytes; send it in parts")
    eof = values.get("eof", False)
    if not isinstance(eof, bool):
        raise RunParamsError(f"`eof` must be true or false, got {_shown(eof)}")
    return StdinParams(_run_id(values), text, eof)


def cancel_params(raw: object) -> CancelParams:
    return CancelParams(_run_id(_object(raw, "playground/cancel", {"runId"})))


def trace_get_params(raw: object) -> TraceGetParams:
    return TraceGetParams(_run_id(_object(raw, "playground/trace/get", {"runId"})))


KEY_NAME = re.compile(r"[A-Z][A-Z0-9_]*_API_KEY")
MAX_KEYS = 8
MIN_KEY_CHARS = 8
MAX_KEY_CHARS = 512
_PRINTABLE = re.compile(r"[\x20-\x7e]*")


def _keys(value: object) -> dict[str, str]:
    """`keys`: {NAME_API_KEY: value}. No message here ever shows a value, nor a name that
    does not fit (it may be a value put in the wrong place)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RunParamsError(
            f"`keys` must be an object of NAME_API_KEY to value, got {_type(value)}"
        )
    if len(value) > MAX_KEYS:
        raise RunParamsError(f"`keys` may hold at most {MAX_KEYS} keys, got {len(value)}")
    keys: dict[str, str] = {}
    for name, key in value.items():
        if not isinstance(name, str) or KEY_NAME.fullmatch(name) is None:
            raise RunParamsError(
                "a name in `keys` is not of the form NAME_API_KEY (capital letters, digits "
                "and _, starting with a letter, ending _API_KEY); it is not repeated here, in "
                "case it is a key"
            )
        if not isinstance(key, str):
            raise RunParamsError(f"the value of key {name} must be a string, got {_type(key)}")
        if not MIN_KEY_CHARS <= len(key) <= MAX_KEY_CHARS:
            raise RunParamsError(
                f"the value of key {name} must be {MIN_KEY_CHARS} to {MAX_KEY_CHARS} "
                f"characters long, got {len(key)}"
            )
        if _PRINTABLE.fullmatch(key) is None:
            raise RunParamsError(
                f"the value of key {name} must be printable ASCII (no control characters, "
                "no characters outside ASCII)"
            )
        keys[name] = key
    return keys


def _record(value: object) -> bool:
    if not isinstance(value, bool):
        raise RunParamsError(f"`record` must be true or false, got {_type(value)}")
    return value


def _object(raw: object, method: str, known: set[str]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise RunParamsError(f"the params of {method} must be an object, got {_type(raw)}")
    unknown = sorted(str(key) for key in raw if key not in known and key not in _PROTOCOL_KEYS)
    if unknown:
        raise RunParamsError(
            f"unknown field {unknown[0]!r} in {method}; known: {', '.join(sorted(known))}"
        )
    return raw


def _string(values: Mapping[str, Any], key: str) -> str | None:
    value = values.get(key)
    if value is None or isinstance(value, str):
        return value
    raise RunParamsError(f"`{key}` must be a string, got {_type(value)}")


def _run_id(values: Mapping[str, Any]) -> str:
    run_id = _string(values, "runId")
    if not run_id:
        raise RunParamsError("`runId` is required: the id `playground/run` answered with")
    return run_id


def _files(value: object) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise RunParamsError(f"`files` must be an object of path to text, got {_type(value)}")
    for name, text in value.items():
        if not isinstance(text, str):
            raise RunParamsError(
                f"the content of file {str(name)!r} must be text, got {_type(text)}"
            )
    return dict(value)


def _limits(value: object) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RunParamsError(f"`limits` must be an object, got {_type(value)}")
    for name, number in value.items():
        if name not in LIMIT_NAMES:
            raise RunParamsError(f"unknown limit {name!r}; known: {', '.join(LIMIT_NAMES)}")
        if isinstance(number, float) and not math.isfinite(number):
            # JSON has no NaN, but Python's parser accepts it: say so plainly.
            raise RunParamsError(f"limit {name} must be a finite number, got {number}")
    if "memoryMb" in value and "memoryBytes" in value:
        raise RunParamsError("give `memoryMb` or `memoryBytes`, not both")
    return dict(value)


def _type(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _shown(value: object) -> str:
    return repr(value)[:60]
