"""SCA challenges."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.schema import sca_challenges

# Built once: each step of an SCA runs them. An update's SET clause is the keys it is given.
_INSERT = sa.insert(sca_challenges).returning(*sca_challenges.c)
_BY_ID = sa.select(sca_challenges).where(sca_challenges.c.id == sa.bindparam("challenge_id"))
_OF_TENANT = _BY_ID.where(sca_challenges.c.tenant_id == sa.bindparam("tenant_id"))
_UPDATE = sa.update(sca_challenges).where(sca_challenges.c.id == sa.bindparam("row_id"))


def insert_challenge(conn: Connection, **values: Any) -> RowMapping:
    """The new challenge's row, as a read of it would give it."""
    return conn.execute(_INSERT, values).mappings().one()


def challenge_by_id(
    conn: Connection, tenant_id: str | None, challenge_id: int
) -> RowMapping | None:
    if tenant_id is None:
        found = conn.execute(_BY_ID, {"challenge_id": challenge_id})
    else:
        found = conn.execute(_OF_TENANT, {"challenge_id": challenge_id, "tenant_id": tenant_id})
    return found.mappings().one_or_none()


def update_challenge(conn: Connection, challenge_id: int, **values: Any) -> None:
    conn.execute(_UPDATE, {"row_id": challenge_id, **values})
