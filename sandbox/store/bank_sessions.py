"""Signed-in bank sessions and the standing accesses later sessions are opened from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.schema import bank_accesses, bank_sessions, credentials, import_jobs, users

_SESSION = sa.select(
    bank_sessions,
    credentials.c.expires_at,
    credentials.c.nonce.label("credential_nonce"),
    users.c.external_id.label("external_user_id"),
    bank_accesses.c.public_id.label("access_public_id"),
).select_from(
    bank_sessions.join(credentials, credentials.c.id == bank_sessions.c.credential_id)
    .join(users, users.c.id == bank_sessions.c.user_id)
    .outerjoin(bank_accesses, bank_accesses.c.id == bank_sessions.c.access_id)
)


def insert_session(conn: Connection, **values: Any) -> int:
    return conn.execute(sa.insert(bank_sessions).returning(bank_sessions.c.id), values).scalar_one()


def session_by_secret(conn: Connection, secret_hash: str) -> RowMapping | None:
    """The session whose provider-session credential has this hash, with its credential's
    expiry, its user's external id and its access's public id."""
    query = _SESSION.where(
        credentials.c.kind == "provider_session", credentials.c.secret_hash == secret_hash
    )
    return conn.execute(query).mappings().one_or_none()


def session_by_id(conn: Connection, tenant_id: str, session_id: int) -> RowMapping | None:
    query = _SESSION.where(bank_sessions.c.tenant_id == tenant_id, bank_sessions.c.id == session_id)
    return conn.execute(query).mappings().one_or_none()


def session_of_job(conn: Connection, tenant_id: str, job_id: int) -> RowMapping | None:
    """The session an import job of the tenant ran in; None for another job."""
    query = _SESSION.join(import_jobs, import_jobs.c.bank_session_id == bank_sessions.c.id).where(
        import_jobs.c.tenant_id == tenant_id, import_jobs.c.id == job_id
    )
    return conn.execute(query).mappings().one_or_none()


def update_session(conn: Connection, session_id: int, **values: Any) -> None:
    conn.execute(sa.update(bank_sessions).where(bank_sessions.c.id == session_id).values(values))


def insert_access(conn: Connection, **values: Any) -> int:
    return conn.execute(sa.insert(bank_accesses).returning(bank_accesses.c.id), values).scalar_one()


def access_by_public_id(conn: Connection, tenant_id: str, public_id: str) -> RowMapping | None:
    c = bank_accesses.c
    query = sa.select(bank_accesses).where(c.tenant_id == tenant_id, c.public_id == public_id)
    return conn.execute(query).mappings().one_or_none()


def revoke_access(conn: Connection, access_id: int, at: datetime) -> None:
    c = bank_accesses.c
    conn.execute(sa.update(bank_accesses).where(c.id == access_id).values(revoked_at=at))


def imports_through_access(conn: Connection, access_id: int, since: datetime) -> int:
    """How many imports the access's sessions started after `since`."""
    query = (
        sa.select(sa.func.count())
        .select_from(
            import_jobs.join(bank_sessions, bank_sessions.c.id == import_jobs.c.bank_session_id)
        )
        .where(bank_sessions.c.access_id == access_id, import_jobs.c.created_at > since)
    )
    return conn.execute(query).scalar_one()
