"""SCA challenges."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import bank_logins, connect_sessions, sca_challenges, users

# Built once: each step of an SCA runs them. An update's SET clause is the keys it is given.
_INSERT = Prepared(sa.insert(sca_challenges).returning(*sca_challenges.c))
_SELECT = sa.select(sca_challenges).where(sca_challenges.c.id == sa.bindparam("challenge_id"))
_BY_ID = Prepared(_SELECT)
_OF_TENANT = Prepared(_SELECT.where(sca_challenges.c.tenant_id == sa.bindparam("tenant_id")))
_UPDATE = Prepared(sa.update(sca_challenges).where(sca_challenges.c.id == sa.bindparam("row_id")))


def insert_challenge(conn: Connection, **values: Any) -> RowMapping:
    """The new challenge's row, as a read of it would give it."""
    return _INSERT.run(conn, values).mapping()


def challenge_by_id(
    conn: Connection, tenant_id: str | None, challenge_id: int
) -> RowMapping | None:
    if tenant_id is None:
        found = _BY_ID.run(conn, {"challenge_id": challenge_id})
    else:
        found = _OF_TENANT.run(conn, {"challenge_id": challenge_id, "tenant_id": tenant_id})
    return found.mapping_or_none()


def update_challenge(conn: Connection, challenge_id: int, **values: Any) -> None:
    _UPDATE.run(conn, {"row_id": challenge_id, **values})


def challenges_of_tenant(
    conn: Connection, tenant_id: str, statuses: tuple[str, ...] | None, limit: int
) -> list[RowMapping]:
    """The tenant's challenges, newest first, with the external id of the user each one
    authenticates (through its bank login, or the connect session that started it)."""
    c = sca_challenges.c
    user_id = sa.func.coalesce(bank_logins.c.user_id, connect_sessions.c.user_id)
    query = (
        sa.select(sca_challenges, users.c.external_id.label("external_user_id"))
        .select_from(
            sca_challenges.outerjoin(bank_logins, bank_logins.c.id == c.bank_login_id)
            .outerjoin(connect_sessions, connect_sessions.c.id == c.session_id)
            .outerjoin(users, users.c.id == user_id)
        )
        .where(c.tenant_id == tenant_id)
        .order_by(c.id.desc())
        .limit(limit)
    )
    if statuses is not None:
        query = query.where(c.status.in_(statuses))
    return list(conn.execute(query).mappings())


_OPEN_OF_LOGIN = Prepared(
    sa.select(sca_challenges)
    .where(
        sca_challenges.c.tenant_id == sa.bindparam("tenant_id"),
        sca_challenges.c.bank_login_id == sa.bindparam("login_id"),
        sca_challenges.c.session_id.is_(None),
        sca_challenges.c.settled_at.is_(None),
    )
    .order_by(sca_challenges.c.id.desc())
    .limit(1)
)


def open_challenge_of_login(conn: Connection, tenant_id: str, login_id: int) -> RowMapping | None:
    """The bank login's newest challenge started through a data API whose outcome is not yet
    applied to the login."""
    return _OPEN_OF_LOGIN.run(
        conn, {"tenant_id": tenant_id, "login_id": login_id}
    ).mapping_or_none()
