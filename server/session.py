"""One LSP session: a pygls LanguageServer bound to one client, over the process's shared state."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import attrs
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcMethodNotFound,
    JsonRpcParseError,
    JsonRpcRequestCancelled,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from lionagi_playground import __version__
from lionagi_playground.server import features
from lionagi_playground.server.collab.access import OWNER, Grant
from lionagi_playground.server.features.diagnostics import DiagnosticsScheduler
from lionagi_playground.server.shared import Shared

if TYPE_CHECKING:
    from lionagi_playground.server.collab.handlers import SessionSink

log = logging.getLogger(__name__)

SERVER_NAME = "lionagi-playground"

CLIENT_MISTAKES = (
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcMethodNotFound,
    JsonRpcParseError,
    JsonRpcRequestCancelled,
)
"""Errors that answer what a client sent (or cancelled): logged in one line at INFO, never as
the server's own fault (ERROR with a traceback is kept for those)."""


class ClientMistakeFilter(logging.Filter):
    """Turns pygls's ERROR-with-traceback records about a client's mistake into one INFO line.

    pygls logs every `JsonRpcException` a handler raises with `logger.exception`, so an
    InvalidParams answer to a client's bad request read like a crash of the server.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("Unable to deserialize message"):
            # A message whose params do not fit its method: `SessionProtocol` answers it
            # with InvalidParams and logs the reason in one line of its own.
            return False
        error = record.exc_info[1] if record.exc_info else None
        if "unknown method" in str(record.msg) and record.levelno == logging.WARNING:
            record.levelno, record.levelname = logging.INFO, "INFO"
        elif isinstance(error, CLIENT_MISTAKES):
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.msg, record.args = "%s: %s", (record.getMessage(), error)
            record.exc_info = record.exc_text = None
        return record.levelno >= logging.getLogger(record.name).getEffectiveLevel()


def quiet_client_mistakes() -> None:
    """Install `ClientMistakeFilter` on pygls's protocol logger (idempotent)."""
    logger = logging.getLogger("pygls.protocol.json_rpc")
    if not any(isinstance(f, ClientMistakeFilter) for f in logger.filters):
        logger.addFilter(ClientMistakeFilter())


@attrs.define
class RawRequest:
    """A `playground/*` request with its params exactly as sent (JSON values).

    pygls turns the params of methods it does not know into namedtuples, which renames keys
    that are not identifiers (a file called `main.py` becomes `_0`); the run methods read
    their params from the JSON itself.
    """

    id: int | str
    method: str
    params: Any
    jsonrpc: str = "2.0"


@attrs.define
class RawNotification:
    """A `playground/*` notification with its params exactly as sent (see `RawRequest`)."""

    method: str
    params: Any
    jsonrpc: str = "2.0"


@dataclass(frozen=True)
class RejectedMessage:
    """A request whose params did not fit its method: answered with an error, never run."""

    id: int | str | None
    method: str
    reason: str
    jsonrpc: str = "2.0"


