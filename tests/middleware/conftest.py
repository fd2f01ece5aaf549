"""Apps on settings of a test's choosing, and requests with headers no HTTP client would send
(no Host, two Host headers)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message

from sandbox.app import create_app
from sandbox.domain.platform import Platform
from sandbox.scenario import Scenario
from sandbox.settings import Settings


@pytest.fixture
def client_with(default_scenario: Scenario) -> Iterator[Callable[..., TestClient]]:
    """`client_with(allowed_hosts=(...), admin_token=...)`: a TestClient for the app on those
    settings (and nothing else: `testserver` is not allowed unless given)."""
    platforms: list[Platform] = []

    def make(**settings: Any) -> TestClient:
        platform = Platform.open(
            Settings(database_url="sqlite:///:memory:", **settings), default_scenario
        )
        platforms.append(platform)
        return TestClient(create_app(platform))

    yield make
    for platform in platforms:
        platform.close()


@pytest.fixture
def tenant_ids() -> Callable[[TestClient], list[str]]:
    """`tenant_ids(client)`: every tenant's id, to see that a refused request made none."""

    def listed(client: TestClient) -> list[str]:
        tenants = client.get("/_sandbox/tenants").json()["tenants"]
        return [tenant["tenant_id"] for tenant in tenants]

    return listed


RawRequest = Callable[[ASGIApp, str, str, list[tuple[bytes, bytes]]], tuple[int, bytes]]


@pytest.fixture
def raw_request() -> RawRequest:
    """`raw_request(app, method, path, headers)`: its status and body."""
    return _raw_request


def _raw_request(
    app: ASGIApp, method: str, path: str, headers: list[tuple[bytes, bytes]]
) -> tuple[int, bytes]:
    """Send exactly these headers to `app`, as a server would pass them on."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    # In a thread of its own: a browser test earlier in the session may leave a loop running.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(scope, receive, send)).result()
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], body
