"""One shared file: its text, its history, its participants, and the order of everything.

The server is the authority (ot.js's server): an op based on revision r is transformed
against the ops since r, checked against the text, applied in memory (so the next op is
transformed against it at once), and appended to the log; it is acknowledged to its sender
and broadcast to everyone else only once the log says it is durable, in revision order. A
participant is identified by its clientId, which outlives its connections:

- a repeated (clientId, seq) is answered with the original revision, never applied again;
- a rejoin (`since`) is answered only when every op of that clientId already received has
  been applied or refused and is durable, so the history it returns is complete;
- no op goes back to its own clientId, on any of its connections.

Everything here runs on the event loop; the only awaits are the log's.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lionagi_playground.server.collab.document import Document
from lionagi_playground.server.collab.names import MAX_FILE_UNITS
from lionagi_playground.server.collab.operation import (
    Component,
    Operation,
    OperationError,
    target_length,
    transform,
    transform_index,
)
from lionagi_playground.server.collab.store import Entry, SqliteStore, op_to_json

log = logging.getLogger(__name__)

SNAPSHOT_EVERY = 200
"""A snapshot every this many ops: a restart replays at most that many."""
MEMORY_HISTORY = 2000
"""Ops kept in memory for transforming; older ones are read back from the log."""
COLOURS = ("#e06c75", "#61afef", "#98c379", "#c678dd", "#e5c07b", "#56b6c2", "#d19a66", "#be5046")


class RoomError(ValueError):
    """A request the room refuses; the message says why. Nothing changed."""


class Sink(Protocol):
    """Where a participant's notifications go (a session's protocol)."""

    def notify(self, method: str, params: Any | None = None) -> None: ...

    def send_encoded(self, playground: str, path: str, body: str) -> None:
        """A notification of this file, already encoded as a JSON-RPC message."""

    def hold(self, playground: str, path: str) -> None:
        """Keep this file's notifications back until the answer being written is out (the
        session releases them after it): an acknowledgement must reach its client before the
        ops that come after it, as ot.js's client requires."""


@dataclass(eq=False)
class Participant:
    client: str
    name: str
    colour: str
    role: str
    grant: str
    """Who holds this clientId (the owner, or an invitation's id): only they may resume it."""
    sink: Sink | None
    selections: list[dict[str, int]] = field(default_factory=list)
    selections_revision: int = 0

    def public(self) -> dict[str, Any]:
        return {
            "clientId": self.client,
            "name": self.name,
            "colour": self.colour,
            "role": self.role,
            "selections": self.selections,
        }


