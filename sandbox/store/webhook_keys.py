"""Webhook signing key rows: keys a tenant made to have its webhooks signed with (Powens'
`hmac_signature` auth providers)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import webhook_signing_keys as keys

_NEWEST_SECRET = Prepared(
    sa.select(keys.c.secret)
    .where(keys.c.tenant_id == sa.bindparam("tenant_id"))
    .order_by(keys.c.id.desc())
    .limit(1)
)


def insert_key(
    conn: Connection, *, tenant_id: str, type: str, name: str, secret: str, created_at: datetime
) -> RowMapping:
    statement = sa.insert(keys).returning(*keys.c)
    values = {
        "tenant_id": tenant_id,
        "type": type,
        "name": name,
        "secret": secret,
        "created_at": created_at,
    }
    return conn.execute(statement, values).mappings().one()


def list_keys(conn: Connection, tenant_id: str) -> list[RowMapping]:
    """Oldest first."""
    query = sa.select(keys).where(keys.c.tenant_id == tenant_id).order_by(keys.c.id)
    return list(conn.execute(query).mappings())


def count_keys(conn: Connection, tenant_id: str) -> int:
    query = sa.select(sa.func.count()).select_from(keys).where(keys.c.tenant_id == tenant_id)
    return conn.execute(query).scalar_one()


def delete_key(conn: Connection, tenant_id: str, key_id: int) -> bool:
    statement = sa.delete(keys).where(keys.c.tenant_id == tenant_id, keys.c.id == key_id)
    return conn.execute(statement).rowcount == 1


def newest_secret(conn: Connection, tenant_id: str) -> str | None:
    return _NEWEST_SECRET.run(conn, {"tenant_id": tenant_id}).scalar_one_or_none()
