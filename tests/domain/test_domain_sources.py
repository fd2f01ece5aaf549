"""Sources: a sync tries the bank's enabled sources in priority order and falls back to the
next when one is down; each source keeps its own state and last update."""

import pytest

from sandbox.domain import connections, tenants
from sandbox.domain.fakebank import BankRefusal
from sandbox.domain.states import LoginState
from sandbox.scenario import load_scenario_text

SCENARIO = """\
extends: default
name: sources
clock: {start: 2026-01-15T09:00:00Z, frozen: true}
personas:
  - login: api-down-on-sync-2
    bank: "*"
    behaviours:
      - {on: {sync: 2}, event: source_down, source: api}
  - login: all-down-on-sync-2
    bank: "*"
    behaviours:
      - {on: {sync: 2}, event: source_down, source: api, duration: PT2H}
      - {on: {sync: 2}, event: source_down, source: web, duration: PT3H}
  - login: first-source-down
    bank: "*"
    behaviours:
      - {event: source_down}
"""


@pytest.fixture
def world(world):
    world.tenant = tenants.create_tenant(world.db, load_scenario_text(SCENARIO), "sources")
    return world


def connected(world, login: str, bank: str = "nordlicht-sparbank"):
    bank_login, _ = connections.connect_directly(
        world.db, world.tenant, external_user_id="u1", bank_id=bank, login=login
    )
    return bank_login


def by_kind(login) -> dict:
    return {source.kind: source for source in login.sources}


def test_a_sync_goes_through_the_first_source_and_records_it(world):
    login = connected(world, "good")
    sources = by_kind(login)
    assert [s.kind for s in login.sources] == ["api", "web"]
    assert sources["api"].state == "ok" and sources["api"].last_update == world.tenant.now()
    assert sources["web"].state is None and sources["web"].last_update is None


def test_a_source_down_falls_back_to_the_next(world):
    login = connected(world, "api-down-on-sync-2")
    first_sync = world.tenant.now()
    world.advance(days=31)
    refreshed, result = connections.refresh(world.db, world.tenant, login.id)
    assert refreshed.state is LoginState.CONNECTED and result.new_transactions > 0
    sources = by_kind(refreshed)
    assert sources["api"].state == "bank_unavailable"
    assert sources["api"].last_update == first_sync
    assert sources["web"].state == "ok" and sources["web"].last_update == world.tenant.now()


def test_every_source_down_reads_bank_unavailable_until_the_first_is_back(world):
    login = connected(world, "all-down-on-sync-2")
    with pytest.raises(BankRefusal) as refused:
        connections.refresh(world.db, world.tenant, login.id)
    assert refused.value.state is LoginState.BANK_UNAVAILABLE
    down = connections.get_login(world.db, world.tenant, login.id)
    assert down.state is LoginState.BANK_UNAVAILABLE and down.state_detail == "sources_down"
    assert down.state_until == world.tenant.now().replace(hour=11)
    assert {s.state for s in down.sources} == {"bank_unavailable"}
    world.advance(hours=2)
    back, _ = connections.refresh(world.db, world.tenant, login.id)
    assert back.state is LoginState.CONNECTED
    assert by_kind(back)["api"].state == "ok"


def test_a_disabled_source_is_never_used(world):
    # Cigale's API is disabled: its web source serves, even when it is the only one left.
    login = connected(world, "good", bank="cigale")
    sources = by_kind(login)
    assert sources["api"].disabled and sources["api"].state is None
    assert sources["web"].state == "ok"
    world.advance(days=1)
    refreshed, _ = connections.refresh(world.db, world.tenant, login.id)
    assert by_kind(refreshed)["api"].state is None


def test_source_down_without_a_source_names_the_first_tried(world):
    # At Cigale the first source tried is web (the API is disabled): nothing is left.
    login = connected(world, "first-source-down", bank="cigale")
    assert login.state is LoginState.BANK_UNAVAILABLE
    assert by_kind(login)["web"].state == "bank_unavailable"
    fallback = connected(world, "first-source-down", bank="nordlicht-sparbank")
    assert fallback.state is LoginState.CONNECTED
    assert by_kind(fallback)["web"].state == "ok"
