"""The admin token: exactly one `Authorization` header, the Bearer scheme in any case."""

from __future__ import annotations

import pytest

TOKEN = "s3cret-admin-token"


@pytest.fixture
def guarded(client_with):
    return client_with(allowed_hosts=("testserver",), admin_token=TOKEN)


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_scheme_is_case_insensitive(guarded, scheme):
    answer = guarded.get("/_sandbox/tenants", headers={"Authorization": f"{scheme} {TOKEN}"})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        [("Authorization", f"Bearer {TOKEN}"), ("Authorization", "Bearer wrong")],
        [("Authorization", "Bearer wrong"), ("Authorization", f"Bearer {TOKEN}")],
        [("Authorization", f"Bearer {TOKEN}"), ("Authorization", f"Bearer {TOKEN}")],
    ],
)
def test_two_authorization_headers_are_refused(guarded, headers):
    answer = guarded.get("/_sandbox/tenants", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"] == {
        "code": "unauthorized",
        "message": "send exactly one Authorization header",
        "details": None,
    }
    assert answer.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization", ["", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer{TOKEN}", TOKEN]
)
def test_anything_but_the_bearer_token_is_refused(guarded, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    answer = guarded.post("/_sandbox/tenants", json={}, headers=headers)
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"


def test_the_token_guards_the_control_api_only(guarded):
    assert guarded.get("/healthz").status_code == 200
    assert guarded.get("/api/v1/banks").status_code == 401  # the native API's own credentials
