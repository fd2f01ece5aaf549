"""Connecting and refreshing bank logins: scripted behaviours at the bank, on the virtual
clock, and the same accounts whichever way a login comes in."""

import contextlib
import itertools
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sandbox.domain import accounts as account_domain
from sandbox.domain import connect, connections, sca
from sandbox.domain.connections import LoginNotUsable
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.flow import load
from sandbox.domain.states import FINAL_SCA, LoginState
from sandbox.scenario import load_scenario
from sandbox.scenario.model import ANY_BANK
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


# --- Both ways in give the same accounts ---------------------------------------------------------

PAIRS = [
    (bank.id, persona.login)
    for persona in load_scenario("default").personas
    for bank in load_scenario("default").banks
    if persona.bank in (ANY_BANK, bank.id)
]
USERS = itertools.count()


class Offered(NamedTuple):
    keys: list[str]  # the accounts the consent page offered
    bank_login_id: int | None  # the login made by sharing them all (None: nothing to share)


def through_the_hosted_ui(world, bank_id: str, login: str, account_type: str) -> Offered | None:
    """A connection through every page: the login, SCA passed whatever its approach, and every
    account offered shared. None when the bank or the SCA refuses it."""
    session_id = world.session(f"ui-{next(USERS)}")
    if connect.choose_bank(world.db, session_id, bank_id).progress.step == "account_type":
        connect.choose_account_type(world.db, session_id, account_type)
    try:
        if connect.log_in(world.db, session_id, login, "pass").progress.step == "failed":
            return None
    except BankRefusal:  # a wrong password: the form says so
        return None
    flow = load(world.db, session_id)
    challenge = connect.challenge(world.db, flow)
    if challenge.approach == "embedded":
        methods = connect.sca_methods(flow, challenge)
        if challenge.method is None:
            connect.choose_sca_method(world.db, session_id, methods[0].method.value)
        chosen = challenge.method or methods[0].method.value
        otp = next(m.otp for m in methods if m.method.value == chosen)
        flow, _ = connect.enter_otp(world.db, session_id, otp)
    elif challenge.status not in FINAL_SCA:
        with world.db.begin() as conn:
            sca.decide(conn, world.tenant, challenge, True)
        flow, _ = connect.sca_progress(world.db, session_id)
    if flow.progress.step != "consent":  # a scripted SCA failure: no consent page to compare
        return None
    offered = [offer.key for offer in connect.consent_offer(flow)]
    if not offered:  # nothing of that type to share: no consent can be given
        return Offered([], None)
    _flow, back = connect.grant_consent(world.db, session_id, offered)
    return Offered(offered, back.outcome.bank_login_ids[-1])


def held(world, bank_login_id: int) -> tuple[str | None, list[tuple]]:
    """The login's account type and its accounts as the data API lists them."""
    login = connections.get_login(world.db, world.tenant, bank_login_id)
    found = account_domain.list_accounts(
        world.db, world.tenant, bank_login_id=bank_login_id, include_deleted=True
    )
    shown = [
        (a.account.bank_key, a.account.type, a.account.currency, a.account.iban) for a in found
    ]
    return login.account_type, sorted(shown)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pair=st.sampled_from(PAIRS), data=st.data())
def test_the_hosted_ui_and_the_direct_login_give_the_same_accounts(world, pair, data):
    bank_id, login = pair
    bank = world.tenant.scenario.bank(bank_id)
    account_type = data.draw(st.sampled_from([t.value for t in bank.account_types]))
    by_ui = through_the_hosted_ui(world, bank_id, login, account_type)
    try:
        direct, _ = connections.connect_directly(
            world.db, world.tenant, external_user_id=f"direct-{next(USERS)}", bank_id=bank_id,
            login=login, account_type=account_type if len(bank.account_types) > 1 else None,
        )  # fmt: skip
    except BankRefusal:
        assert by_ui is None  # the bank refuses the login whichever way it comes in
        return
    assume(by_ui is not None)
    direct_type, direct_accounts = held(world, direct.id)
    assert [account[0] for account in direct_accounts] == sorted(by_ui.keys)
    if by_ui.bank_login_id is None:
        return
    assert held(world, by_ui.bank_login_id) == (direct_type, direct_accounts)
    # A sync (the first refresh) keeps them the same.
    for bank_login_id in (by_ui.bank_login_id, direct.id):
        with contextlib.suppress(BankRefusal, LoginNotUsable):  # refused alike both ways
            connections.sync_now(world.db, world.tenant, bank_login_id)
    assert held(world, by_ui.bank_login_id) == held(world, direct.id)
