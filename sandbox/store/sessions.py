"""Connect and management sessions of the hosted UI.

Every page and form of a flow reads its session, so the lookups are built once, here, with
bound parameters: a statement object built per call costs more than the query itself.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import connect_sessions, tenants
from sandbox.store.tenants import COLUMNS as TENANT_COLUMNS
from sandbox.store.tenants import TenantRow, tenant_row

_COLUMNS = tuple(connect_sessions.c.keys())
_TENANT_COLUMNS = tuple(column.name for column in TENANT_COLUMNS)

_BY_ID = Prepared(
    sa.select(connect_sessions).where(connect_sessions.c.id == sa.bindparam("session_id"))
)
# The session and its tenant in one query: what every request of the hosted UI starts with.
_WITH_TENANT = Prepared(
    sa.select(connect_sessions, *(c.label(f"tenants_{c.name}") for c in TENANT_COLUMNS))
    .join_from(connect_sessions, tenants, connect_sessions.c.tenant_id == tenants.c.id)
    .where(connect_sessions.c.id == sa.bindparam("session_id"))
)
_INSERT = Prepared(sa.insert(connect_sessions).returning(*connect_sessions.c))
# The SET clause comes from the keys given to `execute`, so one statement serves every update.
_UPDATE = Prepared(
    sa.update(connect_sessions).where(connect_sessions.c.id == sa.bindparam("session_key"))
)


def insert_session(conn: Connection, **values: Any) -> RowMapping:
    """The new session's row, as a read of it would give it."""
    return _INSERT.run(conn, values).mapping()


def session_by_id(conn: Connection, session_id: str) -> RowMapping | None:
    return _BY_ID.run(conn, {"session_id": session_id}).mapping_or_none()


def session_with_tenant(
    conn: Connection, session_id: str
) -> tuple[dict[str, Any], TenantRow] | None:
    """The session's row and its tenant's, or None when there is no such session."""
    row = _WITH_TENANT.run(conn, {"session_id": session_id}).one_or_none()
    if row is None:
        return None
    split = len(_COLUMNS)
    session = dict(zip(_COLUMNS, row[:split], strict=True))
    return session, tenant_row(conn, dict(zip(_TENANT_COLUMNS, row[split:], strict=True)))


def lock_session(conn: Connection, session_id: str) -> RowMapping | None:
    """The session's row, locked for the rest of the transaction (on PostgreSQL; SQLite's
    writes are serial already), so two readers of a flow's result never both act on it."""
    query = sa.select(connect_sessions).where(connect_sessions.c.id == session_id)
    return conn.execute(query.with_for_update()).mappings().one_or_none()


def update_session(conn: Connection, session_id: str, **values: Any) -> None:
    _UPDATE.run(conn, {"session_key": session_id, **values})
