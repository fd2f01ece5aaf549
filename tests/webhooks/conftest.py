"""A platform whose webhook worker retries within milliseconds, and a receiver on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from sandbox.settings import Settings
from sandbox.testing.receiver import WebhookReceiver

SECRET = "whsec-test-secret"

# Gaps of 0.1, 0.2, 0.4 … s: retries stay observable yet the tests stay fast.
FAST = {
    "webhook_retry_base_seconds": 0.1,
    "webhook_max_attempts": 4,
    "webhook_timeout_seconds": 2.0,  # generous: a busy 2-core CI machine must not time out
    "webhook_poll_seconds": 0.02,
}


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    """Settings with FAST delivery, changed where a test module needs it."""

    def make(**changes: object) -> Settings:
        return Settings(
            database_url="sqlite:///:memory:",
            allowed_hosts=("testserver",),
            **{**FAST, **changes},  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as receiver:
        yield receiver


@pytest.fixture
def tenant(client, receiver) -> dict:
    """A fresh tenant whose webhooks go to the receiver."""
    body = {"webhook_url": receiver.url, "webhook_secret": SECRET}
    created = client.post("/_sandbox/tenants", json=body)
    assert created.status_code == 201, created.text
    return {**created.json(), "webhook_secret": SECRET}
