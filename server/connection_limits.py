"""How much one WebSocket connection may send: messages per second, bytes per second, and the
size of one message. A connection past its limits is told why and closed alone; the others
never notice (the process's event loop is not theirs to take).

Token buckets (a burst allowance refilled at the sustained rate), as nginx's `limit_req` and
most API gateways do: a paste or a fast typist's burst passes, a flood does not. Pure: the
caller gives the clock, so the rules are tested without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    messages_per_second: float = 200.0
    message_burst: float = 600.0
    bytes_per_second: float = 4 * 1024 * 1024
    byte_burst: float = 24 * 1024 * 1024
    max_message_bytes: int = 16 * 1024 * 1024
    """Also what the WebSocket layer accepts at most (uvicorn's ws_max_size)."""


DEFAULT_LIMITS = Limits()


class LimitExceededError(Exception):
    """The connection went past a limit; the message says which, for the client to show."""


class _Bucket:
    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = now

    def take(self, amount: float, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if amount > self.tokens:
            return False
        self.tokens -= amount
        return True


class ConnectionLimiter:
    """One connection's budget. `check` raises LimitExceededError for a message past it."""

    def __init__(self, limits: Limits, now: float) -> None:
        self.limits = limits
        self._messages = _Bucket(limits.messages_per_second, limits.message_burst, now)
        self._bytes = _Bucket(limits.bytes_per_second, limits.byte_burst, now)

    def check(self, size: int, now: float) -> None:
        limits = self.limits
        if size > limits.max_message_bytes:
            raise LimitExceededError(
                f"a message of {size} bytes is over the limit of {limits.max_message_bytes}"
            )
        if not self._messages.take(1, now):
            raise LimitExceededError(
                f"more than {limits.messages_per_second:g} messages per second "
                f"(bursts of {limits.message_burst:g})"
            )
        if not self._bytes.take(size, now):
            raise LimitExceededError(
                f"more than {limits.bytes_per_second / 2**20:g} MiB per second "
                f"(bursts of {limits.byte_burst / 2**20:g} MiB)"
            )
