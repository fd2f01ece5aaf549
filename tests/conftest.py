"""Fixtures every test folder shares: the default scenario, a platform on an in-memory
database, an HTTP client for the app, and a real server process for end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.platform import Platform
from sandbox.scenario import Scenario, load_scenario
from sandbox.settings import Settings
from sandbox.testing.server import SandboxServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def default_scenario() -> Scenario:
    return load_scenario("default")


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="sqlite:///:memory:")


@pytest.fixture
def platform(settings: Settings, default_scenario: Scenario) -> Iterator[Platform]:
    platform = Platform.open(settings, default_scenario)
    yield platform
    platform.close()


@pytest.fixture
def client(platform: Platform) -> Iterator[TestClient]:
    with TestClient(create_app(platform)) as client:
        yield client


# What the live server holds before contract tests fuzz it, so reads find data.
SEEDED_BANK_LOGINS = [
    ("u1", "good", "rheinwert-bank"),
    ("u1", "credit-card", "nordlicht-sparbank"),
    ("u2", "multi-currency", "cigale"),
]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    database = tmp_path_factory.mktemp("live") / "state.db"
    with SandboxServer(f"sqlite:///{database}", cwd=ROOT) as server:
        for user, login, bank in SEEDED_BANK_LOGINS:
            body = {"user_id": user, "bank_id": bank, "login": login}
            created = httpx.post(f"{server.url}/_sandbox/tenants/demo/bank-logins", json=body)
            assert created.status_code == 201, created.text
        yield server
