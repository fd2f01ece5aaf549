"""Control API: listing a tenant's webhook deliveries and firing events on demand; consent
notices as the clock moves."""

from __future__ import annotations

import base64

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.domain.events import EVENT_TYPES

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(client) -> str:
    """A tenant without a webhook URL: events are recorded (`skipped`) and never sent."""
    return client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN}).json()["tenant_id"]


@pytest.fixture
def login(client, tenant) -> dict:
    body = {"user_id": "alice", "bank_id": "rheinwert-bank", "login": "good"}
    made = client.post(f"/_sandbox/tenants/{tenant}/bank-logins", json=body)
    assert made.status_code == 201, made.text
    return made.json()


def listed(client, tenant, query: str = "") -> list[dict]:
    response = client.get(f"/_sandbox/tenants/{tenant}/webhooks{query}")
    assert response.status_code == 200, response.text
    return response.json()["deliveries"]


def fire(client, tenant, **body):
    return client.post(f"/_sandbox/tenants/{tenant}/webhooks/fire", json=body)


def page(client, tenant, **query) -> dict:
    response = client.get(f"/_sandbox/tenants/{tenant}/webhooks", params=query)
    assert response.status_code == 200, response.text
    return response.json()


def event_ids(deliveries: list[dict]) -> list[str]:
    return [delivery["event_id"] for delivery in deliveries]


def test_deliveries_are_listed_newest_first_with_their_payload(client, tenant, login):
    found = listed(client, tenant)
    assert [d["type"] for d in found] == [
        "bank_login.synced",
        "account.synced",
        "bank_login.accounts_fetched",
        "account.discovered",
        "user.created",
    ]
    synced = found[0]
    assert set(synced) == {
        "event_id",
        "type",
        "endpoint_id",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
        "next_attempt_at",
        "payload",
    }
    assert synced["status"] == "skipped" and synced["attempts"] == []
    assert synced["endpoint_id"] is None  # no endpoint took it
    assert synced["created_at"] == "2026-01-15T09:00:00+00:00"
    assert synced["payload"]["id"] == synced["event_id"]
    assert synced["payload"]["data"]["new_transactions"] == login["new_transactions"]


def test_the_listing_takes_a_limit(client, tenant, login):
    assert [d["type"] for d in listed(client, tenant, "?limit=1")] == ["bank_login.synced"]
    for bad in ("0", "501", "x", "²", "-1"):
        response = client.get(f"/_sandbox/tenants/{tenant}/webhooks?limit={bad}")
        assert response.status_code == 400, bad
        assert response.json()["error"]["details"]["parameter"] == "limit"


def test_the_listing_pages_with_next_cursor_to_the_last_event(client, tenant, login):
    for _ in range(4):
        assert fire(client, tenant, event="user.created", user_id="alice").status_code == 202
    everything = event_ids(listed(client, tenant, "?limit=500"))
    assert len(everything) == 9
    first = page(client, tenant, limit=4)
    assert event_ids(first["deliveries"]) == everything[:4] and first["next_cursor"]
    second = page(client, tenant, limit=4, cursor=first["next_cursor"])
    assert event_ids(second["deliveries"]) == everything[4:8] and second["next_cursor"]
    last = page(client, tenant, limit=4, cursor=second["next_cursor"])
    assert event_ids(last["deliveries"]) == everything[8:]
    assert last["next_cursor"] is None


def test_a_page_holding_the_oldest_event_has_no_next_cursor(client, tenant, login):
    assert page(client, tenant, limit=5)["next_cursor"] is None
    assert page(client, tenant)["next_cursor"] is None


def _cursor(value: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not-a-cursor",
        "x" * 201,
        _cursor(["users", 1]),  # another listing's cursor
        _cursor(["webhooks", 0]),
        _cursor(["webhooks", "5"]),
        _cursor(["webhooks", 2**63]),
        _cursor({"webhooks": 1}),
    ],
)
def test_a_cursor_the_listing_did_not_give_out_is_a_400(client, tenant, login, cursor):
    response = client.get(f"/_sandbox/tenants/{tenant}/webhooks", params={"cursor": cursor})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_cursor"
    assert error["details"]["parameter"] == "cursor"


FROZEN_TENANT = {"scenario_yaml": FROZEN}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    before=st.integers(min_value=0, max_value=8),
    limit=st.integers(min_value=1, max_value=4),
    arriving=st.lists(st.integers(min_value=0, max_value=3), max_size=8),
)
def test_pages_neither_repeat_nor_skip_an_event_while_new_ones_arrive(
    client, before, limit, arriving
):
    """Page newest first while events are emitted between pages: the pages together are
    exactly the events there were when paging began, each once, in order."""
    tenant = client.post("/_sandbox/tenants", json=FROZEN_TENANT).json()["tenant_id"]
    body = {"user_id": "alice", "bank_id": "rheinwert-bank", "login": "good"}
    assert client.post(f"/_sandbox/tenants/{tenant}/bank-logins", json=body).status_code == 201
    for _ in range(before):
        fire(client, tenant, event="user.created", user_id="alice")
    when_paging_began = event_ids(listed(client, tenant, "?limit=500"))
    seen: list[str] = []
    answer = page(client, tenant, limit=limit)
    for turn in range(len(when_paging_began)):
        seen += event_ids(answer["deliveries"])
        if answer["next_cursor"] is None:
            break
        for _ in range(arriving[turn] if turn < len(arriving) else 0):
            fire(client, tenant, event="user.created", user_id="alice")
        answer = page(client, tenant, limit=limit, cursor=answer["next_cursor"])
    assert seen == when_paging_began
    assert answer["next_cursor"] is None


