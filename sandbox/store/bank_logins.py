"""Bank logins with their consents and sync attempts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import (
    bank_login_sources,
    bank_logins,
    consents,
    sync_attempts,
    tenants,
    users,
)

_LATEST_CONSENT = (
    sa.select(consents.c.id)
    .where(consents.c.bank_login_id == bank_logins.c.id, consents.c.revoked_at.is_(None))
    .order_by(consents.c.granted_at.desc(), consents.c.id.desc())
    .limit(1)
    .correlate(bank_logins)
    .scalar_subquery()
)

_WITH_USER_AND_CONSENT = (
    sa.select(
        bank_logins,
        users.c.external_id.label("external_user_id"),
        consents.c.granted_at.label("consent_granted_at"),
        consents.c.expires_at.label("consent_expires_at"),
        consents.c.history_days.label("consent_history_days"),
    )
    .join(users, users.c.id == bank_logins.c.user_id)
    .outerjoin(consents, consents.c.id == _LATEST_CONSENT)
)


# Built once: the writes of every connection and sync. An update's SET clause is the keys it
# is given.
_INSERT_LOGIN = Prepared(sa.insert(bank_logins).returning(bank_logins.c.id))
_UPDATE_LOGIN = Prepared(sa.update(bank_logins).where(bank_logins.c.id == sa.bindparam("row_id")))
_INSERT_SOURCES = Prepared(sa.insert(bank_login_sources))
_UPDATE_SOURCE = Prepared(
    sa.update(bank_login_sources).where(
        bank_login_sources.c.bank_login_id == sa.bindparam("login_id"),
        bank_login_sources.c.kind == sa.bindparam("source_kind"),
    )
)
_INSERT_CONSENT = Prepared(sa.insert(consents))
_INSERT_SYNC_ATTEMPT = Prepared(sa.insert(sync_attempts))
# The reads of every sync and every bank login answer, built once with bound parameters.
_BY_ID = Prepared(
    _WITH_USER_AND_CONSENT.where(
        bank_logins.c.tenant_id == sa.bindparam("tenant_id"),
        bank_logins.c.id == sa.bindparam("bank_login_id"),
    )
)
_SOURCES_OF = (
    sa.select(bank_login_sources)
    .where(bank_login_sources.c.bank_login_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(
        bank_login_sources.c.bank_login_id,
        bank_login_sources.c.priority,
        bank_login_sources.c.id,
    )
)


def insert_bank_login(conn: Connection, **values: Any) -> int:
    return _INSERT_LOGIN.run(conn, values).scalar_one()


def insert_sources(conn: Connection, tenant_id: str, bank_login_id: int, sources: list) -> None:
    """The login's sources, each (kind, priority, state, last_update)."""
    rows = [
        {
            "tenant_id": tenant_id,
            "bank_login_id": bank_login_id,
            "kind": kind,
            "priority": priority,
            "state": state,
            "last_update": last_update,
        }
        for kind, priority, state, last_update in sources
    ]
    if rows:
        _INSERT_SOURCES.run_many(conn, rows)


def sources_of(conn: Connection, bank_login_ids: Iterable[int]) -> dict[int, list[RowMapping]]:
    """Each login's sources in priority order, in one query."""
    ids = sorted(set(bank_login_ids))
    if not ids:
        return {}
    found: dict[int, list[RowMapping]] = {}
    for row in conn.execute(_SOURCES_OF, {"ids": ids}).mappings():
        found.setdefault(row["bank_login_id"], []).append(row)
    return found


def update_source(conn: Connection, bank_login_id: int, kind: str, **values: Any) -> None:
    _UPDATE_SOURCE.run(conn, {"login_id": bank_login_id, "source_kind": kind, **values})


def bank_login_by_id(conn: Connection, tenant_id: str, bank_login_id: int) -> RowMapping | None:
    found = _BY_ID.run(conn, {"tenant_id": tenant_id, "bank_login_id": bank_login_id})
    return found.mapping_or_none()


# What tells one of a user's bank logins from another connection of the same persona: read on
# every new connection, so built once.
_KEYS_OF_USER = Prepared(
    sa.select(
        bank_logins.c.id,
        bank_logins.c.bank_id,
        bank_logins.c.persona_login,
        bank_logins.c.account_type,
    )
    .where(
        bank_logins.c.tenant_id == sa.bindparam("tenant_id"),
        bank_logins.c.user_id == sa.bindparam("user_id"),
    )
    .order_by(bank_logins.c.id)
)


def keys_of_user(conn: Connection, tenant_id: str, user_id: int) -> list[dict[str, Any]]:
    """Each of the user's bank logins: id, bank_id, persona_login and account_type."""
    return _KEYS_OF_USER.run(conn, {"tenant_id": tenant_id, "user_id": user_id}).mappings()


