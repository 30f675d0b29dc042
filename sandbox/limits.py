"""Per-run resource limits: the defaults, and how a client's request is checked and clamped.

A client may lower any limit and raise one only up to the server's maxima; network is granted
only when the maxima allow it. Anything malformed (negative, NaN, a string) is refused with an
`InvalidRequestError` that names the field, never silently replaced.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

from lionagi_playground.sandbox.errors import InvalidRequestError

MIB = 1024 * 1024


_MINIMA: dict[str, float] = {
    "timeout_s": 0.1,
    "memory_bytes": 16 * MIB,
    "cpus": 0.05,
    "pids": 4,
    "output_bytes": 1,
    "display_bytes": 0,
    "disk_bytes": 1 * MIB,
    "open_files": 16,
}
"""Below these nothing starts (the interpreter itself needs them): refused, not raised."""


def _check(name: str, value: object) -> None:
    if name == "network":
        if not isinstance(value, bool):
            raise InvalidRequestError(f"limit {name} must be true or false, got {value!r}")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequestError(f"limit {name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise InvalidRequestError(f"limit {name} must be finite, got {value!r}")
    if name in ("timeout_s", "cpus"):
        pass
    elif not isinstance(value, int) and not float(value).is_integer():
        raise InvalidRequestError(f"limit {name} must be a whole number, got {value!r}")
    minimum = _MINIMA[name]
    if value < minimum:
        raise InvalidRequestError(f"limit {name} must be at least {minimum:g}, got {value!r}")


@dataclass(frozen=True)
class Limits:
    """What one run may use. Sizes in bytes, time in seconds."""

    timeout_s: float = 30.0
    memory_bytes: int = 512 * MIB
    cpus: float = 1.0
    pids: int = 64
    output_bytes: int = 1 * MIB
    display_bytes: int = 8 * MIB
    disk_bytes: int = 64 * MIB
    open_files: int = 256
    network: bool = False

    def __post_init__(self) -> None:
        for item in fields(self):
            _check(item.name, getattr(self, item.name))


DEFAULT_LIMITS = Limits()

SERVER_MAXIMA = Limits(
    timeout_s=300.0,
    memory_bytes=2048 * MIB,
    cpus=2.0,
    pids=256,
    output_bytes=16 * MIB,
    display_bytes=64 * MIB,
    disk_bytes=512 * MIB,
    open_files=1024,
    network=False,
)
"""What a server allows unless configured otherwise: generous, but network stays off."""

_ALIASES = {
    "timeout": "timeout_s",
    "timeoutS": "timeout_s",
    "memory": "memory_bytes",
    "memoryBytes": "memory_bytes",
    "memoryMb": "memory_mb",
    "outputBytes": "output_bytes",
    "displayBytes": "display_bytes",
    "diskBytes": "disk_bytes",
    "openFiles": "open_files",
}


def clamp(
    requested: Mapping[str, object] | Limits | None,
    maxima: Limits = SERVER_MAXIMA,
    defaults: Limits = DEFAULT_LIMITS,
) -> Limits:
    """The limits a run gets: `defaults` overridden by `requested`, each capped at `maxima`.

    `requested` may use the protocol's camelCase names (`timeout` in seconds, `memoryMb`).
    """
    if requested is None:
        values: dict[str, object] = {}
    elif isinstance(requested, Limits):
        values = {item.name: getattr(requested, item.name) for item in fields(Limits)}
    elif isinstance(requested, Mapping):
        values = _normalise(requested)
    else:
        raise InvalidRequestError(f"limits must be an object, got {type(requested).__name__}")
    known = {item.name for item in fields(Limits)}
    for name, value in values.items():
        if name not in known:
            raise InvalidRequestError(f"unknown limit {name!r}; known: {', '.join(sorted(known))}")
        _check(name, value)
    capped: dict[str, object] = {}
    for item in fields(Limits):
        value = values.get(item.name, getattr(defaults, item.name))
        ceiling = getattr(maxima, item.name)
        if item.name == "network":
            capped[item.name] = bool(value and ceiling)
        else:
            capped[item.name] = type(getattr(defaults, item.name))(min(value, ceiling))
    return Limits(**capped)  # type: ignore[arg-type]


def _normalise(requested: Mapping[str, object]) -> dict[str, object]:
    values: dict[str, object] = {}
    for key, value in requested.items():
        if not isinstance(key, str):
            raise InvalidRequestError(f"limit names must be strings, got {key!r}")
        name = _ALIASES.get(key, key)
        if name == "memory_mb":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidRequestError(f"limit memoryMb must be a number, got {value!r}")
            if not math.isfinite(value):
                raise InvalidRequestError(f"limit memoryMb must be finite, got {value!r}")
            name, value = "memory_bytes", int(value * MIB)
        values[name] = value
    return values
