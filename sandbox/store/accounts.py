"""Accounts: imported from a bank (origin `bank`) or uploaded (origin `manual`)."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.prepared import Prepared
from sandbox.store.schema import accounts

# Built once: the statements of every sync. An update's SET clause is the keys it is given.
_OF_LOGIN = Prepared(
    sa.select(accounts)
    .where(accounts.c.bank_login_id == sa.bindparam("login_id"))
    .order_by(accounts.c.id)
)
_INSERT = Prepared(sa.insert(accounts).returning(accounts.c.id))
_UPDATE = Prepared(sa.update(accounts).where(accounts.c.id == sa.bindparam("row_id")))
_BY_ID = Prepared(
    sa.select(accounts).where(
        accounts.c.tenant_id == sa.bindparam("tenant_id"), accounts.c.id == sa.bindparam("row_id")
    )
)


def accounts_of_login(conn: Connection, bank_login_id: int) -> list[RowMapping]:
    return _OF_LOGIN.run(conn, {"login_id": bank_login_id}).mappings()


def insert_account(conn: Connection, **values: Any) -> int:
    return _INSERT.run(conn, values).scalar_one()


def update_account(conn: Connection, account_id: int, **values: Any) -> None:
    _UPDATE.run(conn, {"row_id": account_id, **values})


def account_by_id(conn: Connection, tenant_id: str, account_id: int) -> RowMapping | None:
    return _BY_ID.run(conn, {"tenant_id": tenant_id, "row_id": account_id}).mapping_or_none()


def list_accounts(
    conn: Connection,
    tenant_id: str,
    *,
    user_id: int | None = None,
    bank_login_id: int | None = None,
    include_deleted: bool = False,
) -> list[RowMapping]:
    query = _listing(user_id is not None, bank_login_id is not None, include_deleted)
    values = {"tenant_id": tenant_id, "user_id": user_id, "login_id": bank_login_id}
    return query.run(conn, values).mappings()


@cache
def _listing(by_user: bool, by_login: bool, include_deleted: bool) -> Prepared:
    """The listing statement for one combination of filters, built once."""
    query = sa.select(accounts).where(accounts.c.tenant_id == sa.bindparam("tenant_id"))
    if by_user:
        query = query.where(accounts.c.user_id == sa.bindparam("user_id"))
    if by_login:
        query = query.where(accounts.c.bank_login_id == sa.bindparam("login_id"))
    if not include_deleted:
        query = query.where(accounts.c.deleted_at.is_(None))
    return Prepared(query.order_by(accounts.c.id))


def currencies_in_scope(
    conn: Connection, tenant_id: str, user_id: int | None, account_ids: tuple[int, ...] | None
) -> list[str]:
    """The currencies of the tenant's accounts (of one user, of some accounts), sorted."""
    query = sa.select(accounts.c.currency).distinct().where(accounts.c.tenant_id == tenant_id)
    if user_id is not None:
        query = query.where(accounts.c.user_id == user_id)
    if account_ids is not None:
        query = query.where(accounts.c.id.in_(account_ids))
    return sorted(conn.execute(query).scalars())
