"""Accounts as the data APIs list them, with the external id of their holder."""

import pytest

from sandbox.domain import accounts, connections, tenants, users
from sandbox.errors import NotFound
from sandbox.scenario import load_scenario_text

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(platform):
    return tenants.create_tenant(platform.db, load_scenario_text(FROZEN), "frozen")


def connect(platform, tenant, user="u1", persona="good") -> int:
    with platform.db.begin() as conn:
        bank_login_id, _ = connections.establish(
            conn, tenant, user=users.user_for(conn, tenant, user),
            bank=tenant.scenario.bank("rheinwert-bank"),
            persona=tenant.scenario.persona("rheinwert-bank", persona),
            account_type=None, activate=None,
        )  # fmt: skip
    return bank_login_id


def test_each_account_carries_its_holders_own_id(platform, tenant):
    connect(platform, tenant, "alice")
    connect(platform, tenant, "bob", persona="credit-card")
    listed = accounts.list_accounts(platform.db, tenant)
    assert [owned.external_user_id for owned in listed] == ["alice", "bob", "bob"]
    by_bob = accounts.list_accounts(platform.db, tenant, external_user_id="bob")
    assert by_bob == listed[1:]
    assert accounts.get_account(platform.db, tenant, listed[0].account.id) == listed[0]


def test_unknown_users_bank_logins_and_accounts_are_404(platform, tenant, default_scenario):
    connect(platform, tenant)
    stranger = tenants.create_tenant(platform.db, default_scenario, "default")
    mine = accounts.list_accounts(platform.db, tenant)[0].account
    with pytest.raises(NotFound):
        accounts.list_accounts(platform.db, tenant, external_user_id="nobody")
    with pytest.raises(NotFound):
        accounts.list_accounts(platform.db, stranger, bank_login_id=mine.bank_login_id)
    with pytest.raises(NotFound):
        accounts.get_account(platform.db, stranger, mine.id)


def test_bank_login_counts_per_user_in_one_query(platform, tenant):
    connect(platform, tenant, "alice")
    connect(platform, tenant, "alice", persona="credit-card")
    connect(platform, tenant, "bob")
    with platform.db.begin() as conn:
        carol = users.user_for(conn, tenant, "carol")
        ids = {name: users.find_user(conn, tenant, name).id for name in ("alice", "bob")}
    counts = accounts.bank_login_counts(platform.db, tenant, [*ids.values(), carol.id])
    assert counts == {ids["alice"]: 2, ids["bob"]: 1}
    assert accounts.bank_login_counts(platform.db, tenant, []) == {}