class SessionProtocol(LanguageServerProtocol):
    """pygls's protocol with two changes.

    - A request whose params have the wrong shape gets an InvalidParams error
      naming the method (pygls logs it and never answers, so the client waits
      for ever).
    - `exit` ends this session rather than the process when the process serves
      other sessions too (the WebSocket endpoint).
    - `playground/*` messages keep their params as plain JSON (`RawRequest`), and a handler
      may ask to be called once its response is written (`after_response`): a run's
      notifications must not overtake the `{runId}` they refer to.
    """

    on_exit: Callable[[], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._after_response: dict[int | str, list[Callable[[], None]]] = {}

    def after_response(self, callback: Callable[[], None]) -> None:
        """Call `callback` right after the response to the request being handled is written."""
        msg_id = self.msg_id
        if msg_id is None:
            callback()
        else:
            self._after_response.setdefault(msg_id, []).append(callback)

    def _send_response(
        self, msg_id: int | str, result: Any | None = None, error: types.ResponseError | None = None
    ) -> None:
        try:
            super()._send_response(msg_id, result, error)
        finally:
            for callback in self._after_response.pop(msg_id, ()):
                callback()

    def structure_message(self, data: dict[str, Any]) -> Any:
        method, msg_id = data.get("method"), data.get("id")
        if isinstance(method, str) and method.startswith("playground/") and "jsonrpc" in data:
            if "id" not in data:
                return RawNotification(method, data.get("params"), data["jsonrpc"])
            if isinstance(msg_id, int | str):
                return RawRequest(msg_id, method, data.get("params"), data["jsonrpc"])
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            method = data.get("method")
            msg_id = data.get("id")
            if not isinstance(msg_id, int | str):
                msg_id = None
            cause = error.__cause__ or error
            reason = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
            return RejectedMessage(msg_id, str(method), reason)

    def handle_message(self, message: Any) -> None:
        if isinstance(message, RejectedMessage):
            log.info("rejected %s: %s", message.method, message.reason)
            if message.id is not None:
                self._send_response(
                    message.id,
                    error=types.ResponseError(
                        code=types.ErrorCodes.InvalidParams,
                        message=f"invalid params for {message.method}: {message.reason}",
                    ),
                )
            return
        if not hasattr(message, "jsonrpc"):
            # Valid JSON that is not a JSON-RPC message (a number, a list, an
            # object without "jsonrpc").
            self._send_error_without_id(
                types.ErrorCodes.InvalidRequest, "not a JSON-RPC 2.0 message"
            )
            return
        super().handle_message(message)

    def send_encoded(self, body: str) -> None:
        """Write a message already encoded as JSON: a broadcast to many sessions is encoded
        once (pygls's `notify` would encode it again for each, through its converter)."""
        if self.writer is None:
            return
        if self._include_headers:
            body = f"Content-Length: {len(body.encode(self.CHARSET))}\r\n\r\n{body}"
        self.writer.write(body.encode(self.CHARSET))

    def reject_unparsable(self, detail: str) -> None:
        """Answer a frame that is not JSON at all (JSON-RPC's parse error, id null)."""
        self._send_error_without_id(
            types.ErrorCodes.ParseError, f"message is not valid JSON: {detail}"
        )

    def _send_error_without_id(self, code: types.ErrorCodes, message: str) -> None:
        # JSON-RPC 2.0 answers a message whose id cannot be read with `"id": null`; pygls's
        # serializer drops None members, so this reply is written as plain JSON.
        log.info("answered a message with no readable id: %s", message)
        self._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}})

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args: Any) -> Generator[Any, Any, None]:
        if self.on_exit is None:
            yield from super().lsp_exit(*args)
            return
        if (user_handler := self.fm.features.get(types.EXIT)) is not None:
            yield user_handler, args, None
        self.on_exit()


class PlaygroundServer(LanguageServer):
    """A session. Per-session state lives here; everything expensive lives in `shared`."""

    protocol: SessionProtocol

    def __init__(self, shared: Shared) -> None:
        super().__init__(
            SERVER_NAME,
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=SessionProtocol,
        )
        quiet_client_mistakes()
        self.shared = shared
        self.session_id = secrets.token_hex(6)
        """Names this session to the sandbox scheduler: one active run per session."""
        self.reads_disk = True
        """Whether runs may read a document's folder from this machine's disk: an editor over
        stdio runs as the user whose disk it is; a WebSocket client's files are what it sends."""
        self.diagnostics = DiagnosticsScheduler(self)
        self.grant: Grant = OWNER
        """What this connection may reach in collaboration: everything for the token's holder
        (and an editor over stdio), one playground for an invitation."""
        self.collab_sink: SessionSink | None = None
        features.register_all(self)

    def report_server_error(self, error: Exception, source: Any) -> None:
        # pygls calls this when a stdio frame cannot be decoded; answer it
        # rather than leaving the client guessing.
        if isinstance(error, ValueError):
            self.protocol.reject_unparsable(str(error))
        elif isinstance(error, CLIENT_MISTAKES):
            log.info("client error: %s", error)
        else:
            log.error("%s", error)

    def close(self) -> None:
        """Forget this session's pending work (the connection is gone); cancel its runs."""
        self.diagnostics.close()
        self.shared.runs.end_session(self.session_id)
        if self.collab_sink is not None:
            self.shared.collab.disconnect(self.collab_sink)
