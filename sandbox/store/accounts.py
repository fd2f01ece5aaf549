"""Accounts: imported from a bank (origin `bank`) or uploaded (origin `manual`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.schema import accounts


def accounts_of_login(conn: Connection, bank_login_id: int) -> list[RowMapping]:
    query = sa.select(accounts).where(accounts.c.bank_login_id == bank_login_id)
    return list(conn.execute(query.order_by(accounts.c.id)).mappings())


def insert_account(conn: Connection, **values: Any) -> int:
    return conn.execute(sa.insert(accounts).values(**values).returning(accounts.c.id)).scalar_one()


def update_account(conn: Connection, account_id: int, **values: Any) -> None:
    conn.execute(sa.update(accounts).where(accounts.c.id == account_id).values(**values))


def account_by_id(conn: Connection, tenant_id: str, account_id: int) -> RowMapping | None:
    query = sa.select(accounts).where(
        accounts.c.tenant_id == tenant_id, accounts.c.id == account_id
    )
    return conn.execute(query).mappings().one_or_none()


def list_accounts(
    conn: Connection,
    tenant_id: str,
    *,
    user_id: int | None = None,
    bank_login_id: int | None = None,
    include_deleted: bool = False,
) -> list[RowMapping]:
    query = sa.select(accounts).where(accounts.c.tenant_id == tenant_id)
    if user_id is not None:
        query = query.where(accounts.c.user_id == user_id)
    if bank_login_id is not None:
        query = query.where(accounts.c.bank_login_id == bank_login_id)
    if not include_deleted:
        query = query.where(accounts.c.deleted_at.is_(None))
    return list(conn.execute(query.order_by(accounts.c.id)).mappings())
