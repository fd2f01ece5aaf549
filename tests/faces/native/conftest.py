"""Callers of `/api/v1`: fresh tenants with a frozen clock, made through the control API, and
bank logins connected through the domain so tests have data to read."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.domain import connections, tenants, users
from sandbox.domain.platform import Platform
from sandbox.scenario import Scenario, load_scenario_text

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"
CALLBACK = "http://127.0.0.1:3000/callback"


class Caller:
    """One tenant calling the native API with its API key."""

    def __init__(self, client: TestClient, platform: Platform, credentials: dict) -> None:
        self.client, self.platform = client, platform
        self.tenant_id = credentials["tenant_id"]
        self.credentials = credentials
        self.headers = {"Authorization": f"Bearer {credentials['api_key']}"}

    def get(self, path: str, **params: object):
        return self.client.get(f"/api/v1{path}", headers=self.headers, params=params or None)

    def post(self, path: str, json: object = None):
        return self.client.post(f"/api/v1{path}", headers=self.headers, json=json)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", headers=self.headers)

    def connect(
        self,
        user: str = "u1",
        bank: str = "rheinwert-bank",
        persona: str = "good",
        activate: set[str] | None = None,
    ) -> int:
        """A connected bank login with its first sync done; returns its id."""
        tenant = tenants.get_tenant(self.platform.db, self.tenant_id)
        found = tenant.scenario.bank(bank)
        with self.platform.db.begin() as conn:
            bank_login_id, _ = connections.establish(
                conn,
                tenant,
                user=users.user_for(conn, tenant, user),
                bank=found,
                persona=tenant.scenario.persona(bank, persona),
                account_type=None,
                activate=activate,
            )
        return bank_login_id

    def advance(self, duration: str) -> None:
        moved = self.client.post(
            f"/_sandbox/tenants/{self.tenant_id}/clock", json={"advance": duration}
        )
        assert moved.status_code == 200, moved.text

    def every_page(self, path: str, **params: object) -> list[list[dict]]:
        """Follow next_cursor to the end; the key of the list is the path's last word."""
        key = path.rsplit("/", 1)[-1]
        pages, cursor = [], None
        while True:
            answer = self.get(path, **params, **({"cursor": cursor} if cursor else {}))
            assert answer.status_code == 200, answer.text
            body = answer.json()
            pages.append(body[key])
            cursor = body["next_cursor"]
            if cursor is None:
                return pages


@pytest.fixture(scope="session")
def frozen_scenario() -> Scenario:
    return load_scenario_text(FROZEN, "frozen.yaml")


def new_caller(client: TestClient, platform: Platform, scenario: Scenario) -> Caller:
    """A fresh tenant, as `POST /_sandbox/tenants` makes one (its scenario parsed only once)."""
    options = tenants.TenantOptions(redirect_uris=[CALLBACK])
    made = tenants.create_tenant(platform.db, scenario, "frozen", options)
    credentials = {
        "tenant_id": made.id,
        "client_id": made.client_id,
        "client_secret": made.client_secret,
        "api_key": made.api_key,
    }
    return Caller(client, platform, credentials)


@pytest.fixture
def api(client: TestClient, platform: Platform, frozen_scenario: Scenario) -> Caller:
    return new_caller(client, platform, frozen_scenario)


@pytest.fixture
def other(client: TestClient, platform: Platform, frozen_scenario: Scenario) -> Caller:
    """A second tenant, for isolation."""
    return new_caller(client, platform, frozen_scenario)
