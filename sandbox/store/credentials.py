"""Credentials the platform issues to a tenant's users and sessions, stored by their hash."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import credentials

_INSERT = Prepared(sa.insert(credentials).returning(*credentials.c))
_BY_HASH = Prepared(
    sa.select(credentials).where(
        credentials.c.kind == sa.bindparam("kind"),
        credentials.c.secret_hash == sa.bindparam("secret_hash"),
    )
)
# Single use: only the first of two racing uses finds `used_at` still empty.
_USE = Prepared(
    sa.update(credentials)
    .where(credentials.c.id == sa.bindparam("row_id"), credentials.c.used_at.is_(None))
    .values(used_at=sa.bindparam("at"))
)


def insert_credential(
    conn: Connection,
    *,
    tenant_id: str,
    user_id: int | None,
    kind: str,
    secret_hash: str,
    created_at: datetime,
    expires_at: datetime | None,
    nonce: str | None = None,
) -> RowMapping:
    values = {
        "tenant_id": tenant_id,
        "user_id": user_id,
        "kind": kind,
        "secret_hash": secret_hash,
        "nonce": nonce,
        "created_at": created_at,
        "expires_at": expires_at,
        "used_at": None,
    }
    return _INSERT.run(conn, values).mapping()


def credential_by_hash(conn: Connection, kind: str, secret_hash: str) -> RowMapping | None:
    return _BY_HASH.run(conn, {"kind": kind, "secret_hash": secret_hash}).mapping_or_none()


def use_credential(conn: Connection, credential_id: int, at: datetime) -> bool:
    """Mark a single-use credential used; False when another use came first."""
    return _USE.run(conn, {"row_id": credential_id, "at": at}).rowcount == 1


def delete_credential(conn: Connection, kind: str, secret_hash: str) -> bool:
    statement = sa.delete(credentials).where(
        credentials.c.kind == kind, credentials.c.secret_hash == secret_hash
    )
    return conn.execute(statement).rowcount == 1


def delete_user_credentials(
    conn: Connection, user_id: int, kind: str, keep_hash: str | None = None
) -> int:
    """Delete a user's credentials of a kind, all but the one whose hash is `keep_hash`."""
    statement = sa.delete(credentials).where(
        credentials.c.user_id == user_id, credentials.c.kind == kind
    )
    if keep_hash is not None:
        statement = statement.where(credentials.c.secret_hash != keep_hash)
    return conn.execute(statement).rowcount
