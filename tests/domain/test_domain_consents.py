"""The consent watcher goes on past a consent it cannot announce: one tenant's broken state
never keeps another tenant's notices from being sent."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import orjson

from sandbox.domain import connections, consents, tenants
from sandbox.store import tenants as tenant_rows


def test_a_tenant_whose_consent_cannot_be_announced_does_not_stop_the_others(
    world, platform, caplog, monkeypatch
):
    broken = world.tenant
    connections.connect_directly(
        world.db, broken, external_user_id="u1", bank_id="rheinwert-bank", login="good"
    )
    healthy = tenants.create_tenant(platform.db, broken.scenario, "frozen")
    connections.connect_directly(
        platform.db, healthy, external_user_id="u2", bank_id="rheinwert-bank", login="good"
    )
    tenants.save_clock(platform.db, healthy, healthy.clock.advanced(timedelta(days=175)))
    # A running clock stored so far ahead that its now is past year 9999, as an unbounded
    # `set` once allowed: reading its time fails.
    offset = datetime.max.replace(tzinfo=UTC) - datetime(2026, 1, 1, tzinfo=UTC)
    with platform.db.begin() as conn:
        tenant_rows.set_clock(conn, broken.id, offset // timedelta(microseconds=1), None)

    logger = logging.getLogger("sandbox.webhooks.consents")
    monkeypatch.setattr(logger, "propagate", False)  # caught here alone, however logs are set
    monkeypatch.setattr(logger, "handlers", [caplog.handler])
    emitted = consents.watch(platform.db)

    assert [(event.tenant_id, event.type) for event in emitted] == [
        (healthy.id, "consent.expiring")
    ]
    (line,) = [orjson.loads(record.getMessage()) for record in caplog.records]
    assert line["tenant_id"] == broken.id
    assert line["consent_watch_error"].startswith("OverflowError")
