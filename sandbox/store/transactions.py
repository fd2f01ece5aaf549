"""Transactions: bulk import without duplicates, and newest-first pages for the APIs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from sandbox.store.schema import transactions


def known_refs(conn: Connection, account_id: int, start: date, end: date) -> set[str]:
    """The bank refs already imported for the account in a window, to import only new ones."""
    query = sa.select(transactions.c.bank_ref).where(
        transactions.c.account_id == account_id,
        transactions.c.booked_on >= start,
        transactions.c.booked_on <= end,
    )
    return set(conn.execute(query).scalars())


def last_booked_on(conn: Connection, account_id: int) -> date | None:
    """The booking date of the account's newest imported transaction."""
    query = sa.select(sa.func.max(transactions.c.booked_on)).where(
        transactions.c.account_id == account_id
    )
    return conn.execute(query).scalar_one_or_none()


def insert_transactions(conn: Connection, rows: list[dict]) -> int:
    if rows:
        conn.execute(sa.insert(transactions), rows)
    return len(rows)


def delete_account_transactions(conn: Connection, account_id: int) -> None:
    conn.execute(sa.delete(transactions).where(transactions.c.account_id == account_id))


@dataclass(frozen=True)
class TransactionFilter:
    user_id: int | None = None
    account_ids: tuple[int, ...] | None = None
    booked_from: date | None = None
    booked_to: date | None = None
    min_amount_minor: int | None = None
    max_amount_minor: int | None = None
    text: str | None = None


def page_of_transactions(
    conn: Connection,
    tenant_id: str,
    where: TransactionFilter,
    after: tuple[date, int] | None,
    limit: int,
) -> list[RowMapping]:
    """Newest first (booking date, then id); `after` is the (booked_on, id) of the last row of
    the previous page, so pages stay stable while new rows arrive."""
    c = transactions.c
    query = sa.select(transactions).where(c.tenant_id == tenant_id)
    if where.user_id is not None:
        query = query.where(c.user_id == where.user_id)
    if where.account_ids is not None:
        query = query.where(c.account_id.in_(where.account_ids))
    if where.booked_from is not None:
        query = query.where(c.booked_on >= where.booked_from)
    if where.booked_to is not None:
        query = query.where(c.booked_on <= where.booked_to)
    if where.min_amount_minor is not None:
        query = query.where(c.amount_minor >= where.min_amount_minor)
    if where.max_amount_minor is not None:
        query = query.where(c.amount_minor <= where.max_amount_minor)
    if where.text:
        literal = where.text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{literal}%"
        query = query.where(
            sa.or_(
                sa.func.lower(c.description).like(pattern, escape="\\"),
                sa.func.lower(sa.func.coalesce(c.counterparty_name, "")).like(pattern, escape="\\"),
            )
        )
    if after is not None:
        booked, last_id = after
        query = query.where(
            sa.or_(c.booked_on < booked, sa.and_(c.booked_on == booked, c.id < last_id))
        )
    query = query.order_by(c.booked_on.desc(), c.id.desc()).limit(limit)
    return conn.execute(query).mappings().all()
