"""Webhook signing keys: secrets a tenant makes (Powens' `POST /webhooks/auth` with type
`hmac_signature`) to have the deliveries of a keyed format signed with instead of carrying the
user's token. The tenant's newest key signs; deleting every key goes back to the user's token.

A key is shown in full whenever it is listed, as Powens shows an auth provider's `secret_key`:
the receiver needs it to check signatures, and the sandbox holds no real secret.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from sandbox.clock import system_now
from sandbox.domain.errors import Conflict, InvalidInput, NotFound
from sandbox.store import webhook_keys as rows
from sandbox.store.database import Database
from sandbox.store.schema import WEBHOOK_KEY_TYPES

MAX_KEYS = 10
MAX_NAME = 255


@dataclass(frozen=True)
class SigningKey:
    id: int
    type: str
    name: str
    secret: str
    created_at: datetime  # real time

    def __repr__(self) -> str:
        return f"SigningKey(id={self.id}, type={self.type!r})"


def _key(row: object) -> SigningKey:
    return SigningKey(row["id"], row["type"], row["name"], row["secret"], row["created_at"])  # type: ignore[index]


def add_key(db: Database, tenant_id: str, type: str, name: str) -> SigningKey:
    """A new key of `type` (one of `WEBHOOK_KEY_TYPES`) named `name`, its secret generated."""
    if type not in WEBHOOK_KEY_TYPES:
        raise InvalidInput(
            f"a webhook signing key is of type {', '.join(WEBHOOK_KEY_TYPES)}",
            details={"field": "type", "allowed": list(WEBHOOK_KEY_TYPES)},
        )
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(
            f"a webhook signing key's name has 1 to {MAX_NAME} characters",
            details={"field": "name"},
        )
    with db.begin() as conn:
        if rows.count_keys(conn, tenant_id) >= MAX_KEYS:
            raise Conflict(
                f"a tenant has at most {MAX_KEYS} webhook signing keys: delete one first",
                details={"limit": MAX_KEYS},
            )
        row = rows.insert_key(
            conn,
            tenant_id=tenant_id,
            type=type,
            name=name,
            secret=secrets.token_hex(32),
            created_at=system_now(),
        )
    return _key(row)


def list_keys(db: Database, tenant_id: str) -> list[SigningKey]:
    """Oldest first."""
    with db.connect() as conn:
        return [_key(row) for row in rows.list_keys(conn, tenant_id)]


def delete_key(db: Database, tenant_id: str, key_id: int) -> None:
    with db.begin() as conn:
        if not rows.delete_key(conn, tenant_id, key_id):
            raise NotFound(f"no webhook signing key {key_id}", details={"id": key_id})


def newest_secret(conn: Connection, tenant_id: str) -> str | None:
    """The secret that signs the tenant's keyed deliveries now: its newest key's, if any."""
    return rows.newest_secret(conn, tenant_id)
