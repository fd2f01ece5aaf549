"""Refreshing bank logins: scripted behaviours at the bank, on the virtual clock."""

import pytest

from sandbox.domain import connections
from sandbox.domain.connections import LoginNotUsable
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.states import LoginState
from sandbox.store import accounts


def connected(world, login: str, bank: str = "rheinwert-bank"):
    bank_login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id=bank, login=login
    )
    return bank_login


def test_a_refresh_with_no_time_passing_imports_nothing(world):
    login = connected(world, "good")
    _, result = connections.refresh(world.db, world.tenant, login.id)
    assert (result.new_accounts, result.new_transactions) == (0, 0)


def test_advancing_the_clock_brings_new_transactions(world):
    login = connected(world, "good")
    world.advance(days=31)
    refreshed, result = connections.refresh(world.db, world.tenant, login.id)
    assert result.new_transactions > 0
    assert refreshed.sync_count == 2 and refreshed.state is LoginState.CONNECTED


def test_wrong_password_from_the_second_sync(world):
    login = connected(world, "wrongpass-on-sync-2")
    with pytest.raises(BankRefusal) as refused:
        connections.refresh(world.db, world.tenant, login.id)
    assert refused.value.state is LoginState.WRONG_CREDENTIALS
    assert (
        connections.get_login(world.db, world.tenant, login.id).state
        is LoginState.WRONG_CREDENTIALS
    )
    with pytest.raises(LoginNotUsable):
        connections.refresh(world.db, world.tenant, login.id)


def test_bank_down_from_the_second_sync_for_a_day(world):
    login = connected(world, "bank-down-on-sync-2")
    with pytest.raises(BankRefusal) as refused:
        connections.refresh(world.db, world.tenant, login.id)
    assert refused.value.state is LoginState.BANK_UNAVAILABLE
    down = connections.get_login(world.db, world.tenant, login.id)
    assert down.state is LoginState.BANK_UNAVAILABLE and down.state_until is not None
    world.advance(hours=2)
    with pytest.raises(BankRefusal):
        connections.refresh(world.db, world.tenant, login.id)
    world.advance(days=1)
    refreshed, _ = connections.refresh(world.db, world.tenant, login.id)
    assert refreshed.state is LoginState.CONNECTED


def test_sca_on_every_sync_after_the_first(world):
    login = connected(world, "sca-every-sync")
    with pytest.raises(BankRefusal) as refused:
        connections.refresh(world.db, world.tenant, login.id)
    assert refused.value.state is LoginState.SCA_REQUIRED


def test_an_account_appears_on_the_second_sync(world):
    login = connected(world, "new-account-on-sync-2", bank="nordlicht-sparbank")
    with world.db.connect() as conn:
        before = {a["bank_key"] for a in accounts.list_accounts(conn, world.tenant.id)}
    _, result = connections.refresh(world.db, world.tenant, login.id)
    with world.db.connect() as conn:
        after = {a["bank_key"] for a in accounts.list_accounts(conn, world.tenant.id)}
    assert before == {"main"} and after == {"main", "savings"} and result.new_accounts == 1


def test_an_account_that_disappears_is_marked_deleted_not_removed(world):
    login = connected(world, "account-closed-on-sync-2", bank="nordlicht-sparbank")
    _, result = connections.refresh(world.db, world.tenant, login.id)
    with world.db.connect() as conn:
        listed = {a["bank_key"] for a in accounts.list_accounts(conn, world.tenant.id)}
        every = accounts.list_accounts(conn, world.tenant.id, include_deleted=True)
    assert result.deleted_accounts == 1
    assert listed == {"main"}
    assert {a["bank_key"]: a["deleted_at"] is not None for a in every} == {
        "main": False,
        "savings": True,
    }


def test_connecting_directly_applies_refusals_at_the_first_sync(world):
    with pytest.raises(BankRefusal) as refused:
        connected(world, "wrongpass")
    assert refused.value.state is LoginState.WRONG_CREDENTIALS


def test_the_consent_expires_on_the_clock(world):
    login = connected(world, "good")
    world.advance(days=181)
    assert connections.get_login(world.db, world.tenant, login.id).state is LoginState.SCA_REQUIRED
    with pytest.raises(LoginNotUsable):
        connections.refresh(world.db, world.tenant, login.id)


def test_a_bank_that_authenticates_in_the_browser_reads_webauth_required(world):
    login = connected(world, "good", bank="banque-lumiere")
    world.advance(days=181)
    assert connections.get_login(world.db, world.tenant, login.id).state is (
        LoginState.WEBAUTH_REQUIRED
    )
