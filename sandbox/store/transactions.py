"""Transactions: bulk import without duplicates, and newest-first pages for the APIs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect, RowMapping

from sandbox.store.prepared import Prepared, on_driver
from sandbox.store.schema import accounts, transactions

# What a bank import gives for each transaction, in this order (a fake bank's transaction
# record has these fields in this order, amounts already in minor units).
IMPORTED = (
    "bank_ref", "booked_on", "value_on", "amount_minor", "currency", "counterparty_name",
    "counterparty_iban", "description", "category", "balance_after_minor",
)  # fmt: skip
# What is the same for every transaction of one import.
_FIXED = ("tenant_id", "user_id", "account_id", "origin", "status", "imported_at")

# An account's transactions are found through its user's newest-first index (the only one
# ordered by booking date), naming the account's tenant and user by subqueries.
_OWNER = sa.select(accounts.c.tenant_id, accounts.c.user_id).where(
    accounts.c.id == sa.bindparam("account_id")
)
_OF_ACCOUNT = (
    transactions.c.tenant_id == _OWNER.with_only_columns(accounts.c.tenant_id).scalar_subquery(),
    transactions.c.user_id == _OWNER.with_only_columns(accounts.c.user_id).scalar_subquery(),
    transactions.c.account_id == sa.bindparam("account_id"),
)
_KNOWN_REFS = sa.select(transactions.c.bank_ref).where(
    *_OF_ACCOUNT,
    transactions.c.booked_on >= sa.bindparam("start"),
    transactions.c.booked_on <= sa.bindparam("end"),
)
_LAST_BOOKED_ON = (
    sa.select(transactions.c.booked_on)
    .where(*_OF_ACCOUNT)
    .order_by(transactions.c.booked_on.desc())
    .limit(1)
)


def known_refs(conn: Connection, account_id: int, start: date, end: date) -> set[str]:
    """The bank refs already imported for the account in a window, to import only new ones."""
    found = conn.execute(_KNOWN_REFS, {"account_id": account_id, "start": start, "end": end})
    return set(found.scalars())


def last_booked_on(conn: Connection, account_id: int) -> date | None:
    """The booking date of the account's newest imported transaction."""
    return conn.execute(_LAST_BOOKED_ON, {"account_id": account_id}).scalar_one_or_none()


@dataclass(frozen=True, eq=False)  # one per dialect, hashed by identity for `_sqlite_rows`
class _BulkInsert:
    """`insert(transactions)` compiled once for a dialect, for the driver's executemany."""

    sql: str
    names: tuple[str, ...] | None  # bind names, for a dialect with named parameters
    order: itemgetter  # picks the statement's parameters out of fixed + imported values
    process: dict[int, Callable[[Any], Any]]  # SQLAlchemy's bind processor by value index
    # SQLite: the statement's text before VALUES and each value's parameter number (else None).
    head: str | None = None
    numbers: tuple[tuple[int, int], ...] | None = None


_BULK: dict[tuple[type, str], _BulkInsert] = {}
# SQLite binds and steps each row of an executemany through the statement on its own; one
# statement of many rows inserts them about a fifth faster, and numbered parameters let every
# row of it use the one binding of what an import's rows share (tenant, user, account, ...), so
# an import binds little more than its own values. As many rows as the 999 parameters of
# SQLite's oldest limit allow go in each statement.
_SQLITE_PARAMETERS = 999
_SQLITE_ROWS = (_SQLITE_PARAMETERS - len(_FIXED)) // len(IMPORTED)


def _bulk_insert(dialect: Dialect) -> _BulkInsert:
    key = (type(dialect), dialect.paramstyle)
    if key not in _BULK:
        columns = (*_FIXED, *IMPORTED)
        compiled = sa.insert(transactions).compile(
            dialect=dialect, column_keys=list(columns), for_executemany=True
        )
        names = tuple(compiled.positiontup or ()) or tuple(compiled.binds)
        types = [transactions.c[name].type.dialect_impl(dialect) for name in columns]
        processors = {
            # Imported values are dates and scalars that repeat (a day has many transactions):
            # each is converted once. The fixed ones are converted once per import anyway.
            index: processor if index < len(_FIXED) else lru_cache(maxsize=4096)(processor)
            for index, kind in enumerate(types)
            if (processor := kind.bind_processor(dialect)) is not None
        }
        head = numbers = None
        if dialect.name == "sqlite" and compiled.positiontup:
            head = compiled.string.rpartition(" VALUES ")[0]
            # (the fixed value's number, 0) or (0, the imported value's place in its row)
            numbers = tuple(
                (_FIXED.index(name) + 1, 0) if name in _FIXED else (0, IMPORTED.index(name))
                for name in names
            )
        _BULK[key] = _BulkInsert(
            sql=compiled.string,
            names=None if compiled.positiontup else names,
            order=itemgetter(*(columns.index(name) for name in names)),
            process=processors,
            head=head,
            numbers=numbers,
        )
    return _BULK[key]


