"""Powens' webhooks at a real HTTP receiver, written the way an integrator's webhook handler
checks them: a tenant with a `powens` endpoint, a user from `/auth/init`, a connection made
through Powens' API, then the bodies Powens documents (each with an integer
`id_webhook_data`), valid against Powens' own schemas for the objects they carry, authenticated
with the user's token or signed with the domain's HMAC key by Powens' formula."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import orjson
import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.clock import monotonic
from sandbox.domain.platform import Platform
from sandbox.faces.powens.ids import NAMESPACE
from sandbox.faces.powens.webhooks import PowensWebhooks
from sandbox.scenario import load_scenario_text
from sandbox.settings import Settings
from sandbox.testing.receiver import Received, WebhookReceiver

EMBEDDED = str(uuid.uuid5(NAMESPACE, "rheinwert-bank"))
# Each neutral event's Powens name (the endpoint tells them apart by `X-Sandbox-Event-Type`).
POWENS = {
    "user.created": "USER_CREATED",
    "user.deleted": "USER_DELETED",
    "bank_login.synced": "CONNECTION_SYNCED",
    "bank_login.sync_failed": "CONNECTION_SYNCED",
    "bank_login.accounts_fetched": "ACCOUNTS_FETCHED",
    "bank_login.deleted": "CONNECTION_DELETED",
    "account.discovered": "ACCOUNT_FOUND",
    "account.synced": "ACCOUNT_SYNCED",
    "account.enabled": "ACCOUNT_ENABLED",
    "account.disabled": "ACCOUNT_DISABLED",
}
SIGNATURE_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


@pytest.fixture
def settings() -> Settings:
    """Fast retries: a failed attempt is tried again within a fraction of a second."""
    return Settings(
        database_url="sqlite:///:memory:",
        allowed_hosts=("testserver",),
        webhook_retry_base_seconds=0.1,
        webhook_max_attempts=4,
        webhook_timeout_seconds=2.0,
        webhook_poll_seconds=0.02,
    )


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


class Domain:
    """A fresh tenant (a Powens domain) whose one webhook endpoint is a `powens` one."""

    def __init__(self, client, receiver: WebhookReceiver) -> None:
        self.client, self.receiver = client, receiver
        made = client.post("/_sandbox/tenants", json={})
        assert made.status_code == 201, made.text
        self.id = made.json()["tenant_id"]
        self.keys = made.json()["powens"]
        self.base = f"/powens/{self.id}/2.0"
        self.config = {"Authorization": f"Bearer {self.keys['config_token']}"}
        endpoint = client.post(
            f"/_sandbox/tenants/{self.id}/webhook-endpoints",
            json={"url": receiver.url, "format": "powens"},
        )
        assert endpoint.status_code == 201, endpoint.text

    def user(self) -> User:
        keys = {"client_id": self.keys["client_id"], "client_secret": self.keys["client_secret"]}
        answer = self.client.post(f"{self.base}/auth/init", json=keys)
        assert answer.status_code == 200, answer.text
        return User(self, answer.json()["auth_token"], answer.json()["id_user"])

    def events(self, count: int, **match) -> list[Received]:
        """The first `count` webhooks received, in Powens' order (`id_webhook_data`)."""
        found = self.receiver.wait_for(count=count, **match)
        return sorted(found, key=lambda r: r.event["id_webhook_data"])

    def listed(self) -> list[dict]:
        answer = self.client.get(f"/_sandbox/tenants/{self.id}/webhooks?limit=500")
        return answer.json()["deliveries"]


