"""The pool of host uids that root-mode runs execute as: one free uid per run, reused after."""

from __future__ import annotations

from lionagi_playground.sandbox.errors import RunStartError


class UidPool:
    """Hands out the lowest free uid of `range(base, base + count)`."""

    def __init__(self, base: int, count: int) -> None:
        if base < 1000 or count < 1:
            raise ValueError("run uids must be ordinary, unprivileged ids (>= 1000)")
        self.range = range(base, base + count)
        self._taken: set[int] = set()

    def acquire(self) -> int:
        for uid in self.range:
            if uid not in self._taken:
                self._taken.add(uid)
                return uid
        raise RunStartError(f"all {len(self.range)} sandbox uids are in use")

    def release(self, uid: int) -> None:
        self._taken.discard(uid)
