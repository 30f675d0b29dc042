"""The process's playgrounds: their files and rooms, their members, and who may reach them.

One `Collab` per server process (in `Shared`), made when a client first asks for
collaboration, so an editor over stdio never opens the database. Sessions talk to it through
`handlers`; it talks to sessions only through their `Sink` (a protocol's `notify`).

A playground's members are the connections that joined one of its files or listed them: they
get its file events and its shared runs' output.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from lionagi_playground.server.collab.access import (
    NO_ACCESS,
    ROLES,
    AccessError,
    ClientIds,
    Grant,
    Invitations,
    check,
)
from lionagi_playground.server.collab.names import (
    MAX_FILE_UNITS,
    MAX_FILES,
    FileNameError,
    check_name,
)
from lionagi_playground.server.collab.operation import (
    Operation,
    has_lone_surrogate,
    text,
    units,
)
from lionagi_playground.server.collab.room import Participant, Room, RoomError, Sink
from lionagi_playground.server.collab.store import FileRow, SqliteStore

log = logging.getLogger(__name__)

DATA_ENV = "LIONAGI_PLAYGROUND_DATA"


def default_data_dir() -> Path:
    """`$LIONAGI_PLAYGROUND_DATA`, else `$XDG_DATA_HOME/lionagi-playground/data`."""
    if configured := os.environ.get(DATA_ENV):
        return Path(configured)
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "lionagi-playground" / "data"


class Member(Sink, Protocol):
    """A connection in a playground: its notifications, and its session (for shared runs)."""

    @property
    def session_id(self) -> str: ...


def file_uri(playground: str, path: str) -> str:
    """The LSP uri of a shared file: what a client opens it as for diagnostics and completion."""
    return f"playground://{playground}/{path}"


class Collab:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._store: SqliteStore | None = None
        self._starting: asyncio.Lock | None = None
        self.invitations: Invitations | None = None
        self.client_ids: ClientIds | None = None
        self._playgrounds: dict[str, tuple[str, float]] = {}
        self._files: dict[str, dict[str, FileRow]] = {}
        self._rooms: dict[int, Room] = {}
        self._loading: dict[int, asyncio.Future[Room]] = {}
        self.members: dict[str, dict[int, Member]] = {}
        self._changing = asyncio.Lock()  # file creates, renames, deletes: one at a time

    # --- start ------------------------------------------------------------------------

    async def ready(self) -> SqliteStore:
        if self._store is not None:
            return self._store
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._store is None:
                store = await asyncio.to_thread(SqliteStore, self.data_dir / "collab.sqlite3")
                key = await store.meta("invite-key", lambda: secrets.token_hex(32))
                self.invitations = Invitations(bytes.fromhex(key), await store.invites())
                self.client_ids = ClientIds(bytes.fromhex(key))
                for playground, title, created in await store.playgrounds():
                    self._playgrounds[playground] = (title, created)
                    self._files[playground] = {
                        row.path: row for row in await store.files(playground)
                    }
                self._store = store
                log.info("collaboration data in %s", self.data_dir)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()

    def _check(self, grant: Grant, playground: object, *, edit: bool = False) -> str:
        assert self.invitations is not None
        if not isinstance(playground, str) or playground not in self._playgrounds:
            raise AccessError(NO_ACCESS)
        check(grant, self.invitations, playground, edit=edit)
        return playground

    def _row(self, playground: str, path: object) -> FileRow:
        if not isinstance(path, str) or path not in self._files[playground]:
            raise RoomError(f"no file {path!r} in this playground")
        return self._files[playground][path]

    async def _room(self, row: FileRow) -> Room:
        if (room := self._rooms.get(row.id)) is not None:
            return room
        if (loading := self._loading.get(row.id)) is not None:
            return await loading
        future: asyncio.Future[Room] = asyncio.get_running_loop().create_future()
        self._loading[row.id] = future
        try:
            room = await Room.load(row.playground, row.path, row.id, await self.ready())
            room.on_broken = self._forget_room
            self._rooms[row.id] = room
            future.set_result(room)
            return room
        except BaseException as error:
            future.set_exception(error)
            raise
        finally:
            del self._loading[row.id]

    def _forget_room(self, room: Room) -> None:
        """A room whose log refused a write: the next join loads it again from the log."""
        self._rooms.pop(room.file, None)

    # --- playgrounds ------------------------------------------------------------------

    async def create(self, grant: Grant, title: str, files: dict[str, str]) -> dict[str, Any]:
        store = await self.ready()
        if not grant.owner:
            raise AccessError("only the server's owner can create playgrounds")
        self._check_files(files)
        playground = secrets.token_urlsafe(9)
        created = time.time()
        rows = await store.create_playground(playground, title, created, files)
        self._playgrounds[playground] = (title, created)
        self._files[playground] = {row.path: row for row in rows}
        log.info("playground %s created with %d files", playground, len(rows))
        return {"playground": playground, "files": sorted(files)}

    @staticmethod
    def _check_files(files: dict[str, str]) -> None:
        if len(files) > MAX_FILES:
            raise FileNameError(f"at most {MAX_FILES} files in a playground")
        for path, content in files.items():
            check_name(path)
            _check_content(path, content)

    async def reachable(self, grant: Grant) -> list[dict[str, Any]]:
        await self.ready()
        assert self.invitations is not None
        reachable = []
        for playground, (title, created) in self._playgrounds.items():
            try:
                check(grant, self.invitations, playground)
            except AccessError:
                continue
            reachable.append(
                {
                    "playground": playground,
                    "title": title,
                    "created": created,
                    "role": grant.role,
                    "files": sorted(self._files[playground]),
                }
            )
        return reachable

    async def invite(
        self, grant: Grant, playground: object, role: object, expires_in: float | None
    ) -> dict[str, str]:
        store = await self.ready()
        assert self.invitations is not None
        name = self._check(grant, playground)
        if not grant.owner:
            raise AccessError("only the server's owner can invite")
        if role not in ROLES:
            raise RoomError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        row, token = self.invitations.make(name, str(role), expires_in)
        await store.add_invite(row)
        self.invitations.add(row)
        return {"invite": token, "id": row.id}

    async def revoke(self, grant: Grant, playground: object, invite: object) -> None:
        store = await self.ready()
        assert self.invitations is not None
        name = self._check(grant, playground)
        if not grant.owner:
            raise AccessError("only the server's owner can revoke invitations")
        invite_id = str(invite).partition(".")[0]
        if not await store.revoke_invite(name, invite_id):
            raise RoomError("no such invitation for this playground")
        self.invitations.revoke(name, invite_id)
        for room in self._rooms.values():  # whoever joined with it is out at once
            if room.playground == name:
                for participant in list(room.participants.values()):
                    if participant.grant == f"invite:{invite_id}" and participant.sink:
                        room.leave(participant.sink)

    # --- editing ------------------------------------------------------------------------

    async def join(
        self,
        sink: Member,
        grant: Grant,
        playground: object,
        path: object,
        name: str,
        since: tuple[str, int] | None,
    ) -> dict[str, Any]:
        await self.ready()
        name_ = self._check(grant, playground)
        room = await self._room(self._row(name_, path))
        assert self.client_ids is not None
        if since is None:
            client, resume = self.client_ids.new(grant.holder), None
        else:
            client, resume = since
            if not self.client_ids.held_by(client, grant.holder):
                raise RoomError(f"clientId {client} is not yours to resume")
        answer = await room.join(
            sink, client=client, name=name, role=grant.role, grant=grant.holder, resume=resume
        )
        self.members.setdefault(name_, {})[id(sink)] = sink
        if "text" in answer:
            answer["text"] = text(answer["text"])
        answer["uri"] = file_uri(name_, room.path)
        return answer

    async def op(
        self,
        sink: Sink,
        grant: Grant,
        playground: object,
        path: object,
        revision: int,
        seq: int,
        op: Operation,
    ) -> dict[str, int]:
        await self.ready()
        name = self._check(grant, playground)
        participant, room = self._participant(sink, name, path)
        return {"revision": await room.receive(participant, revision, seq, op)}

    def _participant(self, sink: Sink, playground: str, path: object) -> tuple[Participant, Room]:
        row = self._row(playground, path)
        room = self._rooms.get(row.id)
        if room is None:
            raise RoomError(f"join {path} before editing it")
        return room.participant_of(sink), room

    async def cursor(
        self,
        sink: Sink,
        grant: Grant,
        playground: object,
        path: object,
        revision: int,
        selections: list[dict[str, int]],
    ) -> None:
        await self.ready()
        name = self._check(grant, playground)
        participant, room = self._participant(sink, name, path)
        room.cursor(participant, revision, selections)

    async def leave(self, sink: Sink, grant: Grant, playground: object, path: object) -> None:
        await self.ready()
        name = self._check(grant, playground)
        _, room = self._participant(sink, name, path)
        room.leave(sink)

    async def rename(self, sink: Sink, grant: Grant, playground: object, name: str) -> int:
        """This connection's participants in `playground` go by `name` from now on (the
        others see it in presence at once); how many files it was in."""
        await self.ready()
        playground_ = self._check(grant, playground)
        renamed = 0
        for room in self._rooms.values():
            if room.playground == playground_:
                renamed += room.rename(sink, name)
        return renamed

    def disconnect(self, sink: Sink) -> None:
        """A connection ended: it leaves every room and playground it was in."""
        for room in self._rooms.values():
            room.leave(sink)
        for members in self.members.values():
            members.pop(id(sink), None)

    def watchers(self, playground: str) -> Sequence[Member]:
        return list(self.members.get(playground, {}).values())

    async def texts(self, grant: Grant, playground: object) -> dict[str, str]:
        """Every file of a playground as it is now (for a shared run)."""
        await self.ready()
        name = self._check(grant, playground)
        files = {}
        for path, row in self._files[name].items():
            room = await self._room(row)
            files[path] = text(room.document.text())
        return files

    # --- files ---------------------------------------------------------------------------

    async def files_list(self, sink: Member, grant: Grant, playground: object) -> dict[str, Any]:
        await self.ready()
        name = self._check(grant, playground)
        self.members.setdefault(name, {})[id(sink)] = sink
        return {
            "playground": name,
            "files": [{"path": p, "uri": file_uri(name, p)} for p in sorted(self._files[name])],
        }

    async def files_change(
        self, grant: Grant, playground: object, kind: str, path: object, argument: object
    ) -> dict[str, Any]:
        """create (argument: the text), rename (the new path) or delete a file, durably, then
        `playground/files/changed` to every member."""
        store = await self.ready()
        name = self._check(grant, playground, edit=True)
        async with self._changing:
            files = self._files[name]
            if kind == "create":
                path = check_name(path)
                content = "" if argument is None else argument
                if not isinstance(content, str):
                    raise RoomError("text must be a string")
                _check_content(path, content)
                if path in files:
                    raise FileNameError(f"{path!r} already exists")
                if len(files) >= MAX_FILES:
                    raise FileNameError(f"at most {MAX_FILES} files in a playground")
                data: dict[str, Any] = {"kind": kind, "path": path}

                def create(db: sqlite3.Connection) -> FileRow:
                    cursor = db.execute(
                        "INSERT INTO files (playground, path) VALUES (?, ?)", (name, path)
                    )
                    file = int(cursor.lastrowid or 0)
                    db.execute("INSERT INTO snapshots VALUES (?, 0, ?)", (file, content))
                    return FileRow(file, name, str(path))

                seq, row = await store.file_event(name, kind, data, create)
                assert row is not None
                files[row.path] = row
            elif kind == "rename":
                old = self._row(name, path)
                new_path = check_name(argument)
                if new_path in files:
                    raise FileNameError(f"{new_path!r} already exists")
                data = {"kind": kind, "path": old.path, "newPath": new_path}

                def rename(db: sqlite3.Connection) -> FileRow:
                    db.execute("UPDATE files SET path = ? WHERE id = ?", (new_path, old.id))
                    return FileRow(old.id, name, new_path)

                seq, renamed = await store.file_event(name, kind, data, rename)
                assert renamed is not None
                del files[old.path]
                files[new_path] = renamed
                if (room := self._rooms.get(old.id)) is not None:
                    room.path = new_path
            elif kind == "delete":
                gone = self._row(name, path)
                data = {"kind": kind, "path": gone.path}

                def delete(db: sqlite3.Connection) -> None:
                    db.execute("UPDATE files SET deleted = 1 WHERE id = ?", (gone.id,))

                seq, _ = await store.file_event(name, kind, data, delete)
                del files[gone.path]
                if (room := self._rooms.pop(gone.id, None)) is not None:
                    for participant in room.participants.values():
                        participant.sink = None
            else:
                raise RoomError(f"unknown file change {kind!r}")
        event = {"playground": name, "seq": seq, **data}
        for sink in self.watchers(name):
            sink.notify("playground/files/changed", event)
        return event


def _check_content(path: str, content: object) -> None:
    if not isinstance(content, str):
        raise RoomError(f"{path}: a file's text must be a string")
    unit_string = units(content)
    if len(unit_string) > MAX_FILE_UNITS:
        raise RoomError(f"{path}: a file holds at most {MAX_FILE_UNITS} UTF-16 units")
    if has_lone_surrogate(unit_string):
        raise RoomError(f"{path}: the text holds a lone surrogate (invalid UTF-16)")
