"""The Origin check: a page of another site open in the developer's browser cannot steer the
control API, while scripts (no Origin), the sandbox's own pages and local apps can."""

from __future__ import annotations

import pytest


def test_a_cross_site_page_cannot_create_a_tenant(client, tenant_ids):
    before = tenant_ids(client)
    answer = client.post("/_sandbox/tenants", json={}, headers={"Origin": "https://evil.example"})
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["code"] == "origin_not_allowed"
    assert error["details"] == {"origin": "https://evil.example"}
    assert tenant_ids(client) == before


@pytest.mark.parametrize(
    "origin",
    ["null", "https://evil.example", "http://localhost.evil.example", "chrome-extension://abc",
     "file://", "http://127.0.0.1:8000/path"],
)  # fmt: skip
def test_foreign_and_opaque_origins_cannot_reset_or_read(client, origin):
    reset = client.post("/_sandbox/tenants/demo/reset", headers={"Origin": origin})
    listed = client.get("/_sandbox/tenants", headers={"Origin": origin})
    assert reset.status_code == listed.status_code == 403
    assert reset.json()["error"]["code"] == "origin_not_allowed"


@pytest.mark.parametrize(
    "origin",
    ["http://testserver", "http://localhost:3000", "http://127.0.0.1:5173", "https://[::1]:8443",
     "https://app.example.test"],
)  # fmt: skip
def test_the_sandboxs_own_local_and_allowed_origins_are_answered(client_with, origin):
    client = client_with(allowed_hosts=("testserver", "*.example.test"))
    answer = client.post("/_sandbox/tenants", json={}, headers={"Origin": origin})
    assert answer.status_code == 201, answer.text


def test_a_page_of_the_host_it_was_served_from_is_answered(client_with):
    client = client_with(allowed_hosts=("sandbox.internal",))
    answer = client.get(
        "http://sandbox.internal:8443/_sandbox/tenants",
        headers={"Origin": "https://sandbox.internal:8443"},
    )
    assert answer.status_code == 200
