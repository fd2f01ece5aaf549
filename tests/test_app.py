"""The app as a whole: health, request ids, request log lines, limits and errors."""

import logging

import orjson

from sandbox.middleware.request_log import configure_logging


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


def test_one_json_log_line_per_request_without_secrets(client, caplog):
    configure_logging("info")
    logger = logging.getLogger("sandbox.requests")
    logger.addHandler(caplog.handler)
    try:
        response = client.post(
            "/_sandbox/tenants?api_key=sk_live_leak",
            json={"webhook_url": "http://127.0.0.1:9/hook", "webhook_secret": "supersecret"},
            headers={"Authorization": "Basic ZGVtbzpkZW1vLXNlY3JldA==", "X-Request-Id": "abc-1"},
        )
    finally:
        logger.removeHandler(caplog.handler)
    lines = [orjson.loads(record.getMessage()) for record in caplog.records]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "abc-1"
    assert (line["method"], line["path"], line["status"]) == (
        "POST",
        "/_sandbox/tenants",
        response.status_code,
    )
    text = caplog.text
    for secret in ("sk_live_leak", "supersecret", "ZGVtbzpkZW1vLXNlY3JldA==", "demo-secret"):
        assert secret not in text


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
    assert response.json()["error"]["details"] == {"limit_bytes": limit}


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
