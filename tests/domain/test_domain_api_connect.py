"""Bank logins made through a data API (`sandbox/domain/api_connect.py`): the login exists from
the accepted credentials, waits in the state its SCA leads to, and the SCA's outcome is applied
when the login is next looked at."""

from __future__ import annotations

import pytest

from sandbox.domain import api_connect, control, sca, users
from sandbox.domain.errors import BankRefusal, Conflict, InvalidInput
from sandbox.domain.states import LoginState, ScaStatus
from sandbox.scenario.model import ScaApproach
from sandbox.store import accounts as account_rows


def new_user(world):
    with world.db.begin() as conn:
        return users.insert_numbered(conn, world.tenant, None)


def start(world, bank_id="rheinwert-bank", login="good", password="pass", user=None):
    return api_connect.connect(
        world.db,
        world.tenant,
        user=user or new_user(world),
        bank=world.tenant.scenario.bank(bank_id),
        login=login,
        password=password,
        account_type=None,
    )


def accounts_of(world, login_id):
    with world.db.connect() as conn:
        return account_rows.accounts_of_login(conn, login_id)


def decide(world, challenge_id, approve=True):
    with world.db.begin() as conn:
        challenge = sca.read_challenge(conn, world.tenant, challenge_id)
        sca.decide(conn, world.tenant, challenge, approve)


def test_embedded_waits_for_a_code_then_connects_with_accounts_disabled(world):
    made = start(world)
    assert made.login.state is LoginState.SCA_REQUIRED
    assert made.login.consent is None and made.login.sync_count == 0
    assert made.pending is not None and made.pending.approach is ScaApproach.EMBEDDED
    assert made.pending.status is ScaStatus.PENDING and made.pending.challenge.method == "sms"
    wrong = api_connect.answer_otp(world.db, world.tenant, made.login.id, "000000")
    assert wrong.pending is not None and wrong.pending.attempts_left == 2
    done = api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    assert done.pending is None
    assert done.login.state is LoginState.CONNECTED
    assert done.login.consent is not None and done.login.sync_count == 1
    found = accounts_of(world, made.login.id)
    assert found and all(row["disabled"] for row in found)


def test_three_wrong_codes_fail_the_sca_and_a_new_one_can_start(world):
    made = start(world)
    for _ in range(3):
        after = api_connect.answer_otp(world.db, world.tenant, made.login.id, "999999")
    assert after.pending is None
    assert after.login.state is LoginState.SCA_REQUIRED
    assert after.login.state_detail == "The SCA failed: too many wrong codes."
    again = api_connect.sync(
        world.db, world.tenant, made.login.id, user_present=True, start_sca=True
    )
    assert again.pending is not None and again.pending.attempts_left == 3
    done = api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    assert done.login.state is LoginState.CONNECTED


def test_a_wrong_password_stores_nothing(world):
    user = new_user(world)
    with pytest.raises(BankRefusal) as refused:
        start(world, password="nope", user=user)
    assert refused.value.state is LoginState.WRONG_CREDENTIALS
    with pytest.raises(BankRefusal):
        start(world, login="wrongpass", user=user)
    with world.db.connect() as conn:
        from sandbox.store import bank_logins as login_rows

        assert login_rows.list_bank_logins(conn, world.tenant.id, user.id) == []


def test_decoupled_waits_for_the_app_and_the_clients_resume(world):
    made = start(world, bank_id="nordlicht-sparbank")
    assert made.login.state is LoginState.DECOUPLED_PENDING
    assert made.pending is not None and not made.pending.resumed
    decide(world, made.pending.challenge.id)
    # Approved in the app, but Powens goes on only once the client resumes.
    looked = api_connect.standing(world.db, world.tenant, made.login.id)
    assert looked.pending is not None and looked.pending.status is ScaStatus.APPROVED
    done = api_connect.resume(world.db, world.tenant, made.login.id)
    assert done.pending is None and done.login.state is LoginState.CONNECTED


def test_a_resumed_login_connects_when_the_approval_comes_later(world):
    made = start(world, bank_id="nordlicht-sparbank", login="decoupled-slow")
    resumed = api_connect.resume(world.db, world.tenant, made.login.id)
    assert resumed.pending is not None and resumed.pending.resumed
    world.advance(minutes=3)
    done = api_connect.standing(world.db, world.tenant, made.login.id)
    assert done.login.state is LoginState.CONNECTED


@pytest.mark.parametrize(
    ("login", "minutes", "detail"),
    [
        ("decoupled-reject", 0, "The SCA was rejected in the bank's app."),
        ("decoupled-timeout", 6, "The SCA timed out."),
    ],
)
def test_a_rejected_or_timed_out_approval_leaves_sca_required(world, login, minutes, detail):
    made = start(world, bank_id="nordlicht-sparbank", login=login)
    if minutes:
        world.advance(minutes=minutes)
    after = api_connect.standing(world.db, world.tenant, made.login.id)
    assert after.pending is None
    assert after.login.state is LoginState.SCA_REQUIRED and after.login.state_detail == detail


