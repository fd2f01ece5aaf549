"""The request log: one JSON line per request with the fields users read, no credential and no
session id in it, cheap enough to stay on (bench/http_speed.py measures that)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from starlette.routing import Mount, Route

from sandbox.app import create_app
from sandbox.middleware import request_log
from sandbox.middleware.request_log import (
    Stamps,
    configure_logging,
    logged_path,
    request_line,
)
from sandbox.testing.server import SandboxServer

API = {"Authorization": "Bearer demo-api-key-0001"}
CALLBACK = "http://127.0.0.1:3000/callback"
FIELDS = ["at", "request_id", "method", "path", "status", "ms"]
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Request lines go to a string for the test; the logging set-up is put back after it."""
    webhooks = logging.getLogger("sandbox.webhooks")
    saved = webhooks.handlers[:], webhooks.level, webhooks.propagate, request_log._output.write
    stream = io.StringIO()
    configure_logging("info", stream)
    try:
        yield stream
    finally:
        webhooks.handlers[:], webhooks.propagate = saved[0], saved[2]
        webhooks.setLevel(saved[1])
        request_log._output.write = saved[3]


def lines(stream: io.StringIO) -> list[dict]:
    """The request lines; the webhook worker writes its attempts to the same stream, and whether
    one lands inside a test depends on its timing."""
    parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in parsed if "webhook" not in line]


def csrf(page) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


# --- The line --------------------------------------------------------------------------------


def test_one_json_line_per_request_without_secrets(client, log_stream):
    response = client.post(
        "/_sandbox/tenants?api_key=sk_live_leak",
        json={"webhook_url": "http://127.0.0.1:9/hook", "webhook_secret": "supersecret"},
        headers={"Authorization": "Basic ZGVtbzpkZW1vLXNlY3JldA==", "X-Request-Id": "abc-1"},
    )
    [line] = lines(log_stream)
    assert list(line) == FIELDS
    assert ISO_MS.match(line["at"])
    assert line["request_id"] == "abc-1"
    assert (line["method"], line["path"], line["status"]) == (
        "POST",
        "/_sandbox/tenants",
        response.status_code,
    )
    assert isinstance(line["ms"], float) and line["ms"] >= 0
    for secret in ("sk_live_leak", "supersecret", "ZGVtbzpkZW1vLXNlY3JldA==", "demo-secret"):
        assert secret not in log_stream.getvalue()


def test_the_served_sandbox_writes_a_line_per_request_to_stderr(tmp_path):
    """As `make run` starts it: the default log level, lines on the process's stderr."""
    database = f"sqlite:///{tmp_path / 'state.db'}"
    server = SandboxServer(database, env={"SANDBOX_LOG_LEVEL": "info"}, cwd=ROOT).wait_ready()
    headers = {"X-Request-Id": "served-1"}
    try:
        assert httpx.get(f"{server.url}/healthz", headers=headers).status_code == 200
        unknown = httpx.get(f"{server.url}/connect/cs-Secret-7/banks", headers=headers)
        assert unknown.status_code == 404
    finally:
        output = server.stop()
    served = [json.loads(text) for text in output.splitlines() if '"served-1"' in text]
    assert [(line["path"], line["status"]) for line in served] == [
        ("/healthz", 200),
        ("/connect/{session_id}/banks", 404),
    ]
    assert all(list(line) == FIELDS for line in served)
    assert "cs-Secret-7" not in output


def test_the_made_request_id_is_the_one_logged(client, log_stream):
    response = client.get("/healthz")
    [line] = lines(log_stream)
    assert line["request_id"] == response.headers["x-request-id"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)


def test_a_path_with_quotes_backslashes_and_line_breaks_is_one_valid_line(client, log_stream):
    response = client.get('/no"where\\at%0Aall/%C3%A9t%C3%A9')
    assert response.status_code == 404
    [line] = lines(log_stream)
    assert line["path"] == '/no"where\\at\nall/été'


def test_above_info_no_request_is_logged(client, log_stream):
    configure_logging("warning", log_stream)
    assert client.get("/healthz").status_code == 200
    assert log_stream.getvalue() == ""


def test_a_closed_log_stream_never_fails_a_request(client, log_stream):
    log_stream.close()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


