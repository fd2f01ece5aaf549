"""What the control API does to a bank login (`sandbox/domain/control.py`), and how the lifecycle
treats it afterwards: a forced state never lets a sync through on a consent that is over."""

from __future__ import annotations

import pytest

from sandbox.domain import bank_logins, connections, control
from sandbox.domain.errors import Conflict, LoginNotUsable
from sandbox.domain.states import LoginState

# A login waiting for an approval in the bank's app (decoupled_pending) waits for its user.
PASSING = [
    LoginState.RATE_LIMITED,
    LoginState.BANK_UNAVAILABLE,
    LoginState.ERROR,
]


def connected(world) -> int:
    login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    return login.id


@pytest.mark.parametrize("state", PASSING)
def test_a_state_that_lets_syncs_through_cannot_be_forced_on_a_consent_that_is_over(world, state):
    login_id = connected(world)
    control.expire_consent(world.db, world.tenant, login_id)
    with pytest.raises(Conflict) as refused:
        control.force_state(world.db, world.tenant, login_id, state)
    assert (
        refused.value.message == f"the consent of this bank login is over: it cannot read {state}"
    )
    with pytest.raises(LoginNotUsable):
        connections.refresh(world.db, world.tenant, login_id)


@pytest.mark.parametrize("state", PASSING)
def test_a_forced_state_reads_expired_once_the_consent_ends_under_it(world, state):
    login_id = connected(world)
    control.force_state(world.db, world.tenant, login_id, state)
    control.expire_consent(world.db, world.tenant, login_id)
    login = bank_logins.get_bank_login(world.db, world.tenant, login_id)
    assert login.state is LoginState.SCA_REQUIRED
    with pytest.raises(LoginNotUsable):
        connections.refresh(world.db, world.tenant, login_id)


def test_a_hold_that_outlasts_the_consent_reads_expired_when_the_consent_ends(world):
    login_id = connected(world)
    until = world.tenant.now().replace(year=2027)
    control.force_state(world.db, world.tenant, login_id, LoginState.BANK_UNAVAILABLE, until=until)
    world.advance(days=181)
    login = bank_logins.get_bank_login(world.db, world.tenant, login_id)
    assert login.state is LoginState.SCA_REQUIRED and login.state_until is None


def test_a_state_the_user_must_act_on_stays_when_the_consent_ends(world):
    login_id = connected(world)
    control.force_state(world.db, world.tenant, login_id, LoginState.WRONG_CREDENTIALS)
    control.expire_consent(world.db, world.tenant, login_id)
    login = bank_logins.get_bank_login(world.db, world.tenant, login_id)
    assert login.state is LoginState.WRONG_CREDENTIALS