def test_a_scripted_refusal_comes_at_the_first_sync_after_sca(world):
    made = start(world, login="action-needed")
    done = api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    assert done.login.state is LoginState.ACTION_NEEDED
    assert done.login.consent is not None


def test_after_the_consent_ends_a_sync_reads_sca_required_until_sca_is_forced(world):
    made = start(world)
    api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    world.advance(days=181)
    synced = api_connect.sync(world.db, world.tenant, made.login.id, user_present=False)
    assert synced.login.state is LoginState.SCA_REQUIRED and synced.pending is None
    forced = api_connect.sync(
        world.db, world.tenant, made.login.id, user_present=True, start_sca=True
    )
    assert forced.pending is not None
    done = api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    assert done.login.state is LoginState.CONNECTED
    assert done.login.consent is not None and not done.login.consent.over(world.tenant.now())


def test_renew_passes_sca_for_a_new_consent_before_the_old_one_ends(world):
    made = start(world)
    first = api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456").login.consent
    world.advance(days=100)
    renewing = api_connect.sync(
        world.db, world.tenant, made.login.id, user_present=True, renew=True
    )
    assert renewing.pending is not None
    done = api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    assert done.login.consent is not None and first is not None
    assert done.login.consent.expires_at > first.expires_at


def test_a_paused_login_is_not_synced(world):
    made = start(world)
    api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    paused = api_connect.set_active(world.db, world.tenant, made.login.id, False)
    assert paused.login.active is False
    with pytest.raises(Conflict):
        api_connect.sync(world.db, world.tenant, made.login.id, user_present=True)
    resumed = api_connect.set_active(world.db, world.tenant, made.login.id, True)
    assert resumed.login.active is True
    synced = api_connect.sync(world.db, world.tenant, made.login.id, user_present=True)
    assert synced.login.sync_count == 2


def test_new_credentials_after_a_wrong_password_at_the_bank(world):
    made = start(world)
    api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    control.force_state(world.db, world.tenant, made.login.id, LoginState.WRONG_CREDENTIALS)
    with pytest.raises(BankRefusal):
        api_connect.relogin(world.db, world.tenant, made.login.id, "nope")
    again = api_connect.relogin(world.db, world.tenant, made.login.id, "pass")
    assert again.pending is not None and again.login.state is LoginState.SCA_REQUIRED
    done = api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    assert done.login.state is LoginState.CONNECTED


def test_a_password_the_bank_changed_stays_refused(world):
    made = start(world, login="wrongpass-on-sync-2")
    api_connect.answer_otp(world.db, world.tenant, made.login.id, "123456")
    refused = api_connect.sync(world.db, world.tenant, made.login.id, user_present=False)
    assert refused.login.state is LoginState.WRONG_CREDENTIALS
    with pytest.raises(BankRefusal):
        api_connect.relogin(world.db, world.tenant, made.login.id, "pass")


def test_answers_that_do_not_fit_the_sca_are_refused(world):
    embedded = start(world)
    with pytest.raises(Conflict):
        api_connect.resume(world.db, world.tenant, embedded.login.id)
    connected = api_connect.answer_otp(world.db, world.tenant, embedded.login.id, "123456")
    with pytest.raises(Conflict):
        api_connect.answer_otp(world.db, world.tenant, connected.login.id, "123456")
    assert api_connect.resume(world.db, world.tenant, connected.login.id) == connected
    decoupled = start(world, bank_id="nordlicht-sparbank")
    with pytest.raises(Conflict):
        api_connect.answer_otp(world.db, world.tenant, decoupled.login.id, "123456")
    waiting = start(world, user=new_user(world))
    with pytest.raises(InvalidInput):
        api_connect.choose_method(world.db, world.tenant, waiting.login.id, "carrier-pigeon")


def test_a_source_is_switched_off_and_on(world):
    made = start(world)
    source = made.login.sources[0]
    off = api_connect.set_source_disabled(world.db, world.tenant, made.login.id, source.id, True)
    assert off.sources[0].disabled_at == world.tenant.now()
    on = api_connect.set_source_disabled(world.db, world.tenant, made.login.id, source.id, False)
    assert on.sources[0].disabled_at is None


def test_a_source_switched_off_is_not_used_by_syncs(world):
    made = start(world, bank_id="nordlicht-sparbank")
    decide(world, made.pending.challenge.id)
    connected = api_connect.resume(world.db, world.tenant, made.login.id).login
    api, web = connected.sources
    assert (api.kind, api.state, web.kind, web.state) == ("api", "ok", "web", None)
    api_connect.set_source_disabled(world.db, world.tenant, made.login.id, api.id, True)
    world.advance(hours=1)
    synced = api_connect.sync(world.db, world.tenant, made.login.id, user_present=True).login
    assert synced.state is LoginState.CONNECTED
    assert synced.sources[1].state == "ok" and synced.sources[1].last_update == world.tenant.now()
    api_connect.set_source_disabled(world.db, world.tenant, made.login.id, web.id, True)
    refused = api_connect.sync(world.db, world.tenant, made.login.id, user_present=True).login
    assert refused.state is LoginState.BANK_UNAVAILABLE
    assert refused.state_detail == "sources_down"