class Room:
    def __init__(
        self,
        playground: str,
        path: str,
        file: int,
        store: SqliteStore,
        revision: int,
        unit_text: str,
        last_seqs: dict[str, int],
    ) -> None:
        self.playground = playground
        self.path = path
        self.file = file
        self._store = store
        self.document = Document(unit_text)
        self.revision = revision
        self.durable = revision
        self._history: list[Entry] = []  # the ops after `_history_base`, in memory
        self._history_base = revision
        self._last_seq = dict(last_seqs)
        self._acked: dict[tuple[str, int], int] = {}
        self._receiving: dict[str, int] = {}  # clientId -> ops received, not yet answered
        self._pending: list[tuple[Entry, str | None]] = []  # applied, not yet durable
        self._senders: dict[int, Sink | None] = {}  # revision -> the connection it came on
        # Who waits, woken only when what they wait for may have happened (one future per
        # waiter, so a cancelled waiter takes no one else with it): an op's sender until its
        # revision is durable; a join until its client has nothing in flight.
        self._durable_waiters: dict[int, list[asyncio.Future[None]]] = {}
        self._settle_waiters: list[asyncio.Future[None]] = []
        self._writing: asyncio.Task[None] | None = None
        self._broken: BaseException | None = None
        self.participants: dict[str, Participant] = {}
        self._presence_due: asyncio.TimerHandle | None = None
        self.on_broken: Callable[[Room], None] = lambda room: None

    # --- loading -----------------------------------------------------------------------

    @classmethod
    async def load(cls, playground: str, path: str, file: int, store: SqliteStore) -> Room:
        revision, unit_text = await store.latest_snapshot(file)
        entries = await store.read_since(file, revision)
        document = Document(unit_text)
        for entry in entries:
            document.apply(entry.op)
        room = cls(
            playground,
            path,
            file,
            store,
            entries[-1].revision if entries else revision,
            "",
            await store.last_seqs(file),
        )
        room.document = document
        room._history = entries
        room._history_base = revision
        return room

    # --- joining and leaving -----------------------------------------------------------

    async def join(
        self, sink: Sink, *, client: str, name: str, role: str, grant: str, resume: int | None
    ) -> dict[str, Any]:
        """A participant arrives as `client` (a new clientId, or with `resume`, the one it had
        and the revision it reached): the text, or the history since that revision, once
        everything before is durable. The caller has checked that `client` is the grant's."""
        if resume is not None and not 0 <= resume <= self.revision:
            raise RoomError(
                f"revision {resume} is not in the history (the file is at {self.revision})"
            )
        self.leave(sink)  # one participant per connection and file
        await self._settle(client if resume is not None else None)
        participant = self.participants.get(client)
        if participant is None:
            participant = self._new_participant(client, name, role, grant)
            self.participants[client] = participant
        participant.sink, participant.role = sink, role
        # Everything up to here is durable; what becomes durable from now on is broadcast to
        # the new sink (held until this answer is out), so the answer stops here even if
        # reading the log below lets more ops in.
        upto = self.durable
        answer: dict[str, Any] = {"clientId": client, "revision": upto}
        if resume is not None:
            history = [e for e in await self.entries_since(resume) if e.revision <= upto]
            answer["history"] = [_entry_json(e) for e in history]
        else:
            answer["text"] = self.document.text()
        participant.selections_revision = upto
        answer["participants"] = [p.public() for p in self.participants.values() if p.sink]
        answer["role"] = role
        self._presence_soon()
        return answer

    def _new_participant(self, client: str, name: str, role: str, grant: str) -> Participant:
        colour = COLOURS[len(self.participants) % len(COLOURS)]
        return Participant(client, name or "guest", colour, role, grant, None)

    def leave(self, sink: Sink) -> None:
        """Every participant on this connection leaves (the others see it in presence)."""
        gone = [p for p in self.participants.values() if p.sink is sink]
        for participant in gone:
            participant.sink = None
            participant.selections = []
        if gone:
            self._presence_soon()

    def rename(self, sink: Sink, name: str) -> int:
        """The participants on this connection go by `name`; how many there were."""
        mine = [p for p in self.participants.values() if p.sink is sink]
        for participant in mine:
            participant.name = name
        if mine:
            self._presence_soon()
        return len(mine)

    def participant_of(self, sink: Sink, client: str | None = None) -> Participant:
        for participant in self.participants.values():
            if participant.sink is sink and (client is None or participant.client == client):
                return participant
        raise RoomError(f"join {self.path} before editing it")

    async def _settle(self, client: str | None) -> None:
        """Wait until nothing of `client` (None: of anyone) is mid-flight and all is durable."""
        while self._broken is None and not (
            (self._receiving.get(client, 0) == 0 if client else not any(self._receiving.values()))
            and self.durable == self.revision
        ):
            waiter = asyncio.get_running_loop().create_future()
            self._settle_waiters.append(waiter)
            await waiter
        if self._broken is not None:
            raise RoomError("this file could not be saved; join it again")

    def _wake_settlers(self) -> None:
        """Something a join may wait for happened (an op answered, a batch durable)."""
        waiters, self._settle_waiters = self._settle_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def entries_since(self, revision: int) -> list[Entry]:
        if revision >= self._history_base:
            return self._history[revision - self._history_base :]
        older = await self._store.read_since(self.file, revision)
        return [e for e in older if e.revision <= self._history_base] + self._history

    # --- ops -------------------------------------------------------------------------

    async def receive(
        self, participant: Participant, revision: int, seq: int, op: Operation
    ) -> int:
        """Take an op; its revision once durable. RoomError (nothing changed) if refused."""
        client = participant.client
        if participant.role != "edit":
            raise RoomError("you can view this playground but not edit it")
        self._receiving[client] = self._receiving.get(client, 0) + 1
        try:
            done = self._acked.get((client, seq))
            if done is None and seq <= self._last_seq.get(client, 0):
                done = await self._store.find(self.file, client, seq)
                if done is None:
                    raise RoomError(
                        f"seq {seq} was already used by this client (the next is "
                        f"{self._last_seq.get(client, 0) + 1})"
                    )
            if done is not None:  # a resend: the original answer, nothing applied again
                await self._until_durable(done)
                return done
            if not 0 <= revision <= self.revision:
                raise RoomError(
                    f"revision {revision} is not in the history (the file is at {self.revision})"
                )
            concurrent = await self.entries_since(revision)
            # The read above may have awaited the log: take the ops applied meanwhile too.
            seen = concurrent[-1].revision if concurrent else revision
            if seen < self._history_base:
                raise RoomError("the file changed too much meanwhile; send the op again")
            concurrent += self._history[seen - self._history_base :]
            try:
                op = transform_over(op, [entry.op for entry in concurrent])
                self.document.check(op)
                if target_length(op) > MAX_FILE_UNITS:
                    raise OperationError(f"a file holds at most {MAX_FILE_UNITS} UTF-16 units")
            except OperationError as error:
                raise RoomError(str(error)) from None
            if self._broken is not None:
                raise RoomError("this file could not be saved; join it again")
            self.document.apply(op)
            self.revision += 1
            entry = Entry(self.revision, op, client, seq)
            self._history.append(entry)
            self._last_seq[client] = max(seq, self._last_seq.get(client, 0))
            self._acked[(client, seq)] = self.revision
            for other in self.participants.values():
                if other.selections:
                    other.selections = _transform_selections(other.selections, op)
            snapshot = self.document.text() if self.revision % SNAPSHOT_EVERY == 0 else None
            self._pending.append((entry, snapshot))
            self._senders[entry.revision] = participant.sink
            if self._writing is None:
                self._writing = asyncio.get_running_loop().create_task(self._write())
            await self._until_durable(entry.revision)
            return entry.revision
        finally:
            self._receiving[client] -= 1
            if self._settle_waiters:
                self._wake_settlers()

    async def _until_durable(self, revision: int) -> None:
        if self.durable < revision and self._broken is None:
            waiter = asyncio.get_running_loop().create_future()
            self._durable_waiters.setdefault(revision, []).append(waiter)
            await waiter
        if self._broken is not None and self.durable < revision:
            raise RoomError("this file could not be saved; join it again")

    async def _write(self) -> None:
        """Append pending ops to the log, batch after batch, then announce them in order."""
        try:
            while self._pending:
                batch, self._pending = self._pending, []
                await self._store.append(self.file, [entry for entry, _ in batch])
                for entry, snapshot in batch:
                    if snapshot is not None:
                        await self._store.snapshot(self.file, entry.revision, snapshot)
                for entry, _ in batch:
                    self.durable = entry.revision
                    self._broadcast(entry)
                    for waiter in self._durable_waiters.pop(entry.revision, ()):
                        if not waiter.done():
                            waiter.set_result(None)
                self._trim()
                if self._settle_waiters:
                    self._wake_settlers()
        except Exception as error:
            log.exception("room %s/%s: the log refused an append", self.playground, self.path)
            self._broken = error
            waiting, self._durable_waiters = self._durable_waiters, {}
            for waiters in waiting.values():
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_result(None)
            self._wake_settlers()
            self.on_broken(self)
        finally:
            self._writing = None

    def _trim(self) -> None:
        """Forget the oldest durable ops in memory once there are too many (the log has them)."""
        if len(self._history) > MEMORY_HISTORY:
            drop = min(len(self._history) - MEMORY_HISTORY // 2, self.durable - self._history_base)
            if drop > 0:
                self._history = self._history[drop:]
                self._history_base += drop

    def _broadcast(self, entry: Entry) -> None:
        sender = self._senders.pop(entry.revision, None)
        own = self.participants.get(entry.client)
        if sender is not None and own is not None and own.sink is sender:
            sender.hold(self.playground, self.path)  # its ack, then the ops after it
        params = {
            "playground": self.playground,
            "path": self.path,
            "revision": entry.revision,
            "op": op_to_json(entry.op),
            "clientId": entry.client,
            "seq": entry.seq,
        }
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "playground/collab/remoteOp", "params": params}
        )  # once, for everyone
        for participant in self.participants.values():
            if participant.sink is not None and participant.client != entry.client:
                participant.sink.send_encoded(self.playground, self.path, body)

    # --- presence ----------------------------------------------------------------------

    def cursor(
        self, participant: Participant, revision: int, selections: list[dict[str, int]]
    ) -> None:
        if not 0 <= revision <= self.revision:
            raise RoomError(
                f"revision {revision} is not in the history (the file is at {self.revision})"
            )
        if revision < self._history_base:
            raise RoomError("that revision is too old for a cursor; send it again")
        for entry in self._history[revision - self._history_base :]:
            selections = _transform_selections(selections, entry.op)
        end = len(self.document)
        participant.selections = [
            {"anchor": min(s["anchor"], end), "head": min(s["head"], end)} for s in selections
        ]
        self._presence_soon()

    def _presence_soon(self) -> None:
        """Presence at most every 50 ms per file: twenty typists' cursors, one message."""
        if self._presence_due is None:
            self._presence_due = asyncio.get_running_loop().call_later(0.05, self._send_presence)

    def _send_presence(self) -> None:
        self._presence_due = None
        present = [p for p in self.participants.values() if p.sink is not None]
        params = {
            "playground": self.playground,
            "path": self.path,
            "revision": self.revision,
            "participants": [p.public() for p in present],
        }
        for participant in present:
            assert participant.sink is not None
            participant.sink.notify("playground/collab/presence", params)


