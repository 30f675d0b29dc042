"""The process's runs: one scheduler (made on the first run), who owns each run, and the
fan-out of each run's events to the sessions watching it.

A run belongs to the session that started it: only that session may write its stdin or cancel
it, and the run is cancelled when that session ends. Watching is separate from owning: today a
run's only watcher is its owner, but `_Watch.listeners` is the one place notifications are
sent from, so shared runs (collaboration) add watchers there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from lionagi_playground.sandbox import (
    SERVER_MAXIMA,
    Exit,
    Limits,
    Output,
    Recording,
    RunRequest,
    ScheduledRun,
    Scheduler,
    Trace,
    make_backend,
)
from lionagi_playground.sandbox.backends import DEFAULT_BACKEND
from lionagi_playground.sandbox.events import Stream
from lionagi_playground.sandbox.runtimes import Runtime, available_runtimes, choose_runtime
from lionagi_playground.server.runs.protocol import (
    RECORDING,
    TRACE,
    lsp_run_notification,
)
from lionagi_playground.server.runs.trace import (
    KeptTraces,
    Recorder,
    RunTrace,
    Scrubber,
    StreamScrubber,
    TraceBatcher,
)

log = logging.getLogger(__name__)

END_SESSION_WAIT_S = 10.0
"""How long ending a session waits for its runs to be gone (a kill takes milliseconds)."""


class UnknownRunError(LookupError):
    """No active run of this id belongs to the asking session."""


class UnknownTraceError(LookupError):
    """No trace of this id is kept that the asking session may read."""


class RunListener(Protocol):
    """Where a run's notifications go: a session's protocol (`notify`)."""

    def notify(self, method: str, params: Any | None = None) -> None: ...


@dataclass(eq=False)
class _Watch:
    """A run in flight: its owner and the sessions its notifications go to, by session id."""

    run: ScheduledRun
    owner: str
    listeners: dict[str, RunListener]
    playground: str | None = None
    """The playground of a shared run: its editors may stop it too."""
    released: asyncio.Event = field(default_factory=asyncio.Event)
    """Set once the client has the run's id: nothing is sent before (see `release`)."""
    trace: RunTrace | None = None
    recorder: Recorder | None = None
    """The run's recorded model calls, when it asked for `record`."""


