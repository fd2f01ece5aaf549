"""`Platform`: the one object every face holds, one service per noun of the domain."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import get_type_hints

from sandbox.domain import consents
from sandbox.domain.platform import Platform

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
