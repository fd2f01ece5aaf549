"""Tenant queries: credentials lookups, clock, data version, cascades and isolation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from sandbox.store import schema as s
from sandbox.store.database import Database, open_database
from sandbox.store.tenants import (
    DuplicateTenant,
    TenantRow,
    UnknownTenant,
    bump_data_version,
    delete_tenant,
    get_tenant,
    insert_tenant,
    list_tenants,
    set_clock,
    tenant_by_api_key,
    tenant_by_client_id,
    update_tenant,
    wipe_tenant_data,
)

MakeTenant = Callable[..., TenantRow]
Populate = Callable[[Connection, str], dict[str, int]]


def counts(conn: Connection, tenant_id: str) -> dict[str, int]:
    """Rows of the tenant in every table that holds tenant data."""
    return {
        table.name: conn.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == tenant_id)
        ).scalar_one()
        for table in s.TENANT_TABLES
    }


def test_a_tenant_is_found_by_id_client_id_and_api_key(
    database: Database, make_tenant: MakeTenant
) -> None:
    demo = make_tenant("demo")
    with database.begin() as conn:
        insert_tenant(conn, demo)
    with database.connect() as conn:
        assert get_tenant(conn, "demo") == demo
        assert tenant_by_client_id(conn, "client-demo") == demo
        assert tenant_by_api_key(conn, "key-demo") == demo
        assert get_tenant(conn, "nobody") is None
        assert tenant_by_client_id(conn, "key-demo") is None
        assert tenant_by_api_key(conn, "client-demo") is None


def test_tenants_are_listed_oldest_first(database: Database, make_tenant: MakeTenant) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("b", created_at=datetime(2025, 1, 2, tzinfo=UTC)))
        insert_tenant(conn, make_tenant("a", created_at=datetime(2025, 1, 3, tzinfo=UTC)))
        insert_tenant(conn, make_tenant("c", created_at=datetime(2025, 1, 1, tzinfo=UTC)))
    with database.connect() as conn:
        assert [t.id for t in list_tenants(conn)] == ["c", "b", "a"]


@pytest.mark.parametrize("field", ["id", "client_id", "api_key"])
def test_a_taken_credential_is_refused_by_name(
    database: Database, make_tenant: MakeTenant, field: str
) -> None:
    clash = make_tenant("second", **{field: getattr(make_tenant("first"), field)})
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("first"))
        with pytest.raises(DuplicateTenant) as refused:
            insert_tenant(conn, clash)
        assert refused.value.field == field
        # The caller's transaction is still usable after the refusal.
        insert_tenant(conn, make_tenant("third"))
    with database.connect() as conn:
        assert [t.id for t in list_tenants(conn)] == ["first", "third"]


def test_a_tenant_row_never_shows_its_secrets(make_tenant: MakeTenant) -> None:
    shown = repr(make_tenant("demo"))
    assert "secret-demo" not in shown
    assert "key-demo" not in shown


def test_the_clock_is_stored_and_bumps_the_data_version(
    database: Database, make_tenant: MakeTenant
) -> None:
    frozen = datetime(2030, 1, 1, tzinfo=UTC)
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
        set_clock(conn, "demo", 86_400_000_000, frozen)
    with database.connect() as conn:
        demo = get_tenant(conn, "demo")
    assert demo is not None
    assert (demo.clock_offset_us, demo.clock_frozen_at, demo.data_version) == (
        86_400_000_000,
        frozen,
        1,
    )

    with database.begin() as conn:
        set_clock(conn, "demo", -5, None)
        demo = get_tenant(conn, "demo")
    assert demo is not None
    assert (demo.clock_offset_us, demo.clock_frozen_at) == (-5, None)


def test_the_data_version_counts_writes(database: Database, make_tenant: MakeTenant) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
        insert_tenant(conn, make_tenant("other"))
        assert [bump_data_version(conn, "demo") for _ in range(3)] == [1, 2, 3]
        assert get_tenant(conn, "other").data_version == 0  # type: ignore[union-attr]


def test_an_unknown_tenant_cannot_be_written(database: Database) -> None:
    with database.begin() as conn:
        with pytest.raises(UnknownTenant):
            bump_data_version(conn, "nobody")
        with pytest.raises(UnknownTenant):
            set_clock(conn, "nobody", 0, None)
        assert delete_tenant(conn, "nobody") is False


def test_the_fixture_fills_every_tenant_table(database: Database, populate: Populate) -> None:
    # So the cascade and isolation tests below cover tables added later.
    with database.begin() as conn:
        populate(conn, "t1")
        assert all(counts(conn, "t1").values()), counts(conn, "t1")


def test_deleting_a_tenant_deletes_everything_of_it(database: Database, populate: Populate) -> None:
    with database.begin() as conn:
        populate(conn, "gone")
        populate(conn, "kept")
        kept = counts(conn, "kept")
    with database.begin() as conn:
        assert delete_tenant(conn, "gone") is True
    with database.connect() as conn:
        assert get_tenant(conn, "gone") is None
        assert set(counts(conn, "gone").values()) == {0}
        assert counts(conn, "kept") == kept


def test_deleting_a_user_deletes_their_logins_accounts_and_transactions(
    database: Database, populate: Populate
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
    with database.begin() as conn:
        conn.execute(sa.delete(s.users).where(s.users.c.id == ids["user"]))
    with database.connect() as conn:
        left = {name: n for name, n in counts(conn, "t1").items() if n}
    # Only what belongs to the tenant rather than to the user outlives them.
    assert left == {
        "webhook_endpoints": 1,
        "webhook_outbox": 1,
        "webhook_deliveries": 1,
        "webhook_attempts": 1,
        "webhook_signing_keys": 1,
        "journal": 1,
    }


def test_deleting_a_bank_login_deletes_its_accounts_and_transactions(
    database: Database, populate: Populate
) -> None:
    with database.begin() as conn:
        ids = populate(conn, "t1")
    with database.begin() as conn:
        conn.execute(sa.delete(s.bank_logins).where(s.bank_logins.c.id == ids["bank_login"]))
    with database.connect() as conn:
        left = counts(conn, "t1")
        session_login = conn.execute(sa.select(s.connect_sessions.c.bank_login_id)).scalar_one()
    for table in (
        "bank_logins",
        "bank_login_sources",
        "sync_attempts",
        "consents",
        "sca_challenges",
        "accounts",
        "transactions",
        "import_jobs",
        "bank_sessions",
        "bank_accesses",
    ):
        assert left[table] == 0, table
    assert left["users"] == 1
    assert left["uploads"] == 1  # the user's, not the bank login's
    assert (left["connect_sessions"], session_login) == (1, None)


def test_wiping_a_tenant_keeps_it_and_leaves_other_tenants_alone(
    database: Database, populate: Populate
) -> None:
    with database.begin() as conn:
        populate(conn, "wiped")
        populate(conn, "other")
        other = counts(conn, "other")
    with database.begin() as conn:
        wipe_tenant_data(conn, "wiped")
    with database.connect() as conn:
        wiped = get_tenant(conn, "wiped")
        assert wiped is not None
        assert wiped.data_version == 1
        assert set(counts(conn, "wiped").values()) == {0}
        assert counts(conn, "other") == other
        assert get_tenant(conn, "other").data_version == 0  # type: ignore[union-attr]


def test_wiping_a_tenant_keeps_the_webhook_endpoints_it_was_declared_with(
    database: Database, populate: Populate
) -> None:
    with database.begin() as conn:
        populate(conn, "t1")  # its endpoint was added later, not declared
        declared = conn.execute(
            sa.insert(s.webhook_endpoints).values(
                tenant_id="t1",
                url="http://localhost:3000/declared",
                secret="whsec-declared",
                format="native",
                declared=True,
                created_at=datetime(2025, 1, 1, tzinfo=UTC),
            )
        ).inserted_primary_key[0]
    with database.begin() as conn:
        wipe_tenant_data(conn, "t1")
    with database.connect() as conn:
        left = {name: n for name, n in counts(conn, "t1").items() if n}
        kept = conn.execute(sa.select(s.webhook_endpoints.c.id)).scalars().all()
    assert left == {"webhook_endpoints": 1}
    assert kept == [declared]


def scenario(n: int) -> str:
    return f'{{"name": "scenario {n}", "banks": []}}'


def read_after(
    write: Callable[[Connection], object],
    read: Callable[[Connection], TenantRow],
    writer: Database,
    reader: Database,
) -> str:
    """The scenario `read` finds through `reader` once `write` is committed through `writer`."""
    with writer.begin() as conn:
        write(conn)
    with reader.connect() as conn:
        return read(conn).scenario_json


def test_the_scenario_read_is_always_the_one_last_written(
    database: Database, make_tenant: MakeTenant
) -> None:
    """Reads take a tenant's scenario by its digest from what the process keeps: a change, or
    the tenant made again with the same id, time and credentials, is read as written."""

    def make_again(conn: Connection) -> None:
        delete_tenant(conn, "demo")
        insert_tenant(conn, make_tenant("demo", scenario_json=scenario(5)))

    steps = [
        (lambda c: insert_tenant(c, make_tenant("demo", scenario_json=scenario(1))), 1),
        (lambda c: update_tenant(c, make_tenant("demo", scenario_json=scenario(2))), 2),
        (make_again, 5),
    ]
    for write, expected in steps:
        assert read_after(write, lambda c: get_tenant(c, "demo"), database, database) == (
            scenario(expected)
        )
    with database.connect() as conn:
        assert [t.scenario_json for t in list_tenants(conn)] == [scenario(5)]
        assert tenant_by_api_key(conn, "key-demo").scenario_json == scenario(5)


def test_a_scenario_another_process_wrote_is_read(durable_url: str, make_tenant: MakeTenant):
    here, there = open_database(durable_url), open_database(durable_url)
    by_client = lambda c: tenant_by_client_id(c, "client-demo")  # noqa: E731
    try:
        made = read_after(
            lambda c: insert_tenant(c, make_tenant("demo", scenario_json=scenario(3))),
            by_client, here, here,
        )  # fmt: skip
        changed = read_after(
            lambda c: update_tenant(c, make_tenant("demo", scenario_json=scenario(4))),
            by_client, there, here,
        )  # fmt: skip
    finally:
        here.close()
        there.close()
    assert (made, changed) == (scenario(3), scenario(4))