class RunService:
    """Starts runs for sessions and streams their events back as `playground/*` notifications."""

    def __init__(
        self,
        runtime_root: Path | None = None,
        *,
        backend: str = DEFAULT_BACKEND,
        maxima: Limits = SERVER_MAXIMA,
        max_active: int | None = None,
    ) -> None:
        self.maxima = maxima
        self._runtime_root = runtime_root
        self._backend_name = backend
        self._max_active = max_active
        self._scheduler: Scheduler | None = None
        self._runtimes: dict[str, Runtime] | None = None
        self._watches: dict[str, _Watch] = {}
        self.traces = KeptTraces()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def scheduler(self) -> Scheduler:
        """The scheduler, made on first use: `BackendUnavailableError` if no sandbox works here."""
        if self._scheduler is None:
            backend = make_backend(self._backend_name, self._runtime_root)
            self._scheduler = Scheduler(backend, max_active=self._max_active)
            log.info(
                "sandbox ready: %s backend, %d runs at once",
                backend.name,
                self._scheduler.max_active,
            )
        return self._scheduler

    def check_runtime(self, language: str | None, entry: str) -> None:
        """Refuse (`UnknownRuntimeError`) a language or entry no runtime here can run.

        Checked before queueing so that the client hears it as bad params, not as a failed run.
        """
        if self._runtimes is None:
            self._runtimes = available_runtimes(self._runtime_root)
        choose_runtime(self._runtimes, language, PurePosixPath(entry))

    def start(
        self,
        request: RunRequest,
        listener: RunListener,
        *,
        playground: str | None = None,
        watchers: dict[str, RunListener] | None = None,
        record: bool = False,
    ) -> ScheduledRun:
        """Queue `request` for its session, replacing (cancelling) the session's current run.

        Nothing is sent to `listener` (nor to `watchers`, the other sessions of a shared run,
        by session id) until `release(run.id)`. The values of the request's API keys
        (`env`'s `*_API_KEY`) are hidden in its trace and recording; `record` sends the
        recording (`playground/recording`) before the exit.
        """
        run = self.scheduler.submit(request, replace=True)
        listeners = {**(watchers or {}), request.session: listener}
        scrub = Scrubber(value for name, value in request.env.items() if name.endswith("_API_KEY"))
        watch = _Watch(run, request.session, listeners, playground)
        watch.trace = RunTrace(run.id, request.session, playground, scrub=scrub)
        watch.recorder = Recorder(request.entry, scrub) if record else None
        self.traces.begin(watch.trace)
        self._watches[run.id] = watch
        self._spawn(self._forward(watch))
        return run

    def release(self, run_id: str) -> None:
        """The client now knows `run_id` (its response is written): start sending events."""
        if (watch := self._watches.get(run_id)) is not None:
            watch.released.set()

    def owned(
        self, run_id: str, session: str, edits: Callable[[str], bool] = lambda playground: False
    ) -> ScheduledRun:
        """The active run `run_id` if `session` owns it, or it is a shared run of a playground
        the session `edits`; else `UnknownRunError`."""
        watch = self._watches.get(run_id)
        shared = watch is not None and watch.playground is not None and edits(watch.playground)
        if watch is None or (watch.owner != session and not shared):
            # The same answer for another session's run: ids are not to be probed.
            raise UnknownRunError(
                f"no active run {run_id!r} in this session (it ended, or it was not started here)"
            )
        return watch.run

    def trace(
        self, run_id: str, session: str, sees: Callable[[str], bool] = lambda playground: False
    ) -> RunTrace:
        """The kept trace of run `run_id` if `session` started it, or it is a shared run of a
        playground the session `sees`; else `UnknownTraceError`."""
        trace = self.traces.get(run_id)
        shared = trace is not None and trace.playground is not None and sees(trace.playground)
        if trace is None or (trace.owner != session and not shared):
            # The same answer for another session's run: ids are not to be probed.
            raise UnknownTraceError(
                f"no run {run_id!r} known to this session: it is unknown, not this session's "
                "to see, or no longer kept (the last 64 finished runs are kept for an hour)"
            )
        return trace

    def end_session(self, session: str) -> asyncio.Task[None] | None:
        """Stop sending to `session` and cancel its runs; the task completes when they end."""
        ending: list[ScheduledRun] = []
        for watch in list(self._watches.values()):
            watch.listeners.pop(session, None)
            if watch.owner == session:
                watch.released.set()  # the forwarder drains the run to its end, sending nothing
                ending.append(watch.run)
        if not ending:
            return None
        return self._spawn(_cancel_all(ending))

    async def aclose(self) -> None:
        """Cancel every run and release the sandbox (the process is stopping)."""
        if self._scheduler is not None:
            await self._scheduler.aclose()
            await self._scheduler.backend.aclose()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _forward(self, watch: _Watch) -> None:
        """Send every event of the run, in order, to every watcher; the exit last.

        Trace events go out in batches (`TraceBatcher`), the last one just before the exit;
        a recording is sent after it, still before the exit.
        """
        run_id = watch.run.id
        trace = watch.trace
        assert trace is not None  # set by `start`
        batcher = TraceBatcher(
            lambda events: self._send(watch, TRACE, {"runId": run_id, "events": events})
        )
        # A run with keys: their values are hidden in its output too (a shared run's other
        # watchers, the server's debug log), as CI systems mask their secrets.
        outputs: dict[Stream, StreamScrubber] | None = None
        if trace.scrub:
            outputs = {"stdout": StreamScrubber(trace.scrub), "stderr": StreamScrubber(trace.scrub)}
        try:
            await watch.released.wait()
            async for event in watch.run.events():
                if outputs is not None and isinstance(event, Output):
                    text = outputs[event.stream].feed(event.text)
                    if not text:
                        continue
                    event = Output(event.stream, text)
                if isinstance(event, Trace):
                    if (kept := trace.add(event.data)) is not None:
                        batcher.add(kept)
                    continue
                if isinstance(event, Recording):
                    if watch.recorder is not None:
                        watch.recorder.add(event.data, event.truncated)
                    continue
                if isinstance(event, Exit):
                    for stream, held in (outputs or {}).items():
                        if tail := held.flush():
                            self._send(watch, *lsp_run_notification(run_id, Output(stream, tail)))
                    batcher.flush()
                    self.traces.finish(trace)
                    recorder = watch.recorder
                    if recorder is not None and recorder.calls:
                        recording = {
                            "runId": run_id,
                            "path": recorder.path,
                            "text": recorder.text(),
                        }
                        self._send(watch, RECORDING, recording)
                method, params = lsp_run_notification(run_id, event)
                self._send(watch, method, params)
        finally:
            batcher.flush()
            if not trace.finished:
                self.traces.finish(trace)
            self._watches.pop(run_id, None)

    @staticmethod
    def _send(watch: _Watch, method: str, params: dict[str, Any]) -> None:
        for session, listener in list(watch.listeners.items()):
            try:
                listener.notify(method, params)
            except Exception:
                # A connection that cannot take a notification is gone: stop sending to it,
                # go on for the others.
                log.exception("dropping session %s from run %s", session, watch.run.id)
                watch.listeners.pop(session, None)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task


async def _cancel_all(runs: list[ScheduledRun]) -> None:
    for run in runs:
        await run.cancel()
    done = [asyncio.ensure_future(run.done.wait()) for run in runs]
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*done), END_SESSION_WAIT_S)
