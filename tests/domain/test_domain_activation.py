"""GDPR: an account found at an unattended sync comes in disabled, with its name and type only;
activating it imports its balance and history at once, deactivating deletes them."""

import pytest
import sqlalchemy as sa

from sandbox.domain import accounts, connections
from sandbox.errors import Conflict
from sandbox.store.schema import transactions


def connected(world, login: str):
    bank_login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id="nordlicht-sparbank", login=login
    )
    return bank_login


def account_named(world, login, type_: str):
    found = accounts.list_accounts(
        world.db, world.tenant, bank_login_id=login.id, include_deleted=True
    )
    return next(owned.account for owned in found if owned.account.type == type_)


def transaction_count(world, account_id: int) -> int:
    with world.db.connect() as conn:
        query = sa.select(sa.func.count()).where(transactions.c.account_id == account_id)
        return conn.execute(query).scalar_one()


def test_an_account_found_at_a_refresh_comes_in_disabled_with_no_data(world):
    login = connected(world, "new-account-on-sync-2")
    _, result = connections.refresh(world.db, world.tenant, login.id)
    assert result.new_accounts == 1
    savings = account_named(world, login, "savings")
    assert savings.disabled and savings.balance is None and savings.activated_at is None
    assert transaction_count(world, savings.id) == 0
    world.advance(days=31)
    connections.refresh(world.db, world.tenant, login.id)
    assert transaction_count(world, savings.id) == 0  # still not shared


def test_activating_imports_the_balance_and_the_history_window_at_once(world):
    login = connected(world, "new-account-on-sync-2")
    connections.refresh(world.db, world.tenant, login.id)
    savings = account_named(world, login, "savings")
    activated = accounts.activate_account(world.db, world.tenant, savings.id).account
    assert not activated.disabled and activated.balance is not None
    assert activated.activated_at == world.tenant.now()
    assert transaction_count(world, savings.id) > 0
    # Activating twice changes nothing.
    again = accounts.activate_account(world.db, world.tenant, savings.id).account
    assert again == activated


def test_deactivating_deletes_the_transactions_and_the_balance(world):
    login = connected(world, "good")
    main = account_named(world, login, "checking")
    assert transaction_count(world, main.id) > 0
    gone = accounts.deactivate_account(world.db, world.tenant, main.id).account
    assert gone.disabled and gone.balance is None
    assert transaction_count(world, main.id) == 0
    listed = accounts.list_accounts(world.db, world.tenant, bank_login_id=login.id)
    assert [owned.account.id for owned in listed] == [main.id]
    world.advance(days=31)
    connections.refresh(world.db, world.tenant, login.id)
    assert transaction_count(world, main.id) == 0
    back = accounts.activate_account(world.db, world.tenant, main.id).account
    assert back.balance is not None and transaction_count(world, main.id) > 0


def test_a_deleted_account_cannot_be_activated(world):
    login = connected(world, "account-closed-on-sync-2")
    connections.refresh(world.db, world.tenant, login.id)
    savings = account_named(world, login, "savings")
    assert savings.deleted_at is not None
    accounts.deactivate_account(world.db, world.tenant, savings.id)
    with pytest.raises(Conflict):
        accounts.activate_account(world.db, world.tenant, savings.id)


def test_the_consent_screen_still_shares_what_the_user_chose(world):
    world.connect(bank="rheinwert-bank", login="good")
    found = accounts.list_accounts(world.db, world.tenant, external_user_id="u1")
    assert [owned.account.disabled for owned in found] == [False]
