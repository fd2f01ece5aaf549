"""Powens' authentication and users, called as an integration written for Powens calls them:
the demo domain's client credentials from the README, tokens in `Authorization: Bearer`."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BASE = "/powens/demo/2.0"
CLIENT = {"client_id": "10000001", "client_secret": "demo-powens-secret"}
CONFIG = {"Authorization": "Bearer demo-powens-config-token"}
NATIVE = {"Authorization": "Bearer demo-api-key-0001"}
STAMP = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def permanent(client) -> tuple[str, int]:
    answer = client.post(f"{BASE}/auth/init", json=CLIENT)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body["auth_token"], body["id_user"]


def assert_error(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["code"] == code
    assert isinstance(body["description"], str) and body["description"]
    assert set(body) == {"code", "description", "message", "request_id"}
    assert body["request_id"] == answer.headers["x-request-id"]
    return body


def test_init_with_client_credentials_makes_a_permanent_user(client):
    answer = client.post(f"{BASE}/auth/init", json=CLIENT)
    body = answer.json()
    assert answer.status_code == 200
    assert body["type"] == "permanent" and body["expires_in"] is None
    assert isinstance(body["id_user"], int) and body["id_user"] >= 1
    me = client.get(f"{BASE}/users/me", headers=bearer(body["auth_token"]))
    assert me.status_code == 200
    assert me.json()["id"] == body["id_user"]
    assert re.match(STAMP, me.json()["signin"])


def test_init_takes_a_form_body_and_the_biapi_domain_spellings(client):
    for domain in ("demo.biapi.pro", "demo-sandbox.biapi.pro", "demo"):
        answer = client.post(f"/powens/{domain}/2.0/auth/init", data=CLIENT)
        assert answer.status_code == 200, answer.text
        assert answer.json()["type"] == "permanent"


def test_init_without_credentials_makes_a_temporary_user_gone_after_30_minutes(client):
    answer = client.post(f"{BASE}/auth/init")
    body = answer.json()
    assert body["type"] == "temporary" and body["expires_in"] == 1800
    headers = bearer(body["auth_token"])
    assert client.get(f"{BASE}/users/me", headers=headers).status_code == 200
    moved = client.post("/_sandbox/tenants/demo/clock", json={"advance": "PT31M"})
    assert moved.status_code == 200, moved.text
    assert_error(client.get(f"{BASE}/users/me", headers=headers), 401, "unauthorized")
    assert_error(client.get(f"{BASE}/users/{body['id_user']}", headers=CONFIG), 404, "notFound")


def test_wrong_client_secret_is_refused_and_makes_no_user(client):
    before = client.get(f"{BASE}/users", headers=CONFIG).json()["users"]
    answer = client.post(f"{BASE}/auth/init", json={**CLIENT, "client_secret": "nope-nope"})
    assert_error(answer, 401, "unauthorized")
    assert client.get(f"{BASE}/users", headers=CONFIG).json()["users"] == before


def test_a_code_is_exchanged_once_for_a_permanent_token(client):
    token, user_id = permanent(client)
    answer = client.get(
        f"{BASE}/auth/token/code", params={"type": "singleAccess"}, headers=bearer(token)
    )
    code = answer.json()
    assert answer.status_code == 200
    assert (code["type"], code["access"], code["expires_in"]) == ("temporary", "single", 1800)
    exchanged = client.post(f"{BASE}/auth/token/access", json={**CLIENT, "code": code["code"]})
    assert exchanged.status_code == 200, exchanged.text
    new = exchanged.json()
    assert new["token_type"] == "Bearer" and new["access_token"] != token
    me = client.get(f"{BASE}/users/me", headers=bearer(new["access_token"])).json()
    assert me["id"] == user_id
    again = client.post(f"{BASE}/auth/token/access", json={**CLIENT, "code": code["code"]})
    assert_error(again, 400, "invalidValue")
    unknown = client.post(f"{BASE}/auth/token/access", json={**CLIENT, "code": "made-up"})
    assert_error(unknown, 400, "invalidValue")
    missing = client.post(f"{BASE}/auth/token/access", json=CLIENT)
    assert_error(missing, 400, "missingParameter")


def test_a_code_expires_after_30_minutes_of_the_tenants_clock(client):
    token, _ = permanent(client)
    code = client.get(f"{BASE}/auth/token/code", headers=bearer(token)).json()
    assert code["access"] == "standard"
    client.post("/_sandbox/tenants/demo/clock", json={"advance": "PT30M"})
    late = client.post(f"{BASE}/auth/token/access", json={**CLIENT, "code": code["code"]})
    assert_error(late, 400, "invalidValue")


def test_renew_gives_a_new_token_and_may_revoke_the_others(client):
    first, user_id = permanent(client)
    second = client.post(f"{BASE}/auth/renew", json={**CLIENT, "id_user": user_id}).json()
    assert second["token_type"] == "Bearer"
    assert client.get(f"{BASE}/users/me", headers=bearer(first)).status_code == 200
    body = {
        **CLIENT,
        "grant_type": "client_credentials",
        "id_user": user_id,
        "revoke_previous": True,
    }
    third = client.post(f"{BASE}/auth/renew", json=body).json()["access_token"]
    for old in (first, second["access_token"]):
        assert_error(client.get(f"{BASE}/users/me", headers=bearer(old)), 401, "unauthorized")
    assert client.get(f"{BASE}/users/me", headers=bearer(third)).json()["id"] == user_id


def test_renew_reaches_a_user_made_through_the_native_api(client):
    created = client.post(
        "/api/v1/connect-sessions",
        json={"user_id": "alice-42", "redirect_uri": "http://127.0.0.1:3000/callback"},
        headers=NATIVE,
    )
    assert created.status_code == 201
    listed = client.get(f"{BASE}/users", headers=CONFIG).json()["users"]
    [user_id] = [user["id"] for user in listed][-1:]
    token = client.post(f"{BASE}/auth/renew", json={**CLIENT, "id_user": user_id}).json()
    assert (
        client.get(f"{BASE}/users/me", headers=bearer(token["access_token"])).json()["id"]
        == user_id
    )


def test_a_user_made_here_is_in_the_native_api_under_its_number(client):
    _, user_id = permanent(client)
    native = client.get(f"/api/v1/users/{user_id}", headers=NATIVE)
    assert native.status_code == 200
    assert native.json()["id"] == str(user_id)


def test_logout_revokes_the_presented_token_only(client):
    token, user_id = permanent(client)
    other = client.post(f"{BASE}/auth/renew", json={**CLIENT, "id_user": user_id}).json()
    assert client.delete(f"{BASE}/auth/token", headers=bearer(token)).status_code == 204
    assert_error(client.get(f"{BASE}/users/me", headers=bearer(token)), 401, "unauthorized")
    assert client.get(f"{BASE}/users/me", headers=bearer(other["access_token"])).status_code == 200


def test_deleting_a_user_removes_it_everywhere(client):
    token, user_id = permanent(client)
    assert client.delete(f"{BASE}/users/me", headers=bearer(token)).status_code == 204
    assert_error(client.get(f"{BASE}/users/me", headers=bearer(token)), 401, "unauthorized")
    assert client.get(f"/api/v1/users/{user_id}", headers=NATIVE).status_code == 404


def test_another_users_id_is_not_found_but_the_config_token_reaches_it(client):
    mine, _ = permanent(client)
    _, theirs = permanent(client)
    assert_error(client.get(f"{BASE}/users/{theirs}", headers=bearer(mine)), 404, "notFound")
    assert client.get(f"{BASE}/users/{theirs}", headers=CONFIG).json()["id"] == theirs
    assert client.delete(f"{BASE}/users/{theirs}", headers=CONFIG).status_code == 204
    assert_error(client.get(f"{BASE}/users/{theirs}", headers=CONFIG), 404, "notFound")


def test_a_token_of_one_domain_is_refused_on_another(client):
    made = client.post("/_sandbox/tenants", json={})
    assert made.status_code == 201
    other = made.json()["powens"]
    token, _ = permanent(client)
    path = f"/powens/{other['domain']}/2.0/users/me"
    assert_error(client.get(path, headers=bearer(token)), 401, "unauthorized")
    keys = {"client_id": other["client_id"], "client_secret": other["client_secret"]}
    theirs = client.post(f"/powens/{other['domain']}/2.0/auth/init", json=keys)
    assert theirs.status_code == 200 and theirs.json()["type"] == "permanent"


def test_the_control_api_shows_the_tenants_powens_keys(client):
    keys = client.get("/_sandbox/tenants/demo").json()["powens"]
    assert keys == {
        "base_url": "http://testserver/powens/demo/2.0",
        "domain": "demo",
        "client_id": "10000001",
        "client_secret": "demo-powens-secret",
        "webview_url": "http://testserver/powens/webview",
        "config_token": "demo-powens-config-token",
    }


def test_derived_keys_are_stable_and_digits_only(client):
    made = client.post("/_sandbox/tenants", json={"tenant_id": "acme"}).json()["powens"]
    again = client.get("/_sandbox/tenants/acme").json()["powens"]
    assert made == again
    assert made["client_id"].isdigit() and len(made["client_id"]) == 8


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "code"),
    [
        ("get", "/users/me", {}, 401, "unauthorized"),
        ("get", "/users/me", {"Authorization": "Basic eDp5"}, 401, "unauthorized"),
        ("get", "/users/me", NATIVE, 401, "unauthorized"),
        ("get", "/users/me", CONFIG, 400, "invalidValue"),
        ("get", "/users/abc", CONFIG, 404, "notFound"),
        ("get", "/users", bearer("nope"), 401, "unauthorized"),
        ("put", "/users/me", CONFIG, 405, "methodNotAllowed"),
        ("get", "/nowhere", {}, 404, "notFound"),
        ("get", "/auth/token/code?type=forever", None, 400, "invalidValue"),
    ],
)
def test_errors_are_in_powens_format(client, method, path, headers, status, code):
    if headers is None:
        headers = bearer(permanent(client)[0])
    assert_error(getattr(client, method)(f"{BASE}{path}", headers=headers), status, code)


def test_an_unknown_domain_is_not_found(client):
    assert_error(client.post("/powens/nobody/2.0/auth/init", json=CLIENT), 404, "notFound")


# The fixture's state carries over between examples on purpose: each body meets the users
# and codes the earlier ones made.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(
            ["client_id", "client_secret", "code", "id_user", "revoke_previous", "grant_type"]
        ),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(max_size=20),
            st.lists(st.integers(), max_size=2),
        ),
    )
)
def test_any_body_is_answered_in_powens_format_never_a_500(client, body):
    for path in ("/auth/init", "/auth/renew", "/auth/token/access"):
        answer = client.post(f"{BASE}{path}", json=body)
        assert answer.status_code in (200, 400, 401, 404)
        if answer.status_code != 200:
            assert set(answer.json()) == {"code", "description", "message", "request_id"}


def test_signin_is_the_tenants_virtual_time_in_utc(client, platform):
    tenant = platform.tenants.get("demo")
    _, user_id = permanent(client)
    signin = client.get(f"{BASE}/users/{user_id}", headers=CONFIG).json()["signin"]
    shown = datetime.fromisoformat(signin).replace(tzinfo=UTC)
    assert abs(tenant.now() - shown) < timedelta(seconds=5)
