"""Control API over a bank login's lifecycle: force a state, expire the consent, sync now."""

import pytest

FROZEN = "extends: default\nname: frozen\nclock: {start: 2026-01-15T09:00:00Z, frozen: true}\n"


@pytest.fixture
def tenant(client) -> str:
    made = client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN})
    assert made.status_code == 201, made.text
    return made.json()["tenant_id"]


def connect(client, tenant: str, login: str = "good", bank: str = "rheinwert-bank") -> dict:
    body = {"user_id": "u1", "bank_id": bank, "login": login}
    made = client.post(f"/_sandbox/tenants/{tenant}/bank-logins", json=body)
    assert made.status_code == 201, made.text
    return made.json()


def control(client, tenant: str, login_id: object, action: str, json: object = None):
    return client.post(f"/_sandbox/tenants/{tenant}/bank-logins/{login_id}/{action}", json=json)


def test_force_any_state_until_a_time(client, tenant):
    login = connect(client, tenant)
    body = {"state": "bank_unavailable", "detail": "maintenance", "until": "2026-01-15T12:00:00Z"}
    forced = control(client, tenant, login["id"], "state", body)
    assert forced.status_code == 200, forced.text
    shown = forced.json()
    assert shown["state"] == "bank_unavailable" and shown["state_detail"] == "maintenance"
    assert shown["state_until"] == "2026-01-15T12:00:00+00:00"
    client.post(f"/_sandbox/tenants/{tenant}/clock", json={"advance": "PT3H"})
    # Past `until` the login reads connected again, as the data API shows it.
    api_key = client.get(f"/_sandbox/tenants/{tenant}").json()["api_key"]
    read = client.get(
        f"/api/v1/bank-logins/{login['id']}", headers={"Authorization": f"Bearer {api_key}"}
    )
    assert read.json()["state"] == "connected" and read.json()["state_until"] is None


def test_forced_state_is_what_the_data_api_sees(client, tenant):
    login = connect(client, tenant)
    forced = control(client, tenant, login["id"], "state", {"state": "action_needed"})
    assert forced.json()["state"] == "action_needed"
    sync = control(client, tenant, login["id"], "sync")
    assert sync.status_code == 409
    assert sync.json()["error"]["details"]["state"] == "action_needed"


def test_expire_consent_then_connected_is_refused(client, tenant):
    login = connect(client, tenant)
    expired = control(client, tenant, login["id"], "expire-consent")
    assert expired.status_code == 200, expired.text
    assert expired.json()["state"] == "sca_required"
    assert expired.json()["consent"]["expires_at"] == "2026-01-15T09:00:00+00:00"
    refused = control(client, tenant, login["id"], "state", {"state": "connected"})
    assert refused.status_code == 409


def test_expire_consent_at_a_webauth_bank_reads_webauth_required(client, tenant):
    login = connect(client, tenant, bank="banque-lumiere")
    assert control(client, tenant, login["id"], "expire-consent").json()["state"] == (
        "webauth_required"
    )


def test_sync_now_ignores_the_daily_limit(client, tenant):
    login = connect(client, tenant)
    for _ in range(6):
        synced = control(client, tenant, login["id"], "sync")
        assert synced.status_code == 200, synced.text
    body = synced.json()
    assert body["state"] == "connected" and body["sync_count"] == 7
    assert body["new_accounts"] == 0 and body["new_transactions"] == 0
    assert body["sources"][0]["state"] == "ok"


def test_sync_now_meets_the_banks_refusals(client, tenant):
    login = connect(client, tenant, login="wrongpass-on-sync-2")
    refused = control(client, tenant, login["id"], "sync")
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["state"] == "wrong_credentials"


@pytest.mark.parametrize("action", ["state", "expire-consent", "sync"])
def test_unknown_bank_logins_are_404(client, tenant, action):
    body = {"state": "error"} if action == "state" else None
    for login_id in ("999", "abc"):
        assert control(client, tenant, login_id, action, body).status_code == 404
    other = client.post("/_sandbox/tenants", json={"scenario_yaml": FROZEN}).json()["tenant_id"]
    login = connect(client, other)
    assert control(client, tenant, login["id"], action, body).status_code == 404


@pytest.mark.parametrize(
    "body",
    [{"state": "sleeping"}, {}, {"state": "error", "until": "2026-01-16T09:00:00"}],
)
def test_a_bad_state_body_is_422(client, tenant, body):
    login = connect(client, tenant)
    assert control(client, tenant, login["id"], "state", body).status_code == 422


def test_expiring_an_expired_consent_leaves_its_end(client, tenant):
    login = connect(client, tenant)
    first = control(client, tenant, login["id"], "expire-consent").json()["consent"]["expires_at"]
    client.post(f"/_sandbox/tenants/{tenant}/clock", json={"advance": "P3D"})
    again = control(client, tenant, login["id"], "expire-consent")
    assert again.status_code == 200, again.text
    assert again.json()["consent"]["expires_at"] == first == "2026-01-15T09:00:00+00:00"
    assert again.json()["state"] == "sca_required"


@pytest.mark.parametrize(
    "until", ["2026-01-15T08:59:59Z", "2026-01-15T09:00:00Z", "2000-01-01T00:00:00+02:00", 0]
)
def test_a_state_forced_until_a_time_not_ahead_is_422_naming_until(client, tenant, until):
    login = connect(client, tenant)
    body = {"state": "bank_unavailable", "until": until}
    refused = control(client, tenant, login["id"], "state", body)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "invalid_input" and "until" in error["message"]
    assert [detail["field"] for detail in error["details"]] == ["until"]
    shown = client.post(f"/_sandbox/tenants/{tenant}/bank-logins/{login['id']}/sync").json()
    assert shown["state"] == "connected"  # nothing was forced
