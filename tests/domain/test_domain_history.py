"""A deeper history than the bank's default 90 days: its own SCA (purpose `extend_history`), a
short confirmation, then the consent covers the asked days and the older transactions arrive."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from sandbox.domain import bank_site, connect, connections, history
from sandbox.domain.flow import load
from sandbox.domain.outcome import Outcome, OutcomeKind
from sandbox.domain.states import ScaStatus
from sandbox.errors import Conflict, InvalidInput, NotFound
from sandbox.store.schema import accounts, transactions
from sandbox.store.schema import sca_challenges as challenges

CALLBACK = "http://127.0.0.1:3000/callback"
NORDLICHT = "nordlicht-sparbank"


def connected(world, login: str = "ten-years-history", bank: str = NORDLICHT):
    bank_login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id=bank, login=login
    )
    return bank_login


def extension(world, bank_login_id: int, days: int) -> str:
    return history.create_history_session(
        world.db, world.tenant, bank_login_id=bank_login_id, days=days,
        redirect_uri=CALLBACK, state="s7",
    ).id  # fmt: skip


def bookings(world, bank_login_id: int) -> tuple[date, int]:
    """The oldest booking date and how many transactions the login has."""
    joined = transactions.join(accounts, accounts.c.id == transactions.c.account_id)
    statement = (
        sa.select(sa.func.min(transactions.c.booked_on), sa.func.count())
        .select_from(joined)
        .where(accounts.c.bank_login_id == bank_login_id)
    )
    with world.db.connect() as conn:
        oldest, count = conn.execute(statement).one()
    return oldest, count


def test_ten_years_of_history_at_nordlicht_after_an_sca_in_the_bank_app(world):
    login = connected(world)
    today = world.tenant.now().date()
    oldest, count = bookings(world, login.id)
    assert oldest >= today - timedelta(days=90)
    session_id = extension(world, login.id, 3650)
    flow = load(world.db, session_id)
    assert flow.progress.step == "sca"
    challenge = connect.challenge(world.db, flow)
    assert challenge.approach == "decoupled"  # Nordlicht's API approves in its app
    bank_site.app_decision(world.db, session_id, NORDLICHT, approve=True)
    flow = load(world.db, session_id)
    assert flow.progress.step == "history"
    offer = history.history_offer(world.db, flow)
    assert (offer.days, offer.current_days) == (3650, 90)
    flow, back = history.share_history(world.db, session_id)
    assert back.outcome == Outcome.success((login.id,)) and back.state == "s7"
    deeper, more = bookings(world, login.id)
    assert deeper <= today - timedelta(days=3600)  # back to about ten years ago
    assert deeper >= today - timedelta(days=3650)
    assert more > count * 10
    extended = connections.get_login(world.db, world.tenant, login.id)
    assert extended.consent is not None and extended.consent.history_days == 3650
    assert extended.consent.expires_at == login.consent.expires_at  # validity unchanged
    assert extended.sync_count == login.sync_count + 1


def test_the_older_transactions_are_imported_once(world):
    login = connected(world)
    session_id = extension(world, login.id, 400)
    bank_site.app_decision(world.db, session_id, NORDLICHT, approve=True)
    history.share_history(world.db, session_id)
    _, count = bookings(world, login.id)
    _, result = connections.refresh(world.db, world.tenant, login.id)
    assert result.new_transactions == 0 and bookings(world, login.id)[1] == count


def test_the_extension_sca_has_its_own_purpose(world):
    login = connected(world)
    session_id = extension(world, login.id, 365)
    with world.db.connect() as conn:
        row = conn.execute(
            sa.select(challenges.c.purpose, challenges.c.bank_login_id).where(
                challenges.c.session_id == session_id
            )
        ).one()
    assert tuple(row) == ("extend_history", login.id)


def test_an_embedded_bank_asks_for_a_code(world):
    login = connected(world, login="good", bank="bursztyn-bank")
    session_id = extension(world, login.id, 365)
    flow = load(world.db, session_id)
    assert connect.challenge(world.db, flow).approach == "embedded"
    flow, _ = connect.enter_otp(world.db, session_id, "123456")
    assert flow.progress.step == "history"
    _, back = history.share_history(world.db, session_id)
    assert back.outcome.kind is OutcomeKind.SUCCESS
    assert connections.get_login(world.db, world.tenant, login.id).consent.history_days == 365


def test_a_redirect_bank_approves_on_its_own_page(world):
    login = connected(world, login="good", bank="banque-lumiere")
    limit = world.tenant.scenario.bank("banque-lumiere").history_limit_days
    session_id = extension(world, login.id, limit)
    flow = load(world.db, session_id)
    assert connect.challenge(world.db, flow).approach == "redirect"
    assert (
        bank_site.bank_page(world.db, session_id, "banque-lumiere", "approve").progress.step
        == "sca"
    )
    assert bank_site.bank_decision(world.db, session_id, approve=True).progress.step == "history"
    _, back = history.share_history(world.db, session_id)
    assert back.outcome.kind is OutcomeKind.SUCCESS
    assert connections.get_login(world.db, world.tenant, login.id).consent.history_days == limit


def test_a_rejected_sca_extends_nothing(world):
    login = connected(world)
    session_id = extension(world, login.id, 3650)
    challenge = bank_site.app_decision(world.db, session_id, NORDLICHT, approve=False)
    assert challenge.status is ScaStatus.REJECTED
    assert load(world.db, session_id).progress.step == "failed"
    assert connect.leave(world.db, session_id).outcome.error.code == "sca_rejected"
    assert connections.get_login(world.db, world.tenant, login.id).consent.history_days == 90


def test_cancelling_the_confirmation_extends_nothing(world):
    login = connected(world)
    session_id = extension(world, login.id, 3650)
    bank_site.app_decision(world.db, session_id, NORDLICHT, approve=True)
    _, back = connect.cancel(world.db, session_id)
    assert back.outcome.kind is OutcomeKind.CANCELLED
    assert connections.get_login(world.db, world.tenant, login.id).consent.history_days == 90


def test_more_than_the_banks_maximum_names_the_maximum(world):
    login = connected(world)
    with pytest.raises(InvalidInput) as refused:
        extension(world, login.id, 3651)
    assert refused.value.details["max_history_days"] == 3650
    assert "3650" in refused.value.message


def test_a_bank_without_a_maximum_stops_at_its_default_history(world):
    login = connected(world, login="good", bank="rheinwert-bank")
    with pytest.raises(InvalidInput) as refused:
        extension(world, login.id, 91)
    assert refused.value.details["max_history_days"] == 90


def test_no_more_than_the_consent_already_covers_is_refused(world):
    login = connected(world)
    with pytest.raises(InvalidInput):
        extension(world, login.id, 90)


def test_an_expired_consent_must_be_renewed_first(world):
    login = connected(world)
    world.advance(days=181)
    with pytest.raises(Conflict) as refused:
        extension(world, login.id, 365)
    assert refused.value.details["state"] == "sca_required"


def test_a_consent_that_expires_before_the_confirmation_fails_the_flow(world):
    login = connected(world)
    world.advance(days=179, hours=23, minutes=50)
    session_id = extension(world, login.id, 365)
    bank_site.app_decision(world.db, session_id, NORDLICHT, approve=True)
    world.advance(minutes=11)  # the consent ends; the session (15 minutes) does not
    flow, back = history.share_history(world.db, session_id)
    assert back is None and flow.progress.step == "failed"
    assert connect.leave(world.db, session_id).outcome.kind is OutcomeKind.ERROR


def test_a_bank_down_at_the_confirmation_fails_the_flow_and_keeps_the_consent(world):
    login = connected(world, "bank-down-on-sync-2")  # the extension's import is sync 2
    _, count = bookings(world, login.id)
    session_id = extension(world, login.id, 365)
    bank_site.app_decision(world.db, session_id, NORDLICHT, approve=True)
    flow, back = history.share_history(world.db, session_id)
    assert back is None and flow.progress.step == "failed"
    assert flow.progress.error.code == "bank_unavailable"
    kept = connections.get_login(world.db, world.tenant, login.id)
    assert kept.consent is not None and kept.consent.history_days == 90
    assert bookings(world, login.id)[1] == count


def test_an_unknown_bank_login_is_not_found(world):
    with pytest.raises(NotFound):
        extension(world, 999, 365)
