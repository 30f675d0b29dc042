"""Runs over LSP: `playground/run`, `/stdin`, `/cancel`, `/trace/get` and the `playground.run`
command.

Thin handlers: params are read by `runs.params`, the workspace by `runs.workspace`, and the run
itself belongs to the process-wide `RunService`, which sends the run's notifications.

Pressing Run again while a run is active restarts: the new run replaces the session's current
one, which ends with status `cancelled` (what Replit's Run button and Jupyter's "restart and
run" do; refusing would make the client cancel and wait first).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer

from lionagi_playground.sandbox import (
    InvalidRequestError,
    Limits,
    RunRequest,
    SandboxError,
    clamp,
)
from lionagi_playground.server.collab.access import AccessError
from lionagi_playground.server.runs.params import (
    RunParams,
    RunParamsError,
    cancel_params,
    run_params,
    stdin_params,
    trace_get_params,
)
from lionagi_playground.server.runs.protocol import (
    CANCEL,
    RUN,
    RUN_COMMAND,
    STDIN,
    TRACE_GET,
    lsp_run_started,
)
from lionagi_playground.server.runs.service import (
    RunListener,
    UnknownRunError,
    UnknownTraceError,
)
from lionagi_playground.server.runs.workspace import Workspace, document_workspace

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer

log = logging.getLogger(__name__)


class RunRefusedError(JsonRpcException):
    """The request was fine but the sandbox cannot take it now (queue full, no backend)."""

    CODE = types.LSPErrorCodes.RequestFailed.value


@contextlib.contextmanager
def _answering(method: str) -> Iterator[None]:
    """Turn what the client got wrong into InvalidParams and refusals into RequestFailed."""
    try:
        yield
    except (RunParamsError, InvalidRequestError, UnknownRunError, UnknownTraceError) as error:
        raise JsonRpcInvalidParams(f"invalid params for {method}: {error}") from None
    except SandboxError as error:
        log.warning("%s refused: %s", method, error)
        raise RunRefusedError(f"{method} refused: {error}", data={"code": error.code}) from None
    except AccessError as error:
        log.info("%s refused: %s", method, error)
        raise RunRefusedError(f"{method} refused: {error}") from None


async def _workspace(ls: PlaygroundServer, params: RunParams) -> Workspace:
    if params.playground is not None:
        assert params.entry is not None  # runs.params names the entry of a playground run
        files = await ls.shared.collab.texts(ls.grant, params.playground)
        if params.entry not in files:
            raise RunParamsError(f"no file {params.entry!r} in this playground")
        return Workspace(files, params.entry)
    if not ls.grant.owner:
        raise AccessError("an invitation runs its playground's files only (give `playground`)")
    if params.files is not None:
        assert params.entry is not None  # runs.params names the entry of a `files` run
        return Workspace(params.files, params.entry)
    assert params.uri is not None
    # The open buffers are read here, on the loop; the disk in a thread.
    open_documents = {doc.uri: doc.source for doc in ls.workspace.text_documents.values()}
    return await asyncio.to_thread(
        partial(document_workspace, read_disk=ls.reads_disk),
        params.uri,
        open_documents,
        params.entry,
    )


def _buffer_language(ls: PlaygroundServer, params: RunParams, entry: str) -> str | None:
    """The `languageId` of the open document being run, when its name does not tell.

    Editors' new buffers (`untitled:Untitled-1`) have no extension; the language the
    client opened them with is what the user chose. A name that tells wins, so a
    `deploy.sh` opened as `shellscript` still runs as bash.
    """
    if params.uri is None or params.entry is not None or PurePosixPath(entry).suffix:
        return None  # not a document run, another file is the entry, or the name tells
    document = ls.workspace.text_documents.get(unquote(params.uri))
    return document.language_id if document is not None and document.language_id else None


async def start_run(ls: PlaygroundServer, raw: object, method: str = RUN) -> dict[str, Any]:
    """Start a run for the session; the `{runId, limits}` result goes out before any event."""
    runs = ls.shared.runs
    with _answering(method):
        params = run_params(raw)
        workspace = await _workspace(ls, params)
        language = params.language or _buffer_language(ls, params, workspace.entry)
        limits = clamp(params.limits, runs.maxima)
        request = RunRequest(
            files=workspace.files,
            entry=workspace.entry,
            language=language,
            stdin=params.stdin,
            limits=limits,
            session=ls.session_id,
            env=online_env(params, limits, runs.maxima),
        )
        runs.check_runtime(language, request.entry)
        watchers = _shared_run_watchers(ls, params.playground)
        run = runs.start(
            request,
            ls.protocol,
            playground=params.playground,
            watchers=watchers,
            record=params.record,
        )

    def release() -> None:
        runs.release(run.id)
        started = {"runId": run.id, "playground": params.playground, "entry": request.entry}
        for watcher in watchers.values():  # the others learn of the run before its output
            watcher.notify(SHARED_RUN, started)

    ls.protocol.after_response(release)
    log.info("run %s: %s with %d files", run.id, request.entry, len(request.files))
    return lsp_run_started(run.id, request.limits)


def online_env(params: RunParams, limits: Limits, maxima: Limits) -> dict[str, str]:
    """The program's environment for `keys` and `record` (docs/trace.md): the keys, lionagi
    online, recording on; refused (naming no key value) without the network they need."""
    if params.keys and not limits.network:
        if not maxima.network:
            raise RunParamsError(
                "keys need network: this server does not allow network access (start it with "
                "--allow-network), so a run with keys cannot reach a model"
            )
        raise RunParamsError(
            "keys need network: ask for `limits: {network: true}` with `keys`, or leave `keys` "
            "out to run on the offline model"
        )
    if params.record and not params.keys:
        raise RunParamsError(
            "`record` needs `keys` and network: a recording is of a real model's answers"
        )
    if not params.keys:
        return {}
    env = {**params.keys, "PLAYGROUND_LIONAGI_OFFLINE": "0"}
    if params.record:
        env["PLAYGROUND_LIONAGI_RECORD"] = "1"
    return env


SHARED_RUN = "playground/runStarted"
"""To the other members of a playground: someone started a run of its files."""


def _shared_run_watchers(ls: PlaygroundServer, playground: str | None) -> dict[str, RunListener]:
    """The other sessions of a shared run's playground, by session id, or none."""
    if playground is None:
        return {}
    if not ls.grant.owner and ls.grant.role != "edit":
        raise AccessError("you can view this playground's runs but not start them")
    return {
        sink.session_id: sink
        for sink in ls.shared.collab.watchers(playground)
        if sink.session_id != ls.session_id
    }


