"""Connect and management sessions of the hosted UI."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.schema import connect_sessions


def insert_session(conn: Connection, **values: Any) -> None:
    conn.execute(sa.insert(connect_sessions).values(**values))


def session_by_id(conn: Connection, session_id: str) -> RowMapping | None:
    query = sa.select(connect_sessions).where(connect_sessions.c.id == session_id)
    return conn.execute(query).mappings().one_or_none()


def update_session(conn: Connection, session_id: str, **values: Any) -> None:
    conn.execute(
        sa.update(connect_sessions).where(connect_sessions.c.id == session_id).values(**values)
    )
