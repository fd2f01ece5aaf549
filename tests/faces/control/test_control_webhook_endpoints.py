"""Control API: a tenant's webhook endpoints listed, added and deleted, each tenant seeing only
its own; bad endpoints refused naming the field; the deliveries listing names the endpoint."""

from __future__ import annotations

import pytest

from sandbox.subscriptions import EVENT_TYPES

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
HOOK = "http://127.0.0.1:9/hook"


def new_tenant(client, **body) -> dict:
    made = client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN, **body})
    assert made.status_code == 201, made.text
    return made.json()


def endpoints_url(tenant: dict) -> str:
    return f"/_sandbox/tenants/{tenant['tenant_id']}/webhook-endpoints"


def endpoints(client, tenant: dict) -> list[dict]:
    listed = client.get(endpoints_url(tenant))
    assert listed.status_code == 200, listed.text
    return listed.json()["endpoints"]


def add(client, tenant: dict, **body):
    return client.post(endpoints_url(tenant), json={"url": HOOK, **body})


def connect(client, tenant: dict) -> None:
    body = {"user_id": "alice", "bank_id": "rheinwert-bank", "login": "good"}
    made = client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/bank-logins", json=body)
    assert made.status_code == 201, made.text


def deliveries(client, tenant: dict) -> list[dict]:
    listed = client.get(f"/_sandbox/tenants/{tenant['tenant_id']}/webhooks")
    assert listed.status_code == 200, listed.text
    return listed.json()["deliveries"]


def test_a_tenant_created_with_a_webhook_url_has_one_native_endpoint_for_every_event(client):
    tenant = new_tenant(client, webhook_url=HOOK, webhook_secret="whsec-created")
    (endpoint,) = endpoints(client, tenant)
    assert set(endpoint) == {"id", "url", "format", "events", "secret", "created_at"}
    assert (endpoint["url"], endpoint["format"], endpoint["events"]) == (HOOK, "native", None)
    assert endpoint["secret"] == "whsec-created"
    assert tenant["webhook_url"] == HOOK
    assert endpoints(client, new_tenant(client)) == []


def test_endpoints_are_added_listed_and_deleted(client):
    tenant = new_tenant(client)
    made = add(client, tenant, events=["bank_login.synced", "consent.expired"])
    assert made.status_code == 201, made.text
    endpoint = made.json()
    assert endpoint["format"] == "native"
    assert endpoint["events"] == ["bank_login.synced", "consent.expired"]
    assert len(endpoint["secret"]) >= 16, "a secret is generated when none is given"
    chosen = add(client, tenant, url="https://hooks.example/2", secret="whsec-chosen").json()
    assert chosen["secret"] == "whsec-chosen" and chosen["events"] is None
    assert endpoints(client, tenant) == [endpoint, chosen]
    # The tenant's `webhook_url` is its oldest endpoint's.
    assert client.get(f"/_sandbox/tenants/{tenant['tenant_id']}").json()["webhook_url"] == HOOK

    gone = client.delete(f"{endpoints_url(tenant)}/{endpoint['id']}")
    assert gone.status_code == 204 and gone.content == b""
    assert endpoints(client, tenant) == [chosen]
    again = client.delete(f"{endpoints_url(tenant)}/{endpoint['id']}")
    assert again.status_code == 404
    assert again.json()["error"]["details"] == {"endpoint_id": endpoint["id"]}


def test_a_tenant_sees_and_deletes_only_its_own_endpoints(client):
    one, other = new_tenant(client), new_tenant(client)
    mine = add(client, one).json()
    assert endpoints(client, other) == []
    refused = client.delete(f"{endpoints_url(other)}/{mine['id']}")
    assert refused.status_code == 404
    assert endpoints(client, one) == [mine]
    connect(client, other)
    assert {d["status"] for d in deliveries(client, other)} == {"skipped"}


@pytest.mark.parametrize("endpoint_id", ["x", "0", "01", "9" * 19, "²"])
def test_an_endpoint_id_that_names_nothing_is_a_404(client, endpoint_id):
    tenant = new_tenant(client)
    assert client.delete(f"{endpoints_url(tenant)}/{endpoint_id}").status_code == 404


def test_an_unknown_tenant_has_no_endpoints(client):
    assert client.get("/_sandbox/tenants/nobody/webhook-endpoints").status_code == 404
    assert (
        client.post("/_sandbox/tenants/nobody/webhook-endpoints", json={"url": HOOK}).status_code
        == 404
    )
    assert client.delete("/_sandbox/tenants/nobody/webhook-endpoints/1").status_code == 404


