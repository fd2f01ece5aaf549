"""The hosted connect flow as the domain runs it: steps, SCA, consent, redirects."""

import pytest
import sqlalchemy as sa

from sandbox.domain import bank_logins, bank_site, connect, connections, manage, sessions, tenants
from sandbox.domain.bank_logins import AlreadyConnected
from sandbox.domain.errors import UnknownBank
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.flow import load
from sandbox.domain.outcome import Outcome, OutcomeKind
from sandbox.domain.states import LoginState, ScaStatus
from sandbox.errors import InvalidInput
from sandbox.scenario import load_scenario_text
from sandbox.store import accounts
from sandbox.store.schema import transactions


def test_embedded_connection_redirects_back_with_the_bank_login(world):
    _flow, back = world.connect()
    assert back.redirect_uri == "http://127.0.0.1:3000/callback" and back.state == "s1"
    assert back.outcome.kind is OutcomeKind.SUCCESS
    [bank_login_id] = back.outcome.bank_login_ids
    login = bank_logins.get_bank_login(world.db, world.tenant, bank_login_id)
    assert login.state is LoginState.CONNECTED
    assert login.consent.history_days == 90
    assert (login.consent.expires_at - login.consent.granted_at).days == 180


def test_a_bank_with_several_account_types_asks_which(world):
    session_id = world.session()
    assert (
        connect.choose_bank(world.db, session_id, "nordlicht-sparbank").progress.step
        == "account_type"
    )
    with pytest.raises(InvalidInput):
        connect.choose_account_type(world.db, session_id, "pension")
    assert (
        connect.choose_account_type(world.db, session_id, "checking").progress.step == "credentials"
    )


def test_the_sessions_account_types_narrow_the_choice(world):
    session_id = world.session(account_types=["checking"])
    assert (
        connect.choose_bank(world.db, session_id, "nordlicht-sparbank").progress.step
        == "credentials"
    )


def test_wrong_password_can_be_retried(world):
    session_id = world.session()
    connect.choose_bank(world.db, session_id, "rheinwert-bank")
    with pytest.raises(BankRefusal) as refused:
        connect.log_in(world.db, session_id, "good", "wrong")
    assert refused.value.state is LoginState.WRONG_CREDENTIALS
    assert connect.log_in(world.db, session_id, "good", "pass").progress.step == "sca"


@pytest.mark.parametrize(
    ("login", "code"),
    [
        ("locked", "error"),
        ("bank-down", "bank_unavailable"),
        ("action-needed", "action_needed"),
        ("password-expired", "password_expired"),
    ],
)
def test_magic_logins_end_the_flow_with_their_outcome(world, login, code):
    session_id = world.session()
    connect.choose_bank(world.db, session_id, "rheinwert-bank")
    flow = connect.log_in(world.db, session_id, login, "pass")
    assert flow.progress.step == "failed" and flow.progress.error.code == code
    outcome = connect.leave(world.db, session_id).outcome
    assert outcome.kind is OutcomeKind.ERROR and outcome.error.code == code
    assert outcome.error.message


def test_three_wrong_codes_fail_the_sca(world):
    session_id = world.to_sca("rheinwert-bank", "good")
    connect.choose_sca_method(world.db, session_id, "sms")
    for left in (2, 1):
        flow, challenge = connect.enter_otp(world.db, session_id, "000000")
        assert flow.progress.step == "sca" and 3 - challenge.attempts == left
    flow, challenge = connect.enter_otp(world.db, session_id, "000000")
    assert challenge.status is ScaStatus.FAILED and flow.progress.step == "failed"
    assert connect.leave(world.db, session_id).outcome.error.code == "sca_failed"


def test_wrong_code_then_right_one(world):
    session_id = world.to_sca("rheinwert-bank", "good")
    connect.choose_sca_method(world.db, session_id, "sms")
    connect.enter_otp(world.db, session_id, "999999")
    flow, challenge = connect.enter_otp(world.db, session_id, "123456")
    assert challenge.status is ScaStatus.APPROVED and flow.progress.step == "consent"


