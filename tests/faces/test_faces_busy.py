"""A sandbox whose database connections all stay busy answers 503 in each face's own format,
asks to be retried, and answers as usual once a connection is free again."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from sandbox.domain.platform import Platform
from sandbox.scenario import Scenario
from sandbox.settings import Settings
from sandbox.store import database as database_module

AUTH = {"Authorization": "Bearer demo-api-key-0001"}


@pytest.fixture
def busy(
    tmp_path: Path, default_scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[TestClient, threading.Event]]:
    """A client of a sandbox whose every connection is held by a thread until the event is set."""
    monkeypatch.setattr(database_module, "WAIT_SECONDS", 0.2)
    platform = Platform.open(
        Settings(database_url=f"sqlite:///{tmp_path / 'state.db'}"), default_scenario
    )
    release = threading.Event()
    held = threading.Barrier(database_module.CONNECTIONS + 1)

    def hold() -> None:
        with platform.db.connect():
            held.wait()
            release.wait()

    holders = [threading.Thread(target=hold) for _ in range(database_module.CONNECTIONS)]
    try:
        with TestClient(create_app(platform)) as client:
            for holder in holders:
                holder.start()
            held.wait()
            yield client, release
    finally:
        release.set()
        for holder in holders:
            holder.join()
        platform.close()


def test_the_data_api_answers_503_and_asks_for_a_retry(busy) -> None:
    client, release = busy
    answer = client.get("/api/v1/users", headers=AUTH)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "1"
    error = answer.json()["error"]
    assert error["code"] == "unavailable"
    assert "connections" in error["message"] and "stayed in use" in error["message"]
    release.set()
    assert client.get("/api/v1/users", headers=AUTH).status_code == 200


def test_a_hosted_page_answers_a_503_page(busy) -> None:
    client, release = busy
    answer = client.get("/connect/no-such-session")
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("text/html")
    assert "The sandbox is busy" in answer.text
    release.set()
    assert client.get("/connect/no-such-session").status_code == 404
