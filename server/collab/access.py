"""Who may reach which playground: the server token's holder, and invitations.

The token holder owns every playground on the server. An invitation is a link for one
playground with one role (`edit` or `view`): `<id>.<signature>`, the signature an HMAC of the
id, the playground, the role and the expiry under a key kept in the store, so a forged or
altered link fails without a lookup, and the row (revocable, with its expiry) decides the
rest. Every request checks its grant again, so a revocation or an expiry takes effect on
connections already open.

Refusals never say whether a playground exists: "no such playground, or no access to it".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from lionagi_playground.server.collab.store import InviteRow

ROLES = ("edit", "view")
NO_ACCESS = "no such playground, or no access to it"


class AccessError(PermissionError):
    """Refused for lack of a grant; the message never tells whether the target exists."""


@dataclass(frozen=True)
class Grant:
    """What a connection may reach: everything (the owner), or one playground in one role."""

    owner: bool
    playground: str | None = None
    role: str = "edit"
    invite: str | None = None

    @property
    def holder(self) -> str:
        """Names who holds it, for binding clientIds: 'owner' or the invitation's id."""
        return "owner" if self.owner else f"invite:{self.invite}"


OWNER = Grant(owner=True)


class ClientIds:
    """clientIds that say who holds them: a random part and an HMAC of it with the holder, so
    only that holder can resume one, on any connection and after any restart, without a
    table of who made which (a clientId nobody made, or someone else's, fails the check)."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _mac(self, random_part: str, holder: str) -> str:
        message = f"client\n{random_part}\n{holder}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:16]

    def new(self, holder: str) -> str:
        random_part = secrets.token_hex(8)
        return f"{random_part}{self._mac(random_part, holder)}"

    def held_by(self, client: str, holder: str) -> bool:
        random_part, mac = client[:16], client[16:]
        return len(client) == 32 and hmac.compare_digest(mac, self._mac(random_part, holder))


class Invitations:
    """The invitations of the server, in memory, backed by the store's rows."""

    def __init__(self, key: bytes, rows: list[InviteRow]) -> None:
        self._key = key
        self._rows = {row.id: row for row in rows}

    def _sign(self, invite: str, playground: str, role: str, expires: float | None) -> str:
        message = f"{invite}\n{playground}\n{role}\n{expires or ''}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()[:18]
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def make(self, playground: str, role: str, expires_in: float | None) -> tuple[InviteRow, str]:
        """A new invitation row and its link token."""
        invite = secrets.token_urlsafe(12)
        expires = None if expires_in is None else round(time.time() + expires_in, 3)
        row = InviteRow(invite, playground, role, expires, revoked=False)
        return row, f"{invite}.{self._sign(invite, playground, role, expires)}"

    def add(self, row: InviteRow) -> None:
        self._rows[row.id] = row

    def revoke(self, playground: str, invite: str) -> bool:
        row = self._rows.get(invite)
        if row is None or row.playground != playground:
            return False
        self._rows[invite] = InviteRow(row.id, row.playground, row.role, row.expires, True)
        return True

    def grant(self, token: str) -> Grant | None:
        """The grant a link token carries, or None (forged, unknown, revoked or expired)."""
        invite, _, signature = token.partition(".")
        row = self._rows.get(invite)
        if row is None or row.revoked:
            return None
        expected = self._sign(row.id, row.playground, row.role, row.expires)
        if not hmac.compare_digest(signature.encode(), expected.encode()):
            return None
        if row.expires is not None and time.time() >= row.expires:
            return None
        return Grant(owner=False, playground=row.playground, role=row.role, invite=row.id)

    def still_valid(self, grant: Grant) -> bool:
        if grant.owner:
            return True
        row = self._rows.get(grant.invite or "")
        return (
            row is not None
            and not row.revoked
            and (row.expires is None or time.time() < row.expires)
        )


def check(grant: Grant, invitations: Invitations, playground: str, *, edit: bool = False) -> None:
    """AccessError unless `grant` reaches `playground` (for editing, when `edit`)."""
    if not grant.owner and (grant.playground != playground or not invitations.still_valid(grant)):
        raise AccessError(NO_ACCESS)
    if edit and grant.role != "edit":
        raise AccessError("you can view this playground but not change it")