def test_decoupled_waits_for_the_app(world):
    session_id = world.to_sca("polderbank", "good")
    flow, challenge = connect.sca_progress(world.db, session_id)
    assert (flow.progress.step, challenge.status, challenge.approach) == (
        "sca",
        ScaStatus.PENDING,
        "decoupled",
    )


def test_decoupled_slow_approves_itself_after_its_delay(world):
    session_id = world.to_sca("nordlicht-sparbank", "decoupled-slow")
    assert connect.sca_progress(world.db, session_id)[1].status is ScaStatus.PENDING
    world.advance(minutes=2)
    flow, challenge = connect.sca_progress(world.db, session_id)
    assert challenge.status is ScaStatus.APPROVED and flow.progress.step == "consent"


def test_a_look_with_the_flow_just_read_reads_only_the_challenge_and_still_moves_it_on(world):
    session_id = world.to_sca("nordlicht-sparbank", "decoupled-slow")
    seen = load(world.db, session_id)
    flow, challenge = connect.sca_progress(world.db, session_id, seen)
    assert flow is seen and challenge.status is ScaStatus.PENDING
    world.advance(minutes=2)
    seen = load(world.db, session_id)  # the next page's read, with the clock moved
    flow, challenge = connect.sca_progress(world.db, session_id, seen)
    assert challenge.status is ScaStatus.APPROVED and flow.progress.step == "consent"
    assert load(world.db, session_id).progress.step == "consent"


def test_decoupled_times_out_on_the_virtual_clock(world):
    session_id = world.to_sca("nordlicht-sparbank", "decoupled-timeout")
    world.advance(minutes=5)
    _flow, challenge = connect.sca_progress(world.db, session_id)
    assert challenge.status is ScaStatus.EXPIRED
    assert connect.leave(world.db, session_id).outcome.error.code == "sca_expired"


def test_decoupled_reject_persona(world):
    session_id = world.to_sca("polderbank", "decoupled-reject")
    flow, challenge = connect.sca_progress(world.db, session_id)
    assert challenge.status is ScaStatus.REJECTED and flow.progress.step == "failed"


def test_redirect_banks_take_credentials_on_their_own_page(world):
    session_id = world.session()
    flow = connect.choose_bank(world.db, session_id, "banque-lumiere")
    if flow.progress.step == "account_type":
        flow = connect.choose_account_type(world.db, session_id, "checking")
    assert flow.progress.step == "bank_login"
    flow = connect.log_in(world.db, session_id, "good", "pass")
    assert bank_site.bank_decision(world.db, session_id, approve=True).progress.step == "consent"


def test_cancelling_at_the_bank_returns_an_error(world):
    session_id = world.to_sca("banca-laguna", "good")
    bank_site.bank_decision(world.db, session_id, approve=False)
    assert connect.leave(world.db, session_id).outcome.error.code == "cancelled_at_bank"


def test_cancel_mid_flow(world):
    session_id = world.session()
    back = connect.leave(world.db, session_id)
    assert back.outcome.kind is OutcomeKind.CANCELLED and back.state == "s1"


def test_a_session_is_single_use(world):
    flow, _ = world.connect()
    with pytest.raises(sessions.SessionGone, match="already been used"):
        load(world.db, flow.session.id)


def test_a_session_expires_after_15_minutes_of_virtual_time(world):
    session_id = world.session()
    world.advance(minutes=15)
    with pytest.raises(sessions.SessionGone, match="expired"):
        load(world.db, session_id)


def test_only_a_registered_redirect_uri_is_accepted(world):
    with pytest.raises(InvalidInput, match="not registered"):
        sessions.create_session(
            world.db, world.tenant, kind="connect", external_user_id="u1",
            redirect_uri="http://evil.example/cb", state=None, options={},
        )  # fmt: skip


def test_multiple_lands_in_the_management_list_and_adds_a_second_bank(world):
    flow, back = world.connect(multiple=True)
    assert back is None and flow.progress.step == "manage"
    session_id = flow.session.id
    connect.enter(world.db, session_id, multiple=False, add_bank_login=True)
    connect.choose_bank(world.db, session_id, "bursztyn-bank")
    connect.log_in(world.db, session_id, "good", "pass")
    connect.choose_sca_method(world.db, session_id, "sms")
    flow, _ = connect.enter_otp(world.db, session_id, "123456")
    flow, back = connect.grant_consent(
        world.db, session_id, [o.key for o in connect.consent_offer(flow)]
    )
    assert flow.progress.step == "manage" and len(flow.progress.bank_login_ids) == 2
    outcome = connect.leave(world.db, session_id).outcome
    assert outcome == Outcome.success(flow.progress.bank_login_ids, listed=True)