def _entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "revision": entry.revision,
        "op": op_to_json(entry.op),
        "clientId": entry.client,
        "seq": entry.seq,
    }


def _transform_selections(
    selections: Sequence[dict[str, int]], op: Operation
) -> list[dict[str, int]]:
    return [
        {"anchor": transform_index(s["anchor"], op), "head": transform_index(s["head"], op)}
        for s in selections
    ]


# --- transforming a keystroke ------------------------------------------------------------

_Edit = tuple[int, str, int, int]
"""A keystroke's op read as (offset, inserted units, deleted count, base length): one insert
or one delete between retains, which is what typing sends and the history mostly holds."""


def transform_over(op: Operation, concurrent: Sequence[Operation]) -> Operation:
    """`op` transformed against each of `concurrent` in turn (`transform(op, c)[0]`), the
    server's side of ot.js. A keystroke against keystrokes is worked out from offsets, with
    the same result component for component (tests/collab/test_room_transform.py checks
    it against `transform`); anything else goes through `transform`."""
    edit = _edit(op)
    for index, other in enumerate(concurrent):
        done = _edit(other) if edit is not None else None
        if edit is None or done is None or edit[3] != done[3]:
            op = _build(edit) if edit is not None else op
            for rest in concurrent[index:]:
                op = transform(op, rest)[0]
            return op
        edit, split = _edit_over(edit, done)
        if split is not None:  # a delete cut in two by an insert: no longer one edit
            op = split
            for rest in concurrent[index + 1 :]:
                op = transform(op, rest)[0]
            return op
    return _build(edit) if edit is not None else op