@given(
    method=st.text(min_size=1),
    path=st.text().map(lambda text: "/" + text),
    status=st.integers(100, 599),
    seconds=st.floats(0, 1e6),
)
@example(method="GET", path='/"\\\x00\x1f\x7f\u2028\ud7ff€ł/"', status=200, seconds=0.0)
def test_any_method_and_path_make_one_json_line_that_reads_back(method, path, status, seconds):
    line = request_line("2026-01-01T00:00:00.000+00:00", "id-1", method, path, status, seconds)
    assert line.endswith("\n") and "\n" not in line[:-1]
    read = json.loads(line)
    assert list(read) == FIELDS
    assert (read["method"], read["path"], read["status"]) == (method, logged_path(path), status)
    assert read["ms"] == pytest.approx(seconds * 1000, abs=0.006)


@given(st.lists(st.integers(0, 253_402_300_799_999), min_size=1, max_size=20))
def test_the_timestamp_is_the_instant_in_iso_8601_to_the_millisecond(instants):
    stamps = Stamps()  # one instance, so the per-second text is reused across lines
    for epoch_ms in sorted(instants) + instants:
        expected = (EPOCH + timedelta(milliseconds=epoch_ms)).isoformat(timespec="milliseconds")
        assert stamps.at(epoch_ms) == expected


# --- Session ids stay out of the log ----------------------------------------------------------


def test_a_connect_flow_logs_its_routes_but_never_its_session_id(client, log_stream):
    created = client.post(
        "/api/v1/connect-sessions",
        json={"user_id": "log-user", "redirect_uri": CALLBACK, "state": "s"},
        headers=API,
    )
    assert created.status_code == 201
    session_id = created.json()["session_id"]
    base, app = f"/connect/{session_id}", f"/bank/polderbank/app/{session_id}"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/banks/polderbank", follow_redirects=False).status_code == 303
    token = csrf(client.get(base))

    def post(path: str, **fields: str) -> int:
        data = {"csrf_token": token, **fields}
        return client.post(path, data=data, follow_redirects=False).status_code

    assert post(f"{base}/account-type", account_type="checking") == 303
    assert post(f"{base}/login", login="good", password="pass") == 303
    assert client.get(f"{base}/sca/status").status_code == 200
    assert client.get(app).status_code == 200
    assert post(f"{app}/approve") == 303
    # Paths that reach no route carry the id too: a 404, a 405 and a trailing slash.
    assert client.get(f"{base}/nowhere").status_code == 404
    assert client.put(f"{base}/login").status_code == 405
    client.get(f"{base}/banks/", follow_redirects=False)

    assert session_id not in log_stream.getvalue()
    logged = [(line["method"], line["path"], line["status"]) for line in lines(log_stream)]
    assert logged == [
        ("POST", "/api/v1/connect-sessions", 201),
        ("GET", "/connect/{session_id}", 200),
        ("GET", "/connect/{session_id}/banks/polderbank", 303),
        ("GET", "/connect/{session_id}", 200),
        ("POST", "/connect/{session_id}/account-type", 303),
        ("POST", "/connect/{session_id}/login", 303),
        ("GET", "/connect/{session_id}/sca/status", 200),
        ("GET", "/bank/polderbank/app/{session_id}", 200),
        ("POST", "/bank/polderbank/app/{session_id}/approve", 303),
        ("GET", "/connect/{session_id}/nowhere", 404),
        ("PUT", "/connect/{session_id}/login", 405),
        ("GET", "/connect/{session_id}/banks/", logged[-1][2]),
    ]


def _templates(routes, prefix: str = "") -> Iterator[str]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _templates(route.routes, prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path


def test_every_route_with_a_session_id_logs_it_by_name(platform):
    """A new route that carries a session id fails here until SECRET_SEGMENTS covers it."""
    carrying = [t for t in _templates(create_app(platform).routes) if "{session_id}" in t]
    assert len(carrying) >= 17  # the hosted pages and the bank app's
    for template in carrying:
        path = re.sub(r"\{(\w+)\}", lambda m: m.group(1).replace("_", "-"), template)
        path = path.replace("session-id", "Zq3_secret-Session-id")
        shown = logged_path(path)
        assert "Zq3_secret" not in shown, template
        assert shown == path.replace("Zq3_secret-Session-id", "{session_id}")


@given(st.text(alphabet=st.characters(blacklist_characters="/"), min_size=1))
def test_no_session_id_reaches_the_log_whatever_its_characters(session_id):
    assert logged_path(f"/connect/{session_id}/login") == "/connect/{session_id}/login"
    shown = logged_path(f"/bank/cigale/app/{session_id}/approve")
    assert shown == "/bank/cigale/app/{session_id}/approve"
