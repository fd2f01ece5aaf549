"""Server restarts: `bank-sandbox serve` processes on one SQLite file, stopped while events are
still undelivered. Nothing is lost, and every event keeps its id (at least once, per endpoint)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sandbox.clock import monotonic
from sandbox.testing.receiver import WebhookReceiver
from sandbox.testing.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]
SECRET = "whsec-restart-secret"
ENV = {
    "SANDBOX_WEBHOOK_RETRY_BASE_SECONDS": "0.2",
    "SANDBOX_WEBHOOK_MAX_ATTEMPTS": "50",
    "SANDBOX_WEBHOOK_TIMEOUT_SECONDS": "1",
    "SANDBOX_WEBHOOK_POLL_SECONDS": "0.05",
}


def serve(database: str) -> SandboxServer:
    return SandboxServer(database, env=ENV, cwd=ROOT).wait_ready()


def make_events(server: SandboxServer, receiver: WebhookReceiver) -> tuple[str, set[str]]:
    """A tenant pointed at the receiver, with a connection's events and one fired event."""
    body = {"webhook_url": receiver.url, "webhook_secret": SECRET}
    tenant = httpx.post(f"{server.url}/_sandbox/tenants", json=body).json()["tenant_id"]
    login = {"user_id": "u1", "bank_id": "nordlicht-sparbank", "login": "good"}
    made = httpx.post(f"{server.url}/_sandbox/tenants/{tenant}/bank-logins", json=login)
    assert made.status_code == 201, made.text
    fired = httpx.post(
        f"{server.url}/_sandbox/tenants/{tenant}/webhooks/fire",
        json={"event": "consent.expiring", "bank_login_id": made.json()["id"]},
    )
    assert fired.status_code == 202, fired.text
    return tenant, {d["event_id"] for d in listed(server, tenant)}


def listed(server: SandboxServer, tenant: str) -> list[dict]:
    return httpx.get(f"{server.url}/_sandbox/tenants/{tenant}/webhooks").json()["deliveries"]


def settled(server: SandboxServer, tenant: str, timeout: float = 10.0) -> dict[str, dict]:
    """Every delivery once none is pending, by event id (by its last delivery, for an event
    that went to several endpoints)."""
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        found = listed(server, tenant)
        if all(d["status"] != "pending" for d in found):
            return {d["event_id"]: d for d in found}
    raise TimeoutError(f"events still pending after {timeout} s")


def wait_for_attempts(server: SandboxServer, tenant: str, at_least: int, timeout=10.0) -> None:
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        if all(len(d["attempts"]) >= at_least for d in listed(server, tenant)):
            return
    raise TimeoutError(f"fewer than {at_least} attempts per event within {timeout} s")


def test_a_restart_before_delivery_loses_nothing(tmp_path):
    database = f"sqlite:///{tmp_path / 'state.db'}"
    with WebhookReceiver(fail_next=10_000) as receiver:
        server = serve(database)
        try:
            tenant, event_ids = make_events(server, receiver)
            # user, account found, accounts fetched, account synced, login synced, fired
            assert len(event_ids) == 6
            wait_for_attempts(server, tenant, at_least=2)
        finally:
            server.stop()
        assert {r.event_id for r in receiver.received} == event_ids
        assert receiver.delivered() == []

        receiver.fail_next = 0  # the receiver is back; so is the sandbox
        server = serve(database)
        try:
            receiver.wait_for(lambda r: r.answered == 200, count=len(event_ids))
            after = {d["event_id"]: d for d in listed(server, tenant)}
        finally:
            server.stop()
    delivered = receiver.delivered()
    assert sorted(r.event_id for r in delivered) == sorted(event_ids), "each once, same id"
    for request in delivered:
        request.verify(SECRET)
        assert request.event["id"] == request.event_id
    assert set(after) == event_ids
    assert all(d["status"] == "delivered" for d in after.values())
    assert all(d["attempts"][-1]["status_code"] == 200 for d in after.values())


def test_a_server_killed_mid_delivery_sends_the_event_again_with_its_id(tmp_path):
    database = f"sqlite:///{tmp_path / 'state.db'}"
    # The receiver holds every request far longer than the server lives.
    with WebhookReceiver(delay=30) as receiver:
        server = serve(database)
        try:
            tenant, event_ids = make_events(server, receiver)
            in_flight = receiver.wait_for(count=len(event_ids))
        finally:
            server.process.kill()  # no clean shutdown: the claims stay behind
            server.stop()
        receiver.delay = 0
        started = monotonic()
        server = serve(database)
        try:
            both = receiver.wait_for(count=2 * len(event_ids))
            waited = monotonic() - started
            after = settled(server, tenant)
        finally:
            server.stop()
    assert sorted(r.event_id for r in in_flight) == sorted(event_ids)
    resent = both[len(event_ids) :]
    assert sorted(r.event_id for r in resent) == sorted(event_ids), "again, with the same ids"
    assert [r.body for r in resent] == [
        next(r.body for r in in_flight if r.event_id == again.event_id) for again in resent
    ]
    # The dead process's claims ran out (2 × timeout + 1 s after claiming) before the new
    # process sent the events again.
    assert waited >= 1.0, waited
    assert {d["status"] for d in after.values()} == {"delivered"}


def test_two_endpoints_each_get_every_event_again_with_its_id_after_a_kill(tmp_path):
    database = f"sqlite:///{tmp_path / 'state.db'}"
    with WebhookReceiver(delay=30) as first, WebhookReceiver(delay=30) as second:
        server = serve(database)
        try:
            tenant, event_ids = make_events(server, first)
            path = f"{server.url}/_sandbox/tenants/{tenant}/webhook-endpoints"
            added = httpx.post(path, json={"url": second.url, "secret": "whsec-restart-two"})
            assert added.status_code == 201, added.text
            fired = httpx.post(
                f"{server.url}/_sandbox/tenants/{tenant}/webhooks/fire",
                json={"event": "user.created", "user_id": "u1"},
            )
            event_ids.add(fired.json()["event_id"])
            first.wait_for(count=len(event_ids))
            second.wait_for(count=1)  # only the event emitted after it was added
        finally:
            server.process.kill()
            server.stop()
        first.delay = second.delay = 0
        server = serve(database)
        try:
            again = first.wait_for(count=2 * len(event_ids))[len(event_ids) :]
            both = second.wait_for(count=2)
            settled(server, tenant)
            after = listed(server, tenant)
        finally:
            server.stop()
    assert sorted(r.event_id for r in again) == sorted(event_ids), "again, with the same ids"
    assert [r.event_id for r in both] == [fired.json()["event_id"]] * 2
    assert (
        both[0].body
        == both[1].body
        == next(r.body for r in again if r.event_id == both[0].event_id)
    )
    for request in [*again, *both]:
        request.verify(SECRET if request in again else "whsec-restart-two")
    assert len(after) == len(event_ids) + 1, "the fired event once per endpoint"
    assert {d["status"] for d in after} == {"delivered"}


@pytest.mark.parametrize(
    "reason", ["SANDBOX_WEBHOOK_MAX_ATTEMPTS=0", "SANDBOX_WEBHOOK_TIMEOUT_SECONDS=x"]
)
def test_bad_webhook_settings_stop_the_server_with_a_message(tmp_path, reason):
    name, value = reason.split("=")
    server = SandboxServer(f"sqlite:///{tmp_path / 'state.db'}", env={name: value}, cwd=ROOT)
    assert server.process.wait(timeout=20) == 2
    printed = server.stop()
    assert name in printed and "Traceback" not in printed
