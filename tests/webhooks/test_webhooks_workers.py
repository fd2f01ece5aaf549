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
from sandbox.store import webhooks as webhook_rows
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


async def stop_while_one_hangs(
    worker: WebhookWorker, fast: WebhookReceiver, slow: WebhookReceiver
) -> None:
    await worker.start()
    deadline = monotonic() + 10
    while not (fast.received and slow.received) and monotonic() < deadline:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.2)  # the fast answer is read; the slow one is still being waited for
    await worker.stop()


def test_a_stopped_worker_keeps_what_it_sent_and_hands_back_the_rest(tmp_path, default_scenario):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'state.db'}",
        webhook_poll_seconds=0.01,
        webhook_timeout_seconds=10,
    )
    platform = Platform.open(settings, default_scenario)
    try:
        with WebhookReceiver() as fast, WebhookReceiver(delay=5) as slow:
            made = {}
            for name, receiver in (("fast", fast), ("slow", slow)):
                options = tenants.TenantOptions(
                    webhook_url=receiver.url, webhook_secret="whsec-stop"
                )
                tenant = tenants.create_tenant(platform.db, default_scenario, "default", options)
                with platform.db.begin() as conn:
                    made[name] = (tenant, events.user_created(conn, tenant, "user-1"))
            worker = WebhookWorker(platform.db, settings)
            runner = threading.Thread(
                target=asyncio.run, args=(stop_while_one_hangs(worker, fast, slow),)
            )
            runner.start()
            runner.join(timeout=30)
            assert [r.event_id for r in fast.received] == [made["fast"][1].id]
            assert [r.event_id for r in slow.received] == [made["slow"][1].id]
        with platform.db.connect() as conn:
            found = {
                name: webhook_rows.event_by_id(conn, tenant.id, event.id)
                for name, (tenant, event) in made.items()
            }
            attempts = webhook_rows.attempts_of(conn, [row["id"] for row in found.values()])
    finally:
        platform.close()
    sent, cut = found["fast"], found["slow"]
    assert (sent["status"], sent["attempts"], sent["locked_until"]) == ("delivered", 1, None)
    assert [a["status_code"] for a in attempts[sent["id"]]] == [200]
    # The attempt cut off by the stop is no attempt: the event is due again at once.
    assert (cut["status"], cut["attempts"], cut["locked_until"]) == ("pending", 0, None)
    assert attempts[cut["id"]] == []
