"""Powens' transaction listing is kept while the data holds (as the native one), keyed by the
address it was asked at, and never kept for a token that expires on the clock."""

from __future__ import annotations

import uuid

from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.faces.powens.ids import NAMESPACE

BASE = "/powens/demo/2.0"
CLIENT = {"client_id": "10000001", "client_secret": "demo-powens-secret"}
EMBEDDED = str(uuid.uuid5(NAMESPACE, "rheinwert-bank"))


def connected(client, keys: dict | None = None) -> dict[str, str]:
    """A user with one enabled account; its token's header."""
    token = client.post(f"{BASE}/auth/init", json=keys or CLIENT).json()["auth_token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"connector_uuid": EMBEDDED, "login": "good", "password": "pass"}
    made = client.post(f"{BASE}/users/me/connections", json=body, headers=headers).json()
    client.post(
        f"{BASE}/users/me/connections/{made['id']}", json={"otp": "123456"}, headers=headers
    )
    [account] = client.get(f"{BASE}/users/me/accounts?all", headers=headers).json()["accounts"]
    enabled = client.post(
        f"{BASE}/users/me/accounts/{account['id']}?all", json={"disabled": False}, headers=headers
    )
    assert enabled.status_code == 200
    return headers


def test_a_repeated_listing_is_the_same_and_follows_a_write(client):
    headers = connected(client)
    path = f"{BASE}/users/me/transactions?limit=5"
    first = client.get(path, headers=headers).json()
    assert client.get(path, headers=headers).json() == first
    newest = first["transactions"][0]
    renamed = client.post(
        f"{BASE}/users/me/transactions/{newest['id']}", json={"wording": "Renamed"}, headers=headers
    )
    assert renamed.status_code == 200
    assert client.get(path, headers=headers).json()["transactions"][0]["wording"] == "Renamed"


def test_links_are_on_the_address_each_request_came_by(client):
    headers = connected(client)
    path = f"{BASE}/users/me/transactions?limit=1"
    for host in ("127.0.0.1:8000", "localhost:8000", "127.0.0.1:8000"):
        links = client.get(path, headers={**headers, "host": host}).json()["_links"]
        assert links["next"]["href"].startswith(f"http://{host}{BASE}/users/me/transactions?")


def test_a_temporary_tokens_listing_is_not_kept(platform):
    with TestClient(create_app(platform)) as client:
        app = client.app
        token = client.post(f"{BASE}/auth/init").json()["auth_token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = {"connector_uuid": EMBEDDED, "login": "good", "password": "pass"}
        made = client.post(f"{BASE}/users/me/connections", json=body, headers=headers).json()
        client.post(
            f"{BASE}/users/me/connections/{made['id']}", json={"otp": "123456"}, headers=headers
        )
        [account] = client.get(f"{BASE}/users/me/accounts?all", headers=headers).json()["accounts"]
        client.post(
            f"{BASE}/users/me/accounts/{account['id']}?all",
            json={"disabled": False},
            headers=headers,
        )
        [powens] = [r.app for r in app.routes if getattr(r, "path", "") == "/powens"]
        before = len(powens.cache._answers)
        assert client.get(f"{BASE}/users/me/transactions", headers=headers).status_code == 200
        assert len(powens.cache._answers) == before
        permanent = connected(client)
        assert client.get(f"{BASE}/users/me/transactions", headers=permanent).status_code == 200
        assert len(powens.cache._answers) == before + 1
