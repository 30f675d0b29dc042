"""The durable log of every playground: SQLite in WAL mode, behind a small interface.

What the rooms need is five things (`Store`): append ops at an expected revision, read the ops
since a revision, write and read a snapshot, and append the playground's file events. Nothing
else in `collab` touches SQL, so PostgreSQL (one row per op, `PRIMARY KEY (file_id, revision)`
as the fence) can replace this without touching the rooms.

Acknowledged means durable: `synchronous=FULL` makes a commit reach the disk before it
returns, and a room acknowledges an op only after the commit that holds it. Commits are
grouped: the writer thread takes every append waiting at that moment into one transaction, so
twenty typists cost one fsync per batch, not one per keystroke.

Text in the database is ordinary UTF-8 (SQLite's TEXT); the rooms' unit strings are
converted at this boundary (`operation.text` / `operation.units`).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from lionagi_playground.server.collab.operation import Operation, from_json, text, units

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS playgrounds (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY, playground TEXT NOT NULL REFERENCES playgrounds(id),
    path TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS files_by_path ON files(playground, path) WHERE deleted = 0;
CREATE TABLE IF NOT EXISTS ops (
    file INTEGER NOT NULL, revision INTEGER NOT NULL, client TEXT NOT NULL, seq INTEGER NOT NULL,
    op TEXT NOT NULL, PRIMARY KEY (file, revision)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS ops_by_client ON ops(file, client, seq);
CREATE TABLE IF NOT EXISTS snapshots (
    file INTEGER NOT NULL, revision INTEGER NOT NULL, text TEXT NOT NULL,
    PRIMARY KEY (file, revision)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    playground TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (playground, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS invites (
    id TEXT PRIMARY KEY, playground TEXT NOT NULL, role TEXT NOT NULL,
    expires REAL, revoked INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class Entry:
    """One op of a file's history: the revision it made, and who sent it."""

    revision: int
    op: Operation
    client: str
    seq: int


@dataclass(frozen=True)
class FileRow:
    id: int
    playground: str
    path: str


@dataclass(frozen=True)
class InviteRow:
    id: str
    playground: str
    role: str
    expires: float | None
    revoked: bool


class ConflictError(RuntimeError):
    """An append whose expected revision is not the log's next one (a second writer)."""


class Store(Protocol):
    async def append(self, file: int, entries: Sequence[Entry]) -> None: ...
    async def read_since(self, file: int, revision: int) -> list[Entry]: ...
    async def snapshot(self, file: int, revision: int, unit_text: str) -> None: ...
    async def latest_snapshot(self, file: int) -> tuple[int, str]: ...


def op_to_json(op: Operation) -> list[int | str]:
    """An op's wire and storage form: inserts as ordinary text."""
    return [text(c) if isinstance(c, str) else c for c in op]


def op_from_json(value: object) -> Operation:
    """An op from its wire or storage form (checked; see `operation.from_json`)."""
    if isinstance(value, list):
        value = [units(c) if isinstance(c, str) else c for c in value]
    return from_json(value)


