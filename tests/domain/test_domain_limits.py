"""The bank's daily count of unattended syncs (API refreshes), on the virtual clock; syncs
with the user present, and the control API's, are not counted."""

from datetime import timedelta

import pytest

from sandbox.domain import connections
from sandbox.domain.bank_logins import find_bank_login
from sandbox.domain.limits import RateLimited
from sandbox.domain.states import LoginState


def connected(world, bank: str = "rheinwert-bank"):
    login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id=bank, login="good"
    )
    return login


def refresh_hourly(world, login, times: int) -> None:
    for _ in range(times):
        world.advance(hours=1)
        connections.refresh(world.db, world.tenant, login.id)


def test_the_fifth_refresh_in_a_day_is_limited_until_the_first_leaves_the_window(world):
    login = connected(world)
    first = world.tenant.now() + timedelta(hours=1)
    refresh_hourly(world, login, 4)
    world.advance(hours=1)
    with pytest.raises(RateLimited) as limited:
        connections.refresh(world.db, world.tenant, login.id)
    assert limited.value.retry_at == first + timedelta(hours=24)
    assert limited.value.details == {
        "state": "rate_limited",
        "next_sync_at": (first + timedelta(hours=24)).isoformat(),
    }
    read = connections.get_login(world.db, world.tenant, login.id)
    assert read.state is LoginState.RATE_LIMITED and read.state_until == limited.value.retry_at
    assert read.sync_count == 5  # the refused refresh never reached the bank

    world.advance(hours=19, minutes=59)
    assert connections.get_login(world.db, world.tenant, login.id).state is LoginState.RATE_LIMITED
    world.advance(minutes=1)  # exactly 24 h after the first refresh
    assert connections.get_login(world.db, world.tenant, login.id).state is LoginState.CONNECTED
    again, _ = connections.refresh(world.db, world.tenant, login.id)
    assert again.state is LoginState.CONNECTED and again.state_until is None


def test_the_limit_is_the_banks_count(world):
    login = connected(world, bank="bursztyn-bank")  # two a day
    refresh_hourly(world, login, 2)
    with pytest.raises(RateLimited):
        refresh_hourly(world, login, 1)


def test_syncs_with_the_user_and_from_the_control_api_are_not_counted(world):
    login = connected(world)
    refresh_hourly(world, login, 3)
    with world.db.begin() as conn:  # the user renews in the hosted UI
        connections.renew(conn, world.tenant, find_bank_login(conn, world.tenant, login.id), None)
    connections.sync_now(world.db, world.tenant, login.id)
    refresh_hourly(world, login, 1)  # the fourth unattended one
    with pytest.raises(RateLimited):
        refresh_hourly(world, login, 1)
    # The control API's sync ignores the limit, and clears the state it left.
    synced, _ = connections.sync_now(world.db, world.tenant, login.id)
    assert synced.state is LoginState.CONNECTED


def test_a_refused_refresh_is_announced_with_the_next_allowed_time(world):
    from sandbox.domain import deliveries

    login = connected(world)
    refresh_hourly(world, login, 4)
    with pytest.raises(RateLimited) as limited:
        refresh_hourly(world, login, 1)
    newest = deliveries.page_of_deliveries(world.db, world.tenant, None, 1).deliveries[0].event
    assert newest.type == "bank_login.sync_failed"
    data = newest.data
    assert data["state"] == "rate_limited"
    assert data["state_until"] == limited.value.retry_at.isoformat()
