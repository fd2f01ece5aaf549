"""A user's own accounts, as a data API that names users by the platform's id shows them: only
theirs, disabled and deleted ones on request, each with its bank and the source it came
through; what the user sets on an account; when it stopped being shared."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.domain import accounts, connections, tenants, users
from sandbox.domain.records import User
from sandbox.errors import Conflict, InvalidInput, NotFound
from sandbox.scenario import load_scenario_text
from sandbox.store import bank_logins as login_rows

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(platform):
    return tenants.create_tenant(platform.db, load_scenario_text(FROZEN), "frozen")


def connect(
    platform, tenant, user="u1", persona="good", bank="rheinwert-bank", activate=None
) -> tuple[User, int]:
    with platform.db.begin() as conn:
        holder = users.user_for(conn, tenant, user)
        bank_login_id, _ = connections.establish(
            conn, tenant, user=holder, bank=tenant.scenario.bank(bank),
            persona=tenant.scenario.persona(bank, persona), account_type=None, activate=activate,
        )  # fmt: skip
    return holder, bank_login_id


def test_a_user_sees_only_their_accounts_with_their_bank_and_source(platform, tenant):
    alice, login = connect(platform, tenant, "alice", persona="credit-card")
    bob, _ = connect(platform, tenant, "bob")
    held = accounts.accounts_of_user(platform.db, tenant, alice.id)
    assert [h.account.user_id for h in held] == [alice.id, alice.id]
    assert {h.bank_id for h in held} == {"rheinwert-bank"}
    with platform.db.connect() as conn:
        [source] = login_rows.sources_of(conn, [login])[login]
    assert {h.source_id for h in held} == {source["id"]}
    assert [h.account.id for h in accounts.accounts_of_user(platform.db, tenant, bob.id)] != [
        h.account.id for h in held
    ]


API_DOWN = """\
extends: default
name: api-down
clock: {start: 2026-01-15T09:00:00Z, frozen: true}
personas:
  - login: api-down
    bank: "*"
    accounts: [{id: main, type: checking, opened: 2020-01-15, opening_balance: 100}]
    behaviours: [{event: source_down, source: api}]
"""


def test_the_source_shown_is_the_one_the_last_sync_went_through(platform, tenant):
    """Nordlicht's API comes first; a persona whose API is down is read through the web."""
    holder, login = connect(platform, tenant, bank="nordlicht-sparbank")
    with platform.db.connect() as conn:
        api, _ = login_rows.sources_of(conn, [login])[login]
    [held] = accounts.accounts_of_user(platform.db, tenant, holder.id)
    assert held.source_id == api["id"]
    other = tenants.create_tenant(platform.db, load_scenario_text(API_DOWN), "api-down")
    holder, login = connect(platform, other, persona="api-down", bank="nordlicht-sparbank")
    with platform.db.connect() as conn:
        _, web = login_rows.sources_of(conn, [login])[login]
    [held] = accounts.accounts_of_user(platform.db, other, holder.id)
    assert held.source_id == web["id"]


def test_disabled_and_deleted_accounts_are_listed_only_when_asked_for(platform, tenant):
    holder, _ = connect(platform, tenant, persona="account-closed-on-sync-2", activate={"main"})
    listed = accounts.accounts_of_user(platform.db, tenant, holder.id)
    assert [h.account.bank_key for h in listed] == ["main"]
    every = accounts.accounts_of_user(
        platform.db, tenant, holder.id, include_disabled=True, include_deleted=True
    )
    assert [h.account.bank_key for h in every] == ["main", "savings"]
    savings = every[1].account
    with pytest.raises(NotFound):
        accounts.account_of_user(platform.db, tenant, holder.id, savings.id)
    found = accounts.account_of_user(
        platform.db, tenant, holder.id, savings.id, include_disabled=True
    )
    assert found.account == savings


def test_another_users_account_or_bank_login_is_not_found(platform, tenant):
    alice, alice_login = connect(platform, tenant, "alice")
    bob, _ = connect(platform, tenant, "bob")
    [alices] = accounts.accounts_of_user(platform.db, tenant, alice.id)
    with pytest.raises(NotFound):
        accounts.account_of_user(platform.db, tenant, bob.id, alices.account.id)
    with pytest.raises(NotFound):
        accounts.accounts_of_user(platform.db, tenant, bob.id, bank_login_id=alice_login)
    with pytest.raises(NotFound):
        accounts.annotate_account(platform.db, tenant, bob.id, alices.account.id, {"name": "x"})
    of_login = accounts.accounts_of_user(platform.db, tenant, alice.id, bank_login_id=alice_login)
    assert of_login == [alices]


def test_notes_are_merged_and_none_forgets_one(platform, tenant):
    holder, _ = connect(platform, tenant)
    [held] = accounts.accounts_of_user(platform.db, tenant, holder.id)
    account_id = held.account.id
    first = accounts.annotate_account(
        platform.db, tenant, holder.id, account_id, {"name": "Daily", "display": False}
    )
    assert first.annotations == {"name": "Daily", "display": False}
    second = accounts.annotate_account(
        platform.db, tenant, holder.id, account_id, {"name": None, "usage": "ORGA"}
    )
    assert second.annotations == {"display": False, "usage": "ORGA"}
    assert second.name == held.account.name
    with pytest.raises(InvalidInput):
        accounts.annotate_account(platform.db, tenant, holder.id, account_id, {"balance": 1})


def test_an_account_is_disabled_since_it_stopped_being_shared_or_since_it_was_found(
    platform, tenant
):
    holder, _ = connect(platform, tenant, persona="credit-card", activate={"main"})
    main, card = (
        h.account
        for h in accounts.accounts_of_user(platform.db, tenant, holder.id, include_disabled=True)
    )
    assert main.disabled_since is None
    assert card.disabled_since == card.discovered_at
    tenant = tenants.save_clock(platform.db, tenant, tenant.clock.advanced(timedelta(hours=5)))
    stopped = accounts.deactivate_account(platform.db, tenant, main.id).account
    assert stopped.disabled_since == tenant.now() != stopped.discovered_at
    again = accounts.deactivate_account(platform.db, tenant, main.id).account
    assert again.disabled_since == stopped.disabled_since
    shared = accounts.activate_account(platform.db, tenant, main.id).account
    assert shared.disabled_since is None and shared.annotations is None


def test_a_deleted_account_cannot_be_shared_again(platform, tenant):
    holder, login = connect(platform, tenant, persona="account-closed-on-sync-2")
    tenant = tenants.save_clock(platform.db, tenant, tenant.clock.advanced(timedelta(days=1)))
    connections.refresh(platform.db, tenant, login)
    gone = [
        h.account
        for h in accounts.accounts_of_user(
            platform.db, tenant, holder.id, include_disabled=True, include_deleted=True
        )
        if h.account.deleted_at is not None
    ]
    assert [account.bank_key for account in gone] == ["savings"]
    accounts.deactivate_account(platform.db, tenant, gone[0].id)
    with pytest.raises(Conflict):
        accounts.activate_account(platform.db, tenant, gone[0].id)
