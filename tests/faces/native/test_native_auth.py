"""Who may call /api/v1: a tenant by HTTP Basic client credentials or by its API key."""

import base64

import pytest
from starlette.routing import Route

from sandbox.faces.native.routes import native_app

DEMO_BASIC = ("demo", "demo-secret")
DEMO_KEY = {"Authorization": "Bearer demo-api-key-0001"}


def native_operations(platform) -> list[tuple[str, str]]:
    found = []
    for route in native_app(platform).routes:
        assert isinstance(route, Route)
        path = route.path.replace("{bank_id}", "rheinwert-bank").replace("{user_id}", "u1")
        path = path.replace("{bank_login_id}", "1").replace("{account_id}", "1")
        path = path.replace("{import_id}", "1").replace("{upload_id}", "1")
        path = path.replace("{transaction_id}", "1")
        found += [(method, path) for method in sorted(route.methods - {"HEAD"})]
    return found


def test_every_route_refuses_a_request_without_credentials(client, platform):
    operations = native_operations(platform)
    # With renew, extend-history, activate, deactivate, imports; uploads, manual transactions
    # and statements.
    assert len(operations) == 30
    for method, path in operations:
        answer = client.request(method, f"/api/v1{path}")
        assert answer.status_code == 401, (method, path)
        assert answer.json()["error"]["code"] == "unauthorized"
        assert answer.headers["WWW-Authenticate"] == (
            'Basic realm="bank-sandbox", Bearer realm="bank-sandbox"'
        )


def test_basic_client_credentials_and_the_api_key_both_work(client):
    assert client.get("/api/v1/banks", auth=DEMO_BASIC).status_code == 200
    assert client.get("/api/v1/banks", headers=DEMO_KEY).status_code == 200
    assert (
        client.get(
            "/api/v1/banks", headers={"authorization": "bearer demo-api-key-0001"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "header",
    [
        "Bearer demo-api-key-0002",
        "Bearer demo-secret",
        "Basic " + base64.b64encode(b"demo:wrong").decode(),
        "Basic " + base64.b64encode(b"nobody:demo-secret").decode(),
        "Basic " + base64.b64encode(b"demo-api-key-0001:").decode(),
    ],
)
def test_wrong_credentials_are_401(client, header):
    answer = client.get("/api/v1/banks", headers={"Authorization": header})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_credentials"
    assert "Basic" in answer.headers["WWW-Authenticate"]
    assert "demo-secret" not in answer.text


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer   ",
        "Basic not-base64!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic " + base64.b64encode(b":secret").decode(),
        "Basic " + base64.b64encode(b"\xff\xfe:x").decode(),
        "Token demo-api-key-0001",
        "demo-api-key-0001",
    ],
)
def test_malformed_authorization_is_401_saying_how_to_authenticate(client, header):
    answer = client.get("/api/v1/banks", headers={"Authorization": header})
    assert answer.status_code == 401
    error = answer.json()["error"]
    assert error["code"] == "unauthorized"
    assert "client_id:client_secret" in error["message"]


def test_two_authorization_headers_are_refused(client):
    answer = client.get(
        "/api/v1/banks",
        headers=[("Authorization", "Bearer demo-api-key-0001"), ("Authorization", "Bearer x")],
    )
    assert answer.status_code == 401


def test_a_new_tenants_credentials_work_at_once(api, client):
    credentials = api.credentials
    basic = (credentials["client_id"], credentials["client_secret"])
    assert client.get("/api/v1/users", auth=basic).status_code == 200
    assert api.get("/users").status_code == 200


def test_a_deleted_tenant_can_no_longer_call(api, client):
    assert client.delete(f"/_sandbox/tenants/{api.tenant_id}").status_code == 204
    assert api.get("/users").status_code == 401


def test_auth_is_judged_before_the_query(client):
    answer = client.get("/api/v1/transactions?limit=nope")
    assert answer.status_code == 401
