"""Delivery to a real HTTP receiver on 127.0.0.1: signed, retried with growing gaps, given up
after the last attempt, and never sent where the tenant did not point."""

from __future__ import annotations

import itertools
import logging
from time import sleep

import orjson
import pytest

from sandbox.clock import monotonic
from sandbox.webhooks.signing import InvalidSignature, verify


def connect(client, tenant, user="u1", login="good", bank="rheinwert-bank") -> dict:
    body = {"user_id": user, "bank_id": bank, "login": login}
    made = client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/bank-logins", json=body)
    assert made.status_code == 201, made.text
    return made.json()


def fire(client, tenant, event: str, **body) -> dict:
    fired = client.post(
        f"/_sandbox/tenants/{tenant['tenant_id']}/webhooks/fire", json={"event": event, **body}
    )
    assert fired.status_code == 202, fired.text
    return fired.json()


def deliveries(client, tenant) -> dict[str, dict]:
    listed = client.get(f"/_sandbox/tenants/{tenant['tenant_id']}/webhooks?limit=500")
    assert listed.status_code == 200, listed.text
    return {d["event_id"]: d for d in listed.json()["deliveries"]}


def wait_until_settled(client, tenant, timeout: float = 10) -> dict[str, dict]:
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        found = deliveries(client, tenant)
        if all(d["status"] != "pending" for d in found.values()):
            return found
    raise TimeoutError(f"still pending: {found}")


def test_a_connection_is_announced_with_signed_webhooks(client, tenant, receiver):
    login = connect(client, tenant)
    got = {r.type: r for r in receiver.wait_for(count=5)}
    # Sent side by side: they may arrive in any order (`created_at` gives theirs).
    assert sorted(got) == [
        "account.discovered",
        "account.synced",
        "bank_login.accounts_fetched",
        "bank_login.synced",
        "user.created",
    ]
    synced = got["bank_login.synced"]
    for request in got.values():
        request.verify(tenant["webhook_secret"])
        assert request.event["id"] == request.event_id
        assert request.event["tenant_id"] == tenant["tenant_id"]
        assert request.headers["content-type"] == "application/json"
        assert request.path == "/webhooks"
    assert got["user.created"].event["data"] == {"user_id": "u1"}
    assert synced.event["data"] == {
        "user_id": "u1",
        "bank_login_id": login["id"],
        "bank_id": "rheinwert-bank",
        "state": "connected",
        "new_accounts": login["new_accounts"],
        "new_transactions": login["new_transactions"],
        "deleted_accounts": 0,
    }
    assert login["new_accounts"] == 1 and login["new_transactions"] > 0
    account = got["account.discovered"].event["data"]["account"]
    assert account["type"] == "checking" and account["disabled"] is False
    listed = wait_until_settled(client, tenant)
    assert {d["status"] for d in listed.values()} == {"delivered"}
    assert [len(d["attempts"]) for d in listed.values()] == [1] * 5


def test_a_wrong_secret_or_a_changed_body_does_not_verify(client, tenant, receiver):
    connect(client, tenant)
    request = receiver.wait_for(lambda r: r.type == "bank_login.synced")[0]
    request.verify(tenant["webhook_secret"])
    with pytest.raises(InvalidSignature):
        request.verify("not-the-secret")
    forged = request.body.replace(b'"connected"', b'"error"')
    with pytest.raises(InvalidSignature):
        verify(tenant["webhook_secret"], request.headers, forged)


def connected_and_delivered(client, tenant, receiver) -> dict:
    """A bank login whose connection webhooks have all arrived, so the next one is alone."""
    login = connect(client, tenant)
    receiver.wait_for(lambda r: r.type == "bank_login.synced")
    wait_until_settled(client, tenant)
    receiver.received.clear()
    return login


def test_a_failing_receiver_gets_retries_with_growing_gaps_then_success(client, tenant, receiver):
    login = connected_and_delivered(client, tenant, receiver)
    receiver.fail_next = 3
    fired = fire(client, tenant, "bank_login.synced", bank_login_id=login["id"])
    arrivals = receiver.wait_for(count=4)
    assert [r.answered for r in arrivals] == [500, 500, 500, 200]
    assert {r.event_id for r in arrivals} == {fired["event_id"]}, "every retry: the same id"
    assert len({r.body for r in arrivals}) == 1, "and the same body"
    for request in arrivals:
        request.verify(tenant["webhook_secret"])
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(arrivals)]
    # Base 0.1 s: gaps of about 0.1, 0.2 and 0.4 s, each longer than the one before.
    assert gaps[0] >= 0.09 and gaps[1] >= 0.18 and gaps[2] >= 0.36, gaps
    assert gaps[0] < gaps[1] < gaps[2], gaps
    delivery = wait_until_settled(client, tenant)[fired["event_id"]]
    assert delivery["status"] == "delivered"
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 500, 200]
    assert [a["error"] for a in delivery["attempts"]] == [None] * 4
    assert delivery["delivered_at"] is not None and delivery["next_attempt_at"] is None


def test_an_event_fails_for_good_after_the_last_attempt(client, tenant, receiver, settings):
    login = connected_and_delivered(client, tenant, receiver)
    receiver.fail_next = 100
    receiver.fail_status = 503
    fired = fire(client, tenant, "consent.expiring", bank_login_id=login["id"])
    delivery = wait_until_settled(client, tenant)[fired["event_id"]]
    assert delivery["status"] == "failed"
    assert delivery["next_attempt_at"] is None and delivery["delivered_at"] is None
    attempts = settings.webhook_max_attempts
    assert [a["status_code"] for a in delivery["attempts"]] == [503] * attempts
    assert len(receiver.received) == attempts