def list_bank_logins(conn: Connection, tenant_id: str, user_id: int | None) -> list[RowMapping]:
    query = _WITH_USER_AND_CONSENT.where(bank_logins.c.tenant_id == tenant_id)
    if user_id is not None:
        query = query.where(bank_logins.c.user_id == user_id)
    return list(conn.execute(query.order_by(bank_logins.c.id)).mappings())


def update_bank_login(conn: Connection, bank_login_id: int, **values: Any) -> None:
    _UPDATE_LOGIN.run(conn, {"row_id": bank_login_id, **values})


def delete_bank_login(conn: Connection, tenant_id: str, bank_login_id: int) -> bool:
    statement = sa.delete(bank_logins).where(
        bank_logins.c.tenant_id == tenant_id, bank_logins.c.id == bank_login_id
    )
    return conn.execute(statement).rowcount == 1


def insert_consent(conn: Connection, **values: Any) -> None:
    _INSERT_CONSENT.run(conn, values)


def insert_sync_attempt(
    conn: Connection,
    tenant_id: str,
    bank_login_id: int,
    at: datetime,
    unattended: bool,
    outcome: str,
) -> None:
    _INSERT_SYNC_ATTEMPT.run(
        conn,
        {
            "tenant_id": tenant_id,
            "bank_login_id": bank_login_id,
            "at": at,
            "unattended": unattended,
            "outcome": outcome,
        },
    )


def sync_times(conn: Connection, bank_login_id: int) -> tuple[datetime, ...]:
    """When each sync attempt of the login happened, oldest first."""
    query = (
        sa.select(sync_attempts.c.at)
        .where(sync_attempts.c.bank_login_id == bank_login_id)
        .order_by(sync_attempts.c.at, sync_attempts.c.id)
    )
    return tuple(conn.execute(query).scalars())


def unattended_sync_times(conn: Connection, bank_login_id: int, since: datetime) -> list[datetime]:
    """When the login's unattended syncs after `since` happened, oldest first."""
    c = sync_attempts.c
    query = (
        sa.select(c.at)
        .where(c.bank_login_id == bank_login_id, c.unattended.is_(True), c.at > since)
        .order_by(c.at, c.id)
    )
    return list(conn.execute(query).scalars())


def expire_consent(conn: Connection, bank_login_id: int, at: datetime) -> bool:
    """End the login's current consent at `at`; False when it has none."""
    current = (
        sa.select(consents.c.id)
        .where(consents.c.bank_login_id == bank_login_id, consents.c.revoked_at.is_(None))
        .order_by(consents.c.granted_at.desc(), consents.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    statement = sa.update(consents).where(consents.c.id == current).values(expires_at=at)
    return conn.execute(statement).rowcount == 1


def bank_login_counts(conn: Connection, tenant_id: str, user_ids: Iterable[int]) -> dict[int, int]:
    """How many bank logins each of these users holds, in one grouped query."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    query = (
        sa.select(bank_logins.c.user_id, sa.func.count())
        .where(bank_logins.c.tenant_id == tenant_id, bank_logins.c.user_id.in_(ids))
        .group_by(bank_logins.c.user_id)
    )
    return dict(conn.execute(query).all())


def consents_to_announce(conn: Connection, tenant_id: str | None = None) -> list[RowMapping]:
    """Each bank login's current consent whose expiry is not announced yet, with what the
    announcement names and the tenant's clock (so one query serves every tenant's watch)."""
    query = (
        sa.select(
            consents.c.id,
            consents.c.tenant_id,
            consents.c.bank_login_id,
            consents.c.granted_at,
            consents.c.expires_at,
            consents.c.expiring_announced_at,
            bank_logins.c.bank_id,
            users.c.external_id.label("external_user_id"),
            tenants.c.clock_offset_us,
            tenants.c.clock_frozen_at,
        )
        .join(bank_logins, bank_logins.c.id == consents.c.bank_login_id)
        .join(users, users.c.id == bank_logins.c.user_id)
        .join(tenants, tenants.c.id == consents.c.tenant_id)
        .where(consents.c.id == _LATEST_CONSENT, consents.c.expired_announced_at.is_(None))
        .order_by(consents.c.tenant_id, consents.c.id)
    )
    if tenant_id is not None:
        query = query.where(consents.c.tenant_id == tenant_id)
    return list(conn.execute(query).mappings())


def mark_announced(conn: Connection, consent_id: int, column: str, at: datetime) -> bool:
    """Record an announcement unless another transaction recorded it first; True if ours."""
    statement = (
        sa.update(consents)
        .where(consents.c.id == consent_id, consents.c[column].is_(None))
        .values({column: at})
    )
    return conn.execute(statement).rowcount == 1
