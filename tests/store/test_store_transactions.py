"""Transaction imports: the bulk path stores exactly what an insert of one dict per row stores,
and the lookups a sync makes before importing see what it stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sandbox.store import schema as s
from sandbox.store import transactions
from sandbox.store.database import Database

NOW = datetime(2025, 3, 2, 7, 15, 30, 123456, tzinfo=UTC)
IMPORTED = [
    ("202502-0001", date(2025, 2, 3), date(2025, 2, 1), -1234, "EUR", "REWE Markt GmbH",
     "DE89370400440532013000", "REWE SAGT DANKE 4471", "groceries", 98766),
    ("202502-0002", date(2025, 2, 3), date(2025, 2, 3), 250000, "EUR", "Acme GmbH", None,
     "Gehalt Februar", "income", 348766),
    ("202502-0003", date(2025, 2, 28), date(2025, 2, 27), -5, "EUR", None, None,
     "Kontoführung", "fees", 348761),
]  # fmt: skip


def _account(conn: Connection, ids: dict[str, int], key: str) -> int:
    values = {
        "tenant_id": "t1", "user_id": ids["user"], "bank_login_id": ids["bank_login"],
        "bank_key": key, "origin": "bank", "type": "checking", "name": key, "currency": "EUR",
        "discovered_at": NOW,
    }  # fmt: skip
    return conn.execute(sa.insert(s.accounts).values(values)).inserted_primary_key[0]


def _import(conn: Connection, ids: dict[str, int], account_id: int, rows: list) -> int:
    """Tenant t1's user imports `rows` into the account."""
    return transactions.insert_imported(
        conn, tenant_id="t1", user_id=ids["user"], account_id=account_id, imported_at=NOW,
        rows=rows,
    )  # fmt: skip


def _stored(conn: Connection, account_id: int) -> list[tuple]:
    """The rows as the database holds them (no result processing), without id and account."""
    columns = [c.name for c in s.transactions.c if c.name not in ("id", "account_id")]
    table = conn.dialect.identifier_preparer.quote("transactions")
    return [
        tuple(row)
        for row in conn.exec_driver_sql(
            f"SELECT {', '.join(columns)} FROM {table} WHERE account_id = {int(account_id)} "
            "ORDER BY bank_ref"
        )
    ]


def _many(count: int) -> list[tuple]:
    """`count` imported rows: IMPORTED's, each with a ref of its own."""
    return [
        (f"2025-{number:05d}", *IMPORTED[number % len(IMPORTED)][1:]) for number in range(count)
    ]


# SQLite takes an import in statements of up to 99 rows (what the rows share bound once, then
# each row's own values): a few rows, one whole statement of them, and two whole statements
# plus a shorter one.
@pytest.mark.parametrize("count", [3, 99, 230])
def test_an_import_stores_what_an_insert_of_one_dict_per_row_stores(
    database: Database, populate: Callable[[Connection, str], dict[str, int]], count: int
) -> None:
    imported = _many(count)
    with database.begin() as conn:
        ids = populate(conn, "t1")
        bulk, plain = _account(conn, ids, "bulk"), _account(conn, ids, "plain")
        stored = _import(conn, ids, bulk, imported)
        fixed = {"tenant_id": "t1", "user_id": ids["user"], "account_id": plain}
        rows = [
            {**fixed, **dict(zip(transactions.IMPORTED, values, strict=True)),
             "origin": "bank", "status": "booked", "imported_at": NOW}
            for values in imported
        ]  # fmt: skip
        conn.execute(sa.insert(s.transactions), rows)
    assert stored == count
    with database.connect() as conn:
        assert _stored(conn, bulk) == _stored(conn, plain)
        assert len(_stored(conn, bulk)) == count


def test_an_import_with_a_ref_already_stored_stores_none_of_its_rows(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
        account = _account(conn, ids, "twice")
        _import(conn, ids, account, IMPORTED[:1])
    with pytest.raises(sa.exc.IntegrityError), database.begin() as conn:
        _import(conn, ids, account, [*_many(100), IMPORTED[0]])
    with database.connect() as conn:
        assert [row[2] for row in _stored(conn, account)] == [IMPORTED[0][0]]


def test_nothing_to_import_writes_nothing(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
        account = _account(conn, ids, "empty")
        assert _import(conn, ids, account, []) == 0
        assert _stored(conn, account) == []


def test_a_sync_sees_the_refs_and_the_newest_day_it_imported(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
        account = _account(conn, ids, "seen")
        assert transactions.last_booked_on(conn, account) is None
        _import(conn, ids, account, IMPORTED)
    with database.connect() as conn:
        assert transactions.last_booked_on(conn, account) == date(2025, 2, 28)
        window = transactions.known_refs(conn, account, date(2025, 2, 1), date(2025, 2, 27))
        assert window == {"202502-0001", "202502-0002"}
