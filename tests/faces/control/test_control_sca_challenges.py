"""Control API: a test lists the SCA challenges a flow started, through whichever face, and
decides the pending decoupled one without the hosted UI."""

import re

import pytest

CALLBACK = "http://127.0.0.1:3000/callback"
FROZEN = "extends: default\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(client) -> dict:
    body = {"scenario_yaml": FROZEN, "redirect_uris": [CALLBACK]}
    return client.post("/_sandbox/tenants", json=body).json()


def start_decoupled_sca(client, tenant: dict, user: str = "u1") -> str:
    """A connect session opened on the native API, taken through the hosted UI's pages up
    to Polderbank's decoupled SCA; the session's URL."""
    headers = {"Authorization": f"Bearer {tenant['api_key']}"}
    body = {"user_id": user, "redirect_uri": CALLBACK, "bank_id": "polderbank"}
    url = client.post("/api/v1/connect-sessions", json=body, headers=headers).json()["url"]
    page = client.get(url)
    if 'name="account_type"' in page.text:
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        client.post(f"{url}/account-type", data={"csrf_token": token, "account_type": "checking"})
        page = client.get(url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post(f"{url}/login", data={"csrf_token": token, "login": "good", "password": "pass"})
    assert "Approve in your Polderbank app" in client.get(url).text
    return url


def challenges(client, tenant: dict, **params) -> list[dict]:
    answer = client.get(f"/_sandbox/tenants/{tenant['tenant_id']}/sca-challenges", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["challenges"]


def test_a_pending_decoupled_sca_is_listed_and_approved_without_the_ui(client, tenant):
    url = start_decoupled_sca(client, tenant)
    pending = challenges(client, tenant, status="pending")
    assert len(pending) == 1
    challenge = pending[0]
    assert challenge["approach"] == "decoupled" and challenge["status"] == "pending"
    assert challenge["user_id"] == "u1" and challenge["bank_id"] == "polderbank"
    assert challenge["bank_login_id"] is None  # a new connection: no bank login yet
    assert challenge["created_at"] == "2026-01-15T09:00:00+00:00"
    approved = client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/sca/{challenge['id']}/approve")
    assert approved.json()["status"] == "approved"
    assert challenges(client, tenant, status="pending") == []
    assert [c["status"] for c in challenges(client, tenant)] == ["approved"]
    assert "Allow" in client.get(url).text  # the hosted flow moves on to the consent


def test_challenges_are_the_tenants_own_and_newest_first(client, tenant):
    start_decoupled_sca(client, tenant, user="u1")
    start_decoupled_sca(client, tenant, user="u2")
    other = client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN}).json()
    assert challenges(client, other) == []
    assert [c["user_id"] for c in challenges(client, tenant)] == ["u2", "u1"]


def test_a_challenge_the_clock_timed_out_is_listed_as_expired(client, tenant):
    start_decoupled_sca(client, tenant)
    client.post(f"/_sandbox/tenants/{tenant['tenant_id']}/clock", json={"advance": "PT1H"})
    assert challenges(client, tenant, status="pending") == []
    assert [c["status"] for c in challenges(client, tenant, status="expired")] == ["expired"]


@pytest.mark.parametrize("query", [{"status": "waiting"}, {"state": "pending"}])
def test_an_unknown_status_or_parameter_is_a_400_naming_it(client, tenant, query):
    answer = client.get(f"/_sandbox/tenants/{tenant['tenant_id']}/sca-challenges", params=query)
    assert answer.status_code == 400
    assert answer.json()["error"]["details"]["parameter"] == next(iter(query))


def test_an_unknown_tenant_is_a_404(client):
    assert client.get("/_sandbox/tenants/nobody/sca-challenges").status_code == 404
