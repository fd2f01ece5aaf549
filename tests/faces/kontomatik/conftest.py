"""A tenant on a frozen clock calling the Kontomatik face with its API key (as the control API
shows it), and users connected through the domain so there is data to score."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sandbox.domain import connections, tenants, users
from sandbox.domain.platform import Platform
from sandbox.scenario import Scenario, load_scenario_text

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


class Integrator:
    """One tenant's Kontomatik integration: its API key on every call."""

    def __init__(self, client: TestClient, platform: Platform, tenant_id: str) -> None:
        self.client, self.platform, self.tenant_id = client, platform, tenant_id
        keys = client.get(f"/_sandbox/tenants/{tenant_id}").json()["kontomatik"]
        self.keys = keys
        self.headers = {"X-Api-Key": keys["api_key"]}

    def get(self, path: str, **params: str):
        return self.client.get(f"/kontomatik/v1{path}", headers=self.headers, params=params)

    def post(self, path: str, **form: str):
        """A command as Kontomatik's clients send it: form-encoded."""
        return self.client.post(f"/kontomatik/v1{path}", headers=self.headers, data=form)

    def advance(self, duration: str) -> None:
        """Move the tenant's clock on by an ISO 8601 duration (`P181D`, `PT31M`)."""
        moved = self.client.post(
            f"/_sandbox/tenants/{self.tenant_id}/clock", json={"advance": duration}
        )
        assert moved.status_code == 200, moved.text

    def connect(self, user: str, bank: str, login: str) -> None:
        tenant = tenants.get_tenant(self.platform.db, self.tenant_id)
        with self.platform.db.begin() as conn:
            connections.establish(
                conn,
                tenant,
                user=users.user_for(conn, tenant, user),
                bank=tenant.scenario.bank(bank),
                persona=tenant.scenario.persona(bank, login),
                account_type=None,
                activate=None,
            )


@pytest.fixture(scope="session")
def frozen_scenario() -> Scenario:
    return load_scenario_text(FROZEN, "frozen.yaml")


@pytest.fixture
def integrator(client: TestClient, platform: Platform, frozen_scenario: Scenario) -> Integrator:
    made = tenants.create_tenant(platform.db, frozen_scenario, "frozen")
    return Integrator(client, platform, made.id)
