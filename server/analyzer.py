"""Runs analyses off the request path: a worker process, the shared cache, the lionagi knowledge.

Analysis is pure Python and CPU-bound; in a thread it would share the GIL with
jedi and slow every completion while a large file is checked. In a process of
its own it runs beside the event loop and the jedi thread, and a crash in it
(a pathological file) costs one analysis, not the server.

The worker is a plain subprocess speaking length-prefixed pickles
(`analysis_worker`), not a `ProcessPoolExecutor`: a pool's workers and its
resource tracker outlive a server that is killed, and inherit its stdout,
which over stdio is the LSP channel. This worker exits at EOF on its stdin.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import sys

from lionagi_playground.runtime_env import RuntimeEnv
from lionagi_playground.server.analysis.cache import AnalysisCache
from lionagi_playground.server.analysis.findings import Finding
from lionagi_playground.server.analysis_worker import HEADER, frame
from lionagi_playground.server.knowledge import Knowledge, load_knowledge

log = logging.getLogger(__name__)

ANALYSIS_TIMEOUT_SECONDS = 60.0
"""An analysis still running after this long is abandoned and its worker replaced."""


class WorkerGoneError(Exception):
    """The analysis worker exited (or was replaced) before answering."""


class _Worker:
    """One worker process and the jobs waiting for its answers."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.pending: dict[int, asyncio.Future[tuple[Finding, ...]]] = {}
        self.reader = asyncio.get_running_loop().create_task(self._read_replies())

    @classmethod
    async def start(cls, knowledge: Knowledge) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "lionagi_playground.server.analysis_worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(process)
        worker.send(knowledge)
        return worker

    def send(self, value: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(frame(value))

    async def _read_replies(self) -> None:
        import pickle

        assert self.process.stdout is not None
        try:
            while True:
                header = await self.process.stdout.readexactly(HEADER.size)
                body = await self.process.stdout.readexactly(HEADER.unpack(header)[0])
                job_id, findings = pickle.loads(body)
                future = self.pending.pop(job_id, None)
                if future is not None and not future.done():
                    future.set_result(findings)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(WorkerGoneError("the analysis worker exited"))
                    # Its waiter may have given up already (timeout, cancel):
                    # mark the exception seen so asyncio does not log it.
                    future.exception()
            self.pending.clear()

    def alive(self) -> bool:
        return self.process.returncode is None and not self.reader.done()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()
        self.reader.cancel()


class Analyzer:
    """Process-wide: every session's analyses go through one cache and one worker."""

    def __init__(self, runtime_env: RuntimeEnv | None, cache_size: int = 1000) -> None:
        self.runtime_env = runtime_env
        self.cache = AnalysisCache(maxsize=cache_size)
        self._knowledge: asyncio.Future[Knowledge] | None = None
        self._worker: _Worker | None = None
        self._starting: asyncio.Lock | None = None
        self._job_ids = itertools.count()

    async def knowledge(self) -> Knowledge:
        """The lionagi knowledge, loaded once (in a thread: it may run the runtime's Python)."""
        if self._knowledge is None:
            loop = asyncio.get_running_loop()
            self._knowledge = loop.run_in_executor(None, load_knowledge, self.runtime_env)
        return await self._knowledge

    async def _get_worker(self, knowledge: Knowledge) -> _Worker:
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._worker is None or not self._worker.alive():
                self._worker = await _Worker.start(knowledge)
            return self._worker

    async def warm_up(self) -> None:
        """Load the knowledge and start the worker, so the first edit is not the slow one."""
        await self.analyze("pass\n", "<warm-up>")

    async def analyze(self, text: str, filename: str) -> tuple[Finding, ...]:
        knowledge = await self.knowledge()
        cached = self.cache.get(text, knowledge, filename)
        if cached is not None:
            return cached
        worker = await self._get_worker(knowledge)
        job_id = next(self._job_ids)
        future: asyncio.Future[tuple[Finding, ...]] = asyncio.get_running_loop().create_future()
        worker.pending[job_id] = future
        worker.send((job_id, text, filename))
        try:
            findings = await asyncio.wait_for(asyncio.shield(future), ANALYSIS_TIMEOUT_SECONDS)
        except TimeoutError:
            log.error(
                "analysis of %s took over %.0f s; restarting the worker",
                filename,
                ANALYSIS_TIMEOUT_SECONDS,
            )
            await worker.stop()
            return ()
        except WorkerGoneError:
            log.error("the analysis worker died while checking %s", filename)
            return ()
        self.cache.put(text, knowledge, filename, findings)
        return findings

    def close(self) -> None:
        """Stop the worker now (it would also stop by itself at EOF when we exit)."""
        if self._worker is not None and self._worker.process.returncode is None:
            # ProcessLookupError: already gone; RuntimeError: its loop is closed.
            with contextlib.suppress(ProcessLookupError, RuntimeError):
                self._worker.process.kill()
        self._worker = None
