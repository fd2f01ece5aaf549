"""The users table: tenants' own ids of their users."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sandbox.store.database import Database
from sandbox.store.tenants import TenantRow, insert_tenant
from sandbox.store.users import external_ids, insert_user

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def test_external_ids_of_one_user_several_and_none(
    database: Database, make_tenant: Callable[..., TenantRow]
) -> None:
    with database.begin() as conn:
        insert_tenant(conn, make_tenant("demo"))
        insert_tenant(conn, make_tenant("other"))
        alice = insert_user(conn, "demo", "alice", T0)["id"]
        bob = insert_user(conn, "demo", "bob", T0)["id"]
        theirs = insert_user(conn, "other", "carol", T0)["id"]
    with database.connect() as conn:
        assert external_ids(conn, "demo", [alice]) == {alice: "alice"}
        assert external_ids(conn, "demo", [bob, alice, bob]) == {alice: "alice", bob: "bob"}
        assert external_ids(conn, "demo", []) == {}
        assert external_ids(conn, "demo", [theirs]) == {}  # another tenant's user
        assert external_ids(conn, "demo", [alice, theirs]) == {alice: "alice"}
