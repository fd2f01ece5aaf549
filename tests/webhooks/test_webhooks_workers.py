"""Several delivery workers on one database, as several server processes run them: each event
is sent once, never by two workers at the same time.

The tests wait for what they need to have happened (a request received, an answer read, every
outcome written back), each with a deadline, rather than for a fixed time."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable

import sqlalchemy as sa

from sandbox.app import WEBHOOK_RENDERERS
from sandbox.clock import monotonic
from sandbox.domain import events, tenants
from sandbox.domain.platform import Platform
from sandbox.settings import Settings
from sandbox.store import webhooks as webhook_rows
from sandbox.store.database import Database, open_database
from sandbox.store.schema import webhook_attempts, webhook_deliveries
from sandbox.testing.receiver import WebhookReceiver
from sandbox.webhooks import signing
from sandbox.webhooks import worker as worker_module
from sandbox.webhooks.worker import WebhookWorker

EVENTS = 60


def run_until(workers: list[WebhookWorker], done: Callable[[], None]) -> None:
    """Run the workers until `done()` returns, then stop them. They run on an event loop in a
    thread of their own: browser tests may leave an event loop running in this one."""
    stop = threading.Event()

    async def run() -> None:
        for worker in workers:
            await worker.start()
        await asyncio.to_thread(stop.wait)
        for worker in workers:
            await worker.stop()

    runner = threading.Thread(target=asyncio.run, args=(run(),))
    runner.start()
    try:
        done()
    finally:
        stop.set()
        runner.join(timeout=30)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = monotonic() + timeout
    while not condition():
        if monotonic() > deadline:
            raise TimeoutError(f"not within {timeout} s: {what}")
        time.sleep(0.01)


def attempts_written(db: Database) -> int | None:
    """How many attempts the database records once every delivery is made and no longer
    claimed (None until then): from that point no worker can claim one again."""
    deliveries = webhook_deliveries
    unsettled = sa.select(sa.func.count()).where(
        sa.or_(deliveries.c.status != "delivered", deliveries.c.locked_until.is_not(None))
    )
    with db.connect() as conn:
        if conn.execute(unsettled).scalar_one():
            return None
        return conn.execute(sa.select(sa.func.count()).select_from(webhook_attempts)).scalar_one()


def only_delivery(conn, tenant_id: str, event_id: str) -> dict:
    event = webhook_rows.event_by_id(conn, tenant_id, event_id)
    assert event is not None
    (delivery,) = webhook_rows.deliveries_of(conn, [event.outbox_id])[event.outbox_id]
    return delivery


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
            workers = [WebhookWorker(db, settings, WEBHOOK_RENDERERS) for db in databases]

            def all_sent_and_written_back() -> None:
                receiver.wait_for(count=EVENTS, timeout=20)
                # Each request the receiver got, written back as an attempt: a duplicate
                # still on its way would show as a request more than attempts written.
                wait_until(
                    lambda: attempts_written(platform.db) == len(receiver.received),
                    timeout=20,
                    what="every event delivered and each request written back",
                )

            run_until(workers, all_sent_and_written_back)
            sent = Counter(request.event_id for request in receiver.received)
    finally:
        for db in databases:
            db.close()
        platform.close()
    assert sent == Counter({event.id: 1 for event in made})


def test_a_stopped_worker_keeps_what_it_sent_and_hands_back_the_rest(
    tmp_path, default_scenario, monkeypatch
):
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
            fast_answered = threading.Event()
            real_attempt = worker_module.attempt

            async def noting_the_fast_answer(*args, **request):
                outcome = await real_attempt(*args, **request)
                if request["headers"][signing.EVENT_ID] == made["fast"][1].id:
                    # Set before the worker keeps the outcome, but the stop runs on its loop after.
                    fast_answered.set()
                return outcome

            monkeypatch.setattr(worker_module, "attempt", noting_the_fast_answer)

            def fast_answer_read_while_slow_one_hangs() -> None:
                slow.wait_for(timeout=10)
                assert fast_answered.wait(timeout=10), "the fast answer was never read"

            worker = WebhookWorker(platform.db, settings, WEBHOOK_RENDERERS)
            run_until([worker], fast_answer_read_while_slow_one_hangs)
            assert [r.event_id for r in fast.received] == [made["fast"][1].id]
            assert [r.event_id for r in slow.received] == [made["slow"][1].id]
        with platform.db.connect() as conn:
            found = {
                name: only_delivery(conn, tenant.id, event.id)
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


def test_a_delivery_that_cannot_be_rendered_fails_for_good_saying_why(tmp_path, default_scenario):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'state.db'}")
    platform = Platform.open(settings, default_scenario)
    try:
        options = tenants.TenantOptions(webhook_url="http://127.0.0.1:9/h", webhook_secret="s" * 8)
        tenant = tenants.create_tenant(platform.db, default_scenario, "default", options)
        with platform.db.begin() as conn:
            event = events.user_created(conn, tenant, "u1")
        worker = WebhookWorker(platform.db, settings, renderers={})
        passed: list[int] = []
        runner = threading.Thread(target=lambda: passed.append(asyncio.run(worker.deliver_due())))
        runner.start()
        runner.join(timeout=30)
        with platform.db.connect() as conn:
            delivery = only_delivery(conn, tenant.id, event.id)
            (attempt,) = webhook_rows.attempts_of(conn, [delivery["id"]])[delivery["id"]]
    finally:
        platform.close()
    assert passed == [1]
    assert (delivery["status"], delivery["attempts"], delivery["locked_until"]) == (
        "failed",
        1,
        None,
    )
    assert attempt["status_code"] is None
    assert attempt["error"] == (
        "cannot render 'native': LookupError: no renderer is registered for this format"
    )