def test_no_answer_within_the_timeout_is_a_failed_attempt(client, tenant, receiver, settings):
    login = connected_and_delivered(client, tenant, receiver)
    receiver.delay = settings.webhook_timeout_seconds + 0.3
    fired = fire(client, tenant, "bank_login.synced", bank_login_id=login["id"])
    receiver.wait_for(count=1, timeout=5)
    receiver.delay = 0
    receiver.wait_for(count=2)
    delivery = wait_until_settled(client, tenant)[fired["event_id"]]
    first = delivery["attempts"][0]
    assert first["status_code"] is None
    assert first["error"] == f"no answer within {settings.webhook_timeout_seconds:g} s"
    assert delivery["status"] == "delivered"
    assert {r.event_id for r in receiver.received} == {fired["event_id"]}


def test_a_refused_connection_is_retried_and_recorded(client):
    # A port nothing listens on: bind one and close it again.
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    body = {"webhook_url": f"http://127.0.0.1:{port}/hook", "webhook_secret": "whsec-closed"}
    tenant = client.post("/_sandbox/tenants", json=body).json()
    connect(client, tenant)
    delivery = next(
        d for d in wait_until_settled(client, tenant).values() if d["type"] == "user.created"
    )
    assert delivery["status"] == "failed"
    assert all(a["status_code"] is None and a["error"] for a in delivery["attempts"])


def test_a_tenant_without_a_webhook_url_records_events_as_skipped(client, receiver):
    tenant = client.post("/_sandbox/tenants", json={}).json()
    assert tenant["webhook_url"] is None
    connect(client, tenant)
    listed = deliveries(client, tenant)
    assert sorted(d["type"] for d in listed.values()) == [
        "account.discovered",
        "account.synced",
        "bank_login.accounts_fetched",
        "bank_login.synced",
        "user.created",
    ]
    assert {d["status"] for d in listed.values()} == {"skipped"}
    assert all(d["attempts"] == [] and d["next_attempt_at"] is None for d in listed.values())
    assert receiver.received == []


def tenant_lines(records: list[logging.LogRecord], tenant: dict) -> list[dict]:
    """The lines about this tenant's attempts among every webhook line captured."""
    lines = [orjson.loads(r.getMessage()) for r in records if r.name == "sandbox.webhooks"]
    return [line for line in lines if line.get("tenant_id") == tenant["tenant_id"]]


def logged_attempts(lines: list[dict]) -> list[tuple]:
    return sorted((line["webhook"], line["attempt"], line["status_code"]) for line in lines)


def recorded_attempts(found: dict[str, dict]) -> list[tuple]:
    return sorted(
        (event_id, number, attempt["status_code"])
        for event_id, delivery in found.items()
        for number, attempt in enumerate(delivery["attempts"], start=1)
    )


def test_each_attempt_is_logged_without_the_url_or_the_secret(client, tenant, receiver, caplog):
    logger = logging.getLogger("sandbox.webhooks")
    saved = logger.propagate, logger.level
    # Captured once, whether or not `serve`'s logging set-up ran in this process before.
    logger.propagate = False
    logger.setLevel(logging.INFO)  # not `.level =`: that would leave a cached answer stale
    logger.addHandler(caplog.handler)
    try:
        receiver.fail_next = 1
        connect(client, tenant)
        recorded = recorded_attempts(wait_until_settled(client, tenant))
        # An outcome is stored a moment before its line is logged: wait for the last line.
        deadline = monotonic() + 5
        while len(tenant_lines(caplog.records, tenant)) < len(recorded):
            assert monotonic() < deadline, "an attempt was not logged"
            sleep(0.01)
    finally:
        logger.removeHandler(caplog.handler)
        logger.propagate = saved[0]
        logger.setLevel(saved[1])
    # The logger is the whole process's: a worker another test left running (a live server's,
    # retrying tenant `demo`) logs into it as well. Only this tenant's lines are counted, but
    # every line captured is checked for the URL and the secret.
    lines = tenant_lines(caplog.records, tenant)
    outcomes = [line["outcome"] for line in lines]
    # One line per attempt: the failed first try and five deliveries (a busy machine may add a
    # retry after a slow answer timed out, never a delivery).
    assert outcomes.count("delivered") == 5 and outcomes.count("retry") >= 1
    assert set(outcomes) == {"delivered", "retry"}
    assert logged_attempts(lines) == recorded
    assert receiver.url not in caplog.text and tenant["webhook_secret"] not in caplog.text


def test_a_webhook_host_that_resolves_to_a_metadata_address_is_not_posted_to(client, monkeypatch):
    """DNS may point a harmless-looking name at the cloud's metadata service: the address is
    checked after resolving, and the attempt recorded as failed, saying why."""
    import socket

    resolve = socket.getaddrinfo

    def rebinding_dns(host, port, *args, **kwargs):
        if host == "hooks.rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))]
        return resolve(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    body = {"webhook_url": "http://hooks.rebind.test/hook", "webhook_secret": "whsec-rebind"}
    made = client.post("/_sandbox/tenants", json=body)
    assert made.status_code == 201, made.text
    tenant = made.json()
    connect(client, tenant)
    delivery = next(
        d for d in wait_until_settled(client, tenant).values() if d["type"] == "user.created"
    )
    assert delivery["status"] == "failed"
    assert delivery["attempts"]
    for attempt in delivery["attempts"]:
        assert attempt["status_code"] is None
        assert attempt["error"] == (
            "LinkLocalRefused: hooks.rebind.test resolves to the link-local address "
            "169.254.169.254; set SANDBOX_WEBHOOK_ALLOW_LINK_LOCAL=1 to allow it"
        )
