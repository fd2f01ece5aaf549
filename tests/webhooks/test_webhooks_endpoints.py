"""Several webhook endpoints per tenant, each a real HTTP receiver on 127.0.0.1: each gets the
events its filter takes, with the same event id and body as the others, signed with its own
secret; a deleted endpoint gets nothing more."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from time import sleep

import pytest

from sandbox.clock import monotonic
from sandbox.settings import Settings
from sandbox.testing.receiver import WebhookReceiver
from sandbox.webhooks.signing import InvalidSignature

# What a connection to a bank of one account announces, by name.
CONNECTION = [
    "account.discovered",
    "account.synced",
    "bank_login.accounts_fetched",
    "bank_login.synced",
    "user.created",
]


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """Fast retries, and enough of them that a failing endpoint is still retrying when a test
    deletes it."""
    return make_settings(webhook_max_attempts=50)


@pytest.fixture
def second() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


def add_endpoint(client, tenant: dict, url: str, **body) -> dict:
    path = f"/_sandbox/tenants/{tenant['tenant_id']}/webhook-endpoints"
    made = client.post(path, json={"url": url, **body})
    assert made.status_code == 201, made.text
    return made.json()


def connect(client, tenant: dict) -> dict:
    body = {"user_id": "u1", "bank_id": "rheinwert-bank", "login": "good"}
    made = client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/bank-logins", json=body)
    assert made.status_code == 201, made.text
    return made.json()


def listed(client, tenant: dict) -> list[dict]:
    answer = client.get(f"/_sandbox/tenants/{tenant['tenant_id']}/webhooks?limit=500")
    assert answer.status_code == 200, answer.text
    return answer.json()["deliveries"]


def settled(client, tenant: dict, timeout: float = 10) -> list[dict]:
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        found = listed(client, tenant)
        if all(d["status"] != "pending" for d in found):
            return found
    raise TimeoutError(f"still pending: {found}")


def test_two_endpoints_with_different_filters_get_their_events_with_one_id(
    client, tenant, receiver, second
):
    syncs = add_endpoint(
        client, tenant, second.url, secret="whsec-second", events=["bank_login.synced"]
    )
    connect(client, tenant)
    every = {r.type: r for r in receiver.wait_for(count=len(CONNECTION))}
    (synced,) = second.wait_for(lambda r: r.type == "bank_login.synced")
    assert sorted(every) == CONNECTION
    assert synced.event_id == every["bank_login.synced"].event_id
    assert synced.body == every["bank_login.synced"].body
    synced.verify("whsec-second")
    every["bank_login.synced"].verify(tenant["webhook_secret"])
    with pytest.raises(InvalidSignature):
        synced.verify(tenant["webhook_secret"])
    found = settled(client, tenant)
    assert sorted((d["type"], d["endpoint_id"] == syncs["id"]) for d in found) == sorted(
        [(name, False) for name in CONNECTION] + [("bank_login.synced", True)]
    )
    assert {d["status"] for d in found} == {"delivered"}
    assert [r.type for r in second.received] == ["bank_login.synced"], "nothing it did not ask for"


def test_one_endpoints_failures_do_not_hold_back_another(client, tenant, receiver, second):
    receiver.fail_next = 2
    add_endpoint(client, tenant, second.url, secret="whsec-second")
    connect(client, tenant)
    second.wait_for(count=len(CONNECTION))
    receiver.wait_for(lambda r: r.answered == 200, count=len(CONNECTION))
    by_endpoint: dict[int, list[int]] = {}
    for delivery in settled(client, tenant):
        by_endpoint.setdefault(delivery["endpoint_id"], []).append(len(delivery["attempts"]))
    first, added = sorted(by_endpoint)
    assert sum(by_endpoint[first]) == len(CONNECTION) + 2
    assert by_endpoint[added] == [1] * len(CONNECTION)


def test_a_deleted_endpoint_gets_nothing_more(client, tenant, receiver, second):
    """Its pending deliveries are dropped: no retry and no new event reaches it, while the
    endpoint that stays gets both."""
    receiver.fail_next = 10_000
    kept = add_endpoint(client, tenant, second.url, secret="whsec-second")
    connect(client, tenant)
    # Each event failed once, and is waiting for its retry.
    receiver.wait_for(count=len(CONNECTION))
    second.wait_for(count=len(CONNECTION))
    (gone,) = [e for e in client.get(f"/_sandbox/tenants/{tenant['tenant_id']}/webhook-endpoints").json()["endpoints"] if e["id"] != kept["id"]]  # fmt: skip
    path = f"/_sandbox/tenants/{tenant['tenant_id']}/webhook-endpoints/{gone['id']}"
    assert client.delete(path).status_code == 204
    arrived = len(receiver.received)
    fired = client.post(
        f"/_sandbox/tenants/{tenant['tenant_id']}/webhooks/fire",
        json={"event": "user.created", "user_id": "u1"},
    )
    assert fired.status_code == 202 and fired.json()["endpoint_id"] == kept["id"]
    second.wait_for(lambda r: r.event_id == fired.json()["event_id"])
    sleep(1.0)  # longer than the dropped deliveries' next retries would have waited
    # Attempts claimed before the endpoint went may still be on their way (one each at most).
    assert len(receiver.received) <= arrived + len(CONNECTION)
    assert fired.json()["event_id"] not in {r.event_id for r in receiver.received}
    found = settled(client, tenant)
    assert {d["endpoint_id"] for d in found} == {kept["id"]}
    assert {d["status"] for d in found} == {"delivered"}