class User:
    def __init__(self, domain: Domain, token: str, id_user: int) -> None:
        self.domain, self.token, self.id = domain, token, id_user
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, **kwargs):
        return self.domain.client.request(
            method, f"{self.domain.base}{path}", headers=self.headers, **kwargs
        )

    def connect(self, login: str = "good") -> dict:
        """An embedded connection: credentials, then the code."""
        body = {"connector_uuid": EMBEDDED, "login": login, "password": "pass"}
        made = self.call("POST", "/users/me/connections", json=body)
        assert made.json()["state"] == "additionalInformationNeeded", made.text
        done = self.call(
            "POST", f"/users/me/connections/{made.json()['id']}", json={"otp": "123456"}
        )
        assert done.json()["state"] is None, done.text
        return done.json()

    def enable(self, account_id: int, disabled: bool = False) -> dict:
        answer = self.call(
            "POST", f"/users/me/accounts/{account_id}?all", json={"disabled": disabled}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture
def domain(client, receiver) -> Domain:
    return Domain(client, receiver)


def kind(received: Received) -> str:
    return POWENS[received.type]


def problems(powens_contract, file: str, name: str, document) -> list[str]:
    spec = powens_contract.spec
    return spec.problems(spec.component(file, name), document)


def assert_valid_connection(powens_contract, connection: dict) -> None:
    """The connection, its connector, sources, accounts and their transactions, each against
    Powens' schema for it."""
    assert problems(powens_contract, "connections.yml", "Connection", connection) == []
    assert problems(powens_contract, "connectors.yml", "Connector", connection["connector"]) == []
    for account in connection["accounts"]:
        assert_valid_account(powens_contract, account)


def assert_valid_account(powens_contract, account: dict) -> None:
    assert problems(powens_contract, "bank-accounts.yml", "BankAccount", account) == []
    for transaction in account.get("transactions", []):
        assert problems(powens_contract, "bank-transactions.yml", "Transaction", transaction) == []


def test_a_connection_made_through_the_api_is_announced_in_powens_words_and_order(
    domain, powens_contract
):
    user = domain.user()
    connection = user.connect()
    first = domain.events(4)
    assert [kind(r) for r in first] == [
        "USER_CREATED",
        "ACCOUNT_FOUND",  # arrives disabled: made through the API, the user has not shared it
        "ACCOUNTS_FETCHED",
        "CONNECTION_SYNCED",
    ]
    created, found, fetched, synced = (r.event for r in first)
    assert created == {
        "id": user.id,
        "signin": created["signin"],
        "id_webhook_data": created["id_webhook_data"],
    }
    assert problems(powens_contract, "users.yml", "User", created) == []
    assert found["id_connection"] == connection["id"] and found["disabled"] is not None
    assert_valid_account(powens_contract, found)
    for body in (fetched, synced):
        assert set(body) == {"user", "connection", "id_webhook_data"}
        assert body["user"]["id"] == user.id
        assert body["connection"]["id"] == connection["id"]
        assert body["connection"]["connector"]["uuid"] == EMBEDDED
        assert [s["name"] for s in body["connection"]["sources"]] == ["openapi", "directaccess"][
            : len(body["connection"]["sources"])
        ]
        assert [a["id"] for a in body["connection"]["accounts"]] == [found["id"]]
        assert_valid_connection(powens_contract, body["connection"])
    assert synced["connection"]["state"] is None
    assert synced["connection"]["accounts"][0]["transactions"] == []  # not shared: nothing
    numbers = [r.event["id_webhook_data"] for r in first]
    assert all(isinstance(n, int) for n in numbers) and len(set(numbers)) == 4
    for received in first:
        assert received.headers["authorization"] == f"Bearer {user.token}"
        assert received.headers["content-type"] == "application/json"
        assert "bi-signature" not in received.headers


def test_sharing_an_account_and_a_sync_bring_its_transactions(domain, powens_contract):
    user = domain.user()
    connection = user.connect()
    domain.events(4)
    (account,) = user.call("GET", "/users/me/accounts?all").json()["accounts"]
    user.enable(account["id"])
    enabled, account_synced = domain.events(6)[4:]
    assert (kind(enabled), kind(account_synced)) == ("ACCOUNT_ENABLED", "ACCOUNT_SYNCED")
    assert enabled.event["id"] == account["id"] and enabled.event["disabled"] is None
    assert_valid_account(powens_contract, enabled.event)
    history = account_synced.event["transactions"]
    assert len(history) > 0 and account_synced.event["investments"] == []
    assert_valid_account(powens_contract, account_synced.event)
    listed = user.call("GET", f"/users/me/accounts/{account['id']}/transactions?limit=1000")
    assert sorted(t["id"] for t in history) == sorted(
        t["id"] for t in listed.json()["transactions"]
    )
    # Days later, a sync: the list of accounts, each account's new transactions, the end.
    domain.client.post(f"/_sandbox/tenants/{domain.id}/clock", json={"advance": "P3D"})
    synced = user.call("PUT", f"/users/me/connections/{connection['id']}")
    assert synced.status_code == 200, synced.text
    fetched, again, connection_synced = domain.events(9)[6:]
    assert [kind(r) for r in (fetched, again, connection_synced)] == [
        "ACCOUNTS_FETCHED",
        "ACCOUNT_SYNCED",
        "CONNECTION_SYNCED",
    ]
    new = again.event["transactions"]
    assert 0 < len(new) < len(history)
    assert {t["id"] for t in new}.isdisjoint(t["id"] for t in history)
    (with_new,) = connection_synced.event["connection"]["accounts"]
    assert with_new["transactions"] == new
    assert_valid_connection(powens_contract, connection_synced.event["connection"])


def test_a_sync_the_bank_refuses_is_announced_with_the_connections_state(domain, powens_contract):
    user = domain.user()
    connection = user.connect(login="bank-down-on-sync-2")
    domain.events(4)
    answer = user.call(
        "PUT", f"/users/me/connections/{connection['id']}", params={"psu_requested": "false"}
    )
    assert answer.json()["state"] == "websiteUnavailable"
    (refused,) = domain.events(5)[4:]
    assert kind(refused) == "CONNECTION_SYNCED"
    assert refused.event["connection"]["state"] == "websiteUnavailable"
    assert refused.event["connection"]["error"] == "websiteUnavailable"
    assert refused.event["connection"]["next_try"] is not None
    assert_valid_connection(powens_contract, refused.event["connection"])


def test_deleting_a_connection_and_the_user_announces_both_with_the_users_token(
    domain, powens_contract
):
    user = domain.user()
    connection = user.connect()
    domain.events(4)
    assert user.call("DELETE", f"/users/me/connections/{connection['id']}").status_code == 204
    assert user.call("DELETE", "/users/me").status_code == 204
    deleted_connection, deleted_user = domain.events(6)[4:]
    assert kind(deleted_connection) == "CONNECTION_DELETED"
    assert deleted_connection.event["id"] == connection["id"]
    assert deleted_connection.event["connector"]["uuid"] == EMBEDDED
    assert (
        problems(powens_contract, "connections.yml", "Connection", deleted_connection.event) == []
    )
    assert kind(deleted_user) == "USER_DELETED"
    assert deleted_user.event["id"] == user.id
    assert problems(powens_contract, "users.yml", "User", deleted_user.event) == []
    # The user's token is gone with it, but it was the user's when it was deleted.
    assert deleted_user.headers["authorization"] == f"Bearer {user.token}"
    assert user.call("GET", "/users/me").status_code == 401


def test_disabling_an_account_is_announced(domain, powens_contract):
    user = domain.user()
    user.connect()
    domain.events(4)
    (account,) = user.call("GET", "/users/me/accounts?all").json()["accounts"]
    user.enable(account["id"])
    domain.events(6)
    user.enable(account["id"], disabled=True)
    (disabled,) = domain.events(7)[6:]
    assert kind(disabled) == "ACCOUNT_DISABLED"
    assert disabled.event["id"] == account["id"] and disabled.event["disabled"] is not None
    assert_valid_account(powens_contract, disabled.event)


def test_a_revoked_token_is_never_sent_the_users_newest_is(domain):
    domain.receiver.fail_next = 10_000  # nothing is taken until the token is revoked
    user = domain.user()
    keys = {"client_id": domain.keys["client_id"], "client_secret": domain.keys["client_secret"]}
    renewed = domain.client.post(
        f"{domain.base}/auth/renew", json={**keys, "id_user": user.id, "revoke_previous": True}
    )
    newest = renewed.json()["access_token"]
    # An attempt already on its way when the token was revoked carries the old one (its
    # receiver refuses it); the attempt after that one was made since.
    before = len(domain.receiver.received)
    domain.receiver.wait_for(count=before + 2)
    domain.receiver.fail_next = 0
    (created,) = domain.receiver.wait_for(lambda r: r.answered == 200)
    # USER_CREATED was emitted while the first token was the user's; revoked since, it gives
    # way to the user's newest.
    assert kind(created) == "USER_CREATED"
    assert created.headers["authorization"] == f"Bearer {newest}" != f"Bearer {user.token}"
    for attempt in domain.receiver.received:
        assert attempt.headers["authorization"] in (f"Bearer {user.token}", f"Bearer {newest}")


def test_a_user_without_a_permanent_token_gets_no_authorization(domain, client):
    """A user made by the native API holds no Powens token: its events carry none."""
    body = {"user_id": "native-user", "bank_id": "rheinwert-bank", "login": "good"}
    made = client.post(f"/_sandbox/tenants/{domain.id}/bank-logins", json=body)
    assert made.status_code == 201, made.text
    sent = domain.events(5)
    assert {kind(r) for r in sent} == {
        "USER_CREATED",
        "ACCOUNT_FOUND",
        "ACCOUNTS_FETCHED",
        "ACCOUNT_SYNCED",
        "CONNECTION_SYNCED",
    }
    assert all("authorization" not in r.headers for r in sent)


def signed(secret_key: str, received: Received) -> bool:
    """Powens' check, as an integrator writes it: base64(HMAC-SHA256(secret_key, "POST." +
    the URL's path + "." + BI-Signature-Date + "." + the raw body)), compared as bytes."""
    date = received.headers["bi-signature-date"]
    message = (
        b"POST."
        + received.path.split("?")[0].encode()
        + b"."
        + date.encode()
        + b"."
        + received.body
    )
    expected = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return hmac.compare_digest(expected, base64.b64decode(received.headers["bi-signature"]))


def test_with_an_hmac_provider_every_webhook_is_signed_by_powens_formula(domain, client):
    made = client.post(
        f"{domain.base}/webhooks/auth",
        headers=domain.config,
        json={"type": "hmac_signature", "name": "my backend"},
    )
    assert made.status_code == 200, made.text
    provider = made.json()
    assert (provider["type"], provider["name"]) == ("hmac_signature", "my backend")
    secret_key = provider["config"]["secret_key"]
    user = domain.user()
    connection = user.connect()
    sent = domain.events(4)
    for received in sent:
        assert SIGNATURE_DATE.match(received.headers["bi-signature-date"])
        at = datetime.strptime(received.headers["bi-signature-date"], "%Y-%m-%dT%H:%M:%S.%fZ")
        assert abs((datetime.now(UTC).replace(tzinfo=None) - at).total_seconds()) < 60
        assert signed(secret_key, received)
        assert not signed("another key", received)
        assert "authorization" not in received.headers
    forged = Received(sent[0].path, sent[0].headers, sent[0].body.replace(b"}", b" }"), 0, 200)
    assert not signed(secret_key, forged)
    # With no provider left, the user's token again.
    assert (
        client.delete(
            f"{domain.base}/webhooks/auth/{provider['id']}", headers=domain.config
        ).status_code
        == 204
    )
    user.call("PUT", f"/users/me/connections/{connection['id']}")
    later = domain.events(6)[4:]  # ACCOUNTS_FETCHED, CONNECTION_SYNCED: no account is shared
    assert {r.headers.get("authorization") for r in later} == {f"Bearer {user.token}"}
    assert all("bi-signature" not in r.headers for r in later)


def test_retries_send_the_same_bytes_and_sign_each_attempt_anew(domain, client):
    provider = client.post(
        f"{domain.base}/webhooks/auth?type=hmac_signature&name=retried", headers=domain.config
    ).json()
    domain.receiver.fail_next = 2
    domain.user()
    attempts = domain.receiver.wait_for(count=3)
    assert [r.answered for r in attempts] == [500, 500, 200]
    assert len({r.body for r in attempts}) == 1 and len({r.event_id for r in attempts}) == 1
    assert len({r.headers["bi-signature-date"] for r in attempts}) == 3
    assert all(signed(provider["config"]["secret_key"], r) for r in attempts)
    (listed,) = domain.listed()
    assert orjson.dumps(listed["payload"]) == attempts[0].body


def test_events_powens_has_no_word_for_are_not_sent(domain, client):
    user = domain.user()
    connection = user.connect()
    domain.events(4)
    expired = client.post(
        f"/_sandbox/tenants/{domain.id}/bank-logins/{connection['id']}/expire-consent"
    )
    assert expired.status_code == 200, expired.text
    consent = [d for d in domain.listed() if d["type"] == "consent.expired"]
    assert [d["status"] for d in consent] == ["skipped"]


# --- The auth providers themselves --------------------------------------------------------


def test_auth_providers_are_listed_read_and_deleted_with_the_configuration_token(domain, client):
    url = f"{domain.base}/webhooks/auth"
    first = client.post(url, headers=domain.config, json={"type": "hmac_signature", "name": "a"})
    second = client.post(url, headers=domain.config, data={"type": "hmac_signature", "name": "b"})
    assert first.status_code == second.status_code == 200
    listed = client.get(url, headers=domain.config).json()["authproviders"]
    assert [p["name"] for p in listed] == ["a", "b"]
    assert listed[0]["config"]["secret_key"] != listed[1]["config"]["secret_key"]
    one = client.get(f"{url}/{first.json()['id']}", headers=domain.config)
    assert one.json() == first.json()
    assert client.delete(f"{url}/{first.json()['id']}", headers=domain.config).status_code == 204
    assert client.get(f"{url}/{first.json()['id']}", headers=domain.config).status_code == 404
    assert [p["name"] for p in client.get(url, headers=domain.config).json()["authproviders"]] == [
        "b"
    ]


@pytest.mark.parametrize(
    ("query", "body", "status", "code"),
    [
        ("", {"name": "x"}, 400, "missingParameter"),
        ("", {"type": "hmac_signature"}, 400, "missingParameter"),
        ("", {"type": "oauth2", "name": "x"}, 400, "invalidValue"),
        ("", {"type": "hmac_signature", "name": "x" * 256}, 400, "invalidValue"),
    ],
)
def test_a_provider_without_a_known_type_or_a_name_is_refused(
    domain, client, query, body, status, code
):
    answer = client.post(f"{domain.base}/webhooks/auth{query}", headers=domain.config, json=body)
    assert answer.status_code == status and answer.json()["code"] == code


def test_a_users_token_or_none_may_not_manage_providers(domain, client):
    user = domain.user()
    url = f"{domain.base}/webhooks/auth"
    assert client.get(url, headers=user.headers).status_code == 403
    assert (
        client.post(
            url, headers=user.headers, json={"type": "hmac_signature", "name": "x"}
        ).status_code
        == 403
    )
    assert client.get(url).status_code == 401
    assert client.get(f"{url}/1", headers=domain.config).status_code == 404
    assert client.get(f"{url}/x", headers=domain.config).status_code == 404
    other = Domain(client, domain.receiver)
    made = client.post(url, headers=domain.config, json={"type": "hmac_signature", "name": "mine"})
    theirs = f"{other.base}/webhooks/auth/{made.json()['id']}"
    assert client.get(theirs, headers=other.config).status_code == 404
    assert client.delete(theirs, headers=other.config).status_code == 404


def test_a_body_that_could_not_be_written_fails_its_delivery_saying_why(
    domain, client, monkeypatch
):
    def cannot(self, event, view):
        raise LookupError("nothing to write")

    monkeypatch.setattr(PowensWebhooks, "snapshot", cannot)
    domain.user()
    deadline = monotonic() + 10
    while (listed := domain.listed())[0]["status"] == "pending":
        assert monotonic() < deadline
    (delivery,) = listed
    assert delivery["status"] == "failed" and delivery["payload"] is None
    (attempt,) = delivery["attempts"]
    assert attempt["error"] == (
        "cannot render 'powens': LookupError: its body was not written when the event was emitted"
    )
    assert domain.receiver.received == []


def test_a_powens_endpoint_declared_in_the_scenario_gets_powens_bodies(settings, receiver):
    """A scenario's tenant declares `webhooks: [{…, format: powens}]`: the server starts with it."""
    scenario = load_scenario_text(
        "extends: default\nname: declared\ntenants:\n"
        "  - id: declared\n    name: Declared\n    client_id: declared\n"
        "    client_secret: declared-secret\n    api_key: declared-api-key\n"
        f"    webhooks: [{{url: '{receiver.url}', secret: declared-hook, format: powens}}]\n"
    )
    platform = Platform.open(settings, scenario)
    try:
        with TestClient(create_app(platform)) as client:
            endpoints = client.get("/_sandbox/tenants/declared/webhook-endpoints").json()
            assert [e["format"] for e in endpoints["endpoints"]] == ["powens"]
            keys = client.get("/_sandbox/tenants/declared").json()["powens"]
            body = {"client_id": keys["client_id"], "client_secret": keys["client_secret"]}
            user = client.post("/powens/declared/2.0/auth/init", json=body).json()
            [created] = receiver.wait_for(count=1)
    finally:
        platform.close()
    assert POWENS[created.type] == "USER_CREATED"
    assert created.event["id"] == user["id_user"]
    assert isinstance(created.event["id_webhook_data"], int)
    assert created.headers["authorization"] == f"Bearer {user['auth_token']}"