@lru_cache(maxsize=_SQLITE_ROWS)
def _sqlite_rows(bulk: _BulkInsert, count: int) -> str:
    """SQLite: the statement inserting `count` rows, the fixed values bound once as ?1…, each
    row's own values numbered after them, row by row."""
    assert bulk.head is not None and bulk.numbers is not None
    first = len(_FIXED) + 1

    def row(index: int) -> str:
        base = first + index * len(IMPORTED)
        return ", ".join(f"?{fixed or base + place}" for fixed, place in bulk.numbers or ())

    return f"{bulk.head} VALUES {', '.join(f'({row(index)})' for index in range(count))}"


def insert_imported(
    conn: Connection,
    *,
    tenant_id: str,
    user_id: int,
    account_id: int,
    imported_at: datetime,
    rows: Sequence[Sequence[Any]],
) -> int:
    """Store one account's newly imported bank transactions (origin `bank`, status `booked`),
    each given as values in IMPORTED order; returns how many. The rows are those that
    `insert(transactions)` with a dict per row would store, converted by the same bind
    processors, but handed to the driver directly (on SQLite many rows to a statement):
    building and processing a dict for each of hundreds of rows cost more than SQLite's
    writing them."""
    if not rows:
        return 0
    bulk = _bulk_insert(conn.dialect)
    fixed = [tenant_id, user_id, account_id, "bank", "booked", imported_at]
    for index, process in bulk.process.items():
        if index < len(fixed):
            fixed[index] = process(fixed[index])
    # Column by column, each converted by its processor, then zipped back into rows: the
    # loops run in C, not once per row in Python.
    columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
    for index, process in bulk.process.items():
        if index >= len(fixed):
            columns[index - len(fixed)] = map(process, columns[index - len(fixed)])
    if bulk.head is not None:
        values = list(zip(*columns, strict=True))
        on_driver(conn, bulk.sql, lambda cursor, _sql: _insert_rows(cursor, bulk, fixed, values))
        return len(values)
    parameters = list(
        zip(*bulk.order([*(repeat(value, len(rows)) for value in fixed), *columns]), strict=True)
    )
    if bulk.names is not None:
        parameters = [dict(zip(bulk.names, values, strict=True)) for values in parameters]
    conn.exec_driver_sql(bulk.sql, parameters)
    return len(parameters)


def _insert_rows(
    cursor: Any, bulk: _BulkInsert, fixed: list[Any], values: list[tuple[Any, ...]]
) -> None:
    """SQLite: the rows in statements of up to `_SQLITE_ROWS` rows each."""
    for start in range(0, len(values), _SQLITE_ROWS):
        chunk = values[start : start + _SQLITE_ROWS]
        cursor.execute(_sqlite_rows(bulk, len(chunk)), [*fixed, *chain.from_iterable(chunk)])


def delete_account_transactions(conn: Connection, account_id: int) -> None:
    conn.execute(sa.delete(transactions).where(transactions.c.account_id == account_id))


@dataclass(frozen=True)
class TransactionFilter:
    """What a listing reads; every field left None (or empty) does not filter."""

    user_id: int | None = None
    account_ids: tuple[int, ...] | None = None
    booked_from: date | None = None
    booked_to: date | None = None
    min_amount_minor: int | None = None
    max_amount_minor: int | None = None
    text: str | None = None
    # The date the user files a transaction under (`annotations.application_date`), else its
    # booking date.
    applied_from: date | None = None
    applied_to: date | None = None
    imported_after: datetime | None = None
    income: bool | None = None  # True: credits only, False: debits only
    amounts_minor: tuple[int, ...] | None = None  # any of these amounts
    wording: str | None = None  # in the bank's text, the counterparty or the user's wording
    # Any of: `search_text` in the wording or category, the amount, the booking date.
    search_text: str | None = None
    search_amounts_minor: tuple[int, ...] = ()
    search_date: date | None = None
    origin: str | None = None  # bank or manual
    nothing: bool = False  # a filter no transaction can pass


def _like(column: sa.ColumnElement, text: str) -> sa.ColumnElement[bool]:
    """`text` anywhere in the column, without case; the LIKE wildcards in it are literal."""
    literal = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(sa.func.coalesce(column, "")).like(f"%{literal}%", escape="\\")


def _note(name: str) -> sa.ColumnElement[str]:
    """A text the user set on the transaction, from its annotations (NULL when not set)."""
    return transactions.c.annotations[name].as_string()


