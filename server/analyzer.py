"""Runs analyses off the request path: a worker process, the shared cache, the lionagi knowledge.

Analysis is pure Python and CPU-bound; in a thread it would share the GIL with
jedi and slow every completion while a large file is checked. In a process of
its own it runs beside the event loop and the jedi thread, and a crash in it
(a pathological file) costs one analysis, not the server.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from lionagi_playground.runtime_env import RuntimeEnv
from lionagi_playground.server.analysis.cache import AnalysisCache
from lionagi_playground.server.analysis.findings import Finding
from lionagi_playground.server.analysis.pipeline import analyze
from lionagi_playground.server.knowledge import Knowledge, load_knowledge

log = logging.getLogger(__name__)

_worker_knowledge: Knowledge | None = None


def _worker_init(knowledge: Knowledge | None) -> None:
    global _worker_knowledge
    _worker_knowledge = knowledge


def _worker_analyze(text: str, filename: str) -> tuple[Finding, ...]:
    return analyze(text, _worker_knowledge, filename)


class Analyzer:
    """Process-wide: every session's analyses go through one cache and one worker."""

    def __init__(self, runtime_env: RuntimeEnv | None, cache_size: int = 1000) -> None:
        self.runtime_env = runtime_env
        self.cache = AnalysisCache(maxsize=cache_size)
        self._knowledge: asyncio.Future[Knowledge] | None = None
        self._pool: ProcessPoolExecutor | None = None

    async def knowledge(self) -> Knowledge:
        """The lionagi knowledge, loaded once (in a thread: it may run the runtime's Python)."""
        if self._knowledge is None:
            loop = asyncio.get_running_loop()
            self._knowledge = loop.run_in_executor(None, load_knowledge, self.runtime_env)
        return await self._knowledge

    def _get_pool(self, knowledge: Knowledge) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_worker_init,
                initargs=(knowledge,),
            )
        return self._pool

    async def warm_up(self) -> None:
        """Load the knowledge and start the worker, so the first edit is not the slow one."""
        await self.analyze("pass\n", "<warm-up>")

    async def analyze(self, text: str, filename: str) -> tuple[Finding, ...]:
        knowledge = await self.knowledge()
        cached = self.cache.get(text, knowledge, filename)
        if cached is not None:
            return cached
        loop = asyncio.get_running_loop()
        try:
            findings = await loop.run_in_executor(
                self._get_pool(knowledge), _worker_analyze, text, filename
            )
        except BrokenProcessPool:
            # The worker died on this text (e.g. the C stack overflowed). Start a
            # fresh one for the next analysis; this text gets no findings.
            log.exception("analysis worker died while checking %s", filename)
            self._pool = None
            return ()
        self.cache.put(text, knowledge, filename, findings)
        return findings

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