def test_consent_shares_only_the_chosen_accounts(world):
    session_id = world.to_sca("rheinwert-bank", "multi-currency")
    connect.choose_sca_method(world.db, session_id, "sms")
    flow, _ = connect.enter_otp(world.db, session_id, "123456")
    offered = [o.key for o in connect.consent_offer(flow)]
    assert offered == ["eur", "usd", "gbp", "chf"]  # a magic persona's accounts, at any bank
    with pytest.raises(InvalidInput):
        connect.grant_consent(world.db, session_id, [])
    flow, _url = connect.grant_consent(world.db, session_id, ["usd"])
    with world.db.connect() as conn:
        rows = {r["bank_key"]: r for r in accounts.list_accounts(conn, world.tenant.id)}
        imported = conn.execute(sa.select(transactions.c.account_id).distinct()).scalars().all()
    # Data minimisation (GDPR): an account not chosen is known by name only, disabled, with no data.
    assert rows["eur"]["disabled"] and rows["eur"]["balance_minor"] is None
    assert not rows["usd"]["disabled"] and rows["usd"]["balance_minor"] is not None
    assert imported == [rows["usd"]["id"]]


# --- A bank named by the client ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bank", "options", "step", "account_type"),
    [
        ("rheinwert-bank", {}, "credentials", "checking"),
        ("nordlicht-sparbank", {}, "account_type", None),
        ("nordlicht-sparbank", {"account_types": ["savings"]}, "credentials", "savings"),
        ("banque-lumiere", {"account_types": ["checking"]}, "bank_login", "checking"),
    ],
)
def test_a_preselected_bank_starts_where_choosing_it_would_lead(
    world, bank, options, step, account_type
):
    flow = load(world.db, world.session(bank_id=bank, **options))
    progress = flow.progress
    assert (progress.step, progress.bank_id, progress.account_type) == (step, bank, account_type)


def test_a_preselected_bank_connects_without_the_bank_list(world):
    session_id = world.session(bank_id="rheinwert-bank")
    assert connect.log_in(world.db, session_id, "good", "pass").progress.step == "sca"
    flow, _ = connect.enter_otp(world.db, session_id, "123456")
    _flow, back = connect.grant_consent(
        world.db, session_id, [o.key for o in connect.consent_offer(flow)]
    )
    assert back.outcome.kind is OutcomeKind.SUCCESS


def test_a_preselected_bank_must_offer_an_account_type_asked_for(world):
    with pytest.raises(InvalidInput, match="none of the account types"):
        world.session(bank_id="rheinwert-bank", account_types=["loan"])
    with pytest.raises(InvalidInput, match="no bank"):
        world.session(bank_id="no-such-bank")


def test_a_session_that_names_several_banks_lists_and_takes_only_those(world):
    session_id = world.session(bank_ids=["rheinwert-bank", "cigale"])
    flow = load(world.db, session_id)
    assert [bank.id for bank in connect.offered_banks(flow)] == ["rheinwert-bank", "cigale"]
    with pytest.raises(UnknownBank, match="not offered here"):
        connect.choose_bank(world.db, session_id, "nordlicht-sparbank")
    assert connect.choose_bank(world.db, session_id, "cigale").progress.bank_id == "cigale"
    with pytest.raises(UnknownBank):
        world.session(bank_ids=["rheinwert-bank", "no-such-bank"])


def test_the_login_form_starts_with_the_login_the_client_filled_in_for_that_bank(world):
    session_id = world.session(logins={"rheinwert-bank": "mia.schulz"})
    assert load(world.db, session_id).login_hint is None  # no bank chosen yet
    assert connect.choose_bank(world.db, session_id, "rheinwert-bank").login_hint == "mia.schulz"
    other = world.session(logins={"rheinwert-bank": "mia.schulz"})
    assert connect.choose_bank(world.db, other, "bursztyn-bank").login_hint is None


