"""Fixtures every test folder shares: the default scenario, a platform on an in-memory
database, an HTTP client for the app, and a real server process for end-to-end tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.platform import Platform
from sandbox.scenario import Scenario, load_scenario
from sandbox.settings import Settings
from sandbox.store import database as database_module
from sandbox.store.database import Database
from sandbox.testing.server import SandboxServer

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def default_scenario() -> Scenario:
    return load_scenario("default")


# The Host that Starlette's TestClient sends: the app answers to it only where a test says so.
TEST_CLIENT_HOSTS = ("testserver",)


@pytest.fixture
def settings() -> Settings:
    return Settings(database_url="sqlite:///:memory:", allowed_hosts=TEST_CLIENT_HOSTS)


@pytest.fixture
def platform(settings: Settings, default_scenario: Scenario) -> Iterator[Platform]:
    platform = Platform.open(settings, default_scenario)
    yield platform
    platform.close()


@pytest.fixture
def every_connection_held(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Database], threading.Event]]:
    """Hold every connection of a database, each in its own thread, until the returned event
    is set (at the latest when the test ends); a further use gives up after 0.2 s."""
    monkeypatch.setattr(database_module, "WAIT_SECONDS", 0.2)
    release = threading.Event()
    holders: list[threading.Thread] = []

    def hold_all(db: Database) -> threading.Event:
        held = threading.Barrier(database_module.CONNECTIONS + 1)

        def hold() -> None:
            with db.connect():
                held.wait()
                release.wait()

        holders.extend(threading.Thread(target=hold) for _ in range(database_module.CONNECTIONS))
        for holder in holders:
            holder.start()
        held.wait()
        return release

    try:
        yield hold_all
    finally:
        release.set()
        for holder in holders:
            holder.join()


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
