"""The schema's promises: tenant isolation, cascades with indexed keys, UTC instants, fast reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection

from sandbox.store import schema as s
from sandbox.store.database import Database
from sandbox.store.tenants import digest
from sandbox.store.types import UTCDateTime

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def _leading_columns(table: sa.Table) -> list[tuple[str, ...]]:
    keys = [tuple(c.name for c in table.primary_key.columns)]
    keys += [tuple(c.name for c in i.columns) for i in table.indexes]
    keys += [
        tuple(c.name for c in u.columns)
        for u in table.constraints
        if isinstance(u, sa.UniqueConstraint)
    ]
    return keys


def test_every_table_but_tenants_is_isolated_by_a_cascading_tenant_id() -> None:
    for table in s.metadata.sorted_tables:
        if table.name in ("tenants", "meta"):
            continue
        (fk,) = table.c.tenant_id.foreign_keys
        assert fk.column is s.tenants.c.id, table.name
        assert fk.ondelete == "CASCADE", table.name
    assert {t.name for t in s.TENANT_TABLES} == set(s.metadata.tables) - {"tenants", "meta"}


def test_every_foreign_key_has_an_index_that_starts_with_it() -> None:
    # Both databases look children up by the key on every parent delete.
    for table in s.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            wanted = tuple(fk.column_keys)
            assert any(k[: len(wanted)] == wanted for k in _leading_columns(table)), (
                f"{table.name}.{wanted} has no index"
            )


def test_every_datetime_column_is_a_utc_instant() -> None:
    for table in s.metadata.sorted_tables:
        for column in table.c:
            if isinstance(column.type, sa.DateTime | UTCDateTime):
                assert isinstance(column.type, UTCDateTime), f"{table.name}.{column.name}"


def test_datetimes_come_back_aware_utc(
    database: Database, make_tenant: Callable[..., object]
) -> None:
    paris = timezone(timedelta(hours=2))
    created = datetime(2025, 6, 1, 12, 0, 0, 123456, tzinfo=paris)
    with database.begin() as conn:
        conn.execute(sa.insert(s.tenants).values(**_tenant_values(make_tenant, created)))
    with database.connect() as conn:
        got = conn.execute(sa.select(s.tenants.c.created_at)).scalar_one()
        # Comparisons in SQL work on instants, whatever zone the parameter is in.
        later = conn.execute(
            sa.select(sa.func.count())
            .select_from(s.tenants)
            .where(s.tenants.c.created_at < datetime(2025, 6, 1, 10, 0, 1, tzinfo=UTC))
        ).scalar_one()
    assert got == created
    assert got.tzinfo is UTC
    assert got.hour == 10
    assert later == 1


def test_naive_datetimes_are_refused(
    database: Database, make_tenant: Callable[..., object]
) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), database.begin() as conn:
        values = _tenant_values(make_tenant, datetime(2025, 6, 1, 12, 0))
        conn.execute(sa.insert(s.tenants).values(**values))


@settings(max_examples=500, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ),
    hours=st.integers(-12, 14),
)
def test_sqlite_stores_an_instant_as_the_dialects_own_datetime_text(
    moment: datetime, hours: int
) -> None:
    """Stored text sorts as time does and reads back with SQLAlchemy's own parser: the quick
    writer gives exactly what the dialect's DATETIME writes, in whatever zone it is given."""
    dialect = sqlite.dialect()
    ours = UTCDateTime().bind_processor(dialect)
    theirs = sqlite.DATETIME().bind_processor(dialect)
    assert ours is not None and theirs is not None
    given_in = moment.astimezone(timezone(timedelta(hours=hours)))
    assert ours(given_in) == theirs(moment.replace(tzinfo=None))
    assert ours(None) is None


def _tenant_values(make_tenant: Callable[..., object], created: datetime) -> dict[str, object]:
    row = make_tenant("t1")
    values = {c.name: getattr(row, c.name) for c in s.tenants.c if c.name != "scenario_digest"}
    values |= {"created_at": created, "allowed_ips": [], "redirect_uris": []}
    values["scenario_digest"] = digest(row.scenario_json)
    return values


def test_amounts_beyond_32_bits_survive(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    big = 9_000_000_000_000_00
    with database.begin() as conn:
        ids = populate(conn, "t1")
        conn.execute(
            sa.update(s.accounts).where(s.accounts.c.id == ids["account"]).values(balance_minor=big)
        )
    with database.connect() as conn:
        assert conn.execute(sa.select(s.accounts.c.balance_minor)).scalar_one() == big


def test_a_value_outside_a_fixed_set_is_refused(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    with database.begin() as conn:
        populate(conn, "t1")
    with pytest.raises(sa.exc.IntegrityError), database.begin() as conn:
        conn.execute(sa.update(s.transactions).values(status="Booked"))


NEWEST = {
    "user": [s.transactions.c.tenant_id == "t1", s.transactions.c.user_id == 1],
    # A listing of one account names its user too (domain/transactions.py).
    "account": [
        s.transactions.c.tenant_id == "t1",
        s.transactions.c.user_id == 1,
        s.transactions.c.account_id == 1,
    ],
}


def _newest(*where: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(s.transactions)
        .where(*where)
        .order_by(s.transactions.c.booked_on.desc(), s.transactions.c.id.desc())
        .limit(50)
    )


@pytest.mark.parametrize("scope", list(NEWEST))
def test_newest_transactions_are_read_off_an_index_without_sorting(
    database: Database,
    populate: Callable[[Connection, str], dict[str, int]],
    scope: str,
) -> None:
    with database.begin() as conn:
        populate(conn, "t1")
        plan = _plan(conn, _newest(*NEWEST[scope]))
    if database.engine.dialect.name == "sqlite":
        assert "ix_transactions_user_newest" in plan
    else:
        assert "Index Scan Backward using ix_transactions_user_newest" in plan
    assert "SCAN transactions\n" not in plan + "\n"  # SQLite's words for a full scan
    assert "TEMP B-TREE" not in plan  # SQLite sorting
    assert "Sort" not in plan  # PostgreSQL sorting
    assert "Seq Scan" not in plan


def test_a_tenant_wide_listing_sorts_only_the_tenants_index_entries(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    with database.begin() as conn:
        populate(conn, "t1")
        plan = _plan(conn, _newest(s.transactions.c.tenant_id == "t1"))
    assert "ix_transactions_user_newest" in plan
    assert "SCAN transactions\n" not in plan + "\n"
    assert "Seq Scan" not in plan


def _plan(conn: Connection, query: sa.Select) -> str:
    compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
        return "\n".join(r[-1] for r in rows)
    # An empty table is cheapest to scan; forbid that to see which index serves the query.
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}").all())


def test_dates_round_trip(
    database: Database, populate: Callable[[Connection, str], dict[str, int]]
) -> None:
    with database.begin() as conn:
        populate(conn, "t1")
    with database.connect() as conn:
        booked = conn.execute(
            sa.select(s.transactions.c.booked_on).order_by(s.transactions.c.booked_on)
        ).scalars()
        assert list(booked) == [date(2025, 2, 1), date(2025, 2, 2)]
