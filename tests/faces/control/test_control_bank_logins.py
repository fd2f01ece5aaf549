"""Control API: connected bank logins without the UI, and deciding decoupled SCA for a test."""

import pytest

from sandbox.domain import connect, sessions, tenants

CALLBACK = "http://127.0.0.1:3000/callback"


@pytest.fixture
def tenant_id(client) -> str:
    body = {"scenario": "default", "redirect_uris": [CALLBACK]}
    return client.post("/_sandbox/tenants", json=body).json()["tenant_id"]


def test_create_a_connected_bank_login_without_the_ui(client, tenant_id):
    body = {"user_id": "alice-1", "bank_id": "rheinwert-bank", "login": "good"}
    response = client.post(f"/_sandbox/tenants/{tenant_id}/bank-logins", json=body)
    assert response.status_code == 201, response.text
    login = response.json()
    assert login["user_id"] == "alice-1" and login["bank_id"] == "rheinwert-bank"
    assert login["state"] == "connected" and login["consent"]["history_days"] == 90
    assert login["new_accounts"] == 1 and login["new_transactions"] > 0


def test_a_scripted_refusal_is_a_409_with_the_state(client, tenant_id):
    body = {"user_id": "u", "bank_id": "rheinwert-bank", "login": "locked"}
    response = client.post(f"/_sandbox/tenants/{tenant_id}/bank-logins", json=body)
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"state": "error", "detail": "locked"}


@pytest.mark.parametrize(
    "body",
    [
        {"user_id": "u", "bank_id": "no-such-bank", "login": "good"},
        {"user_id": "u", "bank_id": "rheinwert-bank", "login": "nobody"},
        {"user_id": "u", "bank_id": "rheinwert-bank", "login": "good", "account_type": "loan"},
        {"user_id": "u", "bank_id": "rheinwert-bank"},
    ],
)
def test_bad_bank_login_requests_are_422(client, tenant_id, body):
    response = client.post(f"/_sandbox/tenants/{tenant_id}/bank-logins", json=body)
    assert response.status_code == 422


def pending_decoupled(platform, tenant_id: str) -> int:
    tenant = tenants.get_tenant(platform.db, tenant_id)
    session = sessions.create_session(
        platform.db, tenant, kind="connect", external_user_id="u",
        redirect_uri=CALLBACK, state=None, options={},
    )  # fmt: skip
    if connect.choose_bank(platform.db, session.id, "polderbank").progress.step == "account_type":
        connect.choose_account_type(platform.db, session.id, "checking")
    flow = connect.log_in(platform.db, session.id, "good", "pass")
    return flow.progress.challenge_id


@pytest.mark.parametrize(("decision", "status"), [("approve", "approved"), ("reject", "rejected")])
def test_decide_a_pending_decoupled_sca(client, platform, tenant_id, decision, status):
    challenge = pending_decoupled(platform, tenant_id)
    response = client.post(f"/_sandbox/tenants/{tenant_id}/sca/{challenge}/{decision}")
    assert response.status_code == 200
    assert response.json() == {"challenge_id": challenge, "approach": "decoupled", "status": status}
    again = client.post(f"/_sandbox/tenants/{tenant_id}/sca/{challenge}/approve")
    assert again.status_code == 409


def test_unknown_challenges_are_404(client, tenant_id):
    assert client.post(f"/_sandbox/tenants/{tenant_id}/sca/999/approve").status_code == 404
    assert client.post(f"/_sandbox/tenants/{tenant_id}/sca/abc/reject").status_code == 404


def test_another_tenants_challenge_is_not_found(client, platform, tenant_id):
    challenge = pending_decoupled(platform, tenant_id)
    other = client.post("/_sandbox/tenants", json={}).json()["tenant_id"]
    assert client.post(f"/_sandbox/tenants/{other}/sca/{challenge}/approve").status_code == 404


def connect_directly(client, tenant_id: str, **body: str):
    return client.post(f"/_sandbox/tenants/{tenant_id}/bank-logins", json=body)


def test_a_magic_persona_brings_every_account_and_the_banks_only_type(client, tenant_id):
    made = connect_directly(
        client, tenant_id, user_id="u", bank_id="rheinwert-bank", login="multi-currency"
    )
    assert made.status_code == 201, made.text
    assert made.json()["account_type"] == "checking"  # as the hosted UI fills it
    assert made.json()["new_accounts"] == 4  # EUR, USD, GBP and CHF, as at every bank


def test_connecting_the_same_login_again_is_409_naming_the_bank_login(client, tenant_id):
    body = {"user_id": "u", "bank_id": "rheinwert-bank", "login": "good"}
    first = connect_directly(client, tenant_id, **body)
    again = connect_directly(client, tenant_id, **body)
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "already_connected"
    assert error["details"] == {"bank_login_id": first.json()["id"]}
    assert "renew" in error["message"]
    other_user = connect_directly(client, tenant_id, **{**body, "user_id": "v"})
    other_login = connect_directly(client, tenant_id, **{**body, "login": "credit-card"})
    assert (other_user.status_code, other_login.status_code) == (201, 201)


def test_each_account_type_of_a_bank_connects_once(client, tenant_id):
    """A bank of several types files each account under one type: a connection per type is
    no repeat, a second one of a type is, and one of every type overlaps them all."""
    body = {"user_id": "u", "bank_id": "nordlicht-sparbank", "login": "multi-currency"}
    checking = connect_directly(client, tenant_id, **body, account_type="checking")
    savings = connect_directly(client, tenant_id, **body, account_type="savings")
    assert (checking.json()["new_accounts"], savings.json()["new_accounts"]) == (2, 2)
    again = connect_directly(client, tenant_id, **body, account_type="savings")
    every_type = connect_directly(client, tenant_id, **body)
    assert again.json()["error"]["details"] == {"bank_login_id": savings.json()["id"]}
    assert every_type.json()["error"]["details"] == {"bank_login_id": checking.json()["id"]}