def _wording_matches(text: str) -> sa.ColumnElement[bool]:
    c = transactions.c
    return sa.or_(
        _like(c.description, text), _like(c.counterparty_name, text), _like(_note("wording"), text)
    )


def _filtered(query: sa.Select, tenant_id: str, where: TransactionFilter) -> sa.Select:
    c = transactions.c
    query = query.where(c.tenant_id == tenant_id)
    if where.nothing:
        return query.where(sa.false())
    if where.user_id is not None:
        query = query.where(c.user_id == where.user_id)
    if where.account_ids is not None:
        query = query.where(c.account_id.in_(where.account_ids))
    if where.booked_from is not None:
        query = query.where(c.booked_on >= where.booked_from)
    if where.booked_to is not None:
        query = query.where(c.booked_on <= where.booked_to)
    if where.applied_from is not None or where.applied_to is not None:
        query = query.where(_applied_between(where.applied_from, where.applied_to))
    if where.min_amount_minor is not None:
        query = query.where(c.amount_minor >= where.min_amount_minor)
    if where.max_amount_minor is not None:
        query = query.where(c.amount_minor <= where.max_amount_minor)
    if where.amounts_minor is not None:
        query = query.where(c.amount_minor.in_(where.amounts_minor))
    if where.income is not None:
        query = query.where(c.amount_minor > 0 if where.income else c.amount_minor < 0)
    if where.imported_after is not None:
        query = query.where(c.imported_at > where.imported_after)
    if where.origin is not None:
        query = query.where(c.origin == where.origin)
    if where.text:
        query = query.where(
            sa.or_(_like(c.description, where.text), _like(c.counterparty_name, where.text))
        )
    if where.wording:
        query = query.where(_wording_matches(where.wording))
    if where.search_text:
        anywhere = [_wording_matches(where.search_text), _like(c.category, where.search_text)]
        if where.search_amounts_minor:
            anywhere.append(c.amount_minor.in_(where.search_amounts_minor))
        if where.search_date is not None:
            anywhere.append(c.booked_on == where.search_date)
        query = query.where(sa.or_(*anywhere))
    return query


def _applied_between(start: date | None, end: date | None) -> sa.ColumnElement[bool]:
    """The user's application date when set (ISO text in the annotations, which compares as
    dates do), else the booking date: written as two branches rather than a COALESCE, which
    PostgreSQL refuses across text and date."""
    c = transactions.c
    applied = _note("application_date")
    booked, noted = [applied.is_(None)], [applied.is_not(None)]
    if start is not None:
        booked.append(c.booked_on >= start)
        noted.append(applied >= start.isoformat())
    if end is not None:
        booked.append(c.booked_on <= end)
        noted.append(applied <= end.isoformat())
    return sa.or_(sa.and_(*booked), sa.and_(*noted))


_NEWEST = (transactions.c.booked_on.desc(), transactions.c.id.desc())


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
    query = _filtered(sa.select(transactions), tenant_id, where)
    if after is not None:
        booked, last_id = after
        query = query.where(
            sa.or_(c.booked_on < booked, sa.and_(c.booked_on == booked, c.id < last_id))
        )
    query = query.order_by(*_NEWEST).limit(limit)
    if where.user_id is None:
        # A tenant-wide page sorts the tenant's entries of the per-user index. Sorting only
        # the ids, then reading the page's rows, reads 10,000 index entries in about 3 ms
        # where sorting whole rows read the 10,000 rows too, in about 13 ms.
        ids = query.with_only_columns(c.id)
        query = sa.select(transactions).where(c.id.in_(ids)).order_by(*_NEWEST)
    return conn.execute(query).mappings().all()


def slice_of_transactions(
    conn: Connection, tenant_id: str, where: TransactionFilter, offset: int, limit: int
) -> list[RowMapping]:
    """Newest first (booking date, then id), `limit` rows after the first `offset`: one
    query on the user's newest-first index (`where.user_id` is set by every caller). The
    plain listings (a user's, one account's) run a statement compiled once."""
    plain = _plain_scope(where)
    if plain is not None:
        statement, values = plain
        return (
            _SLICES[statement]
            .run(conn, {"tenant_id": tenant_id, "limit": limit, "offset": offset, **values})
            .mappings()
        )
    query = _filtered(sa.select(transactions), tenant_id, where)
    return conn.execute(query.order_by(*_NEWEST).limit(limit).offset(offset)).mappings().all()


def booking_span(
    conn: Connection, tenant_id: str, user_id: int, account_ids: tuple[int, ...] | None
) -> tuple[date | None, date | None]:
    """The first and last booking dates of a user's transactions (of some accounts), each
    read off one end of the newest-first index."""
    plain = _plain_scope(TransactionFilter(user_id=user_id, account_ids=account_ids))
    if plain is not None:
        statement, values = plain
        found = _SPANS[statement].run(conn, {"tenant_id": tenant_id, **values}).one()
        return found[0], found[1]
    c = transactions.c
    scope = [c.tenant_id == tenant_id, c.user_id == user_id, c.account_id.in_(account_ids)]
    first, last = conn.execute(_span(scope)).one()
    return first, last