class SqliteStore:
    """One connection owned by one writer thread; every call is queued to it in order."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._queue: list[tuple[Callable[[sqlite3.Connection], Any], Future[Any], bool]] = []
        self._wake = threading.Condition()
        self._closed = False
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._work, args=(ready,), name="collab-store", daemon=True
        )
        self._thread.start()
        ready.result()

    # --- the writer thread -------------------------------------------------------------

    def _work(self, ready: Future[None]) -> None:
        try:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.executescript(SCHEMA)
        except BaseException as error:
            ready.set_exception(error)
            return
        ready.set_result(None)
        while True:
            with self._wake:
                while not self._queue and not self._closed:
                    self._wake.wait()
                if not self._queue:
                    break
                batch, self._queue = self._queue, []
            self._run_batch(db, batch)
        db.close()

    def _run_batch(
        self,
        db: sqlite3.Connection,
        batch: list[tuple[Callable[[sqlite3.Connection], Any], Future[Any], bool]],
    ) -> None:
        """Writes of the batch in one transaction (one fsync); reads on their own."""
        writes = [item for item in batch if item[2]]
        results: list[tuple[Future[Any], Any, BaseException | None]] = []
        if writes:
            db.execute("BEGIN IMMEDIATE")
            for call, future, _ in writes:
                db.execute("SAVEPOINT one")
                try:
                    results.append((future, call(db), None))
                    db.execute("RELEASE one")
                except Exception as refused:  # this write only: the batch goes on
                    db.execute("ROLLBACK TO one")
                    db.execute("RELEASE one")
                    results.append((future, None, refused))
            try:
                db.execute("COMMIT")
            except Exception as failed:
                db.execute("ROLLBACK")
                results = [(future, None, failed) for future, _, _ in results]
        for call, future, is_write in batch:
            if not is_write:
                try:
                    results.append((future, call(db), None))
                except Exception as failed:
                    results.append((future, None, failed))
        for future, value, problem in results:
            if problem is None:
                future.set_result(value)
            else:
                future.set_exception(problem)

    def _submit(self, call: Callable[[sqlite3.Connection], T], *, write: bool) -> Future[T]:
        future: Future[T] = Future()
        with self._wake:
            if self._closed:
                raise RuntimeError("the store is closed")
            self._queue.append((call, future, write))
            self._wake.notify()
        return future

    async def _write(self, call: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.wrap_future(self._submit(call, write=True))

    async def _read(self, call: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.wrap_future(self._submit(call, write=False))

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout=10)

    # --- ops and snapshots ---------------------------------------------------------------

    async def append(self, file: int, entries: Sequence[Entry]) -> None:
        """Append ops; ConflictError unless the first is the log's next revision."""
        rows = [(file, e.revision, e.client, e.seq, json.dumps(op_to_json(e.op))) for e in entries]

        def call(db: sqlite3.Connection) -> None:
            (last,) = db.execute(
                "SELECT COALESCE(MAX(revision), 0) FROM ops WHERE file = ?", (file,)
            ).fetchone()
            if rows and rows[0][1] != last + 1:
                raise ConflictError(f"file {file}: expected revision {last + 1}, got {rows[0][1]}")
            db.executemany("INSERT INTO ops VALUES (?, ?, ?, ?, ?)", rows)

        await self._write(call)

    async def read_since(self, file: int, revision: int) -> list[Entry]:
        def call(db: sqlite3.Connection) -> list[Entry]:
            rows = db.execute(
                "SELECT revision, op, client, seq FROM ops WHERE file = ? AND revision > ?"
                " ORDER BY revision",
                (file, revision),
            )
            return [Entry(r, op_from_json(json.loads(op)), c, s) for r, op, c, s in rows]

        return await self._read(call)

    async def find(self, file: int, client: str, seq: int) -> int | None:
        """The revision the op (client, seq) made, if it is in the log."""

        def call(db: sqlite3.Connection) -> int | None:
            row = db.execute(
                "SELECT revision FROM ops WHERE file = ? AND client = ? AND seq = ?",
                (file, client, seq),
            ).fetchone()
            return None if row is None else int(row[0])

        return await self._read(call)

    async def last_seqs(self, file: int) -> dict[str, int]:
        def call(db: sqlite3.Connection) -> dict[str, int]:
            rows = db.execute(
                "SELECT client, MAX(seq) FROM ops WHERE file = ? GROUP BY client", (file,)
            )
            return {client: int(seq) for client, seq in rows}

        return await self._read(call)

    async def snapshot(self, file: int, revision: int, unit_text: str) -> None:
        stored = text(unit_text)

        def call(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)", (file, revision, stored)
            )

        await self._write(call)

    async def latest_snapshot(self, file: int) -> tuple[int, str]:
        """(revision, unit text) of the newest snapshot; (0, "") for a file with none."""

        def call(db: sqlite3.Connection) -> tuple[int, str]:
            row = db.execute(
                "SELECT revision, text FROM snapshots WHERE file = ? ORDER BY revision DESC"
                " LIMIT 1",
                (file,),
            ).fetchone()
            return (0, "") if row is None else (int(row[0]), units(row[1]))

        return await self._read(call)

    # --- playgrounds, files and their events ------------------------------------------

    async def meta(self, key: str, make: Callable[[], str]) -> str:
        """A server-wide setting, made once (e.g. the invitation signing key)."""
        fresh = make()

        def call(db: sqlite3.Connection) -> str:
            db.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (key, fresh))
            (value,) = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return str(value)

        return await self._write(call)

    async def create_playground(
        self, playground: str, title: str, created: float, files: dict[str, str]
    ) -> list[FileRow]:
        """A playground with its first files, each as revision 0 (a snapshot)."""

        def call(db: sqlite3.Connection) -> list[FileRow]:
            db.execute("INSERT INTO playgrounds VALUES (?, ?, ?)", (playground, title, created))
            rows = []
            for path, content in files.items():
                cursor = db.execute(
                    "INSERT INTO files (playground, path) VALUES (?, ?)", (playground, path)
                )
                file = int(cursor.lastrowid or 0)
                db.execute("INSERT INTO snapshots VALUES (?, 0, ?)", (file, content))
                rows.append(FileRow(file, playground, path))
            return rows

        return await self._write(call)

    async def playgrounds(self) -> list[tuple[str, str, float]]:
        def call(db: sqlite3.Connection) -> list[tuple[str, str, float]]:
            rows = db.execute("SELECT id, title, created FROM playgrounds ORDER BY created")
            return [(str(i), str(t), float(c)) for i, t, c in rows]

        return await self._read(call)

    async def files(self, playground: str) -> list[FileRow]:
        def call(db: sqlite3.Connection) -> list[FileRow]:
            rows = db.execute(
                "SELECT id, path FROM files WHERE playground = ? AND deleted = 0 ORDER BY path",
                (playground,),
            )
            return [FileRow(int(i), playground, str(p)) for i, p in rows]

        return await self._read(call)

    async def file_event(
        self, playground: str, kind: str, data: dict[str, Any], change: FileChange
    ) -> tuple[int, FileRow | None]:
        """Apply a file change and log it as the playground's next event, atomically:
        (the event's seq, the file row it made or touched)."""

        def call(db: sqlite3.Connection) -> tuple[int, FileRow | None]:
            row = change(db)
            (last,) = db.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE playground = ?", (playground,)
            ).fetchone()
            db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?)",
                (playground, last + 1, kind, json.dumps(data)),
            )
            return int(last) + 1, row

        return await self._write(call)

    # --- invitations ---------------------------------------------------------------------

    async def add_invite(self, invite: InviteRow) -> None:
        def call(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO invites VALUES (?, ?, ?, ?, 0)",
                (invite.id, invite.playground, invite.role, invite.expires),
            )

        await self._write(call)

    async def revoke_invite(self, playground: str, invite: str) -> bool:
        def call(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE invites SET revoked = 1 WHERE id = ? AND playground = ?",
                (invite, playground),
            )
            return cursor.rowcount > 0

        return await self._write(call)

    async def invites(self) -> list[InviteRow]:
        def call(db: sqlite3.Connection) -> list[InviteRow]:
            rows = db.execute("SELECT id, playground, role, expires, revoked FROM invites")
            return [InviteRow(str(i), str(p), str(r), e, bool(v)) for i, p, r, e, v in rows]

        return await self._read(call)


FileChange = Callable[[sqlite3.Connection], FileRow | None]