def test_an_unknown_format_is_a_422_naming_it_and_the_known_ones(client):
    tenant = new_tenant(client)
    refused = add(client, tenant, format="stripe")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "unknown_format"
    assert error["details"] == [
        {"field": "format", "message": "unknown format", "known": ["native", "powens"]}
    ]
    assert endpoints(client, tenant) == []


def test_an_unknown_event_is_a_422_naming_the_field_and_the_known_events(client):
    tenant = new_tenant(client)
    refused = add(client, tenant, events=["bank_login.synced", "connection.synced"])
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "unknown_event"
    assert error["details"][0]["field"] == "events"
    assert error["details"][0]["known"] == list(EVENT_TYPES)
    assert "connection.synced" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://hooks.example/x"}, "url"),
        ({"url": "http://169.254.169.254/latest"}, "url"),
        ({"url": "http://hooks.example/\x00"}, "url"),
        ({"url": HOOK, "secret": "short"}, "secret"),
        ({"url": HOOK, "events": []}, "events"),
        ({"url": HOOK, "events": "bank_login.synced"}, "events"),
        ({"url": HOOK, "filter": ["x"]}, "filter"),
        ({"url": HOOK, "format": None}, "(body)"),
        ({}, "url"),
    ],
)
def test_a_bad_endpoint_body_is_a_422_naming_the_field(client, body, field):
    tenant = new_tenant(client)
    refused = client.post(endpoints_url(tenant), json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["details"][0]["field"] == field


def test_a_tenant_has_at_most_ten_endpoints(client):
    tenant = new_tenant(client, webhook_url=HOOK)
    for n in range(9):
        assert add(client, tenant, url=f"http://127.0.0.1:9/{n}").status_code == 201
    refused = add(client, tenant)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "too_many_webhook_endpoints"
    assert refused.json()["error"]["details"] == {"limit": 10}


def test_a_reset_keeps_the_endpoint_the_tenant_was_created_with(client):
    tenant = new_tenant(client, webhook_url=HOOK)
    declared = endpoints(client, tenant)
    add(client, tenant, url="http://127.0.0.1:9/added")
    reset = client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/reset")
    assert reset.status_code == 200 and reset.json()["webhook_url"] == HOOK
    assert endpoints(client, tenant) == declared


def test_each_event_is_listed_once_per_endpoint_that_takes_it(client):
    tenant = new_tenant(client, webhook_url=HOOK)
    (every,) = endpoints(client, tenant)
    syncs = add(client, tenant, url="http://127.0.0.1:9/syncs", events=["bank_login.synced"])
    connect(client, tenant)
    listed = [(d["type"], d["endpoint_id"]) for d in deliveries(client, tenant)]
    assert listed == [
        ("bank_login.synced", every["id"]),
        ("bank_login.synced", syncs.json()["id"]),
        ("account.synced", every["id"]),
        ("bank_login.accounts_fetched", every["id"]),
        ("account.discovered", every["id"]),
        ("user.created", every["id"]),
    ]
    first, second = deliveries(client, tenant)[:2]
    assert first["event_id"] == second["event_id"] and first["payload"] == second["payload"]
    # A page holds `limit` events, each with all its deliveries.
    paged = client.get(f"/_sandbox/tenants/{tenant['tenant_id']}/webhooks?limit=1").json()
    assert [d["event_id"] for d in paged["deliveries"]] == [first["event_id"]] * 2
    assert paged["next_cursor"] is not None


def test_firing_answers_with_the_delivery_to_the_oldest_endpoint_that_takes_it(client):
    tenant = new_tenant(client, webhook_url=HOOK)
    syncs = add(client, tenant, url="http://127.0.0.1:9/syncs", events=["user.created"]).json()
    (every, _) = endpoints(client, tenant)
    connect(client, tenant)
    path = f"/_sandbox/tenants/{tenant['tenant_id']}/webhooks/fire"
    fired = client.post(path, json={"event": "user.created", "user_id": "alice"})
    assert fired.status_code == 202
    assert (fired.json()["endpoint_id"], fired.json()["status"]) == (every["id"], "pending")
    listed = [
        d["endpoint_id"]
        for d in deliveries(client, tenant)
        if d["event_id"] == fired.json()["event_id"]
    ]
    assert listed == [every["id"], syncs["id"]]
