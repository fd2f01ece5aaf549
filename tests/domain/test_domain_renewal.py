"""Renewing an expired consent through a renewal session (`POST /bank-logins/{id}/renew`): the
user logs in and passes SCA again, consents anew, and data flows again."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from sandbox.domain import bank_site, connect, connections, sessions
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.flow import load
from sandbox.domain.outcome import Outcome, OutcomeKind
from sandbox.domain.states import LoginState
from sandbox.errors import InvalidInput, NotFound
from sandbox.store.schema import accounts, transactions
from sandbox.store.schema import sca_challenges as challenges

CALLBACK = "http://127.0.0.1:3000/callback"


def connected(world, login: str = "good", bank: str = "rheinwert-bank"):
    bank_login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id=bank, login=login
    )
    return bank_login


def renewal(world, bank_login_id: int) -> str:
    return sessions.create_renewal_session(
        world.db, world.tenant, bank_login_id=bank_login_id, redirect_uri=CALLBACK, state="s9"
    ).id


def newest_booking(world, bank_login_id: int):
    joined = transactions.join(accounts, accounts.c.id == transactions.c.account_id)
    statement = (
        sa.select(sa.func.max(transactions.c.booked_on))
        .select_from(joined)
        .where(accounts.c.bank_login_id == bank_login_id)
    )
    with world.db.connect() as conn:
        return conn.execute(statement).scalar_one()


def test_an_expired_consent_is_renewed_and_data_flows_again(world):
    login = connected(world)
    world.advance(days=181)
    assert connections.get_login(world.db, world.tenant, login.id).state is (
        LoginState.SCA_REQUIRED
    )
    before = newest_booking(world, login.id)
    session_id = renewal(world, login.id)
    flow = load(world.db, session_id)
    assert flow.progress.step == "credentials" and flow.progress.renew_login == "good"
    connect.log_in(world.db, session_id, "good", "pass")
    flow, _ = connect.enter_otp(world.db, session_id, "123456")
    assert flow.progress.step == "consent"
    keys = [offer.key for offer in connect.consent_offer(flow)]
    flow, back = connect.grant_consent(world.db, session_id, keys)
    assert back is not None and flow.progress.step == "done"
    assert back.outcome == Outcome.success((login.id,)) and back.state == "s9"
    renewed = connections.get_login(world.db, world.tenant, login.id)
    assert renewed.state is LoginState.CONNECTED
    assert renewed.consent is not None
    assert renewed.consent.expires_at == world.tenant.now() + timedelta(days=180)
    assert newest_booking(world, login.id) > before  # the 181 days in between arrived
    connections.refresh(world.db, world.tenant, login.id)  # and later syncs pass


def test_the_renewal_sca_is_recorded_with_its_purpose(world):
    login = connected(world)
    world.advance(days=181)
    session_id = renewal(world, login.id)
    connect.log_in(world.db, session_id, "good", "pass")
    with world.db.connect() as conn:
        purpose = conn.execute(
            sa.select(challenges.c.purpose, challenges.c.bank_login_id).where(
                challenges.c.session_id == session_id
            )
        ).one()
    assert tuple(purpose) == ("renew", login.id)


def test_a_renewal_must_log_in_as_the_same_customer(world):
    login = connected(world)
    session_id = renewal(world, login.id)
    with pytest.raises(BankRefusal):
        connect.log_in(world.db, session_id, "mia.schulz", "pass")
    assert load(world.db, session_id).progress.step == "credentials"


def test_a_renewal_at_a_redirect_bank_logs_in_on_the_banks_page(world):
    login = connected(world, bank="banque-lumiere")
    world.advance(days=181)
    session_id = renewal(world, login.id)
    assert load(world.db, session_id).progress.step == "bank_login"
    bank_site.log_in_at_bank(world.db, session_id, "banque-lumiere", "good", "pass")
    flow = bank_site.bank_decision(world.db, session_id, approve=True)
    keys = [offer.key for offer in connect.consent_offer(flow)]
    _, back = connect.grant_consent(world.db, session_id, keys)
    assert back.outcome.kind is OutcomeKind.SUCCESS
    assert connections.get_login(world.db, world.tenant, login.id).state is (LoginState.CONNECTED)


def test_a_renewal_never_offers_another_bank(world):
    login = connected(world)
    session_id = renewal(world, login.id)
    with pytest.raises(connect.WrongStep):
        connect.choosing_bank(world.db, session_id)


def test_a_cancelled_renewal_leaves_the_login_as_it_was(world):
    login = connected(world)
    world.advance(days=181)
    session_id = renewal(world, login.id)
    _, back = connect.cancel(world.db, session_id)
    assert back.outcome.kind is OutcomeKind.CANCELLED
    assert connections.get_login(world.db, world.tenant, login.id).state is (
        LoginState.SCA_REQUIRED
    )


def test_renewing_an_unknown_bank_login_is_not_found(world):
    with pytest.raises(NotFound):
        renewal(world, 999)


def test_a_renewal_redirects_only_to_a_registered_uri(world):
    login = connected(world)
    with pytest.raises(InvalidInput):
        sessions.create_renewal_session(
            world.db, world.tenant, bank_login_id=login.id,
            redirect_uri="https://evil.example/cb", state=None,
        )  # fmt: skip