def test_listing_an_unknown_tenant_is_404(client):
    assert client.get("/_sandbox/tenants/nobody/webhooks").status_code == 404
    assert fire(client, "nobody", event="user.created", user_id="u").status_code == 404


@pytest.mark.parametrize("event", [e for e in EVENT_TYPES if not e.startswith("user.")])
def test_any_bank_login_event_can_be_fired(client, tenant, login, event):
    fired = fire(client, tenant, event=event, bank_login_id=login["id"])
    assert fired.status_code == 202, fired.text
    delivery = fired.json()
    assert delivery["type"] == event and delivery["status"] == "skipped"
    data = delivery["payload"]["data"]
    assert (data["user_id"], data["bank_login_id"], data["bank_id"]) == (
        "alice",
        login["id"],
        "rheinwert-bank",
    )
    assert listed(client, tenant)[0]["event_id"] == delivery["event_id"]


def test_fired_events_look_like_real_ones(client, tenant, login):
    real = {d["type"]: d["payload"]["data"] for d in listed(client, tenant)}
    for event in ("account.discovered", "bank_login.synced"):
        fired = fire(client, tenant, event=event, bank_login_id=login["id"]).json()
        assert set(fired["payload"]["data"]) == set(real[event])
    discovered = fire(client, tenant, event="account.discovered", bank_login_id=login["id"])
    assert discovered.json()["payload"]["data"] == real["account.discovered"]
    failed = fire(client, tenant, event="bank_login.sync_failed", bank_login_id=login["id"])
    assert failed.json()["payload"]["data"]["state"] == "error"
    expired = fire(client, tenant, event="consent.expired", bank_login_id=login["id"])
    assert expired.json()["payload"]["data"]["state"] == "sca_required"
    assert (
        expired.json()["payload"]["data"]["consent"]["expires_at"] == login["consent"]["expires_at"]
    )


@pytest.mark.parametrize("event", ["user.created", "user.deleted"])
def test_a_user_event_is_fired_for_a_user_or_a_bank_logins_user(client, tenant, login, event):
    by_user = fire(client, tenant, event=event, user_id="alice")
    by_login = fire(client, tenant, event=event, bank_login_id=login["id"])
    assert by_user.status_code == by_login.status_code == 202
    assert (
        by_user.json()["payload"]["data"]
        == by_login.json()["payload"]["data"]
        == {"user_id": "alice"}
    )
    assert fire(client, tenant, event=event, user_id="nobody").status_code == 404
    neither = fire(client, tenant, event=event)
    assert neither.status_code == 422
    assert f"`{event}` is about a user" in neither.json()["error"]["message"]
    # A fired deletion deletes nothing: the user's bank login still syncs.
    assert client.post(f"/_sandbox/tenants/{tenant}/bank-logins/{login['id']}/sync").is_success


def test_firing_needs_an_existing_bank_login(client, tenant, login):
    missing = fire(client, tenant, event="bank_login.synced", bank_login_id=login["id"] + 100)
    assert missing.status_code == 404
    assert missing.json()["error"]["details"] == {"bank_login_id": login["id"] + 100}
    unnamed = fire(client, tenant, event="bank_login.synced")
    assert unnamed.status_code == 422
    assert unnamed.json()["error"]["details"][0]["field"] == "bank_login_id"


def test_an_unknown_event_is_refused_listing_the_known_ones(client, tenant):
    response = fire(client, tenant, event="connection.synced", bank_login_id=1)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_event"
    assert error["details"][0]["known"] == list(EVENT_TYPES)
    assert "bank_login.synced" in error["message"]


@pytest.mark.parametrize(
    "body",
    [{}, {"event": 7}, {"event": "user.created", "bank_login_id": "1"}, {"event": "x", "extra": 1}],
)
def test_bad_fire_bodies_name_the_field(client, tenant, body):
    response = client.post(f"/_sandbox/tenants/{tenant}/webhooks/fire", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["details"]


def test_consent_notices_appear_once_as_the_clock_moves(client, tenant, login):
    def consent_events() -> list[str]:
        return [d["type"] for d in listed(client, tenant) if d["type"].startswith("consent.")]

    clock = f"/_sandbox/tenants/{tenant}/clock"
    assert client.post(clock, json={"advance": "P172D"}).status_code == 200
    assert consent_events() == []
    client.post(clock, json={"advance": "P3D"})  # 175 days: 5 left
    assert consent_events() == ["consent.expiring"]
    client.post(clock, json={"advance": "P1D"})
    assert consent_events() == ["consent.expiring"]
    client.post(clock, json={"advance": "P6D"})  # 181 days: over
    assert consent_events() == ["consent.expired", "consent.expiring"]
    client.post(clock, json={"advance": "P30D"})
    assert consent_events() == ["consent.expired", "consent.expiring"]
    expired = listed(client, tenant)[0]["payload"]
    assert expired["data"]["bank_login_id"] == login["id"]
    assert expired["data"]["state"] == "sca_required"
