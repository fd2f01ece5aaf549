"""The native webhook format, byte for byte: the envelope README documents as compact JSON in its
key order, and `X-Sandbox-*` headers whose signature is HMAC-SHA256 over `{timestamp}.{body}`;
what a receiver gets is exactly what the control API lists."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import orjson
import pytest

from sandbox.domain.events import Event, EventType, Subjects
from sandbox.domain.webhook_endpoints import Signing
from sandbox.faces.native.webhooks import RENDERER
from sandbox.testing.receiver import WebhookReceiver
from sandbox.webhooks.signing import verify

EVENT = Event(
    id="evt_6f1c0d2a9b3e4f5a6b7c8d9e",
    type=EventType.BANK_LOGIN_SYNCED,
    created_at=datetime(2026, 1, 15, 9, 0, tzinfo=UTC),
    tenant_id="demo",
    subjects=Subjects("customer-42", 1),
    data={
        "user_id": "customer-42",
        "bank_login_id": 1,
        "bank_id": "rheinwert-bank",
        "state": "connected",
        "new_accounts": 1,
        "new_transactions": 83,
        "deleted_accounts": 0,
    },
)
# The body bank-sandbox has always sent for this event (README "Webhooks").
BODY = (
    b'{"id":"evt_6f1c0d2a9b3e4f5a6b7c8d9e","type":"bank_login.synced",'
    b'"created_at":"2026-01-15T09:00:00+00:00","tenant_id":"demo",'
    b'"data":{"user_id":"customer-42","bank_login_id":1,"bank_id":"rheinwert-bank",'
    b'"state":"connected","new_accounts":1,"new_transactions":83,"deleted_accounts":0}}'
)
SECRET = "whsec-native-format"
AT = datetime.fromtimestamp(1767000000.25, UTC)  # the attempt's time: 1767000000 in seconds


@pytest.fixture
def receiver_tenant(client):
    """A tenant whose one native endpoint is a receiver on 127.0.0.1."""
    with WebhookReceiver() as receiver:
        body = {"webhook_url": receiver.url, "webhook_secret": SECRET}
        made = client.post("/_sandbox/tenants", json=body)
        assert made.status_code == 201, made.text
        yield made.json()["tenant_id"], receiver


def test_the_body_is_the_documented_envelope_byte_for_byte():
    assert RENDERER.body(EVENT) == BODY
    assert RENDERER.content_type == "application/json"


def test_the_headers_name_the_event_and_sign_timestamp_dot_body():
    digest = hmac.new(SECRET.encode(), b"1767000000." + BODY, hashlib.sha256).hexdigest()
    signing = Signing(SECRET, "http://127.0.0.1:3000/webhooks", AT, user_token="ut_not.sent")
    assert RENDERER.headers(signing, EVENT, BODY) == {
        "X-Sandbox-Event-Id": "evt_6f1c0d2a9b3e4f5a6b7c8d9e",
        "X-Sandbox-Event-Type": "bank_login.synced",
        "X-Sandbox-Timestamp": "1767000000",
        "X-Sandbox-Signature": f"v1={digest}",
    }
    verify(SECRET, RENDERER.headers(signing, EVENT, BODY), BODY, now=1767000100)


def test_a_received_webhook_is_what_the_control_api_lists(client, receiver_tenant):
    tenant, receiver = receiver_tenant
    body = {"user_id": "u1", "bank_id": "rheinwert-bank", "login": "good"}
    made = client.post(f"/_sandbox/tenants/{tenant}/bank-logins", json=body)
    assert made.status_code == 201, made.text
    # user.created, account.discovered, bank_login.accounts_fetched, account.synced,
    # bank_login.synced: a connection to a bank of one account.
    got = {r.event_id: r for r in receiver.wait_for(count=5)}
    listed = client.get(f"/_sandbox/tenants/{tenant}/webhooks").json()["deliveries"]
    assert sorted(got) == sorted(d["event_id"] for d in listed)
    for delivery in listed:
        received = got[delivery["event_id"]]
        received.verify(SECRET)
        assert received.body == orjson.dumps(delivery["payload"])
        assert received.headers["x-sandbox-event-type"] == delivery["type"]
