"""Import jobs: one row per sync, with what it imported and how far its reads have seen it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import import_jobs, users

# Built once: every sync records a job, every poll reads and updates one.
_INSERT = Prepared(sa.insert(import_jobs).returning(import_jobs.c.id))
_UPDATE = Prepared(sa.update(import_jobs).where(import_jobs.c.id == sa.bindparam("row_id")))
_WITH_USER = sa.select(import_jobs, users.c.external_id.label("external_user_id")).join(
    users, users.c.id == import_jobs.c.user_id
)
_BY_ID = Prepared(
    _WITH_USER.where(
        import_jobs.c.tenant_id == sa.bindparam("tenant_id"),
        import_jobs.c.id == sa.bindparam("job_id"),
    )
)


def insert_job(conn: Connection, **values: Any) -> int:
    return _INSERT.run(conn, values).scalar_one()


def job_by_id(conn: Connection, tenant_id: str, job_id: int) -> RowMapping | None:
    """The tenant's job with the external id of its user; None for another tenant's."""
    return _BY_ID.run(conn, {"tenant_id": tenant_id, "job_id": job_id}).mapping_or_none()


def jobs_of_login(
    conn: Connection, tenant_id: str, bank_login_id: int, before_id: int | None, limit: int
) -> list[RowMapping]:
    """Up to `limit` of the login's jobs, newest first, older than `before_id` when given."""
    c = import_jobs.c
    query = (
        _WITH_USER.where(c.tenant_id == tenant_id, c.bank_login_id == bank_login_id)
        .order_by(c.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(c.id < before_id)
    return list(conn.execute(query).mappings())


def update_job(conn: Connection, job_id: int, **values: Any) -> None:
    _UPDATE.run(conn, {"row_id": job_id, **values})
