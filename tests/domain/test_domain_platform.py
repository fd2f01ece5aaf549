"""`Platform`: the one object every face holds, one service per noun of the domain."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from pathlib import Path
from typing import get_type_hints

import pytest

from sandbox.domain import consents
from sandbox.domain.platform import Platform
from sandbox.domain.states import ScaStatus
from sandbox.domain.tenants import TenantOptions
from sandbox.errors import NotFound

FROZEN_YAML = (
    "extends: default\nname: frozen-here\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
)
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "faces.md"


def _services_table() -> dict[str, list[str]]:
    """docs/faces.md's table of services: each service and the methods it names."""
    section = GUIDE.read_text().split("## The services\n", 1)[1].split("\n## ", 1)[0]
    table: dict[str, list[str]] = {}
    for row in re.findall(r"^\| `(\w+)` \|.*\| (.+) \|$", section, re.MULTILINE):
        service, examples = row
        table[service] = re.findall(r"`(\w+)", examples)
    return table


def test_the_guide_names_every_service_of_the_platform_and_no_other() -> None:
    services = {
        field.name
        for field in dataclasses.fields(Platform)
        if not field.init  # the services; settings, db and the scenario are what it is built from
    }
    assert set(_services_table()) == services


def test_every_method_the_guide_names_is_one_the_service_has() -> None:
    classes = get_type_hints(Platform)
    missing = [
        f"{service}.{method}"
        for service, methods in _services_table().items()
        for method in methods
        if not callable(getattr(classes[service], method, None))
    ]
    assert missing == []


def test_a_consent_ended_through_its_service_is_over_announced_once_and_never_extended(
    platform, world
) -> None:
    login, _ = platform.bank_logins.connect_directly(
        world.tenant, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    ended = platform.consents.expire(world.tenant, login.id)
    assert ended.consent.over(world.tenant.clock.now())
    # Its notice went out with the expiry: a later look finds nothing more to announce.
    assert consents.watch(platform.db, world.tenant.id) == []
    world.advance(days=3)
    again = platform.consents.expire(world.tenant, login.id)
    assert again.consent.expires_at == ended.consent.expires_at
    assert consents.watch(platform.db, world.tenant.id) == []


# --- What the control API asks of the domain, called as any face would --------------------


def test_a_new_tenant_gets_the_shipped_scenario_it_names_or_the_yaml_it_brings(platform) -> None:
    shipped = platform.tenants.create(TenantOptions(), scenario="default")
    assert shipped.scenario.name == "default"
    brought = platform.tenants.create(TenantOptions(), scenario_yaml=FROZEN_YAML)
    assert brought.scenario.name == "frozen-here" and brought.clock.frozen
    with pytest.raises(NotFound):
        platform.tenants.create(TenantOptions(), scenario="no-such-scenario")


def test_moving_the_clock_announces_the_consents_it_reaches_once(platform, world) -> None:
    login, _ = platform.bank_logins.connect_directly(
        world.tenant, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    assert login.consent is not None
    to_notice = login.consent.expires_at - consents.EXPIRY_NOTICE - world.tenant.now()
    platform.clock.move(world.tenant.id, advance=to_notice + timedelta(hours=1))
    # The move announced it: the watcher finds nothing more, now or after another move.
    assert consents.watch(platform.db, world.tenant.id) == []
    platform.clock.move(world.tenant.id, advance=timedelta(hours=1))
    assert consents.watch(platform.db, world.tenant.id) == []


def test_a_pending_decoupled_sca_is_listed_and_decided_without_any_page(platform, world) -> None:
    session_id = world.to_sca("nordlicht-sparbank", "good")
    pending = platform.sca.list(world.tenant, ScaStatus.PENDING)
    assert [listed.challenge.session_id for listed in pending] == [session_id]
    decided = platform.sca.decide(world.tenant, pending[0].challenge.id, approve=True)
    assert decided.status is ScaStatus.APPROVED
    assert platform.sca.list(world.tenant, ScaStatus.PENDING) == []
