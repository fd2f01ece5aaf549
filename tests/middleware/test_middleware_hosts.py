"""The Host check: a page that rebinds its own domain to 127.0.0.1 cannot talk to the sandbox,
while every loopback name and every configured host can, on any port."""

from __future__ import annotations

import httpx
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.middleware.hosts import AllowedHosts, hostname


def test_a_rebinding_page_cannot_read_the_tenants_secrets(client):
    answer = client.get("http://attacker.example/_sandbox/tenants")
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["code"] == "host_not_allowed"
    assert "attacker.example" in error["message"] and "SANDBOX_ALLOWED_HOSTS" in error["message"]
    assert "demo-secret" not in answer.text


def test_a_live_server_refuses_a_foreign_host_and_answers_its_own(live_server):
    tenants = f"{live_server.url}/_sandbox/tenants"
    rebound = httpx.get(tenants, headers={"Host": "attacker.example:8000"})
    assert rebound.status_code == 403
    assert rebound.json()["error"]["code"] == "host_not_allowed"
    assert httpx.get(tenants).status_code == 200


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8000", "LocalHost:1", "localhost.", "127.0.0.1", "127.0.0.1:9",
     "127.3.4.5:8000", "[::1]", "[::1]:8000"],
)  # fmt: skip
def test_loopback_names_are_answered_on_any_port(client_with, host):
    client = client_with()
    answer = client.get("/healthz", headers={"Host": host})
    assert answer.status_code == 200, answer.text


def test_the_test_client_host_is_no_exception(client_with):
    answer = client_with().get("/healthz")
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/plain")
    assert "testserver" in answer.text


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("sandbox.internal", 200),
        ("SANDBOX.internal:8443", 200),
        ("a.example.test", 200),
        ("a.b.example.test:80", 200),
        ("example.test", 403),
        ("evil-example.test", 403),
        ("sandbox.internal.evil.example", 403),
        ("127.0.0.1.evil.example", 403),
        ("128.0.0.1", 403),
        ("localhost:http", 403),
        ("[::2]", 403),
    ],
)
def test_allowed_hosts_are_answered_and_wildcards_cover_subdomains_only(client_with, host, status):
    client = client_with(allowed_hosts=("sandbox.internal", "*.example.test"))
    assert client.get("/healthz", headers={"Host": host}).status_code == status


def test_the_bound_host_is_answered_unless_it_is_a_wildcard(client_with):
    assert client_with(host="10.1.2.3").get("http://10.1.2.3:8000/healthz").status_code == 200
    assert client_with(host="fd00::5").get("http://[fd00::5]:80/healthz").status_code == 200
    everywhere = client_with(host="0.0.0.0", admin_token="t0ken-t0ken")
    assert everywhere.get("http://0.0.0.0:8000/healthz").status_code == 403


def test_refusals_speak_the_format_of_the_face_asked(client_with):
    client = client_with()
    native = client.get("http://attacker.example/api/v1/banks")
    assert native.status_code == 403
    assert native.json()["error"]["code"] == "host_not_allowed"
    page = client.get("http://attacker.example/connect/abc")
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/plain")
    assert "does not answer to the host 'attacker.example'" in page.text


def test_a_missing_or_repeated_host_is_refused(client_with, raw_request):
    app = client_with().app
    status, body = raw_request(app, "GET", "/_sandbox/tenants", [])
    assert status == 403
    assert orjson.loads(body)["error"]["message"] == "the request has no Host header"
    twice = [(b"host", b"127.0.0.1:8000"), (b"host", b"attacker.example")]
    status, body = raw_request(app, "GET", "/_sandbox/tenants", twice)
    assert status == 403
    assert orjson.loads(body)["error"]["message"] == "send exactly one Host header"
    once = [(b"host", b"127.0.0.1:8000")]
    assert raw_request(app, "GET", "/_sandbox/tenants", once)[0] == 200


NAMES = st.sampled_from(
    ["localhost", "127.0.0.1", "[::1]", "sandbox.internal", "x.example.test", "evil.example"]
)


@given(name=NAMES, port=st.integers(min_value=0, max_value=65535))
def test_the_port_never_changes_the_verdict(name, port):
    hosts = AllowedHosts(["sandbox.internal", "*.example.test"])
    bare, with_port = hostname(name.encode()), hostname(f"{name}:{port}".encode())
    assert bare == with_port
    assert bare is not None
    assert hosts.allows(bare) == (name != "evil.example")