def _edit(op: Sequence[Component]) -> _Edit | None:
    count = len(op)
    if not 0 < count <= 3:
        return None
    at = 0
    index = 0
    first = op[0]
    if isinstance(first, int) and first > 0:
        if count == 1:
            return None  # retains only: no edit
        at, index = first, 1
    change = op[index]
    index += 1
    rest = 0
    if index < count:
        last = op[index]
        if not isinstance(last, int) or last <= 0:
            return None
        rest, index = last, index + 1
    if index != count:
        return None
    if isinstance(change, str):
        return at, change, 0, at + rest
    if change < 0:
        return at, "", -change, at - change + rest
    return None


def _edit_over(a: _Edit, b: _Edit) -> tuple[_Edit, Operation | None]:
    """`a` after `b` (both on one text, `a` first at a tie, as `transform(a, b)[0]`); or, when
    `b` inserts inside what `a` deletes, the op that deletes around the insert."""
    at, inserted, deleted, _ = a
    b_at, b_inserted, b_deleted, length = b
    grown = len(b_inserted)
    length += grown - b_deleted
    if b_deleted:  # b deletes b_at .. b_at + b_deleted
        end, b_end = at + deleted, b_at + b_deleted
        if at <= b_at:
            moved = at
        elif at < b_end:
            moved = b_at
        else:
            moved = at - b_deleted
        deleted -= max(0, min(end, b_end) - max(at, b_at))
        return (moved, inserted, deleted, length), None
    if inserted:  # both insert: a's first at one offset
        return (at if at <= b_at else at + grown, inserted, 0, length), None
    if b_at <= at:  # b inserts before what a deletes
        return (at + grown, "", deleted, length), None
    if b_at >= at + deleted:
        return (at, "", deleted, length), None
    tail = length - at - deleted - grown
    split = (at, -(b_at - at), grown, -(at + deleted - b_at), tail)
    return a, tuple(c for c in split if c)


def _build(edit: _Edit) -> Operation:
    at, inserted, deleted, length = edit
    tail = length - at - deleted
    change: Component = inserted if inserted else -deleted
    if not inserted and not deleted:  # nothing left to delete: retains only
        return (length,) if length else ()
    if at and tail:
        return (at, change, tail)
    if at:
        return (at, change)
    if tail:
        return (change, tail)
    return (change,)
