"""The app as a whole: health, request ids, limits and errors (the request log lines:
tests/middleware/test_middleware_request_log.py)."""

import pytest

from sandbox.app import WEBHOOK_RENDERERS, create_app
from sandbox.subscriptions import FORMATS


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "scenario": "default"}


def test_every_response_carries_a_request_id(client):
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    assert client.get("/healthz").headers["x-request-id"] != made
    echoed = client.get("/healthz", headers={"X-Request-Id": "ci-run-42.step-7"})
    assert echoed.headers["x-request-id"] == "ci-run-42.step-7"
    insane = client.get("/healthz", headers={"X-Request-Id": "x" * 300})
    assert insane.headers["x-request-id"] != "x" * 300


def test_unknown_route_is_a_json_404(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "no route /nowhere",
        "details": None,
    }


def test_wrong_method_is_a_json_405(client):
    response = client.put("/_sandbox/tenants")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_body_over_the_limit_is_413_naming_the_limit(client, platform):
    limit = platform.settings.max_body_bytes
    response = client.post(
        "/_sandbox/tenants",
        content=b" " * (limit + 1),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["details"] == {
        "limit_bytes": limit,
        "setting": "SANDBOX_MAX_BODY_BYTES",
    }


def test_the_spec_is_served(client):
    response = client.get("/openapi.yaml")
    assert response.status_code == 200
    assert response.text.startswith("openapi: 3.")


def test_the_host_is_checked_first_and_refusals_are_logged_with_an_id(client):
    answer = client.post(
        "http://attacker.example/_sandbox/tenants",
        content=b"{}",
        headers={"Content-Type": "text/plain", "Origin": "https://attacker.example"},
    )
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "host_not_allowed"
    assert len(answer.headers["x-request-id"]) == 32


def test_every_webhook_format_has_a_renderer_or_the_app_does_not_start(platform):
    assert sorted(WEBHOOK_RENDERERS) == sorted(FORMATS)
    expected = r"webhook formats \['native', 'powens'\] but renderers for \[\]"
    with pytest.raises(RuntimeError, match=expected):
        create_app(platform, renderers={})