def _span(scope: list[sa.ColumnElement[bool]]) -> sa.Select:
    c = transactions.c
    first = sa.select(c.booked_on).where(*scope).order_by(c.booked_on).limit(1)
    last = sa.select(c.booked_on).where(*scope).order_by(c.booked_on.desc()).limit(1)
    return sa.select(first.scalar_subquery().label("first"), last.scalar_subquery().label("last"))


def _plain_scope(where: TransactionFilter) -> tuple[str, dict[str, int]] | None:
    """A listing of a user, or of one of their accounts, with no other filter: the name of
    its compiled statement and the values it takes; None for any other listing."""
    if where.user_id is None:
        return None
    if where != TransactionFilter(user_id=where.user_id, account_ids=where.account_ids):
        return None
    if where.account_ids is None:
        return "user", {"user_id": where.user_id}
    if len(where.account_ids) == 1:
        return "account", {"user_id": where.user_id, "account_id": where.account_ids[0]}
    return None


_PLAIN = {
    "user": (
        transactions.c.tenant_id == sa.bindparam("tenant_id"),
        transactions.c.user_id == sa.bindparam("user_id"),
    ),
    "account": (
        transactions.c.tenant_id == sa.bindparam("tenant_id"),
        transactions.c.user_id == sa.bindparam("user_id"),
        transactions.c.account_id == sa.bindparam("account_id"),
    ),
}
_SLICES = {
    name: Prepared(
        sa.select(transactions)
        .where(*scope)
        .order_by(*_NEWEST)
        .limit(sa.bindparam("limit", type_=sa.Integer))
        .offset(sa.bindparam("offset", type_=sa.Integer))
    )
    for name, scope in _PLAIN.items()
}
_SPANS = {name: Prepared(_span(list(scope))) for name, scope in _PLAIN.items()}


_BY_ID = Prepared(
    sa.select(transactions).where(
        transactions.c.tenant_id == sa.bindparam("tenant_id"),
        transactions.c.id == sa.bindparam("row_id"),
    )
)
_UPDATE = Prepared(sa.update(transactions).where(transactions.c.id == sa.bindparam("row_id")))


def transaction_by_id(conn: Connection, tenant_id: str, transaction_id: int) -> RowMapping | None:
    return _BY_ID.run(conn, {"tenant_id": tenant_id, "row_id": transaction_id}).mapping_or_none()


def update_transaction(conn: Connection, transaction_id: int, **values: Any) -> None:
    _UPDATE.run(conn, {"row_id": transaction_id, **values})


def entries_of_account(
    conn: Connection, account_id: int, start: date | None, end: date | None
) -> list[RowMapping]:
    """An account's transactions booked from `start` to `end` (inclusive, either open), oldest
    first: a statement's entries."""
    query = sa.select(transactions).where(transactions.c.account_id == account_id)
    if start is not None:
        query = query.where(transactions.c.booked_on >= start)
    if end is not None:
        query = query.where(transactions.c.booked_on <= end)
    return list(
        conn.execute(query.order_by(transactions.c.booked_on, transactions.c.id)).mappings()
    )


def sum_after(conn: Connection, account_id: int, end: date) -> int:
    """The sum of an account's transactions booked after `end` (minor units)."""
    query = sa.select(sa.func.coalesce(sa.func.sum(transactions.c.amount_minor), 0)).where(
        transactions.c.account_id == account_id, transactions.c.booked_on > end
    )
    return int(conn.execute(query).scalar_one())


# What the analytics modules read of each transaction (sandbox/analytics/ledger.py).
LEDGER_COLUMNS = (
    transactions.c.id,
    transactions.c.account_id,
    transactions.c.booked_on,
    transactions.c.amount_minor,
    transactions.c.currency,
    transactions.c.description,
    transactions.c.counterparty_name,
    transactions.c.counterparty_iban,
    transactions.c.origin,
    transactions.c.category,
)


def ledger_rows(
    conn: Connection, tenant_id: str, user_id: int, account_ids: Sequence[int], end: date
) -> list[Any]:
    """The user's transactions of these accounts booked up to `end`, oldest first, read off
    the user's newest-first index backwards."""
    if not account_ids:
        return []
    c = transactions.c
    query = (
        sa.select(*LEDGER_COLUMNS)
        .where(c.tenant_id == tenant_id, c.user_id == user_id, c.booked_on <= end)
        .where(c.account_id.in_(account_ids))
        .order_by(c.booked_on, c.id)
    )
    return list(conn.execute(query))
