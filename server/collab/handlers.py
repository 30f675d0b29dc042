"""The collaboration methods over the language server's connection (docs/protocol.md).

Thin: each handler reads its params strictly (`params`), checks nothing else itself, and calls
the process's `Collab`. What the client got wrong is InvalidParams; a refusal (no access, an
op that does not fit, a bad file name) is RequestFailed; both say why and change nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from lionagi_playground.server.collab.access import AccessError, Grant
from lionagi_playground.server.collab.hub import Collab
from lionagi_playground.server.collab.names import FileNameError
from lionagi_playground.server.collab.operation import OperationError
from lionagi_playground.server.collab.params import (
    CollabParamsError,
    integer,
    mapping,
    operation,
    optional_string,
    selections,
    since,
    string,
)
from lionagi_playground.server.collab.room import RoomError

if TYPE_CHECKING:
    from lionagi_playground.server.session import PlaygroundServer

log = logging.getLogger(__name__)

CREATE = "playground/create"
LIST = "playground/list"
INVITE = "playground/invite"
REVOKE = "playground/revoke"
JOIN = "playground/collab/join"
OP = "playground/collab/op"
CURSOR = "playground/collab/cursor"
LEAVE = "playground/collab/leave"
NAME = "playground/collab/name"
FILES_LIST = "playground/files/list"
FILES_CREATE = "playground/files/create"
FILES_RENAME = "playground/files/rename"
FILES_DELETE = "playground/files/delete"
MAX_EXPIRES_IN = 365 * 24 * 3600


class CollabRefusedError(JsonRpcException):
    """A well-formed request the playground refuses (no access, does not fit)."""

    CODE = types.LSPErrorCodes.RequestFailed.value


class SessionSink:
    """A session's notifications, held per file while that file's join answer is on its way:
    a remote op must not reach a client before the text it applies to."""

    def __init__(self, server: PlaygroundServer) -> None:
        self._server = server
        self._held: dict[tuple[str, str], list[tuple[str, Any]]] = {}

    @property
    def session_id(self) -> str:
        return self._server.session_id

    def notify(self, method: str, params: Any | None = None) -> None:
        key = (params or {}).get("playground"), (params or {}).get("path")
        if key in self._held:
            self._held[key].append((method, params))
        else:
            self._server.protocol.notify(method, params)

    def send_encoded(self, playground: str, path: str, body: str) -> None:
        """A notification already encoded (a broadcast), held like the others."""
        if (playground, path) in self._held:
            self._held[(playground, path)].append(("", body))
        else:
            self._server.protocol.send_encoded(body)

    def hold(self, playground: str, path: str) -> None:
        self._held.setdefault((playground, path), [])

    def release(self, playground: str, path: str) -> None:
        for method, params in self._held.pop((playground, path), []):
            if method:
                self._server.protocol.notify(method, params)
            else:
                self._server.protocol.send_encoded(params)


@contextlib.contextmanager
def _answering(method: str) -> Iterator[None]:
    try:
        yield
    except (CollabParamsError, OperationError) as error:
        raise JsonRpcInvalidParams(f"invalid params for {method}: {error}") from None
    except (AccessError, RoomError, FileNameError) as error:
        log.info("%s refused: %s", method, error)
        raise CollabRefusedError(f"{method} refused: {error}") from None


def register(server: PlaygroundServer) -> None:
    sink = SessionSink(server)
    server.collab_sink = sink

    def hub() -> Collab:
        return server.shared.collab

    def grant() -> Grant:
        return server.grant

    @server.feature(CREATE)
    async def create(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(CREATE):
            params = mapping(raw, CREATE, {"title", "files"})
            title = optional_string(params, "title") or "Untitled playground"
            files = params.get("files", {})
            if not isinstance(files, dict):
                raise CollabParamsError("files must be an object of path: text")
            return await hub().create(grant(), title, files)

    @server.feature(LIST)
    async def list_(ls: PlaygroundServer, raw: object) -> list[dict[str, Any]]:
        with _answering(LIST):
            mapping(raw if raw is not None else {}, LIST, set())
            return await hub().reachable(grant())

    @server.feature(INVITE)
    async def invite(ls: PlaygroundServer, raw: object) -> dict[str, str]:
        with _answering(INVITE):
            params = mapping(raw, INVITE, {"playground", "role", "expiresIn"})
            expires = params.get("expiresIn")
            if expires is not None and (
                isinstance(expires, bool)
                or not isinstance(expires, int | float)
                or not 0 < expires <= MAX_EXPIRES_IN
            ):
                raise CollabParamsError(
                    f"expiresIn is a number of seconds above 0 and at most {MAX_EXPIRES_IN} "
                    "(a year); leave it out for an invitation that does not expire"
                )
            made = await hub().invite(
                grant(), params.get("playground"), params.get("role", "edit"), expires
            )
            return {**made, "url": f"?invite={made['invite']}"}

    @server.feature(REVOKE)
    async def revoke(ls: PlaygroundServer, raw: object) -> None:
        with _answering(REVOKE):
            params = mapping(raw, REVOKE, {"playground", "invite"})
            await hub().revoke(grant(), params.get("playground"), string(params, "invite"))

    @server.feature(JOIN)
    async def join(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(JOIN):
            params = mapping(raw, JOIN, {"playground", "path", "name", "since"})
            playground, path = string(params, "playground"), string(params, "path")
            sink.hold(playground, path)
            ls.protocol.after_response(lambda: sink.release(playground, path))
            try:
                return await hub().join(
                    sink,
                    grant(),
                    playground,
                    path,
                    optional_string(params, "name") or "",
                    since(params),
                )
            except BaseException:
                sink.release(playground, path)
                raise

    @server.feature(OP)
    async def op(ls: PlaygroundServer, raw: object) -> dict[str, int]:
        with _answering(OP):
            params = mapping(raw, OP, {"playground", "path", "revision", "seq", "op"})
            playground, path = params.get("playground"), params.get("path")
            if isinstance(playground, str) and isinstance(path, str):
                # The room holds this file's notifications once the op is durable (`hold`):
                # released right after the acknowledgement is written.
                ls.protocol.after_response(lambda: sink.release(playground, path))
            return await hub().op(
                sink,
                grant(),
                params.get("playground"),
                params.get("path"),
                integer(params, "revision"),
                integer(params, "seq", minimum=1),
                operation(params),
            )

    @server.feature(CURSOR)
    async def cursor(ls: PlaygroundServer, raw: object) -> None:
        with _answering(CURSOR):
            params = mapping(raw, CURSOR, {"playground", "path", "revision", "selections"})
            await hub().cursor(
                sink,
                grant(),
                params.get("playground"),
                params.get("path"),
                integer(params, "revision"),
                selections(params),
            )

    @server.feature(LEAVE)
    async def leave(ls: PlaygroundServer, raw: object) -> None:
        with _answering(LEAVE):
            params = mapping(raw, LEAVE, {"playground", "path"})
            await hub().leave(sink, grant(), params.get("playground"), params.get("path"))

    @server.feature(NAME)
    async def name(ls: PlaygroundServer, raw: object) -> dict[str, int]:
        with _answering(NAME):
            params = mapping(raw, NAME, {"playground", "name"})
            new_name = optional_string(params, "name")
            if not new_name or not new_name.strip():
                raise CollabParamsError("name must be a non-empty string")
            renamed = await hub().rename(sink, grant(), params.get("playground"), new_name.strip())
            return {"files": renamed}

    @server.feature(FILES_LIST)
    async def files_list(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(FILES_LIST):
            params = mapping(raw, FILES_LIST, {"playground"})
            return await hub().files_list(sink, grant(), params.get("playground"))

    @server.feature(FILES_CREATE)
    async def files_create(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(FILES_CREATE):
            params = mapping(raw, FILES_CREATE, {"playground", "path", "text"})
            return await hub().files_change(
                grant(), params.get("playground"), "create", params.get("path"), params.get("text")
            )

    @server.feature(FILES_RENAME)
    async def files_rename(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(FILES_RENAME):
            params = mapping(raw, FILES_RENAME, {"playground", "path", "newPath"})
            return await hub().files_change(
                grant(),
                params.get("playground"),
                "rename",
                params.get("path"),
                params.get("newPath"),
            )

    @server.feature(FILES_DELETE)
    async def files_delete(ls: PlaygroundServer, raw: object) -> dict[str, Any]:
        with _answering(FILES_DELETE):
            params = mapping(raw, FILES_DELETE, {"playground", "path"})
            return await hub().files_change(
                grant(), params.get("playground"), "delete", params.get("path"), None
            )