# --- Push is approved in the app, not typed ------------------------------------------------------

PUSH_ONLY = (
    "extends: default\nname: push-only\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
    "personas:\n  - {login: push-only, bank: rheinwert-bank, sca_methods: [{method: push}]}\n"
)


def test_embedded_sca_offers_only_methods_with_a_code(world):
    session_id = world.to_sca("rheinwert-bank", "good")  # sms and push
    flow = load(world.db, session_id)
    challenge = connect.challenge(world.db, flow)
    assert (challenge.approach, challenge.method, challenge.status) == (
        "embedded",
        "sms",
        ScaStatus.PENDING,
    )
    assert [m.method.value for m in connect.sca_methods(flow, challenge)] == ["sms"]
    with pytest.raises(InvalidInput, match="choose one of sms"):
        connect.choose_sca_method(world.db, session_id, "push")


def test_a_choice_is_asked_only_between_methods_with_a_code(world):
    session_id = world.to_sca("rheinwert-bank", "mia.schulz")  # app and sms
    flow = load(world.db, session_id)
    challenge = connect.challenge(world.db, flow)
    assert challenge.status is ScaStatus.STARTED
    assert [m.method.value for m in connect.sca_methods(flow, challenge)] == ["app", "sms"]


def test_a_push_only_persona_at_an_embedded_bank_waits_for_the_bank_app(world, platform):
    world.tenant = tenants.create_tenant(
        platform.db, load_scenario_text(PUSH_ONLY), "push-only",
        tenants.TenantOptions(redirect_uris=["http://127.0.0.1:3000/callback"]),
    )  # fmt: skip
    session_id = world.to_sca("rheinwert-bank", "push-only")
    flow, challenge = connect.sca_progress(world.db, session_id)
    assert (challenge.approach, challenge.method, challenge.status) == (
        "decoupled",
        "push",
        ScaStatus.PENDING,
    )
    assert challenge.expires_at - challenge.created_at == flow.bank.decoupled_timeout
    bank_site.app_decision(world.db, session_id, "rheinwert-bank", approve=True)
    assert load(world.db, session_id).progress.step == "consent"


def test_a_login_connected_already_stops_before_sca_even_at_the_banks_page(world):
    connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id="banque-lumiere", login="good"
    )
    session_id = world.session()
    connect.choose_bank(world.db, session_id, "banque-lumiere")
    connect.choose_account_type(world.db, session_id, "checking")
    flow = bank_site.log_in_at_bank(world.db, session_id, "banque-lumiere", "good", "pass")
    assert flow.progress.step == "already_connected"
    assert flow.progress.challenge_id is None  # no SCA asked for in vain
    existing = connect.connected_login(world.db, flow)
    assert (existing.bank_id, existing.persona_login) == ("banque-lumiere", "good")
    renewing = manage.start_renewal(world.db, session_id, existing.id)
    assert renewing.progress.renew_login_id == existing.id


def test_a_consent_given_twice_in_two_tabs_makes_one_bank_login(world):
    first, second = world.to_sca("rheinwert-bank", "good"), world.to_sca("rheinwert-bank", "good")
    for session_id in (first, second):
        connect.choose_sca_method(world.db, session_id, "sms")
        connect.enter_otp(world.db, session_id, "123456")
    _flow, back = connect.grant_consent(world.db, first, ["main"])
    with pytest.raises(AlreadyConnected) as refused:
        connect.grant_consent(world.db, second, ["main"])
    assert refused.value.details == {"bank_login_id": back.outcome.bank_login_ids[-1]}
    assert len(bank_logins.list_bank_logins(world.db, world.tenant)) == 1


def test_other_users_and_other_logins_at_the_same_bank_still_connect(world):
    world.connect()
    assert world.connect(login="credit-card")[0].progress.step == "done"
    other = world.session(user="u2")
    assert connect.choose_bank(world.db, other, "rheinwert-bank").progress.step == "credentials"
    assert connect.log_in(world.db, other, "good", "pass").progress.step == "sca"
