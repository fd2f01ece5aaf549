"""Several delivery workers on one database, as several server processes run them: each event
is sent once, never by two workers at the same time."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter

from sandbox.clock import monotonic
from sandbox.domain import events, tenants
from sandbox.domain.platform import Platform
from sandbox.settings import Settings
from sandbox.store.database import open_database
from sandbox.testing.receiver import WebhookReceiver
from sandbox.webhooks.worker import WebhookWorker

EVENTS = 60


async def run_workers(workers: list[WebhookWorker], receiver: WebhookReceiver) -> None:
    for worker in workers:
        await worker.start()
    deadline = monotonic() + 20
    while len(receiver.received) < EVENTS and monotonic() < deadline:
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)  # room for a duplicate to show up, were there one
    for worker in workers:
        await worker.stop()


def test_three_workers_on_one_database_send_each_event_once(tmp_path, default_scenario):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    settings = Settings(database_url=url, webhook_poll_seconds=0.01, webhook_timeout_seconds=2)
    platform = Platform.open(settings, default_scenario)
    databases = [open_database(url) for _ in range(3)]
    try:
        with WebhookReceiver() as receiver:
            options = tenants.TenantOptions(webhook_url=receiver.url, webhook_secret="whsec-many")
            tenant = tenants.create_tenant(platform.db, default_scenario, "default", options)
            with platform.db.begin() as conn:
                made = [events.user_created(conn, tenant, f"user-{n}") for n in range(EVENTS)]
            workers = [WebhookWorker(db, settings) for db in databases]
            # A thread of its own: browser tests may leave an event loop running in this one.
            runner = threading.Thread(target=asyncio.run, args=(run_workers(workers, receiver),))
            runner.start()
            runner.join(timeout=30)
            sent = Counter(request.event_id for request in receiver.received)
    finally:
        for db in databases:
            db.close()
        platform.close()
    assert sent == Counter({event.id: 1 for event in made})