def _edits(ls: PlaygroundServer) -> Callable[[str], bool]:
    """Whether this session may stop a shared run of a playground: it edits it."""
    return lambda playground: (
        ls.grant.owner or (ls.grant.playground == playground and ls.grant.role == "edit")
    )


def _sees(ls: PlaygroundServer) -> Callable[[str], bool]:
    """Whether this session may read a shared run's trace: it can see the playground."""
    return lambda playground: ls.grant.owner or ls.grant.playground == playground


def register(server: PlaygroundServer) -> None:
    @server.feature(RUN)
    async def run(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        return await start_run(ls, raw)

    # pygls resolves a command's annotations when it is called, and PlaygroundServer is only
    # imported for the type checker: the session is taken as a plain LanguageServer (it is
    # `server` itself).
    @server.command(RUN_COMMAND)
    async def run_command(ls: LanguageServer, *arguments: object) -> dict[str, Any]:
        if len(arguments) != 1:
            raise JsonRpcInvalidParams(
                f"invalid params for {RUN_COMMAND}: arguments must be [params of {RUN}], "
                f"got {len(arguments)} arguments"
            )
        return await start_run(server, arguments[0], RUN_COMMAND)

    @server.feature(STDIN)
    async def stdin(ls: PlaygroundServer, raw: object) -> None:
        with _answering(STDIN):
            params = stdin_params(raw)
            target = ls.shared.runs.owned(params.run_id, ls.session_id, _edits(ls))
        if params.text:
            await target.write_stdin(params.text)
        if params.eof:
            await target.close_stdin()

    @server.feature(CANCEL)
    async def cancel(ls: PlaygroundServer, raw: object) -> None:
        with _answering(CANCEL):
            params = cancel_params(raw)
            target = ls.shared.runs.owned(params.run_id, ls.session_id, _edits(ls))
        await target.cancel()

    @server.feature(TRACE_GET)
    async def trace_get(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(TRACE_GET):
            params = trace_get_params(raw)
            trace = ls.shared.runs.trace(params.run_id, ls.session_id, _sees(ls))
        return trace.snapshot()

    # `shutdown` is the last request an editor sends: its runs end before it is answered
    # (over stdio the process exits right after; over WebSocket `close` does the same).
    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: PlaygroundServer, params: None) -> None:
        if (ending := ls.shared.runs.end_session(ls.session_id)) is not None:
            await ending
