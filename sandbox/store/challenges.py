"""SCA challenges."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.schema import sca_challenges


def insert_challenge(conn: Connection, **values: Any) -> int:
    result = conn.execute(sa.insert(sca_challenges).values(**values).returning(sca_challenges.c.id))
    return result.scalar_one()


def challenge_by_id(
    conn: Connection, tenant_id: str | None, challenge_id: int
) -> RowMapping | None:
    query = sa.select(sca_challenges).where(sca_challenges.c.id == challenge_id)
    if tenant_id is not None:
        query = query.where(sca_challenges.c.tenant_id == tenant_id)
    return conn.execute(query).mappings().one_or_none()


def update_challenge(conn: Connection, challenge_id: int, **values: Any) -> None:
    conn.execute(
        sa.update(sca_challenges).where(sca_challenges.c.id == challenge_id).values(**values)
    )
