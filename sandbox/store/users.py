"""Users: the tenant's end users, keyed by the tenant's own id."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import users

# Built once: every new connect session and every sync looks a user up.
_BY_EXTERNAL_ID = Prepared(
    sa.select(users).where(
        users.c.tenant_id == sa.bindparam("tenant_id"),
        users.c.external_id == sa.bindparam("external_id"),
    )
)
_BY_ID = Prepared(
    sa.select(users).where(
        users.c.tenant_id == sa.bindparam("tenant_id"), users.c.id == sa.bindparam("user_id")
    )
)
_INSERT = Prepared(sa.insert(users).returning(*users.c))


_EXTERNAL_IDS = sa.select(users.c.id, users.c.external_id).where(
    users.c.tenant_id == sa.bindparam("tenant_id"),
    users.c.id.in_(sa.bindparam("ids", expanding=True)),
)
# One user's: what a listing filtered by `user_id` (most listings) asks for.
_EXTERNAL_ID = Prepared(
    sa.select(users.c.id, users.c.external_id).where(
        users.c.tenant_id == sa.bindparam("tenant_id"), users.c.id == sa.bindparam("user_id")
    )
)


def user_by_external_id(conn: Connection, tenant_id: str, external_id: str) -> RowMapping | None:
    found = _BY_EXTERNAL_ID.run(conn, {"tenant_id": tenant_id, "external_id": external_id})
    return found.mapping_or_none()


def user_by_id(conn: Connection, tenant_id: str, user_id: int) -> RowMapping | None:
    return _BY_ID.run(conn, {"tenant_id": tenant_id, "user_id": user_id}).mapping_or_none()


def insert_user(
    conn: Connection,
    tenant_id: str,
    external_id: str,
    at: datetime,
    expires_at: datetime | None = None,
) -> RowMapping:
    values = {
        "tenant_id": tenant_id,
        "external_id": external_id,
        "created_at": at,
        "expires_at": expires_at,
    }
    return _INSERT.run(conn, values).mapping()


def insert_user_if_new(
    conn: Connection, tenant_id: str, external_id: str, at: datetime
) -> RowMapping | None:
    """The new user; None when another transaction made it since this one looked. Only
    PostgreSQL lets two transactions look at once (SQLite's writers take turns from BEGIN),
    so only there is the insert tried in a savepoint, which keeps the transaction usable."""
    if conn.dialect.name == "sqlite":
        return insert_user(conn, tenant_id, external_id, at)
    try:
        with conn.begin_nested():
            return insert_user(conn, tenant_id, external_id, at)
    except sa.exc.IntegrityError:
        return None


def update_user(conn: Connection, user_id: int, **values: object) -> RowMapping:
    statement = sa.update(users).where(users.c.id == user_id).values(**values)
    return conn.execute(statement.returning(*users.c)).mappings().one()


def delete_gone_users(conn: Connection, tenant_id: str, now: datetime) -> int:
    """Delete the tenant's temporary users whose time is up (with all they own)."""
    statement = sa.delete(users).where(
        users.c.tenant_id == tenant_id, users.c.expires_at.is_not(None), users.c.expires_at <= now
    )
    return conn.execute(statement).rowcount


def list_users(conn: Connection, tenant_id: str, after_id: int, limit: int) -> list[RowMapping]:
    query = (
        sa.select(users)
        .where(users.c.tenant_id == tenant_id, users.c.id > after_id)
        .order_by(users.c.id)
        .limit(limit)
    )
    return list(conn.execute(query).mappings())


def delete_user(conn: Connection, tenant_id: str, user_id: int) -> bool:
    statement = sa.delete(users).where(users.c.tenant_id == tenant_id, users.c.id == user_id)
    return conn.execute(statement).rowcount == 1


def external_ids(conn: Connection, tenant_id: str, user_ids: Iterable[int]) -> dict[int, str]:
    """The tenant's own id of each of these users, in one query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    if len(ids) == 1:
        found = _EXTERNAL_ID.run(conn, {"tenant_id": tenant_id, "user_id": ids[0]})
        return dict(found.all())
    return dict(conn.execute(_EXTERNAL_IDS, {"tenant_id": tenant_id, "ids": ids}).all())
