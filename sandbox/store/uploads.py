"""Uploads and the manual accounts and transactions they own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.schema import accounts, transactions, uploads


def insert_upload(conn: Connection, **values: Any) -> int | None:
    """The new upload's id; None when the user has an upload of this digest already (made by
    a request at the same moment: PostgreSQL's isolation let both look first)."""
    try:
        with conn.begin_nested():
            return conn.execute(sa.insert(uploads).returning(uploads.c.id), values).scalar_one()
    except sa.exc.IntegrityError:
        if upload_by_digest(conn, values["user_id"], values["digest"]) is None:
            raise
        return None


def upload_by_digest(conn: Connection, user_id: int, digest: str) -> RowMapping | None:
    query = sa.select(uploads).where(uploads.c.user_id == user_id, uploads.c.digest == digest)
    return conn.execute(query).mappings().one_or_none()


def upload_by_id(conn: Connection, tenant_id: str, upload_id: int) -> RowMapping | None:
    query = sa.select(uploads).where(uploads.c.tenant_id == tenant_id, uploads.c.id == upload_id)
    return conn.execute(query).mappings().one_or_none()


def uploads_of_user(
    conn: Connection, tenant_id: str, user_id: int, before: int | None, limit: int
) -> list[RowMapping]:
    """Newest first, `limit` of them with ids below `before`."""
    query = sa.select(uploads).where(uploads.c.tenant_id == tenant_id, uploads.c.user_id == user_id)
    if before is not None:
        query = query.where(uploads.c.id < before)
    return list(conn.execute(query.order_by(uploads.c.id.desc()).limit(limit)).mappings())


def account_ids_of_upload(conn: Connection, upload_id: int) -> tuple[int, ...]:
    query = (
        sa.select(accounts.c.id).where(accounts.c.upload_id == upload_id).order_by(accounts.c.id)
    )
    return tuple(conn.execute(query).scalars())


def delete_upload(conn: Connection, upload_id: int) -> None:
    """The upload and, by cascade, its accounts and their transactions."""
    conn.execute(sa.delete(uploads).where(uploads.c.id == upload_id))


def insert_transactions(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(sa.insert(transactions), list(rows))


def insert_transaction(conn: Connection, **values: Any) -> int:
    return conn.execute(sa.insert(transactions).returning(transactions.c.id), values).scalar_one()


def delete_transaction(conn: Connection, transaction_id: int) -> None:
    conn.execute(sa.delete(transactions).where(transactions.c.id == transaction_id))


def delete_account(conn: Connection, account_id: int) -> None:
    conn.execute(sa.delete(accounts).where(accounts.c.id == account_id))


def ledger_of_account(conn: Connection, account_id: int) -> list[RowMapping]:
    """An account's transactions oldest first (booking date, then id): the order its
    balances chain in."""
    query = (
        sa.select(
            transactions.c.id, transactions.c.amount_minor, transactions.c.balance_after_minor
        )
        .where(transactions.c.account_id == account_id)
        .order_by(transactions.c.booked_on, transactions.c.id)
    )
    return list(conn.execute(query).mappings())


def set_balances_after(conn: Connection, balances: Sequence[tuple[int, int]]) -> None:
    """(transaction id, balance after) pairs, written in one statement."""
    if balances:
        statement = (
            sa.update(transactions)
            .where(transactions.c.id == sa.bindparam("row_id"))
            .values(balance_after_minor=sa.bindparam("balance"))
        )
        conn.execute(statement, [{"row_id": i, "balance": b} for i, b in balances])
