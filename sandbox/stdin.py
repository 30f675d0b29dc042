"""Feeding a run's stdin: our end of its pipe, written without blocking the loop, closed once.

Writes are serialised (one `write` finishes before the next starts), wait for the pipe to
drain when it is full, and stop quietly when the program closed its end or ended: there is
nothing left to deliver to.
"""

from __future__ import annotations

import asyncio
import contextlib
import os


class StdinPipe:
    """Our (non-blocking) write end of the run's stdin."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd
        self._lock = asyncio.Lock()
        self._wait: asyncio.Future[None] | None = None

    async def write(self, text: str) -> None:
        data = text.encode("utf-8", "surrogateescape")
        async with self._lock:
            while data and self._fd is not None:
                try:
                    data = data[os.write(self._fd, data) :]
                except BlockingIOError:
                    await self._writable()
                except OSError:  # the program closed stdin or ended: nothing to deliver to
                    self.close_now()

    async def close(self) -> None:
        """Close after any write in progress (the program sees EOF)."""
        async with self._lock:
            self.close_now()

    async def feed(self, text: str | None) -> None:
        """Write `text` and close, for a run given its whole stdin up front (None: nothing)."""
        if text is None:
            return
        await self.write(text)
        await self.close()

    def close_now(self) -> None:
        """Close at once, cutting short a write waiting for room (idempotent)."""
        if self._fd is None:
            return
        if self._wait is not None and not self._wait.done():
            self._wait.cancel()
        with contextlib.suppress(OSError):
            asyncio.get_running_loop().remove_writer(self._fd)
        os.close(self._fd)
        self._fd = None

    async def _writable(self) -> None:
        assert self._fd is not None
        loop = asyncio.get_running_loop()
        fd = self._fd
        self._wait = loop.create_future()
        waiter = self._wait
        loop.add_writer(fd, _resolve, waiter)
        try:
            await waiter
        finally:
            loop.remove_writer(fd)
            self._wait = None


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
